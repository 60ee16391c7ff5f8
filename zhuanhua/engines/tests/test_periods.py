"""Legal periods (民法典 arts. 201–204) against the official calendars of 2025 and 2026."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from zhuanhua.engines.common import InputError
from zhuanhua.engines.periods import (
    HolidayTable,
    PeriodResult,
    YearTable,
    is_working_day,
    period_end,
    run,
)

D = dt.date.fromisoformat
ZHUANHUA = str(Path(sys.executable).with_name("zhuanhua"))

TABLE_2035 = {
    "2035": {
        "holidays": ["2035-10-01", "2035-10-02", "2035-10-03", "2035-10-04", "2035-10-05"],
        "workdays": ["2035-09-29"],
    }
}


def test_fifteen_days_ending_in_national_day_2025_extend_to_2025_10_09() -> None:
    assert period_end(D("2025-09-16"), 15, "calendar") == PeriodResult(
        D("2025-10-09"), extended=True, calendar_known=True
    )


def test_period_ending_on_makeup_sunday_2025_09_28_is_not_extended() -> None:
    assert period_end(D("2025-09-13"), 15, "calendar") == PeriodResult(
        D("2025-09-28"), extended=False, calendar_known=True
    )


def test_period_ending_on_makeup_saturday_2025_10_11_is_not_extended() -> None:
    assert period_end(D("2025-09-26"), 15, "calendar") == PeriodResult(
        D("2025-10-11"), extended=False, calendar_known=True
    )


def test_period_ending_on_ordinary_saturday_extends_to_monday() -> None:
    assert period_end(D("2025-10-03"), 15, "calendar") == PeriodResult(
        D("2025-10-20"), extended=True, calendar_known=True
    )


def test_period_ending_in_spring_festival_2026_extends_to_2026_02_24() -> None:
    assert period_end(D("2026-01-31"), 15, "calendar") == PeriodResult(
        D("2026-02-24"), extended=True, calendar_known=True
    )


def test_period_ending_on_makeup_saturday_2026_02_14_is_not_extended() -> None:
    assert period_end(D("2026-01-30"), 15, "calendar") == PeriodResult(
        D("2026-02-14"), extended=False, calendar_known=True
    )


def test_period_ending_in_national_day_2026_extends_to_2026_10_08() -> None:
    assert period_end(D("2026-09-16"), 15, "calendar") == PeriodResult(
        D("2026-10-08"), extended=True, calendar_known=True
    )


def test_period_ending_on_makeup_sunday_2026_09_20_is_not_extended() -> None:
    assert period_end(D("2026-09-05"), 15, "calendar") == PeriodResult(
        D("2026-09-20"), extended=False, calendar_known=True
    )


def test_period_ending_on_makeup_saturday_2026_10_10_is_not_extended() -> None:
    assert period_end(D("2026-09-25"), 15, "calendar") == PeriodResult(
        D("2026-10-10"), extended=False, calendar_known=True
    )


def test_period_ending_on_makeup_sunday_2026_01_04_is_not_extended() -> None:
    assert period_end(D("2025-12-20"), 15, "calendar") == PeriodResult(
        D("2026-01-04"), extended=False, calendar_known=True
    )


def test_start_day_is_not_counted() -> None:
    assert period_end(D("2025-06-03"), 1, "calendar").ends_on == D("2025-06-04")


def test_working_days_skip_national_day_2025_and_count_makeup_saturday() -> None:
    assert period_end(D("2025-09-30"), 5, "working") == PeriodResult(
        D("2025-10-14"), extended=False, calendar_known=True
    )


def test_working_days_after_national_day_2026_end_on_makeup_saturday() -> None:
    assert period_end(D("2026-09-30"), 3, "working") == PeriodResult(
        D("2026-10-10"), extended=False, calendar_known=True
    )


def test_working_days_across_spring_festival_2026() -> None:
    assert period_end(D("2026-02-13"), 3, "working") == PeriodResult(
        D("2026-02-25"), extended=False, calendar_known=True
    )


def test_fifteen_working_days_from_ordinary_monday() -> None:
    assert period_end(D("2025-03-03"), 15, "working").ends_on == D("2025-03-24")


def test_working_days_into_2027_fall_back_to_weekends_only() -> None:
    # 2027-01-01 (Friday) counts as a working day: the fallback knows only weekends.
    assert period_end(D("2026-12-28"), 5, "working") == PeriodResult(
        D("2027-01-04"), extended=False, calendar_known=False
    )


def test_calendar_period_ending_in_2027_is_not_known() -> None:
    assert period_end(D("2026-12-20"), 15, "calendar") == PeriodResult(
        D("2027-01-04"), extended=False, calendar_known=False
    )


def test_calendar_period_ending_in_2026_from_known_year_is_known() -> None:
    assert period_end(D("2026-12-16"), 15, "calendar") == PeriodResult(
        D("2026-12-31"), extended=False, calendar_known=True
    )


def test_unknown_year_2035_uses_weekends_only() -> None:
    # 2035-10-01 is a Monday: without a table it is a working day.
    assert period_end(D("2035-09-16"), 15, "calendar") == PeriodResult(
        D("2035-10-01"), extended=False, calendar_known=False
    )


def test_unknown_year_2035_sunday_extends_to_monday() -> None:
    assert period_end(D("2035-09-15"), 15, "calendar") == PeriodResult(
        D("2035-10-01"), extended=True, calendar_known=False
    )


def test_unknown_year_2035_working_days() -> None:
    assert period_end(D("2035-09-28"), 5, "working") == PeriodResult(
        D("2035-10-05"), extended=False, calendar_known=False
    )


def test_year_before_library_range_is_unknown() -> None:
    assert period_end(D("2003-05-01"), 15, "calendar") == PeriodResult(
        D("2003-05-16"), extended=False, calendar_known=False
    )


def test_admin_table_for_2035_extends_over_holidays_and_weekend() -> None:
    table = HolidayTable.from_doc(TABLE_2035)
    assert period_end(D("2035-09-16"), 15, "calendar", table) == PeriodResult(
        D("2035-10-08"), extended=True, calendar_known=True
    )


def test_admin_table_makeup_saturday_is_a_working_day() -> None:
    table = HolidayTable.from_doc(TABLE_2035)
    assert period_end(D("2035-09-14"), 15, "calendar", table) == PeriodResult(
        D("2035-09-29"), extended=False, calendar_known=True
    )


def test_admin_table_working_days_2035() -> None:
    table = HolidayTable.from_doc(TABLE_2035)
    assert period_end(D("2035-09-28"), 2, "working", table) == PeriodResult(
        D("2035-10-08"), extended=False, calendar_known=True
    )


def test_admin_table_for_other_year_leaves_2035_unknown() -> None:
    table = HolidayTable.from_doc({"2036": {"holidays": ["2036-01-01"], "workdays": []}})
    assert period_end(D("2035-09-16"), 15, "calendar", table).calendar_known is False


def test_admin_table_adds_holiday_to_known_year() -> None:
    table = HolidayTable.from_doc({"2025": {"holidays": ["2025-10-09"]}})
    assert period_end(D("2025-09-16"), 15, "calendar", table) == PeriodResult(
        D("2025-10-10"), extended=True, calendar_known=True
    )


def test_admin_table_workday_overrides_known_holiday() -> None:
    table = HolidayTable.from_doc({"2025": {"workdays": ["2025-10-08"]}})
    assert period_end(D("2025-09-16"), 15, "calendar", table) == PeriodResult(
        D("2025-10-08"), extended=True, calendar_known=True
    )


def test_is_working_day_official_2025_and_2026() -> None:
    assert is_working_day(D("2025-09-28")) is True
    assert is_working_day(D("2025-10-08")) is False
    assert is_working_day(D("2025-10-11")) is True
    assert is_working_day(D("2026-02-14")) is True
    assert is_working_day(D("2026-02-23")) is False
    assert is_working_day(D("2026-10-03")) is False
    assert is_working_day(D("2026-10-08")) is True


def test_is_working_day_unknown_year_weekends_only() -> None:
    assert is_working_day(D("2035-10-01")) is True
    assert is_working_day(D("2035-09-29")) is False


def test_is_working_day_with_admin_table() -> None:
    table = HolidayTable(
        years={2035: YearTable(holidays=frozenset({D("2035-10-01")}), workdays=frozenset())}
    )
    assert is_working_day(D("2035-10-01"), table) is False
    assert is_working_day(D("2035-10-02"), table) is True


def test_run_calendar_period() -> None:
    assert run({"start": "2025-09-16", "days": 15, "unit": "calendar"}) == {
        "ends_on": "2025-10-09",
        "extended": True,
        "calendar_known": True,
    }


def test_run_unit_defaults_to_calendar() -> None:
    assert run({"start": "2025-09-16", "days": 15}) == {
        "ends_on": "2025-10-09",
        "extended": True,
        "calendar_known": True,
    }


def test_run_working_period() -> None:
    assert run({"start": "2025-09-30", "days": 5, "unit": "working"}) == {
        "ends_on": "2025-10-14",
        "extended": False,
        "calendar_known": True,
    }


def test_run_with_holidays_table() -> None:
    doc = {"start": "2035-09-16", "days": 15, "unit": "calendar", "holidays": TABLE_2035}
    assert run(doc) == {"ends_on": "2035-10-08", "extended": True, "calendar_known": True}


def test_run_unknown_year() -> None:
    assert run({"start": "2035-09-16", "days": 15, "unit": "calendar"}) == {
        "ends_on": "2035-10-01",
        "extended": False,
        "calendar_known": False,
    }


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        ({"days": 15, "unit": "calendar"}, "start"),
        ({"start": "2025-13-01", "days": 15}, "start"),
        ({"start": 20250916, "days": 15}, "start"),
        ({"start": "2025-09-16"}, "days"),
        ({"start": "2025-09-16", "days": 0}, "days"),
        ({"start": "2025-09-16", "days": -3}, "days"),
        ({"start": "2025-09-16", "days": "15"}, "days"),
        ({"start": "2025-09-16", "days": Decimal("15.0")}, "days"),
        ({"start": "2025-09-16", "days": True}, "days"),
        ({"start": "2025-09-16", "days": 100000}, "days"),
        ({"start": "2025-09-16", "days": 15, "unit": "weeks"}, "unit"),
        ({"start": "9999-12-30", "days": 5}, "days"),
        ({"start": "2025-09-16", "days": 15, "holidays": []}, "holidays"),
        ({"start": "2025-09-16", "days": 15, "holidays": {"35": {}}}, "holidays.35"),
        (
            {"start": "2025-09-16", "days": 15, "holidays": {"2035": {"holidays": ["x"]}}},
            "holidays.2035.holidays[0]",
        ),
        (
            {
                "start": "2025-09-16",
                "days": 15,
                "holidays": {"2035": {"workdays": ["2035-09-29", "2036-01-01"]}},
            },
            "holidays.2035.workdays[1]",
        ),
        (
            {
                "start": "2025-09-16",
                "days": 15,
                "holidays": {"2035": {"holidays": ["2035-10-01"], "workdays": ["2035-10-01"]}},
            },
            "holidays.2035",
        ),
        (
            {"start": "2025-09-16", "days": 15, "holidays": {"2035": {"rest": []}}},
            "holidays.2035.rest",
        ),
        ("not an object", "(document)"),
    ],
)
def test_run_bad_input_names_the_field(doc: object, path: str) -> None:
    with pytest.raises(InputError) as info:
        run(doc)
    assert info.value.path == path


def test_cli_prints_result() -> None:
    proc = subprocess.run(
        [ZHUANHUA, "publicity", "period", "-"],
        input=json.dumps({"start": "2025-09-16", "days": 15, "unit": "calendar"}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert json.loads(proc.stdout) == {
        "ends_on": "2025-10-09",
        "extended": True,
        "calendar_known": True,
    }


def test_cli_bad_days_exits_2_naming_days() -> None:
    proc = subprocess.run(
        [ZHUANHUA, "publicity", "period", "-"],
        input=json.dumps({"start": "2025-09-16", "days": 0}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("error: days: ")


def test_cli_bad_unit_exits_2_naming_unit() -> None:
    proc = subprocess.run(
        [ZHUANHUA, "publicity", "period", "-"],
        input=json.dumps({"start": "2025-09-16", "days": 15, "unit": "weeks"}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: unit: ")
