"""Legal periods inside the app: the engine with the admin holiday table."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from zhuanhua.publicity.admin import HolidayYearForm
from zhuanhua.publicity.models import HolidayYear
from zhuanhua.publicity.services import notice_create, publicity_period_end
from zhuanhua.publicity.tests.conftest import END, START

NATIONAL_DAY_2031 = [f"2031-10-0{d}" for d in range(1, 8)]


@pytest.mark.django_db
def test_fifteen_days_from_2025_09_20_extend_over_national_day_to_10_09():
    result = publicity_period_end(START, 15, "calendar")

    assert result.ends_on == END
    assert result.extended is True
    assert result.calendar_known is True


@pytest.mark.django_db
def test_a_notice_stores_the_extended_end(manager_a, price_data):
    notice = notice_create(user=manager_a, data=price_data)

    notice.refresh_from_db()
    assert (notice.starts_on, notice.ends_on, notice.extended) == (START, END, True)


@pytest.mark.django_db
def test_unknown_year_without_table_uses_the_weekend_rule_and_says_so():
    # 2031-10-01 is a Wednesday; chinese_calendar does not know 2031.
    result = publicity_period_end(dt.date(2031, 9, 16), 15)

    assert result.ends_on == dt.date(2031, 10, 1)
    assert result.extended is False
    assert result.calendar_known is False


@pytest.mark.django_db
def test_holiday_year_table_applies_to_an_unknown_year():
    HolidayYear.objects.create(year=2031, holidays=NATIONAL_DAY_2031, workdays=["2031-10-11"])

    result = publicity_period_end(dt.date(2031, 9, 16), 15)

    assert result.ends_on == dt.date(2031, 10, 8)
    assert result.extended is True
    assert result.calendar_known is True


@pytest.mark.django_db
def test_make_up_workday_from_the_table_ends_a_period_on_a_saturday():
    HolidayYear.objects.create(year=2031, holidays=NATIONAL_DAY_2031, workdays=["2031-10-11"])

    # 2031-09-26 + 15 = Saturday 2031-10-11, a make-up working day.
    result = publicity_period_end(dt.date(2031, 9, 26), 15)

    assert (result.ends_on, result.extended) == (dt.date(2031, 10, 11), False)


@pytest.mark.django_db
def test_working_day_periods_skip_the_table_holidays():
    HolidayYear.objects.create(year=2031, holidays=NATIONAL_DAY_2031, workdays=["2031-10-11"])

    # Tue 2031-09-30 start; working days: 10-08 (Wed), 10-09, 10-10, 10-11 (make-up Sat).
    result = publicity_period_end(dt.date(2031, 9, 30), 4, "working")

    assert result.ends_on == dt.date(2031, 10, 11)


@pytest.mark.django_db
def test_a_row_that_does_not_parse_is_skipped_not_fatal():
    HolidayYear.objects.create(year=2031, holidays=["2030-10-01"])  # wrong year, bypassing clean()

    result = publicity_period_end(dt.date(2031, 9, 16), 15)

    assert (result.ends_on, result.calendar_known) == (dt.date(2031, 10, 1), False)


@pytest.mark.django_db
def test_admin_form_reads_one_date_per_line_and_rejects_another_year():
    form = HolidayYearForm(
        data={
            "year": 2031,
            "holidays": "2031-10-02\n2031-10-01，2031-10-01",
            "workdays": "2031-10-11",
            "source": "国办发明电〔2030〕1号",
        }
    )
    assert form.is_valid(), form.errors
    row = form.save()
    assert row.holidays == ["2031-10-01", "2031-10-02"]
    assert row.workdays == ["2031-10-11"]

    bad = HolidayYearForm(data={"year": 2032, "holidays": "2031-10-01", "workdays": ""})
    assert not bad.is_valid()
    assert HolidayYear.objects.filter(year=2032).count() == 0


@pytest.mark.django_db
def test_model_clean_refuses_a_day_both_holiday_and_workday():
    row = HolidayYear(year=2031, holidays=["2031-10-11"], workdays=["2031-10-11"])
    with pytest.raises(ValidationError):
        row.full_clean()
