"""The live preview is the engine's plan: every line and total equals what
``zhuanhua licensing schedule`` (engines.licensing.run) gives for the same contract and the
sample revenue's reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zhuanhua.engines import licensing as engine
from zhuanhua.licensing.preview import payment_preview
from zhuanhua.licensing.terms_form import TermsEditor

CONTRACT = {
    "id": "preview",
    "fee_model": "staged_royalty",
    "start": "2026-01-01",
    "end": "2026-12-31",
    "upfront_fee": "10000",
    "installments": [
        {"key": "首付节点", "amount": "50000", "due": "2026-06-30"},
        {"key": "验收节点", "amount": "8000", "milestone": "样机验收", "days_after": 30},
    ],
    "royalty": {
        "period": "half",
        "tiers": [{"up_to": "300000", "rate": "0.05"}, {"up_to": None, "rate": "0.03"}],
    },
}


def test_the_preview_is_the_engines_plan_for_the_sample_revenue():
    terms = engine.parse_terms(CONTRACT)

    preview = payment_preview(terms, Decimal("1000000"))

    # The same plan through the engine's JSON entry point: each half-year reported with its
    # share of the sample revenue by days (181 and 184 of 365), read after the last due date.
    plan = engine.run(
        {
            "as_of": "2027-03-02",
            "contract": CONTRACT,
            "revenue_reports": [
                {
                    "period_start": "2026-01-01",
                    "period_end": "2026-06-30",
                    "revenue": "495890.41",
                    "reported_on": "2026-07-01",
                },
                {
                    "period_start": "2026-07-01",
                    "period_end": "2026-12-31",
                    "revenue": "504109.59",
                    "reported_on": "2027-01-01",
                },
            ],
        }
    )
    assert [(line.amount, line.due) for line in preview.lines] == [
        (
            None if o["amount"] is None else Decimal(o["amount"]),
            None if o["due"] is None else dt.date.fromisoformat(o["due"]),
        )
        for o in plan["obligations"]
    ]
    assert [(line.label, str(line.amount), str(line.due)) for line in preview.lines] == [
        ("门槛费", "10000.00", "2026-01-01"),
        ("阶段性支付·首付节点", "50000.00", "2026-06-30"),
        ("阶段性支付·验收节点", "8000.00", "None"),
        ("收入提成 2026-01-01 至 2026-06-30", "20876.71", "2026-07-30"),  # 15000 + 3% of 195890.41
        ("收入提成 2026-07-01 至 2026-12-31", "15123.29", "2027-01-30"),  # 3% of 504109.59
    ]
    assert preview.lines[2].note == "“样机验收”达成后 30 天内"
    assert preview.total == Decimal(plan["totals"]["billed"]) + Decimal(plan["totals"]["scheduled"])
    assert preview.total == Decimal("96000.00")
    assert preview.royalty_total == Decimal("36000.00")
    assert preview.pending_total == Decimal("8000.00")


def test_the_preview_page_follows_the_sample_revenue(client, manager_a):
    client.force_login(manager_a)
    data = TermsEditor.from_terms(
        {k: v for k, v in CONTRACT.items() if k != "id"}, with_term=True
    ).as_data()
    data["editor_kind"] = "version"

    low = client.post("/licensing/terms/preview/", {**data, "sample_revenue": "200,000"})
    high = client.post("/licensing/terms/preview/", {**data, "sample_revenue": "1,000,000"})

    assert low.status_code == 200
    assert "10,000.00" in low.content.decode()  # 5% of 200 000 (all in the first tier)
    assert 'data-testid="preview-royalty">10,000.00 元' in low.content.decode()
    assert 'data-testid="preview-royalty">36,000.00 元' in high.content.decode()
    assert 'data-testid="preview-total">96,000.00 元' in high.content.decode()


def test_the_preview_of_an_offer_runs_from_today_for_its_months(client, manager_a):
    client.force_login(manager_a)
    data = TermsEditor.from_terms(
        {"upfront_fee": "5000", "royalty": {"rate": "0.05", "period": "year"}},
        with_term=False,
        fee_model="royalty",
    ).as_data()

    response = client.post(
        "/licensing/terms/preview/",
        {**data, "editor_kind": "offer", "term_months": "12", "sample_revenue": "100000"},
    )

    html = response.content.decode()
    assert 'data-testid="preview-royalty">5,000.00 元' in html  # 5% of a year's 100 000
    assert 'data-testid="preview-total">10,000.00 元' in html


def test_the_preview_names_what_prevents_a_plan(client, manager_a):
    client.force_login(manager_a)
    data = TermsEditor.from_terms(
        {k: v for k, v in CONTRACT.items() if k != "id"}, with_term=True
    ).as_data()

    response = client.post(
        "/licensing/terms/preview/", {**data, "editor_kind": "version", "tier_rate": ["5", "x"]}
    )

    html = response.content.decode()
    assert "条款填写完整后显示付款计划" in html
    assert "收入提成·第 2 档·提成比例：应为百分比数字，如 5 或 3.5" in html


def test_the_preview_warns_of_a_start_in_the_past(client, manager_a):
    client.force_login(manager_a)
    today = timezone.localdate()
    start = today - dt.timedelta(days=10)
    data = TermsEditor.from_terms(
        {
            "fee_model": "royalty",
            "start": start.isoformat(),
            "end": (start + dt.timedelta(days=400)).isoformat(),
            "upfront_fee": "5000",
            "royalty": {"rate": "0.05", "period": "year"},
        },
        with_term=True,
    ).as_data()

    response = client.post("/licensing/terms/preview/", {**data, "editor_kind": "version"})

    html = response.content.decode()
    assert 'data-testid="preview-past-start"' in html
    assert f"今天已到期 门槛费 5,000.00 元（{start.isoformat()} 到期）" in html
