"""Fixtures of the subsidy tests: an enterprise with a staff member, evidence files, helpers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "到账凭证.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def firm(make_org: Any) -> Any:
    return make_org(name="云南测试科技有限公司", org_type="enterprise", prefecture="530300")


@pytest.fixture
def firm_user(firm: Any, make_user: Any) -> Any:
    return make_user("firm_staff", firm, ["licensee_staff"])


@pytest.fixture
def other_firm_user(make_org: Any, make_user: Any) -> Any:
    org = make_org(name="另一家测试企业", org_type="enterprise", prefecture="530100")
    return make_user("other_staff", org, ["licensee_staff"])


@pytest.fixture
def submit(firm_user: Any) -> Any:
    from zhuanhua.subsidies.services import application_submit

    def _submit(measure: str = "M7-1", user: Any = None, **data: Any) -> Any:
        if measure in ("M7-1", "M7-2"):
            data.setdefault("base_amount", Decimal("6000000.00"))
            data.setdefault("registered", True)
        return application_submit(
            user=user or firm_user, measure=measure, data=data, uploads=[("bank_slip", pdf())]
        )

    return _submit


@pytest.fixture
def credit_event(monkeypatch: Any) -> Any:
    """Call it to make the credit app report an active credit event for every organisation."""

    def enable() -> None:
        monkeypatch.setattr(
            "zhuanhua.subsidies.selectors.credit_active_for", lambda organisation: True
        )

    return enable


@pytest.fixture
def finance(make_org: Any, make_user: Any) -> Any:
    """A reviewer of the finance department (财政厅): signs settlement lists off."""
    org = make_org(name="云南省财政厅（测试）", org_type="finance_department", prefecture="530100")
    return make_user("finance_reviewer", org, ["department_reviewer"])


@pytest.fixture
def reviewer2(department: Any, make_user: Any) -> Any:
    """A second reviewer of the provincial department (four eyes above the threshold)."""
    return make_user("reviewer2", department, ["department_reviewer"])


def approved(result: Any) -> Any:
    """The grant an approval returned (None only when a second approval is needed)."""
    assert result is not None, "the approval waits for a second reviewer"
    return result
