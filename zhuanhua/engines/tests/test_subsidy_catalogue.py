"""Subsidy engine: the policy catalogue is data (rates, caps, pools, regions live in YAML)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from zhuanhua.engines.subsidy import (
    CATALOGUE_PATH,
    Catalogue,
    CatalogueError,
    evaluate,
    load_catalogue,
    parse_catalogue,
)

SEEDS = Path("/work/shared/seeds")
POLICY_CODES = [
    "M7-1",
    "M7-2",
    "M7-3",
    "M7-4",
    "M8-1",
    "M8-2",
    "M9-1",
    "M9-2",
    "M10-1",
    "M10-2",
    "M11-1",
    "M11-2",
    "M12-1",
    "M13-1",
    "M13-2",
    "M13-3",
    "M14-1",
]


def raw_catalogue() -> dict[str, Any]:
    with open(CATALOGUE_PATH, encoding="utf-8") as handle:
        doc: dict[str, Any] = yaml.safe_load(handle)
    return doc


def entry(doc: dict[str, Any], code: str) -> dict[str, Any]:
    found: dict[str, Any] = next(m for m in doc["measures"] if m["code"] == code)
    return found


def write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def m7_1_claim(**more: Any) -> dict[str, Any]:
    return {
        "id": 1,
        "measure": "M7-1",
        "applicant": "E",
        "applicant_type": "enterprise",
        "date": "2025-05-01",
        "base": "1000000",
        "registered": True,
        **more,
    }


def test_catalogue_has_every_policy_code_in_order() -> None:
    assert list(load_catalogue().measures) == POLICY_CODES


def test_catalogue_is_versioned() -> None:
    catalogue = load_catalogue()
    assert (
        catalogue.version,
        catalogue.effective_from.isoformat() if catalogue.effective_from else None,
    ) == ("2024.65.1", "2025-01-01")


def test_catalogue_is_loaded_once() -> None:
    assert load_catalogue() is load_catalogue(CATALOGUE_PATH)


def test_catalogue_numbers_match_policy() -> None:
    m = load_catalogue().measures
    assert (m["M7-1"].rate, m["M7-1"].item_cap, m["M7-1"].scopes[0].amount) == (
        Decimal("0.20"),
        Decimal("1000000.00"),
        Decimal("3000000.00"),
    )
    assert m["M8-2"].item_cap_by_level == {
        "international": Decimal("500000.00"),
        "national": Decimal("300000.00"),
        "industry": Decimal("100000.00"),
        "local": Decimal("50000.00"),
    }
    assert m["M9-2"].rate == Decimal("0.03")
    assert m["M13-1"].conditions.holding_period_years == 2
    assert m["M9-1"].fixed_amount == Decimal("500000.00")


def test_risk_and_loss_pools_are_distinct() -> None:
    m = load_catalogue().measures
    assert m["M13-1"].scopes[0].pool != m["M13-2"].scopes[0].pool
    assert m["M13-1"].scopes[0].keys == ("applicant", "counterparty")


@pytest.mark.skipif(not SEEDS.exists(), reason="seed texts not available")
def test_source_text_is_quoted_exactly_from_the_seed() -> None:
    seed = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    cleaned = re.sub(r"\s+", "", seed)
    for code, measure in load_catalogue().measures.items():
        assert measure.source_text in cleaned, code


def test_modified_rate_changes_the_amount(tmp_path: Path) -> None:
    doc = raw_catalogue()
    entry(doc, "M7-1")["rate"] = "0.30"
    catalogue = load_catalogue(write(tmp_path, doc))
    r = evaluate([m7_1_claim()], [], catalogue)[0]
    assert (str(r.granted), r.explanation[0]) == (
        "300000.00",
        "按实际到账额 1,000,000.00 元的 30% 计 300,000.00 元，未超过单个项目上限 1,000,000.00 元。",
    )
    assert str(evaluate([m7_1_claim()], [], load_catalogue())[0].granted) == "200000.00"


def test_modified_caps_change_the_binding(tmp_path: Path) -> None:
    doc = raw_catalogue()
    entry(doc, "M7-1")["item_cap"] = "150000"
    entry(doc, "M7-1")["scopes"][0]["amount"] = "250000"
    catalogue = load_catalogue(write(tmp_path, doc))
    results = evaluate([m7_1_claim(id=1), m7_1_claim(id=2)], [], catalogue)
    assert [(str(r.granted), list(r.binding)) for r in results] == [
        ("150000.00", ["item_cap"]),
        ("100000.00", ["item_cap", "annual_cap"]),
    ]


def test_shared_pool_name_joins_two_measures(tmp_path: Path) -> None:
    doc = raw_catalogue()
    entry(doc, "M13-2")["scopes"][0]["pool"] = entry(doc, "M13-1")["scopes"][0]["pool"]
    catalogue = load_catalogue(write(tmp_path, doc))
    claims = [
        {
            "id": i,
            "measure": code,
            "applicant": "V",
            "applicant_type": "venture_capital",
            "date": "2025-01-01",
            "base": "10000000",
            "counterparty": "T",
            "paid_in_date": "2020-01-01",
            "loss_confirmed": True,
        }
        for i, code in enumerate(["M13-1", "M13-1", "M13-2"])
    ]
    assert [str(r.granted) for r in evaluate(claims, [], catalogue)] == [
        "1000000.00",
        "1000000.00",
        "0.00",
    ]


def _regional(tmp_path: Path) -> Catalogue:
    doc = raw_catalogue()
    local = dict(
        entry(doc, "M9-1"),
        code="M9-1-KM",
        title="昆明市国家级技术转移机构奖励",
        region=["5301"],
        fixed_amount="200000",
    )
    doc["measures"].append(local)
    entry(doc, "M12-1")["region"] = ["5301", "5303"]
    return load_catalogue(write(tmp_path, doc))


def test_local_measure_applies_in_its_prefecture(tmp_path: Path) -> None:
    claim = {
        "id": 1,
        "measure": "M9-1-KM",
        "applicant": "S",
        "applicant_type": "other",
        "date": "2025-01-01",
        "applicant_region": "5301",
    }
    r = evaluate([claim], [], _regional(tmp_path))[0]
    assert (r.eligible, str(r.granted)) == (True, "200000.00")


def test_local_measure_refuses_other_prefectures(tmp_path: Path) -> None:
    claim = {
        "id": 1,
        "measure": "M9-1-KM",
        "applicant": "S",
        "applicant_type": "other",
        "date": "2025-01-01",
        "applicant_region": "5325",
    }
    r = evaluate([claim], [], _regional(tmp_path))[0]
    assert (r.eligible, list(r.reasons), str(r.granted)) == (False, ["region"], "0.00")
    assert r.explanation[1] == "本措施仅适用于地区 5301，申请主体所在地区为 5325。"


def test_local_measure_refuses_claims_without_region(tmp_path: Path) -> None:
    claim = {
        "id": 1,
        "measure": "M12-1",
        "applicant": "S",
        "applicant_type": "other",
        "date": "2025-01-01",
    }
    r = evaluate([claim], [], _regional(tmp_path))[0]
    assert list(r.reasons) == ["region"]


@pytest.mark.parametrize("code", ["M7-4", "M10-1", "M10-2"])
def test_measures_open_to_anyone_become_ineligible_outside_their_region(
    tmp_path: Path, code: str
) -> None:
    doc = raw_catalogue()
    entry(doc, code)["region"] = ["5301"]
    catalogue = load_catalogue(write(tmp_path, doc))
    claim = {
        "id": 1,
        "measure": code,
        "applicant": "S",
        "applicant_type": "enterprise",
        "date": "2025-01-01",
        "base": "100",
        "applicant_region": "5306",
    }
    r = evaluate([claim], [], catalogue)[0]
    assert (r.eligible, list(r.reasons), str(r.granted)) == (False, ["region"], "0.00")


def test_region_reason_comes_after_applicant_type(tmp_path: Path) -> None:
    doc = raw_catalogue()
    entry(doc, "M7-1")["region"] = ["5301"]
    catalogue = load_catalogue(write(tmp_path, doc))
    r = evaluate([m7_1_claim(applicant_type="university", registered=False)], [], catalogue)[0]
    assert list(r.reasons) == ["applicant_type", "region", "not_registered"]


def test_measure_out_of_force_is_ineligible(tmp_path: Path) -> None:
    doc = raw_catalogue()
    entry(doc, "M14-1")["effective_from"] = "2025-01-01"
    entry(doc, "M14-1")["effective_to"] = "2025-12-31"
    catalogue = load_catalogue(write(tmp_path, doc))
    claims = [
        {
            "id": d,
            "measure": "M14-1",
            "applicant": "E",
            "applicant_type": "enterprise",
            "date": d,
            "base": "1000",
        }
        for d in ["2024-12-31", "2025-01-01", "2026-01-01"]
    ]
    assert [list(r.reasons) for r in evaluate(claims, [], catalogue)] == [
        ["not_in_force"],
        [],
        ["not_in_force"],
    ]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"rate": "1.5"}, "measures[0].rate"),
        ({"rate": "abc"}, "measures[0].rate"),
        ({"item_cap": "-1"}, "measures[0].item_cap"),
        ({"scopes": [{"kind": "weekly", "keys": ["applicant"]}]}, "measures[0].scopes[0].kind"),
        ({"scopes": [{"kind": "annual", "keys": ["applicant"]}]}, "measures[0].scopes[0].amount"),
        ({"scopes": [{"kind": "once", "keys": ["region"]}]}, "measures[0].scopes[0].keys"),
        ({"conditions": {"registred": True}}, "measures[0].conditions"),
        ({"base": None}, "measures[0].base"),
    ],
)
def test_malformed_catalogue_names_the_entry(change: dict[str, Any], path: str) -> None:
    doc = raw_catalogue()
    doc["measures"][0].update(change)
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(doc)
    assert err.value.path == path


def test_duplicate_code_in_catalogue_is_refused() -> None:
    doc = raw_catalogue()
    doc["measures"].append(doc["measures"][0])
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(doc)
    assert err.value.path == f"measures[{len(POLICY_CODES)}].code"
