from __future__ import annotations

from typing import Any, cast

from django import forms

from zhuanhua.accounts.models import User
from zhuanhua.achievements.models import Achievement
from zhuanhua.core.forms import ServiceErrorsMixin, StyledFormMixin
from zhuanhua.organisations.models import Organisation
from zhuanhua.publicity.choices import (
    DEFAULT_PERIOD_DAYS,
    NoticeKind,
    NoticeStatus,
    PeriodUnit,
    PricingMethod,
)

AGREEMENT_ONLY = "仅“协议定价”公示填写"


class NoticeForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="公示事项", choices=NoticeKind.choices)
    title = forms.CharField(label="公示标题", max_length=200)
    content = forms.CharField(label="公示内容", widget=forms.Textarea(attrs={"rows": 8}))
    starts_on = forms.DateField(
        label="公示开始日（不计入期间）", widget=forms.DateInput(attrs={"type": "date"})
    )
    period_days = forms.IntegerField(
        label="公示期",
        min_value=1,
        initial=DEFAULT_PERIOD_DAYS,
        help_text="协议定价公示不少于 15 日",
    )
    period_unit = forms.ChoiceField(
        label="期间单位", choices=PeriodUnit.choices, initial=PeriodUnit.CALENDAR
    )
    achievement = forms.TypedChoiceField(
        label="科技成果", required=False, coerce=int, empty_value=None, help_text=AGREEMENT_ONLY
    )
    licensee = forms.TypedChoiceField(
        label="拟受让/被许可方",
        required=False,
        coerce=int,
        empty_value=None,
        help_text=AGREEMENT_ONLY,
    )
    price_amount = forms.DecimalField(
        label="拟交易价格（元）",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=AGREEMENT_ONLY,
    )
    pricing_method = forms.ChoiceField(
        label="定价方式",
        required=False,
        choices=[("", "—"), *PricingMethod.choices],
        help_text=AGREEMENT_ONLY,
    )
    file = forms.FileField(
        label="附件（可选；PDF、图片、Word、Excel、ZIP，≤ 20 MB）", required=False
    )

    def __init__(self, *args: Any, user: User, with_file: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_id = user.organisation_id
        cast(forms.ChoiceField, self.fields["achievement"]).choices = [("", "—")] + [
            (a.pk, a.title)
            for a in Achievement.objects.filter(owner_id=org_id).order_by("-id")[:500]
        ]
        licensees = Organisation.objects.filter(status="approved")
        if org_id is not None:
            licensees = licensees.exclude(pk=org_id)
        cast(forms.ChoiceField, self.fields["licensee"]).choices = [("", "—")] + [
            (str(o.pk), o.name) for o in licensees.order_by("name")[:2000]
        ]
        if not with_file:
            del self.fields["file"]

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "file"}


class AttachmentForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label="附件（PDF、图片、Word、Excel、ZIP，≤ 20 MB）")


class NoticeFilterForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="公示事项", required=False, choices=[("", "全部事项"), *NoticeKind.choices]
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[
            ("", "全部状态"),
            *[(v, lbl) for v, lbl in NoticeStatus.choices if v != NoticeStatus.DRAFT],
        ],
    )


class ObjectionForm(StyledFormMixin, forms.Form):
    content = forms.CharField(
        label="异议内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AnswerForm(StyledFormMixin, forms.Form):
    answer = forms.CharField(
        label="答复", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label="公示结果说明（可选，留空自动生成）",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
