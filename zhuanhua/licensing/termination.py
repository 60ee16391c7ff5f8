"""Ending a licence early (issue 20.2): by agreement, or for breach after a written cure notice.

For breach the unit sends a cure notice (催告) naming the overdue obligations of the plan and a
cure deadline at least the contract's ``cure_days`` (default 30) away; once the deadline has
passed with one of them still unmet, it may terminate with the date and reason. By agreement,
one party proposes a termination date and reason and the other confirms. Either way the
licence gets ``terminated_on`` (the engine's terminated view: royalty periods clipped, what
was earned stays owed, the rest cancelled), the licensee is told at each step, and a licence
terminated with nothing implemented stops counting as a transfer of the achievement (the
2-year rule sees it untransferred again). Expiry at ``end`` is the daily job's (jobs.py).

Each write checks who acts, locks the licence row (then the notice or proposal row), saves
and audits in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhuanhua.accounts.choices import ACHIEVEMENT_EDITOR_ROLES
from zhuanhua.accounts.http import Visitor
from zhuanhua.accounts.models import User
from zhuanhua.achievements.choices import TransferStatus
from zhuanhua.achievements.services import achievement_unmark_transferred
from zhuanhua.audit.services import audit_record
from zhuanhua.core.inputs import clean_date
from zhuanhua.core.labels import yuan
from zhuanhua.engines import licensing as engine
from zhuanhua.licensing.choices import (
    LICENSEE_ROLES,
    OBLIGATION_KIND_LABELS,
    OBLIGATION_STATUS_LABELS,
    PROPOSAL_TRANSITIONS,
    CureNoticeStatus,
    LicenceStatus,
    Side,
    TerminationKind,
    TerminationProposalStatus,
)
from zhuanhua.licensing.models import (
    CureNotice,
    Licence,
    MilestoneAchievement,
    RevenueReport,
    TerminationProposal,
)
from zhuanhua.licensing.selectors import licence_schedule
from zhuanhua.licensing.services import is_licensee_agent, is_licensor_editor
from zhuanhua.notifications.choices import NotificationKind
from zhuanhua.notifications.services import notify

DEFAULT_CURE_DAYS = 30
# A named obligation is unmet while the plan still shows it in one of these.
UNMET_STATUSES = {engine.OVERDUE, engine.REPORT_MISSING, engine.AWAITING_REPORT}
# What a cure notice may name: what the plan shows as overdue or a missing report.
NAMEABLE_STATUSES = {engine.OVERDUE, engine.REPORT_MISSING}

ERR_NOT_UNIT = "只有许可方的成果管理员或机构管理员可以发出催告或解除许可"
ERR_NOT_ACTIVE = "只有履行中的许可可以执行该操作（当前：{status}）"
ERR_NO_OBLIGATION = "请至少选择一项逾期未履行的义务"
ERR_NOT_NAMEABLE = "所选义务当前未逾期，不能列入催告：{refs}"
ERR_CURE_DEADLINE = "补救期限不能早于 {date}（自催告之日起至少 {days} 天，依合同约定）"
ERR_NOTICE_OPEN = "该许可已有未结的催告（补救期限 {date}）"
ERR_NOTICE_CLOSED = "该催告已结束（{status}）"
ERR_NO_NOTICE = "须先发出书面催告，补救期限届满仍未履行的，方可解除许可"
ERR_BEFORE_DEADLINE = "补救期限（{date}）届满前不能解除许可"
ERR_CURED = "催告所列义务已全部履行，不能据此解除许可"
ERR_REASON = "请填写解除原因"
ERR_TERMINATED_ON = "终止日须在 {low} 至 {high} 之间"
ERR_REPORT_AFTER = "终止日之后结束的期间已有收入报告（{start} 至 {end}），终止日不能早于 {end}"
ERR_PROPOSAL_OPEN = "已有待对方确认的协议解除提议"
ERR_NOT_PARTY = "只有许可双方的经办人员可以提议或答复协议解除"
ERR_OWN_PROPOSAL = "不能确认或拒绝本方提出的协议解除，须由对方答复"
ERR_NOT_PROPOSER = "只有提出方可以撤回协议解除提议"
ERR_PROPOSAL_CLOSED = "该提议已处理（{status}）"
ERR_BAD_ACTION = "无效的操作"


@dataclass(frozen=True)
class Line:
    """An obligation of the plan as a cure notice names it."""

    ref: str
    label: str
    status: str
    amount: str | None
    outstanding: str | None
    due: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "label": self.label,
            "status": self.status,
            "amount": self.amount,
            "outstanding": self.outstanding,
            "due": self.due,
        }


def obligation_ref(o: engine.Obligation) -> str:
    """A stable name of one obligation across plans of different dates."""
    if o.kind == engine.ROYALTY:
        return f"royalty:{o.period_start}"
    if o.kind == engine.UPFRONT:
        return "upfront"
    return f"installment:{o.key}"


def obligation_label(o: engine.Obligation) -> str:
    kind = OBLIGATION_KIND_LABELS.get(o.kind, o.kind)
    if o.kind == engine.ROYALTY:
        return f"{kind}（{o.period_start} 至 {o.period_end}）"
    if o.kind == engine.INSTALLMENT:
        return f"{kind}“{o.key}”"
    return kind


def _line(o: engine.Obligation) -> Line:
    return Line(
        ref=obligation_ref(o),
        label=obligation_label(o),
        status=o.status,
        amount=None if o.amount is None else str(o.amount),
        outstanding=None if o.outstanding is None else str(o.outstanding),
        due=o.due.isoformat() if o.due else None,
    )


def nameable_lines(licence: Licence, today: dt.date) -> list[Line]:
    """The obligations a cure notice may name on ``today``: overdue ones and missing reports."""
    schedule = licence_schedule(licence, today)
    return [_line(o) for o in schedule.obligations if o.status in NAMEABLE_STATUSES]


def unmet_refs(notice: CureNotice, licence: Licence, today: dt.date) -> list[str]:
    """The obligations ``notice`` named that the plan on ``today`` still shows unmet."""
    schedule = licence_schedule(licence, today)
    status = {obligation_ref(o): o.status for o in schedule.obligations}
    return [
        line["ref"]
        for line in notice.obligations
        if status.get(line["ref"], engine.PAID) in UNMET_STATUSES
    ]


def cure_days(licence: Licence) -> int:
    """The days the contract gives to cure (``cure_days`` in the terms), default 30."""
    try:
        days = int(licence.terms.get("cure_days") or DEFAULT_CURE_DAYS)
    except (TypeError, ValueError):
        days = DEFAULT_CURE_DAYS
    return max(days, 1)


def side_of_licence(user: Visitor, licence: Licence) -> str | None:
    """The side ``user`` acts for on ``licence`` (None: an onlooker)."""
    if is_licensor_editor(user, licence.licensor_id):
        return Side.LICENSOR
    if is_licensee_agent(user, licence.licensee_id):
        return Side.LICENSEE
    return None


def _people(org_id: int, roles: Any) -> list[User]:
    people = User.objects.filter(organisation_id=org_id, is_active=True).order_by("pk")
    return [u for u in people if u.has_role(*roles)]


def _tell(licence: Licence, side: str, title: str, body: str) -> None:
    """Tell ``side``'s people of the licence (the licensee's agents, the unit's editors)."""
    org_id, roles = (
        (licence.licensee_id, LICENSEE_ROLES)
        if side == Side.LICENSEE
        else (licence.licensor_id, ACHIEVEMENT_EDITOR_ROLES)
    )
    notify(
        users=_people(org_id, roles),
        kind=NotificationKind.LICENCE,
        title=title,
        body=body,
        url=f"/licensing/licences/{licence.pk}/",
    )


def _lock_active(licence: Licence) -> Licence:
    locked = (
        Licence.objects.select_for_update()
        .select_related("achievement", "licensor", "licensee")
        .get(pk=licence.pk)
    )
    if locked.status != LicenceStatus.ACTIVE:
        raise ValidationError(
            {"status": [ERR_NOT_ACTIVE.format(status=locked.get_status_display())]}
        )
    return locked


def _reason(value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError({"reason": [ERR_REASON]})
    return text[:2000]


# --------------------------------------------------------------------------------------------
# Cure notice (催告)


def _notice_body(licence: Licence, lines: list[Line], deadline: dt.date, note: str) -> str:
    parts = [
        f"{licence.licensee.name}：",
        f"依据“{licence.achievement.title}”先使用后付费许可合同，贵单位下列义务已逾期未履行：",
    ]
    for i, line in enumerate(lines, start=1):
        status = OBLIGATION_STATUS_LABELS.get(line.status, line.status)
        money = f"，未付 {yuan(line.outstanding)} 元" if line.outstanding is not None else ""
        due = f"，应于 {line.due} 前履行" if line.due else ""
        parts.append(f"{i}. {line.label}（{status}{due}{money}）")
    parts.append(
        f"请于 {deadline:%Y-%m-%d} 前履行完毕。逾期仍未履行的，{licence.licensor.name}"
        "将依合同约定解除许可。"
    )
    if note:
        parts.append(note)
    return "\n".join(parts)


def cure_notice_send(
    *,
    user: User,
    licence: Licence,
    refs: list[str],
    cure_deadline: Any,
    note: str = "",
) -> CureNotice:
    """The unit's written cure notice: the overdue obligations it names (from today's plan)
    and the deadline, at least the contract's cure days away. One open notice per licence."""
    if not is_licensor_editor(user, licence.licensor_id):
        raise PermissionDenied(ERR_NOT_UNIT)
    today = timezone.localdate()
    deadline = clean_date(cure_deadline, "cure_deadline")
    if deadline is None:
        raise ValidationError({"cure_deadline": ["此项为必填项"]})
    wanted = [r for r in dict.fromkeys(refs or []) if r]
    if not wanted:
        raise ValidationError({"obligations": [ERR_NO_OBLIGATION]})
    with transaction.atomic():
        locked = _lock_active(licence)
        days = cure_days(locked)
        earliest = today + dt.timedelta(days=days)
        if deadline < earliest:
            raise ValidationError(
                {"cure_deadline": [ERR_CURE_DEADLINE.format(date=earliest, days=days)]}
            )
        lines = {line.ref: line for line in nameable_lines(locked, today)}
        unknown = [r for r in wanted if r not in lines]
        if unknown:
            raise ValidationError(
                {"obligations": [ERR_NOT_NAMEABLE.format(refs="、".join(unknown))]}
            )
        current = CureNotice.objects.filter(licence=locked, status=CureNoticeStatus.OPEN).first()
        if current is not None:
            raise ValidationError({"status": [ERR_NOTICE_OPEN.format(date=current.cure_deadline)]})
        named = [lines[r] for r in wanted]
        try:
            with transaction.atomic():
                notice = CureNotice.objects.create(
                    licence=locked,
                    sent_on=today,
                    cure_deadline=deadline,
                    obligations=[line.as_json() for line in named],
                    body=_notice_body(locked, named, deadline, str(note or "").strip()[:2000]),
                    sent_by=user,
                )
        except IntegrityError:  # a concurrent notice won
            raise ValidationError({"status": [ERR_NOTICE_OPEN.format(date=deadline)]}) from None
        audit_record(
            actor=user,
            obj=notice,
            action="licence.cure_notice",
            after={
                "licence": locked.pk,
                "sent_on": today.isoformat(),
                "cure_deadline": deadline.isoformat(),
                "obligations": notice.obligations,
                "body": notice.body,
            },
            detail={
                "licence": locked.pk,
                "cure_deadline": deadline.isoformat(),
                "obligations": [line.ref for line in named],
            },
        )
        _tell(
            locked,
            Side.LICENSEE,
            f"催告通知：请于 {deadline:%Y-%m-%d} 前履行逾期义务",
            notice.body,
        )
    return notice


def cure_notice_close(*, user: User, notice: CureNotice) -> CureNotice:
    """The unit closes an open notice as cured (the licensee met what it named)."""
    if not is_licensor_editor(user, notice.licence.licensor_id):
        raise PermissionDenied(ERR_NOT_UNIT)
    with transaction.atomic():
        licence = Licence.objects.select_for_update().get(pk=notice.licence_id)
        locked = CureNotice.objects.select_for_update().get(pk=notice.pk)
        if locked.status != CureNoticeStatus.OPEN:
            raise ValidationError(
                {"status": [ERR_NOTICE_CLOSED.format(status=locked.get_status_display())]}
            )
        locked.status = CureNoticeStatus.CURED
        locked.closed_on = timezone.localdate()
        locked.save(update_fields=["status", "closed_on"])
        audit_record(
            actor=user,
            obj=locked,
            action="licence.cure_notice_close",
            before={"status": CureNoticeStatus.OPEN},
            after={"status": CureNoticeStatus.CURED},
        )
        _tell(
            licence,
            Side.LICENSEE,
            "催告已结束：许可方确认逾期义务已履行",
            f"{licence.licensor.name}确认贵单位已履行 {locked.sent_on:%Y-%m-%d} 催告所列义务，"
            "该催告已结束。",
        )
    return locked


# --------------------------------------------------------------------------------------------
# Termination


def _check_terminated_on(licence: Licence, date: dt.date, low: dt.date, today: dt.date) -> None:
    """``low ≤ date ≤ min(today, end)``, and no report of a period ending after it (the engine
    clips the periods there: such a report would belong to no period)."""
    high = min(today, licence.end)
    if not low <= date <= high:
        raise ValidationError({"terminated_on": [ERR_TERMINATED_ON.format(low=low, high=high)]})
    later = (
        RevenueReport.objects.filter(licence=licence, period_end__gt=date)
        .order_by("-period_end")
        .first()
    )
    if later is not None:
        raise ValidationError(
            {
                "terminated_on": [
                    ERR_REPORT_AFTER.format(start=later.period_start, end=later.period_end)
                ]
            }
        )


def implemented(licence: Licence) -> bool:
    """Whether the licensee put the achievement to use under the licence: it reported revenue
    above zero, or a milestone of the terms was reached. (Money paid alone, an upfront fee,
    does not show use.)"""
    return (
        RevenueReport.objects.filter(licence=licence, revenue_amount__gt=0).exists()
        or MilestoneAchievement.objects.filter(licence=licence).exists()
    )


def _counts_elsewhere(licence: Licence) -> bool:
    """Another signed licence of the achievement still counts as its transfer."""
    others = Licence.objects.filter(achievement_id=licence.achievement_id).exclude(pk=licence.pk)
    if others.filter(status__in=[LicenceStatus.ACTIVE, LicenceStatus.EXPIRED]).exists():
        return True
    return any(implemented(o) for o in others.filter(status=LicenceStatus.TERMINATED))


def _terminate(
    *,
    user: User,
    licence: Licence,
    kind: str,
    terminated_on: dt.date,
    reason: str,
    detail: dict[str, Any],
) -> Licence:
    """Record the termination on the locked licence, audit it, and let the achievement's
    转化状态 follow (through the achievements service)."""
    before = {"status": licence.status, "terminated_on": None}
    licence.status = LicenceStatus.TERMINATED
    licence.terminated_on = terminated_on
    licence.termination_kind = kind
    licence.termination_reason = reason
    licence.terminated_by = user
    licence.save(
        update_fields=[
            "status",
            "terminated_on",
            "termination_kind",
            "termination_reason",
            "terminated_by",
        ]
    )
    used = implemented(licence)
    audit_record(
        actor=user,
        obj=licence,
        action="licence.terminate",
        before=before,
        after={
            "status": LicenceStatus.TERMINATED,
            "terminated_on": terminated_on.isoformat(),
            "termination_kind": kind,
            "termination_reason": reason,
            "implemented": used,
        },
        detail={
            **detail,
            "kind": kind,
            "reason": reason,
            "terminated_on": terminated_on.isoformat(),
        },
    )
    # A licence ended with nothing implemented was no transfer: the 2-year rule runs on.
    if not used and not _counts_elsewhere(licence):
        achievement_unmark_transferred(
            user=user,
            achievement_id=licence.achievement_id,
            status=TransferStatus.LICENSED,
            detail={"licence": licence.pk, "terminated_on": terminated_on.isoformat()},
        )
    # A pending agreement proposal is moot once the licence has ended.
    for proposal in TerminationProposal.objects.select_for_update().filter(
        licence=licence, status=TerminationProposalStatus.PROPOSED
    ):
        if detail.get("proposal") == proposal.pk:
            continue
        proposal.status = TerminationProposalStatus.WITHDRAWN
        proposal.answered_at = timezone.now()
        proposal.save(update_fields=["status", "answered_at"])
    return licence


def licence_terminate_for_breach(
    *, user: User, licence: Licence, reason: str, terminated_on: Any = None
) -> Licence:
    """The unit terminates for breach: an open cure notice whose deadline has passed, and one
    of the obligations it named still unmet on the plan of today. ``terminated_on`` (default
    today) is after the deadline and not after today or the licence's end."""
    if not is_licensor_editor(user, licence.licensor_id):
        raise PermissionDenied(ERR_NOT_UNIT)
    text = _reason(reason)
    today = timezone.localdate()
    date = clean_date(terminated_on, "terminated_on") if terminated_on else today
    assert date is not None
    with transaction.atomic():
        locked = _lock_active(licence)
        notice = (
            CureNotice.objects.select_for_update()
            .filter(licence=locked, status=CureNoticeStatus.OPEN)
            .first()
        )
        if notice is None:
            raise ValidationError({"status": [ERR_NO_NOTICE]})
        if today <= notice.cure_deadline:
            raise ValidationError(
                {"status": [ERR_BEFORE_DEADLINE.format(date=notice.cure_deadline)]}
            )
        unmet = unmet_refs(notice, locked, today)
        if not unmet:
            raise ValidationError({"status": [ERR_CURED]})
        _check_terminated_on(locked, date, notice.cure_deadline + dt.timedelta(days=1), today)
        _terminate(
            user=user,
            licence=locked,
            kind=TerminationKind.BREACH,
            terminated_on=date,
            reason=text,
            detail={"cure_notice": notice.pk, "unmet": unmet},
        )
        notice.status = CureNoticeStatus.TERMINATED
        notice.closed_on = today
        notice.save(update_fields=["status", "closed_on"])
        _tell(
            locked,
            Side.LICENSEE,
            f"许可已解除（违约解除，终止日 {date:%Y-%m-%d}）",
            f"{locked.licensor.name}因贵单位在补救期限（{notice.cure_deadline:%Y-%m-%d}）届满后"
            f"仍未履行催告所列义务，解除了“{locked.achievement.title}”的许可，终止日 "
            f"{date:%Y-%m-%d}。解除原因：{text}。终止日前已发生的付款义务仍须履行。",
        )
    return locked


def termination_propose(
    *, user: User, licence: Licence, terminated_on: Any, reason: str
) -> TerminationProposal:
    """Either party proposes to end the licence by agreement on a date (the licence's start
    to today) with a reason; the other party confirms or declines."""
    side = side_of_licence(user, licence)
    if side is None:
        raise PermissionDenied(ERR_NOT_PARTY)
    text = _reason(reason)
    date = clean_date(terminated_on, "terminated_on")
    if date is None:
        raise ValidationError({"terminated_on": ["此项为必填项"]})
    today = timezone.localdate()
    with transaction.atomic():
        locked = _lock_active(licence)
        _check_terminated_on(locked, date, locked.start, today)
        if TerminationProposal.objects.filter(
            licence=locked, status=TerminationProposalStatus.PROPOSED
        ).exists():
            raise ValidationError({"status": [ERR_PROPOSAL_OPEN]})
        try:
            with transaction.atomic():
                proposal = TerminationProposal.objects.create(
                    licence=locked, side=side, proposed_by=user, terminated_on=date, reason=text
                )
        except IntegrityError:
            raise ValidationError({"status": [ERR_PROPOSAL_OPEN]}) from None
        audit_record(
            actor=user,
            obj=proposal,
            action="licence.termination_propose",
            after={
                "licence": locked.pk,
                "side": side,
                "terminated_on": date.isoformat(),
                "reason": text,
            },
            detail={"licence": locked.pk, "terminated_on": date.isoformat(), "reason": text},
        )
        other = Side.LICENSEE if side == Side.LICENSOR else Side.LICENSOR
        proposer = locked.licensor.name if side == Side.LICENSOR else locked.licensee.name
        _tell(
            locked,
            other,
            f"对方提议协议解除许可（终止日 {date:%Y-%m-%d}），请确认",
            f"{proposer}提议协议解除“{locked.achievement.title}”的许可，终止日 "
            f"{date:%Y-%m-%d}。原因：{text}。请在许可页面确认或拒绝。",
        )
    return proposal


def termination_answer(
    *, user: User, proposal: TerminationProposal, action: str
) -> TerminationProposal:
    """``confirm`` or ``decline`` (the other party), ``withdraw`` (the proposer's side).
    Confirming terminates the licence by agreement on the proposed date."""
    licence = proposal.licence
    side = side_of_licence(user, licence)
    if side is None:
        raise PermissionDenied(ERR_NOT_PARTY)
    if action not in {"confirm", "decline", "withdraw"}:
        raise ValidationError({"action": [ERR_BAD_ACTION]})
    if action == "withdraw" and side != proposal.side:
        raise PermissionDenied(ERR_NOT_PROPOSER)
    if action != "withdraw" and side == proposal.side:
        raise PermissionDenied(ERR_OWN_PROPOSAL)
    today = timezone.localdate()
    with transaction.atomic():
        locked_licence = (
            Licence.objects.select_for_update()
            .select_related("achievement", "licensor", "licensee")
            .get(pk=licence.pk)
        )
        locked = TerminationProposal.objects.select_for_update().get(pk=proposal.pk)
        target = PROPOSAL_TRANSITIONS.get((locked.status, action))
        if target is None:
            raise ValidationError(
                {"status": [ERR_PROPOSAL_CLOSED.format(status=locked.get_status_display())]}
            )
        if action == "confirm":
            if locked_licence.status != LicenceStatus.ACTIVE:
                raise ValidationError(
                    {"status": [ERR_NOT_ACTIVE.format(status=locked_licence.get_status_display())]}
                )
            _check_terminated_on(locked_licence, locked.terminated_on, locked_licence.start, today)
        locked.status = target
        locked.answered_by = user
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "answered_by", "answered_at"])
        audit_record(
            actor=user,
            obj=locked,
            action=f"licence.termination_{action}",
            before={"status": TerminationProposalStatus.PROPOSED},
            after={"status": target},
        )
        if action == "confirm":
            _terminate(
                user=user,
                licence=locked_licence,
                kind=TerminationKind.AGREEMENT,
                terminated_on=locked.terminated_on,
                reason=locked.reason,
                detail={"proposal": locked.pk},
            )
            title = f"许可已协议解除（终止日 {locked.terminated_on:%Y-%m-%d}）"
            body = (
                f"双方确认协议解除“{locked_licence.achievement.title}”的许可，终止日 "
                f"{locked.terminated_on:%Y-%m-%d}。原因：{locked.reason}。"
                "终止日前已发生的付款义务仍须履行。"
            )
            _tell(locked_licence, Side.LICENSEE, title, body)
            _tell(locked_licence, Side.LICENSOR, title, body)
        else:
            other = Side.LICENSOR if side == Side.LICENSEE else Side.LICENSEE
            verb = "拒绝" if action == "decline" else "撤回"
            _tell(
                locked_licence,
                other,
                f"协议解除提议已被{verb}",
                f"“{locked_licence.achievement.title}”许可的协议解除提议（终止日 "
                f"{locked.terminated_on:%Y-%m-%d}）已被{verb}，许可继续履行。",
            )
    return locked


# --------------------------------------------------------------------------------------------
# The licence page's panel


@dataclass
class Panel:
    """What the termination panel of a licence page shows to ``user``."""

    notices: list[CureNotice] = field(default_factory=list)
    open_notice: CureNotice | None = None
    unmet: list[str] = field(default_factory=list)
    nameable: list[Line] = field(default_factory=list)
    proposals: list[TerminationProposal] = field(default_factory=list)
    open_proposal: TerminationProposal | None = None
    can_send_notice: bool = False
    can_terminate: bool = False
    may_terminate_from: dt.date | None = None
    can_propose: bool = False
    can_answer: bool = False
    can_withdraw: bool = False
    default_deadline: dt.date | None = None
    cure_days: int = DEFAULT_CURE_DAYS


def termination_panel(user: Visitor, licence: Licence, today: dt.date) -> Panel:
    """The cure notices and proposals of ``licence`` and what ``user`` may do on ``today``."""
    panel = Panel(
        notices=list(licence.cure_notices.select_related("sent_by")),
        proposals=list(licence.termination_proposals.select_related("proposed_by")),
        cure_days=cure_days(licence),
    )
    panel.open_notice = next((n for n in panel.notices if n.status == CureNoticeStatus.OPEN), None)
    panel.open_proposal = next(
        (p for p in panel.proposals if p.status == TerminationProposalStatus.PROPOSED), None
    )
    active = licence.status == LicenceStatus.ACTIVE
    unit = is_licensor_editor(user, licence.licensor_id)
    side = side_of_licence(user, licence)
    if active and unit:
        if panel.open_notice is None:
            panel.nameable = nameable_lines(licence, today)
            panel.can_send_notice = bool(panel.nameable)
            panel.default_deadline = today + dt.timedelta(days=panel.cure_days)
        else:
            panel.unmet = unmet_refs(panel.open_notice, licence, today)
            panel.may_terminate_from = panel.open_notice.cure_deadline + dt.timedelta(days=1)
            panel.can_terminate = bool(panel.unmet) and today > panel.open_notice.cure_deadline
    if active and side is not None:
        proposal = panel.open_proposal
        panel.can_propose = proposal is None
        panel.can_answer = proposal is not None and proposal.side != side
        panel.can_withdraw = proposal is not None and proposal.side == side
    return panel


# --------------------------------------------------------------------------------------------
# Expiry (daily job)


def licence_expire_due(today: dt.date) -> dict[str, int]:
    """Daily job: record each active licence whose term ended before ``today`` as expired
    (已到期), audit it and tell both sides. Idempotent (an expired licence is no longer
    active). What was earned stays owed: reports, payments and alerts go on."""
    summary = {"expired": 0}
    due = list(
        Licence.objects.filter(status=LicenceStatus.ACTIVE, end__lt=today).values_list(
            "pk", flat=True
        )
    )
    for pk in due:
        with transaction.atomic():
            licence = (
                Licence.objects.select_for_update()
                .select_related("achievement", "licensor", "licensee")
                .get(pk=pk)
            )
            if licence.status != LicenceStatus.ACTIVE or licence.end >= today:
                continue
            licence.status = LicenceStatus.EXPIRED
            licence.save(update_fields=["status"])
            audit_record(
                actor=None,
                obj=licence,
                action="licence.expire",
                before={"status": LicenceStatus.ACTIVE},
                after={"status": LicenceStatus.EXPIRED, "end": licence.end.isoformat()},
            )
            title = f"许可期限届满：{licence.achievement.title}"
            body = (
                f"{licence.licensor.name} → {licence.licensee.name}的“{licence.achievement.title}”"
                f"许可已于 {licence.end:%Y-%m-%d} 期满。期限内已发生的收入报告和付款义务仍须履行。"
            )
            _tell(licence, Side.LICENSEE, title, body)
            _tell(licence, Side.LICENSOR, title, body)
        summary["expired"] += 1
    return summary
