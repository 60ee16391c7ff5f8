""" "Compare before you commit": each fee model's yearly cost, computed by the engine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from zhuanhua.licensing.compare import UNAVAILABLE, compare_fee_models

TERMS = {
    "upfront_fee": "10000.00",
    "installments": [{"key": "首付节点", "amount": "50000.00", "due": "2026-06-30"}],
    "royalty": {"rate": "0.05", "period": "year", "report_within_days": 30, "pay_within_days": 30},
    "grace_days": 0,
}


def _rows(terms=TERMS, revenue=D("1000000"), growth=D(0)):
    result = compare_fee_models(
        offer_terms=terms,
        offered_model="staged_royalty",
        term_months=24,
        start=dt.date(2026, 1, 1),
        yearly_revenue=revenue,
        growth=growth,
    )
    return result.years, {r.fee_model: r for r in result.rows}


def test_each_model_year_by_year():
    years, rows = _rows()
    assert years == [2026, 2027, 2028]
    # royalty: upfront in 2026, 5 % of 2026 revenue due 2027-01-30, of 2027 due 2028-01-30
    assert rows["royalty"].by_year == [D("10000.00"), D("50000.00"), D("50000.00")]
    assert rows["staged"].by_year == [D("60000.00"), D("0.00"), D("0.00")]
    assert rows["staged_royalty"].total == D("160000.00")
    assert rows["staged_royalty"].offered
    assert not rows["royalty"].offered


def test_growth_and_zero_revenue():
    _, rows = _rows(growth=D("0.10"))
    assert rows["royalty"].by_year[2] == D("55000.00")
    _, rows = _rows(revenue=D(0))
    assert rows["royalty"].total == D("10000.00")


def test_a_model_the_offer_cannot_express_is_marked():
    terms = {k: v for k, v in TERMS.items() if k != "installments"}
    _, rows = _rows(terms=terms)
    assert not rows["staged"].available
    assert rows["staged"].note == UNAVAILABLE
    assert not rows["staged_royalty"].available
    assert rows["royalty"].available


def test_cap_and_milestones_follow_the_engine():
    terms = {
        **TERMS,
        "installments": [
            {"key": "投产", "amount": "20000.00", "milestone": "投产", "days_after": 30}
        ],
        "royalty": {**TERMS["royalty"], "cap_total": "60000.00"},
    }
    _, rows = _rows(terms=terms)
    assert rows["staged"].by_year[0] == D("30000.00")  # milestone taken as reached at start
    assert rows["royalty"].total == D("70000.00")  # 10 000 upfront + royalties capped at 60 000


@pytest.mark.django_db
def test_offer_page_shows_the_table_and_loads_the_chart_script(client, offer):
    html = client.get(
        f"/licensing/offers/{offer.pk}/?revenue=1000000&growth_percent=0"
    ).content.decode()
    assert 'data-testid="compare"' in html
    assert "licensing/compare.js" in html
    assert "vendor/echarts/echarts.min.js" in html
    assert 'id="compare-data"' in html
    assert "<script>" not in html  # no inline script: only the JSON block and src scripts
    plain = client.get(f"/licensing/offers/{offer.pk}/").content.decode()
    assert "compare.js" not in plain
    bad = client.get(f"/licensing/offers/{offer.pk}/?revenue=-5").content.decode()
    assert 'data-testid="compare"' not in bad
