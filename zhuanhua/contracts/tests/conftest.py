"""Fixtures of the contract tests: two registrars with their staff, a unit under a supervising
department, an enterprise, a signed contract's PDF."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

# A Monday well before the National Day holiday of 2026 (1–8 October).
MONDAY = dt.date(2026, 3, 2)


def pdf(name: str = "contract.pdf") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        name, b"%PDF-1.4\n% signed technology contract\n%%EOF\n", content_type="application/pdf"
    )


@pytest.fixture
def registrar(make_org: Any) -> Any:
    return make_org(name="云南省技术市场管理办公室（测试）", org_type="contract_registrar")


@pytest.fixture
def other_registrar(make_org: Any) -> Any:
    return make_org(
        name="曲靖市技术合同登记站（测试）", org_type="contract_registrar", prefecture="530300"
    )


@pytest.fixture
def clerk(registrar: Any, make_user: Any) -> Any:
    return make_user("clerk", registrar, ["contract_registrar"])


@pytest.fixture
def other_clerk(other_registrar: Any, make_user: Any) -> Any:
    return make_user("other_clerk", other_registrar, ["contract_registrar"])


@pytest.fixture
def supervisor(make_org: Any) -> Any:
    return make_org(name="云南省教育厅（测试）", org_type="supervising_department")


@pytest.fixture
def supervisor_reviewer(supervisor: Any, make_user: Any) -> Any:
    return make_user("edu_reviewer", supervisor, ["department_reviewer"])


@pytest.fixture
def enterprise(make_org: Any) -> Any:
    return make_org(name="昆明某制药有限公司（测试）", org_type="enterprise")


@pytest.fixture
def enterprise_staff(enterprise: Any, make_user: Any) -> Any:
    return make_user("ent_staff", enterprise, ["licensee_staff"])


def contract_input(**overrides: Any) -> Any:
    from zhuanhua.contracts.services import ContractInput

    data: dict[str, Any] = {
        "title": "三七皂苷提取工艺技术开发合同",
        "declared_type": "development",
        "submitter_side": "seller",
        "counterparty_name": "昆明某制药有限公司",
        "contract_amount": Decimal("200000.00"),
        "signed_on": dt.date(2026, 2, 20),
        "valid_from": dt.date(2026, 3, 1),
        "valid_to": dt.date(2027, 2, 28),
        "technology_field": "生物医药",
    }
    data.update(overrides)
    return ContractInput(**data)


@pytest.fixture
def submitted(manager_a: Any, registrar: Any, clerk: Any) -> Any:
    from zhuanhua.contracts.services import contract_submit_for_registration

    return contract_submit_for_registration(
        user=manager_a,
        data=contract_input(industry_project=True),
        registrar=registrar,
        signed_pdf=pdf(),
        today=MONDAY,
    )
