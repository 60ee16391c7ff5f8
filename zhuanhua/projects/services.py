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

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.models import User
from zhuanhua.achievements.models import Achievement
from zhuanhua.audit.services import audit_record
from zhuanhua.core.inputs import clean_date, clean_money, clean_text
from zhuanhua.notifications.services import notify
from zhuanhua.organisations.models import Organisation
from zhuanhua.projects.choices import FundingMode, PostRating, TransferFinding
from zhuanhua.projects.models import (
    FundedProject,
    ProjectAcceptance,
    ProjectAchievement,
    ProjectPostEvaluation,
    TransferDuty,
)

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


@dataclass(frozen=True)
class AcceptanceInput:
    """The acceptance panel and its findings (measure 5), as the form or the API delivers them."""

    panel: Sequence[dict[str, Any]]  # {name, employer, enterprise: bool}
    transfer_finding: str
    opinion: str
    passed: bool = True
    transfer_notes: str = ""
    ip_count: int = 0
    ip_notes: str = ""
    contracts_registered: int = 0
    registration_notes: str = ""


ERR_PANEL_SIZE = "验收专家组至少 3 人"
ERR_PANEL_ENTERPRISE = "验收专家组须有企业专家（第五条）"
ERR_NOT_ACCEPTED = "项目验收通过后才能进行后评价"
ERR_POST_TOO_EARLY = "后评价须在验收满一年后进行（{day} 起）"
ERR_POST_DONE = "项目已完成后评价"
ERR_COUNT_FIELD = "应为 0 或正整数"


def _clean_panel(panel: Sequence[dict[str, Any]], errors: dict[str, list[str]]) -> list[dict]:
    members = []
    for row in panel:
        name = clean_text(row.get("name"), "panel", limit=60)
        if not name:
            continue
        employer = clean_text(row.get("employer"), "panel", limit=200)
        members.append(
            {"name": name, "employer": employer, "enterprise": bool(row.get("enterprise"))}
        )
    if len(members) < 3:
        errors.setdefault("panel", []).append(ERR_PANEL_SIZE)
    elif not any(m["enterprise"] for m in members):
        errors.setdefault("panel", []).append(ERR_PANEL_ENTERPRISE)
    return members


def _count(value: Any, field: str, errors: dict[str, list[str]]) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        errors.setdefault(field, []).append(ERR_COUNT_FIELD)
        return 0
    return number


def _lead_admins(project: FundedProject) -> list[User]:
    people = User.objects.filter(organisation_id=project.lead_id, is_active=True)
    return [u for u in people if u.has_role(Role.ORG_ADMIN, Role.ACHIEVEMENT_MANAGER)]


def project_accept(
    *,
    user: User,
    project: FundedProject,
    accepted_on: dt.date,
    acceptance: AcceptanceInput,
) -> FundedProject:
    """Acceptance by a panel with enterprise experts (measure 5) and its findings on transfer,
    IP and contract registration; a passed acceptance sets the project's acceptance date."""
    if not is_department(user):
        raise PermissionDenied(ERR_NOT_DEPARTMENT)
    errors: dict[str, list[str]] = {}
    panel = _clean_panel(acceptance.panel, errors)
    if acceptance.transfer_finding not in TransferFinding.values:
        errors.setdefault("transfer_finding", []).append(ERR_CHOICE)
    opinion = clean_text(acceptance.opinion, "opinion", limit=2000, multiline=True)
    if not opinion:
        errors.setdefault("opinion", []).append(ERR_REQUIRED)
    notes = {
        name: clean_text(getattr(acceptance, name), name, limit=2000, multiline=True)
        for name in ("transfer_notes", "ip_notes", "registration_notes")
    }
    counts = {
        name: _count(getattr(acceptance, name), name, errors)
        for name in ("ip_count", "contracts_registered")
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = FundedProject.objects.select_for_update().get(pk=project.pk)
        if project.accepted_on is not None or hasattr(project, "acceptance"):
            raise ValidationError({"accepted_on": ERR_ALREADY_ACCEPTED})
        accepted_on = _date(accepted_on, "accepted_on")
        if accepted_on < project.start_on:
            raise ValidationError({"accepted_on": ERR_ACCEPT_BEFORE_START})
        record = ProjectAcceptance.objects.create(
            project=project,
            held_on=accepted_on,
            panel=panel,
            transfer_finding=acceptance.transfer_finding,
            passed=acceptance.passed,
            opinion=opinion,
            recorded_by=user,
            **notes,
            **counts,
        )
        if acceptance.passed:
            project.accepted_on = accepted_on
            project.save(update_fields=["accepted_on"])
        audit_record(
            actor=user,
            obj=project,
            action="project.accept",
            after={
                "accepted_on": accepted_on.isoformat(),
                "passed": record.passed,
                "panel": panel,
                "transfer_finding": record.transfer_finding,
                **counts,
            },
        )
        verdict = "通过" if record.passed else "未通过"
        notify(
            users=_lead_admins(project),
            kind="project",
            title=f"科技计划项目验收{verdict}：{project.code} {project.title}",
            body=f"转化情况：{record.get_transfer_finding_display()}。{opinion}",
            url=f"/projects/{project.pk}/",
        )
    return project


def post_evaluation_earliest(held_on: dt.date) -> dt.date:
    """A year after acceptance (29 February → 28 February of the next year)."""
    try:
        return held_on.replace(year=held_on.year + 1)
    except ValueError:
        return held_on.replace(year=held_on.year + 1, day=28)


def project_post_evaluate(
    *,
    user: User,
    project: FundedProject,
    evaluated_on: Any,
    rating: str,
    transfer_progress: str,
    findings: str = "",
) -> ProjectPostEvaluation:
    """The post-evaluation (后评价) of an accepted project, a year after its acceptance."""
    if not is_department(user):
        raise PermissionDenied(ERR_NOT_DEPARTMENT)
    errors: dict[str, list[str]] = {}
    if rating not in PostRating.values:
        errors.setdefault("rating", []).append(ERR_CHOICE)
    progress = clean_text(transfer_progress, "transfer_progress", limit=2000, multiline=True)
    if not progress:
        errors.setdefault("transfer_progress", []).append(ERR_REQUIRED)
    findings = clean_text(findings, "findings", limit=2000, multiline=True)
    day = _date(evaluated_on, "evaluated_on")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = FundedProject.objects.select_for_update().get(pk=project.pk)
        acceptance = ProjectAcceptance.objects.filter(project=project, passed=True).first()
        if acceptance is None:
            raise ValidationError({"evaluated_on": [ERR_NOT_ACCEPTED]})
        if ProjectPostEvaluation.objects.filter(project=project).exists():
            raise ValidationError({"evaluated_on": [ERR_POST_DONE]})
        earliest = post_evaluation_earliest(acceptance.held_on)
        if day < earliest:
            raise ValidationError(
                {"evaluated_on": [ERR_POST_TOO_EARLY.format(day=earliest.isoformat())]}
            )
        record = ProjectPostEvaluation.objects.create(
            project=project,
            evaluated_on=day,
            rating=rating,
            transfer_progress=progress,
            findings=findings,
            recorded_by=user,
        )
        audit_record(
            actor=user,
            obj=project,
            action="project.post_evaluate",
            after={"evaluated_on": day.isoformat(), "rating": rating},
        )
        notify(
            users=_lead_admins(project),
            kind="project",
            title=f"科技计划项目后评价：{project.code} {record.get_rating_display()}",
            body=progress,
            url=f"/projects/{project.pk}/",
        )
    return record
