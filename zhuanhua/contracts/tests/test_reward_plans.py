"""横向 income and reward plans (奖酬金分配方案): filed with the supervising department (or the
provincial department), acknowledged by its reviewers; measure 6 floors kept with the plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.contracts import selectors, services
from zhuanhua.contracts.services import PlanInput
from zhuanhua.contracts.tests.conftest import contract_input, pdf
from zhuanhua.notifications.models import Notification


def plan_input(**overrides: Any) -> PlanInput:
    data: dict[str, Any] = {
        "income_kind": "licence",
        "subject": "固态储氢材料许可收入 2026 年度分配",
        "income_amount": "100000",
        "costs_amount": "20000",
        "researcher_amount": "40000",
        "transfer_staff_amount": "4000",
        "unit_amount": "36000",
        "decided_on": dt.date(2026, 3, 1),
        "staff_reward_chosen": True,
    }
    data.update(overrides)
    return PlanInput(**data)


@pytest.fixture
def supervised_unit(unit_a: Any, supervisor: Any) -> Any:
    unit_a.supervisor = supervisor
    unit_a.save()
    return unit_a


def test_plan_is_filed_with_the_supervising_department_and_acknowledged(
    supervised_unit: Any, manager_a: Any, supervisor_reviewer: Any, reviewer: Any
) -> None:
    plan = services.reward_plan_file(user=manager_a, data=plan_input())
    assert plan.filed_with == supervised_unit.supervisor
    assert plan.net_income_amount == Decimal("80000.00")
    assert plan.warnings == []
    assert Notification.objects.filter(user=supervisor_reviewer, title__contains="待备案").exists()
    assert list(selectors.filing_queue(supervisor_reviewer)) == [plan]
    with pytest.raises(PermissionDenied):  # the provincial department is not where it was filed
        services.reward_plan_acknowledge(user=reviewer, plan=plan)
    with pytest.raises(PermissionDenied):
        services.reward_plan_acknowledge(user=manager_a, plan=plan)
    done = services.reward_plan_acknowledge(user=supervisor_reviewer, plan=plan, note="已备案")
    assert done.status == "acknowledged"
    assert Notification.objects.filter(user=manager_a, title__contains="已备案").exists()
    with pytest.raises(ValidationError):
        services.reward_plan_acknowledge(user=supervisor_reviewer, plan=plan)


def test_unit_without_supervisor_files_with_the_provincial_department(
    unit_a: Any, manager_a: Any, department: Any, reviewer: Any
) -> None:
    plan = services.reward_plan_file(user=manager_a, data=plan_input())
    assert plan.filed_with == department
    services.reward_plan_acknowledge(user=reviewer, plan=plan)


def test_supervisor_sees_only_plans_filed_with_it(
    supervised_unit: Any, manager_a: Any, manager_b: Any, supervisor_reviewer: Any, department: Any
) -> None:
    mine = services.reward_plan_file(user=manager_a, data=plan_input())
    other = services.reward_plan_file(user=manager_b, data=plan_input())
    assert other.filed_with == department
    assert list(selectors.plans_visible_to(supervisor_reviewer)) == [mine]
    assert list(selectors.plans_visible_to(manager_b)) == [other]


def test_industry_plan_on_a_registered_contract_checks_seventy_percent(
    supervised_unit: Any, manager_a: Any, submitted: Any, clerk: Any
) -> None:
    services.contract_register(
        user=clerk, contract=submitted, contract_type="development", transaction_amount="200000"
    )
    services.income_record(
        user=manager_a, contract=submitted, received_on=dt.date(2026, 3, 20), amount="100000"
    )
    row = selectors.industry_contracts(supervised_unit).get()
    assert row.received_amount == Decimal("100000.00")  # type: ignore[attr-defined]
    # 100 000 − 10 000 = 90 000 net; 70 % = 63 000; the unit keeps 27 000 before staff.
    plan = services.reward_plan_file(
        user=manager_a,
        data=plan_input(
            income_kind="industry",
            contract=submitted,
            income_amount="100000",
            costs_amount="10000",
            researcher_amount="60000",
            transfer_staff_amount="2000",
            unit_amount="28000",
        ),
    )
    assert plan.registered is True
    assert [w["code"] for w in plan.warnings] == ["researcher_floor", "transfer_staff_floor"]
    assert "63000.00" in plan.warnings[0]["message"]


def test_industry_plan_on_an_unregistered_contract_notes_no_floor(
    supervised_unit: Any, manager_a: Any
) -> None:
    recorded = services.contract_submit_for_registration(
        user=manager_a,
        data=contract_input(industry_project=True, declared_type="consulting"),
        registrar=None,
        signed_pdf=pdf(),
        submit=False,
    )
    plan = services.reward_plan_file(
        user=manager_a,
        data=plan_input(
            income_kind="industry",
            contract=recorded,
            researcher_amount="10000",
            transfer_staff_amount="0",
            unit_amount="70000",
            staff_reward_chosen=False,
        ),
    )
    assert plan.warnings == []
    assert plan.notes
    assert "不适用 70%" in plan.notes[0]


def test_plan_refusals(supervised_unit: Any, manager_a: Any, enterprise_staff: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.reward_plan_file(user=enterprise_staff, data=plan_input())
    with pytest.raises(ValidationError) as exc:
        services.reward_plan_file(user=manager_a, data=plan_input(unit_amount="35999.99"))
    assert "researcher_amount" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.reward_plan_file(user=manager_a, data=plan_input(costs_amount="100000.01"))
    assert "costs_amount" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.reward_plan_file(user=manager_a, data=plan_input(income_kind="industry"))
    assert services.ERR_PLAN_CONTRACT in exc.value.message_dict["contract"]


def test_income_refusals(manager_a: Any, manager_b: Any, registrar: Any, submitted: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.income_record(
            user=manager_b, contract=submitted, received_on=dt.date(2026, 3, 3), amount="1"
        )
    with pytest.raises(ValidationError) as exc:
        services.income_record(
            user=manager_a, contract=submitted, received_on=dt.date(2026, 2, 1), amount="1"
        )
    assert services.ERR_INCOME_BEFORE_SIGN in exc.value.message_dict["received_on"]
    not_industry = services.contract_submit_for_registration(
        user=manager_a, data=contract_input(), registrar=registrar, signed_pdf=pdf()
    )
    with pytest.raises(ValidationError) as exc:
        services.income_record(
            user=manager_a, contract=not_industry, received_on=dt.date(2026, 3, 3), amount="1"
        )
    assert services.ERR_NOT_INDUSTRY in exc.value.message_dict["contract"]
