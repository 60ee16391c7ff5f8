"""A signed licence's 认定登记 goes through a technology contract registrar (contracts app):
the licensor submits the signed scan, the registrar registers it, and the licence carries the
registration every other reader uses; a typed-in registration stays readable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.contracts import selectors as contract_selectors
from zhuanhua.contracts import services as contract_services
from zhuanhua.licensing import contract_registration
from zhuanhua.licensing.models import ContractRegistration
from zhuanhua.licensing.services import registration_record


@pytest.fixture
def registrar(make_org: Any) -> Any:
    return make_org(name="云南省技术市场管理办公室（测试）", org_type="contract_registrar")


@pytest.fixture
def clerk(registrar: Any, make_user: Any) -> Any:
    return make_user("clerk", registrar, ["contract_registrar"])


def test_licence_is_registered_by_the_registrar(
    active_licence: Any, manager_a: Any, registrar: Any, clerk: Any, client: Any
) -> None:
    contract = contract_registration.registration_submit(
        user=manager_a,
        licence=active_licence,
        registrar=registrar,
        contract_amount=Decimal("100000.00"),
        technology_field="新能源",
    )
    assert contract.source_kind == "licence"
    assert contract.declared_type == "license"
    assert contract.counterparty == active_licence.licensee
    assert contract.sha256
    client.force_login(manager_a)
    page = client.get(f"/licensing/licences/{active_licence.pk}/").content.decode()
    assert 'data-testid="registration-submission"' in page
    with pytest.raises(ValidationError):  # one submission per deal
        contract_registration.registration_submit(
            user=manager_a,
            licence=active_licence,
            registrar=registrar,
            contract_amount=Decimal("100000.00"),
            technology_field="新能源",
        )
    contract_services.contract_register(
        user=clerk,
        contract=contract,
        contract_type="license",
        transaction_amount="90000",
        amount_reason="含技术指导差旅费 1 万元",
        today=dt.date(2026, 3, 2),
    )
    reg = ContractRegistration.objects.get(licence=active_licence)
    assert reg.registration_number == "532026000001"
    assert reg.registry == registrar.name
    assert reg.technical_income_amount == Decimal("90000.00")
    assert reg.transaction_amount == Decimal("100000.00")
    page = client.get(f"/licensing/licences/{active_licence.pk}/").content.decode()
    assert "532026000001" in page
    # counted once (not again as a legacy row)
    records = contract_selectors.registered_records(active_licence.licensor_id)
    assert [r.registration_number for r in records] == ["532026000001"]


def test_only_the_licensor_submits(active_licence: Any, licensee_user: Any, registrar: Any) -> None:
    with pytest.raises(PermissionDenied):
        contract_registration.registration_submit(
            user=licensee_user,
            licence=active_licence,
            registrar=registrar,
            contract_amount="1",
            technology_field="新能源",
        )


def test_unsigned_licence_cannot_be_submitted(licence: Any, manager_a: Any, registrar: Any) -> None:
    with pytest.raises(ValidationError):
        contract_registration.registration_submit(
            user=manager_a,
            licence=licence,
            registrar=registrar,
            contract_amount="1",
            technology_field="新能源",
        )


def test_typed_in_registration_stays_readable(active_licence: Any, manager_a: Any) -> None:
    registration_record(
        user=manager_a,
        licence=active_licence,
        data={
            "contract_type": "license",
            "registration_number": "2025530100000123",
            "registry": "云南省技术市场管理办公室",
            "registered_on": dt.date(2025, 1, 10),
            "transaction_amount": "100000",
            "technical_income_amount": "80000",
        },
    )
    amounts = contract_selectors.registered_amounts(
        active_licence.licensee_id, year=2025, side="buyer"
    )
    assert amounts["license"]["transaction_amount"] == Decimal("80000.00")
    assert contract_selectors.registered_amounts(active_licence.licensee_id, side="seller") == {}


def test_submit_page(active_licence: Any, manager_a: Any, registrar: Any, client: Any) -> None:
    client.force_login(manager_a)
    page = client.get(f"/licensing/licences/{active_licence.pk}/").content.decode()
    assert "提交认定登记" in page
    answer = client.post(
        f"/licensing/licences/{active_licence.pk}/registration/submit/",
        {"registrar": registrar.pk, "contract_amount": "100000", "technology_field": "新能源"},
    )
    assert answer.status_code == 302
    assert contract_registration.submission_of(active_licence) is not None
