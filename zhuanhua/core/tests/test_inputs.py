"""core.inputs: the one set of checks for money, text and dates (API types, forms, services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Schema
from pydantic import Field

from zhuanhua.core.forms import StyledFormMixin
from zhuanhua.core.inputs import (
    ERR_CONTROL_CHARS,
    ERR_CONTROL_CHARS_MULTILINE,
    ERR_DATE_BEFORE_START,
    ERR_DATE_FORMAT,
    ERR_DATE_FUTURE,
    ERR_DATE_TOO_EARLY,
    ERR_DATE_TOO_LATE,
    ERR_MONEY_FORMAT,
    ERR_MONEY_NEGATIVE,
    ERR_MONEY_NOT_FINITE,
    ERR_MONEY_SCALE,
    ERR_MONEY_TOO_LARGE,
    ERR_REQUIRED,
    ERR_SURROGATE,
    ERR_TOO_LONG,
    FORM_LONG_TEXT,
    SHORT_TEXT,
    Day,
    InputProblem,
    LongText,
    Money,
    Money14,
    QueryField,
    SignedMoney,
    Text,
    clean_date,
    clean_money,
    clean_text,
    collect_date,
    collect_text,
    latest_date,
    parse_money,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1200", Decimal("1200.00")),
        ("1200.5", Decimal("1200.50")),
        (0.1, Decimal("0.10")),
        (7, Decimal("7.00")),
        (Decimal("0"), Decimal("0.00")),
        ("999999999999999.99", Decimal("999999999999999.99")),
    ],
)
def test_money_accepted(value: Any, expected: Decimal) -> None:
    assert parse_money(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("inf"), ERR_MONEY_NOT_FINITE),  # JSON's 1e400
        (float("nan"), ERR_MONEY_NOT_FINITE),
        ("Infinity", ERR_MONEY_NOT_FINITE),
        ("NaN", ERR_MONEY_NOT_FINITE),
        ("1e400", ERR_MONEY_TOO_LARGE.format(digits=15)),
        ("1000000000000000", ERR_MONEY_TOO_LARGE.format(digits=15)),
        ("1.005", ERR_MONEY_SCALE),
        ("0.001", ERR_MONEY_SCALE),
        ("-0.01", ERR_MONEY_NEGATIVE),
        ("abc", ERR_MONEY_FORMAT),
        ("", ERR_MONEY_FORMAT),
        (True, ERR_MONEY_FORMAT),
        ([1], ERR_MONEY_FORMAT),
        ("1" * 100, ERR_MONEY_FORMAT),
        ("123456789012345678901234567890.001", ERR_MONEY_TOO_LARGE.format(digits=15)),
    ],
)
def test_money_refused_with_its_reason(value: Any, message: str) -> None:
    with pytest.raises(InputProblem) as exc:
        parse_money(value)
    assert str(exc.value) == message


def test_money_of_a_14_digit_column_and_signed_money() -> None:
    assert parse_money("999999999999.99", max_digits=14) == Decimal("999999999999.99")
    with pytest.raises(InputProblem) as exc:
        parse_money("1000000000000", max_digits=14)
    assert str(exc.value) == ERR_MONEY_TOO_LARGE.format(digits=12)
    assert parse_money("-3.5", allow_negative=True) == Decimal("-3.50")


def test_clean_money_names_the_field() -> None:
    with pytest.raises(ValidationError) as exc:
        clean_money("NaN", "amount")
    assert exc.value.message_dict == {"amount": [ERR_MONEY_NOT_FINITE]}
    with pytest.raises(ValidationError) as exc:
        clean_money(None, "amount")
    assert exc.value.message_dict == {"amount": [ERR_REQUIRED]}
    assert clean_money("", "amount", required=False) is None


@pytest.mark.parametrize(
    ("value", "multiline", "message"),
    [
        ("a\x00b", False, ERR_CONTROL_CHARS),
        ("a\x00b", True, ERR_CONTROL_CHARS_MULTILINE),
        ("a\tb", False, ERR_CONTROL_CHARS),
        ("a\nb", False, ERR_CONTROL_CHARS),
        ("a\x1bb", True, ERR_CONTROL_CHARS_MULTILINE),
        ("a\x7fb", True, ERR_CONTROL_CHARS_MULTILINE),
        ("a\x85b", True, ERR_CONTROL_CHARS_MULTILINE),
        ("a\ud800b", True, ERR_SURROGATE),
        ("x" * 201, False, ERR_TOO_LONG.format(limit=200)),
    ],
)
def test_text_refused(value: str, multiline: bool, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        clean_text(value, "title", limit=200, multiline=multiline)
    assert exc.value.message_dict == {"title": [message]}


def test_text_accepted() -> None:
    assert (
        clean_text("  三七\t总皂苷\r\n工艺 ", "summary", multiline=True) == "三七\t总皂苷\r\n工艺"
    )
    assert clean_text("🎉 emoji 与中文", "title") == "🎉 emoji 与中文"
    with pytest.raises(ValidationError) as exc:
        clean_text("  ", "title", required=True)
    assert exc.value.message_dict == {"title": [ERR_REQUIRED]}


def test_dates_in_the_plausible_window() -> None:
    today = timezone.localdate()
    assert clean_date("2024-02-29", "on") == dt.date(2024, 2, 29)
    cases = [
        ("1949-09-30", ERR_DATE_TOO_EARLY.format(earliest="1949-10-01")),
        ("2999-01-01", ERR_DATE_TOO_LATE.format(latest=latest_date().isoformat())),
        ("2024-13-01", ERR_DATE_FORMAT),
        ("yesterday", ERR_DATE_FORMAT),
        (12, ERR_DATE_FORMAT),
    ]
    for value, message in cases:
        with pytest.raises(ValidationError) as exc:
            clean_date(value, "on")
        assert exc.value.message_dict == {"on": [message]}, value
    with pytest.raises(ValidationError) as exc:
        clean_date(today + dt.timedelta(days=1), "on", past=True)
    assert exc.value.message_dict == {"on": [ERR_DATE_FUTURE]}
    with pytest.raises(ValidationError) as exc:
        clean_date(
            "2024-12-31", "paid_on", not_before=dt.date(2025, 1, 1), not_before_what="许可起始日"
        )
    assert exc.value.message_dict == {
        "paid_on": [ERR_DATE_BEFORE_START.format(what="许可起始日", start="2025-01-01")]
    }


def test_collectors_gather_every_problem() -> None:
    errors: dict[str, list[str]] = {}
    assert collect_text("a\x00", "title", errors) == "a\x00"
    assert collect_date("1900-01-01", "held_on", errors) is None
    assert collect_date("2024-01-02", "ok_on", errors) == dt.date(2024, 1, 2)
    assert errors == {
        "title": [ERR_CONTROL_CHARS],
        "held_on": [ERR_DATE_TOO_EARLY.format(earliest="1949-10-01")],
    }


class _In(Schema):
    amount: Money
    small: Money14 | None = None
    correction: SignedMoney | None = None
    title: Text = Field("", max_length=20)
    summary: LongText = ""
    on: Day | None = None


def _errors(**data: Any) -> list[tuple[str, str]]:
    from pydantic import ValidationError as PydanticError

    try:
        _In.model_validate(data)
    except PydanticError as exc:
        return [(str(e["loc"][-1]), e["msg"]) for e in exc.errors()]
    return []


def test_schema_types_refuse_with_the_same_messages() -> None:
    assert _errors(amount=1e400) == [("amount", ERR_MONEY_NOT_FINITE)]
    assert _errors(amount="12.345") == [("amount", ERR_MONEY_SCALE)]
    assert _errors(amount=-1) == [("amount", ERR_MONEY_NEGATIVE)]
    assert _errors(amount=1, small="1000000000000") == [
        ("small", ERR_MONEY_TOO_LARGE.format(digits=12))
    ]
    assert _errors(amount=1, correction="-5") == []
    assert _errors(amount=1, title="a\x00") == [("title", ERR_CONTROL_CHARS)]
    assert _errors(amount=1, summary="第一行\n第二行\t") == []
    assert _errors(amount=1, summary="x" * 5001) == [("summary", ERR_TOO_LONG.format(limit=5000))]
    assert _errors(amount=1, on="1900-01-01") == [
        ("on", ERR_DATE_TOO_EARLY.format(earliest="1949-10-01"))
    ]
    # A field's own limit is enforced too (Pydantic's code, translated by the API handler).
    [(field, _)] = _errors(amount=1, title="x" * 21)
    assert field == "title"


class _Form(StyledFormMixin, forms.Form):
    title = forms.CharField()
    code = forms.CharField(max_length=10)
    summary = forms.CharField(widget=forms.Textarea)
    q = QueryField(required=False)


def test_every_form_text_field_is_bounded_and_refuses_control_characters() -> None:
    form = _Form()
    text_fields = {name: cast(forms.CharField, field) for name, field in form.fields.items()}
    assert (text_fields["title"].max_length, text_fields["summary"].max_length) == (
        SHORT_TEXT,
        FORM_LONG_TEXT,
    )
    assert text_fields["code"].max_length == 10
    assert 'maxlength="200"' in str(form["title"])
    ok = _Form({"title": "三七", "code": "A1", "summary": "第一行\r\n\t第二行"})
    assert ok.is_valid(), ok.errors
    bad = _Form(
        {
            "title": "三\x00七",
            "code": "A1",
            "summary": "x" * (FORM_LONG_TEXT + 1),
        }
    )
    assert not bad.is_valid()
    assert bad.errors["title"] == [ERR_CONTROL_CHARS]
    assert bad.errors["summary"] == [ERR_TOO_LONG.format(limit=FORM_LONG_TEXT)]
    tab = _Form({"title": "三\t七", "code": "A1", "summary": "s"})
    assert tab.errors["title"] == [ERR_CONTROL_CHARS]


def test_a_search_box_cuts_instead_of_refusing() -> None:
    form = _Form({"title": "t", "code": "c", "summary": "s", "q": "固态\x00储氢" + "氢" * 600})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["q"] == ("固态储氢" + "氢" * 600)[:500]
