from __future__ import annotations

from typing import Any

from django import forms

from zhuanhua.achievements.choices import IndustryField, IpType
from zhuanhua.achievements.models import Achievement
from zhuanhua.core.forms import StyledFormMixin
from zhuanhua.core.prefectures import PREFECTURE_CHOICES
from zhuanhua.organisations.models import Organisation
from zhuanhua.transfer.choices import (
    EquityDecisionKind,
    NegativeListCategory,
    ReportPeriodKind,
    RightsGrantKind,
)


class UseFirstFilterForm(StyledFormMixin, forms.Form):
    prefecture = forms.ChoiceField(
        label="州（市）", required=False, choices=[("", "全部州（市）"), *PREFECTURE_CHOICES]
    )
    industry_field = forms.ChoiceField(
        label="行业领域", required=False, choices=[("", "全部领域"), *IndustryField.choices]
    )
    ip_type = forms.ChoiceField(
        label="知识产权类型", required=False, choices=[("", "全部类型"), *IpType.choices]
    )


class ReportPeriodForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    period_kind = forms.ChoiceField(label="期间", choices=ReportPeriodKind.choices)


class GrantApplicationForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="申请赋权方式", choices=RightsGrantKind.choices)
    use_years = forms.IntegerField(
        label="长期使用权期限（年）",
        required=False,
        min_value=1,
        max_value=100,
        help_text="仅长期使用权填写，不得低于 10 年",
    )
    unit_share = forms.DecimalField(
        label="单位保留份额（%）",
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text="仅共同所有权填写",
    )
    completer_shares = forms.CharField(
        label="成果完成人份额",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一人：姓名 份额，例如“张三 30”；份额合计（含单位份额）须为 100%",
    )
    statement = forms.CharField(label="申请说明", widget=forms.Textarea(attrs={"rows": 4}))

    def shares(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        rows: list[dict[str, str]] = []
        if data.get("unit_share") is not None:
            rows.append(
                {"holder_kind": "unit", "holder_name": "", "share": str(data["unit_share"])}
            )
        for line in (data.get("completer_shares") or "").splitlines():
            parts = line.replace("，", " ").replace(",", " ").replace("%", " ").split()
            if not parts:
                continue
            name, share = (" ".join(parts[:-1]), parts[-1]) if len(parts) > 1 else (parts[0], "")
            rows.append({"holder_kind": "completer", "holder_name": name, "share": share})
        return rows


class GrantDecisionForm(StyledFormMixin, forms.Form):
    negative_list_category = forms.ChoiceField(
        label="负面清单审查",
        required=False,
        choices=[("", "不属于赋权负面清单"), *NegativeListCategory.choices],
        help_text="涉及国家安全、国防安全、公共安全、经济安全、社会稳定或国家利益和重大社会公共利益的，不予赋权",
    )
    decision = forms.ChoiceField(
        label="单位决定", choices=[("approve", "同意赋权并公示"), ("reject", "不予赋权")]
    )
    reason = forms.CharField(
        label="决定理由 / 说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class LedgerEntryForm(StyledFormMixin, forms.Form):
    achievement = forms.ModelChoiceField(label="科技成果", queryset=Achievement.objects.none())
    entered_on = forms.DateField(label="登记日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="备注", required=False, max_length=500)

    def __init__(self, *args: Any, achievements: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = achievements  # type: ignore[attr-defined]


class EquityContributionForm(StyledFormMixin, forms.Form):
    company_name = forms.CharField(label="被投资企业名称", max_length=200)
    company_uscc = forms.CharField(label="统一社会信用代码", max_length=18)
    shares = forms.CharField(label="持股数（股）")
    value_amount = forms.CharField(label="作价金额（元）")
    contributed_on = forms.DateField(
        label="作价入股日期", widget=forms.DateInput(attrs={"type": "date"})
    )


class EquityDecisionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="处置方式", choices=EquityDecisionKind.choices)
    decided_on = forms.DateField(label="决策日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="说明", required=False, max_length=500)
    document = forms.FileField(label="决策文件（PDF、图片、Word）")


class PilotForm(StyledFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(label="科研单位", queryset=Organisation.objects.none())
    note = forms.CharField(label="依据", required=False, max_length=300)

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
