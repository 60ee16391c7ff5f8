"""The integer-cents fast path of licensing.run() equals the Decimal reference (hypothesis).

test_licensing_fastpath.py draws from the property tests' documents; this file draws wider
ones aimed at what the cents arithmetic could get wrong: money spelled every valid way
("5000", "5000.5", "0.00", JSON integers, Decimals), rates with up to 6 and more decimals,
tiers crossed and hit exactly, caps reached mid-period, reports out of order or missing,
late reports, prepayment, partial payments ending on a zero installment, amounts close to
10^15, and the benchmark's own licences. On each, _run_fast must either give exactly the
reference's document or defer (raise), and the documents that matter for speed must not
defer.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhuanhua.engines.common import InputError
from zhuanhua.engines.licensing import _run_fast, _run_reference, royalty_periods, run

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DAY = dt.timedelta(days=1)


def _spell(draw: st.DrawFn, cents: int) -> Any:
    """One valid spelling of an amount: canonical text mostly, else the others run() takes."""
    how = draw(st.integers(0, 9))
    text = f"{cents // 100}.{cents % 100:02d}"
    if how <= 5:
        return text
    if how == 6 and cents % 100 == 0:
        return str(cents // 100)  # "5000"
    if how == 7 and cents % 10 == 0:
        return text[:-1]  # "5000.5"
    if how == 8 and cents % 100 == 0:
        return cents // 100  # a JSON integer
    if how == 9:
        return Decimal(text)  # a JSON number parsed by common.loads
    return text


def _money(draw: st.DrawFn, high_cents: int) -> Any:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        cents = 0
    elif kind == 1:
        cents = draw(st.integers(10**16, 10**17 - 1))  # close to 10^15 yuan
    else:
        cents = draw(st.integers(0, high_cents))
    return _spell(draw, cents)


def _rate(draw: st.DrawFn) -> str:
    decimals = draw(st.sampled_from([0, 1, 2, 3, 4, 6, 7]))
    if decimals == 0:
        return draw(st.sampled_from(["0", "1"]))
    value = draw(st.integers(0, 10**decimals))
    return str(Decimal(value).scaleb(-decimals))


def _day(draw: st.DrawFn, low: dt.date, span: int) -> dt.date:
    return low + draw(st.integers(0, max(span, 0))) * DAY


@st.composite
def licences(draw: st.DrawFn) -> dict[str, Any]:
    fee_model = draw(st.sampled_from(["royalty", "staged", "staged_royalty"]))
    start = _day(draw, dt.date(2019, 1, 1), 1500)
    length = draw(st.integers(0, 2200))
    end = start + length * DAY
    contract: dict[str, Any] = {
        "id": draw(st.sampled_from(["L1", " L2 "])),
        "fee_model": fee_model,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "grace_days": draw(st.integers(0, 100)),
    }
    if draw(st.booleans()):
        contract["upfront_fee"] = _money(draw, 5_000_000)
    if draw(st.booleans()):
        contract["upfront_due"] = _day(draw, start - 60 * DAY, 200).isoformat()
    milestones: list[dict[str, Any]] = []
    if fee_model != "royalty":
        installments = []
        used: list[str] = []
        for k in range(draw(st.integers(1, 5))):
            item: dict[str, Any] = {"key": draw(st.sampled_from([f"i{k}", f"k{k}", f"{k}a"]))}
            item["amount"] = _money(draw, 20_000_000)
            if draw(st.booleans()):
                item["due"] = _day(draw, start - 30 * DAY, length + 400).isoformat()
            else:
                key = f"m{draw(st.integers(0, 2))}"
                if key not in used:
                    used.append(key)
                item["milestone"] = key
                item["days_after"] = draw(st.integers(0, 120))
            installments.append(item)
        keys = [item["key"] for item in installments]
        if len(set(keys)) != len(keys):
            for k, item in enumerate(installments):
                item["key"] = f"i{k}"
        contract["installments"] = installments
        for key in used:
            if draw(st.integers(0, 3)):
                achieved = _day(draw, start, length + 200) if draw(st.booleans()) else None
                milestones.append(
                    {"key": key, "achieved_on": None if achieved is None else achieved.isoformat()}
                )
    reports: list[dict[str, Any]] = []
    period = "quarter"
    if fee_model != "staged":
        period = draw(st.sampled_from(["quarter", "quarter", "half", "year"]))
        royalty: dict[str, Any] = {"period": period}
        for name in ("report_within_days", "pay_within_days"):
            if draw(st.booleans()):
                royalty[name] = draw(st.integers(0, 120))
        if draw(st.booleans()):
            royalty["rate"] = _rate(draw)
        else:
            count = draw(st.integers(0, 3))
            bounds = sorted(set(draw(st.lists(st.integers(1, 400_000_00), max_size=count))))
            royalty["tiers"] = [
                {"up_to": _spell(draw, bound), "rate": _rate(draw)} for bound in bounds
            ] + [{"up_to": None, "rate": _rate(draw)}]
        if draw(st.booleans()):
            royalty["cap_total"] = _money(draw, 30_000_000)
        contract["royalty"] = royalty
        tier_bounds = [
            tier["up_to"] for tier in royalty.get("tiers", []) if tier["up_to"] is not None
        ]
        for p_start, p_end in royalty_periods(start, end, period):
            if draw(st.integers(0, 9)) == 0:
                continue  # missing
            if tier_bounds and draw(st.integers(0, 5)) == 0:
                revenue: Any = tier_bounds[0]  # lands on a bound (from 0)
            else:
                revenue = _money(draw, 90_000_000)
            reports.append(
                {
                    "period_start": p_start.isoformat(),
                    "period_end": p_end.isoformat(),
                    "revenue": revenue,
                    "reported_on": _day(draw, p_end - 5 * DAY, 90).isoformat(),
                }
            )
        if draw(st.integers(0, 4)) == 0:
            reports = draw(st.permutations(reports))
    payments: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 25))):
        payment: dict[str, Any] = {
            "date": _day(draw, start - 90 * DAY, length + 400).isoformat(),
            "amount": _money(draw, 3_000_000),
        }
        ref = draw(st.sampled_from([None, "R1", "absent", " x "]))
        if ref != "absent":
            payment["ref"] = ref
        payments.append(payment)
    as_of = _day(draw, start - 60 * DAY, length + 500)
    doc: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "contract": contract,
        "revenue_reports": reports,
        "payments": payments,
    }
    listed = draw(st.booleans())
    if milestones or listed:
        doc["milestones"] = milestones
    return doc


def _agree(doc: dict[str, Any]) -> bool:
    """True when the fast path took the document (it then equals the reference)."""
    refusal: tuple[str, str] | None
    try:
        expected = _run_reference(copy.deepcopy(doc))
    except InputError as exc:
        refusal = (exc.path, exc.message)
    else:
        refusal = None
    if refusal is not None:
        with pytest.raises(InputError) as refused:
            run(copy.deepcopy(doc))
        assert (refused.value.path, refused.value.message) == refusal
        return False
    try:
        fast = _run_fast(copy.deepcopy(doc))
    except Exception:  # noqa: BLE001 - deferred: run() answers with the reference
        assert run(copy.deepcopy(doc)) == expected
        return False
    assert fast == expected
    return True


@SETTINGS
@given(licences())
def test_cents_fast_path_equals_reference(doc: dict[str, Any]) -> None:
    _agree(doc)


@SETTINGS
@given(licences())
def test_cents_fast_path_with_a_prepayment_or_the_exact_total(doc: dict[str, Any]) -> None:
    """Pools that pay everything exactly, or a lot in advance (future dues)."""
    result = _run_reference(copy.deepcopy(doc))
    known = [o for o in result["obligations"] if o["amount"] is not None and o["due"]]
    total = sum((Decimal(o["amount"]) for o in known), Decimal(0))
    doc["payments"] = [{"date": doc["as_of"], "amount": str(total)}]
    _agree(doc)
    doc["payments"].append({"date": doc["contract"]["start"], "amount": "12345678.90"})
    _agree(doc)


def _plain_doc() -> dict[str, Any]:
    return {
        "as_of": "2025-06-30",
        "contract": {
            "id": "L1",
            "fee_model": "staged_royalty",
            "start": "2024-01-01",
            "end": "2026-12-31",
            "upfront_fee": "1000.00",
            "installments": [
                {"key": "a", "amount": "500.00", "due": "2024-03-01"},
                {"key": "b", "amount": "0", "due": "2024-03-01"},
            ],
            "royalty": {
                "period": "quarter",
                "tiers": [
                    {"up_to": "10000", "rate": "0.1"},
                    {"up_to": "20000.00", "rate": "0.05"},
                    {"up_to": None, "rate": "0.025"},
                ],
                "cap_total": "1200.00",
            },
        },
        "revenue_reports": [
            {
                "period_start": f"2024-{month:02d}-01",
                "period_end": end,
                "revenue": "5000.00",
                "reported_on": "2025-01-10",
            }
            for month, end in ((1, "2024-03-31"), (4, "2024-06-30"), (7, "2024-09-30"))
        ],
        "payments": [{"date": "2024-05-01", "amount": "1500.00", "ref": "R1"}],
    }


def test_cents_edge_cases_are_taken_and_agree() -> None:
    doc = _plain_doc()
    assert _agree(doc)  # cumulative revenue lands exactly on a tier bound
    doc["payments"][0]["amount"] = "1000.00"  # the pool ends at the zero installment
    assert _agree(doc)
    doc["contract"]["royalty"]["cap_total"] = "1000.00"  # the cap is reached mid-period
    assert _agree(doc)
    doc["contract"]["royalty"]["tiers"][0]["rate"] = "0.123456"
    assert _agree(doc)
    doc["revenue_reports"].reverse()  # out of order
    assert _agree(doc)
    del doc["revenue_reports"][1]  # a gap
    assert _agree(doc)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("contract", "royalty", "tiers", 0, "rate"), "0.1234567"),  # more than 6 decimals
        (("contract", "royalty", "tiers", 0, "rate"), "-0"),
        (("contract", "royalty", "pay_within_days"), 10**6),
        (("as_of",), "20250630"),
        (("revenue_reports", 0, "revenue"), "05000.00"),
        (("payments", 0, "amount"), 1500.0),
    ],
)
def test_unusual_values_defer_or_agree(path: tuple[Any, ...], value: Any) -> None:
    doc = _plain_doc()
    node: Any = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    try:
        expected: Any = _run_reference(copy.deepcopy(doc))
    except Exception as exc:  # noqa: BLE001 - a refusal: run() must refuse the same way
        with pytest.raises(type(exc)):
            run(copy.deepcopy(doc))
        return
    _agree(doc)
    assert run(copy.deepcopy(doc)) == expected


def _bench_module() -> Any:
    path = Path(__file__).resolve().parents[3] / "bench" / "schedule.py"
    spec = importlib.util.spec_from_file_location("bench_schedule", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_licences_take_the_fast_path_and_agree() -> None:
    bench = _bench_module()
    rng = random.Random(7)
    for number in range(300):
        doc = bench.licence(rng, number)
        assert _agree(doc), number
