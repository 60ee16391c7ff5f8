"""Fixtures of the publicity tests: an enterprise licensee, an outside user, notices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

START = dt.date(2025, 9, 20)  # 15 calendar days end on Sunday 2025-10-05, inside National Day
END = dt.date(2025, 10, 9)  # first working day after the 2025-10-01 … 10-08 holiday


@pytest.fixture
def enterprise(make_org: Any) -> Any:
    return make_org(name="云南白药测试企业", org_type="enterprise", prefecture="530100")


@pytest.fixture
def outsider(enterprise: Any, make_user: Any) -> Any:
    return make_user("outsider", enterprise, ["licensee_staff"])


@pytest.fixture
def price_data(published_a: Any, enterprise: Any) -> dict[str, Any]:
    return {
        "kind": "agreement_price",
        "title": "关于一种固态储氢材料的制备方法协议定价的公示",
        "content": "拟以协议定价方式许可使用，现予公示。",
        "starts_on": START,
        "period_days": 15,
        "achievement": published_a,
        "licensee": enterprise,
        "price_amount": Decimal("120000.00"),
        "pricing_method": "agreement",
    }


@pytest.fixture
def draft_notice(manager_a: Any, price_data: dict[str, Any]) -> Any:
    from zhuanhua.publicity.services import notice_create

    return notice_create(user=manager_a, data=price_data)


@pytest.fixture
def open_notice(manager_a: Any, draft_notice: Any) -> Any:
    from zhuanhua.publicity.services import notice_publish

    return notice_publish(user=manager_a, notice=draft_notice, today=START)
