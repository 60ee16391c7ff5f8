"""Service directory: profiles, the request → accept → deliver flow, yearly revenue (M10-2)
and the contract handed to vouchers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.audit.models import AuditEntry
from zhuanhua.directory import services
from zhuanhua.directory.selectors import (
    platform_service_revenues,
    provider_yearly_revenue,
    providers_public,
    requests_visible_to,
)
from zhuanhua.directory.tests.conftest import PROVIDER_DATA

pytestmark = pytest.mark.django_db


def test_enclave_incubator_rules(platform_admin: Any) -> None:
    data = {**PROVIDER_DATA, "kind": "pilot_platform", "is_enclave": True, "location": "上海"}
    with pytest.raises(ValidationError) as exc:
        services.provider_create(user=platform_admin, data=data)
    assert exc.value.message_dict == {"is_enclave": [services.ERR_ENCLAVE_KIND]}
    data = {**data, "kind": "incubator", "location": ""}
    with pytest.raises(ValidationError) as exc:
        services.provider_create(user=platform_admin, data=data)
    assert exc.value.message_dict == {"location": [services.ERR_ENCLAVE_LOCATION]}
    enclave = services.provider_create(
        user=platform_admin,
        data={**data, "name": "云南（深圳）飞地孵化器", "location": "广东省深圳市"},
    )
    assert enclave.prefecture == "000000"  # 云南省外
    assert list(providers_public(enclave=True)) == [enclave]
    with pytest.raises(ValidationError) as exc:
        services.provider_create(user=platform_admin, data={**PROVIDER_DATA, "prefecture": ""})
    assert exc.value.message_dict == {"prefecture": [services.ERR_PREFECTURE]}


def test_only_the_org_admin_publishes(buyer: Any, provider: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.provider_create(user=buyer, data=dict(PROVIDER_DATA))
    with pytest.raises(PermissionDenied):
        services.offer_create(user=buyer, provider=provider, data={})


def test_request_flow_and_yearly_revenue(
    offer: Any, buyer: Any, platform_admin: Any, provider: Any, manager_a: Any
) -> None:
    with pytest.raises(PermissionDenied) as denied:  # a university is not a requesting enterprise
        services.request_create(user=manager_a, offer=offer, description="x")
    assert str(denied.value) == services.ERR_NOT_REQUESTER
    req = services.request_create(user=buyer, offer=offer, description="番茄酱中试 2 批次")
    with pytest.raises(ValidationError) as exc:
        services.service_contract_for_vouchers(req)
    assert exc.value.message_dict == {"request": [services.ERR_VOUCHER_NOT_CONTRACTED]}
    with pytest.raises(PermissionDenied):
        services.request_accept(
            user=buyer,
            request=req,
            contract_amount="100000",
            contract_signed_on=dt.date(2024, 3, 1),
        )
    with pytest.raises(ValidationError) as exc:  # delivery before acceptance
        services.request_deliver(user=platform_admin, request=req, delivered_on=dt.date(2024, 5, 1))
    assert exc.value.message_dict == {"status": ["当前状态（待受理）不能执行该操作"]}
    with pytest.raises(ValidationError) as exc:
        services.request_accept(
            user=platform_admin,
            request=req,
            contract_amount="0",
            contract_signed_on=dt.date(2024, 3, 1),
        )
    assert exc.value.message_dict == {"contract_amount": [services.ERR_AMOUNT]}
    services.request_accept(
        user=platform_admin,
        request=req,
        contract_amount="100000.00",
        contract_signed_on=dt.date(2024, 3, 1),
    )
    assert services.service_contract_for_vouchers(req) == (
        "directory.servicerequest",
        req.pk,
        Decimal("100000.00"),
    )
    assert provider_yearly_revenue(provider, 2024) == Decimal("0.00")  # not yet delivered
    with pytest.raises(ValidationError) as exc:
        services.request_deliver(user=platform_admin, request=req, delivered_on=dt.date(2024, 2, 1))
    assert exc.value.message_dict == {"delivered_on": [services.ERR_DELIVERY_BEFORE_CONTRACT]}
    services.request_deliver(
        user=platform_admin, request=req, delivered_on=dt.date(2024, 5, 1), note="已出具中试报告"
    )
    assert AuditEntry.objects.filter(action="directory.request_deliver").count() == 1
    # Two more in other years and one declined: only 2024's deliveries count for 2024.
    for amount, signed, delivered in [
        ("50000.50", dt.date(2024, 6, 1), dt.date(2024, 12, 31)),
        ("70000", dt.date(2024, 12, 1), dt.date(2025, 1, 2)),
    ]:
        r = services.request_create(user=buyer, offer=offer, description="再来一批")
        services.request_accept(
            user=platform_admin, request=r, contract_amount=amount, contract_signed_on=signed
        )
        services.request_deliver(user=platform_admin, request=r, delivered_on=delivered)
    declined = services.request_create(user=buyer, offer=offer, description="太急")
    services.request_decline(user=platform_admin, request=declined, reason="档期已满")
    assert provider_yearly_revenue(provider, 2024) == Decimal("150000.50")
    assert provider_yearly_revenue(provider, 2025) == Decimal("70000.00")
    rows = platform_service_revenues(2024)
    assert [(r.provider.pk, r.revenue_amount, r.delivered_count) for r in rows] == [
        (provider.pk, Decimal("150000.50"), 2)
    ]


def test_request_visibility(
    offer: Any, buyer: Any, platform_admin: Any, make_org: Any, make_user: Any, reviewer: Any
) -> None:
    req = services.request_create(user=buyer, offer=offer, description="中试")
    other = make_user("other", make_org(org_type="enterprise"), ["org_admin"])
    assert list(requests_visible_to(buyer)) == [req]
    assert list(requests_visible_to(platform_admin)) == [req]
    assert list(requests_visible_to(reviewer)) == [req]
    assert list(requests_visible_to(other)) == []
    with pytest.raises(PermissionDenied):
        services.request_cancel(user=other, request=req)
    services.request_cancel(user=buyer, request=req)


def test_own_service_and_inactive_offer(offer: Any, platform_admin: Any, buyer: Any) -> None:
    with pytest.raises(ValidationError) as exc:  # the platform's company is an enterprise too
        services.request_create(user=platform_admin, offer=offer, description="x")
    assert exc.value.message_dict == {"offer": [services.ERR_OWN_SERVICE]}
    services.offer_set_active(user=platform_admin, offer=offer, is_active=False)
    with pytest.raises(ValidationError) as exc:
        services.request_create(user=buyer, offer=offer, description="x")
    assert exc.value.message_dict == {"offer": [services.ERR_OFFER_INACTIVE]}
