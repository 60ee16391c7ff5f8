"""Panels of issue 20.4–5 that several licensing pages show: the licence's cover, claims and
credit referral; a licensee's findings of 恶意违约; a provider's exposure."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from zhuanhua.engines import licensing as engine
from zhuanhua.licensing import cover, referral
from zhuanhua.licensing.choices import SIGNED_LICENCE_STATES
from zhuanhua.licensing.models import Licence
from zhuanhua.licensing.selectors import claims_visible_to
from zhuanhua.licensing.services import is_licensor_editor, side_of

register = template.Library()


@register.inclusion_tag("licensing/_risk_panel.html", takes_context=True)
def licence_risk_panel(context: dict[str, Any], licence: Licence) -> dict[str, Any]:
    """Claims with what each payout covered, the claim form on overdue lines for the licensor,
    the credit referral (from a default-risk alert) and its outcome."""
    user = context["request"].user
    today = timezone.localdate()
    claims = list(
        claims_visible_to(user)
        .filter(cover__licence=licence)
        .select_related("payment", "cover__provider")
        .order_by("-opened_on", "-id")
    )
    rows = [{"c": c, "covered": cover.claim_coverage(c, today)} for c in claims]
    licensor = is_licensor_editor(user, licence.licensor_id)
    signed = licence.status in SIGNED_LICENCE_STATES
    in_force = [
        c for c in licence.covers.select_related("provider") if c.starts_on <= today <= c.ends_on
    ]
    overdue = cover.overdue_obligations(licence, today) if licensor and signed and in_force else []
    referrals = (
        referral.licence_referrals(licence) if (licensor or side_of(user, licence.inquiry)) else []
    )
    default_risk = licensor and signed and referral.has_default_risk(licence, today)
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "licence": licence,
        "rows": rows,
        "covers_in_force": in_force,
        "overdue": [
            {"ref": cover.obligation_ref(o), "label": cover.obligation_words(o), "o": o}
            for o in overdue
        ],
        "can_refer": default_risk and not any(r.status == "open" for r in referrals),
        "referrals": referrals,
        "overdue_status": engine.OVERDUE,
    }


@register.inclusion_tag("licensing/_findings.html")
def licensee_findings(organisation_id: int) -> dict[str, Any]:
    """A finding of 恶意违约 in force against the licensee (guide article 8), for units to see."""
    return {"findings": referral.licensee_findings(organisation_id)}


@register.inclusion_tag("licensing/_exposure.html", takes_context=True)
def provider_exposure(context: dict[str, Any]) -> dict[str, Any]:
    rows, totals = cover.provider_exposure(context["request"].user)
    return {"rows": rows, "totals": totals}
