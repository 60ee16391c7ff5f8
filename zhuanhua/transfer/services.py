"""Writes of the transfer app: the daily 先用后转 list update, the completed-terms mark, and
rights grants (赋权, measure 1).

The rule (when an achievement joins, when it is on the list, reminder days) is the pure engine
`zhuanhua.engines.transfer_deadline`; this module only applies it to stored achievements, keeps
the state in `UseFirstListEntry` / `TransferReminder`, tells the unit, and audits every list move.
Every step is idempotent: the same day run twice changes nothing and sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from zhuanhua.accounts import scope
from zhuanhua.accounts.choices import ACHIEVEMENT_EDITOR_ROLES, Role
from zhuanhua.accounts.models import User
from zhuanhua.achievements.choices import AchievementStatus, TransferStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.services import achievement_lock
from zhuanhua.audit.services import audit_record
from zhuanhua.core.inputs import InputProblem, collect_date, parse_money
from zhuanhua.core.uploads import check_upload
from zhuanhua.core.uscc import USCCError, validate_uscc
from zhuanhua.engines import rights, transfer_deadline
from zhuanhua.engines.common import InputError
from zhuanhua.licensing.models import Licence, Payment
from zhuanhua.notifications.services import notify
from zhuanhua.publicity.choices import NoticeKind
from zhuanhua.publicity.services import notice_create, notice_publish
from zhuanhua.transfer.choices import (
    TRANSFER_MODE_LABELS,
    EquityDecisionKind,
    GrantApplicationStatus,
    LeaveReason,
    ReminderKind,
    ReportPeriodKind,
    ReportStatus,
    RightsGrantKind,
    ShareHolderKind,
)
from zhuanhua.transfer.models import (
    EquityContribution,
    EquityDecision,
    LedgerEntry,
    RightsGrant,
    RightsGrantApplication,
    RightsGrantShare,
    SeparateManagementPilot,
    TransferReminder,
    TransferReport,
    TransferReportLine,
    UseFirstListEntry,
)

logger = logging.getLogger(__name__)

ERR_NOT_UNIT = "只有本单位的成果管理员可以完善先使用后付费条款"
ERR_NOT_ON_LIST = "该成果不在先用后转清单中"

MINE_PATH = "/transfer/mine/"
PUBLIC_PATH = "/transfer/use-first/"

# An IP right younger than this many days is more than 90 days from joining (two years are at
# least 730 days; 2 days of margin), so the job skips it; the engine decides exactly for the rest.
_HORIZON_DAYS = 2 * 365 - max(transfer_deadline.REMINDER_DAYS) - 2


def effective_transferred_on(achievement: Achievement, today: dt.date) -> dt.date | None:
    """The transfer date the rule sees: none while untransferred; `transferred_on` when the unit
    gave it; otherwise (transferred without a date) the day the job first sees it."""
    if achievement.transfer_status == TransferStatus.UNTRANSFERRED:
        return None
    return achievement.transferred_on or today


def joins_on_for(achievement: Achievement, transferred_on: dt.date | None) -> dt.date | None:
    """`joins_list_on` for a stored achievement; an incomplete record (no IP date) never joins."""
    try:
        return transfer_deadline.joins_list_on(
            achievement.fiscally_funded,
            achievement.is_applied_technology,
            achievement.ip_acquired_on,
            transferred_on,
        )
    except InputError:
        return None


def _recipients(achievement: Achievement) -> list[str]:
    """E-mail addresses of the unit's org_admin / achievement_manager users."""
    users = User.objects.filter(organisation_id=achievement.owner_id, is_active=True).exclude(
        email=""
    )
    return sorted({u.email for u in users if u.has_role(*ACHIEVEMENT_EDITOR_ROLES)})


def _message(
    achievement: Achievement, kind: str, joins_on: dt.date, today: dt.date
) -> tuple[str, str]:
    title = achievement.title
    ip_line = f"取得知识产权之日：{achievement.ip_acquired_on:%Y-%m-%d}"
    if achievement.ip_number:
        ip_line += f"；{achievement.ip_number_label}：{achievement.ip_number}"
    if kind == ReminderKind.JOINED:
        public = (
            f"该成果已在成果大厅“先用后转”专区（{PUBLIC_PATH}）向社会公开。\n"
            if achievement.status == AchievementStatus.PUBLISHED
            else "该成果尚未发布，发布后将在成果大厅“先用后转”专区向社会公开。\n"
        )
        subject = f"【先用后转】“{title}”已进入先用后转清单"
        body = (
            f"贵单位的科技成果“{title}”（{ip_line}）为财政资金支持的应用技术类成果，"
            f"取得知识产权满 2 年仍未转化，已于 {joins_on:%Y-%m-%d} 进入先用后转清单。\n"
            f"{public}"
            "请尽快完善“先使用后付费”许可条款（门槛费、收入提成或阶段性支付等）。"
            f"登录平台后可在“限时转化”页面（{MINE_PATH}）查看待办。\n"
            "如该成果已转化（转让、许可、自行实施或作价入股），请更新其转化状态和转化日期。\n"
        )
    else:
        days = (joins_on - today).days
        subject = f"【限时转化提醒】“{title}”将于 {joins_on:%Y-%m-%d} 进入先用后转清单"
        body = (
            f"贵单位的科技成果“{title}”（{ip_line}）为财政资金支持的应用技术类成果。"
            f"按照促进科技成果转移转化措施第四条，取得知识产权满 2 年仍未转化的，"
            f"将于 {joins_on:%Y-%m-%d}（{days} 天后）进入先用后转清单，向社会公开并以“先使用后付费”方式许可使用。\n"
            "如已转化，请在平台更新转化状态和转化日期；"
            f"登录平台后可在“限时转化”页面（{MINE_PATH}）查看。\n"
        )
    return subject, body


def _notify(achievement: Achievement, kind: str, joins_on: dt.date, today: dt.date) -> int:
    """Record the notice (the in-app record) and e-mail it; returns the number of mails sent.

    Runs inside the caller's transaction: if the mail fails, the record rolls back and the next
    run tries again; the unique (achievement, kind) keeps it to once.
    """
    recipients = _recipients(achievement)
    TransferReminder.objects.create(
        achievement=achievement,
        kind=kind,
        sent_on=today,
        joins_on=joins_on,
        recipients=recipients,
    )
    if not recipients:
        return 0
    subject, body = _message(achievement, kind, joins_on, today)
    send_mail(subject, body, None, recipients, fail_silently=False)
    return 1


def _due_reminder(joins_on: dt.date, today: dt.date) -> str | None:
    """The reminder due on `today`: the latest one whose day has come (a missed day is caught up
    late, a superseded 90-day reminder is skipped)."""
    first, second = transfer_deadline.reminder_dates(joins_on)
    if today >= joins_on:
        return None
    if today >= second:
        return ReminderKind.DAYS_30
    if today >= first:
        return ReminderKind.DAYS_90
    return None


def _entry_state(entry: UseFirstListEntry) -> dict[str, Any]:
    return {
        "achievement": entry.achievement_id,
        "joined_on": entry.joined_on.isoformat(),
        "left_on": entry.left_on.isoformat() if entry.left_on else None,
        "left_reason": entry.left_reason,
        "terms_completed_on": (
            entry.terms_completed_on.isoformat() if entry.terms_completed_on else None
        ),
    }


def use_first_sync(*, achievement_id: int, today: dt.date) -> dict[str, int]:
    """Bring one achievement's list state up to `today`. Locks the achievement row, so two runs
    at once leave one winner; returns counts of what changed."""
    counts = {"joined": 0, "left": 0, "reminded": 0, "mails": 0}
    with transaction.atomic():
        achievement = (
            Achievement.objects.select_for_update().select_related("owner").get(pk=achievement_id)
        )
        transferred = effective_transferred_on(achievement, today)
        joins = joins_on_for(achievement, transferred)
        entry = UseFirstListEntry.objects.filter(achievement=achievement).first()
        sent = set(
            TransferReminder.objects.filter(achievement=achievement).values_list("kind", flat=True)
        )
        if transfer_deadline.on_list(joins, transferred, today):
            assert joins is not None
            if entry is None or entry.left_on is not None:
                before = _entry_state(entry) if entry else None
                if entry is None:
                    entry = UseFirstListEntry(achievement=achievement)
                entry.joined_on, entry.left_on, entry.left_reason = joins, None, ""
                entry.save()
                audit_record(
                    actor=None,
                    obj=entry,
                    action="use_first_list.join",
                    before=before,
                    after=_entry_state(entry),
                    detail={"as_of": today.isoformat(), "achievement": achievement.pk},
                )
                counts["joined"] += 1
            elif entry.joined_on != joins:  # the unit corrected the IP date; still on the list
                before = _entry_state(entry)
                entry.joined_on = joins
                entry.save(update_fields=["joined_on", "updated_at"])
                audit_record(
                    actor=None,
                    obj=entry,
                    action="use_first_list.update",
                    before=before,
                    after=_entry_state(entry),
                    detail={"as_of": today.isoformat(), "achievement": achievement.pk},
                )
            if ReminderKind.JOINED not in sent:
                counts["mails"] += _notify(achievement, ReminderKind.JOINED, joins, today)
                counts["reminded"] += 1
                entry.notified_at = timezone.now()
                entry.save(update_fields=["notified_at", "updated_at"])
            return counts
        if entry is not None and entry.left_on is None:
            before = _entry_state(entry)
            entry.left_on = max(transferred or today, entry.joined_on)
            entry.left_reason = (
                LeaveReason.TRANSFERRED if transferred else LeaveReason.NO_LONGER_ELIGIBLE
            )
            entry.save()
            audit_record(
                actor=None,
                obj=entry,
                action="use_first_list.leave",
                before=before,
                after=_entry_state(entry),
                detail={
                    "as_of": today.isoformat(),
                    "achievement": achievement.pk,
                    "transfer_status": achievement.transfer_status,
                },
            )
            counts["left"] += 1
        if joins is not None and transferred is None:
            kind = _due_reminder(joins, today)
            if kind is not None and kind not in sent:
                counts["mails"] += _notify(achievement, kind, joins, today)
                counts["reminded"] += 1
    return counts


def use_first_candidates(today: dt.date) -> list[int]:
    """Ids the job must look at: untransferred fiscally funded applied results old enough to be
    within 90 days of joining, and everything currently on the list (it may have to leave)."""
    horizon = today - dt.timedelta(days=_HORIZON_DAYS)
    eligible = Q(
        fiscally_funded=True,
        is_applied_technology=True,
        ip_acquired_on__isnull=False,
        ip_acquired_on__lte=horizon,
        transfer_status=TransferStatus.UNTRANSFERRED,
    )
    current = Q(use_first_entry__isnull=False, use_first_entry__left_on__isnull=True)
    return list(
        Achievement.objects.filter(eligible | current).order_by("pk").values_list("pk", flat=True)
    )


def use_first_list_update(*, today: dt.date) -> dict[str, int]:
    """The daily job: every candidate in its own transaction, so one failure (a mail server
    down) leaves the others done and is retried on the next run."""
    totals = {"checked": 0, "joined": 0, "left": 0, "reminded": 0, "mails": 0, "errors": 0}
    for pk in use_first_candidates(today):
        totals["checked"] += 1
        try:
            counts = use_first_sync(achievement_id=pk, today=today)
        except Exception:  # noqa: BLE001 - one achievement must not stop the others
            logger.exception("use_first_list_update failed for achievement %s", pk)
            totals["errors"] += 1
            continue
        for key, value in counts.items():
            totals[key] += value
    return totals


def use_first_offer_published(*, user: User, achievement: Achievement) -> None:
    """Licensing published a use-first-pay-later offer on `achievement` (its
    OFFER_PUBLISHED_HOOKS, registered in TransferConfig.ready()): on the list, the terms are
    now completed."""
    if UseFirstListEntry.objects.filter(
        achievement_id=achievement.pk, left_on__isnull=True
    ).exists():
        use_first_terms_mark_completed(user=user, achievement=achievement)


def use_first_terms_mark_completed(
    *, user: User, achievement: Achievement, on: dt.date | None = None
) -> UseFirstListEntry:
    """Record that the unit completed use-first-pay-later terms for a listed achievement.

    Called by the licensing app when a use-first-pay-later offer is in place. Only the owning
    unit's editors; idempotent (a second call keeps the first date and audits nothing).
    """
    if (
        not getattr(user, "is_authenticated", False)
        or not user.can_edit_achievements
        or achievement.owner_id != user.organisation_id
    ):
        raise PermissionDenied(ERR_NOT_UNIT)
    with transaction.atomic():
        entry = (
            UseFirstListEntry.objects.select_for_update()
            .filter(achievement_id=achievement.pk)
            .first()
        )
        if entry is None or entry.left_on is not None:
            raise ValidationError({"achievement": [ERR_NOT_ON_LIST]})
        if entry.terms_completed_on is not None:
            return entry
        before = _entry_state(entry)
        entry.terms_completed_on = on or timezone.localdate()
        entry.save(update_fields=["terms_completed_on", "updated_at"])
        audit_record(
            actor=user,
            obj=entry,
            action="use_first_list.terms_completed",
            before=before,
            after=_entry_state(entry),
        )
    return entry


# --- 赋权 (measure 1) --------------------------------------------------------------------------

ERR_NOT_GRANTOR = "只有本单位的成果管理员可以办理赋权"
ERR_ALREADY_GRANTED = "该成果已办理赋权"
ERR_GRANT_FUTURE = "赋权日期不能晚于今天"


def rights_grant_state(grant: RightsGrant) -> dict[str, Any]:
    return {
        "achievement": grant.achievement_id,
        "kind": grant.kind,
        "use_years": grant.use_years,
        "granted_on": grant.granted_on.isoformat(),
        "shares": [[s.holder_kind, s.holder_name, str(s.share)] for s in grant.shares.all()],
        "note": grant.note,
    }


def rights_grant_create(
    *,
    user: User,
    achievement: Achievement,
    kind: str,
    negative_list_category: str,
    use_years: int | None = None,
    shares: Sequence[Mapping[str, Any]] = (),
    granted_on: dt.date | None = None,
    note: str = "",
) -> RightsGrant:
    """Record a rights grant for a service achievement of the user's unit.

    `negative_list_category` is the unit's explicit finding: "" (not on the negative list) or the
    category that blocks the grant. Raises ValidationError({field: [reason]}) listing every
    problem (rights.check), PermissionDenied for anyone but the owning unit's editors.
    """
    if (
        not getattr(user, "is_authenticated", False)
        or not user.can_edit_achievements
        or achievement.owner_id != user.organisation_id
    ):
        raise PermissionDenied(ERR_NOT_GRANTOR)
    today = timezone.localdate()
    granted_on = granted_on or today
    with transaction.atomic():
        locked = achievement_lock(achievement.pk)
        errors = rights.check(
            kind=kind,
            is_service=locked.is_service,
            negative_list_category=negative_list_category,
            use_years=use_years,
            shares=shares,
            completer_names=[c.name for c in locked.completers.all()],
        )
        if "negative_list_category" not in errors:
            if granted_on > today:
                errors.setdefault("granted_on", []).append(ERR_GRANT_FUTURE)
            if RightsGrant.objects.filter(achievement=locked).exists():
                errors.setdefault("achievement", []).append(ERR_ALREADY_GRANTED)
        if errors:
            raise ValidationError(errors)
        grant = RightsGrant.objects.create(
            achievement=locked,
            kind=kind,
            use_years=use_years if kind == RightsGrantKind.LONG_TERM_USE else None,
            granted_on=granted_on,
            note=note.strip()[:500],
            created_by=user,
        )
        RightsGrantShare.objects.bulk_create(
            RightsGrantShare(
                grant=grant,
                holder_kind=row["holder_kind"],
                holder_name=(
                    locked.owner.name
                    if row["holder_kind"] == ShareHolderKind.UNIT
                    else str(row["holder_name"]).strip()
                ),
                share=cast(Decimal, rights.parse_share(row["share"])),  # rights.check passed it
            )
            for row in shares
        )
        audit_record(
            actor=user, obj=grant, action="rights_grant.create", after=rights_grant_state(grant)
        )
    return grant


# --- 转化清单 (transfer_report) -------------------------------------------------------------------

ERR_NOT_REPORTER = "只有本单位的成果管理员或机构管理员可以编制和报送转化清单"
ERR_NOT_RESEARCH_UNIT = "只有科研单位报送科技成果转化清单"
ERR_REPORT_EXISTS = "本单位该期间的转化清单已存在"
ERR_REPORT_FROZEN = "转化清单已报送，不能再修改"
ERR_PERIOD_KIND = "无效的报送期间"
ERR_YEAR = "年度应为 2000–2100 之间的整数"
ERR_PERIOD_FUTURE = "该期间尚未开始，不能编制转化清单"
ERR_REMARK_LONG = "备注不能超过 500 字"

# Licences whose contract was signed (a draft contract is not yet a transfer).
SIGNED_LICENCE_STATES = ("active", "terminated")
CENT_Q = Decimal("0.01")


def report_period(year: int, period_kind: str) -> tuple[dt.date, dt.date]:
    if period_kind == ReportPeriodKind.H1:
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    if period_kind == ReportPeriodKind.H2:
        return dt.date(year, 7, 1), dt.date(year, 12, 31)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _money_sum(values: Sequence[Any]) -> Decimal:
    total = sum((Decimal(str(v)) for v in values if v not in (None, "")), Decimal("0"))
    return total.quantize(CENT_Q, rounding=ROUND_HALF_UP)


def licence_fixed_amount(terms: Mapping[str, Any]) -> Decimal:
    """The fixed money of a licence's terms: the upfront fee plus every installment (royalties
    depend on future revenue and are not a contract amount)."""
    amounts = [terms.get("upfront_fee")]
    amounts += [inst.get("amount") for inst in terms.get("installments") or []]
    return _money_sum(amounts)


def licence_contract_amount(licence: Any) -> Decimal:
    """The registered transaction amount (技术合同认定登记 成交额) when the contract is registered,
    otherwise the fixed money of the agreed terms."""
    try:
        registration = licence.registration
    except (ObjectDoesNotExist, AttributeError):
        registration = None
    amount = getattr(registration, "transaction_amount", None)
    if amount is not None:
        return Decimal(amount).quantize(CENT_Q, rounding=ROUND_HALF_UP)
    return Decimal(licence.price_amount()).quantize(CENT_Q, rounding=ROUND_HALF_UP)


def report_rows(organisation_id: int, period_end: dt.date) -> list[dict[str, Any]]:
    """What a report says, read from the records: every fiscally funded achievement of the unit
    whose IP was obtained by the period's end (or has no date), with its current status, how it was
    transferred, to whom, the contract amount and the money received up to the period's end.

    Licences (signed by the period's end; amount: `licence_contract_amount`, money received:
    their payments) and equity contributions in the ledger (amount: the value) give the
    counterparty and the amounts; where no record exists those stay empty (None)."""
    achievements = (
        Achievement.objects.filter(owner_id=organisation_id, fiscally_funded=True)
        .exclude(ip_acquired_on__gt=period_end)
        .order_by("ip_acquired_on", "pk")
    )
    rows = []
    for achievement in achievements:
        parties: list[str] = []
        contract: list[Any] = []
        received: list[Any] = []
        licences = (
            Licence.objects.filter(
                achievement=achievement,
                licensor_id=organisation_id,
                status__in=SIGNED_LICENCE_STATES,
                signed_on__lte=period_end,
            )
            .select_related("licensee")
            .order_by("signed_on", "pk")
        )
        for licence in licences:
            parties.append(f"{licence.licensee.name}（{licence.get_deal_kind_display()}）")
            contract.append(licence_contract_amount(licence))
            received += list(
                Payment.objects.filter(licence=licence, paid_on__lte=period_end).values_list(
                    "amount", flat=True
                )
            )
        contributions = EquityContribution.objects.filter(
            entry__organisation_id=organisation_id,
            entry__achievement=achievement,
            contributed_on__lte=period_end,
        ).order_by("contributed_on", "pk")
        for c in contributions:
            parties.append(f"{c.company_name}（作价入股）")
            contract.append(c.value_amount)
        entry = UseFirstListEntry.objects.filter(achievement=achievement).first()
        listed = bool(
            entry
            and entry.joined_on <= period_end
            and (entry.left_on is None or entry.left_on > period_end)
        )
        status = achievement.transfer_status
        rows.append(
            {
                "achievement_id": achievement.pk,
                "title": achievement.title,
                "ip_type": achievement.ip_type,
                "ip_number": achievement.ip_number,
                "ip_acquired_on": achievement.ip_acquired_on,
                "transfer_status": status,
                "transfer_mode": ""
                if status == TransferStatus.UNTRANSFERRED
                else TRANSFER_MODE_LABELS.get(status, status),
                "transferred_on": achievement.transferred_on,
                "counterparty": "；".join(parties)[:500],
                "contract_amount": _money_sum(contract) if contract else None,
                "received_amount": _money_sum(received) if licences else None,
                "on_use_first_list": listed,
            }
        )
    return rows


def _line_state(line: TransferReportLine) -> list[Any]:
    return [
        line.position,
        line.achievement_id,
        line.title,
        line.transfer_status,
        line.transfer_mode,
        line.counterparty,
        str(line.contract_amount) if line.contract_amount is not None else None,
        str(line.received_amount) if line.received_amount is not None else None,
        line.remarks,
    ]


def transfer_report_state(report: TransferReport) -> dict[str, Any]:
    return {
        "organisation": report.organisation_id,
        "year": report.year,
        "period_kind": report.period_kind,
        "status": report.status,
        "remarks": report.remarks,
        "lines": [_line_state(line) for line in report.lines.order_by("position")],
    }


def _check_reporter(user: User, organisation_id: int) -> None:
    if (
        not getattr(user, "is_authenticated", False)
        or not user.can_edit_achievements
        or user.organisation_id != organisation_id
    ):
        raise PermissionDenied(ERR_NOT_REPORTER)


def _generate_lines(report: TransferReport, keep: Mapping[int, str]) -> None:
    report.lines.all().delete()
    TransferReportLine.objects.bulk_create(
        TransferReportLine(
            report=report,
            position=i,
            achievement_id=row.pop("achievement_id"),
            remarks=keep.get(row_id, ""),
            **row,
        )
        for i, (row_id, row) in enumerate(
            (
                (r["achievement_id"], r)
                for r in report_rows(report.organisation_id, report.period_end)
            ),
            start=1,
        )
    )
    report.generated_at = timezone.now()


def transfer_report_create(
    *, user: User, year: Any, period_kind: str, today: dt.date | None = None
) -> TransferReport:
    """A draft report of the user's unit for a year or half-year, its lines read from the records."""
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        raise PermissionDenied(ERR_NOT_REPORTER)
    _check_reporter(user, user.organisation_id)
    if user.organisation is None or not user.organisation.is_research_unit:
        raise PermissionDenied(ERR_NOT_RESEARCH_UNIT)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if isinstance(year, bool) or not str(year).strip().isdigit() or not 2000 <= int(year) <= 2100:
        errors["year"] = [ERR_YEAR]
    if period_kind not in ReportPeriodKind.values:
        errors["period_kind"] = [ERR_PERIOD_KIND]
    if errors:
        raise ValidationError(errors)
    year = int(year)
    start, end = report_period(year, period_kind)
    if start > today:
        raise ValidationError({"year": [ERR_PERIOD_FUTURE]})
    with transaction.atomic():
        if TransferReport.objects.filter(
            organisation_id=user.organisation_id, year=year, period_kind=period_kind
        ).exists():
            raise ValidationError({"period_kind": [ERR_REPORT_EXISTS]})
        try:
            with transaction.atomic():
                report = TransferReport.objects.create(
                    organisation_id=user.organisation_id,
                    year=year,
                    period_kind=period_kind,
                    period_start=start,
                    period_end=end,
                    created_by=user,
                )
        except IntegrityError:
            raise ValidationError({"period_kind": [ERR_REPORT_EXISTS]}) from None
        _generate_lines(report, {})
        report.save(update_fields=["generated_at"])
        audit_record(
            actor=user,
            obj=report,
            action="transfer_report.create",
            after=transfer_report_state(report),
        )
    return report


def _lock_draft(user: User, report: TransferReport) -> TransferReport:
    _check_reporter(user, report.organisation_id)
    locked = TransferReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != ReportStatus.DRAFT:
        raise ValidationError({"status": [ERR_REPORT_FROZEN]})
    return locked


def transfer_report_regenerate(*, user: User, report: TransferReport) -> TransferReport:
    """Read a draft's lines again from the records; remarks stay with their achievement."""
    with transaction.atomic():
        locked = _lock_draft(user, report)
        before = transfer_report_state(locked)
        keep = dict(locked.lines.values_list("achievement_id", "remarks"))
        _generate_lines(locked, keep)
        locked.save(update_fields=["generated_at", "updated_at"])
        audit_record(
            actor=user,
            obj=locked,
            action="transfer_report.regenerate",
            before=before,
            after=transfer_report_state(locked),
        )
    return locked


def transfer_report_update(
    *, user: User, report: TransferReport, remarks: str, line_remarks: Mapping[int, str]
) -> TransferReport:
    """Edit a draft's remarks (the report's and each line's, by line id)."""
    with transaction.atomic():
        locked = _lock_draft(user, report)
        before = transfer_report_state(locked)
        errors: dict[str, list[str]] = {}
        lines = {line.pk: line for line in locked.lines.all()}
        changed = []
        for line_id, text in line_remarks.items():
            line = lines.get(int(line_id))
            if line is None:
                continue
            text = str(text or "").strip()
            if len(text) > 500:
                errors.setdefault(f"remarks_{line.pk}", []).append(ERR_REMARK_LONG)
                continue
            if text != line.remarks:
                line.remarks = text
                changed.append(line)
        if errors:
            raise ValidationError(errors)
        TransferReportLine.objects.bulk_update(changed, ["remarks"])
        locked.remarks = str(remarks or "").strip()[:5000]
        locked.save(update_fields=["remarks", "updated_at"])
        audit_record(
            actor=user,
            obj=locked,
            action="transfer_report.update",
            before=before,
            after=transfer_report_state(locked),
        )
    return locked


def transfer_report_submit(*, user: User, report: TransferReport) -> TransferReport:
    """Submit a draft to the supervisor: its lines, as reviewed, are frozen from now on."""
    with transaction.atomic():
        locked = _lock_draft(user, report)
        before = transfer_report_state(locked)
        locked.status = ReportStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = user
        locked.supervisor = scope.supervisor_of(locked.organisation)
        locked.save(
            update_fields=["status", "submitted_at", "submitted_by", "supervisor", "updated_at"]
        )
        audit_record(
            actor=user,
            obj=locked,
            action="transfer_report.submit",
            before=before,
            after=transfer_report_state(locked),
        )
        notify(
            users=scope.reviewers_for_unit(locked.organisation),
            kind="filing",
            title=f"{locked.organisation.name}报送了{locked.period_label}科技成果转化清单",
            body=f"报送至：{locked.supervisor_label}",
            url=f"/transfer/reports/{locked.pk}/",
        )
    return locked


ERR_NOT_RECEIVER = "只有该单位的主管部门（未填报主管部门的，省科技厅）可以签收转化清单"
ERR_NOT_SUBMITTED = "该转化清单尚未报送"
ERR_ALREADY_RECEIVED = "该转化清单已签收"


def may_receive_report(user: User, report: TransferReport) -> bool:
    """The department the report went to; the provincial department may sign for any."""
    if scope.is_provincial_reviewer(user):
        return True
    return (
        scope.is_supervising_reviewer(user)
        and report.supervisor_id is not None
        and report.supervisor_id == user.organisation_id
    )


def transfer_report_receive(*, user: User, report: TransferReport) -> TransferReport:
    """The supervising department signs for a submitted report (签收): it leaves the queue."""
    with transaction.atomic():
        locked = (
            TransferReport.objects.select_for_update()
            .select_related("organisation")
            .get(pk=report.pk)
        )
        if not may_receive_report(user, locked):
            raise PermissionDenied(ERR_NOT_RECEIVER)
        if locked.status != ReportStatus.SUBMITTED:
            raise ValidationError({"status": [ERR_NOT_SUBMITTED]})
        if locked.received_at is not None:
            raise ValidationError({"status": [ERR_ALREADY_RECEIVED]})
        locked.received_at = timezone.now()
        locked.received_by = user
        locked.save(update_fields=["received_at", "received_by", "updated_at"])
        audit_record(
            actor=user,
            obj=locked,
            action="transfer_report.receive",
            before={"received_by": None},
            after={"received_by": user.pk, "supervisor": locked.supervisor_id},
        )
        reporters = [
            u
            for u in User.objects.filter(organisation_id=locked.organisation_id, is_active=True)
            if u.has_role(*ACHIEVEMENT_EDITOR_ROLES)
        ]
        notify(
            users=reporters,
            kind="filing",
            title=f"{locked.period_label}科技成果转化清单已由{locked.supervisor_label}签收",
            url=f"/transfer/reports/{locked.pk}/",
        )
    return locked


# --- 赋权申请 (measure 1): apply, screen, decide, publish, record ---------------------------------

ERR_NOT_APPLICANT = "只有本单位的科研人员（成果完成人）可以申请赋权"
ERR_NOT_COMPLETER = "申请人须为本成果登记的成果完成人"
ERR_APPLICATION_PENDING = "该成果已有待审查的赋权申请"
ERR_APPLICATION_DECIDED = "该申请已处理，不能重复决定"
ERR_STATEMENT = "请填写申请说明"
ERR_REJECT_REASON = "不予赋权须说明理由"
NOTICE_PERIOD_DAYS = 15


def grant_application_state(application: RightsGrantApplication) -> dict[str, Any]:
    return {
        "achievement": application.achievement_id,
        "applicant": application.applicant_id,
        "kind": application.kind,
        "use_years": application.use_years,
        "shares": application.shares,
        "status": application.status,
        "negative_list_category": application.negative_list_category,
        "decision_reason": application.decision_reason,
        "notice": application.notice_id,
        "grant": application.grant_id,
    }


def _share_rows(shares: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Checked shares as stored on the application: two-decimal strings, names stripped."""
    return [
        {
            "holder_kind": str(r.get("holder_kind") or ""),
            "holder_name": str(r.get("holder_name") or "").strip(),
            "share": f"{rights.parse_share(r.get('share'))}",
        }
        for r in shares
    ]


def grant_application_create(
    *,
    user: User,
    achievement: Achievement,
    kind: str,
    statement: str,
    use_years: int | None = None,
    shares: Sequence[Mapping[str, Any]] = (),
) -> RightsGrantApplication:
    """A completer (科研人员 of the owning unit, registered as a completer) applies for a grant.
    The proposal is checked by the same rule the grant will be (`rights.check`)."""
    if (
        not getattr(user, "is_authenticated", False)
        or not user.is_active
        or user.organisation_id != achievement.owner_id
        or not user.has_role(Role.RESEARCHER)
        or user.organisation is None
        or not user.organisation.is_approved
    ):
        raise PermissionDenied(ERR_NOT_APPLICANT)
    with transaction.atomic():
        locked = achievement_lock(achievement.pk)
        names = [c.name for c in locked.completers.all()]
        errors = rights.check(
            kind=kind,
            is_service=locked.is_service,
            negative_list_category="",
            use_years=use_years,
            shares=shares,
            completer_names=names,
        )
        if (user.display_name or user.username) not in names:
            errors.setdefault("achievement", []).append(ERR_NOT_COMPLETER)
        if not str(statement or "").strip():
            errors.setdefault("statement", []).append(ERR_STATEMENT)
        if RightsGrant.objects.filter(achievement=locked).exists():
            errors.setdefault("achievement", []).append(ERR_ALREADY_GRANTED)
        elif RightsGrantApplication.objects.filter(
            achievement=locked, status=GrantApplicationStatus.SUBMITTED
        ).exists():
            errors.setdefault("achievement", []).append(ERR_APPLICATION_PENDING)
        if errors:
            raise ValidationError(errors)
        application = RightsGrantApplication.objects.create(
            achievement=locked,
            applicant=user,
            kind=kind,
            use_years=use_years if kind == RightsGrantKind.LONG_TERM_USE else None,
            shares=_share_rows(shares),
            statement=str(statement).strip()[:5000],
        )
        audit_record(
            actor=user,
            obj=application,
            action="rights_grant_application.create",
            after=grant_application_state(application),
        )
    return application


def _notice_content(application: RightsGrantApplication, grant: RightsGrant) -> str:
    achievement = application.achievement
    lines = [
        f"经本单位审查（不属于赋权负面清单）并按本单位程序决定，拟对职务科技成果“{achievement.title}”"
        f"（{achievement.ip_number_label}：{achievement.ip_number or '—'}）{grant.get_kind_display()}。",
    ]
    if grant.use_years:
        lines.append(f"长期使用权期限：{grant.use_years} 年。")
    shares = list(grant.shares.all())
    if shares:
        lines.append("权属份额：" + "；".join(f"{s.holder_name} {s.share}%" for s in shares) + "。")
    lines.append("公示期内如有异议，请在本公示页面提出。")
    return "\n".join(lines)


def grant_application_decide(
    *,
    user: User,
    application: RightsGrantApplication,
    negative_list_category: str,
    approve: bool,
    reason: str = "",
    today: dt.date | None = None,
) -> RightsGrantApplication:
    """The unit screens and decides an application.

    A negative-list category blocks it (status `blocked`, the rule's reason). A refusal needs a
    reason. An approval records the grant (`rights_grant_create`, all its checks) and publishes
    the decision as a publicity notice of kind `rights_grant`, starting today — all at once."""
    if (
        not getattr(user, "is_authenticated", False)
        or not user.can_edit_achievements
        or user.organisation_id != application.achievement.owner_id
    ):
        raise PermissionDenied(ERR_NOT_GRANTOR)
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = (
            RightsGrantApplication.objects.select_for_update()
            .select_related("achievement")
            .get(pk=application.pk)
        )
        if locked.status != GrantApplicationStatus.SUBMITTED:
            raise ValidationError({"status": [ERR_APPLICATION_DECIDED]})
        before = grant_application_state(locked)
        if negative_list_category:
            blocked = rights.check(
                kind=locked.kind,
                is_service=True,
                negative_list_category=negative_list_category,
                use_years=None,
                shares=(),
                completer_names=(),
            )
            if negative_list_category not in rights.NEGATIVE_LIST:
                raise ValidationError(blocked)
            locked.status = GrantApplicationStatus.BLOCKED
            locked.negative_list_category = negative_list_category
            locked.decision_reason = blocked["negative_list_category"][0]
        elif not approve:
            reason = str(reason or "").strip()
            if not reason:
                raise ValidationError({"reason": [ERR_REJECT_REASON]})
            locked.status = GrantApplicationStatus.REJECTED
            locked.decision_reason = reason[:500]
        else:
            grant = rights_grant_create(
                user=user,
                achievement=locked.achievement,
                kind=locked.kind,
                negative_list_category="",
                use_years=locked.use_years,
                shares=locked.shares,
                granted_on=today,
                note=str(reason or "").strip()[:500],
            )
            notice = notice_create(
                user=user,
                data={
                    "kind": NoticeKind.RIGHTS_GRANT,
                    "title": f"关于职务科技成果“{locked.achievement.title}”赋权的公示"[:200],
                    "content": _notice_content(locked, grant),
                    "starts_on": today,
                    "period_days": NOTICE_PERIOD_DAYS,
                    "subject_type": "transfer.rightsgrant",
                    "subject_id": str(grant.pk),
                },
            )
            notice = notice_publish(user=user, notice=notice, today=today)
            locked.status = GrantApplicationStatus.GRANTED
            locked.grant, locked.notice = grant, notice
            locked.decision_reason = str(reason or "").strip()[:500]
        locked.decided_by, locked.decided_at = user, timezone.now()
        locked.save()
        audit_record(
            actor=user,
            obj=locked,
            action="rights_grant_application.decide",
            before=before,
            after=grant_application_state(locked),
        )
    return locked


# --- 单列管理 / 台账 (measure 2) -------------------------------------------------------------------

ERR_NOT_PILOT_ADMIN = "只有主管部门审核员可以确定单列管理试点单位"
ERR_ALREADY_PILOT = "该单位已纳入单列管理试点"
ERR_NOT_RESEARCH_ORG = "单列管理试点单位须为科研单位"
ERR_NOT_LEDGER_EDITOR = "只有本单位的成果管理员或机构管理员可以登记台账"
ERR_NOT_IN_PILOT = "本单位未纳入单列管理试点"
ERR_LEDGER_EXISTS = "该成果已登记在台账中"
ERR_OWN_ACHIEVEMENT = "只能登记本单位的科技成果"
ERR_REQUIRED_FIELD = "此项为必填项"
ERR_POSITIVE = "应为大于 0、最多两位小数的数字"
ERR_NOT_FUTURE = "日期不能晚于今天"
ERR_DATE_FORMAT = "日期格式应为 YYYY-MM-DD"
ERR_DECISION_KIND = "无效的处置方式"
ERR_DOCUMENT = "请上传决策文件"


def pilot_add(
    *, user: User, organisation: Any, joined_on: dt.date | None = None, note: str = ""
) -> SeparateManagementPilot:
    """The department puts a research unit into the separate-management pilot."""
    if not getattr(user, "is_authenticated", False) or not user.is_reviewer:
        raise PermissionDenied(ERR_NOT_PILOT_ADMIN)
    if not organisation.is_research_unit:
        raise ValidationError({"organisation": [ERR_NOT_RESEARCH_ORG]})
    with transaction.atomic():
        if SeparateManagementPilot.objects.filter(organisation=organisation).exists():
            raise ValidationError({"organisation": [ERR_ALREADY_PILOT]})
        pilot = SeparateManagementPilot.objects.create(
            organisation=organisation,
            joined_on=joined_on or timezone.localdate(),
            note=str(note or "").strip()[:300],
            created_by=user,
        )
        audit_record(
            actor=user,
            obj=pilot,
            action="separate_management.pilot_add",
            after={
                "organisation": organisation.pk,
                "joined_on": pilot.joined_on.isoformat(),
                "note": pilot.note,
            },
        )
    return pilot


def is_pilot(organisation_id: int | None) -> bool:
    return (
        organisation_id is not None
        and SeparateManagementPilot.objects.filter(organisation_id=organisation_id).exists()
    )


def _check_ledger_editor(user: User, organisation_id: int | None) -> int:
    """The pilot unit's id, or PermissionDenied."""
    if (
        not getattr(user, "is_authenticated", False)
        or not user.can_edit_achievements
        or user.organisation_id != organisation_id
    ):
        raise PermissionDenied(ERR_NOT_LEDGER_EDITOR)
    if organisation_id is None or not is_pilot(organisation_id):
        raise PermissionDenied(ERR_NOT_IN_PILOT)
    return organisation_id


def _date(value: Any, field: str, errors: dict[str, list[str]], today: dt.date) -> dt.date | None:
    """core.inputs.collect_date: the format, not after `today`, the plausible window."""
    return collect_date(value, field, errors, past=True, today=today)


def _positive(
    value: Any, field: str, errors: dict[str, list[str]], *, max_digits: int = 17
) -> Decimal | None:
    """A positive number with at most two decimals and `max_digits` digits (core.inputs'
    parse_money rules; thousands separators allowed), else ERR_POSITIVE."""
    if isinstance(value, str):
        value = value.replace(",", "")
    try:
        number = None if isinstance(value, float) else parse_money(value, max_digits=max_digits)
    except InputProblem:
        number = None
    if not number:
        errors.setdefault(field, []).append(ERR_POSITIVE)
        return None
    return number


def ledger_entry_create(
    *, user: User, achievement: Achievement, entered_on: Any = None, note: str = ""
) -> LedgerEntry:
    """Enter an achievement of a pilot unit in its ledger (台账)."""
    org_id = _check_ledger_editor(user, user.organisation_id)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if achievement.owner_id != org_id:
        errors["achievement"] = [ERR_OWN_ACHIEVEMENT]
    entered = _date(entered_on or today, "entered_on", errors, today)
    if errors:
        raise ValidationError(errors)
    assert entered is not None  # _date recorded an error (raised above) when it gave None
    with transaction.atomic():
        if LedgerEntry.objects.filter(organisation_id=org_id, achievement=achievement).exists():
            raise ValidationError({"achievement": [ERR_LEDGER_EXISTS]})
        entry = LedgerEntry.objects.create(
            organisation_id=org_id,
            achievement=achievement,
            entered_on=entered,
            note=str(note or "").strip()[:500],
            created_by=user,
        )
        audit_record(
            actor=user,
            obj=entry,
            action="ledger_entry.create",
            after={
                "achievement": achievement.pk,
                "entered_on": entered.isoformat(),
                "note": entry.note,
            },
        )
    return entry


def equity_contribution_create(
    *,
    user: User,
    entry: LedgerEntry,
    company_name: str,
    company_uscc: str,
    shares: Any,
    value_amount: Any,
    contributed_on: Any,
) -> EquityContribution:
    """作价入股: record the company, the shares received and the value of the achievement."""
    _check_ledger_editor(user, entry.organisation_id)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    name = str(company_name or "").strip()
    if not name:
        errors["company_name"] = [ERR_REQUIRED_FIELD]
    try:
        uscc = validate_uscc(str(company_uscc or ""))
    except USCCError as exc:
        errors["company_uscc"] = [str(exc)]
        uscc = ""
    share_count = _positive(shares, "shares", errors, max_digits=20)
    value = _positive(value_amount, "value_amount", errors)
    on = _date(contributed_on, "contributed_on", errors, today)
    if errors:
        raise ValidationError(errors)
    # Each helper recorded an error (raised above) when it gave None.
    assert share_count is not None
    assert value is not None
    assert on is not None
    with transaction.atomic():
        LedgerEntry.objects.select_for_update().get(pk=entry.pk)
        contribution = EquityContribution.objects.create(
            entry=entry,
            company_name=name[:200],
            company_uscc=uscc,
            shares=share_count,
            value_amount=value,
            contributed_on=on,
            created_by=user,
        )
        audit_record(
            actor=user,
            obj=contribution,
            action="equity_contribution.create",
            after={
                "entry": entry.pk,
                "achievement": entry.achievement_id,
                "company_name": name,
                "company_uscc": uscc,
                "shares": str(share_count),
                "value_amount": str(value),
                "contributed_on": on.isoformat() if on else None,
            },
        )
    return contribution


def equity_decision_create(
    *,
    user: User,
    contribution: EquityContribution,
    kind: str,
    decided_on: Any,
    upload: Any,
    note: str = "",
) -> EquityDecision:
    """A later decision on the equity (public transfer / internal transfer / outward investment)
    with its decision document (checked like every upload)."""
    _check_ledger_editor(user, contribution.entry.organisation_id)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if kind not in EquityDecisionKind.values:
        errors["kind"] = [ERR_DECISION_KIND]
    on = _date(decided_on, "decided_on", errors, today)
    sha = ""
    if upload is None:
        errors["document"] = [ERR_DOCUMENT]
    else:
        try:
            sha = check_upload(upload)
        except ValidationError as exc:
            errors["document"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    assert on is not None  # _date recorded an error (raised above) when it gave None
    with transaction.atomic():
        EquityContribution.objects.select_for_update().get(pk=contribution.pk)
        decision = EquityDecision(
            contribution=contribution,
            kind=kind,
            decided_on=on,
            note=str(note or "").strip()[:500],
            original_name=str(upload.name)[:200],
            sha256=sha,
            created_by=user,
        )
        decision.file.save(f"{sha[:16]}{_ext(upload.name)}", upload, save=False)
        decision.save()
        audit_record(
            actor=user,
            obj=decision,
            action="equity_decision.create",
            after={
                "contribution": contribution.pk,
                "kind": kind,
                "decided_on": on.isoformat() if on else None,
                "document_sha256": sha,
                "original_name": decision.original_name,
                "note": decision.note,
            },
        )
    return decision


def _ext(name: str) -> str:
    import os

    return os.path.splitext(name or "")[1].lower()
