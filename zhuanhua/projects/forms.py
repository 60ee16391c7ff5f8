from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhuanhua.core.forms import ServiceErrorsMixin, StyledFormMixin
from zhuanhua.organisations.models import Organisation
from zhuanhua.projects.choices import PERFORMANCE_METRICS, FundingMode
from zhuanhua.projects.services import DutyInput, ProjectInput

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


class AcceptForm(StyledFormMixin, forms.Form):
    accepted_on = forms.DateField(label="验收日期", widget=DATE)


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
