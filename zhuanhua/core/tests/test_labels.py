"""The site's one way to show money, rates and periods (builtins: no {% load %} needed)."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from zhuanhua.core.labels import percent, period_words, yuan


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("2000000"), "2,000,000.00"),
        ("1234.5", "1,234.50"),
        (Decimal("0.005"), "0.01"),  # half-up, not banker's rounding
        (Decimal("-12.345"), "-12.35"),
        (0, "0.00"),
        (None, ""),
        ("", ""),
        ("面议", "面议"),
    ],
)
def test_yuan_shows_money_with_thousands_separators(value, shown):
    assert yuan(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [("0.04", "4%"), (Decimal("0.035"), "3.5%"), (Decimal("0.12345"), "12.345%"), ("1", "100%")],
)
def test_percent_shows_a_fraction_as_a_percentage(value, shown):
    assert percent(value) == shown


def test_period_words_name_the_royalty_period():
    assert [period_words(p) for p in ("quarter", "half", "year")] == ["每季度", "每半年", "每年"]


def test_filters_are_builtins_in_every_template():
    html = Template("{{ a|yuan }} 元 · {{ r|percent }} · {{ p|period_words }}").render(
        Context({"a": Decimal("2000000"), "r": Decimal("0.04"), "p": "half"})
    )
    assert html == "2,000,000.00 元 · 4% · 每半年"
