"""The checklist feeds the pure evaluator; its recommendation is stored with reasons and articles,
and the people decide."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from zhuanhua.engines import exemption as engine
from zhuanhua.exemption import services as s
from zhuanhua.exemption.selectors import article_texts, checklist_items, recorded_dissents
from zhuanhua.exemption.tests.conftest import DILIGENT, START

pytestmark = pytest.mark.django_db


def test_leader_with_recorded_dissent_is_recommended_exempt(
    handler_a: Any, leader: Any, case: Any
) -> None:
    s.minutes_add(
        user=handler_a,
        case=case,
        data={"held_on": START, "subject": "2023 年第 5 次校长办公会：专利许可定价"},
        opinions=[
            {"person": leader.pk, "stance": "oppose", "text": "被许可方资信不足，反对以该价格许可"},
            {"speaker": "王副校长", "stance": "agree"},
        ],
    )
    assert [o.text for _, o in recorded_dissents(case)[leader.pk]] == [
        "被许可方资信不足，反对以该价格许可"
    ]
    person = s.checklist_save(
        user=handler_a, person=leader, checklist={"diligence": DILIGENT, "grounds": ["7.7"]}
    )
    expected = engine.run(
        {
            "unit_type": "university",
            "state_established": True,
            "role": "leader",
            "diligence": DILIGENT,
            "grounds": ["7.7"],
        }
    )
    assert person.recommendation == expected
    assert person.recommendation["decision"] == "exempt"
    assert person.recommendation["articles"] == ["2", "6", "7.7"]
    texts = article_texts(person.recommendation["articles"])
    assert texts[2]["code"] == "7.7"
    assert texts[2]["label"] == "第七条第（七）项"
    assert "明确的反对意见（有会议记录）" in texts[2]["text"]
    assert texts[2]["text"].startswith("（七）")


@pytest.mark.parametrize(
    ("role", "checklist", "decision", "first_reason"),
    [
        ("manager", {"diligence": DILIGENT, "grounds": ["8.7"]}, "exempt", "diligence"),
        (
            "manager",
            {"diligence": DILIGENT, "grounds": ["7.1"]},
            "not_exempt",
            "no_ground_for_role",
        ),
        ("researcher", {"diligence": DILIGENT, "minor_fault": True}, "exempt", "diligence"),
        ("researcher", {"diligence": DILIGENT}, "not_exempt", "no_ground_for_role"),
        (
            "leader",
            {"diligence": DILIGENT, "grounds": ["7.3"], "exclusions": ["10.4"]},
            "not_exempt",
            "exclusion:10.4",
        ),
        (
            "leader",
            {"diligence": DILIGENT, "grounds": ["7.3"], "intentional": True},
            "not_exempt",
            "intentional",
        ),
        (
            "leader",
            {"diligence": {**DILIGENT, "no_illegal_gain": False}, "grounds": ["7.3"]},
            "not_exempt",
            "diligence_missing:no_illegal_gain",
        ),
    ],
)
def test_each_path_through_the_engine(
    handler_a: Any,
    case: Any,
    role: str,
    checklist: dict[str, Any],
    decision: str,
    first_reason: str,
) -> None:
    person = s.person_add(user=handler_a, case=case, data={"role": role, "name": "某人"})
    person = s.checklist_save(user=handler_a, person=person, checklist=checklist)
    assert person.recommendation["decision"] == decision
    assert person.recommendation["reasons"][0]["code"] == first_reason


def test_bad_checklist_is_a_validation_error(handler_a: Any, leader: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        s.checklist_save(
            user=handler_a, person=leader, checklist={"diligence": DILIGENT, "grounds": ["9.1"]}
        )
    assert exc.value.message_dict["checklist"][0].startswith("grounds[0]")
    with pytest.raises(ValidationError):
        s.checklist_save(user=handler_a, person=leader, checklist={"diligence": {}})


def test_checklist_items_by_role() -> None:
    leader = checklist_items("leader")
    assert [g["code"] for g in leader["grounds"]] == [f"7.{i}" for i in range(1, 9)]
    assert [g["code"] for g in checklist_items("manager")["grounds"]] == [
        f"8.{i}" for i in range(1, 10)
    ]
    assert checklist_items("researcher")["grounds"] == []
    assert "10.1" in [e["code"] for e in leader["exclusions"]]
    assert "10.1" not in [e["code"] for e in checklist_items("researcher")["exclusions"]]
    assert len(leader["conditions"]) == 4


def test_the_unit_decides_against_the_recommendation_with_a_reason(
    handler_a: Any, researcher: Any
) -> None:
    person = s.checklist_save(
        user=handler_a, person=researcher, checklist={"diligence": DILIGENT, "minor_fault": True}
    )
    person = s.person_decide(
        user=handler_a, person=person, decision="not_exempt", reason="经听证，过错情节并非较轻"
    )
    assert (person.recommended, person.decision) == ("exempt", "not_exempt")
