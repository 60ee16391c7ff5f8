"""Examples of zhuanhua.engines.licensing: fee models, tiers, caps, milestones, reports,
allocation, grace days and alerts (LICENSING.md), with exact expected values."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from zhuanhua.engines.licensing import (
    compute_schedule,
    parse_input,
    royalty_periods,
    run,
    schedule_to_json,
)


def _doc(
    contract: dict[str, Any],
    *,
    as_of: str,
    reports: list[dict[str, Any]] | None = None,
    payments: list[dict[str, Any]] | None = None,
    milestones: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "as_of": as_of,
        "contract": {"id": "L-1", **contract},
        "milestones": milestones or [],
        "revenue_reports": reports or [],
        "payments": payments or [],
    }


ROYALTY_2024: dict[str, Any] = {
    "fee_model": "royalty",
    "start": "2024-01-01",
    "end": "2024-12-31",
    "royalty": {"period": "quarter", "rate": "0.05"},
}


def _report(start: str, end: str, revenue: str, reported_on: str) -> dict[str, Any]:
    return {
        "period_start": start,
        "period_end": end,
        "revenue": revenue,
        "reported_on": reported_on,
    }


def _obligation(result: dict[str, Any], index: int) -> dict[str, Any]:
    return result["obligations"][index]


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


# ------------------------------------------------------------------ fee models


def test_royalty_model_flat_rate_amount_due_and_base() -> None:
    result = run(
        _doc(
            ROYALTY_2024,
            as_of="2024-04-15",
            reports=[_report("2024-01-01", "2024-03-31", "100000", "2024-04-10")],
        )
    )
    assert result["obligations"] == [
        {
            "kind": "royalty",
            "key": None,
            "period_start": "2024-01-01",
            "period_end": "2024-03-31",
            "base": "100000.00",
            "amount": "5000.00",
            "due": "2024-04-30",
            "paid": "0.00",
            "outstanding": "5000.00",
            "status": "open",
            "days_overdue": None,
        }
    ]
    assert result["totals"] == {
        "billed": "0.00",
        "scheduled": "5000.00",
        "paid": "0.00",
        "outstanding": "0.00",
        "overdue": "0.00",
        "unallocated": "0.00",
    }
    assert result["alerts"] == []


def test_upfront_fee_due_defaults_to_start() -> None:
    result = run(_doc({**ROYALTY_2024, "upfront_fee": "1200"}, as_of="2024-01-01"))
    upfront = _obligation(result, 0)
    assert upfront["kind"] == "upfront"
    assert upfront["key"] == "upfront"
    assert upfront["base"] is None
    assert upfront["amount"] == "1200.00"
    assert upfront["due"] == "2024-01-01"
    assert upfront["status"] == "open"
    assert result["totals"]["billed"] == "1200.00"
    assert result["totals"]["outstanding"] == "1200.00"


def test_zero_upfront_fee_creates_no_obligation() -> None:
    result = run(_doc({**ROYALTY_2024, "upfront_fee": "0"}, as_of="2024-02-01"))
    assert result["obligations"] == []


def test_upfront_due_explicit() -> None:
    contract = {**ROYALTY_2024, "upfront_fee": "500.5", "upfront_due": "2024-03-01"}
    result = run(_doc(contract, as_of="2024-02-01"))
    assert _obligation(result, 0)["amount"] == "500.50"
    assert _obligation(result, 0)["due"] == "2024-03-01"
    assert result["totals"]["scheduled"] == "500.50"


def test_staged_model_fixed_installments_in_terms_order() -> None:
    contract = {
        "fee_model": "staged",
        "start": "2024-01-01",
        "end": "2026-12-31",
        "installments": [
            {"key": "b", "amount": "30000", "due": "2025-01-01"},
            {"key": "a", "amount": "20000", "due": "2024-07-01"},
        ],
    }
    result = run(_doc(contract, as_of="2024-09-01", payments=[]))
    assert [(o["key"], o["amount"], o["due"], o["status"]) for o in result["obligations"]] == [
        ("b", "30000.00", "2025-01-01", "open"),
        ("a", "20000.00", "2024-07-01", "overdue"),
    ]
    assert _obligation(result, 1)["days_overdue"] == 62
    assert result["totals"]["billed"] == "20000.00"
    assert result["totals"]["scheduled"] == "30000.00"
    assert result["totals"]["overdue"] == "20000.00"


def test_staged_royalty_model_orders_upfront_installments_royalties() -> None:
    contract = {
        "fee_model": "staged_royalty",
        "start": "2024-01-01",
        "end": "2025-12-31",
        "upfront_fee": "1000",
        "installments": [{"key": "one", "amount": "5000", "due": "2024-06-30"}],
        "royalty": {"period": "half", "rate": "0.1"},
    }
    reports = [_report("2024-01-01", "2024-06-30", "12345.67", "2024-07-05")]
    result = run(_doc(contract, as_of="2024-07-10", reports=reports))
    assert [(o["kind"], o["key"], o["amount"]) for o in result["obligations"]] == [
        ("upfront", "upfront", "1000.00"),
        ("installment", "one", "5000.00"),
        ("royalty", None, "1234.57"),
    ]
    assert _obligation(result, 2)["due"] == "2024-07-30"


def test_royalty_rounds_half_up_per_obligation() -> None:
    reports = [
        _report("2024-01-01", "2024-03-31", "0.50", "2024-04-01"),
        _report("2024-04-01", "2024-06-30", "0.30", "2024-07-01"),
    ]
    result = run(_doc(ROYALTY_2024, as_of="2024-07-02", reports=reports))
    assert [o["amount"] for o in result["obligations"]] == ["0.03", "0.02"]


def test_zero_revenue_royalty_is_paid() -> None:
    reports = [_report("2024-01-01", "2024-03-31", "0", "2024-04-01")]
    result = run(_doc(ROYALTY_2024, as_of="2024-06-01", reports=reports))
    assert _obligation(result, 0)["amount"] == "0.00"
    assert _obligation(result, 0)["status"] == "paid"
    assert _obligation(result, 0)["outstanding"] == "0.00"


# ------------------------------------------------------------------ tiers and caps

TIERED: dict[str, Any] = {
    "fee_model": "royalty",
    "start": "2024-01-01",
    "end": "2024-12-31",
    "royalty": {
        "period": "quarter",
        "tiers": [
            {"up_to": "100000", "rate": "0.10"},
            {"up_to": "300000", "rate": "0.05"},
            {"up_to": None, "rate": "0.02"},
        ],
    },
}


def test_tiers_are_marginal_on_cumulative_revenue() -> None:
    reports = [
        _report("2024-01-01", "2024-03-31", "80000", "2024-04-05"),
        _report("2024-04-01", "2024-06-30", "100000", "2024-07-05"),
        _report("2024-07-01", "2024-09-30", "200000", "2024-10-05"),
    ]
    result = run(_doc(TIERED, as_of="2024-10-10", reports=reports))
    # 80000*0.10; 20000*0.10 + 80000*0.05; 120000*0.05 + 80000*0.02
    assert [o["amount"] for o in result["obligations"]] == ["8000.00", "6000.00", "7600.00"]


def test_tiers_skip_missing_report_until_it_arrives() -> None:
    reports = [
        _report("2024-01-01", "2024-03-31", "80000", "2024-04-05"),
        _report("2024-04-01", "2024-06-30", "100000", "2024-09-01"),
        _report("2024-07-01", "2024-09-30", "50000", "2024-10-05"),
    ]
    before = run(_doc(TIERED, as_of="2024-08-15", reports=reports))
    assert [o["status"] for o in before["obligations"]] == ["overdue", "report_missing"]
    early = run(_doc(TIERED, as_of="2024-10-10", reports=[reports[0], reports[2]]))
    # Q3 follows Q1 directly: 20000*0.10 + 30000*0.05
    assert [o["amount"] for o in early["obligations"]] == ["8000.00", None, "3500.00"]
    late = run(_doc(TIERED, as_of="2024-10-10", reports=reports))
    assert [o["amount"] for o in late["obligations"]] == ["8000.00", "6000.00", "2500.00"]


def test_cap_total_period_reaching_it_pays_remainder_later_zero() -> None:
    contract = copy.deepcopy(ROYALTY_2024)
    contract["royalty"]["cap_total"] = "7000"
    reports = [
        _report("2024-01-01", "2024-03-31", "100000", "2024-04-05"),
        _report("2024-04-01", "2024-06-30", "100000", "2024-07-05"),
        _report("2024-07-01", "2024-09-30", "100000", "2024-10-05"),
    ]
    result = run(_doc(contract, as_of="2024-10-10", reports=reports))
    assert [o["amount"] for o in result["obligations"]] == ["5000.00", "2000.00", "0.00"]
    assert [o["base"] for o in result["obligations"]] == ["100000.00"] * 3
    assert _obligation(result, 2)["status"] == "paid"


def test_cap_total_with_tiers_caps_cumulative_royalties() -> None:
    contract = copy.deepcopy(TIERED)
    contract["royalty"]["cap_total"] = "15000"
    reports = [
        _report("2024-01-01", "2024-03-31", "80000", "2024-04-05"),
        _report("2024-04-01", "2024-06-30", "100000", "2024-07-05"),
        _report("2024-07-01", "2024-09-30", "200000", "2024-10-05"),
    ]
    result = run(_doc(contract, as_of="2024-10-10", reports=reports))
    assert [o["amount"] for o in result["obligations"]] == ["8000.00", "6000.00", "1000.00"]


def test_cap_total_zero_means_no_royalty() -> None:
    contract = copy.deepcopy(ROYALTY_2024)
    contract["royalty"]["cap_total"] = "0"
    reports = [_report("2024-01-01", "2024-03-31", "100000", "2024-04-05")]
    result = run(_doc(contract, as_of="2024-05-10", reports=reports))
    assert _obligation(result, 0)["amount"] == "0.00"


# ------------------------------------------------------------------ milestones

MILESTONED: dict[str, Any] = {
    "fee_model": "staged",
    "start": "2024-01-01",
    "end": "2026-12-31",
    "installments": [
        {"key": "sign", "amount": "10000", "due": "2024-01-15"},
        {"key": "pilot", "amount": "25000", "milestone": "pilot_done", "days_after": 30},
    ],
}


def test_milestone_not_achieved_is_pending_with_amount() -> None:
    result = run(_doc(MILESTONED, as_of="2024-03-01", payments=[]))
    pilot = _obligation(result, 1)
    assert pilot["status"] == "pending_milestone"
    assert pilot["amount"] == "25000.00"
    assert pilot["due"] is None
    assert pilot["paid"] == "0.00"
    assert pilot["outstanding"] == "25000.00"
    assert pilot["days_overdue"] is None
    assert result["totals"]["billed"] == "10000.00"
    assert result["totals"]["scheduled"] == "0.00"


def test_milestone_achieved_due_days_after() -> None:
    milestones = [{"key": "pilot_done", "achieved_on": "2024-05-10"}]
    result = run(_doc(MILESTONED, as_of="2024-06-01", milestones=milestones))
    pilot = _obligation(result, 1)
    assert pilot["due"] == "2024-06-09"
    assert pilot["status"] == "open"
    assert result["totals"]["scheduled"] == "25000.00"


def test_milestone_achieved_after_as_of_is_still_pending() -> None:
    milestones = [{"key": "pilot_done", "achieved_on": "2024-06-02"}]
    result = run(_doc(MILESTONED, as_of="2024-06-01", milestones=milestones))
    assert _obligation(result, 1)["status"] == "pending_milestone"


def test_milestone_null_achieved_on_is_pending() -> None:
    milestones = [{"key": "pilot_done", "achieved_on": None}]
    result = run(_doc(MILESTONED, as_of="2024-06-01", milestones=milestones))
    assert _obligation(result, 1)["status"] == "pending_milestone"


def test_pending_milestone_takes_no_payment() -> None:
    payments = [{"date": "2024-01-10", "amount": "40000", "ref": "P1"}]
    result = run(_doc(MILESTONED, as_of="2024-03-01", payments=payments))
    assert _obligation(result, 0)["paid"] == "10000.00"
    assert _obligation(result, 1)["paid"] == "0.00"
    assert result["totals"]["unallocated"] == "30000.00"


# ------------------------------------------------------------------ reports


def test_period_ending_on_or_after_as_of_has_no_obligation() -> None:
    result = run(_doc(ROYALTY_2024, as_of="2024-03-31"))
    assert result["obligations"] == []
    result = run(_doc(ROYALTY_2024, as_of="2024-04-01"))
    assert len(result["obligations"]) == 1


def test_awaiting_report_until_report_deadline_then_missing() -> None:
    awaiting = run(_doc(ROYALTY_2024, as_of="2024-04-30"))
    assert awaiting["obligations"][0]["status"] == "awaiting_report"
    assert awaiting["obligations"][0]["amount"] is None
    assert awaiting["obligations"][0]["outstanding"] is None
    assert awaiting["obligations"][0]["due"] is None
    assert awaiting["alerts"] == []
    missing = run(_doc(ROYALTY_2024, as_of="2024-05-01"))
    assert missing["obligations"][0]["status"] == "report_missing"
    assert missing["alerts"] == [
        {"code": "report_missing", "key": None, "period_start": "2024-01-01"}
    ]


def test_report_within_days_configurable() -> None:
    contract = copy.deepcopy(ROYALTY_2024)
    contract["royalty"]["report_within_days"] = 10
    result = run(_doc(contract, as_of="2024-04-11"))
    assert _obligation(result, 0)["status"] == "report_missing"


def test_late_report_counts_only_from_reported_on() -> None:
    reports = [_report("2024-01-01", "2024-03-31", "10000", "2024-05-20")]
    before = run(_doc(ROYALTY_2024, as_of="2024-05-19", reports=reports))
    assert _obligation(before, 0)["status"] == "report_missing"
    after = run(_doc(ROYALTY_2024, as_of="2024-05-20", reports=reports))
    late = _obligation(after, 0)
    assert late["amount"] == "500.00"
    assert late["due"] == "2024-04-30"
    assert late["status"] == "overdue"
    assert late["days_overdue"] == 20
    assert after["alerts"] == [{"code": "overdue", "key": None, "period_start": "2024-01-01"}]


def test_pay_within_days_sets_royalty_due() -> None:
    contract = copy.deepcopy(ROYALTY_2024)
    contract["royalty"]["pay_within_days"] = 45
    reports = [_report("2024-01-01", "2024-03-31", "10000", "2024-04-01")]
    result = run(_doc(contract, as_of="2024-04-02", reports=reports))
    assert _obligation(result, 0)["due"] == "2024-05-15"


def test_report_for_future_period_is_accepted_but_creates_nothing() -> None:
    reports = [_report("2024-04-01", "2024-06-30", "10000", "2024-03-01")]
    result = run(_doc(ROYALTY_2024, as_of="2024-04-15", reports=reports))
    assert [o["status"] for o in result["obligations"]] == ["awaiting_report"]


# ------------------------------------------------------------------ payments


def test_allocation_oldest_due_first_and_ties() -> None:
    contract = {
        "fee_model": "staged_royalty",
        "start": "2024-01-01",
        "end": "2024-12-31",
        "upfront_fee": "100",
        "upfront_due": "2024-04-30",
        "installments": [
            {"key": "z", "amount": "100", "due": "2024-04-30"},
            {"key": "a", "amount": "100", "due": "2024-04-30"},
            {"key": "early", "amount": "100", "due": "2024-02-01"},
        ],
        "royalty": {"period": "quarter", "rate": "0.01"},
    }
    reports = [_report("2024-01-01", "2024-03-31", "10000", "2024-04-02")]
    payments = [
        {"date": "2024-03-01", "amount": "150", "ref": "A"},
        {"date": "2024-04-03", "amount": "200", "ref": "B"},
    ]
    result = run(_doc(contract, as_of="2024-04-05", reports=reports, payments=payments))
    # 350 paid; order: early (02-01), then all due 04-30: upfront, installment a, then z,
    # then the royalty (100.00, due 03-31 + 30 days)
    paid = {(o["kind"], o["key"]): o["paid"] for o in result["obligations"]}
    assert paid == {
        ("upfront", "upfront"): "100.00",
        ("installment", "early"): "100.00",
        ("installment", "a"): "100.00",
        ("installment", "z"): "50.00",
        ("royalty", None): "0.00",
    }
    assert result["totals"]["unallocated"] == "0.00"


def test_upfront_before_installment_on_same_due() -> None:
    contract = {
        "fee_model": "staged",
        "start": "2024-01-01",
        "end": "2024-12-31",
        "upfront_fee": "100",
        "installments": [{"key": "a", "amount": "100", "due": "2024-01-01"}],
    }
    payments = [{"date": "2024-01-01", "amount": "150"}]
    result = run(_doc(contract, as_of="2024-01-01", payments=payments))
    assert [o["paid"] for o in result["obligations"]] == ["100.00", "50.00"]
    assert [o["status"] for o in result["obligations"]] == ["paid", "open"]


def test_prepayment_pays_future_obligation() -> None:
    payments = [{"date": "2024-01-10", "amount": "30000", "ref": "pre"}]
    result = run(_doc(MILESTONED, as_of="2024-01-10", payments=payments))
    sign = _obligation(result, 0)
    assert sign["paid"] == "10000.00"
    assert sign["status"] == "paid"
    assert result["totals"]["scheduled"] == "10000.00"
    assert result["totals"]["billed"] == "0.00"
    assert result["totals"]["outstanding"] == "0.00"
    assert result["totals"]["unallocated"] == "20000.00"


def test_payments_after_as_of_are_ignored() -> None:
    payments = [
        {"date": "2024-01-15", "amount": "4000"},
        {"date": "2024-03-02", "amount": "6000"},
    ]
    result = run(_doc(MILESTONED, as_of="2024-03-01", payments=payments))
    assert result["totals"]["paid"] == "4000.00"
    assert _obligation(result, 0)["outstanding"] == "6000.00"
    assert _obligation(result, 0)["status"] == "overdue"


def test_partial_payment_leaves_outstanding() -> None:
    payments = [{"date": "2024-01-15", "amount": "2500.25", "ref": "P"}]
    result = run(_doc(MILESTONED, as_of="2024-01-20", payments=payments))
    sign = _obligation(result, 0)
    assert (sign["paid"], sign["outstanding"], sign["status"]) == ("2500.25", "7499.75", "overdue")
    assert result["totals"]["outstanding"] == "7499.75"
    assert result["totals"]["overdue"] == "7499.75"


# ------------------------------------------------------------------ grace and alerts


def test_grace_days_delay_overdue_but_days_count_from_due() -> None:
    contract = {**MILESTONED, "grace_days": 10}
    on_edge = run(_doc(contract, as_of="2024-01-25"))
    assert _obligation(on_edge, 0)["status"] == "open"
    assert _obligation(on_edge, 0)["days_overdue"] is None
    assert on_edge["totals"]["overdue"] == "0.00"
    past = run(_doc(contract, as_of="2024-01-26"))
    assert _obligation(past, 0)["status"] == "overdue"
    assert _obligation(past, 0)["days_overdue"] == 11


def test_due_day_itself_is_not_overdue() -> None:
    result = run(_doc(MILESTONED, as_of="2024-01-15"))
    assert _obligation(result, 0)["status"] == "open"
    assert result["totals"]["billed"] == "10000.00"


def test_default_risk_after_more_than_90_days() -> None:
    at_90 = run(_doc(MILESTONED, as_of="2024-04-14"))
    assert _obligation(at_90, 0)["days_overdue"] == 90
    assert at_90["alerts"] == [{"code": "overdue", "key": "sign", "period_start": None}]
    at_91 = run(_doc(MILESTONED, as_of="2024-04-15"))
    assert at_91["alerts"] == [
        {"code": "overdue", "key": "sign", "period_start": None},
        {"code": "default_risk", "key": None, "period_start": None},
    ]


def test_default_risk_once_for_many_overdue() -> None:
    result = run(
        _doc(
            ROYALTY_2024,
            as_of="2025-06-01",
            reports=[
                _report("2024-01-01", "2024-03-31", "1000", "2024-04-01"),
                _report("2024-04-01", "2024-06-30", "1000", "2024-07-01"),
            ],
        )
    )
    codes = [a["code"] for a in result["alerts"]]
    assert codes == ["overdue", "overdue", "report_missing", "report_missing", "default_risk"]


# ------------------------------------------------------------------ periods and typed API


def test_royalty_periods_quarters_clipped() -> None:
    d = dt.date
    assert royalty_periods(d(2024, 2, 10), d(2024, 11, 5), "quarter") == [
        (d(2024, 2, 10), d(2024, 3, 31)),
        (d(2024, 4, 1), d(2024, 6, 30)),
        (d(2024, 7, 1), d(2024, 9, 30)),
        (d(2024, 10, 1), d(2024, 11, 5)),
    ]


def test_royalty_periods_half_and_year() -> None:
    d = dt.date
    assert royalty_periods(d(2024, 5, 1), d(2025, 8, 31), "half") == [
        (d(2024, 5, 1), d(2024, 6, 30)),
        (d(2024, 7, 1), d(2024, 12, 31)),
        (d(2025, 1, 1), d(2025, 6, 30)),
        (d(2025, 7, 1), d(2025, 8, 31)),
    ]
    assert royalty_periods(d(2024, 12, 31), d(2026, 1, 1), "year") == [
        (d(2024, 12, 31), d(2024, 12, 31)),
        (d(2025, 1, 1), d(2025, 12, 31)),
        (d(2026, 1, 1), d(2026, 1, 1)),
    ]


def test_royalty_periods_single_day_and_empty() -> None:
    d = dt.date
    assert royalty_periods(d(2024, 3, 3), d(2024, 3, 3), "quarter") == [
        (d(2024, 3, 3), d(2024, 3, 3))
    ]
    assert royalty_periods(d(2024, 3, 3), d(2024, 3, 2), "quarter") == []


def test_typed_api_gives_decimal_and_dates_and_same_json() -> None:
    doc = _doc(
        {**MILESTONED, "upfront_fee": "99.9"},
        as_of="2024-07-01",
        milestones=[{"key": "pilot_done", "achieved_on": "2024-05-10"}],
        payments=[{"date": "2024-01-15", "amount": "12000", "ref": "X"}],
    )
    terms, milestones, reports, payments, as_of = parse_input(doc)
    schedule = compute_schedule(terms, milestones, reports, payments, as_of)
    assert schedule.obligations[0].amount == Decimal("99.90")
    assert schedule.obligations[2].due == dt.date(2024, 6, 9)
    assert schedule.obligations[2].days_overdue == 22
    assert schedule.totals.unallocated == Decimal("0.00")
    assert schedule_to_json(schedule) == run(doc)


def test_cli_prints_schedule_and_exits_0() -> None:
    done = _cli(json.dumps(_doc(MILESTONED, as_of="2024-02-01")))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["totals"]["overdue"] == "10000.00"
    assert result["alerts"] == [{"code": "overdue", "key": "sign", "period_start": None}]
