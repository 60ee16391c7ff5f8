"""Shared vocabulary of the pure engines: input errors, money, dates, the Civil Code year rule.

No Django import here: the engines run in the console script, in benchmarks and inside the
web app alike.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class InputError(ValueError):
    """Bad input to an engine; ``path`` names the field (``claims[3].base``).

    ``message`` is the English line of the console script; ``code`` (with ``params``) names the
    rule for ``engines.messages.chinese``, which renders it for people: the web app never parses
    the English text.
    """

    def __init__(
        self,
        path: str,
        message: str,
        code: str = "invalid",
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
        self.code = code
        self.params = params or {}


def round_money(value: Decimal) -> Decimal:
    """Round half-up to 0.01 yuan, the one rounding rule of the platform."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money_str(value: Decimal | None) -> str | None:
    """Money as the public interfaces write it: a decimal string with two decimals."""
    if value is None:
        return None
    return str(round_money(value))


def parse_decimal(value: Any, path: str, *, allow_negative: bool = False) -> Decimal:
    """A number or numeric string to Decimal, never through float."""
    if isinstance(value, bool) or value is None:
        raise InputError(path, "must be a number", "not_number")
    if isinstance(value, float):
        # json.loads(parse_float=Decimal) avoids this; a float from Python callers is
        # converted through its shortest repr, which is what the caller wrote.
        value = repr(value)
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InputError(path, f"not a number: {value!r}", "not_number") from None
    if not result.is_finite():
        raise InputError(path, f"not a finite number: {value!r}", "not_number")
    if not allow_negative and result < 0:
        raise InputError(path, "must not be negative", "negative")
    return result


def parse_money(value: Any, path: str) -> Decimal:
    """A non-negative amount in yuan with at most two decimals."""
    result = parse_decimal(value, path)
    try:
        exact = result == result.quantize(CENT)
    except InvalidOperation:  # beyond Decimal's precision, e.g. "1e999999"
        raise InputError(path, "amount too large", "too_large") from None
    if not exact:
        raise InputError(path, "at most two decimals", "two_decimals")
    return result


def parse_date(value: Any, path: str) -> dt.date:
    """An ISO date ``YYYY-MM-DD``."""
    if not isinstance(value, str):
        raise InputError(path, "must be an ISO date string YYYY-MM-DD", "bad_date")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(path, f"not a valid date: {value!r}", "bad_date") from None


def optional_date(value: Any, path: str) -> dt.date | None:
    return None if value is None else parse_date(value, path)


def parse_bool(value: Any, path: str, default: bool = False) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise InputError(path, "must be true or false", "not_bool")
    return value


def require(doc: dict[str, Any], key: str, path: str) -> Any:
    if not isinstance(doc, dict):
        raise InputError(path, "must be an object", "not_object")
    if key not in doc or doc[key] is None:
        raise InputError(f"{path}.{key}" if path else key, "is required", "required")
    return doc[key]


def add_years_civil(start: dt.date, years: int) -> dt.date:
    """Last day of a period of whole years (民法典 arts. 201, 203).

    The start day is not counted, so the period ends on the same month and day of the final
    year; 29 February with no such day ends on the last day of February.
    """
    year = start.year + years
    day = min(start.day, calendar.monthrange(year, start.month)[1])
    return start.replace(year=year, day=day)


def full_years_reached_on(start: dt.date, years: int) -> dt.date:
    """First day on which "满 N 年" holds: the day after the period's last day."""
    return add_years_civil(start, years) + dt.timedelta(days=1)


# One decoder for every call: json.loads with keyword arguments builds a new decoder and scanner
# each time (about a tenth of the parse time of a licence line).
_DECODER = json.JSONDecoder(parse_float=Decimal)


def loads(text: str) -> Any:
    """Parse JSON keeping every number exact (floats become Decimal)."""
    return _DECODER.decode(text)


class _Encoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            return str(o)
        if isinstance(o, dt.date):
            return o.isoformat()
        return super().default(o)


def dumps(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, cls=_Encoder)
