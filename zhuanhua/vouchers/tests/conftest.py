"""Fixtures of the voucher tests: a technology enterprise with staff, a provider, a quota."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

YEAR = 2026


def pdf(name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        name, b"%PDF-1.4\n% voucher document\n%%EOF\n", content_type="application/pdf"
    )


@pytest.fixture
def tech(make_org: Any) -> Any:
    return make_org(
        name="云南某新材料科技有限公司",
        org_type="enterprise",
        prefecture="530100",
        is_tech_enterprise=True,
        is_sme=True,
    )


@pytest.fixture
def tech_staff(tech: Any, make_user: Any) -> Any:
    return make_user("tech_staff", tech, ["licensee_staff"])


@pytest.fixture
def provider(unit_a: Any) -> Any:
    return unit_a  # 云南大学 sells a testing service


@pytest.fixture
def provider_staff(manager_a: Any) -> Any:
    return manager_a


@pytest.fixture
def quota(reviewer: Any, tech: Any) -> Any:
    from zhuanhua.vouchers.services import voucher_quota_issue

    return voucher_quota_issue(user=reviewer, enterprise=tech, year=YEAR)


@pytest.fixture
def spend_kwargs(tech: Any, tech_staff: Any, provider: Any) -> dict[str, Any]:
    return {
        "enterprise": tech,
        "user": tech_staff,
        "provider": provider,
        "year": YEAR,
        "subject_type": "services.servicecontract",
        "subject_id": "SC-001",
        "contract_amount": Decimal("200000.00"),
        "voucher_amount": Decimal("100000.00"),
    }


@pytest.fixture
def spent(quota: Any, spend_kwargs: dict[str, Any]) -> Any:
    from zhuanhua.vouchers.services import voucher_spend

    return voucher_spend(**spend_kwargs)


@pytest.fixture
def claimed(spent: Any, provider_staff: Any) -> Any:
    from zhuanhua.vouchers.services import voucher_redemption_claim

    return voucher_redemption_claim(
        user=provider_staff,
        spend=spent,
        contract_file=pdf("contract.pdf"),
        invoice_file=pdf("invoice.pdf"),
        payment_file=pdf("payment.pdf"),
        invoice_number="No.1",
    )
