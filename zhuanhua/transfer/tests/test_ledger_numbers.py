"""Shares and values of the ledger: absurd numbers are refused with the field's message, not a crash
(``1e100`` used to raise decimal.InvalidOperation on the two-decimal check)."""

from decimal import Decimal

import pytest

from zhuanhua.transfer import services


@pytest.mark.parametrize(
    "value", ["1e100", "1e400", "NaN", "Infinity", "-1", "0", "1.001", 1.5, True]
)
def test_bad_numbers_are_refused_by_name(value: object) -> None:
    errors: dict[str, list[str]] = {}
    assert services._positive(value, "shares", errors, max_digits=20) is None
    assert errors == {"shares": [services.ERR_POSITIVE]}


def test_good_numbers_pass() -> None:
    errors: dict[str, list[str]] = {}
    assert services._positive("1,000,000.5", "shares", errors, max_digits=20) == Decimal(
        "1000000.50"
    )
    assert services._positive(12, "value_amount", errors) == Decimal("12.00")
    assert errors == {}
