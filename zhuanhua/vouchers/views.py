"""Pages of innovation vouchers: the enterprise's ledger (with the spend form and, for
providers, the spends to claim), the department's issue form and approval queue, the spend
detail with the claim and the decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.core.labels import yuan
from zhuanhua.organisations.models import Organisation
from zhuanhua.vouchers import selectors, services
from zhuanhua.vouchers.forms import ClaimForm, DecisionForm, QuotaIssueForm, SpendForm
from zhuanhua.vouchers.models import VoucherDocument, VoucherQuota


def _year(value: Any) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return timezone.localdate().year
    return year if 2000 <= year <= 2999 else timezone.localdate().year


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _ledger_context(
    request: AuthedHttpRequest, enterprise: Any, year: int, form: SpendForm | None = None
) -> dict[str, Any]:
    user = request.user
    ledger = selectors.voucher_ledger(enterprise, year) if enterprise is not None else None
    can_spend = (
        enterprise is not None
        and services.is_enterprise_staff(user, enterprise)
        and ledger is not None
        and ledger.quota is not None
    )
    if can_spend and form is None:
        form = SpendForm(enterprise=enterprise)
    years = (
        sorted(
            set(VoucherQuota.objects.filter(enterprise=enterprise).values_list("year", flat=True))
            | {timezone.localdate().year},
            reverse=True,
        )
        if enterprise is not None
        else []
    )
    return {
        "enterprise": enterprise,
        "year": year,
        "years": years,
        "ledger": ledger,
        "can_spend": can_spend,
        "spend_form": form if can_spend else None,
        "provided": selectors.voucher_provider_spends(user)[:200],
        "is_reviewer": services.is_voucher_reviewer(user),
        "can_see_all": selectors.can_see_all(user),
    }


@login_required
def ledger(request: AuthedHttpRequest) -> HttpResponse:
    """The ledger of the user's enterprise; the department picks any with ?enterprise=."""
    user = request.user
    year = _year(request.GET.get("year"))
    enterprise = user.organisation
    if selectors.can_see_all(user) and (enterprise is None or not enterprise.is_tech_enterprise):
        enterprise = None  # the department picks an enterprise (issue page, ?enterprise=)
    requested = request.GET.get("enterprise")
    if requested:
        if not str(requested).isdigit():
            raise Http404
        enterprise = get_object_or_404(Organisation, pk=int(requested))
        if not selectors.can_see_ledger(user, enterprise):
            raise Http404
    return render(request, "vouchers/ledger.html", _ledger_context(request, enterprise, year))


@login_required
@require_POST
def spend(request: AuthedHttpRequest) -> HttpResponse:
    """Spend vouchers on one of the enterprise's own contracts, picked from the form's list; the
    contract amount and the provider are the contract's (anything else posted is ignored)."""
    user = request.user
    enterprise = user.organisation
    if enterprise is None or not services.is_enterprise_staff(user, enterprise):
        raise PermissionDenied(services.ERR_NOT_ENTERPRISE_STAFF)
    year = timezone.localdate().year
    form = SpendForm(request.POST, enterprise=enterprise)
    if form.is_valid():
        data = form.cleaned_data
        try:
            spent = services.voucher_spend(
                enterprise=enterprise,
                subject_type=data["subject_type"],
                subject_id=data["subject_id"],
                voucher_amount=data["voucher_amount"],
                user=user,
                year=year,
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(
                request,
                f"已使用创新券 {spent.voucher_amount:,.2f} 元支付“{spent.subject_label}”，"
                "待服务提供方申请兑付。",
            )
            return redirect(reverse("vouchers:ledger") + f"?year={year}")
    context = _ledger_context(request, enterprise, year, form=form)
    return render(request, "vouchers/ledger.html", context)


@login_required
def issue(request: AuthedHttpRequest) -> HttpResponse:
    if not services.is_voucher_reviewer(request.user):
        raise PermissionDenied(services.ERR_NOT_REVIEWER)
    year = _year(request.POST.get("year") or request.GET.get("year"))
    if request.method == "POST":
        form = QuotaIssueForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                quota = services.voucher_quota_issue(
                    user=request.user,
                    enterprise=Organisation.objects.get(pk=data["enterprise"]),
                    year=data["year"],
                    issued_amount=data["issued_amount"],
                    note=data["note"],
                )
            except ValidationError as exc:
                form.apply_errors(exc)
            else:
                messages.success(
                    request,
                    f"已向{quota.enterprise.name}下达 {quota.year} 年度创新券额度 "
                    f"{yuan(quota.issued_amount)} 元。",
                )
                return redirect(reverse("vouchers:issue") + f"?year={quota.year}")
    else:
        form = QuotaIssueForm(
            initial={"year": year, "issued_amount": services.voucher_annual_cap()}
        )
    context = {
        "form": form,
        "year": year,
        "cap": services.voucher_annual_cap(),
        "quotas": selectors.voucher_quotas_of_year(year),
        "totals": selectors.voucher_totals(year=year),
    }
    return render(request, "vouchers/issue.html", context)


@login_required
def queue(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.can_see_all(request.user):
        raise PermissionDenied(services.ERR_NOT_REVIEWER)
    return render(
        request,
        "vouchers/queue.html",
        {
            "claims": selectors.voucher_queue(),
            "is_reviewer": services.is_voucher_reviewer(request.user),
            "decision_form": DecisionForm(),
        },
    )


@login_required
def spend_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    spend = get_object_or_404(
        selectors.voucher_spend_visible_to(request.user).select_related("enterprise", "provider"),
        pk=pk,
    )
    can_claim = spend.status == "spent" and services.is_provider_staff(request.user, spend)
    return render(
        request,
        "vouchers/spend_detail.html",
        {
            "s": spend,
            "documents": spend.documents.all(),
            "can_claim": can_claim,
            "claim_form": ClaimForm(),
            "can_decide": spend.status == "claimed" and services.is_voucher_reviewer(request.user),
            "decision_form": DecisionForm(),
            "limit": services.contract_limit(spend.contract_amount),
        },
    )


@login_required
@require_POST
def claim(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    spend = get_object_or_404(selectors.voucher_spend_visible_to(request.user), pk=pk)
    form = ClaimForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.voucher_redemption_claim(
                user=request.user,
                spend=spend,
                contract_file=data["contract"],
                invoice_file=data["invoice"],
                payment_file=data["payment_proof"],
                invoice_number=data["invoice_number"],
            )
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "兑付申请已提交，等待主管部门审核。")
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    return redirect("vouchers:spend_detail", pk=pk)


@login_required
@require_POST
def decide(request: AuthedHttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in {"approve", "reject"}:
        raise Http404
    spend = get_object_or_404(selectors.voucher_spend_visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    try:
        spend = services.voucher_redemption_decide(
            user=request.user,
            spend=spend,
            approve=decision == "approve",
            reason=reason,
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, f"已审核：{spend.get_status_display()}。")
    if request.POST.get("next") == "queue":
        return redirect("vouchers:queue")
    return redirect("vouchers:spend_detail", pk=pk)


@login_required
def document_download(request: AuthedHttpRequest, pk: int) -> FileResponse:
    doc = get_object_or_404(VoucherDocument, pk=pk)
    if not selectors.voucher_spend_visible_to(request.user).filter(pk=doc.spend_id).exists():
        raise Http404
    response = FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
