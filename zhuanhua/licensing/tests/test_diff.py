"""What changed in a negotiation: each version against the published offer and the previous
version, field by field in words; a start moved into the past flagged with what is already due."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from zhuanhua.licensing.diff import Change, diff, past_start, version_rows
from zhuanhua.licensing.services import version_propose
from zhuanhua.licensing.tests.conftest import OFFER_TERMS, VERSION_TERMS

OFFER = SimpleNamespace(terms=OFFER_TERMS, fee_model="staged_royalty", term_months=24)


def _version(number, terms, on=dt.date(2024, 12, 1)):
    created = timezone.make_aware(dt.datetime(on.year, on.month, on.day, 9))
    return SimpleNamespace(number=number, terms=terms, created_at=created)


def test_each_changed_field_in_words_and_nothing_else():
    after = {
        **VERSION_TERMS,
        "upfront_fee": "12000",
        "royalty": {"rate": "0.06", "period": "half", "cap_total": "200000"},
        "installments": [],
    }

    assert diff(VERSION_TERMS, after) == [
        Change("upfront_fee", "门槛费", "10,000.00 元", "12,000.00 元"),
        Change("royalty.rate", "提成比例", "5%", "6%"),
        Change("royalty.period", "报告周期", "季度", "半年"),
        Change("royalty.cap_total", "提成封顶", "—", "200,000.00 元"),
        Change("installments.首付节点", "阶段性支付·首付节点", "50,000.00 元，2025-06-30 前", "—"),
    ]


def test_installments_are_matched_by_name_and_tiers_by_rank():
    before = {
        **VERSION_TERMS,
        "installments": [
            {"key": "首付节点", "amount": "50000", "due": "2025-06-30"},
            {"key": "验收节点", "amount": "8000", "milestone": "样机验收", "days_after": 30},
        ],
        "royalty": {
            "tiers": [{"up_to": "300000", "rate": "0.05"}, {"up_to": None, "rate": "0.03"}],
            "period": "quarter",
        },
    }
    after = {
        **before,
        "installments": [before["installments"][1]],
        "royalty": {**before["royalty"], "tiers": [{"up_to": None, "rate": "0.04"}]},
    }

    assert diff(before, after) == [
        Change("royalty.tiers.0", "第 1 档", "累计收入至 300,000.00 元：5%", "以上部分：4%"),
        Change("installments.首付节点", "阶段性支付·首付节点", "50,000.00 元，2025-06-30 前", "—"),
        Change("royalty.tiers.1", "第 2 档", "以上部分：3%", "—"),
    ]


def test_versions_against_the_offer_and_the_previous_one():
    v1 = _version(1, {**VERSION_TERMS, "start": "2025-01-01", "end": "2026-12-31"})
    v2 = _version(2, {**v1.terms, "royalty": {"rate": "0.06", "period": "quarter"}})
    v3 = _version(3, v2.terms)

    rows = version_rows(OFFER, [v1, v2, v3])

    assert rows[0].against_previous is None
    assert rows[0].against_offer == []  # 24 months from 2025-01-01, as offered
    assert rows[1].against_previous == [Change("royalty.rate", "提成比例", "5%", "6%")]
    assert rows[1].against_offer == [Change("royalty.rate", "提成比例", "5%", "6%")]
    assert rows[2].against_previous == []
    assert rows[2].against_offer == [Change("royalty.rate", "提成比例", "5%", "6%")]
    table = {f.path: f for f in rows[1].table}
    assert (table["royalty.rate"].offer, table["royalty.rate"].previous) == ("5%", "5%")
    assert (table["royalty.rate"].current, table["royalty.rate"].vs_previous) == ("6%", True)
    assert table["span"].current == "2025-01-01 至 2026-12-31"
    assert table["term"].current == "24 个月"
    assert not table["upfront_fee"].vs_offer
    shorter = version_rows(OFFER, [_version(1, {**v1.terms, "end": "2025-12-31"})])[0]
    assert shorter.against_offer == [Change("term", "许可期限", "24 个月", "12 个月")]


def test_a_start_in_the_past_is_flagged_with_what_is_already_due():
    flagged = past_start(VERSION_TERMS, dt.date(2025, 7, 15))

    assert flagged is not None
    assert flagged.start == dt.date(2025, 1, 1)
    assert flagged.due == [
        ("门槛费", "10,000.00 元（2025-01-01 到期）"),
        ("阶段性支付·首付节点", "50,000.00 元（2025-06-30 到期）"),
    ]
    assert flagged.ended_periods == 2  # Q1 and Q2 2025: revenue to report
    assert past_start(VERSION_TERMS, dt.date(2025, 1, 1)) is None


def test_the_negotiation_page_highlights_the_change_and_flags_the_past_start(
    client, inquiry, licensee_user, manager_a
):
    version_propose(user=licensee_user, inquiry=inquiry, terms=dict(VERSION_TERMS))
    version_propose(
        user=manager_a,
        inquiry=inquiry,
        terms={**VERSION_TERMS, "royalty": {"rate": "0.06", "period": "quarter"}},
    )
    client.force_login(licensee_user)

    html = client.get(f"/licensing/inquiries/{inquiry.pk}/").content.decode()

    assert '<mark data-testid="changed"><ins>6%</ins></mark>' in html
    assert "<del>5%</del>" in html
    assert 'data-testid="past-start-2"' in html
    assert "门槛费 10,000.00 元（2025-01-01 到期）" in html
    assert "确认接受第 2 版" in html
    assert "商洽结束，双方不能再提出新版本" in html
