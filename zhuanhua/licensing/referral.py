"""Default that leads somewhere (issue 20.4, guide article 8).

From a default-risk alert the licensor refers the licence to the department for credit review,
with its evidence as it stands: the alerts, the cure notices (催告), the plan's overdue lines,
the payments and the negotiation's messages, written in words for the credit app
(``credit.services.credit_referral_receive``), which knows no licensing model. The department
hears the licensee and decides; the platform never finds 恶意违约 by itself. A finding in force
is shown to units on the licensee's inquiries and licences (``licensee_findings``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhuanhua.accounts.models import User
from zhuanhua.audit.services import audit_record
from zhuanhua.core.labels import yuan
from zhuanhua.credit import selectors as credit_selectors
from zhuanhua.credit import services as credit_services
from zhuanhua.credit.models import CreditEvent, CreditReferral
from zhuanhua.engines import licensing as engine
from zhuanhua.licensing import notices, selectors
from zhuanhua.licensing.choices import (
    ALERT_LABELS,
    OBLIGATION_STATUS_LABELS,
    SIGNED_LICENCE_STATES,
    Side,
)
from zhuanhua.licensing.cover import obligation_words
from zhuanhua.licensing.models import Licence
from zhuanhua.licensing.services import is_licensor_editor
from zhuanhua.notifications.choices import NotificationKind
from zhuanhua.notifications.services import notify

ERR_NOT_REFERRER = "只有许可方的成果管理员或机构管理员可以移送诚信审查"
ERR_NO_DEFAULT_RISK = "只有出现违约风险预警（逾期超过 90 天）的已签订许可可以移送诚信审查"

SUBJECT_TYPE = "licensing.licence"
MESSAGES_KEPT = 50


def has_default_risk(licence: Licence, as_of: dt.date) -> bool:
    """A default-risk alert was raised (the daily job's record) or stands in the plan today."""
    if licence.status not in SIGNED_LICENCE_STATES:
        return False
    if licence.alerts.filter(code=engine.ALERT_DEFAULT_RISK).exists():
        return True
    schedule = selectors.licence_schedule(licence, as_of)
    return any(a.code == engine.ALERT_DEFAULT_RISK for a in schedule.alerts)


def licence_evidence(licence: Licence, as_of: dt.date) -> list[dict[str, Any]]:
    """The case file in words: ``[{"heading", "items"}]`` (what the credit app stores)."""
    schedule = selectors.licence_schedule(licence, as_of)
    alerts = [
        f"{a.first_seen_on}：{ALERT_LABELS.get(a.code, a.code)}" + (f"（{a.ref}）" if a.ref else "")
        for a in licence.alerts.order_by("first_seen_on", "id")
        if a.code in ALERT_LABELS
    ]
    cures = []
    for n in licence.cure_notices.order_by("sent_on", "id"):
        named = "；".join(
            f"{o.get('label', o.get('ref', ''))} 未付 {yuan(o.get('outstanding'))} 元"
            for o in n.obligations
        )
        cures.append(
            f"{n.sent_on} 催告，补救期限 {n.cure_deadline}，{n.get_status_display()}：{named}"
        )
    overdue = [
        f"{obligation_words(o)}：应付 {yuan(o.amount)} 元，{o.due} 到期，"
        f"{OBLIGATION_STATUS_LABELS.get(o.status, o.status)}"
        + (f" {o.days_overdue} 天" if o.days_overdue else "")
        + f"，未付 {yuan(o.outstanding)} 元"
        for o in schedule.obligations
        if o.status == engine.OVERDUE
    ]
    t = schedule.totals
    overdue.append(
        f"合计：已到期应付 {yuan(t.billed)} 元，已付 {yuan(t.paid)} 元，逾期 {yuan(t.overdue)} 元"
    )
    payments = [
        f"{p.paid_on}：{yuan(p.amount)} 元"
        + (f"（{p.ref}）" if p.ref else "")
        + (f"，{p.reversed_on} 冲正：{p.reversal_reason}" if p.reversed_on else "")
        for p in licence.payments.order_by("paid_on", "id")
    ]
    talk = [
        f"{timezone.localtime(m.created_at):%Y-%m-%d} {m.get_side_display()}：{m.body[:500]}"
        for m in licence.inquiry.messages.order_by("-created_at", "-id")[:MESSAGES_KEPT]
    ][::-1]
    return [
        {"heading": "违约风险预警", "items": alerts or ["（无）"]},
        {"heading": "催告通知", "items": cures or ["（未发出催告）"]},
        {"heading": f"付款计划（截至 {as_of}）", "items": overdue},
        {"heading": "付款记录", "items": payments or ["（无）"]},
        {"heading": "商洽消息", "items": talk or ["（无）"]},
    ]


def licence_refer_for_credit_review(
    *, user: User, licence: Licence, reason: str, today: dt.date | None = None
) -> CreditReferral:
    """The licensor sends a licence with a default-risk alert to the department's credit queue
    with its evidence; the licensee is told it will be heard."""
    if not is_licensor_editor(user, licence.licensor_id):
        raise PermissionDenied(ERR_NOT_REFERRER)
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = (
            Licence.objects.select_for_update()
            .select_related("achievement", "licensor", "licensee", "inquiry")
            .get(pk=licence.pk)
        )
        if not has_default_risk(locked, today):
            raise ValidationError({"licence": [ERR_NO_DEFAULT_RISK]})
        referral = credit_services.credit_referral_receive(
            user=user,
            organisation=locked.licensee,
            subject_type=SUBJECT_TYPE,
            subject_id=str(locked.pk),
            subject_label=(
                f"许可编号 {locked.pk}：{locked.achievement.title}"
                f"（{locked.licensor.name} → {locked.licensee.name}）"
            ),
            subject_url=f"/licensing/licences/{locked.pk}/",
            reason=reason,
            evidence=licence_evidence(locked, today),
            today=today,
        )
        audit_record(
            actor=user,
            obj=locked,
            action="licence.credit_referral",
            after={"referral": referral.pk, "referred_on": today.isoformat()},
        )
        notify(
            users=notices.side_people(locked.licensee_id, Side.LICENSEE),
            kind=NotificationKind.LICENCE_ALERT,
            title=f"许可已移送诚信审查：{locked.achievement.title}",
            body=(
                f"{locked.licensor.name} 因付款逾期将许可编号 {locked.pk} 移送主管部门诚信审查："
                f"{referral.reason}\n是否构成恶意违约由主管部门在听取贵方陈述申辩后认定。"
            ),
            url=f"/licensing/licences/{locked.pk}/",
        )
    return referral


def licence_referrals(licence: Licence) -> list[CreditReferral]:
    return list(credit_selectors.referrals_for_subject(SUBJECT_TYPE, str(licence.pk)))


def licensee_findings(organisation_id: int) -> list[CreditEvent]:
    """The licensee's findings of 恶意违约 in force today (shown to units on its pages)."""
    return credit_selectors.malicious_default_findings(organisation_id)
