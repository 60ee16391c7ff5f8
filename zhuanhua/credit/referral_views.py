"""The department's credit queue: referrals from other apps (移送诚信审查), each with its evidence,
decided by a reviewer — a credit event recorded after the hearing, or dismissed with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.credit import selectors, services
from zhuanhua.credit.choices import CreditEventKind, ReferralStatus
from zhuanhua.credit.forms import CreditEventForm
from zhuanhua.credit.models import CreditReferral


def _reviewer(request: AuthedHttpRequest) -> None:
    if not selectors.can_see_all(request.user):
        raise PermissionDenied(services.ERR_NOT_REVIEWER)


def _reader(request: AuthedHttpRequest) -> None:
    if not selectors.sees_referrals(request.user):
        raise PermissionDenied(services.ERR_NOT_REVIEWER)


@login_required
def referral_list(request: AuthedHttpRequest) -> HttpResponse:
    _reader(request)
    status = request.GET.get("status", ReferralStatus.OPEN)
    if status not in ReferralStatus.values:
        status = ""
    context = {
        "referrals": selectors.referral_queue(status=status, user=request.user)[:500],
        "status": status,
        "statuses": ReferralStatus.choices,
    }
    return render(request, "credit/referrals.html", context)


def _page(
    request: AuthedHttpRequest, referral: CreditReferral, form: CreditEventForm | None = None
) -> HttpResponse:
    today = timezone.localdate()
    form = form or CreditEventForm(
        initial={
            "organisation": referral.organisation_id,
            "kind": CreditEventKind.MALICIOUS_DEFAULT,
            "subject_type": referral.subject_type,
            "subject_id": referral.subject_id,
            "effective_from": today,
        }
    )
    context = {
        "r": referral,
        "form": form,
        "can_decide": services.is_credit_reviewer(request.user)
        and referral.status == ReferralStatus.OPEN,
    }
    return render(
        request, "credit/referral_detail.html", context, status=422 if form.errors else 200
    )


@login_required
def referral_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    queue = selectors.referral_queue(status="", user=request.user)
    return _page(request, get_object_or_404(queue, pk=pk))


@login_required
@require_POST
def referral_record(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _reviewer(request)
    referral = get_object_or_404(selectors.referral_queue(status=""), pk=pk)
    form = CreditEventForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            event = services.credit_referral_record(
                user=request.user,
                referral=referral,
                data=form.service_input(),
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "失信记录已记录，移送已办结。")
            return redirect("credit:detail", pk=event.pk)
    return _page(request, referral, form)


@login_required
@require_POST
def referral_dismiss(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _reviewer(request)
    referral = get_object_or_404(selectors.referral_queue(status=""), pk=pk)
    try:
        services.credit_referral_dismiss(
            user=request.user, referral=referral, reason=request.POST.get("decision_reason", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "已决定不予记录失信，移送单位已收到通知。")
    return redirect("credit:referral_detail", pk=pk)
