"""Pages of technology contracts: the submitter's list and form, a contract's page (the registrar
decides there; the submitter corrects and resubmits, records 横向 income), the registrar's queue,
and reward plans with their filing queue."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.contracts import selectors, services
from zhuanhua.contracts.choices import FilingStatus, RegistrationStatus
from zhuanhua.contracts.forms import (
    AcknowledgeForm,
    ContractForm,
    IncomeForm,
    PlanForm,
    RegisterForm,
    ResubmitForm,
    ReturnForm,
)
from zhuanhua.contracts.models import TechnologyContract
from zhuanhua.core.uploads import download_response


@login_required
def contract_list(request: AuthedHttpRequest) -> HttpResponse:
    """The organisation's contracts (a registrar's: those submitted to it), with 横向 income."""
    today = timezone.localdate()
    contracts = selectors.with_days_left(selectors.contracts_visible_to(request.user)[:300], today)
    industry = (
        selectors.industry_contracts(request.user.organisation_id)
        if request.user.organisation_id and services.can_submit(request.user)
        else []
    )
    return render(
        request,
        "contracts/list.html",
        {
            "contracts": contracts,
            "industry": industry,
            "can_submit": services.can_submit(request.user),
            "is_registrar": services.is_registrar_staff(request.user),
        },
    )


@login_required
def contract_submit(request: AuthedHttpRequest) -> HttpResponse:
    if not services.can_submit(request.user):
        raise PermissionDenied(services.ERR_NOT_SUBMITTER)
    org = request.user.organisation
    if request.method == "POST":
        form = ContractForm(request.POST, request.FILES, org=org)
        if form.is_valid():
            try:
                contract = services.contract_submit_for_registration(
                    user=request.user,
                    data=form.service_input(),
                    registrar=form.cleaned_data["registrar"],
                    signed_pdf=form.cleaned_data["signed_pdf"],
                    submit=bool(form.cleaned_data.get("submit_now")),
                )
            except ValidationError as exc:
                form.apply_errors(exc)
            else:
                messages.success(
                    request,
                    "已提交认定登记。"
                    if contract.status == RegistrationStatus.SUBMITTED
                    else "横向项目合同已登记。",
                )
                return redirect("contracts:detail", pk=contract.pk)
    else:
        form = ContractForm(org=org, initial={"submit_now": True})
    return render(
        request, "contracts/form.html", {"form": form}, status=200 if not form.errors else 422
    )


def _contract(request: AuthedHttpRequest, pk: int) -> TechnologyContract:
    return get_object_or_404(selectors.contracts_visible_to(request.user), pk=pk)


def _detail(request: AuthedHttpRequest, contract: TechnologyContract, **forms: Any) -> HttpResponse:
    today = timezone.localdate()
    user = request.user
    is_own = user.organisation_id == contract.submitter_id and services.can_submit(user)
    decides = (
        services.is_registrar_staff(user, contract.registrar_id)
        and contract.status == RegistrationStatus.SUBMITTED
    )
    context = {
        "c": selectors.with_days_left([contract], today)[0],
        "decides": decides,
        "register_form": forms.get("register_form")
        or RegisterForm(
            initial={
                "contract_type": contract.declared_type,
                "transaction_amount": contract.contract_amount,
            }
        ),
        "return_form": forms.get("return_form") or ReturnForm(),
        "can_resubmit": is_own
        and contract.status in {RegistrationStatus.RECORDED, RegistrationStatus.RETURNED},
        "resubmit_form": forms.get("resubmit_form") or ResubmitForm(contract=contract),
        "can_record_income": is_own and contract.industry_project,
        "income_form": forms.get("income_form") or IncomeForm(initial={"received_on": today}),
        "incomes": contract.incomes.all(),
        "received": selectors.received_total(contract),
        "plans": contract.reward_plans.all() if is_own else [],
    }
    status = 422 if forms else 200
    return render(request, "contracts/detail.html", context, status=status)


@login_required
def contract_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _contract(request, pk))


@login_required
def contract_pdf(request: AuthedHttpRequest, pk: int) -> FileResponse:
    contract = _contract(request, pk)
    return download_response(
        SimpleNamespace(file=contract.signed_pdf, original_name=contract.original_name)
    )


@login_required
@require_POST
def contract_register(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    form = RegisterForm(request.POST)
    if form.is_valid():
        try:
            done = services.contract_register(
                user=request.user, contract=contract, **form.cleaned_data
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, f"已认定登记，登记编号 {done.registration_number}。")
            return redirect("contracts:detail", pk=pk)
    return _detail(request, contract, register_form=form)


@login_required
@require_POST
def contract_return(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.contract_return(
                user=request.user, contract=contract, reasons=form.cleaned_data["return_reasons"]
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "已退回，并通知提交单位。")
            return redirect("contracts:detail", pk=pk)
    return _detail(request, contract, return_form=form)


@login_required
@require_POST
def contract_resubmit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    form = ResubmitForm(request.POST, request.FILES, contract=contract)
    if form.is_valid():
        try:
            services.contract_resubmit(
                user=request.user,
                contract=contract,
                registrar=form.cleaned_data["registrar"],
                signed_pdf=form.cleaned_data.get("signed_pdf"),
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "已提交认定登记。")
            return redirect("contracts:detail", pk=pk)
    return _detail(request, contract, resubmit_form=form)


@login_required
@require_POST
def income_record(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    form = IncomeForm(request.POST)
    if form.is_valid():
        try:
            services.income_record(user=request.user, contract=contract, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "到账收入已登记。")
            return redirect("contracts:detail", pk=pk)
    return _detail(request, contract, income_form=form)


@login_required
def registrar_queue(request: AuthedHttpRequest) -> HttpResponse:
    if not services.is_registrar_staff(request.user):
        raise PermissionDenied(services.ERR_NOT_REGISTRAR)
    today = timezone.localdate()
    return render(
        request,
        "contracts/queue.html",
        {
            "rows": selectors.with_days_left(selectors.registrar_queue(request.user), today),
            "counts": selectors.registrar_counts(request.user, today),
            "today": today,
        },
    )


# --------------------------------------------------------------------------------------------
# Reward plans


@login_required
def plan_list(request: AuthedHttpRequest) -> HttpResponse:
    plans = selectors.plans_visible_to(request.user)[:300]
    return render(
        request,
        "contracts/plans.html",
        {
            "plans": plans,
            "can_file": services.can_file_plans(request.user),
            "waiting": selectors.filing_queue(request.user).count(),
        },
    )


@login_required
def plan_file(request: AuthedHttpRequest) -> HttpResponse:
    if not services.can_file_plans(request.user):
        raise PermissionDenied(services.ERR_NOT_UNIT)
    org = request.user.organisation
    assert org is not None
    if request.method == "POST":
        form = PlanForm(request.POST, org=org)
        if form.is_valid():
            try:
                plan = services.reward_plan_file(user=request.user, data=form.service_input())
            except ValidationError as exc:
                form.apply_errors(exc)
            else:
                messages.success(request, f"已报{plan.filed_with.name}备案。")
                return redirect("contracts:plan_detail", pk=plan.pk)
    else:
        form = PlanForm(org=org, initial={"decided_on": timezone.localdate()})
    return render(
        request,
        "contracts/plan_form.html",
        {"form": form, "filing_body": services.filing_body(org)},
        status=422 if form.errors else 200,
    )


@login_required
def plan_detail(
    request: AuthedHttpRequest, pk: int, form: AcknowledgeForm | None = None
) -> HttpResponse:
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    return render(
        request,
        "contracts/plan_detail.html",
        {
            "p": plan,
            "can_acknowledge": plan.status == FilingStatus.FILED
            and services.is_filing_reviewer(request.user, plan.filed_with_id),
            "form": form or AcknowledgeForm(),
        },
        status=422 if form is not None else 200,
    )


@login_required
@require_POST
def plan_acknowledge(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.reward_plan_acknowledge(
                user=request.user, plan=plan, note=form.cleaned_data["acknowledgement_note"]
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "已确认备案，并通知报备单位。")
            return redirect("contracts:plan_detail", pk=pk)
    return plan_detail(request, pk, form=form)
