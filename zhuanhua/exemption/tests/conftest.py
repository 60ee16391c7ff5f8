"""Fixtures of the exemption tests: a case handler (机构管理员) of unit A, people concerned, a case
carried to each step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

START = dt.date(2025, 9, 1)  # Monday; 5 working days end on Monday 2025-09-08
END = dt.date(2025, 9, 8)
AFTER = END + dt.timedelta(days=1)

DILIGENT = {
    "democratic_procedure": True,
    "reasonable_care": True,
    "supervision": True,
    "no_illegal_gain": True,
}

CASE_DATA = {
    "title": "某专利许可项目收益未达预期",
    "activity_kind": "licence",
    "activity_description": "2023 年以协议定价方式许可昆明某企业实施专利，被许可方经营不善停产。",
    "loss_amount": Decimal("350000.00"),
    "loss_description": "约定的收入提成未能收取。",
    "state_established": True,
}


@pytest.fixture
def handler_a(unit_a: Any, make_user: Any) -> Any:
    return make_user("handler_a", unit_a, ["org_admin"])


@pytest.fixture
def handler_b(unit_b: Any, make_user: Any) -> Any:
    return make_user("handler_b", unit_b, ["org_admin"])


@pytest.fixture
def leader_user(unit_a: Any, make_user: Any) -> Any:
    return make_user("leader_a", unit_a, ["researcher"])


@pytest.fixture
def researcher_user(unit_a: Any, make_user: Any) -> Any:
    return make_user("researcher_a", unit_a, ["researcher"])


@pytest.fixture
def case(handler_a: Any) -> Any:
    from zhuanhua.exemption.services import case_create

    return case_create(user=handler_a, data=dict(CASE_DATA))


@pytest.fixture
def leader(case: Any, handler_a: Any, leader_user: Any) -> Any:
    from zhuanhua.exemption.services import person_add

    return person_add(
        user=handler_a,
        case=case,
        data={"role": "leader", "user": leader_user.pk, "position": "副校长"},
    )


@pytest.fixture
def manager(case: Any, handler_a: Any) -> Any:
    from zhuanhua.exemption.services import person_add

    return person_add(
        user=handler_a,
        case=case,
        data={"role": "manager", "name": "李四", "position": "技术转移中心主任"},
    )


@pytest.fixture
def researcher(case: Any, handler_a: Any, researcher_user: Any) -> Any:
    from zhuanhua.exemption.services import person_add

    return person_add(
        user=handler_a, case=case, data={"role": "researcher", "user": researcher_user}
    )


def decide_all(handler: Any, persons: list[Any]) -> None:
    from zhuanhua.exemption.services import checklist_save, person_decide

    checklists: dict[str, dict[str, Any]] = {
        "leader": {"diligence": DILIGENT, "grounds": ["7.7"]},
        "manager": {"diligence": DILIGENT, "grounds": ["8.4"]},
        "researcher": {"diligence": DILIGENT, "minor_fault": True},
    }
    for person in persons:
        person = checklist_save(user=handler, person=person, checklist=checklists[person.role])
        person_decide(user=handler, person=person, decision="exempt")


@pytest.fixture
def concluded(case: Any, handler_a: Any, leader: Any, manager: Any, researcher: Any) -> Any:
    from zhuanhua.exemption.services import case_conclude

    decide_all(handler_a, [leader, manager, researcher])
    return case_conclude(user=handler_a, case=case)


@pytest.fixture
def in_publicity(concluded: Any, handler_a: Any) -> Any:
    from zhuanhua.exemption.services import case_publicise

    return case_publicise(user=handler_a, case=concluded, starts_on=START, today=START)
