"""`{% consent_panel achievement %}`: the completers' answers for each purpose the unit asked
about, on the pages where the unit publishes (licensing's offer form) — guide art. 7(1)."""

from __future__ import annotations

from typing import Any

from django import template

from zhuanhua.achievements.choices import ConsentPurpose
from zhuanhua.achievements.consent import consent_status
from zhuanhua.achievements.models import Achievement

register = template.Library()


@register.inclusion_tag("achievements/_consent_panel.html")
def consent_panel(achievement: Achievement) -> dict[str, Any]:
    asked = set(achievement.consent_requests.values_list("purpose", flat=True))
    statuses = [consent_status(achievement, p) for p in ConsentPurpose.values if p in asked]
    return {
        "a": achievement,
        "statuses": statuses,
        "unasked": [(v, label) for v, label in ConsentPurpose.choices if v not in asked],
    }
