"""Every refused input of LICENSING.md through the console script: exit code 2 and one line
``error: <field path>: <message>`` on stderr."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from zhuanhua.engines.common import InputError
from zhuanhua.engines.licensing import run

BASE: dict[str, Any] = {
    "as_of": "2024-10-10",
    "contract": {
        "id": "L-9",
        "fee_model": "staged_royalty",
        "start": "2024-01-01",
        "end": "2025-12-31",
        "upfront_fee": "1000",
        "installments": [
            {"key": "fixed", "amount": "5000", "due": "2024-06-30"},
            {"key": "pilot", "amount": "8000", "milestone": "m1", "days_after": 30},
        ],
        "royalty": {
            "period": "quarter",
            "tiers": [{"up_to": "100000", "rate": "0.05"}, {"up_to": None, "rate": "0.03"}],
        },
    },
    "milestones": [{"key": "m1", "achieved_on": "2024-05-01"}],
    "revenue_reports": [
        {
            "period_start": "2024-01-01",
            "period_end": "2024-03-31",
            "revenue": "5000",
            "reported_on": "2024-04-10",
        },
        {
            "period_start": "2024-04-01",
            "period_end": "2024-06-30",
            "revenue": "7000",
            "reported_on": "2024-07-10",
        },
    ],
    "payments": [{"date": "2024-02-01", "amount": "1000", "ref": "P1"}],
}


def _base() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def _zhuanhua() -> list[str]:
    script = Path(sys.executable).with_name("zhuanhua")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "zhuanhua.cli"]


def _cli(text: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_zhuanhua(), "licensing", "schedule", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def _assert_refused(doc: Any, path: str) -> None:
    done = _cli(json.dumps(doc))
    assert done.returncode == 2, done.stdout
    assert done.stdout == ""
    assert done.stderr.startswith(f"error: {path}: "), done.stderr
    assert done.stderr.count("\n") == 1
    with pytest.raises(InputError) as caught:
        run(doc)
    assert caught.value.path == path


def test_base_document_is_accepted() -> None:
    done = _cli(json.dumps(BASE))
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["obligations"]) == 6


# ------------------------------------------------------------------ negative amounts


def test_refuses_negative_upfront_fee() -> None:
    doc = _base()
    doc["contract"]["upfront_fee"] = "-1"
    _assert_refused(doc, "contract.upfront_fee")


def test_refuses_negative_installment_amount() -> None:
    doc = _base()
    doc["contract"]["installments"][1]["amount"] = "-0.01"
    _assert_refused(doc, "contract.installments[1].amount")


def test_refuses_negative_revenue() -> None:
    doc = _base()
    doc["revenue_reports"][1]["revenue"] = "-5"
    _assert_refused(doc, "revenue_reports[1].revenue")


def test_refuses_negative_payment() -> None:
    doc = _base()
    doc["payments"][0]["amount"] = -100
    _assert_refused(doc, "payments[0].amount")


def test_refuses_negative_cap_total() -> None:
    doc = _base()
    doc["contract"]["royalty"]["cap_total"] = "-1"
    _assert_refused(doc, "contract.royalty.cap_total")


def test_refuses_negative_grace_days() -> None:
    doc = _base()
    doc["contract"]["grace_days"] = -3
    _assert_refused(doc, "contract.grace_days")


def test_refuses_more_than_two_decimals() -> None:
    doc = _base()
    doc["payments"][0]["amount"] = "10.005"
    _assert_refused(doc, "payments[0].amount")


def test_refuses_amount_that_is_not_a_number() -> None:
    doc = _base()
    doc["revenue_reports"][0]["revenue"] = "lots"
    _assert_refused(doc, "revenue_reports[0].revenue")


# ------------------------------------------------------------------ term and rates


def test_refuses_end_before_start() -> None:
    doc = _base()
    doc["contract"]["end"] = "2023-12-31"
    _assert_refused(doc, "contract.end")


def test_refuses_rate_above_one() -> None:
    doc = _base()
    royalty = doc["contract"]["royalty"]
    del royalty["tiers"]
    royalty["rate"] = "1.01"
    _assert_refused(doc, "contract.royalty.rate")


def test_refuses_negative_rate() -> None:
    doc = _base()
    royalty = doc["contract"]["royalty"]
    del royalty["tiers"]
    royalty["rate"] = "-0.1"
    _assert_refused(doc, "contract.royalty.rate")


def test_refuses_tier_rate_outside_unit_interval() -> None:
    doc = _base()
    doc["contract"]["royalty"]["tiers"][1]["rate"] = 2
    _assert_refused(doc, "contract.royalty.tiers[1].rate")


def test_refuses_tiers_not_ascending() -> None:
    doc = _base()
    doc["contract"]["royalty"]["tiers"] = [
        {"up_to": "100000", "rate": "0.05"},
        {"up_to": "100000", "rate": "0.04"},
        {"up_to": None, "rate": "0.03"},
    ]
    _assert_refused(doc, "contract.royalty.tiers[1].up_to")


def test_refuses_tiers_without_last_open_tier() -> None:
    doc = _base()
    doc["contract"]["royalty"]["tiers"][1]["up_to"] = "500000"
    _assert_refused(doc, "contract.royalty.tiers[1].up_to")


def test_refuses_open_tier_before_the_last() -> None:
    doc = _base()
    doc["contract"]["royalty"]["tiers"] = [
        {"up_to": None, "rate": "0.05"},
        {"up_to": None, "rate": "0.03"},
    ]
    _assert_refused(doc, "contract.royalty.tiers[0].up_to")


def test_refuses_first_tier_at_zero() -> None:
    doc = _base()
    doc["contract"]["royalty"]["tiers"][0]["up_to"] = "0"
    _assert_refused(doc, "contract.royalty.tiers[0].up_to")


def test_refuses_empty_tiers() -> None:
    doc = _base()
    doc["contract"]["royalty"]["tiers"] = []
    _assert_refused(doc, "contract.royalty.tiers")


def test_refuses_rate_and_tiers_together() -> None:
    doc = _base()
    doc["contract"]["royalty"]["rate"] = "0.05"
    _assert_refused(doc, "contract.royalty")


def test_refuses_royalty_without_rate_or_tiers() -> None:
    doc = _base()
    del doc["contract"]["royalty"]["tiers"]
    _assert_refused(doc, "contract.royalty.rate")


def test_refuses_unknown_period() -> None:
    doc = _base()
    doc["contract"]["royalty"]["period"] = "month"
    _assert_refused(doc, "contract.royalty.period")


# ------------------------------------------------------------------ reports


def test_refuses_report_not_starting_a_royalty_period() -> None:
    doc = _base()
    doc["revenue_reports"][1]["period_start"] = "2024-04-02"
    _assert_refused(doc, "revenue_reports[1].period_start")


def test_refuses_report_with_wrong_period_end() -> None:
    doc = _base()
    doc["revenue_reports"][1]["period_end"] = "2024-05-31"
    _assert_refused(doc, "revenue_reports[1].period_end")


def test_refuses_report_outside_the_term() -> None:
    doc = _base()
    doc["revenue_reports"][0]["period_start"] = "2023-10-01"
    doc["revenue_reports"][0]["period_end"] = "2023-12-31"
    _assert_refused(doc, "revenue_reports[0].period_start")


def test_refuses_report_ending_before_it_starts() -> None:
    doc = _base()
    doc["revenue_reports"][0]["period_end"] = "2023-12-31"
    _assert_refused(doc, "revenue_reports[0].period_end")


def test_refuses_two_reports_for_one_period_with_the_same_reported_on() -> None:
    doc = _base()
    doc["revenue_reports"].append(dict(doc["revenue_reports"][0], revenue="1"))
    _assert_refused(doc, "revenue_reports[2].reported_on")


def test_accepts_a_correction_reported_on_another_day() -> None:
    doc = _base()
    first = doc["revenue_reports"][0]
    doc["revenue_reports"].append(dict(first, revenue="1", reported_on="2024-05-02"))
    done = _cli(json.dumps(doc))
    assert done.returncode == 0, done.stderr


def test_refuses_reports_for_a_model_without_royalty() -> None:
    doc = _base()
    doc["contract"]["fee_model"] = "staged"
    del doc["contract"]["royalty"]
    _assert_refused(doc, "revenue_reports[0].period_start")


# ------------------------------------------------------------------ milestones and installments


def test_refuses_milestone_no_installment_uses() -> None:
    doc = _base()
    doc["milestones"].append({"key": "m2", "achieved_on": "2024-05-01"})
    _assert_refused(doc, "milestones[1].key")


def test_refuses_duplicate_milestone() -> None:
    doc = _base()
    doc["milestones"].append({"key": "m1", "achieved_on": "2024-06-01"})
    _assert_refused(doc, "milestones[1].key")


def test_refuses_duplicate_installment_keys() -> None:
    doc = _base()
    doc["contract"]["installments"][1]["key"] = "fixed"
    _assert_refused(doc, "contract.installments[1].key")


def test_refuses_installment_with_due_and_milestone() -> None:
    doc = _base()
    doc["contract"]["installments"][0]["milestone"] = "m1"
    _assert_refused(doc, "contract.installments[0]")


def test_refuses_installment_without_due_or_milestone() -> None:
    doc = _base()
    del doc["contract"]["installments"][0]["due"]
    _assert_refused(doc, "contract.installments[0].due")


def test_refuses_milestone_installment_without_days_after() -> None:
    doc = _base()
    del doc["contract"]["installments"][1]["days_after"]
    _assert_refused(doc, "contract.installments[1].days_after")


def test_refuses_fractional_days_after() -> None:
    doc = _base()
    doc["contract"]["installments"][1]["days_after"] = 1.5
    _assert_refused(doc, "contract.installments[1].days_after")


# ------------------------------------------------------------------ terms that do not fit the model


def test_refuses_unknown_fee_model() -> None:
    doc = _base()
    doc["contract"]["fee_model"] = "equity"
    _assert_refused(doc, "contract.fee_model")


def test_refuses_royalty_model_with_installments() -> None:
    doc = _base()
    doc["contract"]["fee_model"] = "royalty"
    doc["milestones"] = []
    _assert_refused(doc, "contract.installments")


def test_refuses_royalty_model_without_royalty() -> None:
    doc = _base()
    doc["contract"]["fee_model"] = "royalty"
    doc["contract"]["installments"] = []
    doc["milestones"] = []
    del doc["contract"]["royalty"]
    _assert_refused(doc, "contract.royalty")


def test_refuses_staged_model_with_royalty() -> None:
    doc = _base()
    doc["contract"]["fee_model"] = "staged"
    doc["revenue_reports"] = []
    _assert_refused(doc, "contract.royalty")


def test_refuses_staged_model_without_installments() -> None:
    doc = _base()
    doc["contract"]["installments"] = []
    doc["milestones"] = []
    _assert_refused(doc, "contract.installments")


# ------------------------------------------------------------------ shape, required fields, dates


def test_refuses_missing_as_of() -> None:
    doc = _base()
    del doc["as_of"]
    _assert_refused(doc, "as_of")


def test_refuses_missing_contract_field() -> None:
    doc = _base()
    del doc["contract"]["fee_model"]
    _assert_refused(doc, "contract.fee_model")


def test_refuses_missing_contract_id() -> None:
    doc = _base()
    del doc["contract"]["id"]
    _assert_refused(doc, "contract.id")


def test_refuses_missing_royalty_period() -> None:
    doc = _base()
    del doc["contract"]["royalty"]["period"]
    _assert_refused(doc, "contract.royalty.period")


def test_refuses_missing_reported_on() -> None:
    doc = _base()
    del doc["revenue_reports"][1]["reported_on"]
    _assert_refused(doc, "revenue_reports[1].reported_on")


def test_refuses_bad_date() -> None:
    doc = _base()
    doc["payments"][0]["date"] = "2024-02-30"
    _assert_refused(doc, "payments[0].date")


def test_refuses_bad_start_date() -> None:
    doc = _base()
    doc["contract"]["start"] = "1 Jan 2024"
    _assert_refused(doc, "contract.start")


def test_refuses_payments_not_a_list() -> None:
    doc = _base()
    doc["payments"] = {"date": "2024-02-01"}
    _assert_refused(doc, "payments")


def test_refuses_payment_not_an_object() -> None:
    doc = _base()
    doc["payments"][0] = "1000"
    _assert_refused(doc, "payments[0]")


def test_refuses_document_not_an_object() -> None:
    _assert_refused([], "(document)")


def test_refuses_invalid_json() -> None:
    done = _cli("{not json")
    assert done.returncode == 2
    assert done.stderr.startswith("error: (document): invalid JSON")
