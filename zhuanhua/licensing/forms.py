from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhuanhua.core.forms import StyledFormMixin
from zhuanhua.engines.common import loads
from zhuanhua.licensing.choices import FeeModel, LicenseMode

TERMS_HELP = (
    "JSON，字段与付款计划引擎一致：upfront_fee（门槛费）、installments（阶段性支付："
    "key、amount 与 due 或 milestone+days_after）、royalty（收入提成：rate 或 tiers、"
    "period=quarter/half/year、report_within_days、pay_within_days、cap_total）、grace_days。"
)


class JsonTermsField(forms.CharField):
    widget = forms.Textarea

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 12, "class": "font-monospace"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            doc = loads(text)
        except ValueError as exc:
            raise ValidationError(f"支付条款不是有效的 JSON：{exc}") from None
        if not isinstance(doc, dict):
            raise ValidationError("支付条款应为 JSON 对象")
        return doc


def terms_text(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2)


class ServiceErrorsMixin:
    """Put a service's ValidationError on the form: ``terms.royalty.rate`` → the terms field."""

    def apply_errors(self, exc: ValidationError) -> None:
        fields = self.fields  # type: ignore[attr-defined]
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.add_error(None, message)  # type: ignore[attr-defined]
            return
        for name, messages in exc.message_dict.items():
            field = name.split(".", 1)[0]
            for message in messages:
                self.add_error(field if field in fields else None, message)  # type: ignore[attr-defined]


class OfferForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    summary = forms.CharField(label="成果简介（许可说明）", widget=forms.Textarea(attrs={"rows": 4}))
    fee_standard = forms.CharField(label="许可使用费标准", widget=forms.Textarea(attrs={"rows": 3}))
    fee_model = forms.ChoiceField(label="费用模式（支付方式）", choices=FeeModel.choices)
    license_mode = forms.ChoiceField(label="许可方式", choices=LicenseMode.choices)
    term_months = forms.IntegerField(label="许可期限（月）", min_value=1, max_value=600)
    field_of_use = forms.CharField(label="许可使用领域", max_length=200, required=False)
    territory = forms.CharField(label="许可地域", max_length=200, required=False)
    terms = JsonTermsField(label="支付条款", help_text=TERMS_HELP)


class OfferFilterForm(StyledFormMixin, forms.Form):
    fee_model = forms.ChoiceField(label="费用模式", required=False,
                                  choices=[("", "全部费用模式"), *FeeModel.choices])


class InquiryForm(StyledFormMixin, forms.Form):
    message = forms.CharField(label="承接意向说明", required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class MessageForm(StyledFormMixin, forms.Form):
    body = forms.CharField(label="消息", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class VersionForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    terms = JsonTermsField(
        label="完整条款", help_text="在上一版基础上修改；须含 fee_model、start、end。" + TERMS_HELP
    )
    note = forms.CharField(label="修改说明", max_length=500, required=False)


class RevenueReportForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    period_start = forms.ChoiceField(label="提成期间")
    revenue_amount = forms.DecimalField(label="本期实际收入（元）", min_value=0, decimal_places=2,
                                        max_digits=17)
    reported_on = forms.DateField(label="报告日期", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, periods: list[tuple[dt.date, dt.date]] = (),  # type: ignore[assignment]
                 **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"reported_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["period_start"].choices = [
            (start.isoformat(), f"{start} 至 {end}") for start, end in periods
        ]


class PaymentForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    amount = forms.DecimalField(label="到账金额（元）", min_value=0, decimal_places=2, max_digits=17)
    paid_on = forms.DateField(label="到账日期", widget=forms.DateInput(attrs={"type": "date"}))
    ref = forms.CharField(label="凭证号", max_length=100, required=False)


class ActivateForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    signed_on = forms.DateField(label="合同签订日期", widget=forms.DateInput(attrs={"type": "date"}))


class MilestoneForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    key = forms.ChoiceField(label="里程碑")
    achieved_on = forms.DateField(label="达成日期", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, keys: list[str] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(k, k) for k in keys]
