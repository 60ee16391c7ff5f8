"""Fixtures of the licensing tests: an enterprise and its agent, a third party, an offer,
a negotiation and the licence it produces."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

OFFER_TERMS = {
    "upfront_fee": "10000",
    "installments": [{"key": "首付节点", "amount": "50000", "due": "2025-06-30"}],
    "royalty": {"rate": "0.05", "period": "quarter"},
}

VERSION_TERMS = {
    "fee_model": "staged_royalty",
    "start": "2025-01-01",
    "end": "2026-12-31",
    **OFFER_TERMS,
}

OFFER_DATA = {
    "summary": "镁基固态储氢材料制备方法，许可中小微企业先使用后付费。",
    "fee_standard": "门槛费 1 万元；首付节点 5 万元；按季度收入的 5% 提成。",
    "fee_model": "staged_royalty",
    "terms": OFFER_TERMS,
    "license_mode": "non_exclusive",
    "term_months": 24,
    "field_of_use": "储能设备",
    "territory": "云南省",
}


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def signed_pdf(name: str = "signed.pdf", content: bytes = MINIMAL_PDF) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def post_json(client: Any, path: str, payload: Any, **headers: str) -> Any:
    return client.post(path, json.dumps(payload), content_type="application/json", headers=headers)


@pytest.fixture
def enterprise(make_org: Any) -> Any:
    return make_org(name="昆明氢能科技有限公司", org_type="enterprise", is_sme=True)


@pytest.fixture
def licensee_user(make_user: Any, enterprise: Any) -> Any:
    return make_user("licensee", enterprise, ["licensee_staff"], email="licensee@example.com")


@pytest.fixture
def outsider(make_org: Any, make_user: Any) -> Any:
    other = make_org(name="大理某某科技有限公司", org_type="enterprise")
    return make_user("outsider", other, ["licensee_staff", "org_admin"])


@pytest.fixture
def offer(published_a: Any, manager_a: Any) -> Any:
    from zhuanhua.licensing.services import offer_publish

    return offer_publish(user=manager_a, achievement=published_a, data=dict(OFFER_DATA))


@pytest.fixture
def inquiry(offer: Any, licensee_user: Any) -> Any:
    from zhuanhua.licensing.services import inquiry_open

    return inquiry_open(user=licensee_user, offer=offer, message="我司希望承接该成果。")


@pytest.fixture
def licence(inquiry: Any, licensee_user: Any, manager_a: Any) -> Any:
    from zhuanhua.licensing.services import version_accept, version_propose

    version_propose(user=licensee_user, inquiry=inquiry, terms=dict(VERSION_TERMS))
    return version_accept(user=manager_a, inquiry=inquiry, number=1)


@pytest.fixture
def active_licence(licence: Any, manager_a: Any) -> Any:
    from zhuanhua.licensing.services import licence_activate

    return licence_activate(
        user=manager_a, licence=licence, signed_on=dt.date(2025, 1, 1), signed_pdf=signed_pdf()
    )


@pytest.fixture
def valid_uscc() -> str:
    """A company's 统一社会信用代码 with a right check digit (equity deals)."""
    from stdnum.cn import uscc

    base = "91530100MA6K0AAA4"
    return base + uscc.calc_check_digit(base)
