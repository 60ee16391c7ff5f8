"""Pages of matchmaking events: the public list and page, the organiser's edit, achievements,
matching and outcome, and an enterprise's registration."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.achievements.choices import AchievementStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.events import services
from zhuanhua.events.choices import EventStatus
from zhuanhua.events.forms import (
    EventForm,
    IntentionForm,
    PresentForm,
    ReasonForm,
    RegistrationForm,
)
from zhuanhua.events.models import MatchmakingEvent
from zhuanhua.events.selectors import event_view, events_visible_to
from zhuanhua.needs.selectors import needs_of
from zhuanhua.organisations.models import Organisation

PAGE_SIZE = 20
PICKER_LIMIT = 100
DONE = {
    "publish": "活动已发布，报名已开放。",
    "hold": "已记录活动举办情况。",
    "cancel": "活动已取消，已通知报名企业和路演单位。",
}


def event_list(request: HttpRequest) -> HttpResponse:
    qs = events_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in EventStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/list.html",
        {
            "page": page,
            "status": status,
            "statuses": EventStatus.choices,
            "can_organise": services.can_organise(request.user),
        },
    )


def _event(request: HttpRequest, pk: int) -> MatchmakingEvent:
    return get_object_or_404(events_visible_to(request.user), pk=pk)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    is_organiser = services.is_organiser_of(request.user, event)
    view = event_view(event, request.user, is_organiser=is_organiser)
    presented = list(
        Achievement.objects.filter(event_presentations__event=event)
        .select_related("owner")
        .defer("search_text")
        .order_by("title")
    )
    context = {
        "event": event,
        "is_organiser": is_organiser,
        "view": view,
        "presented": presented,
        "reason_form": ReasonForm(),
    }
    if services.can_register(request.user) and event.status == EventStatus.OPEN:
        needs = needs_of(request.user.organisation_id).filter(status="published")
        initial = {}
        if view.own_registration:
            initial = {
                "needs": [n.pk for n in view.own_registration.needs.all()],
                "note": view.own_registration.note,
            }
        context["registration_form"] = RegistrationForm(initial=initial, needs=needs)
    if is_organiser and event.status == EventStatus.HELD:
        context["intention_form"] = IntentionForm(
            achievements=presented,
            enterprises=[r.enterprise for r in view.registrations],
        )
    return render(request, "events/detail.html", context)


@login_required
def create(request: AuthedHttpRequest) -> HttpResponse:
    if not services.can_organise(request.user):
        raise PermissionDenied(services.ERR_NOT_ORGANISER)
    org = request.user.organisation
    form = EventForm(request.POST or None, initial={"prefecture": org.prefecture if org else ""})
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(user=request.user, data=form.service_input())
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "活动已保存为草稿，请选择路演成果后发布。")
            return redirect("events:present", pk=event.pk)
    return render(request, "events/form.html", {"form": form, "event": None})


def _own_event(request: AuthedHttpRequest, pk: int) -> MatchmakingEvent:
    event = _event(request, pk)
    if not services.is_organiser_of(request.user, event):
        raise PermissionDenied(services.ERR_NOT_OWN_EVENT)
    return event


@login_required
def edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    event = _own_event(request, pk)
    initial = {
        name: getattr(event, name)
        for name in ("title", "kind", "description", "place", "prefecture", "held_on")
    }
    initial["registration_deadline"] = event.registration_deadline
    form = EventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(user=request.user, event=event, data=form.service_input())
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "活动信息已保存。")
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/form.html", {"form": form, "event": event})


@login_required
def present(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The organiser picks the achievements shown, from the hall (a title search narrows the
    list; those already chosen stay listed)."""
    event = _own_event(request, pk)
    chosen = set(event.presented.values_list("achievement_id", flat=True))
    q = (request.GET.get("q") or "").strip()[:100]
    published = (
        Achievement.objects.filter(status=AchievementStatus.PUBLISHED)
        .select_related("owner")
        .defer("search_text")
    )
    candidates = list(published.filter(pk__in=chosen))
    more = published.exclude(pk__in=chosen)
    if q:
        more = more.filter(title__icontains=q)
    candidates += list(more.order_by("-published_at", "-id")[:PICKER_LIMIT])
    form = PresentForm(
        request.POST or None, achievements=candidates, initial={"achievements": sorted(chosen)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.event_present(
                user=request.user, event=event, achievement_ids=form.cleaned_data["achievements"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "路演成果已保存。")
            return redirect("events:detail", pk=event.pk)
    return render(
        request, "events/present.html", {"event": event, "form": form, "q": q, "chosen": chosen}
    )


@login_required
@require_POST
def transition(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    event = _event(request, pk)
    try:
        services.event_transition(
            user=request.user, event=event, action=action, text=request.POST.get("text", "")
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, DONE.get(action, "已完成。"))
    return redirect("events:detail", pk=pk)


@login_required
@require_POST
def register(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    if not services.can_register(request.user):
        raise PermissionDenied(services.ERR_NOT_REGISTRANT)
    needs = needs_of(request.user.organisation_id).filter(status="published")
    form = RegistrationForm(request.POST, needs=needs)
    if not form.is_valid():
        messages.error(request, services.ERR_NEEDS_REQUIRED)
        return redirect("events:detail", pk=pk)
    try:
        services.event_register(
            user=request.user,
            event=event,
            need_ids=form.cleaned_data["needs"],
            note=form.cleaned_data.get("note") or "",
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "报名信息已保存，主办单位将安排对接。")
    return redirect("events:detail", pk=pk)


@login_required
@require_POST
def withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    try:
        services.registration_withdraw(user=request.user, event=event)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已取消报名。")
    return redirect("events:detail", pk=pk)


@login_required
@require_POST
def propose(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    try:
        meetings = services.meetings_propose(user=request.user, event=event)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已生成 {len(meetings)} 组对接建议，并通知了相关企业和单位。")
    return redirect("events:detail", pk=pk)


@login_required
@require_POST
def intention(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    event = _own_event(request, pk)
    presented = Achievement.objects.filter(event_presentations__event=event)
    enterprises = Organisation.objects.filter(event_registrations__event=event)
    form = IntentionForm(request.POST, achievements=presented, enterprises=enterprises)
    if not form.is_valid():
        messages.error(request, "；".join(str(m) for errs in form.errors.values() for m in errs))
        return redirect("events:detail", pk=pk)
    try:
        services.intention_record(user=request.user, event=event, data=form.service_input())
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "对接意向已记录，已通知双方。")
    return redirect("events:detail", pk=pk)
