from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone

from zhuanhua.core.forms import ServiceErrorsMixin, StyledFormMixin
from zhuanhua.licensing.choices import (
    ContractType,
    FeeModel,
    LicenseMode,
    PricingMethod,
    ShareRole,
)


def licence_date_bounds(form: forms.Form, field: str, start: dt.date | None) -> None:
    """The browser's date picker offers what the service accepts (services._licence_date): a
    payment, report or milestone falls on or after the licence's start and never after today."""
    attrs = form.fields[field].widget.attrs
    attrs["max"] = timezone.localdate().isoformat()
    if start is not None:
        attrs["min"] = start.isoformat()


def terms_text(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2)


class OfferForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    summary = forms.CharField(
        label="成果简介（许可说明）", widget=forms.Textarea(attrs={"rows": 4})
    )
    fee_standard = forms.CharField(label="许可使用费标准", widget=forms.Textarea(attrs={"rows": 3}))
    fee_model = forms.ChoiceField(label="费用模式（支付方式）", choices=FeeModel.choices)
    license_mode = forms.ChoiceField(label="许可方式", choices=LicenseMode.choices)
    term_months = forms.IntegerField(label="许可期限（月）", min_value=1, max_value=600)
    field_of_use = forms.CharField(label="许可使用领域", max_length=200, required=False)
    territory = forms.CharField(label="许可地域", max_length=200, required=False)
    # The terms come from the terms editor (terms_form.TermsEditor), which also shows fee_model.


class OfferFilterForm(StyledFormMixin, forms.Form):
    fee_model = forms.ChoiceField(
        label="费用模式", required=False, choices=[("", "全部费用模式"), *FeeModel.choices]
    )


class InquiryForm(StyledFormMixin, forms.Form):
    message = forms.CharField(
        label="承接意向说明",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MessageForm(StyledFormMixin, forms.Form):
    body = forms.CharField(label="消息", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class VersionForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    """A version's note; its terms come from the terms editor (terms_form.TermsEditor)."""

    note = forms.CharField(label="修改说明", max_length=500, required=False)


class RevenueReportForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    period_start = forms.ChoiceField(label="提成期间")
    revenue_amount = forms.DecimalField(
        label="本期实际收入（元）", min_value=0, decimal_places=2, max_digits=17
    )
    reported_on = forms.DateField(
        label="报告日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def __init__(
        self,
        *args: Any,
        periods: list[tuple[dt.date, dt.date]] = (),  # type: ignore[assignment]
        start: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {"reported_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        licence_date_bounds(self, "reported_on", start)
        cast(forms.ChoiceField, self.fields["period_start"]).choices = [
            (start.isoformat(), f"{start} 至 {end}") for start, end in periods
        ]


class PaymentForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    amount = forms.DecimalField(
        label="到账金额（元）", min_value=0, decimal_places=2, max_digits=17
    )
    paid_on = forms.DateField(
        label="到账日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    ref = forms.CharField(label="凭证号", max_length=100, required=False)
    voucher_amount = forms.DecimalField(
        label="其中以科技创新券支付（元，可选）",
        required=False,
        min_value=0,
        decimal_places=2,
        max_digits=17,
        help_text="被许可方以创新券支付的部分（全额支付时填到账金额）。须已办理技术合同认定登记；"
        "累计不超过登记成交额的 50%，且不超过被许可方到账年度剩余的创新券额度。",
    )

    def __init__(self, *args: Any, start: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        licence_date_bounds(self, "paid_on", start)


class ActivateForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    signed_on = forms.DateField(
        label="合同签订日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    signed_pdf = forms.FileField(label="已签合同扫描件（PDF，≤ 20 MB）", required=False)


class PricingMethodForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    pricing_method = forms.ChoiceField(label="定价方式", choices=PricingMethod.choices)


class RegistrationForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    contract_type = forms.ChoiceField(
        label="技术合同类型", choices=ContractType.choices, initial=ContractType.LICENSE
    )
    registration_number = forms.CharField(label="登记编号", max_length=64)
    registry = forms.CharField(label="登记机构", max_length=200)
    registered_on = forms.DateField(
        label="登记日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    transaction_amount = forms.DecimalField(
        label="成交额（元）", min_value=0, decimal_places=2, max_digits=17
    )
    technical_income_amount = forms.DecimalField(
        label="技术交易额（技术性收入，元）", min_value=0, decimal_places=2, max_digits=17
    )


class CoverForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    licence_id = forms.IntegerField(label="许可编号", min_value=1)
    licensee_uscc = forms.CharField(label="被许可方统一社会信用代码", max_length=18)
    share_percent = forms.DecimalField(
        label="分担比例（%）", min_value=0, max_value=100, decimal_places=2, max_digits=5
    )
    limit_amount = forms.DecimalField(
        label="保障限额（元）", min_value=0, decimal_places=2, max_digits=17
    )
    starts_on = forms.DateField(
        label="保障起始日", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label="保障终止日", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


class ClaimHandleForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    resolution = forms.CharField(
        label="处理结果", max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


DISTRIBUTION_COST_ROWS = 3
DISTRIBUTION_SHARE_ROWS = 5


class DistributionForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    """Income, up to three listed costs and up to five shares (name, role, amount)."""

    income_amount = forms.DecimalField(
        label="本次分配的到账收入（元）", min_value=0, decimal_places=2, max_digits=17
    )
    staff_reward_chosen = forms.BooleanField(
        label="单位从留存部分中奖励转化工作人员", required=False
    )
    costs = forms.CharField(required=False, widget=forms.HiddenInput)  # errors land here
    shares = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, DISTRIBUTION_COST_ROWS + 1):
            self.fields[f"cost_label_{i}"] = forms.CharField(
                label=f"成本 {i} 名称", max_length=200, required=False
            )
            self.fields[f"cost_amount_{i}"] = forms.DecimalField(
                label=f"成本 {i} 金额（元）",
                min_value=0,
                decimal_places=2,
                max_digits=17,
                required=False,
            )
        for i in range(1, DISTRIBUTION_SHARE_ROWS + 1):
            self.fields[f"share_name_{i}"] = forms.CharField(
                label=f"分配 {i} 姓名/名称", max_length=100, required=False
            )
            self.fields[f"share_role_{i}"] = forms.ChoiceField(
                label=f"分配 {i} 对象", choices=[("", "—"), *ShareRole.choices], required=False
            )
            self.fields[f"share_amount_{i}"] = forms.DecimalField(
                label=f"分配 {i} 金额（元）",
                min_value=0,
                decimal_places=2,
                max_digits=17,
                required=False,
            )
        for name, field in self.fields.items():  # the mixin styled only the declared fields
            if name.startswith(("cost_", "share_")):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs["class"] = f"{css} form-control-sm"

    def cost_rows(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        return [
            {"label": d.get(f"cost_label_{i}") or "", "amount": d.get(f"cost_amount_{i}")}
            for i in range(1, DISTRIBUTION_COST_ROWS + 1)
        ]

    def share_rows(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        return [
            {
                "name": d.get(f"share_name_{i}") or "",
                "role": d.get(f"share_role_{i}") or "",
                "amount": d.get(f"share_amount_{i}"),
            }
            for i in range(1, DISTRIBUTION_SHARE_ROWS + 1)
        ]

    def grid(self) -> dict[str, list[list[Any]]]:
        return {
            "costs": [
                [self[f"cost_label_{i}"], self[f"cost_amount_{i}"]]
                for i in range(1, DISTRIBUTION_COST_ROWS + 1)
            ],
            "shares": [
                [self[f"share_name_{i}"], self[f"share_role_{i}"], self[f"share_amount_{i}"]]
                for i in range(1, DISTRIBUTION_SHARE_ROWS + 1)
            ],
        }


class CompareForm(StyledFormMixin, forms.Form):
    revenue = forms.DecimalField(
        label="预计年销售收入（元）",
        min_value=0,
        max_value=Decimal("1E12"),
        decimal_places=2,
        max_digits=17,
    )
    growth_percent = forms.DecimalField(
        label="年增长率（%）",
        required=False,
        min_value=-90,
        max_value=500,
        decimal_places=2,
        max_digits=6,
        initial=0,
    )


class MilestoneForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    key = forms.ChoiceField(label="里程碑")
    achieved_on = forms.DateField(
        label="达成日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def __init__(
        self,
        *args: Any,
        keys: list[str] = (),  # type: ignore[assignment]
        start: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["key"]).choices = [(k, k) for k in keys]
        licence_date_bounds(self, "achieved_on", start)


class XlsxImportForm(StyledFormMixin, forms.Form):
    """An Excel file to import (revenue reports or a bank statement); parsed in ``imports``."""

    file = forms.FileField(label="Excel 文件（.xlsx，≤ 5 MB，最多 5000 行）")
