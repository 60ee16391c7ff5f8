"""尽职免责 (云科规〔2025〕4号 articles 2, 6–10): every path of the decision."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from zhuanhua.engines.common import InputError
from zhuanhua.engines.exemption import evaluate, load_articles, run

ZHUANHUA = str(Path(sys.executable).with_name("zhuanhua"))

CONDITIONS = ("democratic_procedure", "reasonable_care", "supervision", "no_illegal_gain")
LEADER_GROUNDS = [f"7.{i}" for i in range(1, 9)]
MANAGER_GROUNDS = [f"8.{i}" for i in range(1, 10)]
EXCLUSIONS = [f"10.{i}" for i in range(1, 7)]


def case(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "unit_type": "university",
        "state_established": True,
        "role": "leader",
        "diligence": dict.fromkeys(CONDITIONS, True),
        "intentional": False,
        "grounds": ["7.3"],
        "exclusions": [],
        "minor_fault": False,
    }
    doc.update(overrides)
    return doc


def codes(result: dict[str, Any]) -> list[str]:
    return [reason["code"] for reason in result["reasons"]]


# --- the data file -------------------------------------------------------------------------


def test_articles_list_applicable_unit_types_of_article_2() -> None:
    data = load_articles()
    assert [u["code"] for u in data["applicability"]["unit_types"]] == [
        "university",
        "research_institute",
        "medical_institution",
        "state_enterprise",
    ]
    assert data["applicability"]["article"] == "2"


def test_articles_do_not_make_new_rnd_institutions_applicable() -> None:
    data = load_articles()
    applicable = {u["code"] for u in data["applicability"]["unit_types"]}
    others = {u["code"] for u in data["applicability"]["other_unit_types"]}
    assert "new_rnd_institution" not in applicable
    assert "new_rnd_institution" in others
    assert "新型研发机构" not in data["applicability"]["text"]


def test_articles_diligence_conditions_with_chinese_text() -> None:
    conditions = load_articles()["diligence"]["conditions"]
    assert [(c["code"], c["text"]) for c in conditions] == [
        ("democratic_procedure", "履行了民主决策程序"),
        ("reasonable_care", "履行了合理注意义务"),
        ("supervision", "履行了监督管理职责"),
        ("no_illegal_gain", "不存在牟取非法利益情况"),
    ]


def test_articles_ground_codes_per_role() -> None:
    grounds = load_articles()["grounds"]
    assert [(g["article"], g["role"]) for g in grounds] == [
        ("7", "leader"),
        ("8", "manager"),
        ("9", "researcher"),
    ]
    assert [i["code"] for i in grounds[0]["items"]] == LEADER_GROUNDS
    assert [i["code"] for i in grounds[1]["items"]] == MANAGER_GROUNDS
    assert grounds[2]["items"] == []


def test_articles_item_seven_printed_as_ten_is_labelled_seven() -> None:
    grounds = load_articles()["grounds"]
    leader_7 = grounds[0]["items"][6]
    manager_7 = grounds[1]["items"][6]
    assert leader_7["label"] == "（七）"
    assert leader_7["text"].startswith("领导人员在参与职务科技成果转化决策时，发表了明确的反对意见")
    assert manager_7["label"] == "（七）"
    assert manager_7["text"].startswith("管理人员虽已履行关联交易相关规定程序")
    assert grounds[0]["items"][7]["text"] == "其他法律法规规定的可予免责的情形"
    assert grounds[1]["items"][8]["text"] == "其他法律法规规定的可予免责的情形"


def test_articles_exclusions_of_article_10() -> None:
    exclusions = load_articles()["exclusions"]
    assert exclusions["article"] == "10"
    assert [i["code"] for i in exclusions["items"]] == EXCLUSIONS
    assert exclusions["items"][4]["text"] == "科技成果转化参与人员违反任职回避和履职回避等相关规定"
    assert exclusions["items"][5]["text"] == "违反法律法规等的其他情形"


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k in ("text", "label") and isinstance(v, str)]
        return found + [t for v in node.values() for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return []


def test_articles_texts_have_no_scan_artifacts() -> None:
    texts = _texts(load_articles())
    assert len(texts) == 1 + 4 + 6 + 3 + 1 + 4 + 3 + 8 * 2 + 9 * 2 + 1 + 6 * 2
    for text in texts:
        for artifact in (" ", ",", ":", ";", "(", ")", "（十）", "\n"):
            assert artifact not in text, (artifact, text)


def test_load_articles_returns_a_copy() -> None:
    first = load_articles()
    first["diligence"]["conditions"].clear()
    assert len(load_articles()["diligence"]["conditions"]) == 4


# --- article 2 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "unit_type", ["enterprise", "new_rnd_institution", "service_agency", "other"]
)
def test_unit_type_outside_article_2_is_not_applicable(unit_type: str) -> None:
    result = run(case(unit_type=unit_type))
    assert result["decision"] == "not_applicable"
    assert codes(result) == ["not_applicable_unit"]
    assert result["articles"] == ["2"]


def test_not_applicable_reason_text_names_the_unit_type() -> None:
    assert run(case(unit_type="new_rnd_institution"))["reasons"] == [
        {
            "code": "not_applicable_unit",
            "text": "单位类型“新型研发机构”不在第二条列举的范围内：第二条适用于国家设立的高等学校、"
            "科研院所、医疗卫生机构等事业单位，以及国有企业",
        }
    ]


@pytest.mark.parametrize(
    "unit_type", ["university", "research_institute", "medical_institution", "state_enterprise"]
)
def test_not_state_established_is_not_applicable(unit_type: str) -> None:
    result = run(case(unit_type=unit_type, state_established=False))
    assert result == {
        "decision": "not_applicable",
        "reasons": [
            {
                "code": "not_applicable_unit",
                "text": "单位不是国家设立的事业单位或国有企业：第二条适用于国家设立的高等学校、"
                "科研院所、医疗卫生机构等事业单位，以及国有企业",
            }
        ],
        "articles": ["2"],
    }


def test_not_applicable_wins_over_exclusions() -> None:
    result = run(case(unit_type="enterprise", exclusions=["10.4"], intentional=True))
    assert result["decision"] == "not_applicable"
    assert codes(result) == ["not_applicable_unit"]


@pytest.mark.parametrize(
    "unit_type", ["university", "research_institute", "medical_institution", "state_enterprise"]
)
def test_each_applicable_unit_type_can_be_exempt(unit_type: str) -> None:
    assert run(case(unit_type=unit_type))["decision"] == "exempt"


# --- article 10 ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", EXCLUSIONS)
def test_each_exclusion_makes_not_exempt(code: str) -> None:
    result = run(case(exclusions=[code]))
    assert result["decision"] == "not_exempt"
    assert codes(result) == [f"exclusion:{code}"]
    assert result["articles"] == ["2", code]


def test_exclusion_reason_text() -> None:
    assert run(case(exclusions=["10.5"]))["reasons"] == [
        {
            "code": "exclusion:10.5",
            "text": "存在第十条第（五）项不得认定为尽职免责的情形："
            "科技成果转化参与人员违反任职回避和履职回避等相关规定",
        }
    ]


def test_exclusion_excludes_researcher_with_minor_fault() -> None:
    result = run(case(role="researcher", grounds=[], minor_fault=True, exclusions=["10.2"]))
    assert result == {
        "decision": "not_exempt",
        "reasons": [
            {
                "code": "exclusion:10.2",
                "text": "存在第十条第（二）项不得认定为尽职免责的情形：科研人员违反科学道德、"
                "科技伦理和职业道德规范，未严格执行科学技术保密要求，未经单位允许利用职务科技成果"
                "创办企业",
            }
        ],
        "articles": ["2", "10.2"],
    }


def test_several_exclusions_keep_input_order_without_duplicates() -> None:
    result = run(case(exclusions=["10.6", "10.1", "10.6"]))
    assert codes(result) == ["exclusion:10.6", "exclusion:10.1"]
    assert result["articles"] == ["2", "10.6", "10.1"]


# --- article 6 -----------------------------------------------------------------------------


@pytest.mark.parametrize("condition", CONDITIONS)
def test_each_missing_diligence_condition_makes_not_exempt(condition: str) -> None:
    diligence = dict.fromkeys(CONDITIONS, True)
    diligence[condition] = False
    result = run(case(diligence=diligence))
    assert result["decision"] == "not_exempt"
    assert codes(result) == [f"diligence_missing:{condition}"]
    assert result["articles"] == ["2", "6"]


def test_missing_diligence_reason_text() -> None:
    diligence = dict.fromkeys(CONDITIONS, True)
    diligence["reasonable_care"] = False
    assert run(case(diligence=diligence))["reasons"] == [
        {
            "code": "diligence_missing:reasonable_care",
            "text": "未满足第六条勤勉尽责条件“履行了合理注意义务”",
        }
    ]


def test_all_diligence_conditions_missing_are_all_reported() -> None:
    result = run(case(diligence=dict.fromkeys(CONDITIONS, False)))
    assert codes(result) == [f"diligence_missing:{c}" for c in CONDITIONS]
    assert result["articles"] == ["2", "6"]


def test_missing_diligence_blocks_researcher_minor_fault() -> None:
    diligence = dict.fromkeys(CONDITIONS, True)
    diligence["no_illegal_gain"] = False
    result = run(case(role="researcher", grounds=[], minor_fault=True, diligence=diligence))
    assert result["decision"] == "not_exempt"
    assert codes(result) == ["diligence_missing:no_illegal_gain"]


# --- intent --------------------------------------------------------------------------------


def test_intentional_leader_is_not_exempt() -> None:
    assert run(case(intentional=True)) == {
        "decision": "not_exempt",
        "reasons": [
            {"code": "intentional", "text": "属于主观故意，不符合第七条“非主观故意”的前提"}
        ],
        "articles": ["2", "7"],
    }


def test_intentional_manager_is_not_exempt() -> None:
    result = run(case(role="manager", grounds=["8.2"], intentional=True))
    assert result["decision"] == "not_exempt"
    assert result["reasons"] == [
        {"code": "intentional", "text": "属于主观故意，不符合第八条“非主观故意”的前提"}
    ]
    assert result["articles"] == ["2", "8"]


def test_intentional_researcher_is_not_exempt_even_with_minor_fault() -> None:
    result = run(case(role="researcher", grounds=[], minor_fault=True, intentional=True))
    assert result == {
        "decision": "not_exempt",
        "reasons": [
            {
                "code": "intentional",
                "text": "属于主观故意，不属于第九条“过错情节较轻”可予纠正不予追责的情形",
            }
        ],
        "articles": ["2", "9"],
    }


# --- article 7: leaders --------------------------------------------------------------------


@pytest.mark.parametrize("ground", LEADER_GROUNDS)
def test_leader_with_each_article_7_ground_is_exempt(ground: str) -> None:
    result = run(case(grounds=[ground]))
    assert result["decision"] == "exempt"
    assert codes(result) == ["diligence", f"ground:{ground}"]
    assert result["articles"] == ["2", "6", ground]


def test_leader_exempt_under_7_3_full_result() -> None:
    assert run(case(grounds=["7.3"])) == {
        "decision": "exempt",
        "reasons": [
            {
                "code": "diligence",
                "text": "履行了民主决策程序、合理注意义务和监督管理职责，不存在牟取非法利益情况，"
                "视为已履行勤勉尽责义务（第六条）",
            },
            {
                "code": "ground:7.3",
                "text": "符合第七条第（三）项：在依法依规对职务科技成果进行清算、处置不良无形资产等"
                "业务中，处置所得低于预期价值但不低于市场公允价值的",
            },
        ],
        "articles": ["2", "6", "7.3"],
    }


def test_leader_with_several_grounds_cites_each() -> None:
    result = run(case(grounds=["7.7", "7.2"]))
    assert codes(result) == ["diligence", "ground:7.7", "ground:7.2"]
    assert result["articles"] == ["2", "6", "7.7", "7.2"]


def test_leader_without_ground_is_not_exempt() -> None:
    assert run(case(grounds=[])) == {
        "decision": "not_exempt",
        "reasons": [{"code": "no_ground_for_role", "text": "未认定第七条规定的领导人员免责情形"}],
        "articles": ["2", "7"],
    }


def test_leader_with_only_manager_ground_is_not_exempt() -> None:
    assert run(case(grounds=["8.2"])) == {
        "decision": "not_exempt",
        "reasons": [
            {"code": "no_ground_for_role", "text": "未认定第七条规定的领导人员免责情形"},
            {
                "code": "ground_other_role:8.2",
                "text": "第八条第（二）项是管理人员的免责情形，不适用于领导人员，不予考虑",
            },
        ],
        "articles": ["2", "7"],
    }


def test_leader_minor_fault_is_not_a_ground() -> None:
    result = run(case(grounds=[], minor_fault=True))
    assert result["decision"] == "not_exempt"
    assert codes(result) == ["no_ground_for_role"]


def test_leader_with_own_and_other_ground_is_exempt_and_notes_the_other() -> None:
    result = run(case(grounds=["8.5", "7.4"]))
    assert result["decision"] == "exempt"
    assert codes(result) == ["diligence", "ground:7.4", "ground_other_role:8.5"]
    assert result["articles"] == ["2", "6", "7.4"]


# --- article 8: managers -------------------------------------------------------------------


@pytest.mark.parametrize("ground", MANAGER_GROUNDS)
def test_manager_with_each_article_8_ground_is_exempt(ground: str) -> None:
    result = run(case(role="manager", grounds=[ground]))
    assert result["decision"] == "exempt"
    assert codes(result) == ["diligence", f"ground:{ground}"]
    assert result["articles"] == ["2", "6", ground]


def test_manager_ground_text_is_the_seed_text() -> None:
    reason = run(case(role="manager", grounds=["8.7"]))["reasons"][1]
    assert reason == {
        "code": "ground:8.7",
        "text": "符合第八条第（七）项：管理人员虽已履行关联交易相关规定程序，但仍因科研人员在职务"
        "科技成果转化中存在关联交易导致单位利益受损的",
    }


def test_manager_without_ground_is_not_exempt() -> None:
    assert run(case(role="manager", grounds=[])) == {
        "decision": "not_exempt",
        "reasons": [{"code": "no_ground_for_role", "text": "未认定第八条规定的管理人员免责情形"}],
        "articles": ["2", "8"],
    }


def test_manager_with_only_leader_ground_is_not_exempt() -> None:
    result = run(case(role="manager", grounds=["7.1"]))
    assert result["decision"] == "not_exempt"
    assert result["reasons"][1] == {
        "code": "ground_other_role:7.1",
        "text": "第七条第（一）项是领导人员的免责情形，不适用于管理人员，不予考虑",
    }
    assert codes(result) == ["no_ground_for_role", "ground_other_role:7.1"]
    assert result["articles"] == ["2", "8"]


# --- article 9: researchers ----------------------------------------------------------------


def test_researcher_with_minor_fault_is_exempt() -> None:
    assert run(case(role="researcher", grounds=[], minor_fault=True)) == {
        "decision": "exempt",
        "reasons": [
            {
                "code": "diligence",
                "text": "履行了民主决策程序、合理注意义务和监督管理职责，不存在牟取非法利益情况，"
                "视为已履行勤勉尽责义务（第六条）",
            },
            {
                "code": "minor_fault",
                "text": "科研人员履行勤勉尽职义务，过错情节较轻，依第九条以纠正为主，不予追责",
            },
        ],
        "articles": ["2", "6", "9"],
    }


def test_researcher_without_minor_fault_is_not_exempt() -> None:
    assert run(case(role="researcher", grounds=[], minor_fault=False)) == {
        "decision": "not_exempt",
        "reasons": [
            {"code": "no_ground_for_role", "text": "科研人员的过错未认定为情节较轻，不适用第九条"}
        ],
        "articles": ["2", "9"],
    }


def test_researcher_leader_or_manager_grounds_do_not_count() -> None:
    result = run(case(role="researcher", grounds=["7.5", "8.3"], minor_fault=False))
    assert result["decision"] == "not_exempt"
    assert codes(result) == [
        "no_ground_for_role",
        "ground_other_role:7.5",
        "ground_other_role:8.3",
    ]
    assert result["articles"] == ["2", "9"]


def test_researcher_minor_fault_exempt_notes_other_role_ground() -> None:
    result = run(case(role="researcher", grounds=["7.5"], minor_fault=True))
    assert result["decision"] == "exempt"
    assert codes(result) == ["diligence", "minor_fault", "ground_other_role:7.5"]
    assert result["articles"] == ["2", "6", "9"]


# --- several reasons at once ---------------------------------------------------------------


def test_all_blocking_reasons_are_reported_in_order() -> None:
    diligence = dict.fromkeys(CONDITIONS, True)
    diligence["supervision"] = False
    result = run(
        case(
            role="manager",
            grounds=["7.1"],
            exclusions=["10.4"],
            diligence=diligence,
            intentional=True,
        )
    )
    assert result["decision"] == "not_exempt"
    assert codes(result) == [
        "exclusion:10.4",
        "diligence_missing:supervision",
        "intentional",
        "no_ground_for_role",
        "ground_other_role:7.1",
    ]
    assert result["articles"] == ["2", "10.4", "6", "8"]


def test_optional_fields_default_to_none_found() -> None:
    doc = case(grounds=["7.1"])
    for key in ("intentional", "exclusions", "minor_fault"):
        del doc[key]
    assert run(doc)["decision"] == "exempt"
    del doc["grounds"]
    assert codes(run(doc)) == ["no_ground_for_role"]


def test_evaluate_takes_python_values() -> None:
    result = evaluate(
        unit_type="medical_institution",
        state_established=True,
        role="manager",
        diligence=dict.fromkeys(CONDITIONS, True),
        grounds=["8.6"],
    )
    assert result["decision"] == "exempt"
    assert result["articles"] == ["2", "6", "8.6"]


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"unit_type": "hospital"}, "unit_type"),
        ({"unit_type": None}, "unit_type"),
        ({"state_established": None}, "state_established"),
        ({"state_established": "yes"}, "state_established"),
        ({"role": "director"}, "role"),
        ({"role": None}, "role"),
        ({"diligence": None}, "diligence"),
        ({"diligence": [True, True, True, True]}, "diligence"),
        (
            {
                "diligence": {
                    "democratic_procedure": True,
                    "reasonable_care": True,
                    "supervision": True,
                }
            },
            "diligence.no_illegal_gain",
        ),
        ({"diligence": {**dict.fromkeys(CONDITIONS, True), "honesty": True}}, "diligence.honesty"),
        (
            {"diligence": {**dict.fromkeys(CONDITIONS, True), "supervision": 1}},
            "diligence.supervision",
        ),
        ({"grounds": ["7.1", "7.9"]}, "grounds[1]"),
        ({"grounds": ["9"]}, "grounds[0]"),
        ({"grounds": [7.1]}, "grounds[0]"),
        ({"grounds": "7.1"}, "grounds"),
        ({"exclusions": ["10.7"]}, "exclusions[0]"),
        ({"exclusions": ["10.1", "7.1"]}, "exclusions[1]"),
        ({"intentional": "no"}, "intentional"),
        ({"minor_fault": 0}, "minor_fault"),
    ],
)
def test_bad_input_names_the_field(overrides: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError) as info:
        run(case(**overrides))
    assert info.value.path == path


def test_missing_unit_type_names_the_field() -> None:
    doc = case()
    del doc["unit_type"]
    with pytest.raises(InputError) as info:
        run(doc)
    assert info.value.path == "unit_type"


def test_document_must_be_an_object() -> None:
    with pytest.raises(InputError) as info:
        run(["university"])
    assert info.value.path == "(document)"


def test_unknown_codes_are_errors_even_when_not_applicable() -> None:
    with pytest.raises(InputError) as info:
        run(case(unit_type="enterprise", grounds=["7.1", "x"]))
    assert info.value.path == "grounds[1]"


# --- command line --------------------------------------------------------------------------


def run_cli(doc: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ZHUANHUA, "exemption", "evaluate", "-"],
        input=json.dumps(doc, ensure_ascii=False),
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_prints_decision() -> None:
    proc = run_cli(case(role="researcher", grounds=[], minor_fault=True))
    assert proc.returncode == 0
    result = json.loads(proc.stdout)
    assert result["decision"] == "exempt"
    assert result["articles"] == ["2", "6", "9"]


def test_cli_unknown_ground_exits_2_with_field_path() -> None:
    proc = run_cli(case(grounds=["7.1", "7.99"]))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("error: grounds[1]: ")


def test_cli_unknown_role_exits_2() -> None:
    proc = run_cli(case(role="director"))
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: role: ")
