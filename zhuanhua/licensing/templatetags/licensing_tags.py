"""`{% load licensing_tags %}{% achievement_offer a %}`: the achievement page's 先使用后付费 panel —
the offer's fee model in words, its terms, and the button that starts an inquiry, or why this
visitor cannot start one. The page's one query carries the offer (``with_active_offer``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from zhuanhua.accounts.http import Visitor
from zhuanhua.achievements.selectors import offer_fee_model_label
from zhuanhua.core.templatetags.zh import ufpl_badge
from zhuanhua.licensing.choices import InquiryStatus
from zhuanhua.licensing.models import Inquiry
from zhuanhua.licensing.services import LICENSEE_ORG_TYPES, LICENSEE_ROLES

register = template.Library()

WHY_SIGN_IN = "请以企业账号登录后承接。"
WHY_OWN = "这是本单位的成果。"
WHY_NO_ORG = "您的账号未关联机构，关联企业后方可承接。"
WHY_NOT_APPROVED = "贵单位的机构登记尚在审核中，审核通过后方可承接。"
WHY_NOT_ENTERPRISE = "您以{org_type}（{name}）身份登录：只有企业（或其他经营主体）可以承接成果。"
WHY_NO_ROLE = "只有企业的被许可方经办人或机构管理员可以承接，请联系本单位机构管理员。"


def inquiry_refusal(user: Visitor, owner_id: int) -> str:
    """Why ``user`` may not start an inquiry on an achievement of ``owner_id`` ("" if they may);
    the same conditions as ``services.inquiry_open`` checks, in words."""
    if not user.is_authenticated:
        return WHY_SIGN_IN
    org = user.organisation
    if org is None:
        return WHY_NO_ORG
    if org.pk == owner_id:
        return WHY_OWN
    if org.org_type not in LICENSEE_ORG_TYPES:
        return WHY_NOT_ENTERPRISE.format(org_type=org.get_org_type_display(), name=org.name)
    if not org.is_approved:
        return WHY_NOT_APPROVED
    if not user.has_role(*LICENSEE_ROLES):
        return WHY_NO_ROLE
    return ""


@register.simple_tag
def offer_badge(fee_model: str | None) -> SafeString:
    """The 先使用后付费 badge of a fee model value (an ``offer_fee_model`` annotation)."""
    return ufpl_badge(offer_fee_model_label(fee_model))


@register.inclusion_tag("licensing/_achievement_offer.html", takes_context=True)
def achievement_offer(context: Any, achievement: Any) -> dict[str, Any]:
    offer_id = getattr(achievement, "offer_id", None)
    out: dict[str, Any] = {"offer_id": offer_id, "achievement": achievement}
    if offer_id is None:
        return out
    user = context["user"]
    why = inquiry_refusal(user, achievement.owner_id)
    open_inquiry = None
    if not why:
        open_inquiry = (
            Inquiry.objects.filter(
                offer_id=offer_id, licensee_id=user.organisation_id, status=InquiryStatus.OPEN
            )
            .values_list("pk", flat=True)
            .first()
        )
    out.update(
        user=user,
        fee_label=offer_fee_model_label(getattr(achievement, "offer_fee_model", None)),
        why=why,
        open_inquiry=open_inquiry,
        csrf_token=context.get("csrf_token"),
        request_path=context["request"].get_full_path() if "request" in context else "",
        owner_is_user=why == WHY_OWN,
    )
    return out
