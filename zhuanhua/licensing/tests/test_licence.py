"""Living the licence: revenue reports and payments → the engine's plan; idempotent API writes;
the daily alert job."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.core.inputs import ERR_MONEY_NEGATIVE
from zhuanhua.licensing import services
from zhuanhua.licensing.jobs import licensing_alerts_due
from zhuanhua.licensing.models import IdempotencyKey, LicenceAlert, Payment, RevenueReport
from zhuanhua.licensing.selectors import licence_plan
from zhuanhua.licensing.services import payment_record, revenue_report_file
from zhuanhua.licensing.tests.conftest import post_json, signed_pdf

AS_OF = dt.date(2025, 8, 15)


def _live(licence, licensee_user, manager_a):
    """Q1 2025 reported (200 000 yuan), Q2 not; 15 000 yuan paid on 1 February."""
    revenue_report_file(
        user=licensee_user,
        licence=licence,
        period_start="2025-01-01",
        revenue_amount="200000",
        reported_on="2025-04-10",
    )
    payment_record(
        user=manager_a, licence=licence, amount="15000", paid_on="2025-02-01", ref="银行回单 001"
    )
    return licence


@pytest.fixture
def lived(active_licence, licensee_user, manager_a):
    """A signed licence (1 January 2025) with a report and a payment."""
    return _live(active_licence, licensee_user, manager_a)


@pytest.fixture
def lived_draft(licence, licensee_user, manager_a):
    """The same records on a licence whose contract is not signed yet."""
    return _live(licence, licensee_user, manager_a)


def test_reports_and_payments_drive_the_engines_plan(lived):
    plan = licence_plan(lived, AS_OF)
    got = [
        (
            r["kind_label"],
            r["what"],
            r["o"].amount,
            r["o"].due,
            r["o"].paid,
            r["o"].outstanding,
            r["status_label"],
            r["o"].days_overdue,
        )
        for r in plan.rows
    ]
    assert got == [
        (
            "门槛费",
            "门槛费",
            Decimal("10000.00"),
            dt.date(2025, 1, 1),
            Decimal("10000.00"),
            Decimal("0.00"),
            "已付清",
            None,
        ),
        (
            "阶段性支付",
            "首付节点",
            Decimal("50000.00"),
            dt.date(2025, 6, 30),
            Decimal("0.00"),
            Decimal("50000.00"),
            "逾期",
            46,
        ),
        (
            "收入提成",
            "2025-01-01 至 2025-03-31",
            Decimal("10000.00"),
            dt.date(2025, 4, 30),
            Decimal("5000.00"),
            Decimal("5000.00"),
            "逾期",
            107,
        ),
        (
            "收入提成",
            "2025-04-01 至 2025-06-30",
            None,
            None,
            Decimal("0.00"),
            None,
            "报告缺失",
            None,
        ),
    ]
    t = plan.totals
    assert (t.billed, t.scheduled, t.paid, t.outstanding, t.overdue, t.unallocated) == (
        Decimal("70000.00"),
        Decimal("0.00"),
        Decimal("15000.00"),
        Decimal("55000.00"),
        Decimal("55000.00"),
        Decimal("0.00"),
    )
    assert [(a["a"].code, a["ref"]) for a in plan.alerts] == [
        ("overdue", "首付节点"),
        ("overdue", "2025-01-01"),
        ("report_missing", "2025-04-01"),
        ("default_risk", ""),
    ]


def test_before_the_reports_are_due_a_period_awaits_its_report(lived):
    plan = licence_plan(lived, dt.date(2025, 7, 10))
    assert [r["status_label"] for r in plan.rows] == ["已付清", "逾期", "逾期", "待报告"]


def test_paying_everything_clears_the_plan(lived, manager_a, licensee_user):
    revenue_report_file(
        user=licensee_user,
        licence=lived,
        period_start="2025-04-01",
        revenue_amount="100000",
        reported_on="2025-07-20",
    )
    payment_record(user=manager_a, licence=lived, amount="60000", paid_on="2025-08-01")
    plan = licence_plan(lived, AS_OF)
    assert [r["status_label"] for r in plan.rows] == ["已付清"] * 4
    assert plan.rows[3]["o"].amount == Decimal("5000.00")  # 5 % of 100 000
    assert plan.rows[3]["o"].due == dt.date(2025, 7, 30)
    assert (plan.totals.paid, plan.totals.outstanding) == (Decimal("75000.00"), Decimal("0.00"))
    assert plan.alerts == []


def test_revenue_report_refusals_change_nothing(lived, licensee_user, manager_a):
    cases = [
        (licensee_user, {"period_start": "2025-01-01"}, {"period_start": ["该期间已报送过收入"]}),
        (
            licensee_user,
            {"period_start": "2025-02-01"},
            {"period_start": ["报告期间必须是许可的提成期间之一"]},
        ),
        (
            licensee_user,
            {"period_start": "2025-04-01", "reported_on": "2025-06-30"},
            {"period_start": ["该期间尚未结束（2025-06-30），期间结束后方可报送"]},
        ),
        (
            licensee_user,
            {"period_start": "2025-04-01", "revenue_amount": "-5"},
            {"revenue_amount": [ERR_MONEY_NEGATIVE]},
        ),
    ]
    for user, change, errors in cases:
        kwargs = {
            "period_start": "2025-04-01",
            "revenue_amount": "100",
            "reported_on": "2025-07-05",
            **change,
        }
        with pytest.raises(ValidationError) as exc:
            revenue_report_file(user=user, licence=lived, **kwargs)
        assert exc.value.message_dict == errors
    with pytest.raises(PermissionDenied):
        revenue_report_file(
            user=manager_a,
            licence=lived,
            period_start="2025-04-01",
            revenue_amount="1",
            reported_on="2025-07-05",
        )
    assert RevenueReport.objects.count() == 1


def test_only_the_licensor_records_payments(lived, licensee_user):
    with pytest.raises(PermissionDenied):
        payment_record(user=licensee_user, licence=lived, amount="1", paid_on="2025-02-01")
    with pytest.raises(ValidationError):
        services.payment_record(
            user=lived.inquiry.offer.created_by, licence=lived, amount="0", paid_on="2025-02-01"
        )
    assert Payment.objects.count() == 1


def test_licence_page_shows_the_plan_to_both_parties(client, lived, licensee_user, manager_a):
    for user in (licensee_user, manager_a):
        client.force_login(user)
        page = client.get(f"/licensing/licences/{lived.pk}/?as_of=2025-08-15")
        assert page.status_code == 200
        html = page.content.decode()
        for text in ("已付清", "逾期", "报告缺失", "55000.00", "违约风险"):
            assert text in html


# --------------------------------------------------------------------------------------------
# Idempotency


def test_same_key_same_body_records_once(client, licence, manager_a):
    client.force_login(manager_a)
    url = f"/api/licensing/licences/{licence.pk}/payments"
    body = {"amount": "15000", "paid_on": "2025-02-01", "ref": "回单 7"}
    first = post_json(client, url, body, **{"Idempotency-Key": "pay-1"})
    again = post_json(client, url, {**body, "amount": 15000}, **{"Idempotency-Key": "pay-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["amount"] == "15000.00"
    assert Payment.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_same_key_other_body_is_409_and_records_nothing(client, licence, manager_a):
    client.force_login(manager_a)
    url = f"/api/licensing/licences/{licence.pk}/payments"
    post_json(
        client, url, {"amount": "15000", "paid_on": "2025-02-01"}, **{"Idempotency-Key": "pay-1"}
    )
    conflict = post_json(
        client, url, {"amount": "16000", "paid_on": "2025-02-01"}, **{"Idempotency-Key": "pay-1"}
    )
    assert conflict.status_code == 409
    assert conflict.json() == {"detail": "该 Idempotency-Key 已用于另一内容不同的请求"}
    assert [p.amount for p in Payment.objects.all()] == [Decimal("15000.00")]


def test_revenue_report_api_is_idempotent(client, licence, licensee_user):
    client.force_login(licensee_user)
    url = f"/api/licensing/licences/{licence.pk}/revenue-reports"
    body = {"period_start": "2025-01-01", "revenue_amount": "200000", "reported_on": "2025-04-10"}
    first = post_json(client, url, body, **{"Idempotency-Key": "q1"})
    again = post_json(client, url, body, **{"Idempotency-Key": "q1"})
    assert first.status_code == again.status_code == 201, first.content
    assert first.json() == again.json()
    assert first.json()["period_end"] == "2025-03-31"
    assert RevenueReport.objects.count() == 1
    other = post_json(client, url, {**body, "revenue_amount": "1"}, **{"Idempotency-Key": "q1"})
    assert other.status_code == 409
    duplicate = post_json(client, url, body, **{"Idempotency-Key": "q1-retry-new-key"})
    assert duplicate.status_code == 422
    assert duplicate.json()["detail"] == [
        {"field": "period_start", "message": "该期间已报送过收入"}
    ]
    assert RevenueReport.objects.count() == 1


def test_without_a_key_each_request_records(client, licence, manager_a):
    client.force_login(manager_a)
    url = f"/api/licensing/licences/{licence.pk}/payments"
    for _ in range(2):
        assert post_json(client, url, {"amount": "1", "paid_on": "2025-02-01"}).status_code == 201
    assert Payment.objects.count() == 2
    assert IdempotencyKey.objects.count() == 0


def test_concurrent_race_answers_from_the_winner(licence, manager_a, monkeypatch):
    """The loser read no key, then hit the unique constraint: its payment rolls back."""
    body = {"amount": "100.00"}
    winner = payment_record(user=manager_a, licence=licence, amount="100", paid_on="2025-02-01")
    IdempotencyKey.objects.create(
        licence=licence,
        key="race",
        fingerprint=services.fingerprint("payments", body),
        response_status=201,
        response_body={"id": winner.pk},
    )
    real_replay = services._replay
    calls = []

    def stale_first_read(*args):
        calls.append(args)
        return None if len(calls) == 1 else real_replay(*args)

    monkeypatch.setattr(services, "_replay", stale_first_read)

    def action():
        payment = payment_record(
            user=manager_a, licence=licence, amount="100", paid_on="2025-02-01"
        )
        return 201, {"id": payment.pk}

    status, response = services.run_idempotent(
        licence=licence, key="race", endpoint="payments", body=body, action=action
    )
    assert (status, response) == (201, {"id": winner.pk})
    assert list(Payment.objects.values_list("pk", flat=True)) == [winner.pk]


# --------------------------------------------------------------------------------------------
# Alerts


def test_alert_job_notifies_each_alert_once(
    django_capture_on_commit_callbacks, lived_draft, manager_a, licensee_user
):
    manager_a.email = "unit@example.com"
    manager_a.save()
    assert licensing_alerts_due(AS_OF)["licences"] == 0  # a draft contract is not active yet
    services.licence_activate(
        user=manager_a, licence=lived_draft, signed_on=dt.date(2025, 1, 1), signed_pdf=signed_pdf()
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        summary = licensing_alerts_due(AS_OF)
    assert summary == {
        "licences": 1,
        "alerts": 4,
        "new_alerts": 4,
        "notified": 8,
        "claims": 0,
        "errors": 0,
    }
    assert sorted((a.code, a.ref) for a in LicenceAlert.objects.all()) == [
        ("default_risk", ""),
        ("overdue", "2025-01-01"),
        ("overdue", "首付节点"),
        ("report_missing", "2025-04-01"),
    ]
    assert len(mail.outbox) == 8
    assert {tuple(m.to) for m in mail.outbox} == {("unit@example.com",), ("licensee@example.com",)}
    assert any("付款逾期" in m.subject for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = licensing_alerts_due(AS_OF)
        later = licensing_alerts_due(AS_OF + dt.timedelta(days=1))
    assert again["new_alerts"] == later["new_alerts"] == 0
    assert len(mail.outbox) == 8
    assert LicenceAlert.objects.count() == 4


# --------------------------------------------------------------------------------------------
# Before signing: a preview, no alerts


def test_an_unsigned_licence_plan_raises_no_alerts(lived_draft):
    plan = licence_plan(lived_draft, AS_OF)
    assert plan.in_force is False
    assert plan.alerts == []
    assert [(r["status_label"], r["days_overdue"]) for r in plan.rows] == [
        ("已付清", None),
        ("已到期（合同未签订）", None),
        ("已到期（合同未签订）", None),
        ("报告缺失", None),
    ]
    doc = plan.to_json()
    assert (doc["in_force"], doc["alerts"]) == (False, [])
    assert [o["status"] for o in doc["obligations"]] == [  # the engine's own words are kept
        "paid",
        "overdue",
        "overdue",
        "report_missing",
    ]


def test_signing_turns_the_alerts_on(lived_draft, manager_a):
    signed = services.licence_activate(
        user=manager_a, licence=lived_draft, signed_on=dt.date(2025, 1, 1), signed_pdf=signed_pdf()
    )
    plan = licence_plan(signed, AS_OF)
    assert plan.in_force is True
    assert [a["a"].code for a in plan.alerts] == [
        "overdue",
        "overdue",
        "report_missing",
        "default_risk",
    ]
    assert [r["days_overdue"] for r in plan.rows] == [None, 46, 107, None]


def test_unsigned_licence_page_shows_no_payment_alerts(
    client, lived_draft, manager_a, licensee_user
):
    for user in (licensee_user, manager_a):
        client.force_login(user)
        html = client.get(
            f"/licensing/licences/{lived_draft.pk}/?as_of=2025-08-15"
        ).content.decode()
        assert 'data-testid="plan-preview"' in html
        assert "登记合同签订后才计逾期并发出付款、报告提醒" in html
        assert 'data-testid="plan-alert"' not in html
        for text in ("付款逾期", "违约风险", "46 天", "text-bg-danger"):
            assert text not in html
        assert "已到期（合同未签订）" in html


def test_signed_licence_page_shows_the_alerts(client, lived, manager_a):
    client.force_login(manager_a)
    html = client.get(f"/licensing/licences/{lived.pk}/?as_of=2025-08-15").content.decode()
    assert html.count('data-testid="plan-alert"') == 4
    assert 'data-testid="plan-preview"' not in html
    assert "46 天" in html


def test_api_plan_of_an_unsigned_licence_has_no_alerts(
    client, lived_draft, licensee_user, manager_a
):
    client.force_login(licensee_user)
    url = f"/api/licensing/licences/{lived_draft.pk}"
    draft = client.get(url).json()["plan"]
    assert (draft["in_force"], draft["alerts"]) == (False, [])
    services.licence_activate(
        user=manager_a, licence=lived_draft, signed_on=dt.date(2025, 1, 1), signed_pdf=signed_pdf()
    )
    signed = client.get(url).json()["plan"]
    assert signed["in_force"] is True
    assert {"code": "default_risk", "key": None, "period_start": None} in signed["alerts"]
