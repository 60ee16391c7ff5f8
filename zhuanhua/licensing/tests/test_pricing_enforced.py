"""Agreement pricing enforced (issue 20.7): terms that differ from the published offer in any
amount, rate or date are 协议定价, and signing them needs the closed publicity notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from zhuanhua.licensing import pricing
from zhuanhua.licensing.models import Licence, SignedContract
from zhuanhua.licensing.services import (
    ERR_AGREEMENT_NOT_PUBLICISED,
    licence_activate,
    licence_set_pricing_method,
    version_accept,
    version_propose,
)
from zhuanhua.licensing.tests.conftest import VERSION_TERMS, signed_pdf
from zhuanhua.licensing.tests.publicity_helpers import clear_agreement_price
from zhuanhua.publicity.services import notice_create, notice_publish


def _sign(licence, manager):
    return licence_activate(
        user=manager, licence=licence, signed_on=dt.date(2025, 1, 1), signed_pdf=signed_pdf()
    )


@pytest.fixture
def negotiated(inquiry, licensee_user, manager_a):
    """The enterprise's version lowers the rate from the offer's 5% to 4%."""
    terms = {**VERSION_TERMS, "royalty": {"rate": "0.04", "period": "quarter"}}
    version_propose(user=licensee_user, inquiry=inquiry, terms=terms)
    return version_accept(user=manager_a, inquiry=inquiry, number=1)


def test_the_offer_taken_as_published_is_a_listing_price(licence):
    assert pricing.negotiated_changes(licence) == []
    assert licence.pricing_method == "listing"


def test_a_changed_rate_makes_the_price_negotiated(negotiated):
    assert pricing.negotiated_changes(negotiated) == ["收入提成·提成比例"]
    assert negotiated.pricing_method == "agreement"


def test_changed_amounts_dates_and_term_are_each_named(inquiry, licensee_user, manager_a):
    terms = {
        **VERSION_TERMS,
        "end": "2027-06-30",
        "upfront_fee": "8000",
        "installments": [{"key": "首付节点", "amount": "50000", "due": "2025-09-30"}],
    }
    version_propose(user=licensee_user, inquiry=inquiry, terms=terms)
    licence = version_accept(user=manager_a, inquiry=inquiry, number=1)
    assert pricing.negotiated_changes(licence) == [
        "许可期限",
        "门槛费",
        "第 1 笔阶段性支付·支付日期",
    ]


def test_signing_a_negotiated_price_without_publicity_is_refused(negotiated, manager_a):
    with pytest.raises(ValidationError) as exc:
        _sign(negotiated, manager_a)
    assert exc.value.message_dict == {"pricing_method": [ERR_AGREEMENT_NOT_PUBLICISED]}
    negotiated.refresh_from_db()
    assert negotiated.status == "draft_contract"
    assert negotiated.signed_on is None
    assert SignedContract.objects.count() == 0


def test_the_unit_cannot_tick_listing_for_a_negotiated_price(negotiated, manager_a):
    with pytest.raises(ValidationError) as exc:
        licence_set_pricing_method(user=manager_a, licence=negotiated, pricing_method="listing")
    assert exc.value.message_dict == {
        "pricing_method": [
            "签订条款与发布的许可报价不同（收入提成·提成比例），属协议定价，须公示，"
            "不能改为其他定价方式"
        ]
    }
    negotiated.refresh_from_db()
    assert negotiated.pricing_method == "agreement"


def test_a_stale_listing_mark_does_not_let_a_negotiated_price_through(negotiated, manager_a):
    Licence.objects.filter(pk=negotiated.pk).update(pricing_method="listing")  # before issue 20
    negotiated.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        _sign(negotiated, manager_a)
    assert exc.value.message_dict == {"pricing_method": [ERR_AGREEMENT_NOT_PUBLICISED]}
    assert SignedContract.objects.count() == 0


def test_a_negotiated_price_signs_once_its_notice_has_closed(negotiated, manager_a):
    notice = clear_agreement_price(manager_a, negotiated)
    assert (notice.ends_on - notice.starts_on).days >= 14  # 15 days counted inclusively
    signed = _sign(negotiated, manager_a)
    assert signed.status == "active"
    assert signed.pricing_method == "agreement"


def test_an_open_notice_does_not_clear_the_price(negotiated, manager_a):
    notice = notice_create(
        user=manager_a,
        data={
            "kind": "agreement_price",
            "title": "协议定价公示",
            "content": "拟以协议定价方式许可使用。",
            "starts_on": dt.date(2024, 12, 20),
            "period_days": 15,
            "achievement": negotiated.achievement,
            "licensee": negotiated.licensee,
            "price_amount": "120000.00",
            "pricing_method": "agreement",
        },
    )
    notice_publish(user=manager_a, notice=notice, today=dt.date(2024, 12, 20))
    with pytest.raises(ValidationError):
        _sign(negotiated, manager_a)
    assert SignedContract.objects.count() == 0
