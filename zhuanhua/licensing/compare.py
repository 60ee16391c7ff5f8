""" "Compare before you commit": what each fee model of an offer would cost a licensee, year by year.

The engine computes every figure: for each fee model the offer's terms can express, a contract
starting ``start`` for the offer's term is built, revenue reports are made up from the expected
yearly revenue (each royalty period gets its share of the year by days, growing by
``growth`` per calendar year), every milestone is taken as reached on the start date, and the
engine's schedule is summed by the calendar year in which each amount falls due.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from zhuanhua.engines import licensing as engine
from zhuanhua.engines.common import InputError
from zhuanhua.licensing.choices import FeeModel
from zhuanhua.licensing.terms import add_months

CENT = Decimal("0.01")
UNAVAILABLE = "该报价未提供此费用模式所需的条款"


@dataclass
class ModelCost:
    fee_model: str
    label: str
    offered: bool
    available: bool
    by_year: list[Decimal]
    total: Decimal | None
    note: str = ""


@dataclass
class Comparison:
    years: list[int]
    rows: list[ModelCost]

    def chart_data(self) -> dict[str, Any]:
        return {
            "years": [str(y) for y in self.years],
            "series": [
                {"name": r.label, "data": [str(v) for v in r.by_year]}
                for r in self.rows
                if r.available
            ],
        }


def _scenario_terms(
    offer_terms: dict[str, Any], fee_model: str, start: dt.date, end: dt.date
) -> dict[str, Any] | None:
    doc: dict[str, Any] = {
        "id": "compare",
        "fee_model": fee_model,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "upfront_fee": offer_terms.get("upfront_fee", "0"),
        "grace_days": offer_terms.get("grace_days", 0),
    }
    if offer_terms.get("upfront_due"):
        doc["upfront_due"] = offer_terms["upfront_due"]
    if fee_model in engine.STAGED_MODELS:
        if not offer_terms.get("installments"):
            return None
        doc["installments"] = offer_terms["installments"]
    if fee_model in engine.ROYALTY_MODELS:
        if not offer_terms.get("royalty"):
            return None
        doc["royalty"] = offer_terms["royalty"]
    return doc


def _year_days(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def _reports(terms: engine.Terms, yearly: Decimal, growth: Decimal) -> list[engine.RevenueReport]:
    if terms.royalty is None:
        return []
    out = []
    for p_start, p_end in engine.royalty_periods(terms.start, terms.end, terms.royalty.period):
        year_revenue = yearly * (1 + growth) ** (p_start.year - terms.start.year)
        days = (p_end - p_start).days + 1
        revenue = (year_revenue * days / _year_days(p_start.year)).quantize(CENT, ROUND_HALF_UP)
        out.append(engine.RevenueReport(p_start, p_end, revenue, p_end + dt.timedelta(days=1)))
    return out


def compare_fee_models(
    *,
    offer_terms: dict[str, Any],
    offered_model: str,
    term_months: int,
    start: dt.date,
    yearly_revenue: Decimal,
    growth: Decimal = Decimal(0),
) -> Comparison:
    end = add_months(start, term_months)  # the last day of the term
    per_model: list[tuple[str, str, dict[int, Decimal] | None, str]] = []
    years: set[int] = set()
    for fee_model, label in FeeModel.choices:
        doc = _scenario_terms(offer_terms, fee_model, start, end)
        if doc is None:
            per_model.append((fee_model, label, None, UNAVAILABLE))
            continue
        try:
            terms = engine.parse_terms(doc)
        except InputError:
            per_model.append((fee_model, label, None, UNAVAILABLE))
            continue
        milestones = [
            engine.Milestone(i.milestone, start) for i in terms.installments if i.milestone
        ]
        unique = list({m.key: m for m in milestones}.values())
        schedule = engine.compute_schedule(
            terms,
            unique,
            _reports(terms, yearly_revenue, growth),
            [],
            end + dt.timedelta(days=800),
        )
        by_year: dict[int, Decimal] = {}
        for o in schedule.obligations:
            if o.amount is None or o.due is None:
                continue
            by_year[o.due.year] = by_year.get(o.due.year, Decimal(0)) + o.amount
        years.update(by_year)
        per_model.append((fee_model, label, by_year, ""))
    ordered = sorted(years) or [start.year]
    rows = []
    for fee_model, label, model_years, note in per_model:
        offered = fee_model == offered_model
        if model_years is None:
            rows.append(ModelCost(fee_model, label, offered, False, [], None, note))
            continue
        values = [model_years.get(y, Decimal(0)).quantize(CENT) for y in ordered]
        rows.append(
            ModelCost(
                fee_model, label, offered, True, values, sum(values, Decimal(0)).quantize(CENT)
            )
        )
    return Comparison(years=ordered, rows=rows)
