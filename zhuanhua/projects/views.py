"""Pages of funded projects and of the unit performance evaluation. Thin: parse, call one
service or selector, render. A project outside the user's reach is a 404; the evaluation is the
department's (a unit sees its own page)."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.achievements.models import Achievement
from zhuanhua.core.xlsx import xlsx_safe_row
from zhuanhua.organisations.models import Organisation
from zhuanhua.projects import services
from zhuanhua.projects.choices import EVALUATED_ORG_TYPES, PERFORMANCE_METRICS, RATIO_METRICS
from zhuanhua.projects.forms import (
    AcceptForm,
    DutyForm,
    PeriodForm,
    PostEvaluationForm,
    ProjectForm,
    last_year,
)
from zhuanhua.projects.selectors import (
    Period,
    acceptance_report,
    can_see_performance,
    performance_records,
    projects_visible_to,
    unit_performance,
)

ERR_NOT_EVALUATOR = "只有主管部门审核员、审计员可以查看单位绩效评价"


@login_required
def project_list(request: AuthedHttpRequest) -> HttpResponse:
    projects = projects_visible_to(request.user).prefetch_related("duties")[:500]
    return render(
        request,
        "projects/project_list.html",
        {
            "projects": projects,
            "can_create": services.is_department(request.user),
            "can_evaluate": can_see_performance(request.user),
        },
    )


@login_required
def project_create(request: AuthedHttpRequest) -> HttpResponse:
    if not services.is_department(request.user):
        raise PermissionDenied(services.ERR_NOT_DEPARTMENT)
    form = ProjectForm(request.POST or None, initial={"is_applied": True})
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(user=request.user, data=form.service_input())
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "科技计划项目已登记。")
            return redirect("projects:project_detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form})


def _linkable(request: AuthedHttpRequest, project: Any) -> list[Achievement]:
    if not services.can_link(request.user, project):
        return []
    owners = services.party_ids(project)
    org_id = request.user.organisation_id
    if not services.is_department(request.user):
        owners = {org_id} if org_id is not None else set()
    return list(
        Achievement.objects.filter(owner_id__in=owners)
        .exclude(project_links__project=project)
        .exclude(status="draft")
        .only("id", "title")
        .order_by("-id")[:300]
    )


@login_required
def project_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(projects_visible_to(request.user), pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "partners": project.partners.order_by("name"),
            "report": acceptance_report(project, today),
            "linkable": _linkable(request, project),
            "is_department": services.is_department(request.user),
            "accept_form": AcceptForm(initial={"accepted_on": today}),
            "acceptance": getattr(project, "acceptance", None),
            "post_evaluation": getattr(project, "post_evaluation", None),
            "post_form": PostEvaluationForm(initial={"evaluated_on": today}),
            "duty_form": DutyForm(),
            "reminders": project.reminders.select_related("duty").order_by("fired_on"),
        },
    )


def _post_result(request: HttpRequest, pk: int, call: Any, ok: str) -> HttpResponse:
    try:
        call()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, str(message))
    else:
        messages.success(request, ok)
    return redirect("projects:project_detail", pk=pk)


@login_required
@require_POST
def project_link(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(projects_visible_to(request.user), pk=pk)
    achievement = Achievement.objects.filter(pk=request.POST.get("achievement") or 0).first()
    if achievement is None:
        messages.error(request, services.ERR_ACHIEVEMENT_NOT_PARTY)
        return redirect("projects:project_detail", pk=pk)
    return _post_result(
        request,
        pk,
        lambda: services.project_link_achievement(
            user=request.user, project=project, achievement=achievement
        ),
        "成果已关联到本项目。",
    )


@login_required
@require_POST
def project_accept(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(projects_visible_to(request.user), pk=pk)
    form = AcceptForm(request.POST)
    if not services.is_department(request.user):
        raise PermissionDenied(services.ERR_NOT_DEPARTMENT)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}：{errors[0]}" if label else str(errors[0]))
        return redirect("projects:project_detail", pk=pk)
    return _post_result(
        request,
        pk,
        lambda: services.project_accept(
            user=request.user,
            project=project,
            accepted_on=form.cleaned_data["accepted_on"],
            acceptance=form.acceptance(),
        ),
        "验收结果已记录。",
    )


@login_required
@require_POST
def project_post_evaluate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(projects_visible_to(request.user), pk=pk)
    if not services.is_department(request.user):
        raise PermissionDenied(services.ERR_NOT_DEPARTMENT)
    form = PostEvaluationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请完整填写后评价日期、等级和转化进展")
        return redirect("projects:project_detail", pk=pk)
    return _post_result(
        request,
        pk,
        lambda: services.project_post_evaluate(
            user=request.user, project=project, **form.cleaned_data
        ),
        "后评价已记录。",
    )


@login_required
@require_POST
def duty_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(projects_visible_to(request.user), pk=pk)
    if not services.is_department(request.user):
        raise PermissionDenied(services.ERR_NOT_DEPARTMENT)
    form = DutyForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("projects:project_detail", pk=pk)
    return _post_result(
        request,
        pk,
        lambda: services.duty_add(user=request.user, project=project, **form.cleaned_data),
        "转化义务已添加。",
    )


# --------------------------------------------------------------------------------------------
# Unit performance evaluation


def _period(request: HttpRequest) -> tuple[PeriodForm, Period, str]:
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, Period(data["start"], data["end"]), data["order"]
    start, end = last_year()
    if not form.is_bound:
        form = PeriodForm(initial={"start": start, "end": end, "order": "received_amount"})
    return form, Period(start, end), "received_amount"


def _require_evaluator(request: AuthedHttpRequest, unit: Organisation | None = None) -> None:
    if not can_see_performance(request.user, unit):
        raise PermissionDenied(ERR_NOT_EVALUATOR)


def _query(period: Period) -> str:
    return urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()})


@login_required
def performance(request: AuthedHttpRequest) -> HttpResponse:
    _require_evaluator(request)
    form, period, order = _period(request)
    return render(
        request,
        "projects/performance.html",
        {
            "form": form,
            "period": period,
            "order": order,
            "query": _query(period),
            "rows": unit_performance(period, order_by=order),
            "metrics": PERFORMANCE_METRICS,
            "ratios": RATIO_METRICS,
        },
    )


@login_required
def performance_xlsx(request: AuthedHttpRequest) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    _require_evaluator(request)
    _, period, order = _period(request)
    rows = unit_performance(period, order_by=order)
    book = Workbook()
    sheet = book.active
    sheet.title = "单位绩效评价"
    sheet.append([f"科研经费支持与成果产出及转化绩效评价（{period.label}）"])
    header = ["排名", "单位", "机构类型", *PERFORMANCE_METRICS.values()]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        values: list[Any] = [row.rank, row.unit.name, row.unit.get_org_type_display()]
        for key in PERFORMANCE_METRICS:
            value = row.figures[key]
            values.append(
                float(value)
                if value is not None and key in RATIO_METRICS
                else value
                if value is not None
                else "—"
            )
        sheet.append(xlsx_safe_row(values))
    sheet.column_dimensions["B"].width = 30
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"unit-performance-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _unit(request: AuthedHttpRequest, org_pk: int) -> Organisation:
    unit = get_object_or_404(Organisation, pk=org_pk, org_type__in=EVALUATED_ORG_TYPES)
    if not can_see_performance(request.user, unit):
        raise Http404  # another unit's evaluation is not disclosed
    return unit


@login_required
def performance_unit(request: AuthedHttpRequest, org_pk: int) -> HttpResponse:
    unit = _unit(request, org_pk)
    form, period, _ = _period(request)
    row = unit_performance(period, units=Organisation.objects.filter(pk=unit.pk))[0]
    return render(
        request,
        "projects/performance_unit.html",
        {
            "form": form,
            "period": period,
            "unit": unit,
            "row": row,
            "query": _query(period),
            "metrics": PERFORMANCE_METRICS,
            "ratios": RATIO_METRICS,
        },
    )


@login_required
def performance_records_view(request: AuthedHttpRequest, org_pk: int, metric: str) -> HttpResponse:
    unit = _unit(request, org_pk)
    if metric not in PERFORMANCE_METRICS:
        raise Http404
    _, period, _ = _period(request)
    kind, records = performance_records(period, unit, metric)
    return render(
        request,
        "projects/performance_records.html",
        {
            "unit": unit,
            "period": period,
            "metric": metric,
            "metric_label": PERFORMANCE_METRICS[metric],
            "kind": kind,
            "records": records,
            "query": _query(period),
        },
    )
