"""A licence payment made partly or wholly with innovation vouchers (指引第七条（四）, 措施十四):
the voucher part is spent from the licensee's quota of the payment's year by the vouchers app,
within 50% of the registered contract, in the same transaction as the payment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.audit.models import AuditEntry
from zhuanhua.licensing import services
from zhuanhua.licensing.models import ContractRegistration, IdempotencyKey, Payment
from zhuanhua.licensing.selectors import licence_plan
from zhuanhua.licensing.tests.conftest import post_json
from zhuanhua.notifications.models import Notification
from zhuanhua.vouchers import services as voucher_services
from zhuanhua.vouchers.models import VoucherQuota, VoucherSpend
from zhuanhua.vouchers.selectors import voucher_ledger

pytestmark = pytest.mark.django_db

D = Decimal
PAID_ON = "2025-04-20"


@pytest.fixture
def tech_licensee(enterprise):
    """The licensee is a technology enterprise (only those get voucher quotas)."""
    enterprise.is_tech_enterprise = True
    enterprise.save(update_fields=["is_tech_enterprise"])
    return enterprise


@pytest.fixture
def quota(reviewer, tech_licensee):
    return voucher_services.voucher_quota_issue(
        user=reviewer, enterprise=tech_licensee, year=2025, issued_amount="200000"
    )


@pytest.fixture
def registered(active_licence, manager_a):
    """认定登记 with a 成交额 of 300 000 yuan: vouchers may pay at most 150 000 of it."""
    services.registration_record(
        user=manager_a,
        licence=active_licence,
        data={
            "contract_type": "license",
            "registration_number": "2025530100000777",
            "registry": "昆明市技术市场管理办公室",
            "registered_on": "2025-02-01",
            "transaction_amount": "300000",
            "technical_income_amount": "250000",
        },
    )
    return active_licence


def _pay(licence, user, amount="20000", voucher_amount=None, paid_on=PAID_ON):
    return services.payment_record(
        user=user,
        licence=licence,
        amount=amount,
        paid_on=paid_on,
        ref="回单 9",
        voucher_amount=voucher_amount,
    )


def _nothing_recorded(tech_licensee):
    assert not Payment.objects.exists()
    assert VoucherSpend.objects.count() == 0
    assert VoucherQuota.objects.get(enterprise=tech_licensee, year=2025).spent_amount == 0


def test_voucher_part_is_spent_from_the_licensees_quota(
    registered, quota, manager_a, tech_licensee, unit_a, licensee_user
):
    payment = _pay(registered, manager_a, amount="20000", voucher_amount="8000")

    assert (payment.amount, payment.voucher_amount) == (D("20000.00"), D("8000.00"))
    spend = payment.voucher_spend
    assert (spend.enterprise, spend.provider, spend.year) == (tech_licensee, unit_a, 2025)
    assert (spend.subject_type, spend.subject_id) == ("licensing.licence", str(registered.pk))
    assert (spend.contract_amount, spend.voucher_amount) == (D("300000.00"), D("8000.00"))
    assert spend.status == "spent"
    assert spend.spent_by == manager_a
    ledger = voucher_ledger(tech_licensee, 2025)  # the enterprise's yearly use
    assert (ledger.spent_amount, ledger.left_amount) == (D("8000.00"), D("192000.00"))
    assert VoucherQuota.objects.get(pk=quota.pk).spent_amount == D("8000.00")
    spend_audit = AuditEntry.objects.get(action="voucher.spend")
    assert spend_audit.detail["recorded_by"] == "provider"
    payment_audit = AuditEntry.objects.get(action="licence.payment")
    assert payment_audit.detail == {"voucher_amount": "8000.00", "voucher_spend": spend.pk}
    # The voucher message replaces the plain payment one (one message per payment).
    note = Notification.objects.get(kind="licence", title__contains="许可方已登记")
    assert note.user == licensee_user
    assert note.title == "许可方已登记以创新券支付 8,000.00 元"
    assert note.url == f"/licensing/licences/{registered.pk}/"


def test_a_payment_made_wholly_with_vouchers_counts_as_paid(registered, quota, manager_a):
    payment = _pay(registered, manager_a, amount="10000", voucher_amount="10000")
    assert payment.voucher_amount == payment.amount == D("10000.00")
    plan = licence_plan(registered, dt.date(2025, 5, 1))
    upfront = plan.rows[0]
    assert (upfront["kind_label"], upfront["status_label"], upfront["o"].paid) == (
        "门槛费",
        "已付清",
        D("10000.00"),
    )


def test_a_payment_without_vouchers_touches_no_quota(registered, quota, manager_a):
    payment = _pay(registered, manager_a, voucher_amount="0")
    assert payment.voucher_amount == D("0.00")
    assert payment.voucher_spend is None
    assert not VoucherSpend.objects.exists()
    assert not Notification.objects.filter(kind="licence", title__contains="创新券").exists()


def test_voucher_part_above_the_payment_is_refused(registered, quota, manager_a, tech_licensee):
    with pytest.raises(ValidationError) as exc:
        _pay(registered, manager_a, amount="5000", voucher_amount="5000.01")
    assert exc.value.message_dict == {"voucher_amount": [services.ERR_VOUCHER_OVER_PAYMENT]}
    _nothing_recorded(tech_licensee)


def test_vouchers_need_the_contract_registered(active_licence, quota, manager_a, tech_licensee):
    with pytest.raises(ValidationError) as exc:
        _pay(active_licence, manager_a, voucher_amount="1000")
    assert exc.value.message_dict == {"voucher_amount": [services.ERR_VOUCHER_NOT_REGISTERED]}
    _nothing_recorded(tech_licensee)


def test_over_half_of_the_registered_contract_is_refused_and_records_nothing(
    registered, quota, manager_a, tech_licensee
):
    first = _pay(registered, manager_a, amount="140000", voucher_amount="140000")
    with pytest.raises(ValidationError) as exc:
        _pay(registered, manager_a, amount="30000", voucher_amount="10000.01")
    assert exc.value.message_dict == {
        "voucher_amount": [
            voucher_services.ERR_OVER_HALF.format(limit="150,000.00", used="140,000.00")
        ]
    }
    assert list(Payment.objects.all()) == [first]
    assert VoucherSpend.objects.count() == 1
    assert VoucherQuota.objects.get(pk=quota.pk).spent_amount == D("140000.00")
    # exactly up to half is fine
    assert _pay(registered, manager_a, amount="30000", voucher_amount="10000").voucher_spend


def test_over_the_yearly_quota_is_refused(registered, reviewer, manager_a, tech_licensee):
    voucher_services.voucher_quota_issue(
        user=reviewer, enterprise=tech_licensee, year=2025, issued_amount="5000"
    )
    with pytest.raises(ValidationError) as exc:
        _pay(registered, manager_a, voucher_amount="6000")
    assert exc.value.message_dict == {
        "voucher_amount": [voucher_services.ERR_OVER_QUOTA.format(left="5,000.00")]
    }
    _nothing_recorded(tech_licensee)


def test_the_quota_is_the_one_of_the_payments_year(registered, reviewer, manager_a, tech_licensee):
    voucher_services.voucher_quota_issue(
        user=reviewer, enterprise=tech_licensee, year=2026, issued_amount="50000"
    )
    with pytest.raises(ValidationError) as exc:
        _pay(registered, manager_a, voucher_amount="1000", paid_on="2025-04-20")
    assert exc.value.message_dict == {
        "voucher_amount": [voucher_services.ERR_NO_QUOTA.format(year=2025)]
    }
    assert not Payment.objects.exists()
    # (a payment cannot precede the licence's start, 2025-01-01: the later year is the other one)
    payment = _pay(registered, manager_a, voucher_amount="1000", paid_on="2026-01-20")
    assert payment.voucher_spend.year == 2026
    assert VoucherQuota.objects.get(enterprise=tech_licensee, year=2026).spent_amount == D("1000")


def test_only_the_licensor_records_a_voucher_payment(
    registered, quota, licensee_user, tech_licensee
):
    with pytest.raises(PermissionDenied):
        _pay(registered, licensee_user, voucher_amount="1000")
    _nothing_recorded(tech_licensee)


def test_provider_recording_needs_a_member_of_the_provider(
    registered, quota, tech_licensee, unit_a, outsider, manager_a
):
    kwargs = {
        "enterprise": tech_licensee,
        "provider": unit_a,
        "year": 2025,
        "subject_type": "licensing.licence",
        "subject_id": str(registered.pk),
        "voucher_amount": "100",
        "recorded_by_provider": True,
    }
    with pytest.raises(PermissionDenied) as exc:
        voucher_services.voucher_spend(user=outsider, **kwargs)
    assert str(exc.value) == voucher_services.ERR_NOT_PROVIDER_RECORDER
    # without the flag the provider's staff may not spend the enterprise's vouchers
    with pytest.raises(PermissionDenied):
        voucher_services.voucher_spend(user=manager_a, **{**kwargs, "recorded_by_provider": False})
    assert not VoucherSpend.objects.exists()
    assert voucher_services.voucher_spend(user=manager_a, **kwargs).provider == unit_a


# --------------------------------------------------------------------------------------------
# The page and the API


def test_page_form_records_the_voucher_part_and_lists_it(
    client, registered, quota, manager_a, licensee_user
):
    client.force_login(manager_a)
    form = client.get(f"/licensing/licences/{registered.pk}/").content.decode()
    assert "其中以科技创新券支付（元，可选）" in form
    response = client.post(
        f"/licensing/licences/{registered.pk}/payments/",
        {"amount": "20000", "paid_on": PAID_ON, "ref": "回单 9", "voucher_amount": "8000"},
        follow=True,
    )
    html = response.content.decode()
    assert "付款已登记，其中创新券 8,000.00 元。" in html
    assert "其中创新券 8,000.00 元 · 已使用（待申请兑付）" in html
    client.force_login(licensee_user)  # the other party sees the voucher part too
    assert (
        "其中创新券 8,000.00 元"
        in client.get(f"/licensing/licences/{registered.pk}/").content.decode()
    )


def test_page_form_shows_a_refused_voucher_part_and_records_nothing(
    client, registered, quota, manager_a, tech_licensee
):
    client.force_login(manager_a)
    response = client.post(
        f"/licensing/licences/{registered.pk}/payments/",
        {"amount": "200000", "paid_on": PAID_ON, "voucher_amount": "150000.01"},
    )
    assert response.status_code == 422
    assert (
        voucher_services.ERR_OVER_HALF.format(limit="150,000.00", used="0.00")
        in response.content.decode()
    )
    _nothing_recorded(tech_licensee)


def test_api_records_the_voucher_part_once_per_key(client, registered, quota, manager_a):
    client.force_login(manager_a)
    url = f"/api/licensing/licences/{registered.pk}/payments"
    body = {"amount": "20000", "paid_on": PAID_ON, "voucher_amount": "8000"}
    first = post_json(client, url, body, **{"Idempotency-Key": "v-1"})
    again = post_json(client, url, {**body, "voucher_amount": 8000}, **{"Idempotency-Key": "v-1"})
    assert first.status_code == again.status_code == 201, first.content
    assert first.json() == again.json()
    spend = VoucherSpend.objects.get()
    assert first.json() == {
        "id": Payment.objects.get().pk,
        "licence_id": registered.pk,
        "amount": "20000.00",
        "paid_on": PAID_ON,
        "ref": "",
        "voucher_amount": "8000.00",
        "voucher_spend_id": spend.pk,
        "voucher_status": "spent",
        "reversed_on": None,
        "reversal_reason": "",
    }
    assert VoucherQuota.objects.get(pk=quota.pk).spent_amount == D("8000.00")


def test_api_refused_voucher_part_is_a_422_and_stores_no_key(
    client, registered, quota, manager_a, tech_licensee
):
    client.force_login(manager_a)
    url = f"/api/licensing/licences/{registered.pk}/payments"
    refused = post_json(
        client,
        url,
        {"amount": "1000", "paid_on": PAID_ON, "voucher_amount": "1000.01"},
        **{"Idempotency-Key": "v-2"},
    )
    assert refused.status_code == 422
    assert refused.json() == {
        "detail": [{"field": "voucher_amount", "message": services.ERR_VOUCHER_OVER_PAYMENT}]
    }
    assert not IdempotencyKey.objects.exists()
    _nothing_recorded(tech_licensee)


def test_a_key_stored_before_vouchers_existed_still_replays(client, registered, manager_a):
    """A body without voucher_amount fingerprints as it did before the field was added."""
    body = {"amount": "15000.00", "paid_on": "2025-02-01", "ref": ""}
    IdempotencyKey.objects.create(
        licence=registered,
        key="old",
        fingerprint=services.fingerprint("payments", body),
        response_status=201,
        response_body={"id": 1},
    )
    client.force_login(manager_a)
    replay = post_json(
        client,
        f"/api/licensing/licences/{registered.pk}/payments",
        {"amount": 15000, "paid_on": "2025-02-01"},
        **{"Idempotency-Key": "old"},
    )
    assert (replay.status_code, replay.json()) == (201, {"id": 1})
    assert not Payment.objects.exists()


def test_registration_is_kept_as_the_contract_amount(registered):
    assert ContractRegistration.objects.get(licence=registered).transaction_amount == D("300000")
