"""Writes of the projects app: register a project with its transfer duties, link the
achievements it produced, record acceptance. Each write checks who acts, locks, saves and
audits in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhuanhua.accounts.models import User
from zhuanhua.achievements.models import Achievement
from zhuanhua.audit.services import audit_record
from zhuanhua.core.inputs import clean_date, clean_money, clean_text
from zhuanhua.organisations.models import Organisation
from zhuanhua.projects.choices import FundingMode
from zhuanhua.projects.models import FundedProject, ProjectAchievement, TransferDuty

ERR_NOT_DEPARTMENT = "只有主管部门审核员可以登记或验收科技计划项目"
ERR_NOT_PROJECT_EDITOR = (
    "只有项目牵头或参与单位的成果管理员、机构管理员或主管部门审核员可以关联成果"
)
ERR_ACHIEVEMENT_NOT_PARTY = "只能关联项目牵头单位或参与单位的成果"
ERR_ALREADY_LINKED = "该成果已关联到本项目"
ERR_ALREADY_ACCEPTED = "项目已验收"
ERR_REQUIRED = "此项为必填项"
ERR_AMOUNT = "金额应为大于 0、最多两位小数的数字"
ERR_CHOICE = "无效的选项"
ERR_DATES = "计划验收日期不能早于立项日期"
ERR_DUE_BEFORE_START = "转化期限不能早于立项日期"
ERR_ACCEPT_BEFORE_START = "验收日期不能早于立项日期"
ERR_LEAD_NOT_ENTERPRISE = "标记为企业牵头的项目，牵头单位须为企业"
ERR_DUTY_ACHIEVEMENT = "指定成果须属于项目牵头或参与单位"
ERR_NO_DUTY = "应用技术类项目须在立项时约定至少一项转化义务"
ERR_COUNT = "应转化成果数应为 1–99"

ENTERPRISE_TYPES = {"enterprise", "state_enterprise"}
CENT = Decimal("0.01")


def is_department(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_reviewer


def can_link(user: User, project: FundedProject) -> bool:
    if is_department(user):
        return True
    if not getattr(user, "is_authenticated", False) or not user.can_edit_achievements:
        return False
    return user.organisation_id in party_ids(project)


@dataclass(frozen=True)
class DutyInput:
    """A transfer duty as the form or the API delivers it (the achievement looked up)."""

    description: str
    due_on: dt.date | None
    achievement: Achievement | None = None
    required_count: int = 1


@dataclass(frozen=True)
class ProjectInput:
    """A funded project as the form or the API schema delivers it, each field of its type (the
    lead and partners looked up); the service checks the rules that relate them."""

    programme: str
    code: str
    title: str
    lead: Organisation | None
    funding_amount: Decimal | None
    start_on: dt.date | None
    acceptance_due_on: dt.date | None
    funding_mode: str = FundingMode.GRANT
    is_enterprise_led: bool = False
    is_applied: bool = True
    partners: Sequence[Organisation] = ()
    duties: Sequence[DutyInput] = ()


def party_ids(project: FundedProject) -> set[int]:
    return {project.lead_id, *project.partners.values_list("pk", flat=True)}


def _money(value: Any, field: str) -> Decimal:
    """Positive yuan (core.inputs checks the number, two decimals and the column's size)."""
    amount = clean_money(value, field)
    if not amount:
        raise ValidationError({field: ERR_AMOUNT})
    return amount


def _date(value: Any, field: str) -> dt.date:
    date = clean_date(value, field)
    assert date is not None  # required
    return date


def _check_duty(
    project_start: dt.date, duty: DutyInput, allowed_orgs: set[int], index: int
) -> dict[str, Any]:
    prefix = f"duties[{index}]."
    description = clean_text(
        duty.description, prefix + "description", limit=500, multiline=True, required=True
    )
    due_on = _date(duty.due_on, prefix + "due_on")
    if due_on < project_start:
        raise ValidationError({prefix + "due_on": ERR_DUE_BEFORE_START})
    achievement = duty.achievement
    if achievement is not None and achievement.owner_id not in allowed_orgs:
        raise ValidationError({prefix + "achievement": ERR_DUTY_ACHIEVEMENT})
    count = duty.required_count or 1
    if not 1 <= count <= 99:
        raise ValidationError({prefix + "required_count": ERR_COUNT})
    return {
        "description": description,
        "due_on": due_on,
        "achievement": achievement,
        "required_count": count,
    }


@transaction.atomic
def project_create(*, user: User, data: ProjectInput) -> FundedProject:
    """Register a project approved by the department, with the transfer duties agreed."""
    if not is_department(user):
        raise PermissionDenied(ERR_NOT_DEPARTMENT)
    for field in ("programme", "code", "title", "lead", "start_on", "acceptance_due_on"):
        if not getattr(data, field):
            raise ValidationError({field: ERR_REQUIRED})
    mode = data.funding_mode or FundingMode.GRANT
    if mode not in FundingMode.values:
        raise ValidationError({"funding_mode": ERR_CHOICE})
    programme = clean_text(data.programme, "programme", limit=200, required=True)
    code = clean_text(data.code, "code", limit=64, required=True)
    title = clean_text(data.title, "title", limit=200, required=True)
    start_on = _date(data.start_on, "start_on")
    due_on = _date(data.acceptance_due_on, "acceptance_due_on")
    if due_on < start_on:
        raise ValidationError({"acceptance_due_on": ERR_DATES})
    lead = data.lead
    if lead is None:  # checked above with the other required fields; narrows the type
        raise ValidationError({"lead": ERR_REQUIRED})
    if data.is_enterprise_led and lead.org_type not in ENTERPRISE_TYPES:
        raise ValidationError({"is_enterprise_led": ERR_LEAD_NOT_ENTERPRISE})
    partners = [p for p in data.partners if p.pk != lead.pk]
    allowed = {lead.pk, *(p.pk for p in partners)}
    checked = [_check_duty(start_on, d, allowed, i) for i, d in enumerate(data.duties)]
    if data.is_applied and not checked:
        raise ValidationError({"duties": ERR_NO_DUTY})
    project = FundedProject.objects.create(
        programme=programme,
        code=code,
        title=title,
        lead=lead,
        is_applied=data.is_applied,
        is_enterprise_led=data.is_enterprise_led,
        funding_amount=_money(data.funding_amount, "funding_amount"),
        funding_mode=mode,
        start_on=start_on,
        acceptance_due_on=due_on,
        created_by=user,
    )
    project.partners.set(partners)
    for duty in checked:
        TransferDuty.objects.create(project=project, **duty)
    audit_record(
        actor=user,
        obj=project,
        action="project.create",
        after={
            "code": project.code,
            "lead": lead.pk,
            "funding_amount": str(project.funding_amount),
            "funding_mode": mode,
            "partners": sorted(allowed - {lead.pk}),
            "duties": [
                {
                    "description": d["description"],
                    "due_on": d["due_on"].isoformat(),
                    "achievement": getattr(d["achievement"], "pk", None),
                    "required_count": d["required_count"],
                }
                for d in checked
            ],
        },
    )
    return project


@transaction.atomic
def duty_add(
    *,
    user: User,
    project: FundedProject,
    description: str,
    due_on: dt.date,
    achievement: Achievement | None = None,
    required_count: int = 1,
) -> TransferDuty:
    if not is_department(user):
        raise PermissionDenied(ERR_NOT_DEPARTMENT)
    project = FundedProject.objects.select_for_update().get(pk=project.pk)
    checked = _check_duty(
        project.start_on,
        DutyInput(description, due_on, achievement, required_count),
        party_ids(project),
        0,
    )
    duty = TransferDuty.objects.create(project=project, **checked)
    audit_record(
        actor=user,
        obj=duty,
        action="project.duty_add",
        after={
            "project": project.pk,
            "description": duty.description,
            "due_on": duty.due_on.isoformat(),
        },
    )
    return duty


@transaction.atomic
def project_link_achievement(
    *, user: User, project: FundedProject, achievement: Achievement
) -> ProjectAchievement:
    """Record that ``achievement`` was produced by ``project``."""
    if not can_link(user, project):
        raise PermissionDenied(ERR_NOT_PROJECT_EDITOR)
    project = FundedProject.objects.select_for_update().get(pk=project.pk)
    if achievement.owner_id not in party_ids(project):
        raise ValidationError({"achievement": ERR_ACHIEVEMENT_NOT_PARTY})
    if not is_department(user) and achievement.owner_id != user.organisation_id:
        raise ValidationError({"achievement": ERR_ACHIEVEMENT_NOT_PARTY})
    if ProjectAchievement.objects.filter(project=project, achievement=achievement).exists():
        raise ValidationError({"achievement": ERR_ALREADY_LINKED})
    link = ProjectAchievement.objects.create(
        project=project, achievement=achievement, linked_by=user
    )
    audit_record(
        actor=user,
        obj=link,
        action="project.link_achievement",
        after={"project": project.pk, "achievement": achievement.pk},
    )
    return link


@transaction.atomic
def project_accept(*, user: User, project: FundedProject, accepted_on: dt.date) -> FundedProject:
    if not is_department(user):
        raise PermissionDenied(ERR_NOT_DEPARTMENT)
    project = FundedProject.objects.select_for_update().get(pk=project.pk)
    if project.accepted_on is not None:
        raise ValidationError({"accepted_on": ERR_ALREADY_ACCEPTED})
    accepted_on = _date(accepted_on, "accepted_on")
    if accepted_on < project.start_on:
        raise ValidationError({"accepted_on": ERR_ACCEPT_BEFORE_START})
    project.accepted_on = accepted_on
    project.save(update_fields=["accepted_on"])
    audit_record(
        actor=user,
        obj=project,
        action="project.accept",
        after={"accepted_on": accepted_on.isoformat()},
    )
    return project
