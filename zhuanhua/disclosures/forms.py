from __future__ import annotations

from typing import Any

from django import forms

from zhuanhua.achievements.choices import IndustryField, IpType
from zhuanhua.core.forms import ServiceErrorsMixin, StyledFormMixin
from zhuanhua.disclosures.choices import DecisionChoice, FundingSource, IpStatus, Readiness

COMPLETERS_HELP = (
    "每行一人：姓名，贡献份额（%），工作单位（可不填）；份额合计须为 100%，例如“张三，60，云南大学”"
)


def completer_rows(text: str) -> list[dict[str, str]]:
    """One completer a line: "姓名，份额，工作单位" (commas or spaces; % optional)."""
    rows = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in line.replace("，", ",").replace("%", "").split(",", 2)]
        if len(parts) == 1:  # "张三 60" with spaces
            parts = [p for p in parts[0].split() if p]
        if not parts or not parts[0]:
            continue
        rows.append(
            {
                "name": parts[0],
                "share": parts[1] if len(parts) > 1 else "",
                "employer": parts[2] if len(parts) > 2 else "",
            }
        )
    return rows


def completer_text(rows: list[dict[str, Any]]) -> str:
    return "\n".join(
        "，".join(
            x for x in (r.get("name", ""), str(r.get("share", "")), r.get("employer", "")) if x
        )
        for r in rows
    )


class DisclosureForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    title = forms.CharField(label="成果名称", max_length=200)
    summary = forms.CharField(
        label="成果简介（技术内容、创新点、应用前景）",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    industry_field = forms.ChoiceField(label="行业领域", choices=IndustryField.choices)
    completers = forms.CharField(
        label="成果完成人及贡献份额",
        max_length=4000,
        help_text=COMPLETERS_HELP,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    funding_source = forms.ChoiceField(label="经费来源", choices=FundingSource.choices)
    funding_project = forms.CharField(
        label="资助项目（名称及编号）", max_length=200, required=False
    )
    ip_status = forms.ChoiceField(label="知识产权状态", choices=IpStatus.choices)
    ip_type = forms.ChoiceField(
        label="知识产权类型（已申请或已授权的填写）",
        choices=[("", "—"), *IpType.choices],
        required=False,
    )
    ip_number = forms.CharField(label="申请号/权利编号", max_length=64, required=False)
    ip_date_on = forms.DateField(
        label="申请日/授权日", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ip_plan = forms.CharField(
        label="知识产权保护计划（拟申请专利、软件著作权或作为技术秘密等）",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    readiness = forms.TypedChoiceField(label="技术成熟度", coerce=int, choices=Readiness.choices)
    commercial_contacts = forms.CharField(
        label="已接触的企业或意向方（名称、联系情况）",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    conflicts = forms.CharField(
        label="利益冲突声明（本人或近亲属在意向企业任职、持股等；没有请填“无”）",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["completers"] = completer_rows(data.get("completers") or "")
        return data

    def error_field(self, name: str) -> str:
        return name.split(".", 1)[0]


class DecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label="审核决定", choices=DecisionChoice.choices)
    reason = forms.CharField(
        label="理由（退回或不予受理时必填）",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SettingForm(StyledFormMixin, forms.Form):
    review_days = forms.IntegerField(label="审核期限（日）", min_value=1, max_value=365)
