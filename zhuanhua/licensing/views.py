"""Pages of 先使用后付费: offers, acceptance, the licence and its plan (the pages where terms are
written — offer form, negotiation — are in terms_views.py). Thin: each view
parses, calls one service or selector and renders; an inquiry or licence outside the user's
reach is a 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.core.labels import yuan
from zhuanhua.core.uploads import download_response
from zhuanhua.licensing import deals, imports, services, termination_forms, todo
from zhuanhua.licensing.choices import PERIOD_LABELS, SIGNED_LICENCE_STATES, DealKind
from zhuanhua.licensing.compare import compare_fee_models
from zhuanhua.licensing.deal_forms import ShareRegistrationForm
from zhuanhua.licensing.forms import (
    ActivateForm,
    ClaimHandleForm,
    CompareForm,
    CoverForm,
    DistributionForm,
    InquiryForm,
    MilestoneForm,
    OfferFilterForm,
    PaymentForm,
    PricingMethodForm,
    RegistrationForm,
    RevenueReportForm,
    XlsxImportForm,
    terms_text,
)
from zhuanhua.licensing.models import (
    ContractRegistration,
    EvaluationReport,
    Licence,
    ShareRegistration,
    SignedContract,
)
from zhuanhua.licensing.selectors import (
    claims_visible_to,
    covers_of_provider,
    distributions_visible_to,
    inquiries_visible_to,
    licence_for_cover,
    licence_plan,
    licences_visible_to,
    offers_public,
    unregistered_contracts,
)

PAGE_SIZE = 20
ERR_COVER_LICENCE_NOT_FOUND = services.ERR_COVER_LICENCE_NOT_FOUND


def offer_list(request: HttpRequest) -> HttpResponse:
    form = OfferFilterForm(request.GET or None)
    fee_model = form.cleaned_data.get("fee_model") if form.is_valid() else None
    # Every kind by default; a fee model is a licence's (先使用后付费), so it filters licences.
    kind = request.GET.get("kind") or ""
    kind = DealKind.LICENSE if fee_model else (kind if kind in DealKind.values else "")
    offers = offers_public(fee_model or None, deal_kind=kind or None)
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "licensing/offer_list.html",
        {
            "form": form,
            "page": page,
            "params": params.urlencode(),
            "kind": kind,
            "kinds": DealKind.choices,
        },
    )


def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(offers_public(), pk=pk)
    user = request.user
    context = {
        "offer": offer,
        "words": deals.words(offer.deal_kind),
        "evaluation": EvaluationReport.objects.filter(offer=offer).first(),
        "period_label": PERIOD_LABELS.get(
            str((offer.terms.get("royalty") or {}).get("period") or ""), ""
        ),
        "terms_json": terms_text(offer.terms),
        "can_inquire": services.is_licensee_agent(user)
        and user.organisation_id != offer.achievement.owner_id,
        "is_owner_editor": services.is_licensor_editor(user, offer.achievement.owner_id),
        # The licences made on this offer that the visitor may see (the parties, the
        # department), with their status: a terminated one shows its date and how it ended.
        "offer_licences": licences_visible_to(user).filter(inquiry__offer=offer),
        "form": InquiryForm(),
    }
    compare_form = CompareForm(request.GET if "revenue" in request.GET else None)
    context["compare_form"] = compare_form
    if offer.deal_kind != DealKind.LICENSE:
        pass  # the fee-model comparison is a licence's (royalties against staged payments)
    elif compare_form.is_bound and compare_form.is_valid():
        growth = compare_form.cleaned_data.get("growth_percent") or Decimal(0)
        comparison = compare_fee_models(
            offer_terms=offer.terms,
            offered_model=offer.fee_model,
            term_months=offer.term_months,
            start=timezone.localdate(),
            yearly_revenue=compare_form.cleaned_data["revenue"],
            growth=growth / 100,
        )
        context["comparison"] = comparison
        context["chart_data"] = comparison.chart_data()
    return render(request, "licensing/offer_detail.html", context)


@login_required
@require_POST
def inquiry_open(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(offers_public(), pk=pk)
    form = InquiryForm(request.POST)
    text = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        inquiry = services.inquiry_open(user=request.user, offer=offer, message=text)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("licensing:offer_detail", pk=pk)
    messages.success(request, "已发起承接意向，可在商洽页与科研单位沟通。")
    return redirect("licensing:inquiry_detail", pk=inquiry.pk)


@login_required
def mine(request: AuthedHttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "inquiries": inquiries_visible_to(request.user)[:200],
        "licences": licences_visible_to(request.user)[:200],
    }
    user = request.user
    if user.organisation_id and user.can_edit_achievements:
        context["unregistered"] = unregistered_contracts(user.organisation_id)
    if services.is_cover_provider(user):
        context["is_provider"] = True
    return render(request, "licensing/mine.html", context)


@login_required
@require_POST
def version_accept(request: AuthedHttpRequest, pk: int, number: int) -> HttpResponse:
    inquiry = get_object_or_404(inquiries_visible_to(request.user), pk=pk)
    try:
        licence = services.version_accept(user=request.user, inquiry=inquiry, number=number)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("licensing:inquiry_detail", pk=pk)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("licensing:inquiry_detail", pk=pk)
    messages.success(
        request,
        f"已接受第 {number} 版条款，{deals.words(licence.deal_kind)['deal']}已生成（待线下签订合同）。",
    )
    return redirect("licensing:licence_detail", pk=licence.pk)


@login_required
@require_POST
def inquiry_withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inquiry = get_object_or_404(inquiries_visible_to(request.user), pk=pk)
    try:
        services.inquiry_withdraw(
            user=request.user, inquiry=inquiry, reason=request.POST.get("reason", "")
        )
    except (PermissionDenied, ValidationError) as exc:
        for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
            messages.error(request, message)
        return redirect("licensing:inquiry_detail", pk=pk)
    messages.success(request, "已撤回本次商洽，对方已收到通知。")
    return redirect("licensing:inquiry_detail", pk=pk)


def _as_of(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


def _share_percent(licence: Licence) -> Decimal | None:
    fraction = licence.terms.get("share_percent")
    return (Decimal(str(fraction)) * 100).normalize() if fraction else None


def _licence_page(
    request: AuthedHttpRequest, licence: Licence, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    open_periods = _open_periods(licence)
    recorded = set(licence.milestones.values_list("key", flat=True))
    pending_milestones = [k for k in services.milestone_keys(licence) if k not in recorded]
    is_licensee = services.is_licensee_agent(user, licence.licensee_id)
    is_licensor = services.is_licensor_editor(user, licence.licensor_id)
    money = licence.status in services.MONEY_LICENCE_STATES  # what was earned stays owed
    context = {
        "licence": licence,
        "plan": licence_plan(licence, _as_of(request)),
        "reports": licence.revenue_reports.select_related("superseded_by"),
        "payments": licence.payments.select_related("voucher_spend"),
        "milestones": licence.milestones.all(),
        "can_milestone": (is_licensee or is_licensor) and money and bool(pending_milestones),
        "milestone_form": forms.get("milestone_form")
        or MilestoneForm(
            keys=pending_milestones, initial={"achieved_on": today}, start=licence.start
        ),
        "can_report": is_licensee and money and bool(open_periods),
        "next_report": todo.next_report(licence, today) if licence.status == "active" else None,
        "can_pay": is_licensor and money,
        "can_activate": is_licensor and licence.status == "draft_contract",
        "report_form": forms.get("report_form")
        or RevenueReportForm(periods=open_periods, start=licence.start),
        "report_import_form": forms.get("report_import_form") or XlsxImportForm(prefix="reports"),
        "report_import_errors": forms.get("report_import_errors") or [],
        "payment_import_form": forms.get("payment_import_form")
        or XlsxImportForm(prefix="payments"),
        "payment_import_errors": forms.get("payment_import_errors") or [],
        "payment_form": forms.get("payment_form")
        or PaymentForm(initial={"paid_on": today}, start=licence.start),
        "activate_form": forms.get("activate_form") or ActivateForm(initial={"signed_on": today}),
        "pricing_form": forms.get("pricing_form")
        or PricingMethodForm(initial={"pricing_method": licence.pricing_method}),
        "agreement_blocked": licence.status == "draft_contract"
        and not services.agreement_price_ok(licence),
        "signed": SignedContract.objects.filter(licence=licence).first(),
        "registration": ContractRegistration.objects.filter(licence=licence).first(),
        "can_register": is_licensor
        and licence.status == "active"
        and not ContractRegistration.objects.filter(licence=licence).exists(),
        "registration_form": forms.get("registration_form")
        or RegistrationForm(initial={"registered_on": today}),
        "deal_kind": licence.deal_kind,
        "words": deals.words(licence.deal_kind),
        "is_equity": licence.deal_kind == DealKind.EQUITY_CONTRIBUTION,
        "shares": ShareRegistration.objects.filter(licence=licence).first(),
        "can_register_shares": is_licensor
        and licence.deal_kind == DealKind.EQUITY_CONTRIBUTION
        and licence.status in SIGNED_LICENCE_STATES
        and not ShareRegistration.objects.filter(licence=licence).exists(),
        "share_form": forms.get("share_form")
        or ShareRegistrationForm(
            initial={
                "shares": licence.terms.get("shares"),
                "share_percent": _share_percent(licence),
                "registered_on": today,
            }
        ),
        "covers": licence.covers.select_related("provider"),
        "claims": claims_visible_to(user).filter(cover__licence=licence),
        "distributions": distributions_visible_to(user, licence),
        "can_distribute": is_licensor and services.distributable_amount(licence) > 0,
        "distribution_form": forms.get("distribution_form") or DistributionForm(),
        **termination_forms.panel_context(user, licence, forms, today),
    }
    return render(request, "licensing/licence_detail.html", context, status=status)


@login_required
def licence_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    return _licence_page(request, licence)


@login_required
@require_POST
def revenue_report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    periods = services.royalty_periods(licence)
    form = RevenueReportForm(request.POST, periods=periods, start=licence.start)
    if form.is_valid():
        try:
            services.revenue_report_file(
                user=request.user,
                licence=licence,
                period_start=form.cleaned_data["period_start"],
                revenue_amount=form.cleaned_data["revenue_amount"],
                reported_on=form.cleaned_data["reported_on"],
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "收入报告已报送。")
            return redirect("licensing:licence_detail", pk=pk)
    return _licence_page(request, licence, status=422, report_form=form)


@login_required
@require_POST
def payment(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    form = PaymentForm(request.POST, start=licence.start)
    if form.is_valid():
        try:
            payment = services.payment_record(
                user=request.user,
                licence=licence,
                amount=form.cleaned_data["amount"],
                paid_on=form.cleaned_data["paid_on"],
                ref=form.cleaned_data["ref"],
                voucher_amount=form.cleaned_data["voucher_amount"],
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(
                request,
                f"付款已登记，其中创新券 {yuan(payment.voucher_amount)} 元。"
                if payment.voucher_spend_id
                else "付款已登记。",
            )
            return redirect("licensing:licence_detail", pk=pk)
    return _licence_page(request, licence, status=422, payment_form=form)


def _open_periods(licence: Licence) -> list[tuple[dt.date, dt.date]]:
    today = timezone.localdate()
    reported = set(licence.revenue_reports.values_list("period_start", flat=True))
    return [
        (start, end)
        for start, end in services.royalty_periods(licence)
        if end < today and start not in reported
    ]


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=imports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _licensee_licence(request: AuthedHttpRequest, pk: int) -> Licence:
    """A licence the user may see (else 404) and acts for as its licensee (else 403)."""
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    if not services.is_licensee_agent(request.user, licence.licensee_id):
        raise PermissionDenied(services.ERR_NOT_LICENSEE_PARTY)
    return licence


def _licensor_licence(request: AuthedHttpRequest, pk: int) -> Licence:
    """A licence the user may see (else 404) and edits for as its licensor (else 403)."""
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    if not services.is_licensor_editor(request.user, licence.licensor_id):
        raise PermissionDenied(services.ERR_NOT_LICENSOR_PARTY)
    return licence


def _import_errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


@login_required
def revenue_template(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The revenue sheet to fill in: the licence's ended, unreported periods listed."""
    licence = _licensee_licence(request, pk)
    return _xlsx_response(
        imports.revenue_template(_open_periods(licence)), f"licence-{licence.pk}-revenue.xlsx"
    )


@login_required
@require_POST
def revenue_import(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = _licensee_licence(request, pk)
    form = XlsxImportForm(request.POST, request.FILES, prefix="reports")
    if not form.is_valid():
        return _licence_page(request, licence, status=422, report_import_form=form)
    parsed = imports.parse_revenue_reports(form.cleaned_data["file"])
    errors = parsed.errors
    if not errors:
        try:
            reports = services.revenue_reports_import(
                user=request.user, licence=licence, rows=parsed.rows
            )
        except ValidationError as exc:
            errors = _import_errors(exc)
        else:
            messages.success(request, f"已导入 {len(reports)} 条收入报告。")
            return redirect("licensing:licence_detail", pk=pk)
    return _licence_page(
        request, licence, status=422, report_import_form=form, report_import_errors=errors
    )


@login_required
def payment_template(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = _licensor_licence(request, pk)
    return _xlsx_response(
        imports.bank_statement_template(), f"licence-{licence.pk}-bank-statement.xlsx"
    )


@login_required
@require_POST
def payment_import(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = _licensor_licence(request, pk)
    form = XlsxImportForm(request.POST, request.FILES, prefix="payments")
    if not form.is_valid():
        return _licence_page(request, licence, status=422, payment_import_form=form)
    parsed = imports.parse_bank_statement(form.cleaned_data["file"])
    errors = parsed.errors
    if not errors:
        try:
            recorded, reversed_, skipped = services.payments_import(
                user=request.user, licence=licence, rows=parsed.rows
            )
        except ValidationError as exc:
            errors = _import_errors(exc)
        else:
            note = f"，冲正 {len(reversed_)} 条" if reversed_ else ""
            note += f"，跳过已导入的 {skipped} 条" if skipped else ""
            messages.success(request, f"已导入 {len(recorded)} 条付款记录{note}。")
            return redirect("licensing:licence_detail", pk=pk)
    return _licence_page(
        request, licence, status=422, payment_import_form=form, payment_import_errors=errors
    )


@login_required
@require_POST
def milestone(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    form = MilestoneForm(request.POST, keys=services.milestone_keys(licence), start=licence.start)
    if form.is_valid():
        try:
            services.milestone_record(
                user=request.user,
                licence=licence,
                key=form.cleaned_data["key"],
                achieved_on=form.cleaned_data["achieved_on"],
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "里程碑达成已登记。")
            return redirect("licensing:licence_detail", pk=pk)
    return _licence_page(request, licence, status=422, milestone_form=form)


@login_required
@require_POST
def activate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    form = ActivateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.licence_activate(
                user=request.user,
                licence=licence,
                signed_on=form.cleaned_data["signed_on"],
                signed_pdf=form.cleaned_data.get("signed_pdf"),
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(
                request, f"已登记合同签订，{deals.words(licence.deal_kind)['deal']}进入履行。"
            )
            return redirect("licensing:licence_detail", pk=pk)
    return _licence_page(request, licence, status=422, activate_form=form)


@login_required
def contract_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The contract draft of an agreed licence, for the parties and the department."""
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    if licence.status == "terminated":
        raise Http404
    from zhuanhua.licensing.contract import contract_pdf as render_pdf

    response = HttpResponse(render_pdf(licence), content_type="application/pdf")
    prefix = "licence" if licence.deal_kind == DealKind.LICENSE else licence.deal_kind
    response["Content-Disposition"] = f'attachment; filename="{prefix}-{licence.pk}-contract.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def pricing(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    form = PricingMethodForm(request.POST)
    if form.is_valid():
        try:
            services.licence_set_pricing_method(
                user=request.user,
                licence=licence,
                pricing_method=form.cleaned_data["pricing_method"],
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "定价方式已保存。")
            return redirect("licensing:licence_detail", pk=pk)
    return _licence_page(request, licence, status=422, pricing_form=form)


@login_required
def signed_pdf(request: AuthedHttpRequest, pk: int) -> FileResponse:
    """The signed contract's scan, for the parties and the department."""
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    stored = get_object_or_404(SignedContract, licence=licence)
    return download_response(stored)


@login_required
@require_POST
def registration(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    form = RegistrationForm(request.POST)
    if form.is_valid():
        try:
            services.registration_record(user=request.user, licence=licence, data=form.cleaned_data)
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "技术合同认定登记已登记。")
            return redirect("licensing:licence_detail", pk=pk)
    return _licence_page(request, licence, status=422, registration_form=form)


@login_required
@require_POST
def distribution(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(licences_visible_to(request.user), pk=pk)
    form = DistributionForm(request.POST)
    if form.is_valid():
        try:
            plan = services.distribution_record(
                user=request.user,
                licence=licence,
                income_amount=form.cleaned_data["income_amount"],
                costs=form.cost_rows(),
                shares=form.share_rows(),
                staff_reward_chosen=form.cleaned_data["staff_reward_chosen"],
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "收益分配方案已登记。")
            for warning in plan.warnings:
                messages.warning(request, warning["message"])
            return redirect("licensing:licence_detail", pk=pk)
    return _licence_page(request, licence, status=422, distribution_form=form)


@login_required
def covers(request: AuthedHttpRequest) -> HttpResponse:
    """A guarantor's or insurer's page: attach cover to a licence, see its covers and claims."""
    user = request.user
    if not services.is_cover_provider(user):
        raise PermissionDenied(services.ERR_NOT_PROVIDER)
    form = CoverForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            licence = licence_for_cover(
                licence_id=data["licence_id"], licensee_uscc=data["licensee_uscc"]
            )
            if licence is None:
                form.add_error(None, ERR_COVER_LICENCE_NOT_FOUND)
            else:
                try:
                    services.cover_attach(
                        user=user,
                        licence=licence,
                        share=data["share_percent"] / 100,
                        limit_amount=data["limit_amount"],
                        starts_on=data["starts_on"],
                        ends_on=data["ends_on"],
                    )
                except ValidationError as exc:
                    form.apply_errors(exc)
                else:
                    messages.success(request, "风险分担保障已添加。")
                    return redirect("licensing:covers")
    context = {
        "form": form,
        "covers": covers_of_provider(user),
        "claims": claims_visible_to(user).filter(cover__provider_id=user.organisation_id),
        "handle_form": ClaimHandleForm(),
    }
    return render(request, "licensing/covers.html", context, status=status)


@login_required
@require_POST
def claim_handle(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(claims_visible_to(request.user), pk=pk)
    form = ClaimHandleForm(request.POST)
    if not form.is_valid():
        messages.error(request, services.ERR_RESOLUTION_EMPTY)
        return redirect("licensing:covers")
    try:
        services.claim_handle(
            user=request.user, claim=claim, resolution=form.cleaned_data["resolution"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "理赔已处理。")
    return redirect("licensing:covers")
