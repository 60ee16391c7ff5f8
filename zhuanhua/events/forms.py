from __future__ import annotations

from typing import Any, cast

from django import forms

from zhuanhua.core.forms import ServiceErrorsMixin, StyledFormMixin
from zhuanhua.core.prefectures import PREFECTURE_CHOICES
from zhuanhua.events.choices import EventKind, IntentionKind
from zhuanhua.events.services import EventInput, IntentionInput


class EventForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    title = forms.CharField(label="活动名称", max_length=200)
    kind = forms.ChoiceField(label="活动类型", choices=EventKind.choices)
    description = forms.CharField(
        label="活动简介", max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    place = forms.CharField(label="举办地点", max_length=200)
    prefecture = forms.ChoiceField(label="所在州（市）", choices=PREFECTURE_CHOICES)
    held_on = forms.DateField(label="举办日期", widget=forms.DateInput(attrs={"type": "date"}))
    registration_deadline = forms.DateField(
        label="报名截止日期", widget=forms.DateInput(attrs={"type": "date"})
    )

    def service_input(self) -> EventInput:
        return EventInput(**self.cleaned_data)


class PresentForm(StyledFormMixin, forms.Form):
    achievements = forms.TypedMultipleChoiceField(
        label="路演成果", coerce=int, choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, achievements: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["achievements"]).choices = [
            (a.pk, f"{a.title}（{a.owner.name}）") for a in achievements
        ]


class RegistrationForm(StyledFormMixin, forms.Form):
    needs = forms.TypedMultipleChoiceField(
        label="携带的技术需求", coerce=int, choices=(), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label="备注（可选）", max_length=500, required=False)

    def __init__(self, *args: Any, needs: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["needs"]).choices = [(n.pk, n.title) for n in needs]


class ReasonForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label="说明", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class IntentionForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    achievement = forms.TypedChoiceField(label="成果", coerce=int, choices=())
    enterprise = forms.TypedChoiceField(label="意向企业", coerce=int, choices=())
    kind = forms.ChoiceField(label="合作方式", choices=IntentionKind.choices)
    amount = forms.DecimalField(
        label="意向金额（元，可选）",
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
    )
    note = forms.CharField(label="说明（可选）", max_length=500, required=False)

    def __init__(
        self, *args: Any, achievements: Any = (), enterprises: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["achievement"]).choices = [
            (a.pk, a.title) for a in achievements
        ]
        cast(forms.ChoiceField, self.fields["enterprise"]).choices = [
            (o.pk, o.name) for o in enterprises
        ]

    def service_input(self) -> IntentionInput:
        data = self.cleaned_data
        return IntentionInput(
            achievement_id=data["achievement"],
            enterprise_id=data["enterprise"],
            kind=data["kind"],
            amount=data.get("amount"),
            note=data.get("note") or "",
        )
