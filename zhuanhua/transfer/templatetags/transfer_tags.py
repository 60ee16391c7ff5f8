"""`{% load transfer_tags %}{% achievement_holders achievement completers %}`: the current holders
panel for the achievement detail page (rights grants, measure 1); `completers`, the list the page
has read already, is optional."""

from __future__ import annotations

from typing import Any

from django import template

from zhuanhua.transfer.selectors import achievement_holders as holders_of

register = template.Library()


@register.inclusion_tag("transfer/holders_snippet.html")
def achievement_holders(achievement: Any, completers: list[Any] | None = None) -> dict[str, Any]:
    grant, rows = holders_of(achievement, completers)
    return {"achievement": achievement, "grant": grant, "rows": rows}
