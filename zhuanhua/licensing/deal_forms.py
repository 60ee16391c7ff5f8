"""Forms of the assignment and equity deals (deals.py): listing, an equity version, shares."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from zhuanhua.core.forms import ServiceErrorsMixin, StyledFormMixin
from zhuanhua.licensing.forms import OfferForm

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
ERR_PERCENT = "持股比例应大于 0% 且不超过 100%"


class AssignmentOfferForm(OfferForm):
    """An assignment's listing: the licence offer's fields without licence mode, field or
    territory; the term is the time over which the price is paid."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("license_mode", "field_of_use", "territory"):
            del self.fields[name]
        self.fields["summary"].label = "成果简介（转让说明）"
        self.fields["fee_standard"].label = "转让价款说明"
        self.fields["term_months"].label = "付款期限（月）"
        self.fields["term_months"].help_text = "各期价款须在此期限内付清；一次性支付只填一期。"


def _percent_to_fraction(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{(value / 100).normalize():f}"


class EquityTermsMixin(forms.Form):
    """The valuation terms of an equity deal (作价投资), as people fill them in."""

    company_name = forms.CharField(label="被投资企业名称", max_length=200)
    company_uscc = forms.CharField(label="被投资企业统一社会信用代码", max_length=18)
    valuation_amount = forms.DecimalField(
        label="评估作价金额（元）", min_value=0, max_digits=17, decimal_places=2
    )
    shares = forms.DecimalField(
        label="取得股份（股）", min_value=0, max_digits=20, decimal_places=2
    )
    share_percent = forms.DecimalField(
        label="持股比例（%）", min_value=0, max_value=100, max_digits=9, decimal_places=4
    )
    appraiser = forms.CharField(label="评估机构", max_length=200)
    report_number = forms.CharField(label="评估报告编号", max_length=100)
    base_date = forms.DateField(label="评估基准日", widget=DATE)

    def clean_share_percent(self) -> Decimal:
        value = self.cleaned_data["share_percent"]
        if value is None or value <= 0:
            raise ValidationError(ERR_PERCENT)
        return value

    def terms(self) -> dict[str, Any]:
        """The service's terms document (deals.clean_equity_terms) from the cleaned fields."""
        d = self.cleaned_data
        return {
            "company_name": d["company_name"],
            "company_uscc": d["company_uscc"],
            "valuation_amount": str(d["valuation_amount"]),
            "shares": str(d["shares"]),
            "share_percent": _percent_to_fraction(d["share_percent"]),
            "evaluation_report": {
                "appraiser": d["appraiser"],
                "number": d["report_number"],
                "base_date": d["base_date"].isoformat(),
            },
        }

    @staticmethod
    def initial_from(terms: dict[str, Any]) -> dict[str, Any]:
        report = terms.get("evaluation_report") or {}
        percent = terms.get("share_percent")
        return {
            "company_name": terms.get("company_name"),
            "company_uscc": terms.get("company_uscc"),
            "valuation_amount": terms.get("valuation_amount"),
            "shares": terms.get("shares"),
            "share_percent": (Decimal(str(percent)) * 100).normalize() if percent else None,
            "appraiser": report.get("appraiser"),
            "report_number": report.get("number"),
            "base_date": report.get("base_date"),
            "start": terms.get("start"),
        }

    # Service errors name ``terms.<field>``: shown under the form's own fields.
    TERMS_FIELDS = {
        "terms.company_name": "company_name",
        "terms.company_uscc": "company_uscc",
        "terms.valuation_amount": "valuation_amount",
        "terms.shares": "shares",
        "terms.share_percent": "share_percent",
        "terms.evaluation_report.appraiser": "appraiser",
        "terms.evaluation_report.number": "report_number",
        "terms.evaluation_report.base_date": "base_date",
        "terms.start": "start",
    }

    def apply_terms_errors(self, exc: ValidationError) -> None:
        for key, messages in exc.message_dict.items():
            name = self.TERMS_FIELDS.get(key, key)
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class EquityOfferForm(ServiceErrorsMixin, StyledFormMixin, EquityTermsMixin):
    summary = forms.CharField(
        label="成果简介（作价投资说明）", widget=forms.Textarea(attrs={"rows": 4})
    )
    fee_standard = forms.CharField(label="作价说明", widget=forms.Textarea(attrs={"rows": 2}))
    evaluation_report = forms.FileField(
        label="资产评估报告（PDF）", help_text="评估机构出具的资产评估报告扫描件。"
    )

    field_order = [
        "summary",
        "fee_standard",
        "company_name",
        "company_uscc",
        "valuation_amount",
        "shares",
        "share_percent",
        "appraiser",
        "report_number",
        "base_date",
        "evaluation_report",
    ]


class EquityVersionForm(ServiceErrorsMixin, StyledFormMixin, EquityTermsMixin):
    start = forms.DateField(label="协议生效日", widget=DATE)
    note = forms.CharField(label="修改说明", max_length=500, required=False)

    def terms(self) -> dict[str, Any]:
        return {**super().terms(), "start": self.cleaned_data["start"].isoformat()}


class ShareRegistrationForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    shares = forms.DecimalField(
        label="登记持股数（股）", min_value=0, max_digits=20, decimal_places=2
    )
    share_percent = forms.DecimalField(
        label="持股比例（%）", min_value=0, max_value=100, max_digits=9, decimal_places=4
    )
    registered_on = forms.DateField(label="工商变更登记日期", widget=DATE)

    def fraction(self) -> str:
        return _percent_to_fraction(self.cleaned_data["share_percent"])
