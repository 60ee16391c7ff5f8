"""Forms: the claim form is built from the measure's catalogue entry, so it asks only what the
measure uses; review, settlement and payment-file forms."""

from __future__ import annotations

from typing import Any, TypedDict, cast

from django import forms

from zhuanhua.core.forms import MultipleFileField, ServiceErrorsMixin, StyledFormMixin
from zhuanhua.engines.subsidy import Measure
from zhuanhua.organisations.models import Organisation
from zhuanhua.subsidies import selectors
from zhuanhua.subsidies.choices import APPLICANT_TYPE_LABELS, EvidenceKind, StandardLevel

ERR_BASE_REQUIRED = "请选择已登记的技术合同或填写金额"
ERR_REQUIRED = "此项为必填项"


class _Money(TypedDict):
    min_value: int
    max_digits: int
    decimal_places: int


MONEY: _Money = {"min_value": 0, "max_digits": 14, "decimal_places": 2}


class ClaimForm(StyledFormMixin, forms.Form):
    """The fields of one measure. `with_evidence` adds the description and the attachments
    (the application); without it the form is the what-if calculator."""

    def __init__(
        self,
        *args: Any,
        measure: Measure,
        org: Any = None,
        with_evidence: bool = False,
        ask_type: bool = False,
        **kwargs: Any,
    ) -> None:
        self.measure = measure
        super().__init__(*args, **kwargs)
        used = selectors.measure_fields(measure)
        f = self.fields
        if ask_type:
            f["applicant_type"] = forms.ChoiceField(
                label="申请主体类型", choices=list(APPLICANT_TYPE_LABELS.items())
            )
            if measure.region:
                # A local measure: where the visitor's organisation is decides eligibility.
                from zhuanhua.subsidies.local import region_choices

                f["applicant_region"] = forms.ChoiceField(
                    label="申请主体所在地区",
                    required=False,
                    choices=[*region_choices(measure), ("", "其他地区")],
                )
        contracts = (
            selectors.known_received_amounts(org, measure.code)
            if org is not None and measure.code in selectors.CONTRACT_SIDE
            else []
        )
        self.contracts = {str(c["ref"]): c for c in contracts}
        if contracts:
            f["contract"] = forms.ChoiceField(
                label="已认定登记的技术合同",
                required=False,
                choices=[("", "—（手工填写到账额）")]
                + [
                    (str(c["ref"]), f"{c['label']}（到账 {c['received_amount']:,.2f} 元）")
                    for c in contracts
                ],
                help_text="选择后按平台记录的实际到账额计算",
            )
        revenues = (
            selectors.known_service_revenues(org)
            if org is not None and measure.code == selectors.REVENUE_MEASURE
            else []
        )
        self.revenues = {str(r["ref"]): r for r in revenues}
        if revenues:
            f["platform_revenue"] = forms.ChoiceField(
                label="平台年度服务性收入（服务目录记录）",
                required=False,
                choices=[("", "—（手工填写）")] + [(str(r["ref"]), r["label"]) for r in revenues],
                help_text="选择后按平台已交付服务的合同金额计算，并填入平台名称",
            )
        investments = (
            selectors.investment_choices(org, measure.code)
            if org is not None and measure.code in ("M13-1", "M13-2")
            else []
        )
        self.investments = {str(r["ref"]): r for r in investments}
        if investments:
            f["investment"] = forms.ChoiceField(
                label="投资台账中的投资",
                required=False,
                choices=[("", "—（手工填写）")] + [(r["ref"], r["label"]) for r in investments],
                help_text="选择后按本机构投资台账的记录填写被投资企业、金额和日期",
            )
        if "counterparty" in used:
            f["counterparty"] = forms.CharField(
                label="被投资企业名称", max_length=200, required=not investments
            )
        if "subject" in used:
            f["subject"] = forms.CharField(
                label=selectors.subject_label(measure), max_length=200, required=not revenues
            )
        if "level" in used:
            f["level"] = forms.ChoiceField(
                label="标准级别", choices=[("", "—"), *StandardLevel.choices]
            )
        if "base_amount" in used:
            f["base_amount"] = forms.DecimalField(
                label=f"{measure.base}（元）",
                **MONEY,
                required=not (contracts or revenues or investments),
            )
        if "requested_amount" in used:
            f["requested_amount"] = forms.DecimalField(
                label="申请金额（元，可选）",
                required=False,
                **MONEY,
                help_text="不填则按政策可得的最高额申请",
            )
        if "registered" in used:
            f["registered"] = forms.BooleanField(label="技术合同已经认定登记", required=False)
            f["contract_ref"] = forms.CharField(
                label="技术合同登记编号", max_length=100, required=False
            )
        if "related_party" in used:
            f["related_party"] = forms.BooleanField(label="属于关联技术交易", required=False)
        if "paid_in_on" in used:
            f["paid_in_on"] = forms.DateField(
                label="实缴投资到位日",
                required=not investments,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
        if "loss_confirmed" in used:
            f["loss_confirmed"] = forms.BooleanField(label="投资损失已确认", required=False)
        if with_evidence:
            f["description"] = forms.CharField(
                label="申请说明",
                required=measure.case_by_case,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="一事一议事项请说明团队、技术与所需支持" if measure.case_by_case else "",
            )
            f["evidence_kind"] = forms.ChoiceField(
                label="材料类型", choices=EvidenceKind.choices, initial=EvidenceKind.BANK_SLIP
            )
            f["evidence"] = MultipleFileField(
                label="证明材料（可多选；PDF、图片、Word、Excel、ZIP，≤ 20 MB）", required=False
            )
        for field in f.values():
            widget = field.widget
            if "class" not in widget.attrs:
                css = (
                    "form-check-input"
                    if isinstance(widget, forms.CheckboxInput)
                    else "form-select"
                    if isinstance(widget, forms.Select)
                    else "form-control"
                )
                widget.attrs["class"] = css

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data  # Form.clean returns cleaned_data
        revenue = self.revenues.get(data.get("platform_revenue") or "")
        if revenue is not None:
            data["base_amount"] = revenue["revenue_amount"]
            data["subject"] = revenue["subject"]
        elif "subject" in self.fields and not data.get("subject") and "subject" not in self.errors:
            self.add_error("subject", ERR_REQUIRED)
        inv = self.investments.get(data.get("investment") or "")
        if inv is not None:
            for key in ("counterparty", "base_amount", "paid_in_on", "loss_confirmed"):
                if key in self.fields:
                    data[key] = inv[key]
                    self.errors.pop(key, None)
        ref = data.get("contract")
        if ref and ref in self.contracts:
            c = self.contracts[ref]
            data["base_amount"] = c["received_amount"]
            data["registered"] = bool(c.get("registered", True))
            data["contract_ref"] = str(c.get("ref"))
        elif (
            "base_amount" in self.fields
            and data.get("base_amount") is None
            and "base_amount" not in self.errors
        ):
            self.add_error("base_amount", ERR_BASE_REQUIRED)
        return data

    def claim_data(self) -> dict[str, Any]:
        keep = {
            "counterparty",
            "subject",
            "level",
            "base_amount",
            "requested_amount",
            "registered",
            "related_party",
            "paid_in_on",
            "loss_confirmed",
            "contract_ref",
            "description",
        }
        return {k: v for k, v in self.cleaned_data.items() if k in keep}

    def uploads(self) -> list[tuple[str, Any]]:
        kind = self.cleaned_data.get("evidence_kind") or EvidenceKind.OTHER
        return [(kind, f) for f in self.cleaned_data.get("evidence") or []]


class DecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("check", "初审通过"),
            ("approve", "批准"),
            ("second_approve", "复核同意"),
            ("second_refuse", "复核不同意"),
            ("return", "退回补充材料"),
            ("reject", "不予支持"),
        ],
        widget=forms.HiddenInput,
    )
    amount = forms.DecimalField(
        label="批准金额（元）", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    reason = forms.CharField(
        label="审核意见 / 理由",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="核减、退回、不予支持、复核不同意时必填",
    )


class SettlementForm(StyledFormMixin, forms.Form):
    period_from_on = forms.DateField(
        label="批准日期自", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    period_to_on = forms.DateField(
        label="批准日期至", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class PaymentFileForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label="拨付回执（.xlsx，含“补助编号”列）")
    paid_on = forms.DateField(
        label="拨付日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


# --------------------------------------------------------------------------- local measures

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCOPE_CHOICES = [("", "—（不设）")]


class LocalMeasureForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    """A local measure (指引第七条（三）). Only types are checked here; the service checks the
    rules and names every bad field in Chinese."""

    title = forms.CharField(label="措施名称", max_length=100)
    issuer = forms.CharField(
        label="发布单位", max_length=200, help_text="如：昆明市科学技术局、昆明高新区管委会"
    )
    document = forms.CharField(label="政策文件及文号", max_length=300)
    source_text = forms.CharField(
        label="政策条文", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    prefecture = forms.ChoiceField(label="适用州（市）", required=False)
    park = forms.ChoiceField(label="适用园区（可选，仅限园区入驻单位）", required=False)
    applicant_types = forms.MultipleChoiceField(
        label="申请主体类型（不选则不限）",
        required=False,
        choices=list(APPLICANT_TYPE_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    amount_kind = forms.ChoiceField(label="计算方式")
    base = forms.CharField(
        label="计算基数（按比例时必填）",
        max_length=100,
        required=False,
        help_text="如：实际到账额、研发投入",
    )
    rate_percent = forms.CharField(label="比例（%，按比例时必填）", max_length=20, required=False)
    item_cap_amount = forms.CharField(label="单项上限（元）", max_length=30, required=False)
    fixed_amount = forms.CharField(label="定额（元）", max_length=30, required=False)
    level_cap_international = forms.CharField(
        label="国际标准上限（元）", max_length=30, required=False
    )
    level_cap_national = forms.CharField(label="国家标准上限（元）", max_length=30, required=False)
    level_cap_industry = forms.CharField(label="行业标准上限（元）", max_length=30, required=False)
    level_cap_local = forms.CharField(label="地方标准上限（元）", max_length=30, required=False)
    scope1_kind = forms.ChoiceField(label="限额范围一", required=False)
    scope1_counterparty = forms.BooleanField(
        label="按同一相对方（被投资企业）分别计算", required=False
    )
    scope1_subject = forms.BooleanField(
        label="按同一事项（项目/成果/平台）分别计算", required=False
    )
    scope1_amount = forms.CharField(
        label="范围一金额（元，累计/年度上限时必填）", max_length=30, required=False
    )
    scope2_kind = forms.ChoiceField(label="限额范围二", required=False)
    scope2_counterparty = forms.BooleanField(
        label="按同一相对方（被投资企业）分别计算", required=False
    )
    scope2_subject = forms.BooleanField(
        label="按同一事项（项目/成果/平台）分别计算", required=False
    )
    scope2_amount = forms.CharField(
        label="范围二金额（元，累计/年度上限时必填）", max_length=30, required=False
    )
    registered = forms.BooleanField(label="须技术合同认定登记", required=False)
    not_related_party = forms.BooleanField(label="关联技术交易除外", required=False)
    holding_period_years = forms.CharField(
        label="实缴投资须满（年，可选）", max_length=4, required=False
    )
    loss_confirmed = forms.BooleanField(label="须投资损失已确认", required=False)
    effective_from_on = forms.DateField(label="生效日期", widget=DATE_INPUT)
    effective_to_on = forms.DateField(label="失效日期（可选）", required=False, widget=DATE_INPUT)
    budget_per_year_amount = forms.CharField(
        label="年度预算（元，可选）", max_length=30, required=False
    )

    def __init__(self, *args: Any, park_admin: Any = None, **kwargs: Any) -> None:
        from zhuanhua.subsidies.choices import PARK_ORG_TYPE, AmountKind, LocalScopeKind
        from zhuanhua.subsidies.local import prefecture_choices

        super().__init__(*args, **kwargs)
        f = self.fields
        cast(forms.ChoiceField, f["amount_kind"]).choices = [("", "请选择"), *AmountKind.choices]
        f["applicant_types"].widget.attrs["class"] = "form-check-input"
        for slot in (1, 2):
            cast(forms.ChoiceField, f[f"scope{slot}_kind"]).choices = [
                *SCOPE_CHOICES,
                *LocalScopeKind.choices,
            ]
        if park_admin is not None:
            # A park writes its own park's measures: the area is fixed.
            del f["prefecture"], f["park"]
            self.fixed_area = f"{park_admin.prefecture_name} · {park_admin.name}"
        else:
            self.fixed_area = ""
            cast(forms.ChoiceField, f["prefecture"]).choices = [
                ("", "请选择"),
                *prefecture_choices(),
            ]
            cast(forms.ChoiceField, f["park"]).choices = [("", "—（整个州（市））")] + [
                (str(o.pk), f"{o.name}（{o.prefecture_name}）")
                for o in Organisation.objects.filter(
                    org_type=PARK_ORG_TYPE, status="approved"
                ).order_by("prefecture", "name")[:500]
            ]


def local_measure_initial(lm: Any) -> dict[str, Any]:
    """The form's initial values of a saved local measure."""
    initial: dict[str, Any] = {
        k: getattr(lm, k)
        for k in (
            "title",
            "issuer",
            "document",
            "source_text",
            "prefecture",
            "applicant_types",
            "amount_kind",
            "base",
            "registered",
            "not_related_party",
            "loss_confirmed",
            "effective_from_on",
            "effective_to_on",
            "holding_period_years",
        )
    }
    initial["park"] = str(lm.park_id or "")
    initial["rate_percent"] = format((lm.rate * 100).normalize(), "f") if lm.rate else ""
    for field in ("item_cap_amount", "fixed_amount", "budget_per_year_amount"):
        value = getattr(lm, field)
        initial[field] = f"{value:.2f}" if value is not None else ""
    for level, amount in (lm.level_caps or {}).items():
        initial[f"level_cap_{level}"] = amount
    for slot, scope in enumerate(lm.scopes or [], start=1):
        initial[f"scope{slot}_kind"] = scope["kind"]
        initial[f"scope{slot}_counterparty"] = "counterparty" in scope.get("keys", [])
        initial[f"scope{slot}_subject"] = "subject" in scope.get("keys", [])
        initial[f"scope{slot}_amount"] = scope.get("amount", "")
    return initial


class ResidentForm(StyledFormMixin, forms.Form):
    uscc = forms.CharField(label="入驻单位统一社会信用代码", max_length=18)


class InvestmentForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    """One investment of a VC firm's register (measures 13-1 and 13-2 read it)."""

    investee_name = forms.CharField(label="被投资企业", max_length=200)
    investee_uscc = forms.CharField(
        label="被投资企业统一社会信用代码", max_length=18, min_length=18
    )
    invested_amount = forms.DecimalField(label="实缴股权投资额（元）", **MONEY)
    paid_in_on = forms.DateField(label="实缴投资到位日", widget=DATE_INPUT)
    loss_amount = forms.DecimalField(label="投资损失额（元）", required=False, **MONEY)
    loss_confirmed_on = forms.DateField(label="损失确认日期", required=False, widget=DATE_INPUT)
    loss_basis = forms.CharField(
        label="损失确认依据", max_length=300, required=False, help_text="如：清算报告、审计报告文号"
    )
