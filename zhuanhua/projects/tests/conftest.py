"""Fixtures of the projects tests: achievements and licences written straight to the tables
(the licensing services are not what these tests check)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest

from zhuanhua.achievements.models import Achievement
from zhuanhua.licensing.models import Inquiry, Licence, LicenceOffer, Payment, TermVersion

_n = itertools.count(1)

TERMS = {
    "fee_model": "staged",
    "start": "2024-01-01",
    "end": "2026-12-31",
    "upfront_fee": "0",
    "installments": [{"key": "一期", "amount": "1000", "due": "2024-06-30"}],
}


def make_achievement(owner: Any, **kwargs: Any) -> Any:
    data = {
        "owner": owner,
        "title": f"测试成果{next(_n)}",
        "summary": "摘要",
        "industry_field": "new_energy",
        "ip_type": "patent",
        "ip_number": "ZL1",
        "ip_acquired_on": dt.date(2023, 5, 10),
        "trl": 6,
        "fiscally_funded": True,
        "is_applied_technology": True,
        "status": "published",
        "prefecture": owner.prefecture,
    }
    data.update(kwargs)
    return Achievement.objects.create(**data)


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


def make_payment(licence: Any, amount: str, paid_on: dt.date) -> Any:
    return Payment.objects.create(licence=licence, amount=Decimal(amount), paid_on=paid_on)


@pytest.fixture
def enterprise(make_org: Any) -> Any:
    return make_org(name="昆明某某科技有限公司", org_type="enterprise")


@pytest.fixture
def lead_admin(make_user: Any, unit_a: Any) -> Any:
    return make_user("lead_admin", unit_a, ["org_admin"], email="lead@example.com")


@pytest.fixture
def reviewer_mail(reviewer: Any) -> Any:
    reviewer.email = "reviewer@example.com"
    reviewer.save(update_fields=["email"])
    return reviewer


@pytest.fixture
def project(reviewer: Any, unit_a: Any, unit_b: Any) -> Any:
    from zhuanhua.projects.services import DutyInput, ProjectInput, project_create

    return project_create(
        user=reviewer,
        data=ProjectInput(
            programme="重点研发计划",
            code="202301AA000001",
            title="固态储氢关键技术",
            lead=unit_a,
            funding_amount=Decimal("1000000.00"),
            funding_mode="grant",
            start_on=dt.date(2023, 1, 1),
            acceptance_due_on=dt.date(2025, 12, 31),
            partners=[unit_b],
            duties=[DutyInput(description="转化固态储氢材料制备技术", due_on=dt.date(2025, 6, 30))],
        ),
    )
