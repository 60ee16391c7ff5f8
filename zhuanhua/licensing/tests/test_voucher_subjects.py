"""Licences as voucher spend subjects (issue 17.2, 18.2): through the vouchers API and form, a
licensee pays licence fees with vouchers only on its own live, registered licence, at the
registered 成交额, to the licensor; refusals write nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from zhuanhua.licensing import services
from zhuanhua.vouchers import services as voucher_services
from zhuanhua.vouchers.models import VoucherQuota, VoucherSpend

pytestmark = pytest.mark.django_db

SUBJECT = "licensing.licence"


@pytest.fixture
def tech_licensee(enterprise: Any) -> Any:
    enterprise.is_tech_enterprise = True
    enterprise.save(update_fields=["is_tech_enterprise"])
    return enterprise


@pytest.fixture
def quota(reviewer: Any, tech_licensee: Any) -> Any:
    return voucher_services.voucher_quota_issue(
        user=reviewer, enterprise=tech_licensee, year=timezone.localdate().year
    )


@pytest.fixture
def registered(active_licence: Any, manager_a: Any) -> Any:
    services.registration_record(
        user=manager_a,
        licence=active_licence,
        data={
            "contract_type": "license",
            "registration_number": "2025530100000888",
            "registry": "昆明市技术市场管理办公室",
            "registered_on": "2025-02-01",
            "transaction_amount": "300000",
            "technical_income_amount": "250000",
        },
    )
    return active_licence


def written(enterprise: Any) -> tuple[int, Decimal]:
    quota = VoucherQuota.objects.get(enterprise=enterprise, year=timezone.localdate().year)
    return (VoucherSpend.objects.count(), quota.spent_amount)


def spend(client: Any, **body: Any) -> Any:
    return client.post("/api/vouchers/spends", body, content_type="application/json")


def test_licensee_spends_on_its_registered_licence_at_the_registered_amount(
    client: Any, registered: Any, quota: Any, licensee_user: Any, unit_a: Any, tech_licensee: Any
) -> None:
    client.force_login(licensee_user)
    response = spend(
        client, subject_type=SUBJECT, subject_id=str(registered.pk), voucher_amount="150000"
    )
    assert response.status_code == 201
    assert (response.json()["contract_amount"], response.json()["provider_id"]) == (
        "300000.00",
        unit_a.pk,
    )
    assert written(tech_licensee) == (1, Decimal("150000.00"))


def test_refusals_on_licences_write_nothing(
    client: Any,
    active_licence: Any,
    quota: Any,
    licensee_user: Any,
    tech_licensee: Any,
    unit_b: Any,
    manager_a: Any,
) -> None:
    client.force_login(licensee_user)
    body = {"subject_type": SUBJECT, "subject_id": str(active_licence.pk), "voucher_amount": "100"}
    not_registered = spend(client, **body)
    assert not_registered.json()["detail"] == [
        {"field": "subject_id", "message": services.ERR_VOUCHER_NOT_REGISTERED}
    ]
    services.registration_record(
        user=manager_a,
        licence=active_licence,
        data={
            "contract_type": "license",
            "registration_number": "2025530100000999",
            "registry": "昆明市技术市场管理办公室",
            "registered_on": "2025-02-01",
            "transaction_amount": "300000",
            "technical_income_amount": "250000",
        },
    )
    cases = [
        ({"subject_id": "999999"}, "subject_id", voucher_services.ERR_SUBJECT_NOT_FOUND),
        ({"provider_id": unit_b.pk}, "provider", voucher_services.ERR_PROVIDER_NOT_COUNTERPARTY),
        (
            {"contract_amount": "300000.01"},
            "contract_amount",
            voucher_services.ERR_CONTRACT_AMOUNT.format(amount="300,000.00"),
        ),
    ]
    for change, field, message in cases:
        response = spend(client, **{**body, **change})
        assert response.status_code == 422
        assert response.json()["detail"] == [{"field": field, "message": message}]
    assert written(tech_licensee) == (0, Decimal("0.00"))


def test_another_enterprise_cannot_spend_on_the_licence(
    client: Any, registered: Any, quota: Any, reviewer: Any, make_org: Any, make_user: Any
) -> None:
    firm = make_org(name="楚雄某生物科技有限公司", org_type="enterprise", is_tech_enterprise=True)
    voucher_services.voucher_quota_issue(
        user=reviewer, enterprise=firm, year=timezone.localdate().year
    )
    client.force_login(make_user("firm_staff", firm, ["licensee_staff"]))
    response = spend(
        client, subject_type=SUBJECT, subject_id=str(registered.pk), voucher_amount="100"
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "subject_id", "message": voucher_services.ERR_SUBJECT_NOT_FOUND}
    ]
    assert not VoucherSpend.objects.exists()
    assert client.get("/api/vouchers/subjects").json() == []


def test_form_lists_the_registered_licence(
    client: Any, registered: Any, quota: Any, licensee_user: Any, unit_a: Any
) -> None:
    client.force_login(licensee_user)
    body = client.get(reverse("vouchers:ledger")).content.decode()
    title = registered.achievement.title
    assert (
        f'<option value="{SUBJECT}:{registered.pk}">科技成果许可使用费 · {title}'
        f"（{unit_a.name}，许可 #{registered.pk}） · 合同金额 300,000.00 元 · "
        "本合同还可使用创新券 150,000.00 元</option>"
    ) in body
