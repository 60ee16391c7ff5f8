"""限时转化: when an untransferred result joins the 先用后转 list (measure 4; UFPL guide art. 4).

A result produced with fiscal funding (``fiscally_funded``) that is an applied-technology result
(``is_applied_technology``) and is not transferred "满 2 年" after the day its IP right was
obtained (``ip_acquired_on``) joins the unit's 先用后转 list (``use_first_list``). Following the
Civil Code (arts. 201, 203) the two years end on the same month and day two years later (29
February → 28 February) and the list is joined on the next day. A transfer on or before that last
day keeps the result off the list for good; a later transfer takes it off the list from the day of
the transfer.

No Django import here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhuanhua.engines.common import (
    InputError,
    add_years_civil,
    full_years_reached_on,
    optional_date,
    parse_date,
    require,
)

YEARS = 2
REMINDER_DAYS = (90, 30)


def deadline(ip_acquired_on: dt.date) -> dt.date:
    """Last day of the two years during which a transfer keeps the result off the list."""
    return add_years_civil(ip_acquired_on, YEARS)


def joins_list_on(
    fiscally_funded: bool,
    is_applied_technology: bool,
    ip_acquired_on: dt.date | None,
    transferred_on: dt.date | None = None,
) -> dt.date | None:
    """Day the result joins the 先用后转 list, or ``None`` if it never does."""
    if not (fiscally_funded and is_applied_technology):
        return None
    if ip_acquired_on is None:
        raise InputError(
            "ip_acquired_on", "is required for a fiscally funded applied result", "required"
        )
    if transferred_on is not None and transferred_on <= deadline(ip_acquired_on):
        return None
    return full_years_reached_on(ip_acquired_on, YEARS)


def on_list(joins_on: dt.date | None, transferred_on: dt.date | None, as_of: dt.date) -> bool:
    """Whether the result is on the list on ``as_of`` (it leaves on the day of transfer)."""
    if joins_on is None or joins_on > as_of:
        return False
    return transferred_on is None or transferred_on > as_of


def reminder_dates(joins_on: dt.date) -> tuple[dt.date, dt.date]:
    """Reminder days before joining: (90 days before, 30 days before)."""
    first, second = REMINDER_DAYS
    return joins_on - dt.timedelta(days=first), joins_on - dt.timedelta(days=second)


def _flag(item: dict[str, Any], key: str, path: str) -> bool:
    value = require(item, key, path)
    if not isinstance(value, bool):
        raise InputError(f"{path}.{key}", "must be true or false", "not_bool")
    return value


def run(doc: Any) -> dict[str, Any]:
    """``{"as_of", "achievements": [...]}`` → ``{"results": [{"id", "joins_list_on", "on_list"}]}``."""
    if not isinstance(doc, dict):
        raise InputError("(document)", "must be an object", "not_object")
    as_of = parse_date(require(doc, "as_of", ""), "as_of")
    achievements = require(doc, "achievements", "")
    if not isinstance(achievements, list):
        raise InputError("achievements", "must be a list", "not_list")
    results: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for index, item in enumerate(achievements):
        path = f"achievements[{index}]"
        if not isinstance(item, dict):
            raise InputError(path, "must be an object", "not_object")
        ident = require(item, "id", path)
        if isinstance(ident, bool) or not isinstance(ident, str | int) or ident == "":
            raise InputError(f"{path}.id", "must be a non-empty string or an integer", "not_string")
        if ident in seen:
            raise InputError(f"{path}.id", f"duplicate id {ident!r}", "duplicate_id")
        seen.add(ident)
        funded = _flag(item, "fiscally_funded", path)
        applied = _flag(item, "is_applied_technology", path)
        acquired = optional_date(item.get("ip_acquired_on"), f"{path}.ip_acquired_on")
        transferred = optional_date(item.get("transferred_on"), f"{path}.transferred_on")
        if acquired is not None and acquired.year > 9996:
            raise InputError(f"{path}.ip_acquired_on", "must be before the year 9997", "too_far")
        if funded and applied and acquired is None:
            raise InputError(
                f"{path}.ip_acquired_on",
                "is required for a fiscally funded applied result",
                "required",
            )
        joins = joins_list_on(funded, applied, acquired, transferred)
        results.append(
            {
                "id": ident,
                "joins_list_on": None if joins is None else joins.isoformat(),
                "on_list": on_list(joins, transferred, as_of),
            }
        )
    return {"results": results}
