"""`{{ amount|yuan }}` → ``1,200,000.00`` (the engine's explanations use the same form)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
