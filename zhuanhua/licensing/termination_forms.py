"""Forms of ending a licence early, corrections and reversals, and the licence page's context
for them (the views in ``termination_views`` re-render the licence page with a bound form)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms

from zhuanhua.accounts.http import Visitor
from zhuanhua.core.forms import ServiceErrorsMixin, StyledFormMixin
from zhuanhua.licensing import services
from zhuanhua.licensing.choices import OBLIGATION_STATUS_LABELS, LicenceStatus
from zhuanhua.licensing.models import Licence, Payment, RevenueReport
from zhuanhua.licensing.termination import ERR_REASON, Line, termination_panel

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _date(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE_WIDGET, **kwargs)


def _reason(label: str, required: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text,
        error_messages={"required": required},
    )


class CureNoticeForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    obligations = forms.MultipleChoiceField(
        label="逾期未履行的义务", widget=forms.CheckboxSelectMultiple
    )
    cure_deadline = _date("补救期限")
    note = forms.CharField(
        label="补充说明（可选）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, lines: list[Line] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["obligations"])
        field.choices = [
            (
                line.ref,
                f"{line.label}：{OBLIGATION_STATUS_LABELS.get(line.status, line.status)}"
                + (f"，未付 {line.outstanding} 元" if line.outstanding is not None else ""),
            )
            for line in lines
        ]
        if not self.is_bound:
            self.initial.setdefault("obligations", [line.ref for line in lines])


class TerminateForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    terminated_on = _date("终止日")
    reason = _reason("解除原因", ERR_REASON, "将写入审计记录并通知被许可方。")


class TerminationProposalForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    terminated_on = _date("拟终止日", help_text="不晚于今天；终止日前已发生的付款义务仍须履行。")
    reason = _reason("解除原因", ERR_REASON)


class ReportCorrectionForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    period_start = forms.ChoiceField(label="更正的期间")
    revenue_amount = forms.DecimalField(
        label="更正后的实际收入（元）", min_value=0, decimal_places=2, max_digits=17
    )
    reason = _reason(
        "更正原因", services.ERR_CORRECTION_REASON, "原报告保留在记录中，以更正后的报告计算提成。"
    )

    def __init__(self, *args: Any, reports: list[RevenueReport] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["period_start"]).choices = [
            (
                r.period_start.isoformat(),
                f"{r.period_start} 至 {r.period_end}（现为 {r.revenue_amount} 元）",
            )
            for r in reports
        ]


class PaymentReversalForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    reversed_on = _date("冲正日期")
    reason = _reason("冲正原因", services.ERR_REVERSAL_REASON, "如：退票、退款、重复登记。")


def current_reports(licence: Licence) -> list[RevenueReport]:
    """The report of each period that counts now (not superseded), in period order."""
    return list(
        RevenueReport.objects.filter(licence=licence, superseded_by__isnull=True).order_by(
            "period_start"
        )
    )


def panel_context(
    user: Visitor, licence: Licence, forms_: dict[str, Any], today: dt.date
) -> dict[str, Any]:
    """The licence page's context for termination, corrections and reversals."""
    panel = termination_panel(user, licence, today)
    is_licensee = services.is_licensee_agent(user, licence.licensee_id)
    is_licensor = services.is_licensor_editor(user, licence.licensor_id)
    money = licence.status in services.MONEY_LICENCE_STATES
    reports = current_reports(licence) if is_licensee and money else []
    reversible = (
        list(
            Payment.objects.filter(
                licence=licence, reversed_on__isnull=True, voucher_amount=0
            ).order_by("paid_on", "pk")
        )
        if is_licensor and money
        else []
    )
    return {
        "termination": panel,
        "ended": licence.status in {LicenceStatus.TERMINATED, LicenceStatus.EXPIRED},
        "cure_form": forms_.get("cure_form")
        or CureNoticeForm(lines=panel.nameable, initial={"cure_deadline": panel.default_deadline}),
        "terminate_form": forms_.get("terminate_form")
        or TerminateForm(initial={"terminated_on": today}),
        "proposal_form": forms_.get("proposal_form")
        or TerminationProposalForm(initial={"terminated_on": today}),
        "can_correct": bool(reports),
        "correction_form": forms_.get("correction_form") or ReportCorrectionForm(reports=reports),
        "reversible_ids": {p.pk for p in reversible},
        "reversal_form": forms_.get("reversal_form")
        or PaymentReversalForm(initial={"reversed_on": today}),
        "reversal_payment_id": forms_.get("reversal_payment_id"),
        "reversal_default_on": today,
    }
