"""Subsidy engine: every measure code, eligible and ineligible (POLICY.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from zhuanhua.engines.common import InputError
from zhuanhua.engines.subsidy import Result, evaluate, load_catalogue


def evaluate_claims(
    claims: list[dict[str, Any]], prior: list[dict[str, Any]] | None = None
) -> list[Result]:
    return evaluate(claims, prior or [], load_catalogue())


def one(**fields: Any) -> Result:
    claim = {"id": "c1", "applicant": "A", "date": "2025-06-01", **fields}
    return evaluate_claims([claim])[0]


def outcome(r: Result) -> tuple[bool, list[str], str, str, list[str]]:
    return (r.eligible, list(r.reasons), str(r.entitlement), str(r.granted), list(r.binding))


def test_m7_1_enterprise_registered_gets_twenty_percent() -> None:
    r = one(measure="M7-1", applicant_type="enterprise", base="1000000", registered=True)
    assert outcome(r) == (True, [], "200000.00", "200000.00", [])


def test_m7_1_unregistered_is_ineligible() -> None:
    r = one(measure="M7-1", applicant_type="enterprise", base="1000000")
    assert outcome(r) == (False, ["not_registered"], "0.00", "0.00", [])


def test_m7_1_university_lists_every_reason_in_order() -> None:
    r = one(measure="M7-1", applicant_type="university", base="1000000", registered=False)
    assert outcome(r) == (False, ["applicant_type", "not_registered"], "0.00", "0.00", [])


def test_m7_2_research_institute_capped_at_half_a_million() -> None:
    r = one(measure="M7-2", applicant_type="research_institute", base="3000000", registered=True)
    assert outcome(r) == (True, [], "500000.00", "500000.00", ["item_cap"])


@pytest.mark.parametrize(
    "kind", ["university", "research_institute", "medical_institution", "new_rnd_institution"]
)
def test_m7_2_allows_each_unit_type(kind: str) -> None:
    r = one(measure="M7-2", applicant_type=kind, base="100000", registered=True)
    assert outcome(r) == (True, [], "20000.00", "20000.00", [])


def test_m7_2_enterprise_is_ineligible() -> None:
    r = one(measure="M7-2", applicant_type="enterprise", base="100000", registered=True)
    assert outcome(r) == (False, ["applicant_type"], "0.00", "0.00", [])


def test_m7_3_without_rate_grants_the_cap() -> None:
    r = one(measure="M7-3", applicant_type="enterprise")
    assert outcome(r) == (True, [], "500000.00", "500000.00", [])


def test_m7_3_requested_below_cap_is_granted_as_requested() -> None:
    r = one(measure="M7-3", applicant_type="enterprise", requested="300000")
    assert outcome(r) == (True, [], "300000.00", "300000.00", ["requested"])


def test_m7_3_university_is_ineligible() -> None:
    r = one(measure="M7-3", applicant_type="university")
    assert outcome(r) == (False, ["applicant_type"], "0.00", "0.00", [])


@pytest.mark.parametrize("kind", ["enterprise", "other", "university"])
def test_m7_4_is_case_by_case_for_any_applicant(kind: str) -> None:
    r = one(measure="M7-4", applicant_type=kind, requested="9000000")
    assert outcome(r) == (True, ["case_by_case"], "0.00", "0.00", [])


def test_m8_1_rates_prior_rnd_investment() -> None:
    r = one(measure="M8-1", applicant_type="enterprise", base="1234567.89", subject="X")
    assert outcome(r) == (True, [], "246913.58", "246913.58", [])


def test_m8_1_capped_at_ten_million() -> None:
    r = one(measure="M8-1", applicant_type="enterprise", base="60000000")
    assert outcome(r) == (True, [], "10000000.00", "10000000.00", ["item_cap"])


def test_m8_1_research_institute_is_ineligible() -> None:
    r = one(measure="M8-1", applicant_type="research_institute", base="100")
    assert outcome(r) == (False, ["applicant_type"], "0.00", "0.00", [])


@pytest.mark.parametrize(
    ("level", "amount"),
    [
        ("international", "500000.00"),
        ("national", "300000.00"),
        ("industry", "100000.00"),
        ("local", "50000.00"),
    ],
)
def test_m8_2_grants_the_cap_of_the_level(level: str, amount: str) -> None:
    r = one(measure="M8-2", applicant_type="enterprise", level=level, subject="S")
    assert outcome(r) == (True, [], amount, amount, [])


def test_m8_2_missing_level_is_ineligible() -> None:
    r = one(measure="M8-2", applicant_type="enterprise")
    assert outcome(r) == (False, ["missing_level"], "0.00", "0.00", [])


def test_m8_2_wrong_type_and_missing_level_both_listed() -> None:
    r = one(measure="M8-2", applicant_type="service_agency")
    assert outcome(r) == (False, ["applicant_type", "missing_level"], "0.00", "0.00", [])


def test_m8_2_unknown_level_is_an_input_error() -> None:
    with pytest.raises(InputError) as err:
        one(measure="M8-2", applicant_type="enterprise", level="provincial")
    assert err.value.path == "claims[0].level"


@pytest.mark.parametrize("kind", ["enterprise", "service_agency", "other"])
def test_m9_1_fixed_amount_for_any_applicant(kind: str) -> None:
    r = one(measure="M9-1", applicant_type=kind)
    assert outcome(r) == (True, [], "500000.00", "500000.00", [])


def test_m9_1_requested_does_not_raise_the_fixed_amount() -> None:
    r = one(measure="M9-1", applicant_type="other", requested="800000")
    assert outcome(r) == (True, [], "500000.00", "500000.00", [])


def test_m9_2_three_percent_of_contract_amount() -> None:
    r = one(measure="M9-2", applicant_type="service_agency", base="10000000", registered=True)
    assert outcome(r) == (True, [], "300000.00", "300000.00", [])


def test_m9_2_related_party_is_ineligible() -> None:
    r = one(
        measure="M9-2",
        applicant_type="service_agency",
        base="10000000",
        registered=True,
        related_party=True,
    )
    assert outcome(r) == (False, ["related_party"], "0.00", "0.00", [])


def test_m9_2_every_reason_in_policy_order() -> None:
    r = one(measure="M9-2", applicant_type="enterprise", base="1", related_party=True)
    assert r.reasons == ("applicant_type", "not_registered", "related_party")


def test_m10_1_construction_grant_is_the_cap() -> None:
    r = one(measure="M10-1", applicant_type="university", subject="pilot")
    assert outcome(r) == (True, [], "2000000.00", "2000000.00", [])


def test_m10_2_operation_is_twenty_percent_of_service_revenue() -> None:
    r = one(measure="M10-2", applicant_type="enterprise", base="2500000", subject="pilot")
    assert outcome(r) == (True, [], "500000.00", "500000.00", [])


def test_m10_2_has_no_item_cap_only_the_annual_cap() -> None:
    r = one(measure="M10-2", applicant_type="enterprise", base="6000000", subject="pilot")
    assert outcome(r) == (True, [], "1200000.00", "1000000.00", ["annual_cap"])


def test_m11_1_transfer_zone_gets_five_million() -> None:
    r = one(measure="M11-1", applicant_type="park_or_zone", subject="zone")
    assert outcome(r) == (True, [], "5000000.00", "5000000.00", [])


def test_m11_1_enterprise_is_ineligible() -> None:
    r = one(measure="M11-1", applicant_type="enterprise", subject="zone")
    assert outcome(r) == (False, ["applicant_type"], "0.00", "0.00", [])


@pytest.mark.parametrize("kind", ["university", "research_institute", "enterprise"])
def test_m11_2_service_base_gets_three_million(kind: str) -> None:
    r = one(measure="M11-2", applicant_type=kind, subject="base")
    assert outcome(r) == (True, [], "3000000.00", "3000000.00", [])


def test_m11_2_park_is_ineligible() -> None:
    r = one(measure="M11-2", applicant_type="park_or_zone", subject="base")
    assert outcome(r) == (False, ["applicant_type"], "0.00", "0.00", [])


def test_m12_1_training_base_fixed_amount() -> None:
    r = one(measure="M12-1", applicant_type="university")
    assert outcome(r) == (True, [], "500000.00", "500000.00", [])


def test_m13_1_after_two_full_years_gets_ten_percent() -> None:
    r = one(
        measure="M13-1",
        applicant_type="venture_capital",
        base="3000000",
        counterparty="T",
        paid_in_date="2023-01-01",
    )
    assert outcome(r) == (True, [], "300000.00", "300000.00", [])


def test_m13_1_single_investment_capped_at_one_million() -> None:
    r = one(
        measure="M13-1",
        applicant_type="venture_capital",
        base="30000000",
        counterparty="T",
        paid_in_date="2023-01-01",
    )
    assert outcome(r) == (True, [], "1000000.00", "1000000.00", ["item_cap"])


def test_m13_1_missing_paid_in_date_fails_holding_period() -> None:
    r = one(measure="M13-1", applicant_type="venture_capital", base="1", counterparty="T")
    assert outcome(r) == (False, ["holding_period"], "0.00", "0.00", [])


def test_m13_1_enterprise_lists_type_and_holding_period() -> None:
    r = one(measure="M13-1", applicant_type="enterprise", base="1", counterparty="T")
    assert r.reasons == ("applicant_type", "holding_period")


def test_m13_2_confirmed_loss_gets_ten_percent() -> None:
    r = one(
        measure="M13-2",
        applicant_type="venture_capital",
        base="4000000",
        counterparty="T",
        loss_confirmed=True,
    )
    assert outcome(r) == (True, [], "400000.00", "400000.00", [])


def test_m13_2_unconfirmed_loss_is_ineligible() -> None:
    r = one(measure="M13-2", applicant_type="venture_capital", base="4000000", counterparty="T")
    assert outcome(r) == (False, ["loss_not_confirmed"], "0.00", "0.00", [])


def test_m13_2_rounds_half_up_to_the_cent() -> None:
    r = one(
        measure="M13-2",
        applicant_type="venture_capital",
        base="0.25",
        counterparty="T",
        loss_confirmed=True,
    )
    assert r.entitlement == Decimal("0.03")


def test_m13_3_half_of_premium() -> None:
    r = one(measure="M13-3", applicant_type="enterprise", base="150000")
    assert outcome(r) == (True, [], "75000.00", "75000.00", [])


def test_m13_3_insures_every_innovation_body_not_only_enterprises() -> None:
    # The seed: 投保科技保险的创新主体 (a university is one); a VC firm is not an insured 创新主体.
    r = one(measure="M13-3", applicant_type="university", base="150000")
    assert outcome(r) == (True, [], "75000.00", "75000.00", [])
    r = one(measure="M13-3", applicant_type="venture_capital", base="150000")
    assert outcome(r) == (False, ["applicant_type"], "0.00", "0.00", [])


def test_m14_1_voucher_half_of_service_contract() -> None:
    r = one(measure="M14-1", applicant_type="enterprise", base="333333.33")
    assert outcome(r) == (True, [], "166666.67", "166666.67", [])


def test_m14_1_capped_by_the_annual_cap() -> None:
    r = one(measure="M14-1", applicant_type="enterprise", base="2000000")
    assert outcome(r) == (True, [], "1000000.00", "800000.00", ["annual_cap"])


def test_m14_1_venture_capital_is_ineligible() -> None:
    r = one(measure="M14-1", applicant_type="venture_capital", base="2000000")
    assert outcome(r) == (False, ["applicant_type"], "0.00", "0.00", [])


def test_ineligible_claim_does_not_use_up_a_scope() -> None:
    claims = [
        {
            "id": "a",
            "measure": "M7-3",
            "applicant": "A",
            "applicant_type": "university",
            "date": "2025-01-01",
        },
        {
            "id": "b",
            "measure": "M7-3",
            "applicant": "A",
            "applicant_type": "enterprise",
            "date": "2025-01-02",
        },
    ]
    assert [str(r.granted) for r in evaluate_claims(claims)] == ["0.00", "500000.00"]


def test_explanation_of_item_cap_matches_reviewer_wording() -> None:
    r = one(measure="M7-1", applicant_type="enterprise", base="6000000", registered=True)
    assert r.explanation[0] == (
        "按实际到账额 6,000,000.00 元的 20% 计 1,200,000.00 元，超过单个项目上限 "
        "1,000,000.00 元，按上限计 1,000,000.00 元。"
    )
    assert r.explanation[-1] == "本次最高可给予补助 1,000,000.00 元（评审可核减，不可超出）。"


def test_explanation_of_ineligible_claim_names_each_reason() -> None:
    r = one(
        measure="M13-1",
        applicant_type="venture_capital",
        base="1",
        counterparty="T",
        paid_in_date="2024-03-10",
        date="2026-03-10",
    )
    assert r.explanation == [
        "不符合 M13-1（创业投资风险补助）的条件：",
        "实缴投资日为 2024-03-10，满 2 年自 2026-03-11 起，申请日 2026-03-10 尚未满 2 年。",
        "核定补助 0.00 元。",
    ]


def test_explanation_of_case_by_case() -> None:
    r = one(measure="M7-4", applicant_type="other")
    assert r.explanation == [
        "M7-4（颠覆性技术团队创办企业）采取“一事一议”方式给予支持，由人工研究决定，"
        "系统不计算金额，核定补助 0.00 元。"
    ]


def test_trace_records_every_step_with_amounts() -> None:
    r = one(
        measure="M7-1",
        applicant_type="enterprise",
        base="6000000",
        registered=True,
        requested="900000",
    )
    steps = [(s.step, s.before, s.after) for s in r.trace]
    assert steps == [
        ("eligibility", None, None),
        ("amount", None, Decimal("1200000.00")),
        ("item_cap", Decimal("1200000.00"), Decimal("1000000.00")),
        ("requested", Decimal("1000000.00"), Decimal("900000.00")),
        ("annual_cap", Decimal("900000.00"), Decimal("900000.00")),
    ]
    assert r.trace[-1].detail["left"] == Decimal("3000000.00")
