"""Innovation vouchers on service requests (measure 14): the enterprise pays part of a contracted
service with vouchers, the provider claims redemption after delivery, a reviewer approves; the
voucher ledger and the platform's yearly service revenue show it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhuanhua.directory import selectors, services
from zhuanhua.subsidies.models import SubsidyApplication
from zhuanhua.vouchers.models import VoucherDocument, VoucherQuota, VoucherSpend
from zhuanhua.vouchers.selectors import voucher_ledger
from zhuanhua.vouchers.services import (
    ERR_OVER_HALF,
    ERR_OVER_QUOTA,
    voucher_quota_issue,
    voucher_redemption_claim,
    voucher_redemption_decide,
    voucher_spend,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% voucher document\n%%EOF\n"


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def year() -> int:
    return timezone.localdate().year


@pytest.fixture
def quota(reviewer: Any, enterprise: Any) -> VoucherQuota:
    return voucher_quota_issue(user=reviewer, enterprise=enterprise, year=year())


@pytest.fixture
def contracted(offer: Any, buyer: Any, platform_admin: Any) -> Any:
    req = services.request_create(user=buyer, offer=offer, description="番茄酱杀菌工艺中试")
    return services.request_accept(
        user=platform_admin,
        request=req,
        contract_amount="100000",
        contract_signed_on=timezone.localdate(),
    )


def claim(user: Any, req: Any, spend: Any) -> Any:
    return services.request_claim_vouchers(
        user=user,
        request=req,
        spend=spend,
        contract_file=pdf("合同.pdf"),
        invoice_file=pdf("发票.pdf"),
        payment_file=pdf("付款凭证.pdf"),
        invoice_number="No.8",
    )


def ledger_figures(enterprise: Any) -> tuple[Decimal, ...]:
    ledger = voucher_ledger(enterprise, year())
    return (ledger.issued_amount, ledger.spent_amount, ledger.redeemed_amount, ledger.left_amount)


def test_enterprise_pays_half_a_contracted_service_with_vouchers(
    quota: Any, contracted: Any, buyer: Any, enterprise: Any, platform_org: Any
) -> None:
    spend = services.request_pay_with_vouchers(
        user=buyer, request=contracted, voucher_amount="50000"
    )
    assert (spend.subject_type, spend.subject_id, spend.contract_amount, spend.provider_id) == (
        "directory.servicerequest",
        str(contracted.pk),
        Decimal("100000.00"),
        platform_org.pk,
    )
    assert ledger_figures(enterprise) == (
        Decimal("800000.00"),
        Decimal("50000.00"),
        Decimal("0.00"),
        Decimal("750000.00"),
    )
    assert [s.pk for s in selectors.request_voucher_spends(contracted)] == [spend.pk]


def test_vouchers_above_half_the_contract_are_refused_and_nothing_changes(
    quota: Any, contracted: Any, buyer: Any, enterprise: Any
) -> None:
    services.request_pay_with_vouchers(user=buyer, request=contracted, voucher_amount="30000")
    with pytest.raises(ValidationError) as exc:
        services.request_pay_with_vouchers(
            user=buyer, request=contracted, voucher_amount="20000.01"
        )
    assert exc.value.messages == [ERR_OVER_HALF.format(limit="50,000.00", used="30,000.00")]
    assert ledger_figures(enterprise)[1] == Decimal("30000.00")
    assert VoucherSpend.objects.count() == 1


def test_vouchers_above_the_quota_left_are_refused(
    reviewer: Any, contracted: Any, buyer: Any, enterprise: Any
) -> None:
    voucher_quota_issue(user=reviewer, enterprise=enterprise, year=year(), issued_amount="10000")
    with pytest.raises(ValidationError) as exc:
        services.request_pay_with_vouchers(
            user=buyer, request=contracted, voucher_amount="10000.01"
        )
    assert exc.value.messages == [ERR_OVER_QUOTA.format(left="10,000.00")]
    assert not VoucherSpend.objects.exists()


def test_vouchers_wait_for_the_contract(
    quota: Any, offer: Any, buyer: Any, enterprise: Any
) -> None:
    req = services.request_create(user=buyer, offer=offer, description="中试")
    with pytest.raises(ValidationError) as exc:
        services.request_pay_with_vouchers(user=buyer, request=req, voucher_amount="1000")
    assert exc.value.messages == [services.ERR_VOUCHER_NOT_CONTRACTED]
    assert ledger_figures(enterprise)[1] == Decimal("0.00")


def test_only_the_requesting_enterprise_pays_with_vouchers(
    quota: Any, contracted: Any, platform_admin: Any, make_org: Any, make_user: Any
) -> None:
    stranger = make_user(
        "stranger", make_org(org_type="enterprise", is_tech_enterprise=True), ["licensee_staff"]
    )
    for user in (platform_admin, stranger):
        with pytest.raises(PermissionDenied) as exc:
            services.request_pay_with_vouchers(user=user, request=contracted, voucher_amount="1000")
        assert str(exc.value) == services.ERR_VOUCHER_NOT_REQUESTER
    assert not VoucherSpend.objects.exists()


def test_a_direct_spend_on_a_request_must_match_it(
    quota: Any, contracted: Any, buyer: Any, enterprise: Any, unit_a: Any, platform_org: Any
) -> None:
    """The vouchers app's own spend (form, API) checks a request subject against the request."""
    base = {
        "enterprise": enterprise,
        "user": buyer,
        "subject_type": "directory.servicerequest",
        "subject_id": str(contracted.pk),
        "voucher_amount": "1000",
    }
    cases = [
        (
            {"contract_amount": "300000"},
            {"contract_amount": [services.ERR_VOUCHER_CONTRACT_AMOUNT.format(amount="100,000.00")]},
        ),
        (
            {"contract_amount": "100000", "provider": unit_a},
            {"provider": [services.ERR_VOUCHER_PROVIDER]},
        ),
        (
            {"contract_amount": "100000", "subject_id": "999999"},
            {"subject_id": [services.ERR_VOUCHER_REQUEST]},
        ),
    ]
    for over, errors in cases:
        with pytest.raises(ValidationError) as exc:
            voucher_spend(**{**base, **over})
        assert exc.value.message_dict == errors
    assert not VoucherSpend.objects.exists()
    spend = voucher_spend(**base, contract_amount="100000")  # no provider: the request's
    assert spend.provider_id == platform_org.pk


def test_redemption_is_claimed_after_delivery(
    quota: Any, contracted: Any, buyer: Any, platform_admin: Any
) -> None:
    spend = services.request_pay_with_vouchers(
        user=buyer, request=contracted, voucher_amount="50000"
    )
    with pytest.raises(ValidationError) as exc:
        claim(platform_admin, contracted, spend)
    assert exc.value.messages == [services.ERR_VOUCHER_NOT_DELIVERED]
    with pytest.raises(ValidationError):  # nor through the vouchers app's own claim
        voucher_redemption_claim(
            user=platform_admin,
            spend=spend,
            contract_file=pdf("c.pdf"),
            invoice_file=pdf("i.pdf"),
            payment_file=pdf("p.pdf"),
        )
    spend.refresh_from_db()
    assert spend.status == "spent"
    assert not VoucherDocument.objects.exists()


def test_claim_names_a_spend_of_this_request(
    quota: Any, contracted: Any, offer: Any, buyer: Any, platform_admin: Any
) -> None:
    other = services.request_accept(
        user=platform_admin,
        request=services.request_create(user=buyer, offer=offer, description="第二批"),
        contract_amount="20000",
        contract_signed_on=timezone.localdate(),
    )
    spend = services.request_pay_with_vouchers(user=buyer, request=other, voucher_amount="100")
    with pytest.raises(ValidationError) as exc:
        claim(platform_admin, contracted, spend)
    assert exc.value.messages == [services.ERR_VOUCHER_OTHER_SPEND]


def test_approved_redemption_updates_the_ledger_and_the_platforms_revenue(
    quota: Any,
    contracted: Any,
    buyer: Any,
    platform_admin: Any,
    reviewer: Any,
    enterprise: Any,
    provider: Any,
) -> None:
    spend = services.request_pay_with_vouchers(
        user=buyer, request=contracted, voucher_amount="50000"
    )
    services.request_deliver(
        user=platform_admin,
        request=contracted,
        delivered_on=timezone.localdate(),
        note="中试报告已交付",
    )
    claimed = claim(platform_admin, contracted, spend)
    assert claimed.status == "claimed"
    assert selectors.provider_redeemed_vouchers(provider, year()) == Decimal("0.00")
    voucher_redemption_decide(user=reviewer, spend=claimed, approve=True)
    assert ledger_figures(enterprise) == (
        Decimal("800000.00"),
        Decimal("50000.00"),
        Decimal("50000.00"),
        Decimal("750000.00"),
    )
    row = next(r for r in selectors.platform_service_revenues(year()) if r.provider == provider)
    assert (row.revenue_amount, row.delivered_count, row.voucher_amount) == (
        Decimal("100000.00"),
        1,
        Decimal("50000.00"),
    )
    assert selectors.provider_redeemed_vouchers(provider, year()) == Decimal("50000.00")
    assert selectors.provider_redeemed_vouchers(provider, year() - 1) == Decimal("0.00")


def test_request_page_pays_and_claims(
    quota: Any, contracted: Any, buyer: Any, platform_admin: Any, enterprise: Any
) -> None:
    url = reverse("directory:request_detail", args=[contracted.pk])
    action = reverse("directory:request_action", args=[contracted.pk, "vouchers"])
    c = Client()
    c.force_login(buyer)
    page = c.get(url)
    assert page.context["voucher_room"] == Decimal("50000.00")
    assert "使用创新券支付" in page.content.decode()
    r = c.post(action, {"voucher_amount": "60000"})
    assert r.status_code == 302
    assert "不得超过单项合同金额的 50%" in c.get(url).content.decode()
    c.post(action, {"voucher_amount": "50000"})
    spend = VoucherSpend.objects.get()
    body = c.get(url).content.decode()
    assert "使用创新券支付</button>" not in body  # nothing left to pay on this contract
    assert '<span data-testid="voucher-used">50,000.00</span>' in body
    provider_client = Client()
    provider_client.force_login(platform_admin)
    assert "登记交付后可申请兑付" in provider_client.get(url).content.decode()
    services.request_deliver(
        user=platform_admin, request=contracted, delivered_on=timezone.localdate()
    )
    prefix = f"s{spend.pk}"
    provider_client.post(
        reverse("directory:request_action", args=[contracted.pk, "claim"]),
        {
            "spend": spend.pk,
            f"{prefix}-contract": pdf("合同.pdf"),
            f"{prefix}-invoice": pdf("发票.pdf"),
            f"{prefix}-payment_proof": pdf("付款凭证.pdf"),
        },
    )
    spend.refresh_from_db()
    assert spend.status == "claimed"
    assert spend.documents.count() == 3
    # The enterprise cannot claim its own vouchers.
    assert (
        c.post(
            reverse("directory:request_action", args=[contracted.pk, "claim"]), {"spend": spend.pk}
        ).status_code
        == 302
    )
    spend.refresh_from_db()
    assert spend.claimed_by_id == platform_admin.pk


def test_m10_2_application_takes_the_platforms_yearly_revenue(
    contracted: Any, platform_admin: Any, provider: Any
) -> None:
    """The platform's service revenue feeds its M10-2 claim (20% of the yearly revenue)."""
    services.request_deliver(
        user=platform_admin, request=contracted, delivered_on=timezone.localdate()
    )
    c = Client()
    c.force_login(platform_admin)
    url = reverse("subsidies:apply", args=["M10-2"])
    ref = f"{provider.pk}:{year()}"
    field = c.get(url).context["form"].fields["platform_revenue"]
    assert list(field.choices)[1] == (ref, f"{provider.name} · {year()} 年（100,000.00 元）")
    r = c.post(
        url, {"platform_revenue": ref, "evidence_kind": "other", "evidence": pdf("收入证明.pdf")}
    )
    assert r.status_code == 302
    app = SubsidyApplication.objects.get()
    assert (app.base_amount, app.subject, app.engine_amount) == (
        Decimal("100000.00"),
        provider.name,
        Decimal("20000.00"),
    )
