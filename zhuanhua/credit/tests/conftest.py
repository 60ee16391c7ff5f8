"""Fixtures of the credit tests: an enterprise licensee with staff, evidence files, an event."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

TODAY = dt.date(2026, 3, 10)
HEARD = dt.date(2026, 3, 2)


def pdf(name: str = "evidence.pdf") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        name, b"%PDF-1.4\n% credit evidence\n%%EOF\n", content_type="application/pdf"
    )


@pytest.fixture
def enterprise(make_org: Any) -> Any:
    return make_org(name="昆明某生物科技有限公司", org_type="enterprise", prefecture="530100")


@pytest.fixture
def party_user(enterprise: Any, make_user: Any) -> Any:
    return make_user("party_staff", enterprise, ["licensee_staff"])


@pytest.fixture
def event_data(enterprise: Any) -> dict[str, Any]:
    return {
        "organisation": enterprise,
        "kind": "malicious_default",
        "description": "被许可方连续四个季度拒不报送收入报告，经催告仍不支付提成费。",
        "party_statement": "企业称因经营困难未能报送，但未提供证明材料。",
        "hearing_on": HEARD,
        "effective_from": dt.date(2026, 3, 10),
        "effective_to": dt.date(2027, 3, 9),
        "subject_type": "licensing.licence",
        "subject_id": "7",
    }


@pytest.fixture
def event(reviewer: Any, event_data: dict[str, Any]) -> Any:
    from zhuanhua.credit.services import CreditEventInput, credit_event_record

    data = CreditEventInput(**event_data)
    return credit_event_record(user=reviewer, data=data, evidence=[pdf()], today=TODAY)
