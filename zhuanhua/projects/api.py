"""REST endpoints of funded projects and the unit performance evaluation.

A project someone may not see is a 404, as on the pages; the evaluation is for the department
and auditors (a unit may read its own row with ``unit_id``).
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.achievements.models import Achievement
from zhuanhua.core.inputs import MAX_LIST_ITEMS, Day, LongText, Money, Text
from zhuanhua.engines.common import money_str
from zhuanhua.organisations.models import Organisation
from zhuanhua.projects import services
from zhuanhua.projects.models import FundedProject
from zhuanhua.projects.selectors import (
    Period,
    acceptance_report,
    can_see_performance,
    projects_visible_to,
    unit_performance,
)
from zhuanhua.projects.views import ERR_NOT_EVALUATOR

router = Router(tags=["科技计划项目 projects"])


class DutyIn(Schema):
    description: LongText = Field(..., max_length=500)
    due_on: Day
    achievement_id: int | None = None
    required_count: int = Field(1, ge=0, le=32767)


class ProjectIn(Schema):
    programme: Text = Field(..., max_length=200)
    code: Text = Field(..., max_length=64)
    title: Text = Field(..., max_length=200)
    lead_id: int
    partner_ids: list[int] = Field([], max_length=MAX_LIST_ITEMS)
    is_applied: bool = True
    is_enterprise_led: bool = False
    funding_amount: Money
    funding_mode: Text = Field("grant", max_length=32)
    start_on: Day
    acceptance_due_on: Day
    duties: list[DutyIn] = Field([], max_length=MAX_LIST_ITEMS)


class LinkIn(Schema):
    achievement_id: int


class PanelMemberIn(Schema):
    name: Text = Field(..., max_length=60)
    employer: Text = Field("", max_length=200)
    enterprise: bool = False


class ProjectAcceptanceIn(Schema):
    """Acceptance by a panel with enterprise experts (measure 5) and its findings."""

    accepted_on: Day
    panel: list[PanelMemberIn] = Field(..., max_length=MAX_LIST_ITEMS)
    transfer_finding: Text = Field(..., max_length=16)
    opinion: LongText
    passed: bool = True
    transfer_notes: LongText = ""
    ip_count: int = Field(0, ge=0)
    ip_notes: LongText = ""
    contracts_registered: int = Field(0, ge=0)
    registration_notes: LongText = ""


class PeriodIn(Schema):
    start: Day
    end: Day
    order: Text = Field("received_amount", max_length=40)
    unit_id: int | None = None


def _project_out(project: FundedProject, today: dt.date | None = None) -> dict[str, Any]:
    report = acceptance_report(project, today or timezone.localdate())
    return {
        "id": project.pk,
        "code": project.code,
        "title": project.title,
        "programme": project.programme,
        "lead_id": project.lead_id,
        "partner_ids": sorted(project.partners.values_list("pk", flat=True)),
        "is_applied": project.is_applied,
        "is_enterprise_led": project.is_enterprise_led,
        "funding_amount": str(project.funding_amount),
        "funding_mode": project.funding_mode,
        "start_on": project.start_on.isoformat(),
        "acceptance_due_on": project.acceptance_due_on.isoformat(),
        "accepted_on": project.accepted_on.isoformat() if project.accepted_on else None,
        "achievement_ids": [a.pk for a in report.achievements],
        "ip_count": report.ip_count,
        "licence_ids": [lic.pk for lic in report.licences],
        "contract_amount": str(report.contract_amount),
        "received_amount": str(report.received_amount),
        "duties": [
            {
                "id": s.duty.pk,
                "description": s.duty.description,
                "due_on": s.duty.due_on.isoformat(),
                "achievement_id": s.duty.achievement_id,
                "required_count": s.duty.required_count,
                "met": s.met,
                "overdue": s.overdue,
                "transferred_achievement_ids": [a.pk for a in s.transferred],
            }
            for s in report.duties
        ],
    }


@router.get("/", response=list[dict], auth=django_auth, summary="可查看的科技计划项目")
def list_projects(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": p.pk,
            "code": p.code,
            "title": p.title,
            "lead_id": p.lead_id,
            "funding_amount": str(p.funding_amount),
            "funding_mode": p.funding_mode,
            "start_on": p.start_on.isoformat(),
            "accepted_on": p.accepted_on.isoformat() if p.accepted_on else None,
        }
        for p in projects_visible_to(request.user)[:500]
    ]


@router.post("/", response={201: dict}, auth=django_auth, summary="登记科技计划项目（主管部门）")
def create_project(request: AuthedHttpRequest, payload: ProjectIn) -> Status:
    if not services.is_department(request.user):
        raise PermissionDenied(services.ERR_NOT_DEPARTMENT)
    achievements = Achievement.objects.in_bulk(
        [d.achievement_id for d in payload.duties if d.achievement_id is not None]
    )
    data = services.ProjectInput(
        programme=payload.programme,
        code=payload.code,
        title=payload.title,
        lead=get_object_or_404(Organisation, pk=payload.lead_id),
        funding_amount=payload.funding_amount,
        start_on=payload.start_on,
        acceptance_due_on=payload.acceptance_due_on,
        funding_mode=payload.funding_mode,
        is_enterprise_led=payload.is_enterprise_led,
        is_applied=payload.is_applied,
        partners=list(Organisation.objects.filter(pk__in=payload.partner_ids)),
        duties=[
            services.DutyInput(
                description=d.description,
                due_on=d.due_on,
                achievement=achievements.get(d.achievement_id) if d.achievement_id else None,
                required_count=d.required_count,
            )
            for d in payload.duties
        ],
    )
    project = services.project_create(user=request.user, data=data)
    return Status(201, _project_out(project))


@router.get("/performance", response=list[dict], auth=django_auth, summary="单位绩效评价")
def performance(request: AuthedHttpRequest, params: Query[PeriodIn]) -> list[dict[str, Any]]:
    units = None
    if params.unit_id is not None:
        unit = get_object_or_404(Organisation, pk=params.unit_id)
        if not can_see_performance(request.user, unit):
            raise PermissionDenied(ERR_NOT_EVALUATOR)
        units = Organisation.objects.filter(pk=unit.pk)
    elif not can_see_performance(request.user):
        raise PermissionDenied(ERR_NOT_EVALUATOR)
    rows = unit_performance(Period(params.start, params.end), units=units, order_by=params.order)
    return [
        {
            "rank": r.rank,
            "unit_id": r.unit.pk,
            "unit_name": r.unit.name,
            **{k: (money_str(v) if not isinstance(v, int) else v) for k, v in r.figures.items()},
        }
        for r in rows
    ]


@router.get("/{project_id}", response=dict, auth=django_auth, summary="项目详情与验收核查")
def get_project(request: AuthedHttpRequest, project_id: int) -> dict[str, Any]:
    return _project_out(get_object_or_404(projects_visible_to(request.user), pk=project_id))


@router.post(
    "/{project_id}/achievements", response={201: dict}, auth=django_auth, summary="关联项目成果"
)
def link_achievement(request: AuthedHttpRequest, project_id: int, payload: LinkIn) -> Status:
    project = get_object_or_404(projects_visible_to(request.user), pk=project_id)
    achievement = get_object_or_404(Achievement, pk=payload.achievement_id)
    services.project_link_achievement(user=request.user, project=project, achievement=achievement)
    return Status(201, _project_out(project))


@router.post("/{project_id}/accept", response=dict, auth=django_auth, summary="记录验收")
def accept(
    request: AuthedHttpRequest, project_id: int, payload: ProjectAcceptanceIn
) -> dict[str, Any]:
    project = get_object_or_404(projects_visible_to(request.user), pk=project_id)
    data = payload.dict()
    data.pop("accepted_on")
    data["panel"] = [dict(m) for m in data["panel"]]
    project = services.project_accept(
        user=request.user,
        project=project,
        accepted_on=payload.accepted_on,
        acceptance=services.AcceptanceInput(**data),
    )
    return _project_out(project)
