"""LICENSING.md "Ending early, corrections and reversals": hand-made cases of each rule
(terminated_on, several revenue reports per period, reversed payments) and the new refusals,
through ``run`` and through ``zhuanhua licensing schedule`` (exit 2, one line naming the field)."""

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

# Ended early on 2024-11-15. Hand-computed below: the upfront fee (due 01-15), installment
# "a" (due 06-30) and milestone "m1" (achieved 08-20, before the end) stay owed; "b" (due
# 2025-03-31) and "m2" (never achieved) are cancelled; Q4 is clipped to 10-01..11-15.
TERMINATED: dict[str, Any] = {
    "as_of": "2025-01-10",
    "contract": {
        "id": "L-T",
        "fee_model": "staged_royalty",
        "start": "2024-01-01",
        "end": "2026-12-31",
        "terminated_on": "2024-11-15",
        "upfront_fee": "10000",
        "upfront_due": "2024-01-15",
        "installments": [
            {"key": "a", "amount": "20000", "due": "2024-06-30"},
            {"key": "b", "amount": "30000", "due": "2025-03-31"},
            {"key": "m1", "amount": "40000", "milestone": "pilot", "days_after": 60},
            {"key": "m2", "amount": "50000", "milestone": "launch", "days_after": 30},
        ],
        "royalty": {"period": "quarter", "rate": "0.05"},
    },
    "milestones": [{"key": "pilot", "achieved_on": "2024-08-20"}],
    "revenue_reports": [
        {
            "period_start": "2024-01-01",
            "period_end": "2024-03-31",
            "revenue": "100000",
            "reported_on": "2024-04-10",
        },
        {
            "period_start": "2024-04-01",
            "period_end": "2024-06-30",
            "revenue": "200000",
            "reported_on": "2024-07-10",
        },
        {
            "period_start": "2024-10-01",
            "period_end": "2024-11-15",
            "revenue": "60000",
            "reported_on": "2024-12-01",
        },
    ],
    "payments": [
        {"date": "2024-01-15", "amount": "10000"},
        {"date": "2024-07-01", "amount": "20000"},
        {"date": "2024-08-01", "amount": "15000"},
    ],
}


def _row(
    kind: str,
    key: str | None,
    amount: str | None,
    due: str | None,
    paid: str,
    outstanding: str | None,
    status: str,
    days: int | None = None,
    period: tuple[str, str] | None = None,
    base: str | None = None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "key": key,
        "period_start": period[0] if period else None,
        "period_end": period[1] if period else None,
        "base": base,
        "amount": amount,
        "due": due,
        "paid": paid,
        "outstanding": outstanding,
        "status": status,
        "days_overdue": days,
    }


Q1 = ("2024-01-01", "2024-03-31")
Q2 = ("2024-04-01", "2024-06-30")
Q3 = ("2024-07-01", "2024-09-30")
Q4_CLIPPED = ("2024-10-01", "2024-11-15")


def _zhuanhua() -> list[str]:
    script = Path(sys.executable).with_name("zhuanhua")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "zhuanhua.cli"]


def _assert_refused(doc: dict[str, Any], path: str, code: str) -> None:
    done = subprocess.run(
        [*_zhuanhua(), "licensing", "schedule", "-"],
        input=json.dumps(doc),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2, done.stdout
    assert done.stdout == ""
    assert done.stderr.startswith(f"error: {path}: "), done.stderr
    assert done.stderr.count("\n") == 1
    with pytest.raises(InputError) as caught:
        run(doc)
    assert (caught.value.path, caught.value.code) == (path, code)


# ---------------------------------------------------------------------------------------------
# Ending early


def test_termination_keeps_what_was_earned_and_cancels_the_rest() -> None:
    result = run(TERMINATED)
    # Payments (45,000) go oldest due first: upfront 10,000 (01-15), Q1 5,000 (04-30),
    # a 20,000 (06-30), Q2 10,000 (07-30); m1 (due 08-20 + 60 = 10-19) and Q4 get nothing.
    assert result["obligations"] == [
        _row("upfront", "upfront", "10000.00", "2024-01-15", "10000.00", "0.00", "paid"),
        _row("installment", "a", "20000.00", "2024-06-30", "20000.00", "0.00", "paid"),
        _row("installment", "b", "30000.00", "2025-03-31", "0.00", "0.00", "cancelled"),
        _row("installment", "m1", "40000.00", "2024-10-19", "0.00", "40000.00", "overdue", 83),
        _row("installment", "m2", "50000.00", None, "0.00", "0.00", "cancelled"),
        _row(
            "royalty", None, "5000.00", "2024-04-30", "5000.00", "0.00", "paid", None, Q1, "100000.00"
        ),
        _row(
            "royalty", None, "10000.00", "2024-07-30", "10000.00", "0.00", "paid", None, Q2,
            "200000.00",
        ),
        _row("royalty", None, None, None, "0.00", None, "report_missing", None, Q3),
        # The clipped period's royalty is due 30 days after terminated_on: 12-15, 26 days ago.
        _row(
            "royalty", None, "3000.00", "2024-12-15", "0.00", "3000.00", "overdue", 26,
            Q4_CLIPPED, "60000.00",
        ),
    ]  # fmt: skip
    # Cancelled obligations are in neither billed nor scheduled and raise no alert.
    assert result["totals"] == {
        "billed": "88000.00",
        "scheduled": "0.00",
        "paid": "45000.00",
        "outstanding": "43000.00",
        "overdue": "43000.00",
        "unallocated": "0.00",
    }
    assert result["alerts"] == [
        {"code": "overdue", "key": "m1", "period_start": None},
        {"code": "report_missing", "key": None, "period_start": "2024-07-01"},
        {"code": "overdue", "key": None, "period_start": "2024-10-01"},
    ]


def test_termination_applies_before_it_happens_but_a_milestone_stays_pending_until_then() -> None:
    doc = copy.deepcopy(TERMINATED)
    doc["as_of"] = "2024-11-10"
    obligations = run(doc)["obligations"]
    assert [(o["key"], o["status"]) for o in obligations[:5]] == [
        ("upfront", "paid"),
        ("a", "paid"),
        ("b", "cancelled"),  # a term of the contract, whatever as_of is
        ("m1", "overdue"),
        ("m2", "pending_milestone"),  # as_of < terminated_on
    ]
    assert obligations[4]["outstanding"] == "50000.00"
    # The clipped Q4 (ends 11-15) has not ended on 11-10: no royalty obligation for it yet.
    assert [o["period_start"] for o in obligations[5:]] == [
        "2024-01-01",
        "2024-04-01",
        "2024-07-01",
    ]


def test_pending_milestone_is_cancelled_from_the_day_of_termination() -> None:
    doc = copy.deepcopy(TERMINATED)
    doc["as_of"] = "2024-11-15"
    m2 = run(doc)["obligations"][4]
    assert (m2["key"], m2["status"], m2["due"], m2["outstanding"]) == (
        "m2",
        "cancelled",
        None,
        "0.00",
    )


def test_milestone_achieved_after_termination_is_cancelled() -> None:
    doc = copy.deepcopy(TERMINATED)
    doc["milestones"].append({"key": "launch", "achieved_on": "2024-12-01"})
    m2 = run(doc)["obligations"][4]
    assert (m2["status"], m2["due"], m2["paid"], m2["outstanding"]) == (
        "cancelled",
        None,
        "0.00",
        "0.00",
    )


def test_milestone_achieved_before_termination_keeps_its_due_date_after_it() -> None:
    doc = copy.deepcopy(TERMINATED)
    doc["milestones"].append({"key": "launch", "achieved_on": "2024-11-01"})
    m2 = run(doc)["obligations"][4]
    # Due 11-01 + 30 = 12-01, after terminated_on: still owed, 40 days overdue on 2025-01-10.
    assert (m2["status"], m2["due"], m2["outstanding"], m2["days_overdue"]) == (
        "overdue",
        "2024-12-01",
        "50000.00",
        40,
    )


def test_upfront_fee_due_after_termination_is_cancelled_and_takes_no_payment() -> None:
    doc = {
        "as_of": "2024-08-01",
        "contract": {
            "id": "L-U",
            "fee_model": "royalty",
            "start": "2024-01-01",
            "end": "2025-12-31",
            "terminated_on": "2024-03-15",
            "upfront_fee": "8000",
            "upfront_due": "2024-06-01",
            "royalty": {"period": "half", "rate": "0.1"},
        },
        "payments": [{"date": "2024-02-01", "amount": "500"}],
    }
    result = run(doc)
    assert result["obligations"] == [
        _row("upfront", "upfront", "8000.00", "2024-06-01", "0.00", "0.00", "cancelled"),
        # The first half is clipped to 01-01..03-15; its report was due 04-14: missing.
        _row(
            "royalty", None, None, None, "0.00", None, "report_missing", None,
            ("2024-01-01", "2024-03-15"),
        ),
    ]  # fmt: skip
    assert result["totals"] == {
        "billed": "0.00",
        "scheduled": "0.00",
        "paid": "500.00",
        "outstanding": "0.00",
        "overdue": "0.00",
        "unallocated": "500.00",
    }
    assert result["alerts"] == [
        {"code": "report_missing", "key": None, "period_start": "2024-01-01"}
    ]


def test_clipped_period_awaits_its_report_until_report_within_days_after_termination() -> None:
    doc = copy.deepcopy(TERMINATED)
    doc["revenue_reports"].pop()  # no Q4 report
    doc["as_of"] = "2024-12-15"  # 11-15 + 30
    assert run(doc)["obligations"][-1]["status"] == "awaiting_report"
    doc["as_of"] = "2024-12-16"
    assert run(doc)["obligations"][-1]["status"] == "report_missing"


def test_refuses_terminated_on_before_start() -> None:
    doc = copy.deepcopy(TERMINATED)
    doc["contract"]["terminated_on"] = "2023-12-31"
    _assert_refused(doc, "contract.terminated_on", "terminated_outside_term")


def test_refuses_terminated_on_after_end() -> None:
    doc = copy.deepcopy(TERMINATED)
    doc["contract"]["terminated_on"] = "2027-01-01"
    _assert_refused(doc, "contract.terminated_on", "terminated_outside_term")


def test_refuses_terminated_on_that_is_not_a_date() -> None:
    doc = copy.deepcopy(TERMINATED)
    doc["contract"]["terminated_on"] = "2024-11-31"
    _assert_refused(doc, "contract.terminated_on", "bad_date")


def test_refuses_a_report_for_the_unclipped_period() -> None:
    doc = copy.deepcopy(TERMINATED)
    doc["revenue_reports"][2]["period_end"] = "2024-12-31"
    _assert_refused(doc, "revenue_reports[2].period_end", "period_end_mismatch")


def test_refuses_a_report_for_a_period_after_termination() -> None:
    doc = copy.deepcopy(TERMINATED)
    doc["revenue_reports"].append(
        {
            "period_start": "2025-01-01",
            "period_end": "2025-03-31",
            "revenue": "1",
            "reported_on": "2025-01-05",
        }
    )
    _assert_refused(doc, "revenue_reports[3].period_start", "not_a_period")


# ---------------------------------------------------------------------------------------------
# Corrections (更正)

ROYALTY_TIERED: dict[str, Any] = {
    "id": "L-C",
    "fee_model": "royalty",
    "start": "2024-01-01",
    "end": "2024-12-31",
    "royalty": {
        "period": "quarter",
        "tiers": [{"up_to": "100000", "rate": "0.1"}, {"up_to": None, "rate": "0.05"}],
    },
}


def _report(period: tuple[str, str], revenue: str, reported_on: str) -> dict[str, Any]:
    return {
        "period_start": period[0],
        "period_end": period[1],
        "revenue": revenue,
        "reported_on": reported_on,
    }


def _royalties(doc: dict[str, Any]) -> list[tuple[str | None, str | None]]:
    return [(o["base"], o["amount"]) for o in run(doc)["obligations"]]


def test_latest_report_on_or_before_as_of_counts() -> None:
    doc = {
        "contract": {**ROYALTY_TIERED, "royalty": {"period": "quarter", "rate": "0.05"}},
        # The correction is listed first: the order of the list does not matter.
        "revenue_reports": [
            _report(Q1, "80000", "2024-05-05"),
            _report(Q1, "100000", "2024-04-10"),
        ],
    }
    assert _royalties({**doc, "as_of": "2024-04-20"}) == [("100000.00", "5000.00")]
    assert _royalties({**doc, "as_of": "2024-05-04"}) == [("100000.00", "5000.00")]
    assert _royalties({**doc, "as_of": "2024-05-05"}) == [("80000.00", "4000.00")]


def test_tiers_and_cap_use_the_corrected_revenue() -> None:
    reports = [
        _report(Q1, "150000", "2024-04-10"),
        _report(Q1, "50000", "2024-05-05"),
        _report(Q2, "100000", "2024-07-10"),
    ]
    doc: dict[str, Any] = {
        "as_of": "2024-07-20",
        "contract": ROYALTY_TIERED,
        "revenue_reports": reports,
    }
    # Q1 counts 50,000 (10 % = 5,000); Q2 takes cumulative revenue 50,000 -> 150,000:
    # 50,000 x 10 % + 50,000 x 5 % = 7,500 (with the superseded 150,000 it would be 5,000).
    assert _royalties(doc) == [("50000.00", "5000.00"), ("100000.00", "7500.00")]
    capped = copy.deepcopy(doc)
    capped["contract"]["royalty"]["cap_total"] = "9000"
    assert _royalties(capped) == [("50000.00", "5000.00"), ("100000.00", "4000.00")]


def test_report_made_after_as_of_is_not_yet_known() -> None:
    doc = {
        "as_of": "2024-06-01",
        "contract": {**ROYALTY_TIERED, "royalty": {"period": "quarter", "rate": "0.05"}},
        "revenue_reports": [_report(Q1, "20000", "2024-06-02")],
    }
    assert run(doc)["obligations"][0]["status"] == "report_missing"  # not known on 06-01


def test_refuses_two_reports_for_one_period_on_the_same_day() -> None:
    doc = {
        "as_of": "2024-07-20",
        "contract": ROYALTY_TIERED,
        "revenue_reports": [
            _report(Q1, "150000", "2024-04-10"),
            _report(Q2, "1", "2024-07-10"),
            _report(Q1, "50000", "2024-04-10"),
        ],
    }
    _assert_refused(doc, "revenue_reports[2].reported_on", "duplicate_report")


# ---------------------------------------------------------------------------------------------
# Reversals (冲正)

STAGED: dict[str, Any] = {
    "id": "L-R",
    "fee_model": "staged",
    "start": "2024-01-01",
    "end": "2024-12-31",
    "installments": [{"key": "s1", "amount": "1000", "due": "2024-02-01"}],
}
PAYMENTS = [
    {"date": "2024-02-01", "amount": "1000", "ref": "P1", "reversed_on": "2024-02-10"},
    {"date": "2024-02-12", "amount": "1000", "ref": "P2"},
]


def _s1(as_of: str, payments: list[dict[str, Any]]) -> tuple[str, str, str, int | None, str]:
    result = run({"as_of": as_of, "contract": STAGED, "payments": payments})
    s1 = result["obligations"][0]
    return s1["paid"], s1["outstanding"], s1["status"], s1["days_overdue"], result["totals"]["paid"]


def test_reversed_payment_counts_only_before_its_reversal() -> None:
    assert _s1("2024-02-09", PAYMENTS) == ("1000.00", "0.00", "paid", None, "1000.00")
    # On reversed_on it no longer counts: the installment is 9 days overdue again.
    assert _s1("2024-02-10", PAYMENTS) == ("0.00", "1000.00", "overdue", 9, "0.00")
    # The right payment added afterwards pays it.
    assert _s1("2024-02-12", PAYMENTS) == ("1000.00", "0.00", "paid", None, "1000.00")


def test_payment_reversed_on_its_own_date_never_counts() -> None:
    payments = [{"date": "2024-02-01", "amount": "1000", "reversed_on": "2024-02-01"}]
    assert _s1("2024-02-01", payments) == ("0.00", "1000.00", "open", None, "0.00")


def test_refuses_reversal_before_the_payment_date() -> None:
    doc = {
        "as_of": "2024-03-01",
        "contract": STAGED,
        "payments": [PAYMENTS[1], dict(PAYMENTS[0], reversed_on="2024-01-31")],
    }
    _assert_refused(doc, "payments[1].reversed_on", "reversed_before_date")


def test_refuses_reversal_that_is_not_a_date() -> None:
    doc = {
        "as_of": "2024-03-01",
        "contract": STAGED,
        "payments": [dict(PAYMENTS[0], reversed_on="10 Feb")],
    }
    _assert_refused(doc, "payments[0].reversed_on", "bad_date")
