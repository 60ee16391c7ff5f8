from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from zhuanhua.core.forms import StyledFormMixin
from zhuanhua.vouchers.choices import SubjectType


class ServiceErrorsMixin:
    def apply_errors(self, exc: ValidationError) -> None:
        form = cast(forms.Form, self)
        for name, messages in exc.message_dict.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, message)


class QuotaIssueForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    enterprise = forms.TypedChoiceField(label="科技型企业", coerce=int)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2999)
    issued_amount = forms.DecimalField(
        label="下达额度（元）", min_value=0, max_digits=14, decimal_places=2
    )
    note = forms.CharField(label="下达说明（可选）", max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from zhuanhua.organisations.models import Organisation

        cast(forms.ChoiceField, self.fields["enterprise"]).choices = [("", "—")] + [
            (o.pk, f"{o.name}（{o.uscc}）")
            for o in Organisation.objects.filter(
                status="approved", is_tech_enterprise=True
            ).order_by("name")[:5000]
        ]


class SpendForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    provider = forms.TypedChoiceField(label="服务提供方", coerce=int)
    # Service-directory requests are paid from the request's own page (their contract amount
    # and provider come from the request).
    subject_type = forms.ChoiceField(
        label="合同类型",
        choices=[c for c in SubjectType.choices if c[0] != SubjectType.SERVICE_REQUEST],
    )
    subject_id = forms.CharField(label="合同编号", max_length=64)
    contract_amount = forms.DecimalField(
        label="合同金额（元）", min_value=0, max_digits=14, decimal_places=2
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
        from zhuanhua.organisations.models import Organisation

        cast(forms.ChoiceField, self.fields["provider"]).choices = [("", "—")] + [
            (o.pk, o.name)
            for o in Organisation.objects.filter(status="approved")
            .exclude(pk=enterprise.pk)
            .exclude(org_type="department")
            .order_by("name")[:5000]
        ]


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
