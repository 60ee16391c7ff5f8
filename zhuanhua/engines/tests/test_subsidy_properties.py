"""Subsidy engine: properties that hold for any batch of claims (hypothesis)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhuanhua.engines.subsidy import (
    APPLICANT_TYPE_LABELS,
    LEVEL_LABELS,
    Result,
    evaluate,
    load_catalogue,
)

CATALOGUE = load_catalogue()
CODES = list(CATALOGUE.measures)
TYPES = list(APPLICANT_TYPE_LABELS)
DAY0 = dt.date(2024, 1, 1).toordinal()

money = st.integers(min_value=0, max_value=3_000_000_000).map(lambda c: Decimal(c) / 100)
dates = st.integers(min_value=0, max_value=3 * 366).map(
    lambda d: dt.date.fromordinal(DAY0 + d).isoformat()
)


@st.composite
def claim_fields(draw: st.DrawFn) -> dict[str, Any]:
    code = draw(st.sampled_from(CODES))
    m = CATALOGUE.measures[code]
    allowed = sorted(m.applicant_types) if m.applicant_types else TYPES
    kind = draw(st.one_of(st.sampled_from(allowed), st.sampled_from(TYPES)))
    claim: dict[str, Any] = {
        "measure": code,
        "applicant": draw(st.sampled_from(["A", "B"])),
        "applicant_type": kind,
        "date": draw(dates),
        "base": str(draw(money)),
        "counterparty": draw(st.sampled_from(["T", "U"])),
        "subject": draw(st.sampled_from(["", "S1", "S2"])),
        "registered": draw(st.booleans()),
        "related_party": draw(st.booleans()),
        "loss_confirmed": draw(st.booleans()),
    }
    if draw(st.booleans()):
        claim["level"] = draw(st.sampled_from(list(LEVEL_LABELS)))
    if draw(st.booleans()):
        claim["paid_in_date"] = draw(dates)
    if draw(st.integers(0, 3)) == 0:
        claim["requested"] = str(draw(money))
    return claim


@st.composite
def batches(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    fields = draw(st.lists(claim_fields(), min_size=1, max_size=25))
    ids = draw(
        st.lists(
            st.one_of(st.integers(0, 60), st.text("abcxyz", min_size=1, max_size=3)),
            min_size=len(fields),
            max_size=len(fields),
            unique_by=str,
        )
    )
    claims = [dict(f, id=i) for f, i in zip(fields, ids, strict=True)]
    prior = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "measure": st.sampled_from(CODES),
                    "applicant": st.sampled_from(["A", "B"]),
                    "counterparty": st.sampled_from(["T", "U"]),
                    "subject": st.sampled_from(["", "S1"]),
                    "date": dates,
                    "amount": money.map(str),
                }
            ),
            max_size=4,
        )
    )
    return claims, prior


def scope_keys(code: str, applicant: str, cp: str, subj: str, date: str) -> list[Any]:
    out = []
    for s in CATALOGUE.measures[code].scopes:
        year = int(date[:4]) if s.kind == "annual" else 0
        out.append(
            (
                s,
                (
                    s.kind,
                    s.pool,
                    applicant,
                    cp if "counterparty" in s.keys else "",
                    subj if "subject" in s.keys else "",
                    year,
                ),
            )
        )
    return out


def item_cap(claim: dict[str, Any], r: Result) -> Decimal | None:
    m = CATALOGUE.measures[r.measure]
    if m.item_cap_by_level is not None:
        return m.item_cap_by_level.get(claim.get("level") or "")
    if m.rate is not None and m.item_cap is None:
        return (Decimal(claim["base"]) * m.rate).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    return m.item_cap if m.item_cap is not None else m.fixed_amount


SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(batches())
def test_no_scope_ever_receives_more_than_its_cap(batch: Any) -> None:
    claims, prior = batch
    results = evaluate(claims, prior, CATALOGUE)
    before: dict[Any, Decimal] = defaultdict(Decimal)
    for g in prior:
        amount = Decimal(g["amount"])
        if amount > 0:
            for _, key in scope_keys(
                g["measure"], g["applicant"], g["counterparty"], g["subject"], g["date"]
            ):
                before[key] += amount
    granted: dict[Any, Decimal] = defaultdict(Decimal)
    paid: dict[Any, int] = defaultdict(int)
    highest: dict[Any, Decimal] = defaultdict(Decimal)
    scopes = {}
    for c, r in zip(claims, results, strict=True):
        for scope, key in scope_keys(
            c["measure"], c["applicant"], c["counterparty"], c["subject"], c["date"]
        ):
            scopes[key] = scope
            granted[key] += r.granted
            paid[key] += r.granted > 0
            highest[key] = max(highest[key], r.entitlement)
    for key, scope in scopes.items():
        if scope.kind in ("cumulative", "annual"):
            assert scope.amount is not None
            assert granted[key] <= max(Decimal(0), scope.amount - before[key])
        elif scope.kind == "once":
            assert paid[key] <= (0 if before[key] > 0 else 1)
        else:
            assert before[key] + granted[key] <= max(before[key], highest[key])


@SETTINGS
@given(batches())
def test_granted_within_entitlement_within_item_cap(batch: Any) -> None:
    claims, prior = batch
    for c, r in zip(claims, evaluate(claims, prior, CATALOGUE), strict=True):
        assert Decimal(0) <= r.granted <= r.entitlement
        cap = item_cap(c, r)
        if cap is not None:
            assert r.entitlement <= cap
        if "requested" in c:
            assert r.entitlement <= Decimal(c["requested"])
        if not r.eligible or r.reasons:
            assert r.entitlement == r.granted == 0
        for value in (r.entitlement, r.granted):
            assert value == value.quantize(Decimal("0.01"))
            assert value.as_tuple().exponent == -2


@SETTINGS
@given(batches(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_the_order_of_claims(batch: Any, rnd: Any) -> None:
    claims, prior = batch
    shuffled = list(claims)
    rnd.shuffle(shuffled)

    def by_id(results: list[Result]) -> dict[str, Any]:
        return {
            str(r.id): (r.eligible, r.reasons, r.entitlement, r.granted, r.binding, r.explanation)
            for r in results
        }

    first = evaluate(claims, prior, CATALOGUE)
    again = evaluate(shuffled, list(reversed(prior)), CATALOGUE)
    assert by_id(first) == by_id(again)
    assert [r.id for r in again] == [c["id"] for c in shuffled]


AMOUNT = re.compile(r"\d[\d,]*\.\d{2} 元")


@SETTINGS
@given(batches())
def test_explanation_amounts_have_separators_and_two_decimals(batch: Any) -> None:
    claims, prior = batch
    for r in evaluate(claims, prior, CATALOGUE):
        text = "".join(r.explanation)
        assert text.endswith("。")
        for found in re.findall(r"[\d,.]+ 元", text):
            assert AMOUNT.fullmatch(found), found
            digits = found[:-2].split(".")[0]
            assert digits == f"{int(digits.replace(',', '')):,}"
        assert f"{r.granted:,.2f} 元" in r.explanation[-1]
