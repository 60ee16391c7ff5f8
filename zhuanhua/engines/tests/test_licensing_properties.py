"""Property tests of zhuanhua.engines.licensing on random valid licences (hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhuanhua.engines.licensing import (
    compute_schedule,
    parse_input,
    royalty_periods,
    run,
    schedule_to_json,
)

DAY = dt.timedelta(days=1)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _money(draw: st.DrawFn, high: int, zero_weight: bool = False) -> str:
    if zero_weight and draw(st.booleans()):
        return "0"
    cents = draw(st.integers(0, high * 100))
    return str(Decimal(cents).scaleb(-2))


def _day(draw: st.DrawFn, low: dt.date, span: int) -> dt.date:
    return low + draw(st.integers(0, max(span, 0))) * DAY


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    fee_model = draw(st.sampled_from(["royalty", "staged", "staged_royalty"]))
    start = _day(draw, dt.date(2020, 1, 1), 1000)
    length = draw(st.integers(0, 1000))
    end = start + length * DAY
    contract: dict[str, Any] = {
        "id": "P-1",
        "fee_model": fee_model,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "upfront_fee": _money(draw, 50000, zero_weight=True),
        "grace_days": draw(st.integers(0, 40)),
    }
    if draw(st.booleans()):
        contract["upfront_due"] = _day(draw, start - 30 * DAY, 120).isoformat()
    milestones: list[dict[str, Any]] = []
    if fee_model != "royalty":
        installments = []
        used: set[str] = set()
        for k in range(draw(st.integers(1, 4))):
            item: dict[str, Any] = {"key": f"i{k}", "amount": _money(draw, 100000)}
            if draw(st.booleans()):
                item["due"] = _day(draw, start, length + 100).isoformat()
            else:
                key = f"m{k % 2}"
                used.add(key)
                item["milestone"] = key
                item["days_after"] = draw(st.integers(0, 90))
            installments.append(item)
        contract["installments"] = installments
        for key in sorted(used):
            if draw(st.booleans()):
                achieved = _day(draw, start, length + 100) if draw(st.booleans()) else None
                milestones.append(
                    {"key": key, "achieved_on": None if achieved is None else achieved.isoformat()}
                )
    reports: list[dict[str, Any]] = []
    if fee_model != "staged":
        period = draw(st.sampled_from(["quarter", "half", "year"]))
        royalty: dict[str, Any] = {
            "period": period,
            "report_within_days": draw(st.integers(0, 60)),
            "pay_within_days": draw(st.integers(0, 60)),
        }
        if draw(st.booleans()):
            royalty["rate"] = str(Decimal(draw(st.integers(0, 1000))).scaleb(-3))
        else:
            bounds = sorted(set(draw(st.lists(st.integers(1, 400000), max_size=3))))
            tiers: list[dict[str, str | None]] = [
                {"up_to": str(b), "rate": str(Decimal(draw(st.integers(0, 300))).scaleb(-3))}
                for b in bounds
            ]
            tiers.append(
                {"up_to": None, "rate": str(Decimal(draw(st.integers(0, 300))).scaleb(-3))}
            )
            royalty["tiers"] = tiers
        if draw(st.booleans()):
            royalty["cap_total"] = _money(draw, 20000)
        contract["royalty"] = royalty
        for period_start, period_end in royalty_periods(start, end, period):
            if draw(st.integers(0, 4)) == 0:
                continue
            reported = _day(draw, period_end - 10 * DAY, 120)
            reports.append(
                {
                    "period_start": period_start.isoformat(),
                    "period_end": period_end.isoformat(),
                    "revenue": _money(draw, 300000, zero_weight=True),
                    "reported_on": reported.isoformat(),
                }
            )
    payments = [
        {
            "date": _day(draw, start - 30 * DAY, length + 250).isoformat(),
            "amount": _money(draw, 60000),
        }
        for _ in range(draw(st.integers(0, 6)))
    ]
    as_of = _day(draw, start - 30 * DAY, length + 250)
    return {
        "as_of": as_of.isoformat(),
        "contract": contract,
        "milestones": milestones,
        "revenue_reports": reports,
        "payments": payments,
    }


def _dec(text: str | None) -> Decimal:
    assert text is not None
    return Decimal(text)


def _date(text: str | None) -> dt.date:
    assert text is not None
    return dt.date.fromisoformat(text)


@SETTINGS
@given(documents())
def test_paid_plus_outstanding_equals_amount(doc: dict[str, Any]) -> None:
    for o in run(doc)["obligations"]:
        if o["amount"] is None:
            assert o["outstanding"] is None
            assert o["paid"] == "0.00"
        else:
            assert _dec(o["paid"]) + _dec(o["outstanding"]) == _dec(o["amount"])
            assert _dec(o["paid"]) >= 0
            assert _dec(o["outstanding"]) >= 0


@SETTINGS
@given(documents())
def test_allocated_plus_unallocated_equals_payments_counted(doc: dict[str, Any]) -> None:
    result = run(doc)
    as_of = _date(doc["as_of"])
    counted = sum(
        (Decimal(p["amount"]) for p in doc["payments"] if _date(p["date"]) <= as_of), Decimal(0)
    )
    totals = result["totals"]
    assert _dec(totals["paid"]) == counted
    allocated = sum((_dec(o["paid"]) for o in result["obligations"]), Decimal(0))
    assert allocated + _dec(totals["unallocated"]) == counted
    assert _dec(totals["unallocated"]) >= 0


@SETTINGS
@given(documents())
def test_royalties_never_exceed_cap_total(doc: dict[str, Any]) -> None:
    royalty = doc["contract"].get("royalty") or {}
    royalties = [
        _dec(o["amount"])
        for o in run(doc)["obligations"]
        if o["kind"] == "royalty" and o["amount"] is not None
    ]
    assert all(amount >= 0 for amount in royalties)
    if royalty.get("cap_total") is not None:
        assert sum(royalties, Decimal(0)) <= Decimal(royalty["cap_total"])


@SETTINGS
@given(documents())
def test_statuses_consistent_with_dates(doc: dict[str, Any]) -> None:
    as_of = _date(doc["as_of"])
    grace = doc["contract"]["grace_days"]
    for o in run(doc)["obligations"]:
        status = o["status"]
        if o["amount"] is None or o["due"] is None:
            assert status in {"pending_milestone", "awaiting_report", "report_missing"}
            assert o["days_overdue"] is None
            assert (o["kind"] == "installment") == (status == "pending_milestone")
            continue
        due = _date(o["due"])
        outstanding = _dec(o["outstanding"])
        overdue = outstanding > 0 and as_of > due + grace * DAY
        assert (status == "overdue") == overdue
        assert (status == "paid") == (outstanding == 0)
        assert (status == "open") == (outstanding > 0 and not overdue)
        assert o["days_overdue"] == ((as_of - due).days if overdue else None)
        if o["kind"] == "royalty":
            assert _date(o["period_end"]) < as_of


@SETTINGS
@given(documents())
def test_alerts_match_statuses(doc: dict[str, Any]) -> None:
    result = run(doc)
    expected = [
        {"code": o["status"], "key": o["key"], "period_start": o["period_start"]}
        for o in result["obligations"]
        if o["status"] in {"overdue", "report_missing"}
    ]
    if any((o["days_overdue"] or 0) > 90 for o in result["obligations"]):
        expected.append({"code": "default_risk", "key": None, "period_start": None})
    assert result["alerts"] == expected


@SETTINGS
@given(documents())
def test_totals_sum_the_obligations(doc: dict[str, Any]) -> None:
    result = run(doc)
    as_of = _date(doc["as_of"])
    known = [o for o in result["obligations"] if o["amount"] is not None and o["due"] is not None]
    billed = [o for o in known if _date(o["due"]) <= as_of]
    totals = {key: _dec(value) for key, value in result["totals"].items()}
    assert totals["billed"] == sum((_dec(o["amount"]) for o in billed), Decimal(0))
    assert totals["scheduled"] == sum(
        (_dec(o["amount"]) for o in known if _date(o["due"]) > as_of), Decimal(0)
    )
    assert totals["outstanding"] == sum((_dec(o["outstanding"]) for o in billed), Decimal(0))
    assert totals["overdue"] == sum(
        (_dec(o["outstanding"]) for o in known if o["status"] == "overdue"), Decimal(0)
    )


@SETTINGS
@given(documents())
def test_payments_go_oldest_due_first(doc: dict[str, Any]) -> None:
    rank = {"upfront": 0, "installment": 1, "royalty": 2}
    known = [o for o in run(doc)["obligations"] if o["amount"] is not None and o["due"] is not None]
    known.sort(key=lambda o: (o["due"], rank[o["kind"]], o["key"] or o["period_start"]))
    unpaid_seen = False
    for o in known:
        if unpaid_seen:
            assert o["paid"] == "0.00" or _dec(o["amount"]) == 0
        if _dec(o["outstanding"]) > 0:
            unpaid_seen = True


@SETTINGS
@given(documents())
def test_uncapped_royalties_add_up_to_the_royalty_on_total_revenue(doc: dict[str, Any]) -> None:
    royalty = doc["contract"].get("royalty")
    if royalty is None or royalty.get("cap_total") is not None:
        return
    rows = [o for o in run(doc)["obligations"] if o["kind"] == "royalty" and o["base"] is not None]
    revenue = sum((_dec(o["base"]) for o in rows), Decimal(0))
    if royalty.get("rate") is not None:
        exact = revenue * Decimal(royalty["rate"])
    else:
        exact, floor = Decimal(0), Decimal(0)
        for tier in royalty["tiers"]:
            ceiling = revenue if tier["up_to"] is None else min(revenue, Decimal(tier["up_to"]))
            if ceiling > floor:
                exact += (ceiling - floor) * Decimal(tier["rate"])
            floor = max(floor, ceiling)
    total = sum((_dec(o["amount"]) for o in rows), Decimal(0))
    assert abs(total - exact) <= Decimal("0.005") * len(rows)


@SETTINGS
@given(documents())
def test_typed_api_matches_run(doc: dict[str, Any]) -> None:
    terms, milestones, reports, payments, as_of = parse_input(doc)
    schedule = compute_schedule(terms, milestones, reports, payments, as_of)
    assert schedule_to_json(schedule) == run(doc)
    for obligation in schedule.obligations:
        assert obligation.amount is None or isinstance(obligation.amount, Decimal)
        assert obligation.due is None or isinstance(obligation.due, dt.date)
