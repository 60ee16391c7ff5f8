from __future__ import annotations

import copy
from typing import Any

from django import forms

from zhuanhua.core.inputs import bound_text_field


class StyledFormMixin:
    """Give every widget its Bootstrap class, so templates render fields with one include."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            bound_text_field(field)


class _SharedChoicesMixin:
    """Copies of this field (Django deep-copies every field for every form instance) share its
    choice list instead of copying and re-normalising it: ~0.2 ms a form for the hall's seven
    filter lists, on every search. Only for choices fixed by the form class; assigning
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
