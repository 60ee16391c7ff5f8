"""Pages of subsidies: the catalogue, the what-if calculator, applications and review, the
budget and batch settlement. Thin: parse, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest, Visitor
from zhuanhua.core.forms import apply_service_errors
from zhuanhua.core.uploads import download_response
from zhuanhua.engines.subsidy import BINDING_LABELS, REASON_LABELS
from zhuanhua.organisations.models import Organisation
from zhuanhua.subsidies import selectors, services
from zhuanhua.subsidies.choices import ApplicationStatus
from zhuanhua.subsidies.forms import (
    ClaimForm,
    DecisionForm,
    InvestmentForm,
    PaymentFileForm,
    SettlementForm,
)
from zhuanhua.subsidies.models import (
    SettlementBatch,
    SubsidyApplication,
    SubsidyEvidence,
    VentureInvestment,
)
from zhuanhua.subsidies.settlement import batch_grants, disbursement_xlsx

PAGE_SIZE = 30


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _measure(code: str) -> Any:
    m = selectors.measure_or_none(code)
    if m is None:
        raise Http404
    return m


def _result_context(result: Any, region: str) -> dict[str, Any]:
    return {
        "result": result,
        "explanation": selectors.explanation_of(result, region),
        "reason_labels": [REASON_LABELS.get(r, r) for r in result.reasons],
        "binding_labels": [BINDING_LABELS.get(b, b) for b in result.binding],
    }


def _org_for_engine(user: Visitor) -> Any:
    """The organisation whose earlier grants count in a what-if: the user's, unless it is the
    department (which never receives subsidies)."""
    org = getattr(user, "organisation", None) if getattr(user, "is_authenticated", False) else None
    if org is None or org.org_type == "department":
        return None
    return org


# --------------------------------------------------------------------------- catalogue


def catalogue(request: HttpRequest) -> HttpResponse:
    """The provincial measures, and beside them the prefectures' and parks' local measures
    (each labelled with its area, dates and whether it is in force)."""
    cat = selectors.catalogue()
    return render(
        request,
        "subsidies/catalogue.html",
        {
            "cat": cat,
            "rows": selectors.catalogue_rows(),
            "local_rows": selectors.local_rows(request.user),
            "can_apply": selectors.can_apply(request.user),
            "can_author_local": services.can_author_local(request.user),
        },
    )


# --------------------------------------------------------------------------- what-if


def whatif(request: HttpRequest) -> HttpResponse:
    """如果到账 600 万元，可得多少？ The engine on the visitor's numbers (and, for a logged-in
    organisation, with its earlier grants)."""
    cat = selectors.catalogue()
    code = request.POST.get("measure") or request.GET.get("measure") or next(iter(cat.measures))
    m = _measure(code)
    org = _org_for_engine(request.user)
    context: dict[str, Any] = {
        "cat": cat,
        "m": m,
        "org": org,
        "prior_count": len(selectors.prior_grants_of(org)),
    }
    if request.method == "POST":
        form = ClaimForm(request.POST, measure=m, org=org, ask_type=org is None)
        if form.is_valid():
            try:
                region = form.cleaned_data.get("applicant_region") if org is None else None
                result = services.compute(
                    org=org,
                    measure=m.code,
                    data=services.clean_claim_data(m.code, form.claim_data()),
                    today=timezone.localdate(),
                    applicant_type=form.cleaned_data.get("applicant_type"),
                    region=region,
                )
                context.update(
                    _result_context(
                        result, region if region is not None else selectors.applicant_region(org, m)
                    )
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
    else:
        form = ClaimForm(measure=m, org=org, ask_type=org is None)
    context["form"] = form
    if _is_htmx(request):
        return render(request, "subsidies/_preview.html", context)
    return render(request, "subsidies/whatif.html", context)


# --------------------------------------------------------------------------- applications


def _applicant_only(request: AuthedHttpRequest) -> None:
    if not selectors.can_apply(request.user):
        raise PermissionDenied(services.ERR_NOT_APPLICANT)


@login_required
def apply(request: AuthedHttpRequest, code: str) -> HttpResponse:
    _applicant_only(request)
    m = _measure(code)
    org = request.user.organisation
    credit_blocked = selectors.credit_active(org)
    if request.method == "POST":
        form = ClaimForm(request.POST, request.FILES, measure=m, org=org, with_evidence=True)
        if form.is_valid():
            try:
                app = services.application_submit(
                    user=request.user,
                    measure=m.code,
                    data=form.claim_data(),
                    uploads=form.uploads(),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    "奖补申请已提交，等待初审。"
                    if app.status == ApplicationStatus.CHECKING
                    else "奖补申请已提交，等待省科技厅审定。",
                )
                return redirect("subsidies:detail", pk=app.pk)
    else:
        form = ClaimForm(
            measure=m,
            org=org,
            with_evidence=True,
            initial=selectors.prefill_from_platform(org, m.code, timezone.localdate()),
        )
    return render(
        request,
        "subsidies/apply.html",
        {
            "m": m,
            "form": form,
            "credit_blocked": credit_blocked,
            "credit_message": services.ERR_CREDIT,
            "history": selectors.grants_of(org)[:20],
            "policy_label": selectors.policy_label(m),
        },
    )


@login_required
@require_POST
def preview(request: AuthedHttpRequest, code: str) -> HttpResponse:
    """The engine's amount and explanation for the form as it stands (htmx partial)."""
    _applicant_only(request)
    m = _measure(code)
    org = request.user.organisation
    form = ClaimForm(request.POST, measure=m, org=org)
    context: dict[str, Any] = {
        "m": m,
        "form": form,
        "partial_only": True,
        "prior_count": len(selectors.prior_grants_of(org)),
    }
    if form.is_valid():
        try:
            result = services.compute(
                org=org,
                measure=m.code,
                data=services.clean_claim_data(m.code, form.claim_data()),
                today=timezone.localdate(),
            )
            context.update(_result_context(result, selectors.applicant_region(org, m)))
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(request, "subsidies/_preview.html", context)


@login_required
def application_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    qs = selectors.applications_visible_to(user)
    status = request.GET.get("status", "")
    if status in ApplicationStatus.values:
        qs = qs.filter(status=status)
    elif status == "queue" or (status == "" and selectors.is_review_staff(user)):
        # The reviewer's queue: what waits for this person (checkers, deciders, second approval).
        status = "queue"
        qs = selectors.queue_of(user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "subsidies/applications.html",
        {
            "page": page,
            "status": status,
            "statuses": ApplicationStatus.choices,
            "is_reviewer": selectors.is_review_staff(user),
            "queue_count": selectors.queue_of(user).count(),
            "can_apply": selectors.can_apply(user),
        },
    )


@login_required
def application_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    user = request.user
    is_reviewer = selectors.is_reviewer(user)
    context: dict[str, Any] = {
        "a": app,
        "m": selectors.measure_or_none(app.measure),
        "evidence": app.evidence.all(),
        "history": selectors.grants_of(app.applicant).select_related("application")[:50],
        "other_apps": SubsidyApplication.objects.filter(applicant_id=app.applicant_id).exclude(
            pk=app.pk
        )[:20],
        "is_reviewer": is_reviewer,
        "binding_labels": [BINDING_LABELS.get(b, b) for b in app.engine_binding],
        "grant": getattr(app, "grant", None) if app.status == ApplicationStatus.APPROVED else None,
        "step": None,
        "second_threshold": getattr(selectors.measure_or_none(app.measure), "second_above", None),
        "can_see_facts": is_reviewer or selectors.is_checker(user) or selectors.is_reader(user),
    }
    if (
        app.status == ApplicationStatus.CHECKING
        and selectors.is_checker(user)
        and app.checker_org_id == user.organisation_id
    ):
        context["step"] = "check"
    elif is_reviewer and app.status == ApplicationStatus.SUBMITTED:
        context["step"] = "decide"
    elif is_reviewer and app.status == ApplicationStatus.SECOND:
        context["step"] = "second"
        context["four_eyes_blocked"] = user.pk in (app.decided_by_id, app.checked_by_id)
    if context["step"] is not None:
        current = selectors.evaluate_application(app)
        context["current"] = current
        context["credit_blocked"] = selectors.credit_active(app.applicant)
        context["decision_form"] = DecisionForm(
            initial={"amount": None if app.case_by_case else current.granted}
        )
    is_own = app.applicant_id == getattr(user, "organisation_id", None)
    if (
        is_own
        and app.status == ApplicationStatus.RETURNED
        and selectors.can_apply(user)
        and context["m"] is not None
    ):
        context["resubmit_form"] = ClaimForm(
            measure=context["m"],
            org=app.applicant,
            with_evidence=True,
            initial={
                **selectors.application_data(app),
                "description": app.description,
                "contract_ref": app.contract_ref,
            },
        )
    return render(request, "subsidies/detail.html", context)


@login_required
@require_POST
def decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    if not (selectors.is_reviewer(request.user) or selectors.is_checker(request.user)):
        raise PermissionDenied(services.ERR_NOT_REVIEWER)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("subsidies:detail", pk=app.pk)
    decision = form.cleaned_data["decision"]
    reason = form.cleaned_data.get("reason") or ""
    try:
        if decision == "approve":
            grant = services.application_approve(
                user=request.user,
                application=app,
                amount=form.cleaned_data.get("amount"),
                reason=reason,
            )
            if grant is None:
                messages.success(
                    request, "已审定，金额超过本措施的复核金额，待另一名省级审核员复核。"
                )
            else:
                messages.success(
                    request, f"已批准补助 {grant.amount:,.2f} 元（补助编号 {grant.pk}）。"
                )
        elif decision == "check":
            services.application_check(user=request.user, application=app, opinion=reason)
            messages.success(request, "初审通过，已报送省科技厅审定。")
        elif decision == "second_approve":
            grant = services.application_second_approve(
                user=request.user, application=app, opinion=reason
            )
            messages.success(
                request, f"复核同意，已批准补助 {grant.amount:,.2f} 元（补助编号 {grant.pk}）。"
            )
        elif decision == "second_refuse":
            services.application_second_refuse(user=request.user, application=app, reason=reason)
            messages.success(request, "复核不同意，已退回审定人重新审定。")
        elif decision == "return":
            services.application_return(user=request.user, application=app, reason=reason)
            messages.success(request, "已退回申请单位补充材料。")
        else:
            services.application_reject(user=request.user, application=app, reason=reason)
            messages.success(request, "已作出不予支持的决定。")
    except (ValidationError, PermissionDenied) as exc:
        for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
            messages.error(request, message)
    return redirect("subsidies:detail", pk=app.pk)


@login_required
@require_POST
def resubmit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    _applicant_only(request)
    m = _measure(app.measure)
    form = ClaimForm(request.POST, request.FILES, measure=m, org=app.applicant, with_evidence=True)
    if form.is_valid():
        try:
            services.application_resubmit(
                user=request.user, application=app, data=form.claim_data(), uploads=form.uploads()
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, "已重新提交，等待审核。")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("subsidies:detail", pk=app.pk)


@login_required
def evidence_download(request: AuthedHttpRequest, pk: int) -> Any:
    ev = get_object_or_404(SubsidyEvidence, pk=pk)
    if not selectors.applications_visible_to(request.user).filter(pk=ev.application_id).exists():
        raise Http404
    return download_response(ev)


# --------------------------------------------------------------------------- budget, settlement


def _reader_only(request: AuthedHttpRequest) -> None:
    if not selectors.is_reader(request.user):
        raise PermissionDenied("只有主管部门可以查看预算与结算")


@login_required
def budget(request: AuthedHttpRequest) -> HttpResponse:
    _reader_only(request)
    years = selectors.budget_years()
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    rows = selectors.budget_rows(year)
    return render(
        request,
        "subsidies/budget.html",
        {
            "rows": rows,
            "year": year,
            "years": years,
            "total_committed": sum(r.committed_amount for r in rows),
            "total_paid": sum(r.paid_amount for r in rows),
        },
    )


@login_required
def settlements(request: AuthedHttpRequest) -> HttpResponse:
    _reader_only(request)
    is_reviewer = selectors.is_reviewer(request.user)
    if request.method == "POST":
        if not is_reviewer:
            raise PermissionDenied(services.ERR_NOT_REVIEWER)
        form = SettlementForm(request.POST)
        if form.is_valid():
            try:
                batch = services.settlement_create(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, f"已生成结算批次 #{batch.pk}，共 {batch.grant_count} 笔。"
                )
                return redirect("subsidies:settlement", pk=batch.pk)
    else:
        today = timezone.localdate()
        form = SettlementForm(
            initial={"period_from_on": dt.date(today.year, 1, 1), "period_to_on": today}
        )
    return render(
        request,
        "subsidies/settlements.html",
        {
            "form": form,
            "batches": SettlementBatch.objects.all()[:100],
            "is_reviewer": is_reviewer,
        },
    )


@login_required
def settlement_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _reader_only(request)
    batch = get_object_or_404(SettlementBatch, pk=pk)
    return render(
        request,
        "subsidies/settlement.html",
        {
            "batch": batch,
            "grants": batch_grants(batch),
            "form": PaymentFileForm(),
            "is_reviewer": selectors.is_reviewer(request.user),
            "is_finance": selectors.is_finance(request.user),
            "can_pay": selectors.is_reviewer(request.user) or selectors.is_finance(request.user),
        },
    )


@login_required
@require_POST
def sign_off(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The finance department signs a settlement list off (before it may be marked paid)."""
    _reader_only(request)
    batch = get_object_or_404(SettlementBatch, pk=pk)
    if not selectors.is_finance(request.user):
        raise PermissionDenied(services.ERR_NOT_FINANCE)
    opinion = str(request.POST.get("opinion") or "")[: services.REASON_MAX]
    try:
        services.settlement_sign_off(user=request.user, batch=batch, opinion=opinion)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "已签核拨付清单，可以拨付。")
    return redirect("subsidies:settlement", pk=batch.pk)


@login_required
def disbursement(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _reader_only(request)
    batch = get_object_or_404(SettlementBatch, pk=pk)
    response = HttpResponse(
        disbursement_xlsx(batch),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="disbursement-{batch.pk}.xlsx"'
    return response


@login_required
@require_POST
def mark_paid(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _reader_only(request)
    batch = get_object_or_404(SettlementBatch, pk=pk)
    form = PaymentFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            paid = services.settlement_mark_paid(
                user=request.user,
                batch=batch,
                upload=form.cleaned_data["file"],
                paid_on=form.cleaned_data.get("paid_on"),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"已将 {len(paid)} 笔补助标记为已拨付。")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("subsidies:settlement", pk=batch.pk)


# --------------------------------------------------------------------------- local measures
# No path parameters (a measure is picked with ?id=), so the permissions matrix needs no new
# parameter entries for these pages.


def _local_reader_only(request: AuthedHttpRequest) -> None:
    user = request.user
    if not (services.can_author_local(user) or selectors.is_reader(user)):
        raise PermissionDenied(services.ERR_NOT_LOCAL_AUTHOR)


def _pk(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise Http404
    return int(value)


@login_required
def local_measures(request: AuthedHttpRequest) -> HttpResponse:
    """The local measures the user maintains (a park: its own; the department: all) and a
    park's registered residents."""
    from zhuanhua.subsidies.choices import PARK_ORG_TYPE
    from zhuanhua.subsidies.forms import ResidentForm
    from zhuanhua.subsidies.local import area_label, state_on
    from zhuanhua.subsidies.models import LocalMeasure, ParkResident

    _local_reader_only(request)
    user = request.user
    own_park = services.is_park_admin(user) and not selectors.is_reviewer(user)
    measures = LocalMeasure.objects.select_related("park")
    parks = Organisation.objects.filter(org_type=PARK_ORG_TYPE, status="approved")
    if own_park:
        measures = measures.filter(park_id=user.organisation_id)
        park = user.organisation
    else:
        park_id = _pk(request.GET.get("park"))
        park = get_object_or_404(parks, pk=park_id) if park_id else None
    today = timezone.localdate()
    rows = [
        {
            "lm": lm,
            "area": area_label(lm),
            "state": state_on(lm, today),
            "can_edit": services.can_edit_local(user, lm),
        }
        for lm in measures[:500]
    ]
    return render(
        request,
        "subsidies/local_measures.html",
        {
            "rows": rows,
            "can_author": services.can_author_local(user),
            "own_park": own_park,
            "park": park,
            "parks": parks.order_by("prefecture", "name")[:500] if not own_park else [],
            "residents": ParkResident.objects.filter(park=park).select_related("organisation")[
                :1000
            ]
            if park is not None
            else [],
            "can_manage_residents": park is not None
            and (selectors.is_reviewer(user) or (own_park and park.pk == user.organisation_id)),
            "resident_form": ResidentForm(),
        },
    )


@login_required
def local_measure_form(request: AuthedHttpRequest) -> HttpResponse:
    """Add a local measure, or edit the one named by ?id=."""
    from zhuanhua.subsidies.forms import LocalMeasureForm, local_measure_initial
    from zhuanhua.subsidies.models import LocalMeasure

    user = request.user
    if not services.can_author_local(user):
        raise PermissionDenied(services.ERR_NOT_LOCAL_AUTHOR)
    pk = _pk(request.POST.get("id") or request.GET.get("id"))
    lm = get_object_or_404(LocalMeasure.objects.select_related("park"), pk=pk) if pk else None
    if lm is not None and not services.can_edit_local(user, lm):
        raise PermissionDenied(services.ERR_NOT_OWN_PARK)
    park_admin = (
        user.organisation
        if services.is_park_admin(user) and not selectors.is_reviewer(user)
        else None
    )
    initial: dict[str, Any] = (
        local_measure_initial(lm) if lm is not None else {"effective_from_on": timezone.localdate()}
    )
    bureau = user.organisation if selectors.is_prefecture_reviewer(user) else None
    if bureau is not None and lm is None:
        # A prefecture bureau writes its own prefecture's measures (the service fixes the area).
        initial.update({"prefecture": bureau.prefecture, "issuer": bureau.name})
    if request.method == "POST":
        form = LocalMeasureForm(request.POST, park_admin=park_admin)
        if form.is_valid():
            try:
                saved = services.local_measure_save(user=user, data=form.cleaned_data, measure=lm)
            except ValidationError as exc:
                form.apply_errors(exc)
            else:
                messages.success(
                    request,
                    f"地方措施 {saved.code}（{saved.title}）已{'保存' if lm else '加入政策目录'}。",
                )
                return redirect(reverse("subsidies:catalogue") + f"#{saved.code}")
    else:
        form = LocalMeasureForm(initial=initial, park_admin=park_admin)
    return render(request, "subsidies/local_measure_form.html", {"form": form, "lm": lm})


@login_required
@require_POST
def park_residents(request: AuthedHttpRequest) -> HttpResponse:
    """Register (uscc=) or remove (remove=<organisation id>) a resident of a park (park=)."""
    from zhuanhua.subsidies.choices import PARK_ORG_TYPE
    from zhuanhua.subsidies.forms import ResidentForm

    user = request.user
    park_id = _pk(request.POST.get("park"))
    if park_id is None and services.is_park_admin(user):
        park_id = user.organisation_id
    park = (
        get_object_or_404(Organisation.objects.filter(org_type=PARK_ORG_TYPE), pk=park_id)
        if park_id
        else None
    )
    if park is None:
        raise Http404
    try:
        remove = _pk(request.POST.get("remove"))
        if remove is not None:
            services.park_resident_remove(user=user, park=park, organisation_id=remove)
            messages.success(request, "已移除入驻单位。")
        else:
            form = ResidentForm(request.POST)
            uscc = form.cleaned_data["uscc"] if form.is_valid() else ""
            row = services.park_resident_add(user=user, park=park, uscc=uscc)
            messages.success(request, f"已登记入驻单位：{row.organisation.name}。")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(reverse("subsidies:local_measures") + f"?park={park.pk}")


# --------------------------------------------------------------------------- venture investments


@login_required
def investments(request: AuthedHttpRequest) -> HttpResponse:
    """A VC firm's register of its investments (?id= edits one); measures 13-1/13-2 read it."""
    if not services.can_keep_investments(request.user):
        raise PermissionDenied(services.ERR_NOT_VC)
    org = request.user.organisation
    row_id = _pk(request.GET.get("id") or request.POST.get("id"))
    row = (
        get_object_or_404(VentureInvestment, pk=row_id, investor=org)
        if row_id is not None
        else None
    )
    if request.method == "POST":
        form = InvestmentForm(request.POST)
        if form.is_valid():
            try:
                services.investment_save(user=request.user, data=form.cleaned_data, investment=row)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "投资台账已保存。")
                return redirect("subsidies:investments")
    else:
        initial = (
            {
                f: getattr(row, f)
                for f in (
                    "investee_name",
                    "investee_uscc",
                    "invested_amount",
                    "paid_in_on",
                    "loss_amount",
                    "loss_confirmed_on",
                    "loss_basis",
                )
            }
            if row is not None
            else {}
        )
        form = InvestmentForm(initial=initial)
    return render(
        request,
        "subsidies/investments.html",
        {"form": form, "row": row, "rows": selectors.investments_of(org)[:200]},
    )
