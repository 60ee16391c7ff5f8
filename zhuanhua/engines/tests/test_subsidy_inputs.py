"""Subsidy engine: bad input is an InputError naming the claim and the field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from zhuanhua.engines.common import InputError
from zhuanhua.engines.subsidy import evaluate, load_catalogue, run


def good(cid: Any = "ok", **more: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "measure": "M7-1",
        "applicant": "E",
        "applicant_type": "enterprise",
        "date": "2025-05-01",
        "base": "1000",
        "registered": True,
        **more,
    }


def error_of(claims: list[Any], prior: Any = None) -> tuple[str, str]:
    with pytest.raises(InputError) as err:
        evaluate(claims, prior, load_catalogue())
    return err.value.path, err.value.message


def test_unknown_measure() -> None:
    assert error_of([good(1), good(2), good(3, measure="M99")]) == (
        "claims[2].measure",
        "unknown measure 'M99' (claim 3)",
    )


def test_negative_base() -> None:
    assert error_of([good(1), good("x", base="-5")]) == (
        "claims[1].base",
        "must not be negative (claim x)",
    )


def test_base_with_three_decimals() -> None:
    assert error_of([good(base="1.005")]) == ("claims[0].base", "at most two decimals (claim ok)")


def test_base_not_a_number() -> None:
    assert error_of([good(base="ten")])[0] == "claims[0].base"


def test_base_as_boolean() -> None:
    assert error_of([good(base=True)]) == ("claims[0].base", "must be a number (claim ok)")


def test_bad_date() -> None:
    assert error_of([good(date="2025-02-30")]) == (
        "claims[0].date",
        "not a valid date: '2025-02-30' (claim ok)",
    )


def test_missing_date() -> None:
    assert error_of([{k: v for k, v in good().items() if k != "date"}]) == (
        "claims[0].date",
        "is required (claim ok)",
    )


def test_missing_base_for_a_rated_measure() -> None:
    claim = {k: v for k, v in good().items() if k != "base"}
    assert error_of([claim]) == (
        "claims[0].base",
        "is required for M7-1 (rated measure) (claim ok)",
    )


def test_unrated_measure_needs_no_base() -> None:
    claim = {
        "id": 1,
        "measure": "M9-1",
        "applicant": "A",
        "applicant_type": "other",
        "date": "2025-01-01",
    }
    assert str(evaluate([claim], [], load_catalogue())[0].granted) == "500000.00"


@pytest.mark.parametrize("code", ["M13-1", "M13-2"])
def test_missing_counterparty_for_venture_subsidies(code: str) -> None:
    claim = {
        "id": "v",
        "measure": code,
        "applicant": "V",
        "applicant_type": "venture_capital",
        "date": "2025-01-01",
        "base": "100",
    }
    assert error_of([claim]) == ("claims[0].counterparty", f"is required for {code} (claim v)")


def test_duplicate_id() -> None:
    assert error_of([good("a"), good("b"), good("a")]) == (
        "claims[2].id",
        "duplicate id 'a' (also claims[0])",
    )


def test_integer_and_string_of_the_same_id_are_duplicates() -> None:
    assert error_of([good(7), good("7")]) == ("claims[1].id", "duplicate id '7' (also claims[0])")


def test_missing_id() -> None:
    claim = {k: v for k, v in good().items() if k != "id"}
    assert error_of([good(1), claim]) == ("claims[1].id", "is required")


def test_fractional_id_is_refused() -> None:
    assert error_of([good(Decimal("1.5"))]) == ("claims[0].id", "must be a string or an integer")


def test_bad_level_for_standardisation() -> None:
    claim = {
        "id": "s",
        "measure": "M8-2",
        "applicant": "E",
        "applicant_type": "enterprise",
        "date": "2025-01-01",
        "level": "provincial",
    }
    assert error_of([claim]) == (
        "claims[0].level",
        "must be one of international, national, industry, local, not 'provincial' (claim s)",
    )


def test_unknown_applicant_type() -> None:
    assert error_of([good(applicant_type="company")])[0] == "claims[0].applicant_type"


def test_missing_applicant() -> None:
    claim = {k: v for k, v in good().items() if k != "applicant"}
    assert error_of([claim]) == ("claims[0].applicant", "is required (claim ok)")


def test_boolean_field_must_be_boolean() -> None:
    assert error_of([good(registered="yes")]) == (
        "claims[0].registered",
        "must be true or false (claim ok)",
    )


def test_bad_paid_in_date() -> None:
    claim = {
        "id": "v",
        "measure": "M13-1",
        "applicant": "V",
        "applicant_type": "venture_capital",
        "date": "2025-01-01",
        "base": "100",
        "counterparty": "T",
        "paid_in_date": "soon",
    }
    assert error_of([claim]) == ("claims[0].paid_in_date", "not a valid date: 'soon' (claim v)")


def test_negative_requested() -> None:
    assert error_of([good(requested="-1")]) == (
        "claims[0].requested",
        "must not be negative (claim ok)",
    )


def test_claim_must_be_an_object() -> None:
    assert error_of([good(), "claim"]) == ("claims[1]", "must be an object")


def test_first_bad_claim_in_input_order_is_reported() -> None:
    assert error_of([good("z", date="2026-01-01", base="-1"), good("a", measure="X")])[0] == (
        "claims[0].base"
    )


def test_prior_grant_unknown_measure() -> None:
    prior = [{"measure": "M0", "applicant": "E", "date": "2025-01-01", "amount": "1"}]
    assert error_of([good()], prior) == ("prior_grants[0].measure", "unknown measure 'M0'")


def test_prior_grant_negative_amount() -> None:
    prior = [{"measure": "M7-1", "applicant": "E", "date": "2025-01-01", "amount": "-1"}]
    assert error_of([good()], prior) == ("prior_grants[0].amount", "must not be negative")


def test_prior_grant_bad_date() -> None:
    prior = [{"measure": "M7-1", "applicant": "E", "date": "01/02/2025", "amount": "1"}]
    assert error_of([good()], prior)[0] == "prior_grants[0].date"


def test_prior_grant_of_venture_subsidy_needs_counterparty() -> None:
    prior = [{"measure": "M13-2", "applicant": "V", "date": "2025-01-01", "amount": "1"}]
    assert error_of([good()], prior) == ("prior_grants[0].counterparty", "is required for M13-2")


def test_document_without_claims() -> None:
    with pytest.raises(InputError) as err:
        run({"prior_grants": []})
    assert (err.value.path, err.value.message) == ("claims", "is required")


def test_claims_must_be_a_list() -> None:
    with pytest.raises(InputError) as err:
        run({"claims": {"id": 1}})
    assert (err.value.path, err.value.message) == ("claims", "must be a list")


def test_amounts_may_be_numbers_or_strings() -> None:
    results = evaluate(
        [good(1, base=1000), good(2, base=Decimal("1000.5")), good(3, base="1e3")],
        [],
        load_catalogue(),
    )
    assert [str(r.granted) for r in results] == ["200.00", "200.10", "200.00"]


def test_empty_claims_give_empty_results() -> None:
    assert run({"claims": []}) == {"results": []}
