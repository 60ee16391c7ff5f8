from __future__ import annotations

from django import forms

from zhuanhua.achievements.choices import IndustryField
from zhuanhua.core.forms import StyledFormMixin
from zhuanhua.core.inputs import QueryField
from zhuanhua.core.prefectures import PREFECTURE_CHOICES


class SearchForm(StyledFormMixin, forms.Form):
    q = QueryField(label="关键词", required=False)  # keeps the first 500 characters
    kind = forms.ChoiceField(
        label="范围",
        required=False,
        choices=[
            ("", "成果与需求"),
            ("achievement", "科技成果"),
            ("need", "技术需求"),
        ],
    )
    prefecture = forms.ChoiceField(
        label="州（市）", required=False, choices=[("", "全部州（市）"), *PREFECTURE_CHOICES]
    )
    industry_field = forms.ChoiceField(
        label="行业领域", required=False, choices=[("", "全部领域"), *IndustryField.choices]
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=100)
