from __future__ import annotations

from typing import Any

from django import forms

from zhuanhua.achievements.choices import IndustryField, IpType, TransferStatus
from zhuanhua.achievements.selectors import UFPL_ANY, hall_offer_choices
from zhuanhua.core.forms import (
    FixedChoiceField,
    FixedTypedChoiceField,
    ServiceErrorsMixin,
    StyledFormMixin,
)
from zhuanhua.core.prefectures import PREFECTURE_CHOICES

MAX_COMPLETERS = 10
ERR_TOO_MANY_COMPLETERS = "成果完成人最多 {limit} 人"
ERR_COMPLETER_TOO_LONG = "完成人姓名不能超过 60 字，工作单位不能超过 200 字"


def _completer_rows(text: str) -> list[dict[str, str]]:
    """One completer a line: "姓名，工作单位" (the employer optional)."""
    rows = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.replace("，", ",").split(",", 1)]
        if parts and parts[0]:
            rows.append({"name": parts[0], "employer": parts[1] if len(parts) > 1 else ""})
    return rows


class AchievementForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    title = forms.CharField(label="成果名称", max_length=200)
    summary = forms.CharField(label="成果简介", widget=forms.Textarea(attrs={"rows": 6}))
    keywords = forms.CharField(label="关键词（用逗号分隔）", max_length=400, required=False)
    industry_field = forms.ChoiceField(label="行业领域", choices=IndustryField.choices)
    ip_type = forms.ChoiceField(label="知识产权类型", choices=IpType.choices)
    ip_number = forms.CharField(
        label="权利编号（专利号/登记号/品种权号/批准文号等）", max_length=64, required=False
    )
    ip_acquired_on = forms.DateField(
        label="取得知识产权之日", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    trl = forms.TypedChoiceField(
        label="技术成熟度（TRL）", coerce=int, choices=[(i, f"TRL {i}") for i in range(1, 10)]
    )
    is_service = forms.BooleanField(label="职务科技成果", required=False, initial=True)
    fiscally_funded = forms.BooleanField(label="财政资金支持", required=False)
    funding_programme = forms.CharField(label="资助计划/项目", max_length=200, required=False)
    is_applied_technology = forms.BooleanField(label="应用技术类", required=False, initial=True)
    transfer_status = forms.ChoiceField(label="转化状态", choices=TransferStatus.choices)
    transferred_on = forms.DateField(
        label="转化日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    completers = forms.CharField(
        label="成果完成人（每行一人：姓名，工作单位）", widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_completers(self) -> str:
        """At most MAX_COMPLETERS people (refused, not cut), each name and employer within its
        column (the API's CompleterIn limits)."""
        text: str = self.cleaned_data.get("completers") or ""
        rows = _completer_rows(text)
        if len(rows) > MAX_COMPLETERS:
            raise forms.ValidationError(ERR_TOO_MANY_COMPLETERS.format(limit=MAX_COMPLETERS))
        if any(len(r["name"]) > 60 or len(r["employer"]) > 200 for r in rows):
            raise forms.ValidationError(ERR_COMPLETER_TOO_LONG)
        return text

    def completer_rows(self) -> list[dict[str, str]]:
        return _completer_rows(self.cleaned_data.get("completers") or "")

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "completers"}
        return data


class HallFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="关键词", max_length=200, required=False)
    ip_type = FixedChoiceField(
        label="知识产权类型", required=False, choices=[("", "全部类型"), *IpType.choices]
    )
    prefecture = FixedChoiceField(
        label="州（市）", required=False, choices=[("", "全部州（市）"), *PREFECTURE_CHOICES]
    )
    industry_field = FixedChoiceField(
        label="行业领域", required=False, choices=[("", "全部领域"), *IndustryField.choices]
    )
    transfer_status = FixedChoiceField(
        label="转化状态", required=False, choices=[("", "全部状态"), *TransferStatus.choices]
    )
    trl_min = FixedTypedChoiceField(
        label="成熟度不低于",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "不限"), *[(i, f"TRL {i}") for i in range(1, 10)]],
    )
    ufpl = FixedChoiceField(
        label="先使用后付费",
        required=False,
        # A callable: the fee models come from licensing's registration (ready()), read when
        # the list is drawn; they are fixed from then on, as FixedChoiceField expects.
        choices=lambda: [("", "不限"), (UFPL_ANY, "先使用后付费（全部）"), *hall_offer_choices()],
    )
    sort = FixedChoiceField(
        label="排序",
        required=False,
        # "": by relevance with a keyword, newest first without one.
        choices=[
            ("", "默认（有关键词时按相关度）"),
            ("relevance", "相关度优先"),
            ("newest", "最新发布"),
            ("trl", "成熟度高优先"),
            ("title", "名称"),
            ("oldest", "最早发布"),
        ],
    )


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="原因", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AttachmentForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label="附件（PDF、图片、Word、Excel、ZIP，≤ 20 MB）")


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")
