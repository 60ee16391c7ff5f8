"""The browser's date pickers for a licence's payments, revenue reports and milestones offer only
what the service accepts: from the licence's start to today (issue 21.5)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from zhuanhua.licensing.forms import MilestoneForm, PaymentForm, RevenueReportForm

START = dt.date(2025, 3, 1)


def _bounds(html: str, name: str) -> tuple[str | None, str | None]:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert tag, name
    low, high = re.search(r'min="([^"]*)"', tag[0]), re.search(r'max="([^"]*)"', tag[0])
    return (low[1] if low else None), (high[1] if high else None)


def test_each_licence_date_field_runs_from_the_licence_start_to_today():
    today = timezone.localdate().isoformat()
    forms = [
        (PaymentForm(start=START), "paid_on"),
        (RevenueReportForm(periods=[], start=START), "reported_on"),
        (MilestoneForm(keys=["中试完成"], start=START), "achieved_on"),
    ]
    for form, field in forms:
        assert _bounds(str(form[field]), field) == ("2025-03-01", today)


def test_bounds_belong_to_one_form_not_the_class():
    PaymentForm(start=START)
    assert _bounds(str(PaymentForm()["paid_on"]), "paid_on")[0] is None


def test_licence_page_payment_picker_starts_at_the_licence_start(client, active_licence, manager_a):
    client.force_login(manager_a)
    html = client.get(f"/licensing/licences/{active_licence.pk}/").content.decode()

    low, high = _bounds(html, "paid_on")
    assert low == active_licence.start.isoformat()
    assert high == timezone.localdate().isoformat()
