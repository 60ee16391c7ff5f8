"""Search fixtures: an isolated index directory per test, an enterprise and a need."""

from __future__ import annotations

from typing import Any

import pytest

from zhuanhua.needs.services import need_create, need_transition


@pytest.fixture(autouse=True)
def search_dir(settings: Any, tmp_path: Any) -> Any:
    from zhuanhua.search import services

    settings.ZHUANHUA_SEARCH_DIR = str(tmp_path / "search")
    services._services.clear()
    yield tmp_path / "search"
    services._services.clear()


@pytest.fixture
def enterprise(make_org: Any) -> Any:
    return make_org(name="云南储能科技有限公司（测试）", org_type="enterprise", prefecture="530100")


@pytest.fixture
def enterprise_user(make_user: Any, enterprise: Any) -> Any:
    return make_user("ent_user", enterprise, ["licensee_staff"], email="ent@example.com")


NEED_DATA = {
    "title": "离网光伏配套储氢装置",
    "description": "需要一种固态储氢方案，为偏远地区离网光伏电站配套储能，要求储氢密度高、安全。",
    "keywords": ["固态储氢", "离网光伏"],
    "industry_field": "new_energy",
    "indicators": "质量储氢密度不低于 5%",
    "budget_amount": "500000",
    "fee_model": "royalty",
    "prefecture": "530100",
}


@pytest.fixture
def need_data() -> dict[str, Any]:
    return dict(NEED_DATA)


@pytest.fixture
def published_need(enterprise_user: Any, need_data: dict[str, Any]) -> Any:
    need = need_create(user=enterprise_user, data=need_data)
    return need_transition(user=enterprise_user, need=need, action="publish")
