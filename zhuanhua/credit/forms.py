from __future__ import annotations

from typing import Any, cast

from django import forms

from zhuanhua.core.forms import MultipleFileField, ServiceErrorsMixin, StyledFormMixin
from zhuanhua.credit.choices import AppealDecision, CreditEventKind, CreditEventStatus
from zhuanhua.credit.services import CreditEventInput
from zhuanhua.organisations.models import Organisation

DATE = {"type": "date"}


class CreditEventForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    organisation = forms.TypedChoiceField(label="当事机构", coerce=int)
    kind = forms.ChoiceField(label="失信行为", choices=CreditEventKind.choices)
    description = forms.CharField(
        label="认定事实", max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    subject_type = forms.CharField(
        label="关联对象类型（可选，如 licensing.licence）", max_length=64, required=False
    )
    subject_id = forms.CharField(label="关联对象编号（可选）", max_length=64, required=False)
    hearing_on = forms.DateField(label="听取陈述申辩日期", widget=forms.DateInput(attrs=DATE))
    party_statement = forms.CharField(
        label="当事人陈述申辩意见",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="指引第八条：须先听取当事人陈述申辩，方可记录。",
    )
    effective_from = forms.DateField(label="生效日期", widget=forms.DateInput(attrs=DATE))
    effective_to = forms.DateField(label="到期日期", widget=forms.DateInput(attrs=DATE))
    evidence = MultipleFileField(label="证据材料（可多选；PDF、图片、Word、Excel、ZIP，≤ 20 MB）")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        cast(forms.ChoiceField, self.fields["organisation"]).choices = [("", "—")] + [
            (o.pk, f"{o.name}（{o.uscc}）")
            for o in Organisation.objects.filter(status="approved")
            .exclude(org_type="department")
            .order_by("name")[:3000]
        ]

    def service_input(self) -> CreditEventInput:
        data = self.cleaned_data
        return CreditEventInput(
            organisation=Organisation.objects.filter(pk=data["organisation"]).first(),
            kind=data["kind"],
            description=data["description"],
            party_statement=data["party_statement"],
            hearing_on=data["hearing_on"],
            effective_from=data["effective_from"],
            effective_to=data["effective_to"],
            subject_type=data["subject_type"],
            subject_id=data["subject_id"],
        )


class EvidenceForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label="补充证据材料")


class AppealForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    filed_on = forms.DateField(label="申诉日期", widget=forms.DateInput(attrs=DATE))
    grounds = forms.CharField(
        label="申诉理由", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.ChoiceField(label="复核决定", choices=AppealDecision.choices)
    reason = forms.CharField(
        label="决定理由", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StatusFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *CreditEventStatus.choices]
    )
