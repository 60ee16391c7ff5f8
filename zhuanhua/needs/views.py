"""Pages of technology needs: the 需求大厅, detail with matched achievements, the enterprise's
edit pages, and response threads between a unit and an enterprise."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest, Visitor
from zhuanhua.achievements.choices import AchievementStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.core.ranked import RankedRows
from zhuanhua.licensing import services as licensing
from zhuanhua.licensing.models import LicenceOffer
from zhuanhua.needs import services
from zhuanhua.needs.choices import NeedStatus
from zhuanhua.needs.forms import MessageForm, NeedForm, NeedHallForm, ResponseForm
from zhuanhua.needs.models import NeedResponse
from zhuanhua.needs.selectors import (
    RELEVANCE,
    NeedQuery,
    matches_for_need,
    need_hall,
    need_hall_ranked,
    needs_by_id,
    needs_of,
    needs_visible_to,
    responses_visible_to,
)

PAGE_SIZE = 20
MATCH_LIMIT = 8


def hall(request: HttpRequest) -> HttpResponse:
    """A keyword is answered by the search engine's ranking (as the achievements hall and 检索),
    the filters applied to it; without one (or without the search app) the database serves."""
    form = NeedHallForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    q = data.get("q") or ""
    query = NeedQuery(
        q=q,
        prefecture=data.get("prefecture") or "",
        industry_field=data.get("industry_field") or "",
        fee_model=data.get("fee_model") or "",
        sort=data.get("sort") or (RELEVANCE if q else "newest"),
    )
    ranked = need_hall_ranked(query)
    rows: Any = RankedRows(ranked.ids, needs_by_id) if ranked is not None else need_hall(query)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    broader = ""
    if ranked is not None and not ranked.ids and params.urlencode() != urlencode({"q": q}):
        broader = urlencode({"q": q})  # the keyword alone, every filter dropped
    context = {
        "form": form,
        "page": page,
        "query": query,
        "params": params.urlencode(),
        "can_post": services.can_post_needs(request.user),
        "capped": ranked is not None and ranked.capped,
        "suggestions": ranked.suggestions[:3] if ranked is not None and not ranked.ids else [],
        "broader": broader,
    }
    partial = request.headers.get("HX-Request") == "true"
    return render(request, "needs/_hall_results.html" if partial else "needs/hall.html", context)


def _own_published(user: Visitor) -> list[Achievement]:
    if not services.can_respond(user):
        return []
    return list(
        Achievement.objects.filter(
            owner_id=user.organisation_id,
            status=AchievementStatus.PUBLISHED,
        )
        .defer("search_text")
        .order_by("-published_at", "-id")[:200]
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(needs_visible_to(request.user), pk=pk)
    is_owner = bool(request.user.is_authenticated and need.owner_id == request.user.organisation_id)
    matches = matches_for_need(need, MATCH_LIMIT) if need.status != NeedStatus.CLOSED else []
    own = _own_published(request.user) if need.status == NeedStatus.PUBLISHED else []
    own_ids = {a.pk for a in own}
    answered = set(
        NeedResponse.objects.filter(need=need, achievement_id__in=own_ids).values_list(
            "achievement_id", flat=True
        )
    )
    offers = set(
        LicenceOffer.objects.filter(
            is_active=True,
            achievement_id__in=[m.object.pk for m in matches],
        ).values_list("achievement_id", flat=True)
    )
    context = {
        "need": need,
        "is_owner": is_owner,
        "matches": matches,
        "own_ids": own_ids,
        "answered": answered,
        "offers": offers,
        "response_form": ResponseForm(achievements=[a for a in own if a.pk not in answered])
        if own
        else None,
        "responses": responses_visible_to(request.user).filter(need=need),
    }
    return render(request, "needs/detail.html", context)


@login_required
def mine(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "needs/mine.html",
        {
            "needs": needs_of(user.organisation_id)[:200],
            "responses": responses_visible_to(user)[:200],
            "can_post": services.can_post_needs(user),
        },
    )


@login_required
def create(request: AuthedHttpRequest) -> HttpResponse:
    org = request.user.organisation
    if org is None or not services.can_post_needs(request.user):
        raise PermissionDenied(services.ERR_NOT_POSTER)
    form = NeedForm(request.POST or None, initial={"prefecture": org.prefecture})
    if request.method == "POST" and form.is_valid():
        try:
            need = services.need_create(user=request.user, data=form.service_data())
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            if request.POST.get("publish"):
                try:
                    services.need_transition(user=request.user, need=need, action="publish")
                    messages.success(request, "需求已发布到需求大厅。")
                except ValidationError as exc:
                    messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, "需求已保存为草稿。")
            return redirect("needs:detail", pk=need.pk)
    return render(request, "needs/form.html", {"form": form, "need": None})


@login_required
def edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(needs_visible_to(request.user), pk=pk)
    if need.owner_id != request.user.organisation_id or not services.can_post_needs(request.user):
        raise PermissionDenied(services.ERR_NOT_OWNER)
    initial = {name: getattr(need, name) for name in services.EDITABLE_FIELDS}
    initial["keywords"] = "，".join(need.keywords or [])
    form = NeedForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_update(user=request.user, need=need, data=form.service_data())
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "需求已保存。")
            return redirect("needs:detail", pk=need.pk)
    return render(request, "needs/form.html", {"form": form, "need": need})


@login_required
@require_POST
def transition(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    need = get_object_or_404(needs_visible_to(request.user), pk=pk)
    try:
        services.need_transition(user=request.user, need=need, action=action)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "需求已发布。" if action == "publish" else "需求已关闭。")
    return redirect("needs:detail", pk=pk)


@login_required
@require_POST
def respond(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(needs_visible_to(request.user), pk=pk)
    own = _own_published(request.user)
    form = ResponseForm(request.POST, achievements=own)
    if not form.is_valid():
        if not own:
            raise PermissionDenied(services.ERR_NOT_RESPONDER)
        messages.error(request, services.ERR_NOT_OWN_ACHIEVEMENT)
        return redirect("needs:detail", pk=pk)
    achievement = next(a for a in own if a.pk == form.cleaned_data["achievement"])
    try:
        response = services.response_open(
            user=request.user,
            need=need,
            achievement=achievement,
            message=form.cleaned_data.get("message") or "",
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("needs:detail", pk=pk)
    messages.success(request, "已用该成果回应需求，可在回应页与企业沟通。")
    return redirect("needs:response_detail", pk=response.pk)


@login_required
@require_POST
def match_inquiry(request: AuthedHttpRequest, pk: int, achievement_pk: int) -> HttpResponse:
    """The need's enterprise opens a licensing inquiry on a matched achievement's active offer."""
    need = get_object_or_404(needs_visible_to(request.user), pk=pk)
    if need.owner_id != request.user.organisation_id:
        raise PermissionDenied(services.ERR_NOT_OWNER)
    offer = (
        LicenceOffer.objects.filter(
            achievement_id=achievement_pk,
            is_active=True,
            achievement__status=AchievementStatus.PUBLISHED,
        )
        .select_related("achievement")
        .first()
    )
    if offer is None:
        raise Http404
    try:
        inquiry = licensing.inquiry_open(
            user=request.user, offer=offer, message=f"来自技术需求“{need.title}”的匹配推荐。"
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("needs:detail", pk=pk)
    messages.success(request, "已发起许可商洽，可在商洽页与科研单位沟通。")
    return redirect("licensing:inquiry_detail", pk=inquiry.pk)


def _response_or_404(request: AuthedHttpRequest, pk: int) -> NeedResponse:
    response = responses_visible_to(request.user).filter(pk=pk).first()
    if response is None:
        raise Http404
    return response


@login_required
def response_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    response = _response_or_404(request, pk)
    side = services.side_of(request.user, response)
    offer = LicenceOffer.objects.filter(
        achievement_id=response.achievement_id, is_active=True
    ).first()
    return render(
        request,
        "needs/response_detail.html",
        {
            "response": response,
            "side": side,
            "offer": offer,
            "messages_list": response.messages.select_related("author", "organisation"),
            "message_form": MessageForm(),
        },
    )


@login_required
@require_POST
def response_message(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    response = _response_or_404(request, pk)
    form = MessageForm(request.POST)
    try:
        services.response_message_post(
            user=request.user, response=response, body=form.data.get("body", "")
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("needs:response_detail", pk=pk)


@login_required
@require_POST
def response_inquiry(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    response = _response_or_404(request, pk)
    try:
        inquiry = services.response_open_inquiry(user=request.user, response=response)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("needs:response_detail", pk=pk)
    messages.success(request, "已发起许可商洽。")
    return redirect("licensing:inquiry_detail", pk=inquiry.pk)
