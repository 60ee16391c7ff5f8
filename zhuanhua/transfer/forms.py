from __future__ import annotations

from django import forms

from zhuanhua.achievements.choices import IndustryField, IpType
from zhuanhua.core.forms import StyledFormMixin
from zhuanhua.core.prefectures import PREFECTURE_CHOICES


class UseFirstFilterForm(StyledFormMixin, forms.Form):
    prefecture = forms.ChoiceField(label="州（市）", required=False,
                                   choices=[("", "全部州（市）"), *PREFECTURE_CHOICES])
    industry_field = forms.ChoiceField(label="行业领域", required=False,
                                       choices=[("", "全部领域"), *IndustryField.choices])
    ip_type = forms.ChoiceField(label="知识产权类型", required=False,
                                choices=[("", "全部类型"), *IpType.choices])
