"""Corrections (更正) and reversals (冲正) as records, never edits (issue 20.3): the services, the
plan they feed, the API with Idempotency-Key, the Excel imports and the licence page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.audit.models import AuditEntry
from zhuanhua.licensing import services
from zhuanhua.licensing.models import Payment, RevenueReport
from zhuanhua.licensing.selectors import licence_plan
from zhuanhua.licensing.services import (
    ERR_ALREADY_REVERSED,
    ERR_CORRECTION_BEFORE,
    ERR_CORRECTION_REASON,
    ERR_CORRECTION_SAME,
    ERR_NOT_REVERSER,
    ERR_NOTHING_TO_CORRECT,
    ERR_REVERSAL_REASON,
    ERR_REVERSED_BEFORE_PAID,
    payment_record,
    payment_reverse,
    revenue_report_correct,
    revenue_report_file,
)
from zhuanhua.licensing.tests.conftest import post_json
from zhuanhua.licensing.tests.test_imports import post_reports, post_statement, xlsx
from zhuanhua.notifications.models import Notification

AS_OF = dt.date(2025, 8, 15)


@pytest.fixture
def reported(active_licence, licensee_user):
    """Q1 2025 reported on 2025-04-10: 200 000 yuan (a typo: it was 120 000)."""
    return revenue_report_file(
        user=licensee_user,
        licence=active_licence,
        period_start="2025-01-01",
        revenue_amount="200000",
        reported_on="2025-04-10",
    )


@pytest.fixture
def paid(active_licence, manager_a):
    return payment_record(
        user=manager_a, licence=active_licence, amount="10000", paid_on="2025-02-01", ref="BK001"
    )


def _q1(licence, as_of=AS_OF):
    return next(r["o"] for r in licence_plan(licence, as_of).rows if r["o"].kind == "royalty")


def _state():
    return (
        list(RevenueReport.objects.order_by("pk").values_list("revenue_amount", "supersedes")),
        list(Payment.objects.order_by("pk").values_list("reversed_on", "reversal_reason")),
        AuditEntry.objects.count(),
    )


# --------------------------------------------------------------------------------------------
# Corrections


def test_a_correction_supersedes_the_report_and_keeps_it(
    reported, active_licence, licensee_user, manager_a
):
    correction = revenue_report_correct(
        user=licensee_user,
        licence=active_licence,
        period_start="2025-01-01",
        revenue_amount="120000",
        reason="财务录入错误，多录一位",
        reported_on="2025-05-02",
    )
    assert (correction.supersedes_id, correction.correction_reason) == (
        reported.pk,
        "财务录入错误，多录一位",
    )
    assert RevenueReport.objects.count() == 2  # the original is kept
    assert RevenueReport.objects.get(pk=reported.pk).revenue_amount == Decimal("200000.00")
    # The plan as known on each date: before the correction the original counted.
    assert _q1(active_licence, dt.date(2025, 5, 1)).amount == Decimal("10000.00")
    assert _q1(active_licence).amount == Decimal("6000.00")
    entry = AuditEntry.objects.filter(action="licence.revenue_correct").get()
    assert entry.detail == {"supersedes": reported.pk, "reason": "财务录入错误，多录一位"}
    told = Notification.objects.filter(user=manager_a).order_by("pk").last()
    assert told.title == "被许可方更正了收入报告（2025-01-01 至 2025-03-31）"
    assert "由 200,000.00 元更正为 120,000.00 元" in told.body


def test_a_correction_filed_the_same_day_replaces_the_report_in_the_plan(
    active_licence, licensee_user
):
    revenue_report_file(
        user=licensee_user,
        licence=active_licence,
        period_start="2025-01-01",
        revenue_amount="200000",
        reported_on="2025-04-10",
    )
    revenue_report_correct(
        user=licensee_user,
        licence=active_licence,
        period_start="2025-01-01",
        revenue_amount="100000",
        reason="当日发现错误",
        reported_on="2025-04-10",
    )
    assert _q1(active_licence).amount == Decimal("5000.00")


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"reason": " "}, "reason", ERR_CORRECTION_REASON),
        ({"period_start": "2025-04-01"}, "period_start", ERR_NOTHING_TO_CORRECT),
        (
            {"reported_on": "2025-04-09"},
            "reported_on",
            ERR_CORRECTION_BEFORE.format(date=dt.date(2025, 4, 10)),
        ),
        (
            {"revenue_amount": "200000.00"},
            "revenue_amount",
            ERR_CORRECTION_SAME.format(amount="200,000.00"),
        ),
    ],
)
def test_correction_refusals_change_nothing(
    reported, active_licence, licensee_user, kwargs, field, message
):
    args = {
        "period_start": "2025-01-01",
        "revenue_amount": "120000",
        "reason": "录入错误",
        "reported_on": "2025-05-02",
        **kwargs,
    }
    before = _state()
    with pytest.raises(ValidationError) as exc:
        revenue_report_correct(user=licensee_user, licence=active_licence, **args)
    assert exc.value.message_dict == {field: [message]}
    assert _state() == before


def test_only_the_licensee_corrects_its_report(reported, active_licence, manager_a):
    before = _state()
    with pytest.raises(PermissionDenied):
        revenue_report_correct(
            user=manager_a,
            licence=active_licence,
            period_start="2025-01-01",
            revenue_amount="1",
            reason="x",
        )
    assert _state() == before


def test_a_correction_of_a_correction_chains(reported, active_licence, licensee_user):
    first = revenue_report_correct(
        user=licensee_user,
        licence=active_licence,
        period_start="2025-01-01",
        revenue_amount="120000",
        reason="一",
        reported_on="2025-05-02",
    )
    second = revenue_report_correct(
        user=licensee_user,
        licence=active_licence,
        period_start="2025-01-01",
        revenue_amount="110000",
        reason="二",
        reported_on="2025-05-03",
    )
    assert second.supersedes_id == first.pk
    assert _q1(active_licence).amount == Decimal("5500.00")


# --------------------------------------------------------------------------------------------
# Reversals


def test_a_reversal_keeps_the_payment_and_stops_it_counting(
    paid, active_licence, manager_a, licensee_user
):
    payment = payment_reverse(
        user=manager_a, payment=paid, reversed_on="2025-02-05", reason="退票：对方账户冻结"
    )
    assert (payment.reversed_on, payment.reversal_reason, payment.amount) == (
        dt.date(2025, 2, 5),
        "退票：对方账户冻结",
        Decimal("10000.00"),
    )
    assert licence_plan(active_licence, dt.date(2025, 2, 4)).totals.paid == Decimal("10000.00")
    assert licence_plan(active_licence, dt.date(2025, 2, 5)).totals.paid == Decimal("0.00")
    entry = AuditEntry.objects.filter(action="licence.payment_reverse").get()
    assert entry.detail == {
        "licence": active_licence.pk,
        "reversed_on": "2025-02-05",
        "reason": "退票：对方账户冻结",
    }
    told = Notification.objects.filter(user=licensee_user).order_by("pk").last()
    assert told.title == "许可方冲正了一笔付款（10,000.00 元）"


def test_a_reversal_by_the_licensee_is_refused(paid, licensee_user):
    before = _state()
    with pytest.raises(PermissionDenied, match=ERR_NOT_REVERSER):
        payment_reverse(user=licensee_user, payment=paid, reversed_on="2025-02-05", reason="x")
    assert _state() == before


@pytest.mark.parametrize(
    ("reversed_on", "reason", "field", "message"),
    [
        ("2025-02-05", "", "reason", ERR_REVERSAL_REASON),
        (
            "2025-01-31",
            "退款",
            "reversed_on",
            ERR_REVERSED_BEFORE_PAID.format(date=dt.date(2025, 2, 1)),
        ),
    ],
)
def test_reversal_refusals_change_nothing(paid, manager_a, reversed_on, reason, field, message):
    before = _state()
    with pytest.raises(ValidationError) as exc:
        payment_reverse(user=manager_a, payment=paid, reversed_on=reversed_on, reason=reason)
    assert exc.value.message_dict == {field: [message]}
    assert _state() == before


def test_a_payment_is_reversed_once(paid, manager_a):
    payment_reverse(user=manager_a, payment=paid, reversed_on="2025-02-05", reason="重复登记")
    before = _state()
    with pytest.raises(ValidationError) as exc:
        payment_reverse(user=manager_a, payment=paid, reversed_on="2025-02-06", reason="再次")
    assert exc.value.message_dict == {
        "reversed_on": [ERR_ALREADY_REVERSED.format(date=dt.date(2025, 2, 5))]
    }
    assert _state() == before


# --------------------------------------------------------------------------------------------
# API (Idempotency-Key as for reports and payments)


def test_correction_api_is_idempotent(client, reported, active_licence, licensee_user):
    client.force_login(licensee_user)
    url = f"/api/licensing/licences/{active_licence.pk}/revenue-reports/corrections"
    body = {
        "period_start": "2025-01-01",
        "revenue_amount": "120000",
        "reason": "录入错误",
        "reported_on": "2025-05-02",
    }
    first = post_json(client, url, body, **{"Idempotency-Key": "corr-1"})
    again = post_json(client, url, body, **{"Idempotency-Key": "corr-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["supersedes_id"] == reported.pk
    assert first.json()["correction_reason"] == "录入错误"
    assert RevenueReport.objects.count() == 2
    other = post_json(client, url, {**body, "revenue_amount": "1"}, **{"Idempotency-Key": "corr-1"})
    assert other.status_code == 409
    assert RevenueReport.objects.count() == 2


def test_reversal_api_is_idempotent_and_refuses_the_licensee(
    client, paid, active_licence, manager_a, licensee_user
):
    url = f"/api/licensing/licences/{active_licence.pk}/payments/{paid.pk}/reversal"
    body = {"reversed_on": "2025-02-05", "reason": "退票"}
    client.force_login(licensee_user)
    assert post_json(client, url, body).status_code == 403
    assert Payment.objects.get().reversed_on is None
    client.force_login(manager_a)
    first = post_json(client, url, body, **{"Idempotency-Key": "rev-1"})
    again = post_json(client, url, body, **{"Idempotency-Key": "rev-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["reversed_on"] == "2025-02-05"
    assert again.json() == first.json()
    assert AuditEntry.objects.filter(action="licence.payment_reverse").count() == 1
    plan = client.get(f"/api/licensing/licences/{active_licence.pk}").json()
    assert plan["plan"]["totals"]["paid"] == "0.00"


# --------------------------------------------------------------------------------------------
# Excel imports


def test_a_revenue_sheet_row_with_a_reason_is_a_correction(
    client, reported, active_licence, licensee_user
):
    client.force_login(licensee_user)
    upload = xlsx(
        [
            ["期间起", "期间止", "营业收入（元）", "更正原因"],
            ["2025-01-01", "2025-03-31", 120000, "财务复核后更正"],
        ]
    )
    response = post_reports(client, active_licence, upload)
    assert response.status_code == 302
    latest = RevenueReport.objects.order_by("pk").last()
    assert (latest.supersedes_id, latest.revenue_amount, latest.correction_reason) == (
        reported.pk,
        Decimal("120000.00"),
        "财务复核后更正",
    )


def test_a_revenue_sheet_row_without_a_reason_does_not_overwrite(
    client, reported, active_licence, licensee_user
):
    client.force_login(licensee_user)
    upload = xlsx([["期间起", "期间止", "营业收入（元）"], ["2025-01-01", "2025-03-31", 120000]])
    response = post_reports(client, active_licence, upload)
    assert response.status_code == 422
    assert "第 2 行“期间起”：该期间已报送过收入" in response.content.decode()
    assert RevenueReport.objects.count() == 1


def test_a_bank_statement_row_with_a_reason_reverses_the_payment_once(
    client, paid, active_licence, manager_a
):
    client.force_login(manager_a)
    rows = [
        ["交易日期", "金额（元）", "流水号", "付款方", "摘要", "冲正原因"],
        ["2025-02-01", 10000, "BK001", "昆明氢能科技有限公司", "门槛费", ""],
        ["2025-02-06", 10000, "BK001", "昆明氢能科技有限公司", "退票", "银行退票"],
    ]
    response = post_statement(client, active_licence, xlsx(rows))
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.reversed_on, payment.reversal_reason) == (dt.date(2025, 2, 6), "银行退票")
    # The same statement again: the payment row and the reversal row are both skipped.
    response = post_statement(client, active_licence, xlsx(rows))
    assert response.status_code == 302
    assert Payment.objects.count() == 1
    assert AuditEntry.objects.filter(action="licence.payment_reverse").count() == 1


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ["2025-02-06", 10000, "BK999", "x", "退票", "退票"],
            "第 2 行“流水号”：没有凭证号为“BK999”的付款可冲正",
        ),
        (
            ["2025-02-06", 9000, "BK001", "x", "退票", "退票"],
            "第 2 行“金额（元）”：冲正金额（9,000.00 元）与原付款金额（10,000.00 元）不符",
        ),
        (["2025-02-06", 10000, "", "x", "退票", "退票"], "第 2 行：冲正须填写被冲正付款的“流水号”"),
    ],
)
def test_bad_reversal_rows_record_nothing(client, paid, active_licence, manager_a, row, message):
    client.force_login(manager_a)
    header = ["交易日期", "金额（元）", "流水号", "付款方", "摘要", "冲正原因"]
    response = post_statement(client, active_licence, xlsx([header, row]))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Payment.objects.get().reversed_on is None


# --------------------------------------------------------------------------------------------
# Pages


def test_the_pages_correct_and_reverse(
    client, reported, paid, active_licence, licensee_user, manager_a
):
    client.force_login(licensee_user)
    page = client.get(f"/licensing/licences/{active_licence.pk}/").content.decode()
    assert 'data-testid="report-correct"' in page
    assert 'data-testid="payment-reverse"' not in page  # the licensee never reverses
    response = client.post(
        f"/licensing/licences/{active_licence.pk}/revenue-reports/correct/",
        {"period_start": "2025-01-01", "revenue_amount": "120000", "reason": "录入错误"},
    )
    assert response.status_code == 302
    client.force_login(manager_a)
    page = client.get(f"/licensing/licences/{active_licence.pk}/").content.decode()
    assert 'data-testid="report-correction"' in page
    assert "已被更正" in page
    response = client.post(
        f"/licensing/licences/{active_licence.pk}/payments/{paid.pk}/reverse/",
        {"reversed_on": "2025-02-05", "reason": ""},
    )
    assert response.status_code == 422
    assert services.ERR_REVERSAL_REASON in response.content.decode()
    response = client.post(
        f"/licensing/licences/{active_licence.pk}/payments/{paid.pk}/reverse/",
        {"reversed_on": "2025-02-05", "reason": "退票"},
    )
    assert response.status_code == 302
    page = client.get(f"/licensing/licences/{active_licence.pk}/").content.decode()
    assert 'data-testid="payment-reversed"' in page
    assert "已冲正" in page
