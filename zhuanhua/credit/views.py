"""Pages of credit records: the public list of active events, the department's list and
recording form, the detail with evidence and appeals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.credit import selectors, services
from zhuanhua.credit.choices import CreditEventStatus
from zhuanhua.credit.forms import AppealForm, CreditEventForm, EvidenceForm, StatusFilterForm
from zhuanhua.credit.models import CreditEvidence

PAGE_SIZE = 30


def event_list(request: HttpRequest) -> HttpResponse:
    """Public: the events in force. The department also gets every record with a status
    filter; a party sees its own records."""
    today = timezone.localdate()
    page = Paginator(selectors.credit_active_events(on=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "today": today,
        "can_record": services.is_credit_reviewer(request.user),
        "own": selectors.credit_events_of_party(request.user).select_related("organisation"),
    }
    if selectors.can_see_all(request.user):
        form = StatusFilterForm(request.GET or None)
        status = form.cleaned_data.get("status", "") if form.is_valid() else ""
        context["filter_form"] = form
        context["all_events"] = selectors.credit_event_list_all(status=status, on=today)[:500]
    return render(request, "credit/list.html", context)


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(
        selectors.credit_event_visible_to(request.user).select_related(
            "organisation", "recorded_by"
        ),
        pk=pk,
    )
    today = timezone.localdate()
    private = selectors.can_see_private(request.user, event)
    is_reviewer = services.is_credit_reviewer(request.user)
    context = {
        "e": event,
        "status": event.status_on(today),
        "status_label": CreditEventStatus(event.status_on(today)).label,
        "private": private,
        "evidence": event.evidence.all() if private else [],
        "appeals": event.appeals.select_related("decided_by") if private else [],
        "is_reviewer": is_reviewer,
        "can_appeal": is_reviewer and event.status_on(today) == "active",
        "appeal_form": AppealForm(initial={"filed_on": today}),
        "evidence_form": EvidenceForm(),
    }
    return render(request, "credit/detail.html", context)


@login_required
def event_record(request: AuthedHttpRequest) -> HttpResponse:
    if not services.is_credit_reviewer(request.user):
        raise PermissionDenied(services.ERR_NOT_REVIEWER)
    if request.method == "POST":
        form = CreditEventForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                event = services.credit_event_record(
                    user=request.user,
                    data=form.service_input(),
                    evidence=form.cleaned_data["evidence"],
                )
            except ValidationError as exc:
                form.apply_errors(exc)
            else:
                messages.success(request, "失信记录已记录。")
                return redirect("credit:detail", pk=event.pk)
    else:
        form = CreditEventForm(initial={"effective_from": timezone.localdate()})
    return render(request, "credit/form.html", {"form": form})


@login_required
@require_POST
def appeal_decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(selectors.credit_event_visible_to(request.user), pk=pk)
    form = AppealForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("credit:detail", pk=pk)
    try:
        event = services.credit_appeal_decide(user=request.user, event=event, **form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, "申诉决定已记录。" + ("记录已撤销。" if event.status == "revoked" else "")
        )
    return redirect("credit:detail", pk=pk)


@login_required
@require_POST
def evidence_upload(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(selectors.credit_event_visible_to(request.user), pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("credit:detail", pk=pk)
    try:
        services.credit_evidence_add(
            user=request.user, event=event, upload=form.cleaned_data["file"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "证据材料已上传。")
    return redirect("credit:detail", pk=pk)


def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(CreditEvidence.objects.select_related("event"), pk=pk)
    if not selectors.can_see_private(request.user, evidence.event):
        raise Http404
    response = FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
