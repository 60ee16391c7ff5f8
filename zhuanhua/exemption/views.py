"""Pages of exemption cases and unit rules. Thin: resolve what the user may see (404 otherwise),
call one service, redirect with a Chinese message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.exemption import services
from zhuanhua.exemption.choices import STEPS, CaseStatus
from zhuanhua.exemption.dossier import case_audit_entries, dossier_pdf
from zhuanhua.exemption.forms import (
    AdoptForm,
    CaseForm,
    ChecklistForm,
    DecideForm,
    DecisionForm,
    EffectsForm,
    MinutesForm,
    PersonForm,
    PubliciseForm,
    RecordForm,
    ReviewForm,
    RulesForm,
)
from zhuanhua.exemption.models import CasePerson, CaseRecord, ExemptionCase, UnitRules
from zhuanhua.exemption.selectors import (
    Access,
    article_texts,
    case_access,
    case_list_for,
    case_time_limits,
    case_warnings,
    filed_with_me,
    is_handler,
    recorded_dissents,
    rules_visible_to,
)


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _flash_form(request: HttpRequest, form: Form) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))


def _case(request: HttpRequest, pk: int) -> tuple[ExemptionCase, Access]:
    case = get_object_or_404(ExemptionCase.objects.select_related("unit", "notice"), pk=pk)
    access = case_access(request.user, case)
    if access is None:
        raise Http404
    return case, access


def _handler_case(request: HttpRequest, pk: int) -> ExemptionCase:
    case, access = _case(request, pk)
    if not access.handler:
        raise PermissionDenied(services.ERR_NOT_HANDLER)
    return case


def _person(request: AuthedHttpRequest, pk: int) -> tuple[CasePerson, Access]:
    person = get_object_or_404(CasePerson.objects.select_related("case", "case__unit"), pk=pk)
    access = case_access(request.user, person.case)
    if access is None or not access.sees_person(person):
        raise Http404
    return person, access


def _back(case: ExemptionCase, anchor: str = "") -> HttpResponse:
    response = redirect("exemption:detail", pk=case.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


# ---------------------------------------------------------------------------- cases


@login_required
def case_list(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request,
        "exemption/list.html",
        {
            "cases": case_list_for(request.user),
            "can_create": is_handler(request.user),
            "filed": filed_with_me(request.user),
        },
    )


@login_required
def case_create(request: AuthedHttpRequest) -> HttpResponse:
    if not is_handler(request.user):
        raise PermissionDenied(services.ERR_NOT_HANDLER)
    links = services.unit_link_choices(request.user.organisation_id or 0)
    if request.method == "POST":
        form = CaseForm(request.POST, links=links)
        if form.is_valid():
            try:
                case = services.case_create(user=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                form.apply_errors(exc)
            else:
                messages.success(request, "案件已立案，进入调查阶段。")
                return redirect("exemption:detail", pk=case.pk)
    else:
        form = CaseForm(links=links)
    return render(request, "exemption/case_form.html", {"form": form})


@login_required
def case_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    case, access = _case(request, pk)
    persons = [p for p in case.persons.select_related("user") if access.sees_person(p)]
    records = [r for r in case.records.select_related("person") if access.sees_record(r)]
    today = timezone.localdate()
    status_order = [s for s, _ in STEPS]
    current = status_order.index(case.status)
    steps = [
        {"code": code, "label": label, "done": i < current, "current": i == current}
        for i, (code, label) in enumerate(STEPS)
    ]
    context: dict[str, Any] = {
        "case": case,
        "access": access,
        "persons": persons,
        "records": records,
        "steps": steps,
        "warnings": case_warnings(case) if access.full else [],
        "dissents": recorded_dissents(case) if access.full else {},
        "investigation": case.status == CaseStatus.INVESTIGATION,
        "today": today,
        "time_limits": case_time_limits(case, today) if access.full else [],
    }
    if access.full:
        notice = case.notice
        objections = list(notice.objections.select_related("objector")) if notice else []
        reviewed = {r.objection_id: r for r in case.reviews.select_related("reviewed_by")}
        context.update(
            {
                "minutes": case.minutes.prefetch_related("opinions"),
                "notice": notice,
                "objections": [
                    (
                        o,
                        reviewed.get(o.pk),
                        ReviewForm(prefix=f"review{o.pk}")
                        if access.handler and not case.is_closed
                        else None,
                    )
                    for o in objections
                ],
                "entries": case_audit_entries(case)[-8:],
            }
        )
    if access.handler and not case.is_closed:
        context.update(
            {
                "person_form": PersonForm(unit_id=case.unit_id, prefix="person"),
                "record_form": RecordForm(
                    persons=persons, initial={"recorded_on": today}, prefix="record"
                ),
                "minutes_form": MinutesForm(
                    persons=persons, initial={"held_on": today}, prefix="minutes"
                ),
                "publicise_form": PubliciseForm(initial={"starts_on": today}, prefix="pub"),
                "decide_form": DecideForm(
                    persons=persons, initial={"decided_on": today}, prefix="decide"
                ),
                "effects_form": EffectsForm(initial={"recorded_on": today}, prefix="effects"),
                "can_decide": case.status in (CaseStatus.PUBLICITY, CaseStatus.REVIEWED)
                and case.notice is not None
                and case.notice.is_closed,
            }
        )
    elif not access.full and case.status == CaseStatus.INVESTIGATION:
        context["record_form"] = RecordForm(
            persons=persons,
            statement_only=True,
            prefix="record",
            initial={"recorded_on": today, "kind": "statement"},
        )
    return render(request, "exemption/detail.html", context)


@login_required
@require_POST
def person_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    case = _handler_case(request, pk)
    form = PersonForm(request.POST, unit_id=case.unit_id, prefix="person")
    if not form.is_valid():
        _flash_form(request, form)
        return _back(case, "persons")
    try:
        person = services.person_add(user=request.user, case=case, data=form.cleaned_data)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, f"已登记当事人员：{person}。")
    return _back(case, "persons")


@login_required
def person_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One person's checklist, the evaluator's recommendation with its reasons and article texts,
    and the unit's decision."""
    person, access = _person(request, pk)
    case = person.case
    editable = access.handler and case.status == CaseStatus.INVESTIGATION
    if request.method == "POST":
        if not access.handler:
            raise PermissionDenied(services.ERR_NOT_HANDLER)
        form = ChecklistForm(request.POST, role=person.role)
        if form.is_valid():
            try:
                person = services.checklist_save(
                    user=request.user, person=person, checklist=form.checklist()
                )
            except ValidationError as exc:
                _flash(request, exc)
            else:
                messages.success(
                    request, "核查清单已保存，系统已给出建议（仅供参考，由单位认定）。"
                )
            return redirect("exemption:person", pk=person.pk)
    else:
        form = ChecklistForm(
            initial=ChecklistForm.initial_from(person.checklist or {}), role=person.role
        )
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    recommendation = person.recommendation or {}
    return render(
        request,
        "exemption/person.html",
        {
            "person": person,
            "case": case,
            "access": access,
            "form": form,
            "editable": editable,
            "recommendation": recommendation,
            "articles": article_texts(list(recommendation.get("articles") or [])),
            "dissents": recorded_dissents(case).get(person.pk, []) if access.full else [],
            "decision_form": DecisionForm(
                initial={
                    "decision": person.decision or recommendation.get("decision", ""),
                    "reason": person.decision_reason,
                }
            ),
        },
    )


@login_required
@require_POST
def person_decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person, access = _person(request, pk)
    if not access.handler:
        raise PermissionDenied(services.ERR_NOT_HANDLER)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _flash_form(request, form)
        return redirect("exemption:person", pk=pk)
    try:
        person = services.person_decide(
            user=request.user,
            person=person,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, f"已记录认定结论：{person.get_decision_display()}。")
    return redirect("exemption:person", pk=pk)


@login_required
@require_POST
def record_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    case, access = _case(request, pk)
    persons = [p for p in case.persons.all() if access.sees_person(p)]
    form = RecordForm(
        request.POST,
        request.FILES,
        persons=persons,
        statement_only=not access.handler,
        prefix="record",
    )
    if not form.is_valid():
        _flash_form(request, form)
        return _back(case, "records")
    data = {k: v for k, v in form.cleaned_data.items() if k != "file"}
    try:
        services.record_add(
            user=request.user, case=case, data=data, upload=form.cleaned_data.get("file")
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "调查材料已登记。")
    return _back(case, "records")


def _serve(file: Any, name: str) -> FileResponse:
    response = FileResponse(file.open("rb"), as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def record_file(request: AuthedHttpRequest, pk: int) -> FileResponse:
    record = get_object_or_404(CaseRecord.objects.select_related("case"), pk=pk)
    access = case_access(request.user, record.case)
    if access is None or not access.sees_record(record) or not record.file:
        raise Http404
    return _serve(record.file, record.original_name)


@login_required
@require_POST
def minutes_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    case = _handler_case(request, pk)
    form = MinutesForm(request.POST, persons=list(case.persons.all()), prefix="minutes")
    if not form.is_valid():
        _flash_form(request, form)
        return _back(case, "minutes")
    try:
        services.minutes_add(
            user=request.user, case=case, data=form.cleaned_data, opinions=form.opinions()
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "会议记录已登记。")
    return _back(case, "minutes")


@login_required
@require_POST
def conclude(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    case = _handler_case(request, pk)
    try:
        services.case_conclude(user=request.user, case=case)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "调查结束，已形成认定结论。")
    return _back(case)


@login_required
@require_POST
def publicise(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    case = _handler_case(request, pk)
    form = PubliciseForm(request.POST, prefix="pub")
    if not form.is_valid():
        _flash_form(request, form)
        return _back(case)
    try:
        case = services.case_publicise(user=request.user, case=case, **form.cleaned_data)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        ends_on = case.notice.ends_on.isoformat() if case.notice is not None else ""
        messages.success(request, f"认定结论已在内部公示，公示期至 {ends_on}。")
    return _back(case)


@login_required
@require_POST
def review(request: AuthedHttpRequest, pk: int, objection_pk: int) -> HttpResponse:
    case = _handler_case(request, pk)
    objection = None
    if case.notice_id:
        objection = case.notice.objections.filter(pk=objection_pk).first()  # type: ignore[union-attr]
    if objection is None:
        raise Http404
    form = ReviewForm(request.POST, prefix=f"review{objection.pk}")
    if not form.is_valid():
        _flash_form(request, form)
        return _back(case, "objections")
    try:
        services.review_record(
            user=request.user, case=case, objection=objection, **form.cleaned_data
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "复核结果已记录并反馈异议人。")
    return _back(case, "objections")


@login_required
@require_POST
def decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    case = _handler_case(request, pk)
    form = DecideForm(request.POST, persons=list(case.persons.all()), prefix="decide")
    if not form.is_valid():
        _flash_form(request, form)
        return _back(case)
    try:
        services.case_decide(
            user=request.user,
            case=case,
            text=form.cleaned_data["text"],
            decided_on=form.cleaned_data["decided_on"],
            final_decisions=form.final_decisions(),
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "已作出最终决定，可导出案卷。")
    return _back(case)


@login_required
@require_POST
def effects(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    case = _handler_case(request, pk)
    form = EffectsForm(request.POST, prefix="effects")
    if not form.is_valid():
        _flash_form(request, form)
        return _back(case)
    try:
        services.case_record_effects(user=request.user, case=case, **form.cleaned_data)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "认定结果运用已记录，案件办结。")
    return _back(case)


@login_required
def dossier(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The case dossier as PDF: handlers and the department, once the final decision is made."""
    case, access = _case(request, pk)
    if not access.full or case.status not in (CaseStatus.DECIDED, CaseStatus.CLOSED):
        raise Http404
    response = HttpResponse(dossier_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="exemption-case-{case.pk}.pdf"'
    return response


# ---------------------------------------------------------------------------- unit rules


@login_required
def rules_list(request: AuthedHttpRequest) -> HttpResponse:
    handler = is_handler(request.user)
    form = RulesForm()
    if request.method == "POST":
        if not handler:
            raise PermissionDenied(services.ERR_NOT_HANDLER)
        form = RulesForm(request.POST, request.FILES)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "document"}
            try:
                services.rules_create(
                    user=request.user, data=data, upload=form.cleaned_data.get("document")
                )
            except ValidationError as exc:
                form.apply_errors(exc)
            else:
                messages.success(request, "制度已登记。")
                return redirect("exemption:rules")
    rules = rules_visible_to(request.user).select_related("unit", "notice")
    return render(
        request,
        "exemption/rules.html",
        {
            "rules": rules,
            "form": form,
            "handler": handler,
            "adopt_form": AdoptForm(initial={"adopted_on": timezone.localdate()}),
        },
    )


def _handler_rules(request: AuthedHttpRequest, pk: int) -> UnitRules:
    rules = get_object_or_404(rules_visible_to(request.user), pk=pk)
    if not is_handler(request.user, rules.unit_id):
        raise PermissionDenied(services.ERR_NOT_HANDLER)
    return rules


@login_required
@require_POST
def rules_adopt(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    rules = _handler_rules(request, pk)
    form = AdoptForm(request.POST)
    if not form.is_valid():
        _flash_form(request, form)
        return redirect("exemption:rules")
    try:
        services.rules_adopt(user=request.user, rules=rules, **form.cleaned_data)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "已登记审议通过。")
    return redirect("exemption:rules")


@login_required
@require_POST
def rules_publicise(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    rules = _handler_rules(request, pk)
    try:
        rules = services.rules_publicise(user=request.user, rules=rules)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "制度已发起公示。")
    return redirect("exemption:rules")


@login_required
def rules_file(request: AuthedHttpRequest, pk: int) -> FileResponse:
    rules = get_object_or_404(rules_visible_to(request.user), pk=pk)
    if not rules.document:
        raise Http404
    return _serve(rules.document, rules.original_name)
