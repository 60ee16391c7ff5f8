"""Reads of matchmaking events: who sees which event, and what each party sees of it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from zhuanhua.accounts.http import Visitor
from zhuanhua.events.choices import EventStatus
from zhuanhua.events.models import EventRegistration, Intention, MatchmakingEvent, ProposedMeeting

PUBLIC_STATES = (EventStatus.OPEN, EventStatus.HELD, EventStatus.CANCELLED)


def events_visible_to(user: Visitor) -> QuerySet[MatchmakingEvent]:
    """Published events are public; drafts only to the organiser."""
    qs = MatchmakingEvent.objects.select_related("organiser").annotate(
        n_presented=Count("presented", distinct=True),
        n_registered=Count("registrations", distinct=True),
    )
    public = Q(status__in=PUBLIC_STATES)
    if user.is_authenticated and user.organisation_id:
        public |= Q(organiser_id=user.organisation_id)
    return qs.filter(public).order_by("-held_on", "-id")


def events_upcoming(user: Visitor) -> QuerySet[MatchmakingEvent]:
    return events_visible_to(user).filter(status__in=(EventStatus.OPEN, EventStatus.DRAFT))


@dataclass
class EventView:
    """What one person sees of an event: everything public, plus their own side's part."""

    registrations: list[EventRegistration] = field(default_factory=list)
    own_registration: EventRegistration | None = None
    meetings: list[ProposedMeeting] = field(default_factory=list)
    intentions: list[Intention] = field(default_factory=list)


def event_view(event: MatchmakingEvent, user: Visitor, *, is_organiser: bool) -> EventView:
    view = EventView()
    org_id = user.organisation_id if user.is_authenticated else None
    meetings = ProposedMeeting.objects.filter(event=event).select_related(
        "achievement", "achievement__owner", "need", "need__owner"
    )
    intentions = Intention.objects.filter(event=event).select_related("achievement", "enterprise")
    if is_organiser:
        view.registrations = list(
            event.registrations.select_related("enterprise", "contact").prefetch_related("needs")
        )
        view.meetings = list(meetings)
        view.intentions = list(intentions)
        return view
    if org_id:
        view.own_registration = (
            event.registrations.filter(enterprise_id=org_id).prefetch_related("needs").first()
        )
        view.meetings = list(
            meetings.filter(Q(need__owner_id=org_id) | Q(achievement__owner_id=org_id))
        )
    # Intentions are the event's public outcome (who agreed to work together on what); amounts
    # stay with the parties and the organiser.
    view.intentions = list(intentions)
    return view


def registrations_of(org_id: int | None) -> QuerySet[EventRegistration]:
    if not org_id:
        return EventRegistration.objects.none()
    return EventRegistration.objects.filter(enterprise_id=org_id).select_related("event")


def events_of_organiser(org_id: int | None) -> QuerySet[MatchmakingEvent]:
    if not org_id:
        return MatchmakingEvent.objects.none()
    return MatchmakingEvent.objects.filter(organiser_id=org_id)
