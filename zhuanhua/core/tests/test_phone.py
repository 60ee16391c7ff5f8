"""Phone numbers and money are checked in the browser and on the server with one rule each
(issue 21.5: a phone "abc" was accepted)."""

import re

import pytest
from django import forms

from zhuanhua.core.forms import PhoneField, StyledFormMixin
from zhuanhua.core.inputs import ERR_MONEY_NEGATIVE, ERR_PHONE, PHONE_PATTERN


class _Form(forms.Form):
    phone = PhoneField(label="联系电话", required=False)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+8613812345678", "+8613812345678"),
        ("0871-65123456", "0871-65123456"),
        ("087165123456", "087165123456"),
        ("0691-2123456-801", "0691-2123456-801"),
        ("", ""),
    ],
)
def test_phone_numbers_are_accepted(typed, stored):
    form = _Form({"phone": typed})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == stored


@pytest.mark.parametrize("typed", ["abc", "12345", "1381234567", "23812345678", "0871-123"])
def test_what_is_not_a_phone_number_is_refused(typed):
    form = _Form({"phone": typed})

    assert not form.is_valid()
    assert form.errors["phone"] == [ERR_PHONE]


def test_the_browser_gets_the_same_pattern():
    html = str(_Form()["phone"])

    assert 'type="tel"' in html
    assert f'pattern="{PHONE_PATTERN}"' in html
    # The browser anchors the pattern; so does the server's fullmatch.
    assert re.fullmatch(PHONE_PATTERN, "abc") is None


class _MoneyForm(StyledFormMixin, forms.Form):
    budget_amount = forms.DecimalField(label="预算（元）", max_digits=17, decimal_places=2)


def test_money_is_refused_negative_in_the_browser_and_on_the_server():
    form = _MoneyForm({"budget_amount": "-1"})
    html = str(_MoneyForm()["budget_amount"])

    assert not form.is_valid()
    assert form.errors["budget_amount"] == [ERR_MONEY_NEGATIVE]
    assert 'min="0"' in html
    assert 'inputmode="decimal"' in html
    assert _MoneyForm({"budget_amount": "1200.50"}).is_valid()
