"""The terms editor: people's inputs (money with separators, rates in %, rows) to the engine's
terms, field-level Chinese errors from the engine's validation, and the offer and version pages
that publish and propose through it (no JSON typed)."""

from __future__ import annotations

import datetime as dt

from django.http import QueryDict

from zhuanhua.licensing.models import LicenceOffer, TermVersion
from zhuanhua.licensing.terms import clean_offer_terms
from zhuanhua.licensing.terms_form import TermsEditor
from zhuanhua.licensing.tests.conftest import OFFER_DATA, VERSION_TERMS

TODAY = dt.date(2026, 1, 15)
OFFER_FIELDS = {k: v for k, v in OFFER_DATA.items() if k not in ("terms", "fee_model")}


def _query(data: dict) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, value in data.items():
        q.setlist(key, value if isinstance(value, list) else [value])
    return q


def _offer_inputs(**overrides) -> dict:
    data = {
        "fee_model": "staged_royalty",
        "upfront_fee": "1,200,000",
        "upfront_due": "",
        "inst_key": ["首付节点", "验收节点"],
        "inst_amount": ["1200000.5", "50,000"],
        "inst_kind": ["date", "milestone"],
        "inst_due": ["2026-06-30", ""],
        "inst_milestone": ["", "样机验收"],
        "inst_days_after": ["", "30"],
        "royalty_mode": "tiers",
        "royalty_rate": "",
        "tier_up_to": ["1,000,000", ""],
        "tier_rate": ["5", "3.5%"],
        "royalty_period": "half",
        "report_within_days": "20",
        "pay_within_days": "40",
        "cap_total": "300,000",
        "grace_days": "10",
    }
    data.update(overrides)
    return data


def test_inputs_become_the_engines_terms():
    editor = TermsEditor.from_data(_query(_offer_inputs()), with_term=False)

    assert editor.clean(term_months=24, today=TODAY) is not None
    assert editor.errors == {}
    assert editor.raw == {
        "upfront_fee": "1200000.00",
        "installments": [
            {"key": "首付节点", "amount": "1200000.50", "due": "2026-06-30"},
            {"key": "验收节点", "amount": "50000.00", "milestone": "样机验收", "days_after": 30},
        ],
        "royalty": {
            "period": "half",
            "tiers": [{"up_to": "1000000.00", "rate": "0.05"}, {"up_to": None, "rate": "0.035"}],
            "report_within_days": 20,
            "pay_within_days": 40,
            "cap_total": "300000.00",
        },
        "grace_days": 10,
    }


def test_stored_terms_show_as_people_type_them_and_come_back_unchanged():
    raw = TermsEditor.from_data(_query(_offer_inputs()), with_term=False).build()
    stored = clean_offer_terms(raw, fee_model="staged_royalty", term_months=24, today=TODAY)

    editor = TermsEditor.from_terms(stored, with_term=False, fee_model="staged_royalty")

    assert editor.values["upfront_fee"] == "1,200,000"
    assert editor.values["cap_total"] == "300,000"
    assert [r.values["amount"] for r in editor.installments] == ["1,200,000.50", "50,000"]
    assert [(r.values["up_to"], r.values["rate"]) for r in editor.tiers] == [
        ("1,000,000", "5"),
        ("", "3.5"),
    ]
    again = TermsEditor.from_data(_query(editor.as_data()), with_term=False)
    again.clean(term_months=24, today=TODAY)
    assert (
        clean_offer_terms(again.raw, fee_model="staged_royalty", term_months=24, today=TODAY)
        == stored
    )


def test_only_the_chosen_fee_models_parts_are_kept():
    editor = TermsEditor.from_data(
        _query(_offer_inputs(fee_model="staged", royalty_rate="500")), with_term=False
    )

    editor.clean(term_months=24, today=TODAY)

    assert editor.errors == {}
    assert "royalty" not in editor.raw
    assert len(editor.raw["installments"]) == 2


def test_typing_errors_are_named_under_their_field():
    editor = TermsEditor.from_data(
        _query(
            _offer_inputs(
                upfront_fee="一百万",
                inst_amount=["1,200,000.555", "50,000"],
                tier_rate=["150", "3.5"],
                grace_days="-1",
            )
        ),
        with_term=False,
    )

    assert editor.clean(term_months=24, today=TODAY) is None
    assert editor.errors == {
        "upfront_fee": ["金额应为数字（元），如 1200 或 1200.50"],
        "installments[0].amount": ["金额最多两位小数"],
        "royalty.tiers[0].rate": ["应在 0% 到 100% 之间"],
        "grace_days": ["应为不小于 0 的整数天数"],
    }


def test_the_engines_own_validation_lands_on_the_field_in_chinese():
    tiers_down = TermsEditor.from_data(
        _query(_offer_inputs(tier_up_to=["1,000,000", "500,000", ""], tier_rate=["5", "4", "3"])),
        with_term=False,
    )
    assert tiers_down.clean(term_months=24, today=TODAY) is None
    assert tiers_down.errors == {"royalty.tiers[1].up_to": ["各档上限必须从小到大递增"]}

    no_milestone = TermsEditor.from_data(
        _query(_offer_inputs(inst_milestone=["", ""])), with_term=False
    )
    assert no_milestone.clean(term_months=24, today=TODAY) is None
    assert no_milestone.errors == {
        "installments[1].milestone": ["请填写里程碑名称和达成后的付款天数"]
    }

    version = TermsEditor.from_terms({**VERSION_TERMS, "end": "2024-12-31"}, with_term=True)
    assert version.clean(today=TODAY) is None
    assert version.errors == {"end": ["不能早于许可起始日"]}


def test_the_offer_page_publishes_each_fee_model_without_json(client, published_a, manager_a):
    client.force_login(manager_a)
    url = f"/licensing/achievements/{published_a.pk}/offer/"
    page = client.get(url).content.decode()
    assert 'name="royalty_rate"' in page
    assert 'name="terms"' not in page

    expected = {
        "royalty": {"royalty_mode": "rate", "royalty_rate": "4.5"},
        "staged": {},
        "staged_royalty": {},
    }
    for fee_model, extra in expected.items():
        response = client.post(url, {**OFFER_FIELDS, **_offer_inputs(fee_model=fee_model, **extra)})
        assert response.status_code == 302, fee_model
        offer = LicenceOffer.objects.get(is_active=True)
        assert offer.fee_model == fee_model
    assert offer.terms["royalty"]["tiers"][1] == {"up_to": None, "rate": "0.035"}
    royalty_offer = LicenceOffer.objects.get(fee_model="royalty")
    assert royalty_offer.terms["royalty"]["rate"] == "0.045"
    assert royalty_offer.terms["installments"] == []


def test_a_refused_offer_shows_the_error_under_its_field_and_writes_nothing(
    client, published_a, manager_a
):
    client.force_login(manager_a)
    before = LicenceOffer._default_manager.count()

    response = client.post(
        f"/licensing/achievements/{published_a.pk}/offer/",
        {**OFFER_FIELDS, **_offer_inputs(tier_up_to=["", "1,000,000"])},
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "只有最后一档可以不填上限" in html
    assert 'value="1,000,000"' in html  # what the person typed is kept
    assert LicenceOffer._default_manager.count() == before


def test_a_version_is_proposed_through_the_editor(client, inquiry, licensee_user):
    client.force_login(licensee_user)
    data = TermsEditor.from_terms(VERSION_TERMS, with_term=True).as_data()

    refused = client.post(
        f"/licensing/inquiries/{inquiry.pk}/versions/", {**data, "royalty_rate": "abc"}
    )
    assert refused.status_code == 422
    assert "应为百分比数字，如 5 或 3.5" in refused.content.decode()
    assert TermVersion._default_manager.count() == 0

    client.post(f"/licensing/inquiries/{inquiry.pk}/versions/", {**data, "royalty_rate": "6"})
    version = TermVersion.objects.get()
    assert version.terms["royalty"]["rate"] == "0.06"
    assert version.terms["start"] == "2025-01-01"
    assert version.terms["installments"] == [
        {"key": "首付节点", "amount": "50000.00", "due": "2025-06-30"}
    ]


def test_errors_are_found_once_however_often_the_page_asks():
    editor = TermsEditor.from_data(
        _query(_offer_inputs(royalty_mode="rate", royalty_rate="")), with_term=False
    )

    editor.clean(term_months=24, today=TODAY)
    editor.clean(term_months=24, today=TODAY)

    assert editor.errors == {"royalty.rate": ["请填写提成比例"]}
