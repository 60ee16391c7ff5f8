"""What the subsidies navigation shows a person: each link only where its view lets them in."""

from __future__ import annotations

from typing import Any

from django import template

from zhuanhua.subsidies import selectors, services

register = template.Library()


@register.simple_tag
def subsidy_nav(user: Any) -> dict[str, bool]:
    return {
        "reader": selectors.is_reader(user),
        "local": services.can_author_local(user) or selectors.is_reader(user),
        "investments": services.can_keep_investments(user),
    }
