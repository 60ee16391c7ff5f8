from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms

from zhuanhua.core.forms import ServiceErrorsMixin, StyledFormMixin
from zhuanhua.organisations.models import Organisation
from zhuanhua.vouchers.services import contract_limit, voucher_subject_choices
from zhuanhua.vouchers.subjects import SpendSubject, label_of


class QuotaIssueForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    enterprise = forms.TypedChoiceField(label="科技型企业", coerce=int)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2999)
    issued_amount = forms.DecimalField(
        label="下达额度（元）", min_value=0, max_digits=14, decimal_places=2
    )
    note = forms.CharField(label="下达说明（可选）", max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["enterprise"]).choices = [("", "—")] + [
            (o.pk, f"{o.name}（{o.uscc}）")
            for o in Organisation.objects.filter(
                status="approved", is_tech_enterprise=True
            ).order_by("name")[:5000]
        ]


SUBJECT_SEPARATOR = ":"


def subject_value(subject_type: str, subject_id: str) -> str:
    return f"{subject_type}{SUBJECT_SEPARATOR}{subject_id}"


def subject_choice_label(subject: SpendSubject, used: Decimal) -> str:
    """“科技成果许可使用费 · 某成果（云南大学，许可 #3） · 合同金额 300,000.00 元 · 可用 150,000.00 元”."""
    left = contract_limit(subject.contract_amount) - used
    return (
        f"{label_of(subject.subject_type)} · {subject.label} · "
        f"合同金额 {subject.contract_amount:,.2f} 元 · 本合同还可使用创新券 {left:,.2f} 元"
    )


class SpendForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    """The enterprise picks one of its own contracts vouchers may pay (a contracted service
    request, a registered licence …) and the amount; the contract amount and the provider come
    from the contract, so the form asks for neither."""

    subject = forms.ChoiceField(
        label="支付的合同",
        help_text="只列出本单位作为付款方的合同（已受理的服务委托、已认定登记的许可等）",
    )
    voucher_amount = forms.DecimalField(
        label="本次使用创新券（元）",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text="不超过合同金额的 50%，且不超过本年度剩余额度",
    )

    def __init__(self, *args: Any, enterprise: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subject_choices = voucher_subject_choices(enterprise)
        cast(forms.ChoiceField, self.fields["subject"]).choices = [("", "—")] + [
            (subject_value(s.subject_type, s.subject_id), subject_choice_label(s, used))
            for s, used in self.subject_choices
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value = data.get("subject")
        if value:
            data["subject_type"], _, data["subject_id"] = str(value).partition(SUBJECT_SEPARATOR)
        return data


class ClaimForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    contract = forms.FileField(label="服务合同")
    invoice = forms.FileField(label="发票")
    payment_proof = forms.FileField(label="付款凭证")
    invoice_number = forms.CharField(label="发票号码（可选）", max_length=64, required=False)


class DecisionForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="审核意见（驳回时必填）",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
