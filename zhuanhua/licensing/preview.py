"""The terms editor's live preview: the payment plan the engine computes for a sample revenue.

The licensee's yearly revenue is a figure the person types (示例年收入); each royalty period is
reported with its share of the year by days (as the fee-model comparison does), the plan is
taken after the last payment falls due, and every obligation is listed with its amount and due
date. Milestone installments stay pending: nobody knows when a milestone will be reached.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhuanhua.core.inputs import InputProblem
from zhuanhua.engines import licensing as engine
from zhuanhua.engines import messages
from zhuanhua.licensing.compare import _reports as sample_reports
from zhuanhua.licensing.diff import past_start
from zhuanhua.licensing.terms_form import TermsEditor, money_input, parse_yuan

DEFAULT_SAMPLE_REVENUE = Decimal("1000000")
ZERO = Decimal("0.00")


@dataclass
class PreviewLine:
    """One obligation of the plan as the preview lists it."""

    kind: str
    label: str
    base: Decimal | None  # the period's sample revenue (royalty lines)
    amount: Decimal | None
    due: dt.date | None
    note: str


@dataclass
class Preview:
    start: dt.date
    end: dt.date
    sample_revenue: Decimal
    lines: list[PreviewLine]
    upfront_total: Decimal
    installment_total: Decimal
    royalty_total: Decimal
    pending_total: Decimal  # milestone installments, due only once the milestone is reached
    total: Decimal  # what the engine bills over the whole term (billed + scheduled)
    has_royalty: bool


def preview_as_of(terms: engine.Terms) -> dt.date:
    """A day after every dated amount of the plan has fallen due."""
    days = 1
    if terms.royalty is not None:
        days += terms.royalty.report_within_days + terms.royalty.pay_within_days
    dues = [terms.end + dt.timedelta(days=days)]
    if terms.upfront_due is not None:
        dues.append(terms.upfront_due)
    dues += [i.due for i in terms.installments if i.due is not None]
    return max(dues)


def payment_preview(terms: engine.Terms, sample_revenue: Decimal) -> Preview:
    """The engine's plan for ``terms`` if the licensee earns ``sample_revenue`` a year."""
    reports = sample_reports(terms, sample_revenue, Decimal(0))
    schedule = engine.compute_schedule(terms, [], reports, [], preview_as_of(terms))
    milestones = {i.key: i for i in terms.installments}
    lines: list[PreviewLine] = []
    sums = {engine.UPFRONT: ZERO, engine.INSTALLMENT: ZERO, engine.ROYALTY: ZERO}
    pending = ZERO
    for o in schedule.obligations:
        note = ""
        if o.kind == engine.UPFRONT:
            label = "门槛费"
        elif o.kind == engine.INSTALLMENT:
            label = f"阶段性支付·{o.key}"
            inst = milestones.get(o.key or "")
            if o.status == engine.PENDING_MILESTONE and inst is not None:
                note = f"“{inst.milestone}”达成后 {inst.days_after} 天内"
        else:
            label = f"收入提成 {o.period_start} 至 {o.period_end}"
        if o.status == engine.PENDING_MILESTONE:
            pending += o.amount or ZERO
        elif o.amount is not None:
            sums[o.kind] += o.amount
        lines.append(PreviewLine(o.kind, label, o.base, o.amount, o.due, note))
    t = schedule.totals
    return Preview(
        start=terms.start,
        end=terms.end,
        sample_revenue=sample_revenue,
        lines=lines,
        upfront_total=sums[engine.UPFRONT],
        installment_total=sums[engine.INSTALLMENT],
        royalty_total=sums[engine.ROYALTY],
        pending_total=pending,
        total=t.billed + t.scheduled,
        has_royalty=terms.royalty is not None,
    )


ERR_SAMPLE = "示例年收入应为金额（元），如 1,000,000"


def preview_context(
    editor: TermsEditor, *, term_months: Any = None, sample_text: str = "", today: dt.date
) -> dict[str, Any]:
    """The preview panel's context: the plan, or the editor's errors that prevent one."""
    sample = DEFAULT_SAMPLE_REVENUE
    sample_error = ""
    if sample_text.strip():
        try:
            sample = parse_yuan(sample_text)
        except InputProblem:
            sample_error = ERR_SAMPLE
    terms = editor.clean(term_months=term_months, today=today)
    context: dict[str, Any] = {
        "sample_input": sample_text.strip() or money_input(sample),
        "sample_error": sample_error,
        "preview": None,
        "preview_errors": [
            f"{messages.field_label(path, '支付条款')}：{text}"
            if path and path != "term_months"
            else text
            for path, texts in editor.errors.items()
            for text in texts
        ],
    }
    if terms is not None and not sample_error:
        context["preview"] = payment_preview(terms, sample)
    if terms is not None and editor.raw is not None and editor.with_term:
        # A start moved into the past: what would already be due today (as the diff will flag).
        context["past_start"] = past_start(editor.raw, today)
    return context
