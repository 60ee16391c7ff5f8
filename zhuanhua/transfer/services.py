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
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhuanhua.accounts.choices import ACHIEVEMENT_EDITOR_ROLES
from zhuanhua.accounts.models import User
from zhuanhua.achievements.choices import AchievementStatus, TransferStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.audit.services import audit_record
from zhuanhua.engines import transfer_deadline
from zhuanhua.engines.common import InputError
from zhuanhua.transfer import rights
from zhuanhua.transfer.choices import LeaveReason, ReminderKind, RightsGrantKind, ShareHolderKind
from zhuanhua.transfer.models import (
    RightsGrant,
    RightsGrantShare,
    TransferReminder,
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
            achievement.fiscally_funded, achievement.is_applied_technology,
            achievement.ip_acquired_on, transferred_on,
        )
    except InputError:
        return None


def _recipients(achievement: Achievement) -> list[str]:
    """E-mail addresses of the unit's org_admin / achievement_manager users."""
    users = User.objects.filter(organisation_id=achievement.owner_id, is_active=True).exclude(email="")
    return sorted({u.email for u in users if u.has_role(*ACHIEVEMENT_EDITOR_ROLES)})


def _message(achievement: Achievement, kind: str, joins_on: dt.date, today: dt.date) -> tuple[str, str]:
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
        achievement=achievement, kind=kind, sent_on=today, joins_on=joins_on, recipients=recipients,
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
                    actor=None, obj=entry, action="use_first_list.join", before=before,
                    after=_entry_state(entry),
                    detail={"as_of": today.isoformat(), "achievement": achievement.pk},
                )
                counts["joined"] += 1
            elif entry.joined_on != joins:  # the unit corrected the IP date; still on the list
                before = _entry_state(entry)
                entry.joined_on = joins
                entry.save(update_fields=["joined_on", "updated_at"])
                audit_record(
                    actor=None, obj=entry, action="use_first_list.update", before=before,
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
                actor=None, obj=entry, action="use_first_list.leave", before=before,
                after=_entry_state(entry),
                detail={
                    "as_of": today.isoformat(), "achievement": achievement.pk,
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
        fiscally_funded=True, is_applied_technology=True, ip_acquired_on__isnull=False,
        ip_acquired_on__lte=horizon, transfer_status=TransferStatus.UNTRANSFERRED,
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


def use_first_terms_mark_completed(
    *, user: Any, achievement: Achievement, on: dt.date | None = None
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
            UseFirstListEntry.objects.select_for_update().filter(achievement_id=achievement.pk).first()
        )
        if entry is None or entry.left_on is not None:
            raise ValidationError({"achievement": [ERR_NOT_ON_LIST]})
        if entry.terms_completed_on is not None:
            return entry
        before = _entry_state(entry)
        entry.terms_completed_on = on or timezone.localdate()
        entry.save(update_fields=["terms_completed_on", "updated_at"])
        audit_record(
            actor=user, obj=entry, action="use_first_list.terms_completed", before=before,
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
    user: Any,
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
        locked = Achievement.objects.select_for_update().get(pk=achievement.pk)
        errors = rights.check(
            kind=kind, is_service=locked.is_service, negative_list_category=negative_list_category,
            use_years=use_years, shares=shares,
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
            achievement=locked, kind=kind,
            use_years=use_years if kind == RightsGrantKind.LONG_TERM_USE else None,
            granted_on=granted_on, note=note.strip()[:500], created_by=user,
        )
        RightsGrantShare.objects.bulk_create(
            RightsGrantShare(
                grant=grant, holder_kind=row["holder_kind"],
                holder_name=(
                    locked.owner.name if row["holder_kind"] == ShareHolderKind.UNIT
                    else str(row["holder_name"]).strip()
                ),
                share=rights.parse_share(row["share"]),
            )
            for row in shares
        )
        audit_record(actor=user, obj=grant, action="rights_grant.create",
                     after=rights_grant_state(grant))
    return grant
