"""Pages of the directory: the request flow through the forms, who sees what, the registry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from zhuanhua.core.inputs import ERR_MONEY_NEGATIVE
from zhuanhua.directory import services
from zhuanhua.directory.models import ServiceRequest
from zhuanhua.directory.tests.conftest import make_achievement, make_licence

pytestmark = pytest.mark.django_db


def test_public_pages(client: Any, offer: Any, provider: Any) -> None:
    home = client.get(reverse("directory:home")).content.decode()
    assert provider.name in home
    detail = client.get(reverse("directory:provider_detail", args=[provider.pk])).content.decode()
    assert "果蔬加工中试" in detail
    assert "委托服务" not in detail  # anonymous visitors see no request form
    assert client.get(reverse("directory:manager_list")).status_code == 200
    assert client.get(reverse("directory:base_list")).status_code == 200


def test_request_flow_through_pages(
    client: Any,
    offer: Any,
    provider: Any,
    buyer: Any,
    platform_admin: Any,
    make_org: Any,
    make_user: Any,
    reviewer: Any,
) -> None:
    client.force_login(buyer)
    assert (
        "委托服务"
        in client.get(reverse("directory:provider_detail", args=[provider.pk])).content.decode()
    )
    response = client.post(
        reverse("directory:request_create", args=[offer.pk]), {"description": "番茄酱中试"}
    )
    req = ServiceRequest.objects.get()
    assert response.url == reverse("directory:request_detail", args=[req.pk])
    # The enterprise cannot accept its own request.
    assert (
        client.post(
            reverse("directory:request_action", args=[req.pk, "accept"]),
            {"contract_amount": "80000", "contract_signed_on": "2024-03-01"},
        ).status_code
        == 403
    )
    outsider = make_user("outsider", make_org(org_type="enterprise"), ["org_admin"])
    client.force_login(outsider)
    assert client.get(reverse("directory:request_detail", args=[req.pk])).status_code == 404
    client.force_login(platform_admin)
    client.post(
        reverse("directory:request_action", args=[req.pk, "accept"]),
        {"contract_amount": "80000", "contract_signed_on": "2024-03-01"},
    )
    client.post(
        reverse("directory:request_action", args=[req.pk, "deliver"]),
        {"delivered_on": "2024-04-01", "note": "中试报告已交付"},
    )
    req.refresh_from_db()
    assert (req.status, req.contract_amount, req.delivered_on) == (
        "delivered",
        Decimal("80000.00"),
        dt.date(2024, 4, 1),
    )
    page = client.get(reverse("directory:provider_revenue", args=[provider.pk]) + "?year=2024")
    assert "80,000.00" in page.content.decode()
    assert client.get(reverse("directory:revenue")).status_code == 403
    client.force_login(reviewer)
    assert "80,000.00" in client.get(reverse("directory:revenue") + "?year=2024").content.decode()


def test_registry_pages(
    client: Any, agency_admin: Any, agency: Any, unit_a: Any, manager_a: Any, make_org: Any
) -> None:
    client.force_login(agency_admin)
    client.post(
        reverse("directory:manager_create"),
        {"name": "王五", "level": "senior", "fields": ["food"], "is_public": "on"},
    )
    manager = agency.technology_managers.get()
    assert manager.name == "王五"
    detail = client.get(reverse("directory:manager_detail", args=[manager.pk])).content.decode()
    assert "食品与轻工" in detail
    licensee = make_org(name="某企业", org_type="enterprise")
    licence = make_licence(make_achievement(unit_a), licensee, signed_on=dt.date(2024, 4, 1))
    # The agency is not a party: the licence page is not theirs.
    assert client.get(reverse("directory:deal_create", args=[licence.pk])).status_code == 404
    client.force_login(manager_a)
    client.post(
        reverse("directory:deal_create", args=[licence.pk]),
        {"broker": manager.pk, "contract_amount": "120000"},
    )
    client.force_login(agency_admin)
    page = client.get(reverse("directory:agency_brokerage", args=[agency.pk]) + "?year=2024")
    assert "120,000.00" in page.content.decode()
    assert callable(services.service_contract_for_vouchers)  # exposed for the vouchers app


def test_api_request_flow(
    client: Any, offer: Any, buyer: Any, platform_admin: Any, reviewer: Any
) -> None:
    import json

    assert (
        json.loads(client.get("/api/directory/providers").content)[0]["name"]
        == "云南高原特色农产品中试验证平台"
    )
    client.force_login(buyer)
    created = client.post(
        "/api/directory/requests",
        json.dumps({"offer_id": offer.pk, "description": "中试"}),
        content_type="application/json",
    )
    assert created.status_code == 201
    rid = json.loads(created.content)["id"]
    denied = client.post(
        f"/api/directory/requests/{rid}/accept",
        json.dumps({"contract_amount": "1000", "contract_signed_on": "2024-01-02"}),
        content_type="application/json",
    )
    assert denied.status_code == 403
    client.force_login(platform_admin)
    bad = client.post(
        f"/api/directory/requests/{rid}/accept",
        json.dumps({"contract_amount": "-1", "contract_signed_on": "2024-01-02"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    [error] = json.loads(bad.content)["detail"]
    assert (error["field"], error["message"]) == ("contract_amount", ERR_MONEY_NEGATIVE)
    ok = client.post(
        f"/api/directory/requests/{rid}/accept",
        json.dumps({"contract_amount": "1000", "contract_signed_on": "2024-01-02"}),
        content_type="application/json",
    )
    assert json.loads(ok.content)["status"] == "accepted"
    client.post(
        f"/api/directory/requests/{rid}/deliver",
        json.dumps({"delivered_on": "2024-02-01"}),
        content_type="application/json",
    )
    client.force_login(reviewer)
    rows = json.loads(client.get("/api/directory/revenue?year=2024").content)
    assert rows[0]["revenue_amount"] == "1000.00"
