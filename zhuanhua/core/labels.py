"""How every page and message shows a value to a person: money with thousands separators, rates
as %, a licence's royalty period in words. Templates get these as builtin filters
(core/templatetags/labels.py); views and services call them for messages."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

PERIOD_WORDS = {"quarter": "每季度", "half": "每半年", "year": "每年"}


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def yuan(value: Any) -> str:
    """`{{ amount|yuan }}` → ``1,200,000.00`` (blank for no amount, so `|default:"—"` works)."""
    number = _decimal(value)
    if number is None:
        return "" if value is None or value == "" else str(value)
    return f"{number.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def percent(value: Any) -> str:
    """A rate held as a fraction (`0.04`, `"0.035"`) → ``4%`` / ``3.5%``."""
    number = _decimal(value)
    if number is None:
        return "" if value is None or value == "" else str(value)
    shown = (number * 100).quantize(Decimal("0.0001")).normalize()
    return f"{shown:f}%"


def period_words(value: Any) -> str:
    """A royalty period code (`quarter`/`half`/`year`) → 每季度 / 每半年 / 每年."""
    return PERIOD_WORDS.get(str(value), str(value))
