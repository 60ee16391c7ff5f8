"""Service requests as voucher spend subjects (issue 17.2, 18.2): through the vouchers API and
form, an enterprise pays only its own contracted request, at the request's contract amount, to
the request's provider; refusals write nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from zhuanhua.directory import services
from zhuanhua.vouchers import services as voucher_services
from zhuanhua.vouchers.models import VoucherQuota, VoucherSpend

pytestmark = pytest.mark.django_db

SUBJECT = "directory.servicerequest"


def written(enterprise: Any) -> tuple[int, Decimal]:
    quota = VoucherQuota.objects.get(enterprise=enterprise, year=timezone.localdate().year)
    return (VoucherSpend.objects.count(), quota.spent_amount)


@pytest.fixture
def quota(reviewer: Any, enterprise: Any) -> Any:
    return voucher_services.voucher_quota_issue(
        user=reviewer, enterprise=enterprise, year=timezone.localdate().year
    )


@pytest.fixture
def contracted(offer: Any, buyer: Any, platform_admin: Any) -> Any:
    req = services.request_create(user=buyer, offer=offer, description="番茄酱杀菌工艺中试")
    return services.request_accept(
        user=platform_admin,
        request=req,
        contract_amount="123456.78",
        contract_signed_on=timezone.localdate(),
    )


@pytest.fixture
def rival(make_org: Any, make_user: Any) -> Any:
    firm = make_org(name="红河某农业科技有限公司", org_type="enterprise", is_tech_enterprise=True)
    return make_user("rival", firm, ["licensee_staff"])


@pytest.fixture
def rivals_request(offer: Any, rival: Any, platform_admin: Any) -> Any:
    req = services.request_create(user=rival, offer=offer, description="他人的委托")
    return services.request_accept(
        user=platform_admin,
        request=req,
        contract_amount="900000",
        contract_signed_on=timezone.localdate(),
    )


def test_api_refuses_another_enterprises_request_and_writes_nothing(
    client: Any, quota: Any, buyer: Any, enterprise: Any, rivals_request: Any
) -> None:
    client.force_login(buyer)
    before = written(enterprise)
    response = client.post(
        "/api/vouchers/spends",
        {"subject_type": SUBJECT, "subject_id": str(rivals_request.pk), "voucher_amount": "1000"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "subject_id", "message": voucher_services.ERR_SUBJECT_NOT_FOUND}
    ]
    assert written(enterprise) == before == (0, Decimal("0.00"))


def test_api_refuses_a_request_not_yet_contracted(
    client: Any, quota: Any, offer: Any, buyer: Any, enterprise: Any
) -> None:
    req = services.request_create(user=buyer, offer=offer, description="尚未受理")
    client.force_login(buyer)
    response = client.post(
        "/api/vouchers/spends",
        {"subject_type": SUBJECT, "subject_id": str(req.pk), "voucher_amount": "1000"},
        content_type="application/json",
    )
    assert response.json()["detail"] == [
        {"field": "subject_id", "message": services.ERR_VOUCHER_NOT_CONTRACTED}
    ]
    assert written(enterprise) == (0, Decimal("0.00"))


def test_api_refuses_a_provider_other_than_the_requests(
    client: Any, quota: Any, contracted: Any, buyer: Any, enterprise: Any, unit_a: Any
) -> None:
    client.force_login(buyer)
    response = client.post(
        "/api/vouchers/spends",
        {
            "subject_type": SUBJECT,
            "subject_id": str(contracted.pk),
            "voucher_amount": "1000",
            "provider_id": unit_a.pk,
        },
        content_type="application/json",
    )
    assert response.json()["detail"] == [
        {"field": "provider", "message": voucher_services.ERR_PROVIDER_NOT_COUNTERPARTY}
    ]
    assert written(enterprise) == (0, Decimal("0.00"))


def test_api_spend_takes_amount_and_provider_from_the_request(
    client: Any, quota: Any, contracted: Any, buyer: Any, enterprise: Any, platform_org: Any
) -> None:
    client.force_login(buyer)
    body = {"subject_type": SUBJECT, "subject_id": str(contracted.pk), "voucher_amount": "61728.39"}
    wrong = client.post(
        "/api/vouchers/spends",
        {**body, "contract_amount": "200000"},
        content_type="application/json",
    )
    assert wrong.json()["detail"] == [
        {
            "field": "contract_amount",
            "message": voucher_services.ERR_CONTRACT_AMOUNT.format(amount="123,456.78"),
        }
    ]
    created = client.post("/api/vouchers/spends", body, content_type="application/json")
    assert created.status_code == 201
    assert (created.json()["contract_amount"], created.json()["provider_id"]) == (
        "123456.78",
        platform_org.pk,
    )
    over = client.post(
        "/api/vouchers/spends", {**body, "voucher_amount": "0.01"}, content_type="application/json"
    )
    assert over.json()["detail"][0]["message"] == voucher_services.ERR_OVER_HALF.format(
        limit="61,728.39", used="61,728.39"
    )
    assert written(enterprise) == (1, Decimal("61728.39"))


def test_api_claim_waits_for_delivery(
    client: Any, quota: Any, contracted: Any, buyer: Any, platform_admin: Any
) -> None:
    spend = services.request_pay_with_vouchers(user=buyer, request=contracted, voucher_amount="100")
    client.force_login(platform_admin)
    pdf = b"%PDF-1.4\n%%EOF\n"
    files = {
        k: SimpleUploadedFile(f"{k}.pdf", pdf, content_type="application/pdf")
        for k in ("contract", "invoice", "payment_proof")
    }
    response = client.post(f"/api/vouchers/spends/{spend.pk}/claim", files)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "status", "message": services.ERR_VOUCHER_NOT_DELIVERED}
    ]


def test_form_lists_own_contracted_requests_and_pays_one(
    client: Any,
    quota: Any,
    contracted: Any,
    rivals_request: Any,
    buyer: Any,
    enterprise: Any,
    provider: Any,
) -> None:
    client.force_login(buyer)
    body = client.get(reverse("vouchers:ledger")).content.decode()
    assert (
        f'<option value="{SUBJECT}:{contracted.pk}">服务目录科技服务委托 · 果蔬加工中试'
        f"（{provider.name}，委托 #{contracted.pk}） · 合同金额 123,456.78 元 · "
        "本合同还可使用创新券 61,728.39 元</option>"
    ) in body
    assert f"{SUBJECT}:{rivals_request.pk}" not in body
    refused = client.post(
        reverse("vouchers:spend"),
        {"subject": f"{SUBJECT}:{rivals_request.pk}", "voucher_amount": "1000"},
    )
    assert "选择一个有效的选项" in refused.content.decode()
    assert written(enterprise) == (0, Decimal("0.00"))
    paid = client.post(
        reverse("vouchers:spend"),
        {"subject": f"{SUBJECT}:{contracted.pk}", "voucher_amount": "50000"},
    )
    assert paid.status_code == 302
    spend = VoucherSpend.objects.get()
    assert (spend.subject_id, spend.contract_amount, spend.provider_id) == (
        str(contracted.pk),
        Decimal("123456.78"),
        provider.organisation_id,
    )
