"""Forms of technology contracts: submission (or recording a 横向 contract), the registrar's
decision, 横向 income, reward plans and their acknowledgement."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from zhuanhua.contracts.choices import ContractType, IncomeKind, PartySide
from zhuanhua.contracts.models import TechnologyContract
from zhuanhua.contracts.services import ContractInput, PlanInput, default_registrar, registrars
from zhuanhua.core.forms import ServiceErrorsMixin, StyledFormMixin
from zhuanhua.organisations.models import Organisation

DATE = {"type": "date"}


def _registrar_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="技术合同登记机构",
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text="默认为省级登记机构；登记机构自受理之日起 10 个工作日内办结。",
    )


class ContractForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    title = forms.CharField(label="合同名称", max_length=200)
    declared_type = forms.ChoiceField(label="合同类型", choices=ContractType.choices)
    submitter_side = forms.ChoiceField(label="本单位在合同中是", choices=PartySide.choices)
    counterparty_name = forms.CharField(label="合同对方名称", max_length=200)
    counterparty = forms.ModelChoiceField(
        label="合同对方在平台的机构（可选）",
        queryset=Organisation.objects.none(),
        required=False,
    )
    contract_amount = forms.DecimalField(
        label="合同成交额（元）", max_digits=17, decimal_places=2, min_value=0
    )
    signed_on = forms.DateField(label="合同签订日", widget=forms.DateInput(attrs=DATE))
    valid_from = forms.DateField(label="履行期限起", widget=forms.DateInput(attrs=DATE))
    valid_to = forms.DateField(label="履行期限止", widget=forms.DateInput(attrs=DATE))
    technology_field = forms.CharField(
        label="技术领域", max_length=200, help_text="如：生物医药、新材料、电子信息"
    )
    industry_project = forms.BooleanField(
        label="横向项目（本单位承接的技术开发、咨询、服务合同）", required=False
    )
    signed_pdf = forms.FileField(label="已签署的合同文本（PDF，≤ 20 MB）")
    submit_now = forms.BooleanField(
        label="立即提交认定登记（横向项目可先登记合同、稍后提交）", required=False, initial=True
    )
    registrar = _registrar_field()

    def __init__(self, *args: Any, org: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        registrar = cast(forms.ModelChoiceField, self.fields["registrar"])
        registrar.queryset = registrars()
        registrar.initial = default_registrar()
        others = Organisation.objects.filter(status="approved").exclude(
            org_type__in=["department", "supervising_department", "contract_registrar"]
        )
        if org is not None:
            others = others.exclude(pk=org.pk)
        counterparty = cast(forms.ModelChoiceField, self.fields["counterparty"])
        counterparty.queryset = others.order_by("name")

    def service_input(self) -> ContractInput:
        d = self.cleaned_data
        return ContractInput(
            title=d["title"],
            declared_type=d["declared_type"],
            submitter_side=d["submitter_side"],
            counterparty_name=d["counterparty_name"],
            counterparty=d.get("counterparty"),
            contract_amount=d["contract_amount"],
            signed_on=d["signed_on"],
            valid_from=d["valid_from"],
            valid_to=d["valid_to"],
            technology_field=d["technology_field"],
            industry_project=bool(d.get("industry_project")),
        )


class ResubmitForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    registrar = _registrar_field()
    signed_pdf = forms.FileField(label="更正后的合同文本（PDF，可选）", required=False)

    def __init__(self, *args: Any, contract: TechnologyContract | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        registrar = cast(forms.ModelChoiceField, self.fields["registrar"])
        registrar.queryset = registrars()
        registrar.initial = (contract.registrar if contract else None) or default_registrar()


class RegisterForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    contract_type = forms.ChoiceField(
        label="认定的合同类型", choices=ContractType.choices, help_text="可改变申报的合同类型"
    )
    transaction_amount = forms.DecimalField(
        label="核定技术交易额（元）",
        max_digits=17,
        decimal_places=2,
        min_value=0,
        help_text="不得高于合同成交额；低于时须写明核减理由",
    )
    amount_reason = forms.CharField(
        label="核减理由", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    return_reasons = forms.CharField(
        label="退回理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class IncomeForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    received_on = forms.DateField(label="到账日期", widget=forms.DateInput(attrs=DATE))
    amount = forms.DecimalField(
        label="到账金额（元）", max_digits=17, decimal_places=2, min_value=0
    )
    note = forms.CharField(label="说明", max_length=200, required=False)


class PlanForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    income_kind = forms.ChoiceField(label="收入类型", choices=IncomeKind.choices)
    contract = forms.ModelChoiceField(
        label="技术合同（横向项目收入必选）",
        queryset=TechnologyContract.objects.none(),
        required=False,
    )
    subject = forms.CharField(label="分配事项", max_length=200)
    income_amount = forms.DecimalField(
        label="收入（元）", max_digits=17, decimal_places=2, min_value=0
    )
    costs_amount = forms.DecimalField(
        label="列支成本（元）", max_digits=17, decimal_places=2, min_value=0, initial=0
    )
    researcher_amount = forms.DecimalField(
        label="科研人员（团队）奖励（元）", max_digits=17, decimal_places=2, min_value=0
    )
    transfer_staff_amount = forms.DecimalField(
        label="技术转移服务人员奖励（元）", max_digits=17, decimal_places=2, min_value=0, initial=0
    )
    unit_amount = forms.DecimalField(
        label="单位留存（元）", max_digits=17, decimal_places=2, min_value=0
    )
    staff_reward_chosen = forms.BooleanField(
        label="从单位留存部分中提取经费奖励技术转移服务人员", required=False
    )
    decided_on = forms.DateField(label="单位决策日期", widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args: Any, org: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contract = cast(forms.ModelChoiceField, self.fields["contract"])
        contract.queryset = (
            TechnologyContract.objects.filter(submitter=org).order_by("-id")
            if org is not None
            else TechnologyContract.objects.none()
        )

    def service_input(self) -> PlanInput:
        d = self.cleaned_data
        return PlanInput(
            income_kind=d["income_kind"],
            subject=d["subject"],
            income_amount=d["income_amount"],
            costs_amount=d["costs_amount"],
            researcher_amount=d["researcher_amount"],
            transfer_staff_amount=d["transfer_staff_amount"],
            unit_amount=d["unit_amount"],
            decided_on=d["decided_on"],
            staff_reward_chosen=bool(d.get("staff_reward_chosen")),
            contract=d.get("contract"),
        )


class AcknowledgeForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    acknowledgement_note = forms.CharField(
        label="备案意见（可选）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
