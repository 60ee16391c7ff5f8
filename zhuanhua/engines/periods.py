"""Legal periods counted in days (民法典 arts. 201–204): publicity, objection and review periods.

- The start day is not counted: a period of N days starting on day S counts S+1 … S+N.
- ``unit="calendar"``: the last day is S+N; if that day is a statutory rest day (weekend or public
  holiday as adjusted by the State Council's yearly calendar, 法定休假日), the period ends on the
  next working day (art. 203). A make-up working Saturday or Sunday (调休上班) is a working day.
- ``unit="working"``: the period is N working days (工作日) after the start day; it always ends on
  a working day, so it is never extended.

The official calendar comes from ``chinese_calendar`` for the years it carries. For any other
year the engine falls back to "Saturday and Sunday are rest days" and says so with
``calendar_known: false``, unless an admin-entered :class:`HolidayTable` covers that year.

No Django import here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import chinese_calendar
from chinese_calendar import constants as _cc_constants

from zhuanhua.engines.common import InputError, parse_date, require

Unit = Literal["calendar", "working"]
UNITS: tuple[str, ...] = ("calendar", "working")

# Longest period the engine accepts, in days; generous for any publicity or review period while
# keeping a working-day count bounded.
MAX_DAYS = 3660

ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=1)
def _library_years() -> tuple[int, int]:
    years = [d.year for d in _cc_constants.holidays]
    return min(years), max(years)


def library_knows(year: int) -> bool:
    """Whether ``chinese_calendar`` carries the official calendar for ``year``."""
    first, last = _library_years()
    return first <= year <= last


@dataclass(frozen=True)
class YearTable:
    """One year of an admin-entered calendar: extra rest days and make-up working days."""

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()


@dataclass(frozen=True)
class HolidayTable:
    """Admin-entered calendars by year (``{2027: YearTable(...)}``).

    A year in the table counts as known. Its days are decided, in this order: a listed make-up
    workday is a working day; a listed holiday is a rest day; any other day follows the official
    calendar when ``chinese_calendar`` knows the year, otherwise the weekend rule. So for a year
    the library lacks the table supplies the whole calendar, and for a year it has the table
    corrects single days.
    """

    years: Mapping[int, YearTable] = field(default_factory=dict)

    def covers(self, year: int) -> bool:
        return year in self.years

    @classmethod
    def from_doc(cls, doc: Any, path: str = "holidays") -> HolidayTable:
        """Parse ``{"2027": {"holidays": ["2027-01-01", …], "workdays": [...]}, …}``."""
        if not isinstance(doc, dict):
            raise InputError(path, "must be an object keyed by year", "not_object")
        years: dict[int, YearTable] = {}
        for key, entry in doc.items():
            year_path = f"{path}.{key}"
            if not (isinstance(key, str) and key.isdigit() and len(key) == 4):
                raise InputError(year_path, "key must be a four-digit year", "bad_year")
            year = int(key)
            if year < 1:
                raise InputError(year_path, "key must be a four-digit year", "bad_year")
            if not isinstance(entry, dict):
                raise InputError(
                    year_path, "must be an object with holidays and workdays", "not_object"
                )
            unknown = sorted(set(entry) - {"holidays", "workdays"})
            if unknown:
                raise InputError(f"{year_path}.{unknown[0]}", "unknown key", "unknown_key")
            lists: dict[str, frozenset[dt.date]] = {}
            for name in ("holidays", "workdays"):
                items = entry.get(name) or []
                if not isinstance(items, list):
                    raise InputError(f"{year_path}.{name}", "must be a list of dates", "not_list")
                days: set[dt.date] = set()
                for index, item in enumerate(items):
                    item_path = f"{year_path}.{name}[{index}]"
                    day = parse_date(item, item_path)
                    if day.year != year:
                        raise InputError(
                            item_path, f"{day.isoformat()} is not in {year}", "date_not_in_year"
                        )
                    days.add(day)
                lists[name] = frozenset(days)
            both = sorted(lists["holidays"] & lists["workdays"])
            if both:
                raise InputError(
                    year_path,
                    f"{both[0].isoformat()} is both holiday and workday",
                    "holiday_and_workday",
                )
            years[year] = YearTable(holidays=lists["holidays"], workdays=lists["workdays"])
        return cls(years=years)


def calendar_known(year: int, table: HolidayTable | None = None) -> bool:
    """Whether the official rest days of ``year`` are known (library or admin table)."""
    return library_knows(year) or (table is not None and table.covers(year))


def is_working_day(d: dt.date, table: HolidayTable | None = None) -> bool:
    """A working day (工作日): not a weekend nor public holiday, or a make-up working day."""
    if table is not None and table.covers(d.year):
        year = table.years[d.year]
        if d in year.workdays:
            return True
        if d in year.holidays:
            return False
    if library_knows(d.year):
        return bool(chinese_calendar.is_workday(d))
    return d.weekday() < 5


@dataclass(frozen=True)
class PeriodResult:
    ends_on: dt.date
    extended: bool
    calendar_known: bool


def period_end(
    start: dt.date, days: int, unit: str = "calendar", table: HolidayTable | None = None
) -> PeriodResult:
    """Last day of a period of ``days`` days (or working days) after ``start``.

    ``calendar_known`` is false when the working status of any day the computation looked at
    (calendar unit: the nominal last day and any day it was moved over; working unit: every day
    after the start day up to the end) lies in a year with no known calendar.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise InputError("days", "must be a positive whole number", "positive_whole")
    if days > MAX_DAYS:
        raise InputError("days", f"must be at most {MAX_DAYS}", "too_many_days")
    if unit not in UNITS:
        raise InputError("unit", f"must be one of {', '.join(UNITS)}", "not_a_choice")
    years: set[int] = set()
    try:
        if unit == "calendar":
            day = start + dt.timedelta(days=days)
            years.add(day.year)
            extended = False
            while not is_working_day(day, table):
                day += ONE_DAY
                years.add(day.year)
                extended = True
        else:
            day = start
            extended = False
            remaining = days
            while remaining:
                day += ONE_DAY
                years.add(day.year)
                if is_working_day(day, table):
                    remaining -= 1
    except OverflowError:
        raise InputError("days", "the period runs past year 9999", "too_far") from None
    known = all(calendar_known(year, table) for year in years)
    return PeriodResult(ends_on=day, extended=extended, calendar_known=known)


def run(doc: Any) -> dict[str, Any]:
    """``{"start", "days", "unit", "holidays"?}`` → ``{"ends_on", "extended", "calendar_known"}``."""
    if not isinstance(doc, dict):
        raise InputError("(document)", "must be an object", "not_object")
    start = parse_date(require(doc, "start", ""), "start")
    days = require(doc, "days", "")
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise InputError("days", "must be a positive whole number", "positive_whole")
    unit = doc.get("unit", "calendar")
    if unit not in UNITS:
        raise InputError("unit", f"must be one of {', '.join(UNITS)}", "not_a_choice")
    holidays = doc.get("holidays")
    table = None if holidays is None else HolidayTable.from_doc(holidays, "holidays")
    result = period_end(start, days, unit, table)
    return {
        "ends_on": result.ends_on.isoformat(),
        "extended": result.extended,
        "calendar_known": result.calendar_known,
    }
