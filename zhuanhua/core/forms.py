from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator

from zhuanhua.core.inputs import (
    ERR_MONEY_NEGATIVE,
    ERR_PHONE,
    PHONE_PATTERN,
    bound_text_field,
    clean_phone,
)


class StyledFormMixin:
    """Give every widget its Bootstrap class, so templates render fields with one include."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            bound_text_field(field)
            if isinstance(field, forms.DecimalField) and name.endswith("_amount"):
                _money_field(field)


def _money_field(field: forms.DecimalField) -> None:
    """Money (a field named *_amount) is never negative: the browser's number input gets min=0
    and a decimal keypad, and the server refuses a negative amount with the shared sentence."""
    if field.min_value is None:
        field.min_value = 0
        field.validators.append(MinValueValidator(0, message=ERR_MONEY_NEGATIVE))
        field.widget.attrs.setdefault("min", "0")
    field.widget.attrs.setdefault("inputmode", "decimal")


class _SharedChoicesMixin:
    """Copies of this field (Django deep-copies every field for every form instance) share its
    choice list instead of copying and re-normalising it, for the hall's seven filter lists on
    every search (docs/deploy.md). Only for choices fixed by the form class; assigning
    `field.choices` on an instance still gives that instance its own list."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        field: Any = self
        result = copy.copy(field)
        memo[id(self)] = result
        result.widget = copy.copy(field.widget)
        result.widget.attrs = field.widget.attrs.copy()
        result.error_messages = field.error_messages.copy()
        result.validators = field.validators[:]
        return result


class FixedChoiceField(_SharedChoicesMixin, forms.ChoiceField):
    """A ChoiceField whose choices the form class fixes (filter forms)."""


class FixedTypedChoiceField(_SharedChoicesMixin, forms.TypedChoiceField):
    """A TypedChoiceField whose choices the form class fixes (filter forms)."""


def apply_service_errors(
    form: forms.Form, exc: ValidationError, field_for: Callable[[str], str] | None = None
) -> None:
    """Put a service's ValidationError on a form: each message under the field it names, or among
    the form's own errors when the form has no such field (or the error names none).

    A service names nested input by path (``terms.royalty.rate``): the first part is the field.
    `field_for` maps a path to a field name first (a form whose fields are flattened lists)."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, messages in exc.message_dict.items():
        field = field_for(name) if field_for else name.split(".", 1)[0]
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class ServiceErrorsMixin:
    """`form.apply_errors(exc)` after a service refused the form's data (apply_service_errors).
    A form whose fields do not follow the service's paths overrides `error_field`."""

    def error_field(self, name: str) -> str:
        return name.split(".", 1)[0]

    def apply_errors(self, exc: ValidationError) -> None:
        apply_service_errors(cast(forms.Form, self), exc, self.error_field)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen and none is
    required). Each file is checked as a FileField checks one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class PhoneInput(forms.TextInput):
    """type=tel with the server's pattern, so the browser refuses "abc" before sending it."""

    input_type = "tel"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {"inputmode": "tel", "pattern": PHONE_PATTERN, "title": ERR_PHONE, **(attrs or {})}
        )


class PhoneField(forms.CharField):
    """A phone number: 11-digit mobile or a landline with its area code (core.inputs)."""

    widget = PhoneInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> Any:
        return clean_phone(super().clean(value))
