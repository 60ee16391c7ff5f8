"""Daily job of the licensing app: tell both sides of each active licence about new alerts."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from zhuanhua.accounts.choices import ACHIEVEMENT_EDITOR_ROLES, Role
from zhuanhua.accounts.models import User
from zhuanhua.audit.services import audit_record
from zhuanhua.licensing.choices import ALERT_LABELS, LicenceStatus
from zhuanhua.licensing.models import Licence, LicenceAlert
from zhuanhua.licensing.selectors import licence_schedule
from zhuanhua.licensing.services import LICENSEE_ROLES, claims_open_for_alert

log = logging.getLogger(__name__)


def _recipients(licence: Licence) -> list[list[str]]:
    """E-mail addresses of each side: the unit's editors, the licensee's agents."""
    sides = []
    for org_id, roles in (
        (licence.licensor_id, ACHIEVEMENT_EDITOR_ROLES),
        (licence.licensee_id, LICENSEE_ROLES),
    ):
        people = User.objects.filter(organisation_id=org_id, is_active=True).exclude(email="")
        sides.append(sorted(u.email for u in people if u.has_role(*roles)))
    return sides


def _provider_recipients(org_id: int) -> list[str]:
    """The cover provider's administrators with an address (they handle the claim)."""
    people = User.objects.filter(organisation_id=org_id, is_active=True).exclude(email="")
    return sorted(u.email for u in people if u.has_role(Role.ORG_ADMIN))


def _text(licence: Licence, code: str, ref: str) -> tuple[str, str]:
    label = ALERT_LABELS.get(code, code)
    subject = f"【先使用后付费】{label}：{licence.achievement.title}"
    lines = [
        f"许可：{licence.licensor.name} → {licence.licensee.name}",
        f"成果：{licence.achievement.title}",
        f"预警：{label}" + (f"（{ref}）" if ref else ""),
        "请登录平台查看付款计划并及时处理。",
    ]
    if code == "default_risk":
        lines.append("说明：本提示仅为风险提示，恶意违约须经人工核实认定。")
    return subject, "\n".join(lines)


def licensing_alerts_due(today: dt.date) -> dict[str, int]:
    """Compute every active licence's alerts on ``today``; notify each alert once.

    A ``LicenceAlert`` row (unique per licence, code, ref) is written in the same transaction
    as the e-mails are sent: a failed send leaves no row, so the next run tries again; a
    second run the same day finds the rows and sends nothing.
    """
    summary = {"licences": 0, "alerts": 0, "new_alerts": 0, "emails": 0, "claims": 0, "errors": 0}
    licences = (
        Licence.objects.filter(status=LicenceStatus.ACTIVE)
        .select_related("achievement", "licensor", "licensee")
        .prefetch_related("revenue_reports", "payments", "milestones")
    )
    for licence in licences:
        summary["licences"] += 1
        try:
            schedule = licence_schedule(licence, today)
        except Exception:  # one broken licence must not stop the others
            log.exception("licensing alerts: licence %s", licence.pk)
            summary["errors"] += 1
            continue
        for alert in schedule.alerts:
            summary["alerts"] += 1
            ref = alert.key or (alert.period_start.isoformat() if alert.period_start else "")
            if LicenceAlert.objects.filter(licence=licence, code=alert.code, ref=ref).exists():
                continue
            subject, body = _text(licence, alert.code, ref)
            try:
                with transaction.atomic():
                    row = LicenceAlert.objects.create(
                        licence=licence, code=alert.code, ref=ref, first_seen_on=today
                    )
                    audit_record(
                        actor=None,
                        obj=row,
                        action="licence.alert",
                        detail={"licence": licence.pk, "code": alert.code, "ref": ref},
                    )
                    for recipients in _recipients(licence):
                        if recipients:
                            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
                            summary["emails"] += 1
                    for claim in claims_open_for_alert(alert=row, today=today):
                        summary["claims"] += 1
                        to = _provider_recipients(claim.cover.provider_id)
                        if to:
                            send_mail(
                                f"【先使用后付费】风险分担理赔待处理：{licence.achievement.title}",
                                body,
                                settings.DEFAULT_FROM_EMAIL,
                                to,
                            )
                            summary["emails"] += 1
            except IntegrityError:  # another run got there first
                continue
            except Exception:  # mail server down: no row kept, the next run sends it
                log.exception("licensing alerts: notify licence %s %s", licence.pk, alert.code)
                summary["errors"] += 1
                continue
            summary["new_alerts"] += 1
    return summary
