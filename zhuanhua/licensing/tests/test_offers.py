"""Offers on a listing (article 6(1)): validation through the engine, who publishes, the list."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.licensing.models import LicenceOffer
from zhuanhua.licensing.selectors import offers_public
from zhuanhua.licensing.services import offer_publish
from zhuanhua.licensing.tests.conftest import OFFER_DATA, post_json


def _data(**changes):
    data = json.loads(json.dumps(OFFER_DATA))
    data.update(changes)
    return data


def test_offer_terms_are_stored_in_the_engines_canonical_shape(offer):
    assert offer.is_active
    assert offer.terms == {
        "upfront_fee": "10000.00",
        "installments": [{"key": "首付节点", "amount": "50000.00", "due": "2025-06-30"}],
        "royalty": {
            "period": "quarter",
            "rate": "0.05",
            "report_within_days": 30,
            "pay_within_days": 30,
        },
        "grace_days": 0,
    }


@pytest.mark.parametrize(
    ("terms", "field", "message"),
    [
        (
            {
                "upfront_fee": "-1",
                "installments": [{"key": "a", "amount": 1, "due": "2025-06-30"}],
                "royalty": {"rate": "0.05", "period": "quarter"},
            },
            "terms.upfront_fee",
            "门槛费（upfront_fee）：不能为负数",
        ),
        (
            {
                "installments": [{"key": "a", "amount": 1, "due": "2025-06-30"}],
                "royalty": {"rate": "1.5", "period": "quarter"},
            },
            "terms.royalty.rate",
            "收入提成·提成比例（royalty.rate）：应在 0 到 1 之间",
        ),
        (
            {
                "installments": [{"key": "a", "amount": 1, "due": "2025-06-30"}],
                "royalty": {
                    "period": "year",
                    "tiers": [
                        {"up_to": "100", "rate": "0.1"},
                        {"up_to": "50", "rate": "0.05"},
                        {"up_to": None, "rate": "0.01"},
                    ],
                },
            },
            "terms.royalty.tiers[1].up_to",
            "收入提成·第 2 档·档位上限（royalty.tiers[1].up_to）：各档上限必须从小到大递增",
        ),
        (
            {"royalty": {"rate": "0.05", "period": "quarter"}},
            "terms.installments",
            "阶段性支付（installments）：所选费用模式必须填写此项",
        ),
        (
            {
                "installments": [{"key": "a", "amount": "1.005", "due": "2025-06-30"}],
                "royalty": {"rate": "0.05", "period": "quarter"},
            },
            "terms.installments[0].amount",
            "第 1 笔阶段性支付·金额（installments[0].amount）：最多保留两位小数",
        ),
    ],
)
def test_bad_terms_are_refused_in_chinese_naming_the_field(
    published_a, manager_a, terms, field, message
):
    with pytest.raises(ValidationError) as exc:
        offer_publish(user=manager_a, achievement=published_a, data=_data(terms=terms))
    assert exc.value.message_dict == {field: [message]}
    assert LicenceOffer.objects.count() == 0


def test_terms_that_do_not_fit_the_fee_model_are_refused(published_a, manager_a):
    with pytest.raises(ValidationError) as exc:
        offer_publish(user=manager_a, achievement=published_a, data=_data(fee_model="royalty"))
    assert exc.value.message_dict == {
        "terms.installments": ["阶段性支付（installments）：所选费用模式不包含此项，请删除"]
    }
    assert LicenceOffer.objects.count() == 0


def test_unknown_terms_key_is_refused(published_a, manager_a):
    terms = {**OFFER_DATA["terms"], "discount": "0.1"}
    with pytest.raises(ValidationError) as exc:
        offer_publish(user=manager_a, achievement=published_a, data=_data(terms=terms))
    assert exc.value.message_dict == {"terms.discount": ["支付条款（discount）：不支持的字段"]}


def test_only_the_owning_units_editors_publish(published_a, manager_b, licensee_user):
    for user in (manager_b, licensee_user):
        with pytest.raises(PermissionDenied):
            offer_publish(user=user, achievement=published_a, data=_data())
    assert LicenceOffer.objects.count() == 0


def test_a_draft_achievement_gets_no_offer(draft_a, manager_a):
    with pytest.raises(ValidationError) as exc:
        offer_publish(user=manager_a, achievement=draft_a, data=_data())
    assert exc.value.message_dict == {
        "achievement": ["只有已发布的成果可以发布先使用后付费许可报价"]
    }
    assert LicenceOffer.objects.count() == 0


def test_a_new_offer_replaces_the_active_one(offer, published_a, manager_a):
    second = offer_publish(
        user=manager_a,
        achievement=published_a,
        data=_data(fee_model="royalty", terms={"royalty": {"rate": "0.03", "period": "year"}}),
    )
    offer.refresh_from_db()
    assert not offer.is_active
    assert list(offers_public()) == [second]


def test_offers_public_filters_by_fee_model(offer):
    assert list(offers_public("staged_royalty")) == [offer]
    assert list(offers_public("royalty")) == []
    assert list(offers_public("bogus")) == []


def test_offers_page_lists_and_filters(client, offer):
    page = client.get("/licensing/offers/")
    assert page.status_code == 200
    assert "一种固态储氢材料的制备方法" in page.content.decode()
    filtered = client.get("/licensing/offers/?fee_model=royalty")
    assert "一种固态储氢材料的制备方法" not in filtered.content.decode()
    detail = client.get(f"/licensing/offers/{offer.pk}/")
    assert detail.status_code == 200
    assert "门槛费+阶段性支付+收入提成" in detail.content.decode()


def test_offer_api_publish_and_list(client, published_a, manager_a):
    client.force_login(manager_a)
    response = post_json(
        client, "/api/licensing/offers", {**_data(), "achievement_id": published_a.pk}
    )
    assert response.status_code == 201, response.content
    assert response.json()["terms"]["upfront_fee"] == "10000.00"
    listed = client.get("/api/licensing/offers?fee_model=staged_royalty").json()
    assert [o["id"] for o in listed["items"]] == [response.json()["id"]]


def test_offer_api_bad_terms_is_422_in_chinese(client, published_a, manager_a):
    client.force_login(manager_a)
    terms = {**OFFER_DATA["terms"], "royalty": {"rate": 2, "period": "quarter"}}
    response = post_json(
        client, "/api/licensing/offers", {**_data(terms=terms), "achievement_id": published_a.pk}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "field": "terms.royalty.rate",
            "message": "收入提成·提成比例（royalty.rate）：应在 0 到 1 之间",
        }
    ]
    assert LicenceOffer.objects.count() == 0
