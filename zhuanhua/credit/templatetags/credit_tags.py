"""`{% credit_profile_events org as events %}`: the party's events in force, for the profile."""

from __future__ import annotations

from typing import Any

from django import template

from zhuanhua.credit.selectors import credit_profile_events

register = template.Library()


@register.simple_tag
def credit_profile_events_for(organisation: Any) -> list[Any]:
    return credit_profile_events(organisation)
