"""Writes to matchmaking events. Each service checks who acts, locks the event, saves and
audits in one transaction, and tells the people who must act next."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeGuard

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhuanhua.accounts.choices import ACHIEVEMENT_EDITOR_ROLES, Role
from zhuanhua.accounts.http import Visitor
from zhuanhua.accounts.models import User
from zhuanhua.achievements.choices import AchievementStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.audit.services import audit_record
from zhuanhua.core.inputs import clean_text, collect_date, collect_money, collect_text
from zhuanhua.core.prefectures import PREFECTURE_CHOICES
from zhuanhua.events.choices import TRANSITIONS, EventKind, EventStatus, IntentionKind
from zhuanhua.events.models import (
    EventRegistration,
    Intention,
    MatchmakingEvent,
    PresentedAchievement,
    ProposedMeeting,
)
from zhuanhua.needs.choices import NeedStatus
from zhuanhua.needs.models import TechnologyNeed
from zhuanhua.needs.selectors import matches_for_need
from zhuanhua.needs.services import can_post_needs
from zhuanhua.notifications.choices import NotificationKind
from zhuanhua.notifications.services import notify
from zhuanhua.organisations.choices import OrganisationType

ERR_NOT_ORGANISER = "只有科技管理部门、州（市）科技局、园区和技术转移服务机构可以举办对接活动"
ERR_NOT_OWN_EVENT = "只有主办单位可以管理该活动"
ERR_BAD_TRANSITION = "当前状态（{status}）不能执行该操作"
ERR_DEADLINE_AFTER_EVENT = "报名截止日期不能晚于举办日期"
ERR_EVENT_IN_PAST = "举办日期不能早于今天"
ERR_NO_ACHIEVEMENTS = "请先选择至少一项路演成果再发布活动"
ERR_NOT_PUBLISHED_ACHIEVEMENT = "只能选择成果大厅中已发布的成果"
ERR_TOO_MANY_ACHIEVEMENTS = "一场活动最多展示 {limit} 项成果"
ERR_NOT_OPEN = "活动不在报名中"
ERR_DEADLINE_PASSED = "报名已于 {deadline} 截止"
ERR_NOT_REGISTRANT = "只有已通过审核的企业的机构管理员或被许可方经办人可以报名"
ERR_ALREADY_REGISTERED = "本企业已报名该活动，可修改所带需求"
ERR_NEEDS_REQUIRED = "请至少选择一项本企业已发布的技术需求"
ERR_NOT_OWN_NEED = "只能携带本企业已发布的技术需求"
ERR_NOT_HELD_YET = "活动举办日期（{held_on}）之后才能记录举办结果"
ERR_NOT_HELD = "活动举办后才能记录对接意向"
ERR_INTENTION_ACHIEVEMENT = "意向成果必须是本次活动的路演成果"
ERR_INTENTION_ENTERPRISE = "意向企业必须是本次活动的报名企业"
ERR_REASON_REQUIRED = "请填写原因"
ERR_CHOICE = "无效的选项"

ORGANISER_TYPES = {
    OrganisationType.DEPARTMENT,
    OrganisationType.PREFECTURE_BUREAU,
    OrganisationType.PARK_OR_ZONE,
    OrganisationType.SERVICE_AGENCY,
}
ORGANISER_ROLES = {Role.ORG_ADMIN, Role.DEPARTMENT_REVIEWER, Role.TECHNOLOGY_MANAGER}
MAX_PRESENTED = 60
MEETINGS_PER_NEED = 3
# How deep into the matcher's ranking of the whole hall a presented achievement may sit and
# still be proposed: beyond it the match is too weak to be worth a meeting.
MATCH_DEPTH = 200


def _active(user: Visitor) -> TypeGuard[User]:
    return user.is_authenticated and user.is_active


def can_organise(user: Visitor) -> TypeGuard[User]:
    if not _active(user) or user.organisation is None:
        return False
    org = user.organisation
    return org.is_approved and org.org_type in ORGANISER_TYPES and user.has_role(*ORGANISER_ROLES)


def is_organiser_of(user: Visitor, event: MatchmakingEvent) -> TypeGuard[User]:
    return can_organise(user) and user.organisation_id == event.organiser_id


def can_register(user: Visitor) -> TypeGuard[User]:
    """Enterprises that may post needs may attend with them."""
    return _active(user) and can_post_needs(user)


@dataclass(frozen=True)
class EventInput:
    """What an organiser types for an event (the form's and the API's fields)."""

    title: str
    kind: str
    description: str
    place: str
    prefecture: str
    held_on: dt.date | str | None
    registration_deadline: dt.date | str | None


def _clean_event(data: EventInput, *, today: dt.date) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {
        "title": collect_text(data.title, "title", errors, limit=200),
        "description": collect_text(
            data.description, "description", errors, limit=5000, multiline=True
        ),
        "place": collect_text(data.place, "place", errors, limit=200),
        "held_on": collect_date(data.held_on, "held_on", errors),
        "registration_deadline": collect_date(
            data.registration_deadline, "registration_deadline", errors
        ),
    }
    if data.kind not in EventKind.values:
        errors.setdefault("kind", []).append(ERR_CHOICE)
    if data.prefecture not in dict(PREFECTURE_CHOICES):
        errors.setdefault("prefecture", []).append(ERR_CHOICE)
    cleaned["kind"], cleaned["prefecture"] = data.kind, data.prefecture
    held_on, deadline = cleaned["held_on"], cleaned["registration_deadline"]
    if held_on and held_on < today:
        errors.setdefault("held_on", []).append(ERR_EVENT_IN_PAST)
    if held_on and deadline and deadline > held_on:
        errors.setdefault("registration_deadline", []).append(ERR_DEADLINE_AFTER_EVENT)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _state(event: MatchmakingEvent) -> dict[str, Any]:
    return {
        "title": event.title,
        "kind": event.kind,
        "status": event.status,
        "held_on": event.held_on.isoformat(),
        "registration_deadline": event.registration_deadline.isoformat(),
        "place": event.place,
        "prefecture": event.prefecture,
    }


def _url(event: MatchmakingEvent) -> str:
    return reverse("events:detail", args=[event.pk])


def _editors(org_ids: Iterable[int]) -> list[User]:
    """The people who act for a unit's achievements or an enterprise's needs."""
    people = User.objects.filter(organisation_id__in=set(org_ids), is_active=True)
    return [u for u in people if u.has_role(*ACHIEVEMENT_EDITOR_ROLES, Role.LICENSEE_STAFF)]


def _organisers(event: MatchmakingEvent) -> list[User]:
    people = User.objects.filter(organisation_id=event.organiser_id, is_active=True)
    return [u for u in people if u.has_role(*ORGANISER_ROLES)]


def _locked(event: MatchmakingEvent) -> MatchmakingEvent:
    return MatchmakingEvent.objects.select_for_update().get(pk=event.pk)


def _check_organiser(user: Visitor, event: MatchmakingEvent) -> User:
    if not can_organise(user):
        raise PermissionDenied(ERR_NOT_ORGANISER)
    if user.organisation_id != event.organiser_id:
        raise PermissionDenied(ERR_NOT_OWN_EVENT)
    return user


@transaction.atomic
def event_create(*, user: Visitor, data: EventInput) -> MatchmakingEvent:
    if not can_organise(user) or user.organisation is None:
        raise PermissionDenied(ERR_NOT_ORGANISER)
    organiser = user.organisation
    cleaned = _clean_event(data, today=timezone.localdate())
    event = MatchmakingEvent.objects.create(organiser=organiser, created_by=user, **cleaned)
    audit_record(actor=user, obj=event, action="event.create", after=_state(event))
    return event


@transaction.atomic
def event_update(*, user: Visitor, event: MatchmakingEvent, data: EventInput) -> MatchmakingEvent:
    actor = _check_organiser(user, event)
    event = _locked(event)
    if event.status not in (EventStatus.DRAFT, EventStatus.OPEN):
        raise ValidationError(ERR_BAD_TRANSITION.format(status=event.get_status_display()))
    before = _state(event)
    for name, value in _clean_event(data, today=timezone.localdate()).items():
        setattr(event, name, value)
    event.save()
    audit_record(actor=actor, obj=event, action="event.update", before=before, after=_state(event))
    return event


@transaction.atomic
def event_present(
    *, user: Visitor, event: MatchmakingEvent, achievement_ids: Iterable[int]
) -> list[int]:
    """Set the achievements shown at the event; the units newly presented are told."""
    actor = _check_organiser(user, event)
    event = _locked(event)
    if event.status not in (EventStatus.DRAFT, EventStatus.OPEN):
        raise ValidationError(ERR_BAD_TRANSITION.format(status=event.get_status_display()))
    wanted = sorted(set(achievement_ids))
    if len(wanted) > MAX_PRESENTED:
        raise ValidationError(
            {"achievements": [ERR_TOO_MANY_ACHIEVEMENTS.format(limit=MAX_PRESENTED)]}
        )
    published = dict(
        Achievement.objects.filter(pk__in=wanted, status=AchievementStatus.PUBLISHED).values_list(
            "pk", "owner_id"
        )
    )
    if len(published) != len(wanted):
        raise ValidationError({"achievements": [ERR_NOT_PUBLISHED_ACHIEVEMENT]})
    before = set(event.presented.values_list("achievement_id", flat=True))
    event.presented.exclude(achievement_id__in=wanted).delete()
    added = [pk for pk in wanted if pk not in before]
    PresentedAchievement.objects.bulk_create(
        [PresentedAchievement(event=event, achievement_id=pk) for pk in added]
    )
    audit_record(
        actor=actor,
        obj=event,
        action="event.present",
        before={"achievements": sorted(before)},
        after={"achievements": wanted},
    )
    if added and event.status == EventStatus.OPEN:
        _tell_presented(event, [published[pk] for pk in added])
    return wanted


def _tell_presented(event: MatchmakingEvent, unit_ids: Iterable[int]) -> None:
    notify(
        users=_editors(unit_ids),
        kind=NotificationKind.EVENT,
        title=f"本单位成果入选对接活动：{event.title}",
        body=f"{event.held_on:%Y-%m-%d} 于{event.place}举办，请做好路演准备。",
        url=_url(event),
    )


@transaction.atomic
def event_transition(
    *, user: Visitor, event: MatchmakingEvent, action: str, text: str = ""
) -> MatchmakingEvent:
    """publish (needs presented achievements), hold (on or after the day, with a summary),
    cancel (with a reason; registrants are told)."""
    actor = _check_organiser(user, event)
    event = _locked(event)
    target = TRANSITIONS.get((event.status, action))
    if target is None:
        raise ValidationError(ERR_BAD_TRANSITION.format(status=event.get_status_display()))
    before = _state(event)
    today = timezone.localdate()
    if action == "publish":
        if not event.presented.exists():
            raise ValidationError(ERR_NO_ACHIEVEMENTS)
        if event.held_on < today:
            raise ValidationError({"held_on": [ERR_EVENT_IN_PAST]})
        event.published_at = timezone.now()
    elif action == "hold":
        if today < event.held_on:
            raise ValidationError(ERR_NOT_HELD_YET.format(held_on=event.held_on.isoformat()))
        event.summary = _reason(text, "summary", limit=5000, multiline=True)
    elif action == "cancel":
        event.cancel_reason = _reason(text, "cancel_reason", limit=500)
    event.status = target
    event.save()
    audit_record(
        actor=actor, obj=event, action=f"event.{action}", before=before, after=_state(event)
    )
    if action == "publish":
        _tell_presented(event, event.presented.values_list("achievement__owner_id", flat=True))
    elif action == "cancel":
        registrants = event.registrations.values_list("enterprise_id", flat=True)
        units = event.presented.values_list("achievement__owner_id", flat=True)
        notify(
            users=_editors([*registrants, *units]),
            kind=NotificationKind.EVENT,
            title=f"对接活动已取消：{event.title}",
            body=event.cancel_reason,
            url=_url(event),
        )
    return event


def _reason(value: str, field: str, *, limit: int, multiline: bool = False) -> str:
    """A required text (summary, cancel reason): core's check, with the reason's own message."""
    if not (value or "").strip():
        raise ValidationError({field: [ERR_REASON_REQUIRED]})
    return clean_text(value, field, limit=limit, multiline=multiline)


def _own_published_needs(user: User, need_ids: Iterable[int]) -> list[TechnologyNeed]:
    wanted = set(need_ids)
    if not wanted:
        raise ValidationError({"needs": [ERR_NEEDS_REQUIRED]})
    needs = list(
        TechnologyNeed.objects.filter(
            pk__in=wanted, owner_id=user.organisation_id, status=NeedStatus.PUBLISHED
        )
    )
    if len(needs) != len(wanted):
        raise ValidationError({"needs": [ERR_NOT_OWN_NEED]})
    return needs


@transaction.atomic
def event_register(
    *, user: Visitor, event: MatchmakingEvent, need_ids: Iterable[int], note: str = ""
) -> EventRegistration:
    """An enterprise registers with its needs (or changes the needs it brings)."""
    if not can_register(user):
        raise PermissionDenied(ERR_NOT_REGISTRANT)
    event = _locked(event)
    if event.status != EventStatus.OPEN:
        raise ValidationError(ERR_NOT_OPEN)
    if timezone.localdate() > event.registration_deadline:
        raise ValidationError(
            ERR_DEADLINE_PASSED.format(deadline=event.registration_deadline.isoformat())
        )
    needs = _own_published_needs(user, need_ids)
    errors: dict[str, list[str]] = {}
    note = collect_text(note, "note", errors, limit=500, required=False)
    if errors:
        raise ValidationError(errors)
    registration, created = EventRegistration.objects.get_or_create(
        event=event,
        enterprise_id=user.organisation_id,
        defaults={"contact": user, "note": note},
    )
    if not created:
        registration.note = note
        registration.save(update_fields=["note"])
    registration.needs.set(needs)
    audit_record(
        actor=user,
        obj=registration,
        action="event.register" if created else "event.registration_update",
        after={"event": event.pk, "needs": sorted(n.pk for n in needs), "note": note},
    )
    if created:
        notify(
            users=_organisers(event),
            kind=NotificationKind.EVENT,
            title=f"新报名：{user.organisation.name if user.organisation else ''} 报名{event.title}",
            body="、".join(n.title for n in needs),
            url=_url(event),
        )
    return registration


@transaction.atomic
def registration_withdraw(*, user: Visitor, event: MatchmakingEvent) -> None:
    if not can_register(user):
        raise PermissionDenied(ERR_NOT_REGISTRANT)
    event = _locked(event)
    if event.status != EventStatus.OPEN:
        raise ValidationError(ERR_NOT_OPEN)
    registration = EventRegistration.objects.filter(
        event=event, enterprise_id=user.organisation_id
    ).first()
    if registration is None:
        return
    ProposedMeeting.objects.filter(event=event, need__in=registration.needs.all()).delete()
    audit_record(actor=user, obj=registration, action="event.registration_withdraw")
    registration.delete()


@transaction.atomic
def meetings_propose(*, user: Visitor, event: MatchmakingEvent) -> list[ProposedMeeting]:
    """For each registered need, the presented achievements the matcher ranks highest (up to
    three), with its reasons; the enterprise and the unit are told of each new proposal."""
    actor = _check_organiser(user, event)
    event = _locked(event)
    if event.status not in (EventStatus.OPEN, EventStatus.HELD):
        raise ValidationError(ERR_BAD_TRANSITION.format(status=event.get_status_display()))
    presented = set(event.presented.values_list("achievement_id", flat=True))
    needs = TechnologyNeed.objects.filter(
        event_registrations__event=event, status=NeedStatus.PUBLISHED
    ).distinct()
    existing = set(
        ProposedMeeting.objects.filter(event=event).values_list("achievement_id", "need_id")
    )
    proposals: list[ProposedMeeting] = []
    for need in needs:
        ranked = [m for m in matches_for_need(need, MATCH_DEPTH) if m.object.pk in presented]
        for rank, match in enumerate(ranked[:MEETINGS_PER_NEED], start=1):
            proposals.append(
                ProposedMeeting(
                    event=event,
                    achievement_id=match.object.pk,
                    need=need,
                    rank=rank,
                    reasons=list(match.reasons),
                )
            )
    ProposedMeeting.objects.filter(event=event).delete()
    ProposedMeeting.objects.bulk_create(proposals)
    new = [p for p in proposals if (p.achievement_id, p.need_id) not in existing]
    audit_record(
        actor=actor,
        obj=event,
        action="event.meetings_propose",
        after={"meetings": [[p.achievement_id, p.need_id] for p in proposals]},
    )
    if new:
        achievements = dict(
            Achievement.objects.filter(pk__in={p.achievement_id for p in new}).values_list(
                "pk", "owner_id"
            )
        )
        orgs = {achievements[p.achievement_id] for p in new} | {p.need.owner_id for p in new}
        notify(
            users=_editors(orgs),
            kind=NotificationKind.EVENT,
            title=f"对接活动为您安排了洽谈建议：{event.title}",
            body=f"共 {len(new)} 组成果与需求的对接建议，请在活动页查看。",
            url=_url(event),
        )
    return proposals


@dataclass(frozen=True)
class IntentionInput:
    achievement_id: int
    enterprise_id: int
    kind: str
    amount: Decimal | str | None = None
    note: str = ""


@transaction.atomic
def intention_record(*, user: Visitor, event: MatchmakingEvent, data: IntentionInput) -> Intention:
    """After the event the organiser records an intention reached; both parties are told."""
    actor = _check_organiser(user, event)
    event = _locked(event)
    if event.status != EventStatus.HELD:
        raise ValidationError(ERR_NOT_HELD)
    errors: dict[str, list[str]] = {}
    if not event.presented.filter(achievement_id=data.achievement_id).exists():
        errors.setdefault("achievement", []).append(ERR_INTENTION_ACHIEVEMENT)
    if not event.registrations.filter(enterprise_id=data.enterprise_id).exists():
        errors.setdefault("enterprise", []).append(ERR_INTENTION_ENTERPRISE)
    if data.kind not in IntentionKind.values:
        errors.setdefault("kind", []).append(ERR_CHOICE)
    amount = collect_money(data.amount, "amount", errors, required=False)
    note = collect_text(data.note, "note", errors, limit=500, required=False)
    if errors:
        raise ValidationError(errors)
    intention = Intention.objects.create(
        event=event,
        achievement_id=data.achievement_id,
        enterprise_id=data.enterprise_id,
        kind=data.kind,
        amount=amount,
        note=note,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        obj=intention,
        action="event.intention_record",
        after={
            "event": event.pk,
            "achievement": data.achievement_id,
            "enterprise": data.enterprise_id,
            "kind": data.kind,
            "amount": str(amount) if amount is not None else None,
        },
    )
    unit_id = Achievement.objects.values_list("owner_id", flat=True).get(pk=data.achievement_id)
    notify(
        users=_editors([unit_id, data.enterprise_id]),
        kind=NotificationKind.EVENT,
        title=f"对接活动记录了贵方的合作意向：{event.title}",
        body=f"{intention.achievement.title}（{intention.get_kind_display()}）",
        url=_url(event),
    )
    return intention
