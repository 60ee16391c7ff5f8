"""The demo's 尽职免责 cases and funded projects: rules with time limits, a case in every state
linked to the unit's own records, a decided case filed with the supervising department, projects
accepted by a panel with an enterprise expert, post-evaluated, and an overdue duty reminded;
deleting removes them. Loaded on the demo's organisations and people with a few achievements."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from zhuanhua.achievements.choices import TransferStatus
from zhuanhua.exemption.choices import CaseStatus
from zhuanhua.exemption.models import ExemptionCase, UnitRules
from zhuanhua.ops import demo
from zhuanhua.ops.demo_exemption_projects import exemption_projects_delete, load_exemption_projects
from zhuanhua.ops.demo_government import demo_government
from zhuanhua.projects.models import (
    DutyReminder,
    FundedProject,
    ProjectAcceptance,
    ProjectPostEvaluation,
)
from zhuanhua.projects.selectors import duty_statuses
from zhuanhua.projects.tests.conftest import make_achievement

pytestmark = pytest.mark.django_db


def _achievements(orgs: dict) -> None:
    for key in ("ynu", "yaas", "kust"):
        for i, status in enumerate((TransferStatus.LICENSED, TransferStatus.UNTRANSFERRED)):
            make_achievement(orgs[key], title=f"{key} 成果 {i}", transfer_status=status)


def test_demo_has_cases_in_every_state_and_projects_in_every_stage() -> None:
    today = timezone.localdate()
    orgs = demo._create_organisations()
    password = make_password(demo.DEMO_PASSWORD)
    users = demo._create_users(orgs, password)
    users.update(demo_government(orgs=orgs, password=password)["users"])
    _achievements(orgs)
    counts = load_exemption_projects(today=today, orgs=orgs, users=users)
    assert counts == {"cases": 9, "projects": 5}

    assert set(ExemptionCase.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    rules = UnitRules.objects.filter(kind="exemption_rules")
    assert rules.count() == 2
    assert not rules.filter(investigation_days=None).exists()
    assert not rules.filter(notice=None).exists()
    assert not ExemptionCase.objects.filter(achievement=None).exists()
    for case in ExemptionCase.objects.select_related("achievement"):
        assert case.achievement is not None
        assert case.achievement.owner_id == case.unit_id
    decided = ExemptionCase.objects.filter(status__in=[CaseStatus.DECIDED, CaseStatus.CLOSED])
    assert decided.filter(unit=orgs["ynu"], filed_with__isnull=False).exists()
    assert decided.filter(unit=orgs["yaas"], filed_with=orgs["yaas"].supervisor).exists()
    opened = ExemptionCase.objects.get(unit=orgs["yaas"], status=CaseStatus.INVESTIGATION)
    assert (today - opened.created_at.date()).days > 42  # past the 30 working days

    acceptance = ProjectAcceptance.objects.get(passed=True, transfer_finding="met")
    assert acceptance.enterprise_experts
    assert ProjectPostEvaluation.objects.filter(project=acceptance.project).exists()
    assert ProjectAcceptance.objects.filter(passed=False).exists()
    assert FundedProject.objects.filter(is_enterprise_led=True, acceptance=None).exists()
    assert DutyReminder.objects.exists()
    states = [s for p in FundedProject.objects.all() for s in duty_statuses(p, today)]
    assert any(s.met for s in states)
    assert any(s.overdue for s in states)
    assert any(not s.met and not s.overdue for s in states)

    exemption_projects_delete(list(orgs.values()))
    assert not ExemptionCase.objects.exists()
    assert not UnitRules.objects.exists()
    assert not FundedProject.objects.exists()
