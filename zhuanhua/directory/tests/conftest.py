"""Fixtures of the directory tests: a pilot platform with an offer, an enterprise and its
agent, a training base, and licences written straight to the tables."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from zhuanhua.achievements.models import Achievement
from zhuanhua.licensing.models import Inquiry, Licence, LicenceOffer, TermVersion

_n = itertools.count(1)
TERMS = {
    "fee_model": "staged",
    "start": "2024-01-01",
    "end": "2026-12-31",
    "upfront_fee": "0",
    "installments": [{"key": "一期", "amount": "1000", "due": "2024-06-30"}],
}

PROVIDER_DATA = {
    "kind": "pilot_platform",
    "name": "云南高原特色农产品中试验证平台",
    "introduction": "面向社会开放的农产品加工中试线。",
    "capacity": "年中试 40 批次",
    "contact_name": "李四",
    "contact_phone": "0871-12345678",
    "prefecture": "530100",
}


def make_licence(
    achievement: Any, licensee: Any, *, signed_on: dt.date | None, status: str = "active"
) -> Any:
    offer = LicenceOffer.objects.create(
        achievement=achievement,
        summary="s",
        fee_standard="f",
        fee_model="staged",
        terms={},
        license_mode="non_exclusive",
        term_months=24,
        is_active=False,
    )
    inquiry = Inquiry.objects.create(
        offer=offer, licensor=achievement.owner, licensee=licensee, status="accepted"
    )
    version = TermVersion.objects.create(inquiry=inquiry, number=1, side="licensee", terms=TERMS)
    return Licence.objects.create(
        inquiry=inquiry,
        accepted_version=version,
        achievement=achievement,
        licensor=achievement.owner,
        licensee=licensee,
        fee_model="staged",
        license_mode="non_exclusive",
        terms=TERMS,
        start=dt.date(2024, 1, 1),
        end=dt.date(2026, 12, 31),
        status=status,
        signed_on=signed_on,
    )


def make_achievement(owner: Any) -> Any:
    return Achievement.objects.create(
        owner=owner,
        title=f"成果{next(_n)}",
        summary="s",
        industry_field="food",
        ip_type="patent",
        ip_number="ZL1",
        ip_acquired_on=dt.date(2023, 1, 1),
        trl=6,
        status="published",
        prefecture=owner.prefecture,
    )


@pytest.fixture
def platform_org(make_org: Any) -> Any:
    return make_org(name="云南某中试基地有限公司", org_type="enterprise")


@pytest.fixture
def platform_admin(make_user: Any, platform_org: Any) -> Any:
    return make_user("platform_admin", platform_org, ["org_admin"])


@pytest.fixture
def provider(platform_admin: Any) -> Any:
    from zhuanhua.directory.services import provider_create

    return provider_create(user=platform_admin, data=dict(PROVIDER_DATA))


@pytest.fixture
def offer(provider: Any, platform_admin: Any) -> Any:
    from zhuanhua.directory.services import offer_create

    return offer_create(
        user=platform_admin,
        provider=provider,
        data={
            "category": "pilot_run",
            "title": "果蔬加工中试",
            "description": "10 吨级中试线",
            "price": "每批次 5 万元起",
            "capacity": "每月 4 批次",
        },
    )


@pytest.fixture
def enterprise(make_org: Any) -> Any:
    return make_org(name="曲靖某食品有限公司", org_type="enterprise", is_tech_enterprise=True)


@pytest.fixture
def buyer(make_user: Any, enterprise: Any) -> Any:
    return make_user("buyer", enterprise, ["licensee_staff"])


@pytest.fixture
def agency(make_org: Any) -> Any:
    return make_org(name="云南某技术转移中心", org_type="service_agency")


@pytest.fixture
def agency_admin(make_user: Any, agency: Any) -> Any:
    return make_user("agency_admin", agency, ["org_admin"])
