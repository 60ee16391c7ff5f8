"""Pages of issue 20.4–5: open a claim, decide it, refer a licence for credit review (thin: one
service each; the panels are ``templatetags/licensing_risk.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.licensing import cover, referral
from zhuanhua.licensing.models import RiskCover
from zhuanhua.licensing.selectors import claims_visible_to, licences_visible_to


def _errors(request: AuthedHttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def claim_open(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    chosen = get_object_or_404(
        RiskCover.objects.select_related("licence"),
        pk=request.POST.get("cover") or 0,
        licence=licence,
    )
    try:
        cover.claim_open(
            user=request.user, cover=chosen, obligation_ref=request.POST.get("obligation_ref", "")
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"已向 {chosen.provider.name} 发起理赔。")
    return redirect("licensing:licence_detail", pk=pk)


@login_required
@require_POST
def claim_decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(
        claims_visible_to(request.user).select_related("cover__licence"), pk=pk
    )
    try:
        cover.claim_decide(
            user=request.user,
            claim=claim,
            decision=request.POST.get("decision", ""),
            resolution=request.POST.get("resolution", ""),
            payout_amount=request.POST.get("payout_amount"),
            paid_on=request.POST.get("paid_on"),
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "理赔处理结果已记录。")
    return redirect("licensing:covers")


@login_required
@require_POST
def credit_refer(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    try:
        referral.licence_refer_for_credit_review(
            user=request.user, licence=licence, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, "已移送主管部门诚信审查，是否认定恶意违约由主管部门听取陈述申辩后决定。"
        )
    return redirect("licensing:licence_detail", pk=pk)
