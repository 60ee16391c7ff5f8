"""尽职免责: decide whether a participant in a transfer is exempt from liability for a loss.

Rules of 《云南省科技成果转化尽职免责工作指引（试行）》 (云科规〔2025〕4号); the articles' texts live
in ``data/exemption_articles.yaml`` (:func:`load_articles`):

1. Article 2: only state-established universities, research institutes and medical institutions
   and state enterprises are covered; anything else is ``not_applicable``.
2. Article 10: any exclusion makes the case ``not_exempt``.
3. Article 6: all four diligence conditions must hold, else ``not_exempt``.
4. Articles 7 and 8 require "非主观故意": intent makes the case ``not_exempt`` (for every role).
5. A leader needs an article-7 ground, a manager an article-8 ground; a researcher is exempt for a
   minor fault (article 9). Grounds of another role's article do not count.

The engine checks a reviewer's findings; it does not make them. No Django import here.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from zhuanhua.engines.common import InputError, parse_bool, require

DATA_FILE = Path(__file__).with_name("data") / "exemption_articles.yaml"

ROLES: tuple[str, ...] = ("leader", "manager", "researcher")
ROLE_ARTICLE = {"leader": "7", "manager": "8", "researcher": "9"}
ROLE_NAME = {"leader": "领导人员", "manager": "管理人员", "researcher": "科研人员"}

_NUMERALS = {
    1: "一",
    2: "二",
    3: "三",
    4: "四",
    5: "五",
    6: "六",
    7: "七",
    8: "八",
    9: "九",
    10: "十",
}


def _article_cn(article: str) -> str:
    """``"7"`` → ``第七条``; ``"7.3"`` → ``第七条第（三）项``."""
    main, _, item = article.partition(".")
    text = f"第{_NUMERALS[int(main)]}条"
    if item:
        text += f"第（{_NUMERALS[int(item)]}）项"
    return text


@lru_cache(maxsize=1)
def _articles() -> dict[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise RuntimeError(f"{DATA_FILE}: not a mapping")
    return data


def load_articles() -> dict[str, Any]:
    """The checklist (articles 2, 6–10 with their Chinese texts) as a fresh, mutable copy."""
    return copy.deepcopy(_articles())


class _Index:
    """Lookups built once from the data file."""

    def __init__(self, data: dict[str, Any]) -> None:
        applicability = data["applicability"]
        self.applicable_units: dict[str, str] = {
            u["code"]: u["text"] for u in applicability["unit_types"]
        }
        self.other_units: dict[str, str] = {
            u["code"]: u["text"] for u in applicability["other_unit_types"]
        }
        self.conditions: dict[str, str] = {
            c["code"]: c["text"] for c in data["diligence"]["conditions"]
        }
        self.grounds: dict[str, dict[str, str]] = {}
        for article in data["grounds"]:
            for item in article["items"]:
                self.grounds[str(item["code"])] = {"role": article["role"], "text": item["text"]}
        self.exclusions: dict[str, str] = {
            str(item["code"]): item["text"] for item in data["exclusions"]["items"]
        }


@lru_cache(maxsize=1)
def _index() -> _Index:
    return _Index(_articles())


def _reason(code: str, text: str) -> dict[str, str]:
    return {"code": code, "text": text}


def _code_list(doc: dict[str, Any], key: str, known: dict[str, Any], what: str) -> list[str]:
    value = doc.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(key, "must be a list of codes", "not_list")
    codes: list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or item not in known:
            raise InputError(f"{key}[{index}]", f"unknown {what} code {item!r}", "not_a_choice")
        if item not in codes:
            codes.append(item)
    return codes


def evaluate(
    *,
    unit_type: str,
    state_established: bool,
    role: str,
    diligence: dict[str, bool],
    intentional: bool = False,
    grounds: list[str] | None = None,
    exclusions: list[str] | None = None,
    minor_fault: bool = False,
) -> dict[str, Any]:
    """Decide one case from validated values (see :func:`run` for the document form)."""
    index = _index()
    grounds = grounds or []
    exclusions = exclusions or []
    if role not in ROLES:
        raise InputError("role", f"unknown role {role!r}", "not_a_choice")
    if unit_type not in index.applicable_units and unit_type not in index.other_units:
        raise InputError("unit_type", f"unknown unit type {unit_type!r}", "not_a_choice")
    for i, code in enumerate(grounds):
        if code not in index.grounds:
            raise InputError(f"grounds[{i}]", f"unknown ground code {code!r}", "not_a_choice")
    for i, code in enumerate(exclusions):
        if code not in index.exclusions:
            raise InputError(f"exclusions[{i}]", f"unknown exclusion code {code!r}", "not_a_choice")
    missing = [c for c in index.conditions if c not in diligence]
    if missing:
        raise InputError(f"diligence.{missing[0]}", "is required", "required")

    if unit_type not in index.applicable_units or not state_established:
        if unit_type not in index.applicable_units:
            name = index.other_units.get(unit_type, unit_type)
            why = f"单位类型“{name}”不在第二条列举的范围内"
        else:
            why = "单位不是国家设立的事业单位或国有企业"
        text = (
            f"{why}：第二条适用于国家设立的高等学校、科研院所、医疗卫生机构等事业单位，以及国有企业"
        )
        return {
            "decision": "not_applicable",
            "reasons": [_reason("not_applicable_unit", text)],
            "articles": ["2"],
        }

    role_article = ROLE_ARTICLE[role]
    role_name = ROLE_NAME[role]
    blocking: list[tuple[dict[str, str], str | None]] = []
    supporting: list[tuple[dict[str, str], str | None]] = []
    notes: list[tuple[dict[str, str], str | None]] = []

    for code in exclusions:
        text = f"存在{_article_cn(code)}不得认定为尽职免责的情形：{index.exclusions[code]}"
        blocking.append((_reason(f"exclusion:{code}", text), code))

    for condition, condition_text in index.conditions.items():
        if not diligence[condition]:
            text = f"未满足第六条勤勉尽责条件“{condition_text}”"
            blocking.append((_reason(f"diligence_missing:{condition}", text), "6"))

    if intentional:
        if role == "researcher":
            text = "属于主观故意，不属于第九条“过错情节较轻”可予纠正不予追责的情形"
        else:
            text = f"属于主观故意，不符合{_article_cn(role_article)}“非主观故意”的前提"
        blocking.append((_reason("intentional", text), role_article))

    own = [g for g in grounds if index.grounds[g]["role"] == role]
    for code in grounds:
        ground_role = index.grounds[code]["role"]
        if ground_role != role:
            text = (
                f"{_article_cn(code)}是{ROLE_NAME[ground_role]}的免责情形，"
                f"不适用于{role_name}，不予考虑"
            )
            notes.append((_reason(f"ground_other_role:{code}", text), None))

    if role == "researcher":
        if minor_fault:
            text = "科研人员履行勤勉尽职义务，过错情节较轻，依第九条以纠正为主，不予追责"
            supporting.append((_reason("minor_fault", text), "9"))
        else:
            text = "科研人员的过错未认定为情节较轻，不适用第九条"
            blocking.append((_reason("no_ground_for_role", text), "9"))
    elif own:
        for code in own:
            text = f"符合{_article_cn(code)}：{index.grounds[code]['text']}"
            supporting.append((_reason(f"ground:{code}", text), code))
    else:
        text = f"未认定{_article_cn(role_article)}规定的{role_name}免责情形"
        blocking.append((_reason("no_ground_for_role", text), role_article))

    if blocking:
        decision = "not_exempt"
        cited = blocking + notes
    else:
        decision = "exempt"
        diligent = _reason(
            "diligence",
            "履行了民主决策程序、合理注意义务和监督管理职责，不存在牟取非法利益情况，"
            "视为已履行勤勉尽责义务（第六条）",
        )
        cited = [(diligent, "6"), *supporting, *notes]

    articles = ["2"]
    for _, article in cited:
        if article is not None and article not in articles:
            articles.append(article)
    return {"decision": decision, "reasons": [r for r, _ in cited], "articles": articles}


def run(doc: Any) -> dict[str, Any]:
    """Evaluate one case document; see docs/engines/exemption.md for the schema."""
    if not isinstance(doc, dict):
        raise InputError("(document)", "must be an object", "not_object")
    index = _index()

    unit_type = require(doc, "unit_type", "")
    if not isinstance(unit_type, str) or (
        unit_type not in index.applicable_units and unit_type not in index.other_units
    ):
        known = [*index.applicable_units, *index.other_units]
        raise InputError(
            "unit_type",
            f"unknown unit type {unit_type!r}; one of {', '.join(known)}",
            "not_a_choice",
        )
    state_established = require(doc, "state_established", "")
    if not isinstance(state_established, bool):
        raise InputError("state_established", "must be true or false", "not_bool")

    role = require(doc, "role", "")
    if not isinstance(role, str) or role not in ROLES:
        raise InputError(
            "role", f"unknown role {role!r}; one of {', '.join(ROLES)}", "not_a_choice"
        )

    raw = require(doc, "diligence", "")
    if not isinstance(raw, dict):
        raise InputError("diligence", "must be an object", "not_object")
    for key in raw:
        if key not in index.conditions:
            raise InputError(f"diligence.{key}", "unknown diligence condition", "unknown_key")
    diligence: dict[str, bool] = {}
    for condition in index.conditions:
        value = require(raw, condition, "diligence")
        if not isinstance(value, bool):
            raise InputError(f"diligence.{condition}", "must be true or false", "not_bool")
        diligence[condition] = value

    intentional = parse_bool(doc.get("intentional"), "intentional")
    minor_fault = parse_bool(doc.get("minor_fault"), "minor_fault")
    grounds = _code_list(doc, "grounds", index.grounds, "ground")
    exclusions = _code_list(doc, "exclusions", index.exclusions, "exclusion")

    return evaluate(
        unit_type=unit_type,
        state_established=state_established,
        role=role,
        diligence=diligence,
        intentional=intentional,
        grounds=grounds,
        exclusions=exclusions,
        minor_fault=minor_fault,
    )
