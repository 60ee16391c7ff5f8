"""Policies in force (issue 24.5) and the seed-faithful readings (issue 24.6) of the catalogue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from zhuanhua.engines.subsidy import CatalogueError, evaluate, load_catalogue, parse_catalogue


def one(**fields: Any) -> Any:
    claim = {"id": 1, "applicant": "A", "date": "2026-03-01", **fields}
    return evaluate([claim], [], load_catalogue())[0]


def test_the_catalogue_carries_the_measures_and_the_guides_with_their_dates() -> None:
    policies = load_catalogue().policies
    assert policies["measures-2024-65"].effective_from == dt.date(2025, 1, 1)
    assert policies["measures-2024-65"].effective_to is None
    for code in ("guide-use-first", "guide-exemption"):
        assert policies[code].effective_from == dt.date(2025, 11, 9)
        assert policies[code].effective_to == dt.date(2028, 11, 8)
    assert {m.policy for m in load_catalogue().measures.values()} == {"measures-2024-65"}


def test_a_claim_dated_before_the_measures_took_effect_is_refused_with_the_reason() -> None:
    r = one(
        measure="M7-1",
        applicant_type="enterprise",
        base="100000",
        registered=True,
        date="2024-12-31",
    )
    assert (r.eligible, list(r.reasons), str(r.granted)) == (False, ["not_in_force"], "0.00")
    assert any("2024-12-31 不在本措施有效期（2025-01-01 至 不限）内" in s for s in r.explanation)
    r = one(
        measure="M7-1",
        applicant_type="enterprise",
        base="100000",
        registered=True,
        date="2025-01-01",
    )
    assert (r.eligible, str(r.granted)) == (True, "20000.00")


def test_a_measure_window_is_narrowed_to_its_policy() -> None:
    doc: dict[str, Any] = {
        "version": "t",
        "policies": [
            {
                "code": "g",
                "title": "指引",
                "document": "云科规〔2025〕4号",
                "effective_from": "2025-11-09",
                "effective_to": "2028-11-08",
            },
        ],
        "measures": [
            {
                "code": "X",
                "measure": 1,
                "title": "x",
                "source_text": "x",
                "item_cap": "10",
                "policy": "g",
                "effective_from": "2025-01-01",
                "effective_to": None,
            },
        ],
    }
    m = parse_catalogue(doc).measures["X"]
    assert (m.effective_from, m.effective_to) == (dt.date(2025, 11, 9), dt.date(2028, 11, 8))
    doc["measures"][0]["policy"] = "nope"
    with pytest.raises(CatalogueError):
        parse_catalogue(doc)


def test_review_routing_is_catalogue_data() -> None:
    measures = load_catalogue().measures
    assert measures["M7-2"].first_check == "supervisor"
    assert measures["M7-1"].first_check == "prefecture"
    assert measures["M8-1"].second_above == Decimal("1000000.00")
    assert measures["M7-4"].second_above == Decimal("0.00")


def test_m11_zones_may_be_proposed_by_a_key_prefecture_as_well_as_a_park() -> None:
    for kind in ("park_or_zone", "prefecture"):
        r = one(measure="M11-1", applicant_type=kind, subject="滇中聚集区")
        assert (r.eligible, str(r.granted)) == (True, "5000000.00")
    assert one(measure="M11-1", applicant_type="enterprise", subject="z").eligible is False


def test_m7_3_is_not_once_per_applicant() -> None:
    claims = [
        {
            "id": i,
            "measure": "M7-3",
            "applicant": "E",
            "applicant_type": "enterprise",
            "date": "2026-01-0" + str(i + 1),
        }
        for i in range(2)
    ]
    assert [str(r.granted) for r in evaluate(claims, [], load_catalogue())] == ["500000.00"] * 2
