from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhuanhua.core.forms import ServiceErrorsMixin, StyledFormMixin
from zhuanhua.organisations.models import Organisation
from zhuanhua.projects.choices import (
    PERFORMANCE_METRICS,
    FundingMode,
    PostRating,
    TransferFinding,
)
from zhuanhua.projects.services import AcceptanceInput, DutyInput, ProjectInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    programme = forms.CharField(label="计划类别", max_length=200)
    code = forms.CharField(label="项目编号", max_length=64)
    title = forms.CharField(label="项目名称", max_length=200)
    lead = forms.ModelChoiceField(label="牵头单位", queryset=Organisation.objects.none())
    is_enterprise_led = forms.BooleanField(label="企业牵头", required=False)
    is_applied = forms.BooleanField(label="应用技术类项目", required=False, initial=True)
    partners = forms.ModelMultipleChoiceField(
        label="参与单位", required=False, queryset=Organisation.objects.none()
    )
    funding_amount = forms.DecimalField(label="财政经费（元）", max_digits=17, decimal_places=2)
    funding_mode = forms.ChoiceField(label="支持方式", choices=FundingMode.choices)
    start_on = forms.DateField(label="立项日期", widget=DATE)
    acceptance_due_on = forms.DateField(label="计划验收日期", widget=DATE)
    duty_description = forms.CharField(label="转化义务（转化内容）", max_length=500, required=False)
    duty_due_on = forms.DateField(label="转化期限", widget=DATE, required=False)
    duty_required_count = forms.IntegerField(
        label="应转化成果数", min_value=1, max_value=99, initial=1, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = (
            Organisation.objects.filter(status="approved")
            .exclude(org_type="department")
            .order_by("name")
        )
        cast(forms.ModelChoiceField, self.fields["lead"]).queryset = orgs
        cast(forms.ModelMultipleChoiceField, self.fields["partners"]).queryset = orgs

    def duties(self) -> list[DutyInput]:
        data = self.cleaned_data
        if not data.get("duty_description") and not data.get("duty_due_on"):
            return []
        return [
            DutyInput(
                description=data.get("duty_description") or "",
                due_on=data.get("duty_due_on"),
                required_count=data.get("duty_required_count") or 1,
            )
        ]

    def service_input(self) -> ProjectInput:
        data = self.cleaned_data
        return ProjectInput(
            programme=data["programme"],
            code=data["code"],
            title=data["title"],
            lead=data["lead"],
            funding_amount=data["funding_amount"],
            start_on=data["start_on"],
            acceptance_due_on=data["acceptance_due_on"],
            funding_mode=data["funding_mode"],
            is_enterprise_led=data["is_enterprise_led"],
            is_applied=data["is_applied"],
            partners=list(data["partners"]),
            duties=self.duties(),
        )

    def error_field(self, name: str) -> str:
        """The service names the one duty `duties[0].due_on`; here it is `duty_due_on`."""
        if name.startswith("duties["):
            return "duty_" + name.rsplit(".", 1)[-1]
        return super().error_field(name)


class DutyForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    description = forms.CharField(label="转化义务（转化内容）", max_length=500)
    due_on = forms.DateField(label="转化期限", widget=DATE)
    required_count = forms.IntegerField(label="应转化成果数", min_value=1, max_value=99, initial=1)


class LinkForm(StyledFormMixin, forms.Form):
    achievement = forms.IntegerField(label="成果", widget=forms.Select)


PANEL_ROWS = 5


class AcceptForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    """Acceptance by a panel with enterprise experts (measure 5) and its findings."""

    accepted_on = forms.DateField(label="验收日期", widget=DATE)
    passed = forms.TypedChoiceField(
        label="验收结论",
        choices=[("1", "通过"), ("0", "不通过")],
        coerce=lambda v: v == "1",
        initial="1",
    )
    transfer_finding = forms.ChoiceField(label="转化情况结论", choices=TransferFinding.choices)
    transfer_notes = forms.CharField(
        label="转化情况说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    ip_count = forms.IntegerField(label="形成知识产权数", min_value=0, initial=0)
    ip_notes = forms.CharField(
        label="知识产权情况", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    contracts_registered = forms.IntegerField(label="认定登记的技术合同数", min_value=0, initial=0)
    registration_notes = forms.CharField(
        label="技术合同登记情况", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    opinion = forms.CharField(label="专家组意见", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, PANEL_ROWS + 1):
            self.fields[f"panel_name_{i}"] = forms.CharField(
                label=f"专家 {i} 姓名", max_length=60, required=False
            )
            self.fields[f"panel_employer_{i}"] = forms.CharField(
                label=f"专家 {i} 工作单位", max_length=200, required=False
            )
            self.fields[f"panel_enterprise_{i}"] = forms.BooleanField(
                label="企业专家", required=False
            )
            self.fields[f"panel_enterprise_{i}"].widget.attrs["class"] = "form-check-input"

    def panel_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"panel_name_{i}"], self[f"panel_employer_{i}"], self[f"panel_enterprise_{i}"])
            for i in range(1, PANEL_ROWS + 1)
        ]

    def acceptance(self) -> AcceptanceInput:
        data = self.cleaned_data
        return AcceptanceInput(
            panel=[
                {
                    "name": data.get(f"panel_name_{i}") or "",
                    "employer": data.get(f"panel_employer_{i}") or "",
                    "enterprise": bool(data.get(f"panel_enterprise_{i}")),
                }
                for i in range(1, PANEL_ROWS + 1)
            ],
            transfer_finding=data["transfer_finding"],
            opinion=data["opinion"],
            passed=bool(data["passed"]),
            transfer_notes=data.get("transfer_notes") or "",
            ip_count=data.get("ip_count") or 0,
            ip_notes=data.get("ip_notes") or "",
            contracts_registered=data.get("contracts_registered") or 0,
            registration_notes=data.get("registration_notes") or "",
        )


class PostEvaluationForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    evaluated_on = forms.DateField(label="后评价日期", widget=DATE)
    rating = forms.ChoiceField(label="评价等级", choices=PostRating.choices)
    transfer_progress = forms.CharField(
        label="验收后转化进展", widget=forms.Textarea(attrs={"rows": 3})
    )
    findings = forms.CharField(
        label="评价意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def last_year() -> tuple[dt.date, dt.date]:
    year = timezone.localdate().year - 1
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


class PeriodForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label="起始日期", widget=DATE, required=False)
    end = forms.DateField(label="截止日期", widget=DATE, required=False)
    order = forms.ChoiceField(
        label="排序依据", required=False, choices=list(PERFORMANCE_METRICS.items())
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = last_year()
        data["start"] = data.get("start") or start
        data["end"] = data.get("end") or end
        if data["end"] < data["start"]:
            raise ValidationError("截止日期不能早于起始日期")
        data["order"] = data.get("order") or "received_amount"
        return data
