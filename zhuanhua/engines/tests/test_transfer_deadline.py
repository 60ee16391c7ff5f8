"""限时转化: joining and leaving the 先用后转 list (measure 4; UFPL guide art. 4)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from zhuanhua.engines.common import InputError
from zhuanhua.engines.transfer_deadline import (
    deadline,
    joins_list_on,
    on_list,
    reminder_dates,
    run,
)

D = dt.date.fromisoformat
ZHUANHUA = str(Path(sys.executable).with_name("zhuanhua"))


def item(ident: Any = "A1", **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": ident,
        "fiscally_funded": True,
        "is_applied_technology": True,
        "ip_acquired_on": "2024-03-10",
        "transferred_on": None,
    }
    base.update(overrides)
    return base


def one(as_of: str, **overrides: Any) -> dict[str, Any]:
    result = run({"as_of": as_of, "achievements": [item(**overrides)]})
    assert len(result["results"]) == 1
    return dict(result["results"][0])


def test_ordinary_date_joins_day_after_two_years() -> None:
    assert joins_list_on(True, True, D("2024-03-10")) == D("2026-03-11")


def test_deadline_is_same_month_and_day_two_years_later() -> None:
    assert deadline(D("2024-03-10")) == D("2026-03-10")


def test_29_february_joins_on_1_march() -> None:
    assert deadline(D("2024-02-29")) == D("2026-02-28")
    assert joins_list_on(True, True, D("2024-02-29")) == D("2026-03-01")


def test_28_february_before_leap_year_joins_on_29_february() -> None:
    assert joins_list_on(True, True, D("2022-02-28")) == D("2024-02-29")


def test_transfer_on_last_day_of_period_never_joins() -> None:
    assert joins_list_on(True, True, D("2024-03-10"), D("2026-03-10")) is None


def test_transfer_on_day_of_joining_still_joins() -> None:
    assert joins_list_on(True, True, D("2024-03-10"), D("2026-03-11")) == D("2026-03-11")


def test_not_fiscally_funded_never_joins() -> None:
    assert joins_list_on(False, True, D("2024-03-10")) is None


def test_not_applied_technology_never_joins() -> None:
    assert joins_list_on(True, False, D("2024-03-10")) is None


def test_helper_requires_ip_date_for_funded_applied_result() -> None:
    with pytest.raises(InputError) as info:
        joins_list_on(True, True, None)
    assert info.value.path == "ip_acquired_on"


def test_on_list_helper() -> None:
    assert on_list(D("2026-03-11"), None, D("2026-03-11")) is True
    assert on_list(D("2026-03-11"), None, D("2026-03-10")) is False
    assert on_list(D("2026-03-11"), D("2026-03-11"), D("2026-03-11")) is False
    assert on_list(None, None, D("2030-01-01")) is False


def test_reminder_dates_are_90_and_30_days_before() -> None:
    assert reminder_dates(D("2026-03-11")) == (D("2025-12-11"), D("2026-02-09"))


def test_run_not_on_list_on_last_day_of_period() -> None:
    assert one("2026-03-10") == {"id": "A1", "joins_list_on": "2026-03-11", "on_list": False}


def test_run_on_list_on_day_of_joining() -> None:
    assert one("2026-03-11") == {"id": "A1", "joins_list_on": "2026-03-11", "on_list": True}


def test_run_29_february_on_list_from_1_march() -> None:
    assert one("2026-02-28", ip_acquired_on="2024-02-29") == {
        "id": "A1",
        "joins_list_on": "2026-03-01",
        "on_list": False,
    }
    assert one("2026-03-01", ip_acquired_on="2024-02-29") == {
        "id": "A1",
        "joins_list_on": "2026-03-01",
        "on_list": True,
    }


def test_run_transfer_on_last_day_never_joins() -> None:
    assert one("2027-01-01", transferred_on="2026-03-10") == {
        "id": "A1",
        "joins_list_on": None,
        "on_list": False,
    }


def test_run_transfer_on_day_of_joining_leaves_the_same_day() -> None:
    assert one("2026-03-11", transferred_on="2026-03-11") == {
        "id": "A1",
        "joins_list_on": "2026-03-11",
        "on_list": False,
    }


def test_run_later_transfer_leaves_list_on_transfer_day() -> None:
    assert one("2026-05-31", transferred_on="2026-06-01")["on_list"] is True
    assert one("2026-06-01", transferred_on="2026-06-01")["on_list"] is False


def test_run_transfer_after_as_of_keeps_result_on_list() -> None:
    assert one("2026-04-01", transferred_on="2027-01-15") == {
        "id": "A1",
        "joins_list_on": "2026-03-11",
        "on_list": True,
    }


def test_run_transfer_before_ip_acquired_never_joins() -> None:
    assert one("2027-01-01", transferred_on="2024-01-05")["joins_list_on"] is None


def test_run_never_qualifying_achievements() -> None:
    doc = {
        "as_of": "2030-01-01",
        "achievements": [
            item("basic", is_applied_technology=False),
            item("private", fiscally_funded=False),
            item("neither", fiscally_funded=False, is_applied_technology=False),
            item("no-ip", fiscally_funded=False, ip_acquired_on=None),
        ],
    }
    assert run(doc) == {
        "results": [
            {"id": "basic", "joins_list_on": None, "on_list": False},
            {"id": "private", "joins_list_on": None, "on_list": False},
            {"id": "neither", "joins_list_on": None, "on_list": False},
            {"id": "no-ip", "joins_list_on": None, "on_list": False},
        ]
    }


def test_run_ip_acquired_after_as_of_is_accepted_and_not_on_list() -> None:
    assert one("2024-01-01", ip_acquired_on="2025-06-30") == {
        "id": "A1",
        "joins_list_on": "2027-07-01",
        "on_list": False,
    }


def test_run_keeps_input_order_and_id_types() -> None:
    doc = {
        "as_of": "2026-03-11",
        "achievements": [
            item(7, ip_acquired_on="2025-01-01"),
            item("B", ip_acquired_on="2024-02-29"),
            item(3),
        ],
    }
    assert run(doc) == {
        "results": [
            {"id": 7, "joins_list_on": "2027-01-02", "on_list": False},
            {"id": "B", "joins_list_on": "2026-03-01", "on_list": True},
            {"id": 3, "joins_list_on": "2026-03-11", "on_list": True},
        ]
    }


def test_run_empty_list() -> None:
    assert run({"as_of": "2026-01-01", "achievements": []}) == {"results": []}


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        ({"achievements": []}, "as_of"),
        ({"as_of": "2026-02-30", "achievements": []}, "as_of"),
        ({"as_of": "2026-01-01"}, "achievements"),
        ({"as_of": "2026-01-01", "achievements": {}}, "achievements"),
        ({"as_of": "2026-01-01", "achievements": ["A1"]}, "achievements[0]"),
        (
            {
                "as_of": "2026-01-01",
                "achievements": [item("a"), item("b"), item("c"), item("d", ip_acquired_on=None)],
            },
            "achievements[3].ip_acquired_on",
        ),
        (
            {"as_of": "2026-01-01", "achievements": [item(ip_acquired_on="10/03/2024")]},
            "achievements[0].ip_acquired_on",
        ),
        (
            {"as_of": "2026-01-01", "achievements": [item(transferred_on="2026-13-01")]},
            "achievements[0].transferred_on",
        ),
        (
            {"as_of": "2026-01-01", "achievements": [item(fiscally_funded="yes")]},
            "achievements[0].fiscally_funded",
        ),
        (
            {"as_of": "2026-01-01", "achievements": [item(is_applied_technology=None)]},
            "achievements[0].is_applied_technology",
        ),
        ({"as_of": "2026-01-01", "achievements": [item(None)]}, "achievements[0].id"),
        ({"as_of": "2026-01-01", "achievements": [item(True)]}, "achievements[0].id"),
        ({"as_of": "2026-01-01", "achievements": [item("x"), item("x")]}, "achievements[1].id"),
        (
            {"as_of": "2026-01-01", "achievements": [item(ip_acquired_on="9999-01-01")]},
            "achievements[0].ip_acquired_on",
        ),
        ([], "(document)"),
    ],
)
def test_run_bad_input_names_the_field(doc: Any, path: str) -> None:
    with pytest.raises(InputError) as info:
        run(doc)
    assert info.value.path == path


def test_cli_prints_results() -> None:
    proc = subprocess.run(
        [ZHUANHUA, "transfer-deadline", "check", "-"],
        input=json.dumps(
            {"as_of": "2026-03-01", "achievements": [item(ip_acquired_on="2024-02-29")]}
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert json.loads(proc.stdout) == {
        "results": [{"id": "A1", "joins_list_on": "2026-03-01", "on_list": True}]
    }


def test_cli_missing_ip_date_exits_2_with_field_path() -> None:
    doc = {"as_of": "2026-01-01", "achievements": [item("a"), item("b", ip_acquired_on=None)]}
    proc = subprocess.run(
        [ZHUANHUA, "transfer-deadline", "check", "-"],
        input=json.dumps(doc),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("error: achievements[1].ip_acquired_on: ")
