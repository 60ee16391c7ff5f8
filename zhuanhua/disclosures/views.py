"""Pages of disclosures: the researcher's list, form and submission; the unit's queue, its
deadline setting and the decision. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.disclosures import selectors, services
from zhuanhua.disclosures.choices import EDITABLE_STATES, DisclosureStatus
from zhuanhua.disclosures.forms import DecisionForm, DisclosureForm, SettingForm, completer_text
from zhuanhua.disclosures.models import Disclosure

MESSAGES = {
    "accept": "已受理，成果草稿已登记，可在“我的成果”中完善后提交发布审核。",
    "return": "已退回披露人修改。",
    "decline": "已决定不予受理。",
}


@login_required
def mine(request: AuthedHttpRequest) -> HttpResponse:
    """我的披露: the researcher's disclosures and their status."""
    services.check_researcher(request.user)
    return render(
        request,
        "disclosures/mine.html",
        {"disclosures": selectors.disclosures_mine(request.user)},
    )


def _initial(disclosure: Disclosure) -> dict[str, object]:
    initial = {name: getattr(disclosure, name) for name in services.FIELDS}
    initial["completers"] = completer_text(disclosure.completers)
    return initial


@login_required
def edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (no pk) or edit a draft/returned disclosure; "提交" saves and submits."""
    services.check_researcher(request.user)
    disclosure = None
    if pk is not None:
        disclosure = get_object_or_404(selectors.disclosures_mine(request.user), pk=pk)
        if disclosure.status not in EDITABLE_STATES:
            raise PermissionDenied(
                services.ERR_NOT_EDITABLE.format(status=disclosure.get_status_display())
            )
    if request.method == "POST":
        form = DisclosureForm(request.POST)
        if form.is_valid():
            try:
                if disclosure is None:
                    disclosure = services.disclosure_create(
                        user=request.user, data=form.service_data()
                    )
                else:
                    disclosure = services.disclosure_update(
                        user=request.user, disclosure=disclosure, data=form.service_data()
                    )
                if request.POST.get("then") == "submit":
                    disclosure = services.disclosure_submit(
                        user=request.user, disclosure=disclosure
                    )
                    messages.success(request, "披露已提交本单位审核。")
                else:
                    messages.success(request, "草稿已保存。")
            except ValidationError as exc:
                form.apply_errors(exc)
            else:
                return redirect("disclosures:detail", pk=disclosure.pk)
    else:
        form = DisclosureForm(initial=_initial(disclosure) if disclosure else None)
    return render(
        request,
        "disclosures/form.html",
        {"form": form, "disclosure": disclosure},
        status=422 if form.errors else 200,
    )


@login_required
def detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    disclosure = get_object_or_404(selectors.disclosures_visible_to(request.user), pk=pk)
    can_decide = disclosure.status == DisclosureStatus.SUBMITTED and services.is_unit_manager(
        request.user, disclosure.unit_id
    )
    return render(
        request,
        "disclosures/detail.html",
        {
            "disclosure": disclosure,
            "is_own": disclosure.researcher_id == request.user.pk,
            "can_edit": disclosure.researcher_id == request.user.pk
            and disclosure.status in EDITABLE_STATES,
            "can_decide": can_decide,
            "form": DecisionForm(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def submit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    disclosure = get_object_or_404(selectors.disclosures_mine(request.user), pk=pk)
    try:
        services.disclosure_submit(user=request.user, disclosure=disclosure)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("disclosures:edit", pk=pk)
    messages.success(request, "披露已提交本单位审核。")
    return redirect("disclosures:detail", pk=pk)


@login_required
@require_POST
def decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    disclosure = get_object_or_404(selectors.disclosures_visible_to(request.user), pk=pk)
    if not services.is_unit_manager(request.user, disclosure.unit_id):
        raise PermissionDenied(services.ERR_NOT_MANAGER)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            disclosure = services.disclosure_decide(
                user=request.user,
                disclosure=disclosure,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, MESSAGES[form.cleaned_data["decision"]])
            return redirect("disclosures:detail", pk=disclosure.pk)
    return render(
        request,
        "disclosures/detail.html",
        {
            "disclosure": disclosure,
            "is_own": disclosure.researcher_id == request.user.pk,
            "can_edit": False,
            "can_decide": disclosure.status == DisclosureStatus.SUBMITTED,
            "form": form,
            "today": timezone.localdate(),
        },
        status=422,
    )


@login_required
def queue(request: AuthedHttpRequest) -> HttpResponse:
    """披露审核: the unit's queue (days waited, overdue), its decided ones and its deadline."""
    services.check_unit_manager(request.user)
    unit = request.user.organisation
    assert unit is not None  # is_unit_manager needs one
    setting_form = SettingForm(
        request.POST or None, initial={"review_days": services.review_days(unit.pk)}
    )
    if request.method == "POST":
        if setting_form.is_valid():
            try:
                services.disclosure_setting_update(
                    user=request.user,
                    unit=unit,
                    review_days=setting_form.cleaned_data["review_days"],
                )
            except ValidationError as exc:
                for problem in exc.messages:
                    setting_form.add_error("review_days", problem)
            else:
                messages.success(request, "审核期限已更新，适用于此后提交的披露。")
                return redirect("disclosures:queue")
    today = timezone.localdate()
    decided = (
        selectors.disclosures_visible_to(request.user)
        .filter(unit_id=unit.pk)
        .exclude(status=DisclosureStatus.SUBMITTED)
        .order_by("-decided_at", "-pk")[:50]
    )
    return render(
        request,
        "disclosures/queue.html",
        {
            "rows": selectors.disclosure_queue(request.user, today),
            "decided": decided,
            "setting_form": setting_form,
            "review_days": services.review_days(unit.pk),
            "today": today,
        },
        status=422 if setting_form.errors else 200,
    )
