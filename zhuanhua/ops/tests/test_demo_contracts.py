"""The demo's technology contracts: registrations in every state (submitted, overdue, registered,
returned), 横向 contracts with income, reward plans filed and acknowledged; deleting removes them.
Loaded on the demo's organisations and people alone (the other demo parts are tested beside)."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from zhuanhua.contracts.choices import FilingStatus, RegistrationStatus
from zhuanhua.contracts.models import RewardPlan, TechnologyContract
from zhuanhua.contracts.services import default_registrar
from zhuanhua.ops import demo
from zhuanhua.ops.demo_contracts import contracts_delete, load_contracts
from zhuanhua.ops.demo_government import demo_government

pytestmark = pytest.mark.django_db


def test_demo_has_registrations_in_every_state_and_reward_plans() -> None:
    today = timezone.localdate()
    orgs = demo._create_organisations()
    password = make_password(demo.DEMO_PASSWORD)
    users = demo._create_users(orgs, password)
    users.update(demo_government(orgs=orgs, password=password)["users"])
    counts = load_contracts(today=today, orgs=orgs, users=users, password=password)
    assert counts["plans"] == 4
    statuses = set(TechnologyContract.objects.values_list("status", flat=True))
    assert statuses == set(RegistrationStatus.values)
    submitted = TechnologyContract.objects.filter(status=RegistrationStatus.SUBMITTED)
    assert submitted.filter(due_on__lt=today).exists()  # overdue
    assert submitted.filter(due_on__gte=today).exists()  # within the ten working days
    assert TechnologyContract.objects.filter(industry_project=True, incomes__isnull=False).exists()
    assert TechnologyContract.objects.exclude(amount_reason="").exists()
    assert set(RewardPlan.objects.values_list("status", flat=True)) == set(FilingStatus.values)
    assert RewardPlan.objects.exclude(warnings=[]).exists()
    registrar = default_registrar()
    assert registrar is not None
    assert registrar.members.filter(username="registrar_clerk").exists()
    contracts_delete(orgs.values())
    assert not TechnologyContract.objects.exists()
    assert not RewardPlan.objects.exists()
    assert default_registrar() is None
