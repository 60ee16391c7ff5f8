from __future__ import annotations

from typing import Any, cast

from django import forms

from zhuanhua.achievements.choices import IndustryField
from zhuanhua.core.forms import ServiceErrorsMixin, StyledFormMixin
from zhuanhua.core.prefectures import PREFECTURE_CHOICES
from zhuanhua.licensing.choices import FeeModel


class NeedForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    title = forms.CharField(label="需求名称", max_length=200)
    description = forms.CharField(label="需求描述", widget=forms.Textarea(attrs={"rows": 5}))
    keywords = forms.CharField(label="关键词（用逗号分隔）", max_length=400, required=False)
    industry_field = forms.ChoiceField(label="行业领域", choices=IndustryField.choices)
    indicators = forms.CharField(
        label="拟达到的技术指标", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    budget_amount = forms.DecimalField(
        label="预算（元）", required=False, min_value=0, max_digits=16, decimal_places=2
    )
    fee_model = forms.ChoiceField(
        label="意向费用模式", required=False, choices=[("", "不限"), *FeeModel.choices]
    )
    prefecture = forms.ChoiceField(label="所在州（市）", choices=PREFECTURE_CHOICES)
    deadline_on = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class NeedHallForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="关键词", max_length=200, required=False)
    prefecture = forms.ChoiceField(
        label="州（市）", required=False, choices=[("", "全部州（市）"), *PREFECTURE_CHOICES]
    )
    industry_field = forms.ChoiceField(
        label="行业领域", required=False, choices=[("", "全部领域"), *IndustryField.choices]
    )
    fee_model = forms.ChoiceField(
        label="意向费用模式", required=False, choices=[("", "不限"), *FeeModel.choices]
    )
    sort = forms.ChoiceField(
        label="排序",
        required=False,
        choices=[
            # "": by relevance with a keyword, newest first without one.
            ("", "默认（有关键词时按相关度）"),
            ("relevance", "相关度优先"),
            ("newest", "最新发布"),
            ("deadline", "截止日期近优先"),
            ("budget", "预算高优先"),
            ("title", "名称"),
        ],
    )


class ResponseForm(StyledFormMixin, forms.Form):
    achievement = forms.TypedChoiceField(label="用本单位的成果回应", coerce=int, choices=())
    message = forms.CharField(
        label="留言（可选）",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, achievements: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["achievement"]).choices = [
            (a.pk, a.title) for a in achievements
        ]


class MessageForm(StyledFormMixin, forms.Form):
    body = forms.CharField(label="消息", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
