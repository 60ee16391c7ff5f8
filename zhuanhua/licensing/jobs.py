"""Daily job of the licensing app: tell both sides of each active licence about new alerts."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction

from zhuanhua.audit.services import audit_record
from zhuanhua.engines import licensing as engine
from zhuanhua.licensing import notices
from zhuanhua.licensing.choices import ALERT_LABELS, SIGNED_LICENCE_STATES
from zhuanhua.licensing.models import Licence, LicenceAlert
from zhuanhua.licensing.selectors import licence_schedule
from zhuanhua.licensing.services import claims_open_for_alert

log = logging.getLogger(__name__)

# The licensee is reminded this many days before a revenue report falls due (the setting
# ZHUANHUA_REPORT_DUE_NOTICE_DAYS overrides it); the alert code of that reminder.
REPORT_DUE_NOTICE_DAYS = 7
ALERT_REPORT_DUE = "report_due"


def _ref_words(ref: str) -> str:
    """What an alert is about, in words: an installment's name, the upfront fee, a period."""
    if not ref:
        return ""
    if ref == engine.UPFRONT_KEY:
        return "门槛费"
    try:
        return f"{dt.date.fromisoformat(ref):%Y-%m-%d} 起的提成期间"
    except ValueError:
        return f"阶段性支付“{ref}”"


def _text(licence: Licence, code: str, ref: str, extra: str = "") -> tuple[str, str]:
    label = ALERT_LABELS.get(code, "付款计划提醒")
    what = _ref_words(ref)
    subject = f"{label}：{licence.achievement.title}"
    lines = [
        f"许可：{licence.licensor.name} → {licence.licensee.name}",
        f"成果：{licence.achievement.title}",
        f"提醒：{label}" + (f"（{what}）" if what else ""),
    ]
    if extra:
        lines.append(extra)
    lines.append("请登录平台查看付款计划并及时处理。")
    if code == engine.ALERT_DEFAULT_RISK:
        lines.append("说明：本提示仅为风险提示，恶意违约须经人工核实认定。")
    return subject, "\n".join(lines)


def _alerts_of(
    licence: Licence, schedule: engine.Schedule, today: dt.date
) -> list[tuple[str, str, str]]:
    """(code, ref, extra line) of each alert of ``licence`` on ``today``: the engine's, and a
    reminder of each revenue report due within the notice days and not yet filed."""
    out = []
    notice = getattr(settings, "ZHUANHUA_REPORT_DUE_NOTICE_DAYS", REPORT_DUE_NOTICE_DAYS)
    for o in schedule.obligations:
        if o.status != engine.AWAITING_REPORT or o.period_start is None or o.period_end is None:
            continue
        due = notices.report_due_on(licence, o.period_end)
        if (due - today).days <= notice:
            extra = (
                f"报告期间：{o.period_start:%Y-%m-%d} 至 {o.period_end:%Y-%m-%d}，"
                f"请于 {due:%Y-%m-%d} 前报送收入，逾期将记为报告缺失。"
            )
            out.append((ALERT_REPORT_DUE, o.period_start.isoformat(), extra))
    for alert in schedule.alerts:
        ref = alert.key or (alert.period_start.isoformat() if alert.period_start else "")
        out.append((alert.code, ref, ""))
    return out


def licensing_alerts_due(today: dt.date) -> dict[str, int]:
    """Compute every active licence's alerts on ``today``; notify each alert once.

    A ``LicenceAlert`` row (unique per licence, code, ref) is written in the same transaction
    as the notification-centre messages (e-mailed after commit, honouring each person's
    settings): a second run the same day finds the rows and tells nobody twice.
    """
    summary = {
        "licences": 0,
        "alerts": 0,
        "new_alerts": 0,
        "notified": 0,
        "claims": 0,
        "errors": 0,
    }
    licences = (
        Licence.objects.filter(status__in=SIGNED_LICENCE_STATES)
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
        for code, ref, extra in _alerts_of(licence, schedule, today):
            summary["alerts"] += 1
            if LicenceAlert.objects.filter(licence=licence, code=code, ref=ref).exists():
                continue
            subject, body = _text(licence, code, ref, extra)
            try:
                with transaction.atomic():
                    row = LicenceAlert.objects.create(
                        licence=licence, code=code, ref=ref, first_seen_on=today
                    )
                    audit_record(
                        actor=None,
                        obj=row,
                        action="licence.alert",
                        detail={"licence": licence.pk, "code": code, "ref": ref},
                    )
                    told = notices.alert_raised(licence=licence, title=subject, body=body)
                    summary["notified"] += len(told)
                    claims = claims_open_for_alert(alert=row, today=today)
                    for claim in claims:
                        summary["claims"] += 1
                        notices.provider_told(
                            org_ids=[claim.cover.provider_id],
                            title=f"风险分担理赔待处理：{licence.achievement.title}",
                            body=body,
                            url="/licensing/covers/",
                        )
            except IntegrityError:  # another run got there first
                continue
            except Exception:  # no row kept: the next run tries again
                log.exception("licensing alerts: notify licence %s %s", licence.pk, code)
                summary["errors"] += 1
                continue
            summary["new_alerts"] += 1
    return summary
