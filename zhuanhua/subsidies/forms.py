"""Forms: the claim form is built from the measure's catalogue entry, so it asks only what the
measure uses; review, settlement and payment-file forms."""

from __future__ import annotations

from typing import Any

from django import forms

from zhuanhua.core.forms import StyledFormMixin
from zhuanhua.engines.subsidy import Measure
from zhuanhua.subsidies import selectors
from zhuanhua.subsidies.choices import APPLICANT_TYPE_LABELS, EvidenceKind, StandardLevel

ERR_BASE_REQUIRED = "请选择已登记的技术合同或填写金额"
MONEY = {"min_value": 0, "max_digits": 14, "decimal_places": 2}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ClaimForm(StyledFormMixin, forms.Form):
    """The fields of one measure. `with_evidence` adds the description and the attachments
    (the application); without it the form is the what-if calculator."""

    def __init__(self, *args: Any, measure: Measure, org: Any = None, with_evidence: bool = False,
                 ask_type: bool = False, **kwargs: Any) -> None:
        self.measure = measure
        super().__init__(*args, **kwargs)
        used = selectors.measure_fields(measure)
        f = self.fields
        if ask_type:
            f["applicant_type"] = forms.ChoiceField(
                label="申请主体类型", choices=list(APPLICANT_TYPE_LABELS.items()))
        contracts = selectors.known_received_amounts(org, measure.code) \
            if org is not None and measure.code in selectors.CONTRACT_SIDE else []
        self.contracts = {str(c["ref"]): c for c in contracts}
        if contracts:
            f["contract"] = forms.ChoiceField(
                label="已认定登记的技术合同", required=False,
                choices=[("", "—（手工填写到账额）")] + [
                    (str(c["ref"]), f"{c['label']}（到账 {c['received_amount']:,.2f} 元）")
                    for c in contracts],
                help_text="选择后按平台记录的实际到账额计算",
            )
        if "counterparty" in used:
            f["counterparty"] = forms.CharField(label="被投资企业名称", max_length=200)
        if "subject" in used:
            f["subject"] = forms.CharField(label=selectors.subject_label(measure), max_length=200)
        if "level" in used:
            f["level"] = forms.ChoiceField(label="标准级别",
                                           choices=[("", "—"), *StandardLevel.choices])
        if "base_amount" in used:
            f["base_amount"] = forms.DecimalField(label=f"{measure.base}（元）", **MONEY,
                                                  required=not contracts)
        if "requested_amount" in used:
            f["requested_amount"] = forms.DecimalField(
                label="申请金额（元，可选）", required=False, **MONEY,
                help_text="不填则按政策可得的最高额申请")
        if "registered" in used:
            f["registered"] = forms.BooleanField(label="技术合同已经认定登记", required=False)
            f["contract_ref"] = forms.CharField(label="技术合同登记编号", max_length=100,
                                                required=False)
        if "related_party" in used:
            f["related_party"] = forms.BooleanField(label="属于关联技术交易", required=False)
        if "paid_in_on" in used:
            f["paid_in_on"] = forms.DateField(label="实缴投资到位日",
                                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        if "loss_confirmed" in used:
            f["loss_confirmed"] = forms.BooleanField(label="投资损失已确认", required=False)
        if with_evidence:
            f["description"] = forms.CharField(
                label="申请说明", required=measure.case_by_case,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="一事一议事项请说明团队、技术与所需支持" if measure.case_by_case else "")
            f["evidence_kind"] = forms.ChoiceField(label="材料类型", choices=EvidenceKind.choices,
                                                   initial=EvidenceKind.BANK_SLIP)
            f["evidence"] = MultipleFileField(
                label="证明材料（可多选；PDF、图片、Word、Excel、ZIP，≤ 20 MB）", required=False)
        for field in f.values():
            widget = field.widget
            if "class" not in widget.attrs:
                css = ("form-check-input" if isinstance(widget, forms.CheckboxInput)
                       else "form-select" if isinstance(widget, forms.Select) else "form-control")
                widget.attrs["class"] = css

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        ref = data.get("contract")
        if ref and ref in self.contracts:
            c = self.contracts[ref]
            data["base_amount"] = c["received_amount"]
            data["registered"] = bool(c.get("registered", True))
            data["contract_ref"] = str(c.get("ref"))
        elif "base_amount" in self.fields and data.get("base_amount") is None \
                and "base_amount" not in self.errors:
            self.add_error("base_amount", ERR_BASE_REQUIRED)
        return data

    def claim_data(self) -> dict[str, Any]:
        keep = {"counterparty", "subject", "level", "base_amount", "requested_amount",
                "registered", "related_party", "paid_in_on", "loss_confirmed", "contract_ref",
                "description"}
        return {k: v for k, v in self.cleaned_data.items() if k in keep}

    def uploads(self) -> list[tuple[str, Any]]:
        kind = self.cleaned_data.get("evidence_kind") or EvidenceKind.OTHER
        return [(kind, f) for f in self.cleaned_data.get("evidence") or []]


class DecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "批准"), ("return", "退回补充材料"),
                                          ("reject", "不予支持")], widget=forms.HiddenInput)
    amount = forms.DecimalField(label="批准金额（元）", required=False, min_value=0,
                                max_digits=14, decimal_places=2)
    reason = forms.CharField(label="审核意见 / 理由", required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="核减、退回、不予支持时必填")


class SettlementForm(StyledFormMixin, forms.Form):
    period_from_on = forms.DateField(label="批准日期自", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    period_to_on = forms.DateField(label="批准日期至", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class PaymentFileForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label="拨付回执（.xlsx，含“补助编号”列）")
    paid_on = forms.DateField(label="拨付日期", required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
