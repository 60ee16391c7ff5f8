"""The one set of input checks: text, money and dates, for the API schemas, the forms and services.

Every entry point refuses the same bad values with the same Chinese message, before anything is
written: control characters (NUL breaks PostgreSQL and a pasted control character breaks the
exported files), lone surrogates (cannot be encoded as UTF-8), texts longer than their limit,
money that is not a finite number of yuan with at most two decimals and fewer digits than the
column holds, and dates outside the plausible window. The pure engines keep their own validation
(``engines/common.py``); this module is their Django-side counterpart.

Choices where the issue was silent (see docs/adr/0005-input-limits.md):
- single-line text refuses every control character (Unicode category Cc: C0, DEL, C1), including
  tab and newline; multi-line text allows tab, newline and carriage return;
- money is at most 17 digits with 2 decimals (< 10^15 yuan, the widest money column);
  ``MONEY14_*`` types match the 14-digit columns (vouchers, subsidies, losses);
- a date is plausible from 1949-10-01 to 20 years after today.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils import timezone
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

SHORT_TEXT = 200  # a single-line field without its own limit (titles, names, references)
LONG_TEXT = 5000  # a multi-line API field without its own limit (summaries, opinions, messages)
FORM_LONG_TEXT = 10000  # a form's Textarea without its own limit (also pasted rules and notices)
MAX_QUERY = 500  # a search box keeps its first 500 characters
MAX_LIST_ITEMS = 200  # a list in a form or a body (completers, shares, costs …)
MONEY_MAX_DIGITS = 17  # the widest money column: DecimalField(max_digits=17, decimal_places=2)
MONEY14_MAX_DIGITS = 14  # vouchers, subsidies, losses: DecimalField(max_digits=14, …)
EARLIEST_DATE = dt.date(1949, 10, 1)
LATEST_YEARS_AHEAD = 20

ERR_REQUIRED = "此项为必填项"
ERR_INVALID = "填写有误"
ERR_CONTROL_CHARS = "不能包含控制字符（如 NUL、换行符等不可见字符）"
ERR_CONTROL_CHARS_MULTILINE = "不能包含控制字符（如 NUL 等不可见字符；换行和制表符除外）"
ERR_SURROGATE = "包含无法识别的字符，请重新输入"
ERR_TOO_LONG = "内容不能超过 {limit} 字"
ERR_TOO_MANY = "最多 {limit} 项（当前 {count} 项）"
ERR_MONEY_FORMAT = "金额应为数字（元），如 1200 或 1200.50"
ERR_MONEY_NOT_FINITE = "金额应为有限的数字"
ERR_MONEY_SCALE = "金额最多两位小数"
ERR_MONEY_TOO_LARGE = "金额过大：不能超过 {digits} 位整数"
ERR_MONEY_NEGATIVE = "金额不能为负数"
ERR_DATE_FORMAT = "日期格式应为 YYYY-MM-DD"
ERR_DATE_TOO_EARLY = "日期不能早于 {earliest}"
ERR_DATE_TOO_LATE = "日期不能晚于 {latest}"
ERR_DATE_FUTURE = "日期不能晚于今天"
ERR_DATE_BEFORE_START = "日期不能早于{what}（{start}）"
ERR_PHONE = "电话号码格式不正确：请填写 11 位手机号，或带区号的固定电话（如 0871-65123456）"

# A mainland mobile (11 digits, optionally +86), or a landline with its area code and an
# optional extension. The same text is the browser's `pattern` (anchored there) and the server's
# check (spaces are dropped first; the browser's field has none to drop).
PHONE_PATTERN = r"(\+?86-?)?1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?"


class InputProblem(ValueError):
    """One value refused, with its Chinese message (callers add the field name)."""


# --------------------------------------------------------------------------------------------
# Text


def _is_control(ch: str, multiline: bool) -> bool:
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return True
    return (code < 0x20 or 0x7F <= code <= 0x9F) and not (multiline and ch in "\t\n\r")


def text_problem(value: str, *, limit: int | None = None, multiline: bool = False) -> str | None:
    """The Chinese message for a text that may not be stored, or None."""
    if limit is not None and len(value) > limit:
        return ERR_TOO_LONG.format(limit=limit)
    for ch in value:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            return ERR_SURROGATE
        if (code < 0x20 or 0x7F <= code <= 0x9F) and not (multiline and ch in "\t\n\r"):
            return ERR_CONTROL_CHARS_MULTILINE if multiline else ERR_CONTROL_CHARS
    return None


def check_text(value: str, *, limit: int | None = None, multiline: bool = False) -> str:
    """`value` unchanged, or InputProblem."""
    problem = text_problem(value, limit=limit, multiline=multiline)
    if problem:
        raise InputProblem(problem)
    return value


def clean_text(
    value: Any,
    field: str,
    *,
    limit: int | None = SHORT_TEXT,
    multiline: bool = False,
    required: bool = False,
) -> str:
    """A stripped text for a service, or ValidationError({field: [message]})."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValidationError({field: [ERR_REQUIRED]})
    problem = text_problem(text, limit=limit, multiline=multiline)
    if problem:
        raise ValidationError({field: [problem]})
    return text


def check_count(items: Any, *, limit: int = MAX_LIST_ITEMS) -> Any:
    if len(items) > limit:
        raise InputProblem(ERR_TOO_MANY.format(limit=limit, count=len(items)))
    return items


class ControlCharacterValidator:
    """Django validator: refuse control characters, lone surrogates and (with `limit`) texts
    longer than the limit (forms)."""

    def __init__(self, *, multiline: bool = False, limit: int | None = None) -> None:
        self.multiline = multiline
        self.limit = limit

    def __call__(self, value: Any) -> None:
        if isinstance(value, str):  # a field cleaning to another type (parsed JSON) is skipped
            problem = text_problem(value, limit=self.limit, multiline=self.multiline)
            if problem:
                raise ValidationError(problem, code="text")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ControlCharacterValidator) and (
            other.multiline,
            other.limit,
        ) == (self.multiline, self.limit)

    def __hash__(self) -> int:
        return hash((type(self), self.multiline, self.limit))


def bound_text_field(field: Any) -> None:
    """Give a form's text field a maximum length and the control-character check (called by
    StyledFormMixin for every field of every form, so no form lists them one by one).

    A field without its own `max_length` gets SHORT_TEXT, a Textarea (or hidden) one
    FORM_LONG_TEXT; only a Textarea (or hidden) field may hold tab and newline."""
    if not isinstance(field, forms.CharField):
        return
    multiline = isinstance(field.widget, forms.Textarea | forms.HiddenInput)
    limit = None
    if field.max_length is None:
        field.max_length = limit = FORM_LONG_TEXT if multiline else SHORT_TEXT
        field.widget.attrs.update(field.widget_attrs(field.widget))
    # Ours says NUL too, in a clearer sentence than Django's ProhibitNullCharactersValidator.
    field.validators = [
        v for v in field.validators if not isinstance(v, validators.ProhibitNullCharactersValidator)
    ]
    field.validators.append(ControlCharacterValidator(multiline=multiline, limit=limit))


class QueryField(forms.CharField):
    """A search box: control characters dropped and the text cut at `max_length` (default
    MAX_QUERY), instead of refusing the query as an edited field would."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_QUERY)
        super().__init__(*args, **kwargs)
        self.validators = [v for v in self.validators if not hasattr(v, "limit_value")]
        self.widget.attrs.pop("maxlength", None)

    def to_python(self, value: Any) -> str:
        text = "".join(ch for ch in str(super().to_python(value)) if not _is_control(ch, False))
        return text[: self.max_length].strip()


# --------------------------------------------------------------------------------------------
# Phone numbers


def check_phone(value: Any) -> str:
    """A phone number as stored: spaces dropped; InputProblem(ERR_PHONE) if it is not one."""
    phone = "".join(str(value).split())
    if phone and not re.fullmatch(PHONE_PATTERN, phone):
        raise InputProblem(ERR_PHONE)
    return phone


def clean_phone(value: str) -> str:
    """A phone number as stored: spaces dropped; ValidationError(ERR_PHONE) if it is not one."""
    try:
        return check_phone(value)
    except InputProblem as exc:
        raise ValidationError(str(exc), code="phone") from None


def clean_phone_in(data: dict[str, Any], field: str, *, required: bool = False) -> str:
    """A service's phone field (`data[field]`): ValidationError({field: …}) in Chinese when it is
    missing but required or not a phone number — the forms' PhoneField and the API's Phone agree."""
    phone = "".join(str(data.get(field) or "").split())
    if not phone:
        if required:
            raise ValidationError({field: [ERR_REQUIRED]})
        return ""
    try:
        return check_phone(phone)
    except InputProblem as exc:
        raise ValidationError({field: [str(exc)]}) from None


# Money


def parse_money(
    value: Any, *, max_digits: int = MONEY_MAX_DIGITS, allow_negative: bool = False
) -> Decimal:
    """Decimal yuan with exactly two places, or InputProblem.

    Accepts Decimal, int, float (by its shortest repr, so 0.1 is 0.10) and numeric strings;
    refuses booleans, NaN and infinities (JSON's 1e400 arrives as an infinity), a third
    decimal, more integer digits than the column holds, and negatives unless allowed.
    """
    if isinstance(value, bool) or value is None:
        raise InputProblem(ERR_MONEY_FORMAT)
    if isinstance(value, str):
        value = value.strip()
        if not value or len(value) > 64:
            raise InputProblem(ERR_MONEY_FORMAT)
    try:
        amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError, TypeError):
        raise InputProblem(ERR_MONEY_FORMAT) from None
    if not amount.is_finite():
        raise InputProblem(ERR_MONEY_NOT_FINITE)
    if amount < 0 and not allow_negative:
        raise InputProblem(ERR_MONEY_NEGATIVE)
    whole_digits = max_digits - 2
    if abs(amount) >= Decimal(10) ** whole_digits:
        raise InputProblem(ERR_MONEY_TOO_LARGE.format(digits=whole_digits))
    if amount != amount.quantize(Decimal("0.01")):  # checked after the size: quantize is bounded
        raise InputProblem(ERR_MONEY_SCALE)
    return amount.quantize(Decimal("0.01"))


def clean_money(
    value: Any,
    field: str,
    *,
    max_digits: int = MONEY_MAX_DIGITS,
    allow_negative: bool = False,
    required: bool = True,
) -> Decimal | None:
    """Money for a service, or ValidationError({field: [message]}); None when empty and optional."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError({field: [ERR_REQUIRED]})
        return None
    try:
        return parse_money(value, max_digits=max_digits, allow_negative=allow_negative)
    except InputProblem as exc:
        raise ValidationError({field: [str(exc)]}) from None


# --------------------------------------------------------------------------------------------
# Dates


def latest_date(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + LATEST_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + LATEST_YEARS_AHEAD, day=28)


def check_date(
    value: dt.date,
    *,
    not_before: dt.date | None = None,
    not_before_what: str = "",
    today: dt.date | None = None,
) -> dt.date:
    """`value` if it lies in the plausible window (and not before `not_before`), else InputProblem."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if value < EARLIEST_DATE:
        raise InputProblem(ERR_DATE_TOO_EARLY.format(earliest=EARLIEST_DATE.isoformat()))
    latest = latest_date(today)
    if value > latest:
        raise InputProblem(ERR_DATE_TOO_LATE.format(latest=latest.isoformat()))
    if not_before is not None and value < not_before:
        raise InputProblem(
            ERR_DATE_BEFORE_START.format(what=not_before_what, start=not_before.isoformat())
        )
    return value


def to_date(value: Any) -> dt.date:
    """A date from a date or an ISO 'YYYY-MM-DD' string (format only), or InputProblem."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputProblem(ERR_DATE_FORMAT)


def parse_date(value: Any) -> dt.date:
    """A date from a date or an ISO 'YYYY-MM-DD' string, in the plausible window."""
    return check_date(to_date(value))


def clean_date(
    value: Any,
    field: str,
    *,
    required: bool = True,
    past: bool = False,
    today: dt.date | None = None,
    not_before: dt.date | None = None,
    not_before_what: str = "",
) -> dt.date | None:
    """A plausible date for a service, or ValidationError({field: [message]}).

    `past`: not after `today` (default: the local date; ERR_DATE_FUTURE, said before the
    window's far bound);
    `not_before`: not before the start of the record it belongs to (ERR_DATE_BEFORE_START)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError({field: [ERR_REQUIRED]})
        return None
    try:
        date = to_date(value)
        if past and date > (today or timezone.localdate()):
            raise InputProblem(ERR_DATE_FUTURE)
        return check_date(date, not_before=not_before, not_before_what=not_before_what)
    except InputProblem as exc:
        raise ValidationError({field: [str(exc)]}) from None


# --------------------------------------------------------------------------------------------
# Pydantic types for the Ninja schemas


def _pydantic(check: Any, code: str) -> Any:
    """Wrap a check raising InputProblem so Pydantic reports our Chinese message."""

    def run(value: Any) -> Any:
        try:
            return check(value)
        except InputProblem as exc:
            raise PydanticCustomError(code, str(exc)) from None

    return run


# The string form carries `format: money` (OpenAPI's format is open-valued) rather than a pattern, so
# the API fuzzing run can feed it the refused spellings (tests/security/test_api_fuzz.py).
_MONEY_SCHEMA = {
    "anyOf": [{"type": "number"}, {"type": "string", "format": "money"}],
    "description": "金额（元），最多两位小数",
}
_MONEY_NONNEG_SCHEMA = {
    "anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "format": "money"}],
    "description": "金额（元），不小于 0，最多两位小数",
}


def _money_check(max_digits: int, allow_negative: bool) -> Any:
    return _pydantic(
        lambda v: parse_money(v, max_digits=max_digits, allow_negative=allow_negative), "money"
    )


def _text_check(limit: int, multiline: bool) -> Any:
    return _pydantic(lambda v: check_text(v, limit=limit, multiline=multiline), "text")


# Non-negative money (every amount the platform records), up to the 17-digit columns.
Money = Annotated[
    Decimal,
    BeforeValidator(_money_check(MONEY_MAX_DIGITS, False)),
    WithJsonSchema(_MONEY_NONNEG_SCHEMA),
]
# Non-negative money for the 14-digit columns (vouchers, subsidies, losses).
Money14 = Annotated[
    Decimal,
    BeforeValidator(_money_check(MONEY14_MAX_DIGITS, False)),
    WithJsonSchema(_MONEY_NONNEG_SCHEMA),
]
# Money that may be negative (a correction), up to the 17-digit columns.
SignedMoney = Annotated[
    Decimal,
    BeforeValidator(_money_check(MONEY_MAX_DIGITS, True)),
    WithJsonSchema(_MONEY_SCHEMA),
]
# Single-line text, at most 200 characters; a field may say fewer with `Field(max_length=…)`
# (the limit is checked by the validator, since a length in the type would override the field's).
Text = Annotated[str, AfterValidator(_text_check(SHORT_TEXT, False))]
# Multi-line text (tab and newline allowed), at most 5000 characters; a field may say fewer.
LongText = Annotated[str, AfterValidator(_text_check(LONG_TEXT, True))]
# A date in the plausible window (1949-10-01 … today + 20 years).
Day = Annotated[dt.date, AfterValidator(_pydantic(check_date, "date_window"))]
# A phone number: an 11-digit mobile (optionally +86) or a landline with its area code; spaces
# dropped. "abc" is refused with ERR_PHONE, as the forms' PhoneField refuses it.
Phone = Annotated[
    str,
    AfterValidator(_pydantic(check_phone, "phone")),
    WithJsonSchema(
        {"type": "string", "format": "phone", "maxLength": 40, "description": ERR_PHONE}
    ),
]


# --------------------------------------------------------------------------------------------
# Services that report every problem of a form at once collect messages per field


def _collect(errors: dict[str, list[str]], exc: ValidationError) -> None:
    for name, messages in exc.message_dict.items():
        errors.setdefault(name, []).extend(messages)


def collect_text(
    value: Any,
    field: str,
    errors: dict[str, list[str]],
    *,
    limit: int | None = SHORT_TEXT,
    multiline: bool = False,
    required: bool = True,
) -> str:
    """clean_text, adding its message to `errors` instead of raising (the text is returned
    stripped either way, so the caller can go on checking)."""
    try:
        return clean_text(value, field, limit=limit, multiline=multiline, required=required)
    except ValidationError as exc:
        _collect(errors, exc)
        return "" if value is None else str(value).strip()


def collect_date(
    value: Any,
    field: str,
    errors: dict[str, list[str]],
    *,
    required: bool = True,
    past: bool = False,
    today: dt.date | None = None,
    not_before: dt.date | None = None,
    not_before_what: str = "",
) -> dt.date | None:
    """clean_date, adding its message to `errors` and returning None instead of raising."""
    try:
        return clean_date(
            value,
            field,
            required=required,
            past=past,
            today=today,
            not_before=not_before,
            not_before_what=not_before_what,
        )
    except ValidationError as exc:
        _collect(errors, exc)
        return None


def collect_money(
    value: Any,
    field: str,
    errors: dict[str, list[str]],
    *,
    max_digits: int = MONEY_MAX_DIGITS,
    required: bool = True,
) -> Decimal | None:
    """clean_money, adding its message to `errors` and returning None instead of raising."""
    try:
        return clean_money(value, field, max_digits=max_digits, required=required)
    except ValidationError as exc:
        _collect(errors, exc)
        return None
