"""The hall's 先使用后付费 filter: an EXISTS on the active offers, per fee model."""

from __future__ import annotations

import pytest

from zhuanhua.achievements.forms import HallFilterForm
from zhuanhua.achievements.selectors import HallQuery, achievement_hall
from zhuanhua.licensing.tests.conftest import OFFER_DATA

pytestmark = pytest.mark.django_db


def test_filter_any_and_per_fee_model(offer, published_a):
    assert list(achievement_hall(HallQuery(ufpl="any"))) == [published_a]
    assert list(achievement_hall(HallQuery(ufpl="staged_royalty"))) == [published_a]
    assert list(achievement_hall(HallQuery(ufpl="royalty"))) == []
    assert list(achievement_hall(HallQuery(ufpl="nonsense"))) == []


def test_superseded_offer_does_not_count(offer, published_a, manager_a):
    from zhuanhua.licensing.services import offer_publish

    offer_publish(
        user=manager_a,
        achievement=published_a,
        data={
            **OFFER_DATA,
            "fee_model": "royalty",
            "terms": {"upfront_fee": "0", "royalty": {"rate": "0.05", "period": "quarter"}},
        },
    )
    assert list(achievement_hall(HallQuery(ufpl="staged_royalty"))) == []
    assert list(achievement_hall(HallQuery(ufpl="royalty"))) == [published_a]


def test_without_offers_nothing_matches(published_a):
    assert list(achievement_hall(HallQuery(ufpl="any"))) == []
    assert list(achievement_hall(HallQuery())) == [published_a]


def test_sql_uses_exists(offer):
    sql = str(achievement_hall(HallQuery(ufpl="royalty")).query).upper()
    assert "EXISTS" in sql


def test_form_offers_the_choices():
    form = HallFilterForm({"ufpl": "staged"})
    assert form.is_valid()
    assert form.cleaned_data["ufpl"] == "staged"
    assert not HallFilterForm({"ufpl": "x"}).is_valid()
