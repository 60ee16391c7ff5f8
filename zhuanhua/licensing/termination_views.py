"""Pages' writes of ending a licence early, corrections (更正) and reversals (冲正): thin views
over ``termination`` and ``services``; a refusal re-renders the licence page with the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.licensing import services, termination
from zhuanhua.licensing.models import CureNotice, Payment, TerminationProposal
from zhuanhua.licensing.selectors import licences_visible_to
from zhuanhua.licensing.termination_forms import (
    CureNoticeForm,
    PaymentReversalForm,
    ReportCorrectionForm,
    TerminateForm,
    TerminationProposalForm,
    current_reports,
)
from zhuanhua.licensing.views import _licence_page


def _back(pk: int) -> HttpResponse:
    return redirect("licensing:licence_detail", pk=pk)


@login_required
@require_POST
def cure_notice(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    lines = termination.nameable_lines(licence, timezone.localdate())
    form = CureNoticeForm(request.POST, lines=lines)
    if form.is_valid():
        try:
            notice = termination.cure_notice_send(
                user=request.user,
                licence=licence,
                refs=form.cleaned_data["obligations"],
                cure_deadline=form.cleaned_data["cure_deadline"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(
                request, f"催告已发出，补救期限 {notice.cure_deadline:%Y-%m-%d}；已通知被许可方。"
            )
            return _back(pk)
    return _licence_page(request, licence, status=422, cure_form=form)


@login_required
@require_POST
def cure_notice_close(request: AuthedHttpRequest, pk: int, notice_pk: int) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    notice = get_object_or_404(CureNotice, pk=notice_pk, licence=licence)
    try:
        termination.cure_notice_close(user=request.user, notice=notice)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "催告已结束（已补救）。")
    return _back(pk)


@login_required
@require_POST
def terminate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    form = TerminateForm(request.POST)
    if form.is_valid():
        try:
            done = termination.licence_terminate_for_breach(
                user=request.user,
                licence=licence,
                reason=form.cleaned_data["reason"],
                terminated_on=form.cleaned_data["terminated_on"],
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(
                request, f"许可已解除，终止日 {done.terminated_on:%Y-%m-%d}；已通知被许可方。"
            )
            return _back(pk)
    return _licence_page(request, licence, status=422, terminate_form=form)


@login_required
@require_POST
def termination_propose(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    form = TerminationProposalForm(request.POST)
    if form.is_valid():
        try:
            termination.termination_propose(
                user=request.user,
                licence=licence,
                terminated_on=form.cleaned_data["terminated_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "协议解除提议已提出，待对方确认。")
            return _back(pk)
    return _licence_page(request, licence, status=422, proposal_form=form)


ANSWER_MESSAGES = {
    "confirm": "已确认协议解除，许可已终止。",
    "decline": "已拒绝协议解除提议，许可继续履行。",
    "withdraw": "已撤回协议解除提议。",
}


@login_required
@require_POST
def termination_answer(
    request: AuthedHttpRequest, pk: int, proposal_pk: int, action: str
) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    proposal = get_object_or_404(TerminationProposal, pk=proposal_pk, licence=licence)
    try:
        termination.termination_answer(user=request.user, proposal=proposal, action=action)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, ANSWER_MESSAGES.get(action, ""))
    return _back(pk)


@login_required
@require_POST
def report_correct(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    form = ReportCorrectionForm(request.POST, reports=current_reports(licence))
    if form.is_valid():
        try:
            services.revenue_report_correct(
                user=request.user,
                licence=licence,
                period_start=form.cleaned_data["period_start"],
                revenue_amount=form.cleaned_data["revenue_amount"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "更正后的收入报告已报送；原报告保留在记录中。")
            return _back(pk)
    return _licence_page(request, licence, status=422, correction_form=form)


@login_required
@require_POST
def payment_reverse(request: AuthedHttpRequest, pk: int, payment_pk: int) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    payment = get_object_or_404(Payment, pk=payment_pk, licence=licence)
    form = PaymentReversalForm(request.POST)
    if form.is_valid():
        try:
            services.payment_reverse(
                user=request.user,
                payment=payment,
                reversed_on=form.cleaned_data["reversed_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "付款已冲正；原记录保留，自冲正日起不再计入已付金额。")
            return _back(pk)
    return _licence_page(
        request, licence, status=422, reversal_form=form, reversal_payment_id=payment.pk
    )
