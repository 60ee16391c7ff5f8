"""REST endpoints of matchmaking events: the public list and page, an enterprise's
registration, the meetings proposed to a party, and the organiser's record of intentions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.core.inputs import Money, Text
from zhuanhua.core.pagination import BoundedLimitOffsetPagination
from zhuanhua.events import services
from zhuanhua.events.choices import IntentionKind
from zhuanhua.events.models import EventRegistration, Intention, MatchmakingEvent
from zhuanhua.events.selectors import event_view, events_visible_to

router = Router(tags=["对接活动 events"])


class EventOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    description: str
    place: str
    prefecture: str
    held_on: dt.date
    registration_deadline: dt.date
    organiser_id: int
    organiser_name: str = Field(..., alias="organiser.name")
    presented_achievement_ids: list[int]

    @staticmethod
    def resolve_kind_label(obj: MatchmakingEvent) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: MatchmakingEvent) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_presented_achievement_ids(obj: MatchmakingEvent) -> list[int]:
        return sorted(obj.presented.values_list("achievement_id", flat=True))


class RegistrationIn(Schema):
    need_ids: list[int] = Field(..., max_length=50)
    note: Text = Field("", max_length=500)


class RegistrationOut(Schema):
    event_id: int
    enterprise_id: int
    need_ids: list[int]
    note: str

    @staticmethod
    def resolve_need_ids(obj: EventRegistration) -> list[int]:
        return sorted(obj.needs.values_list("pk", flat=True))


class MeetingOut(Schema):
    achievement_id: int
    achievement_title: str = Field(..., alias="achievement.title")
    need_id: int
    need_title: str = Field(..., alias="need.title")
    enterprise_id: int = Field(..., alias="need.owner_id")
    rank: int
    reasons: list[str]


class IntentionIn(Schema):
    achievement_id: int
    enterprise_id: int
    kind: IntentionKind
    amount: Money | None = None
    note: Text = Field("", max_length=500)


class IntentionOut(Schema):
    id: int
    event_id: int
    achievement_id: int
    enterprise_id: int
    kind: str
    kind_label: str
    amount: Decimal | None
    note: str

    @staticmethod
    def resolve_kind_label(obj: Intention) -> str:
        return obj.get_kind_display()


@router.get("/", response=list[EventOut], summary="对接活动（公开）")
@paginate(BoundedLimitOffsetPagination)
def list_events(request: HttpRequest):
    return events_visible_to(request.user)


@router.get("/{event_id}", response=EventOut, summary="对接活动详情")
def get_event(request: HttpRequest, event_id: int) -> MatchmakingEvent:
    return get_object_or_404(events_visible_to(request.user), pk=event_id)


@router.put(
    "/{event_id}/registration",
    response=RegistrationOut,
    auth=django_auth,
    summary="企业携带技术需求报名（或修改所带需求）",
)
def register(
    request: AuthedHttpRequest, event_id: int, payload: RegistrationIn
) -> EventRegistration:
    event = get_object_or_404(events_visible_to(request.user), pk=event_id)
    return services.event_register(
        user=request.user, event=event, need_ids=payload.need_ids, note=payload.note
    )


@router.get(
    "/{event_id}/meetings",
    response=list[MeetingOut],
    auth=django_auth,
    summary="对接建议（主办单位看全部；企业和单位看与本方有关的）",
)
def meetings(request: AuthedHttpRequest, event_id: int) -> list[object]:
    event = get_object_or_404(events_visible_to(request.user), pk=event_id)
    view = event_view(
        event, request.user, is_organiser=services.is_organiser_of(request.user, event)
    )
    return list(view.meetings)


@router.post(
    "/{event_id}/intentions",
    response={201: IntentionOut},
    auth=django_auth,
    summary="记录活动达成的对接意向（主办单位）",
)
def record_intention(request: AuthedHttpRequest, event_id: int, payload: IntentionIn) -> Status:
    event = get_object_or_404(events_visible_to(request.user), pk=event_id)
    intention = services.intention_record(
        user=request.user,
        event=event,
        data=services.IntentionInput(
            achievement_id=payload.achievement_id,
            enterprise_id=payload.enterprise_id,
            kind=payload.kind,
            amount=payload.amount,
            note=payload.note,
        ),
    )
    return Status(201, intention)
