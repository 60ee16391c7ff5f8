"""Matchmaking events: who may organise, register and record; what each party is told."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhuanhua.events import services
from zhuanhua.events.choices import EventStatus
from zhuanhua.events.models import Intention, ProposedMeeting
from zhuanhua.events.services import EventInput, IntentionInput
from zhuanhua.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _input(**overrides: Any) -> EventInput:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "title": "储能与新能源成果路演",
        "kind": "roadshow",
        "description": "面向曲靖、昆明新能源企业的专场路演。",
        "place": "昆明市呈贡区科技创新园",
        "prefecture": "530100",
        "held_on": today + dt.timedelta(days=10),
        "registration_deadline": today + dt.timedelta(days=7),
    }
    data.update(overrides)
    return EventInput(**data)


@pytest.fixture
def open_event(reviewer: Any, published_a: Any) -> Any:
    event = services.event_create(user=reviewer, data=_input())
    services.event_present(user=reviewer, event=event, achievement_ids=[published_a.pk])
    return services.event_transition(user=reviewer, event=event, action="publish")


def _held(event: Any, reviewer: Any) -> Any:
    event.held_on = timezone.localdate()
    event.registration_deadline = timezone.localdate()
    event.save()
    return services.event_transition(
        user=reviewer, event=event, action="hold", text="到会 30 家企业。"
    )


def test_a_research_unit_cannot_organise_but_the_department_can(manager_a: Any, reviewer: Any):
    with pytest.raises(PermissionDenied):
        services.event_create(user=manager_a, data=_input())
    assert services.event_create(user=reviewer, data=_input()).status == EventStatus.DRAFT


def test_the_deadline_may_not_fall_after_the_event_nor_the_event_in_the_past(reviewer: Any):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.event_create(
            user=reviewer,
            data=_input(
                held_on=today - dt.timedelta(days=1),
                registration_deadline=today + dt.timedelta(days=3),
            ),
        )
    assert set(exc.value.message_dict) == {"held_on", "registration_deadline"}


def test_publishing_needs_presented_achievements_and_tells_their_unit(
    reviewer: Any, published_a: Any, manager_a: Any
):
    event = services.event_create(user=reviewer, data=_input())
    with pytest.raises(ValidationError):
        services.event_transition(user=reviewer, event=event, action="publish")
    services.event_present(user=reviewer, event=event, achievement_ids=[published_a.pk])
    services.event_transition(user=reviewer, event=event, action="publish")
    assert Notification.objects.filter(user=manager_a, kind="event").count() == 1


def test_only_published_achievements_can_be_presented(reviewer: Any, draft_a: Any):
    event = services.event_create(user=reviewer, data=_input())
    with pytest.raises(ValidationError):
        services.event_present(user=reviewer, event=event, achievement_ids=[draft_a.pk])


def test_another_organiser_cannot_manage_the_event(open_event: Any, make_org: Any, make_user: Any):
    park = make_org(name="曲靖经开区（测试）", org_type="park_or_zone", prefecture="530300")
    other = make_user("park_admin", park, ["org_admin"])
    assert services.can_organise(other)
    with pytest.raises(PermissionDenied):
        services.event_transition(user=other, event=open_event, action="cancel", text="x")


def test_an_enterprise_registers_with_its_own_published_needs_and_the_organiser_is_told(
    open_event: Any, published_need: Any, enterprise_user: Any, reviewer: Any
):
    registration = services.event_register(
        user=enterprise_user, event=open_event, need_ids=[published_need.pk]
    )
    assert list(registration.needs.all()) == [published_need]
    assert Notification.objects.filter(user=reviewer, kind="event").exists()


def test_registration_refuses_others_needs_no_needs_and_research_units(
    open_event: Any, published_need: Any, manager_a: Any, make_org: Any, make_user: Any
):
    firm = make_org(name="另一企业（测试）", org_type="enterprise")
    staff = make_user("firm2", firm, ["licensee_staff"])
    with pytest.raises(ValidationError):
        services.event_register(user=staff, event=open_event, need_ids=[published_need.pk])
    with pytest.raises(ValidationError):
        services.event_register(user=staff, event=open_event, need_ids=[])
    with pytest.raises(PermissionDenied):
        services.event_register(user=manager_a, event=open_event, need_ids=[published_need.pk])


def test_registration_closes_at_the_deadline(
    open_event: Any, published_need: Any, enterprise_user: Any
):
    open_event.registration_deadline = timezone.localdate() - dt.timedelta(days=1)
    open_event.held_on = timezone.localdate()
    open_event.save()
    with pytest.raises(ValidationError, match="报名已于"):
        services.event_register(
            user=enterprise_user, event=open_event, need_ids=[published_need.pk]
        )


def test_the_matcher_proposes_a_meeting_between_a_need_and_a_presented_achievement(
    search_dir: Any,
    open_event: Any,
    published_need: Any,
    enterprise_user: Any,
    reviewer: Any,
    published_a: Any,
    manager_a: Any,
):
    services.event_register(user=enterprise_user, event=open_event, need_ids=[published_need.pk])
    meetings = services.meetings_propose(user=reviewer, event=open_event)
    assert [(m.achievement_id, m.need_id, m.rank) for m in meetings] == [
        (published_a.pk, published_need.pk, 1)
    ]
    assert meetings[0].reasons  # the matcher says why
    assert Notification.objects.filter(user=enterprise_user, kind="event").exists()
    # Proposing again replaces the proposals and tells nobody twice.
    told = Notification.objects.filter(user=manager_a, kind="event").count()
    services.meetings_propose(user=reviewer, event=open_event)
    assert ProposedMeeting.objects.filter(event=open_event).count() == 1
    assert Notification.objects.filter(user=manager_a, kind="event").count() == told


def test_an_achievement_no_longer_presented_is_never_proposed(
    search_dir: Any, open_event: Any, reviewer: Any, published_need: Any, enterprise_user: Any
):
    services.event_register(user=enterprise_user, event=open_event, need_ids=[published_need.pk])
    services.event_present(user=reviewer, event=open_event, achievement_ids=[])
    assert services.meetings_propose(user=reviewer, event=open_event) == []


def test_holding_waits_for_the_day_and_asks_for_a_summary(open_event: Any, reviewer: Any):
    with pytest.raises(ValidationError, match="之后才能记录"):
        services.event_transition(user=reviewer, event=open_event, action="hold", text="总结")
    open_event.held_on = timezone.localdate()
    open_event.registration_deadline = timezone.localdate()
    open_event.save()
    with pytest.raises(ValidationError):
        services.event_transition(user=reviewer, event=open_event, action="hold", text="  ")
    assert (
        services.event_transition(
            user=reviewer, event=open_event, action="hold", text="到会 30 家企业。"
        ).status
        == EventStatus.HELD
    )


def test_intentions_are_recorded_after_the_event_between_its_own_attendees(
    open_event: Any,
    published_need: Any,
    enterprise_user: Any,
    enterprise: Any,
    reviewer: Any,
    published_a: Any,
    manager_a: Any,
    draft_a: Any,
    unit_b: Any,
):
    services.event_register(user=enterprise_user, event=open_event, need_ids=[published_need.pk])
    data = IntentionInput(
        achievement_id=published_a.pk, enterprise_id=enterprise.pk, kind="license", amount="300000"
    )
    with pytest.raises(ValidationError, match="举办后"):
        services.intention_record(user=reviewer, event=open_event, data=data)
    event = _held(open_event, reviewer)
    with pytest.raises(ValidationError) as exc:
        services.intention_record(
            user=reviewer,
            event=event,
            data=IntentionInput(achievement_id=published_a.pk, enterprise_id=unit_b.pk, kind="x"),
        )
    assert set(exc.value.message_dict) == {"enterprise", "kind"}
    intention = services.intention_record(user=reviewer, event=event, data=data)
    assert intention.amount == Decimal("300000.00")
    assert Notification.objects.filter(user=enterprise_user, title__contains="合作意向").exists()
    assert Notification.objects.filter(user=manager_a, title__contains="合作意向").exists()
    assert Intention.objects.count() == 1


def test_cancelling_tells_registrants_and_needs_a_reason(
    open_event: Any, published_need: Any, enterprise_user: Any, reviewer: Any
):
    services.event_register(user=enterprise_user, event=open_event, need_ids=[published_need.pk])
    with pytest.raises(ValidationError):
        services.event_transition(user=reviewer, event=open_event, action="cancel", text="")
    services.event_transition(user=reviewer, event=open_event, action="cancel", text="场地调整")
    assert Notification.objects.filter(user=enterprise_user, title__contains="已取消").exists()
