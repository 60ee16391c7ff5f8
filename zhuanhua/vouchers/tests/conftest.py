"""Fixtures of the voucher tests: a technology enterprise with staff, a provider, a quota, and
a book of contracts registered as a spend subject kind (the way directory and licensing
register theirs), so these tests need no app above vouchers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from zhuanhua.vouchers import subjects
from zhuanhua.vouchers.subjects import SpendSubject, SubjectKind

YEAR = 2026
TEST_SUBJECT = "tests.servicecontract"
TEST_LABEL = "测试科技服务合同"


@dataclass
class Contract:
    enterprise: Any  # the paying party
    counterparty: Any
    contract_amount: Decimal
    title: str


@dataclass
class ContractBook:
    """In-memory contracts: ``resolve`` answers like a real app's resolver (None for an unknown
    id or another enterprise's contract)."""

    contracts: dict[str, Contract] = field(default_factory=dict)
    resolved: list[str] = field(default_factory=list)

    def add(self, subject_id: str, **kwargs: Any) -> Contract:
        self.contracts[subject_id] = Contract(**kwargs)
        return self.contracts[subject_id]

    def subject(self, subject_id: str, c: Contract) -> SpendSubject:
        return SpendSubject(
            subject_type=TEST_SUBJECT,
            subject_id=subject_id,
            label=f"{c.title}（{c.counterparty.name}）",
            contract_amount=c.contract_amount,
            counterparty=c.counterparty,
        )

    def resolve(self, enterprise: Any, subject_id: str) -> SpendSubject | None:
        self.resolved.append(subject_id)
        c = self.contracts.get(subject_id)
        if c is None or enterprise is None or c.enterprise.pk != enterprise.pk:
            return None
        return self.subject(subject_id, c)

    def eligible(self, enterprise: Any) -> list[SpendSubject]:
        return [
            self.subject(k, c)
            for k, c in self.contracts.items()
            if c.enterprise.pk == enterprise.pk
        ]


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
def contracts(tech: Any, provider: Any) -> Iterator[ContractBook]:
    """SC-001, SC-002, SC-9 and C0…C23: the enterprise's service contracts of 200,000 yuan with
    the provider (C7: 300,000)."""
    book = ContractBook()
    for n in ["SC-001", "SC-002", "SC-9", *(f"C{i}" for i in range(24))]:
        amount = Decimal("300000.00") if n == "C7" else Decimal("200000.00")
        book.add(
            n, enterprise=tech, counterparty=provider, contract_amount=amount, title="检测服务"
        )
    subjects.register(
        SubjectKind(
            subject_type=TEST_SUBJECT,
            label=TEST_LABEL,
            resolve=book.resolve,
            eligible=book.eligible,
        )
    )
    yield book
    subjects.unregister(TEST_SUBJECT)


@pytest.fixture
def quota(reviewer: Any, tech: Any) -> Any:
    from zhuanhua.vouchers.services import voucher_quota_issue

    return voucher_quota_issue(user=reviewer, enterprise=tech, year=YEAR)


@pytest.fixture
def spend_kwargs(
    tech: Any, tech_staff: Any, provider: Any, contracts: ContractBook
) -> dict[str, Any]:
    return {
        "enterprise": tech,
        "user": tech_staff,
        "provider": provider,
        "year": YEAR,
        "subject_type": TEST_SUBJECT,
        "subject_id": "SC-001",
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
