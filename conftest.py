"""Fixtures shared by the whole suite: two research units, an enterprise, the department."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from zhuanhua.core.uscc import make_uscc

_serial = itertools.count(1)


def _org(**kwargs: Any) -> Any:
    from zhuanhua.organisations.models import Organisation

    n = next(_serial)
    defaults = {
        "name": f"测试机构{n}",
        "org_type": "university",
        "uscc": make_uscc(f"1253010000000{n:04d}"),
        "prefecture": "530100",
        "status": "approved",
    }
    defaults.update(kwargs)
    return Organisation.objects.create(**defaults)


def _user(username: str, org: Any, roles: list[str], **kwargs: Any) -> Any:
    from zhuanhua.accounts.models import User

    return User.objects.create_user(
        username=username,
        password="zhuanhua-test-pw",
        organisation=org,
        roles=roles,
        display_name=username,
        **kwargs,
    )


@pytest.fixture
def make_org(db: Any) -> Any:
    return _org


@pytest.fixture
def make_user(db: Any) -> Any:
    return _user


@pytest.fixture
def unit_a(db: Any) -> Any:
    return _org(name="云南大学（测试）", org_type="university", prefecture="530100")


@pytest.fixture
def unit_b(db: Any) -> Any:
    return _org(name="昆明理工大学（测试）", org_type="university", prefecture="530100")


@pytest.fixture
def department(db: Any) -> Any:
    return _org(name="云南省科学技术厅（测试）", org_type="department", prefecture="530100")


@pytest.fixture
def manager_a(unit_a: Any) -> Any:
    return _user("manager_a", unit_a, ["achievement_manager"])


@pytest.fixture
def manager_b(unit_b: Any) -> Any:
    return _user("manager_b", unit_b, ["achievement_manager"])


@pytest.fixture
def reviewer(department: Any) -> Any:
    return _user("reviewer", department, ["department_reviewer"])


@pytest.fixture
def auditor(department: Any) -> Any:
    return _user("auditor", department, ["auditor"])


ACHIEVEMENT_DATA = {
    "title": "一种固态储氢材料的制备方法",
    "summary": "本发明公开了一种镁基固态储氢材料的制备方法，储氢密度高，适合离网光伏配套。",
    "keywords": ["固态储氢", "镁基合金"],
    "industry_field": "new_energy",
    "ip_type": "patent",
    "ip_number": "ZL202110000001.1",
    "ip_acquired_on": dt.date(2023, 5, 10),
    "trl": 6,
    "fiscally_funded": True,
    "is_applied_technology": True,
}


@pytest.fixture
def achievement_data() -> dict[str, Any]:
    return dict(ACHIEVEMENT_DATA)


@pytest.fixture
def draft_a(manager_a: Any, achievement_data: dict[str, Any]) -> Any:
    from zhuanhua.achievements.services import achievement_create

    return achievement_create(
        user=manager_a, data=achievement_data, completers=[{"name": "张三", "employer": "云南大学"}]
    )


@pytest.fixture
def published_a(draft_a: Any, manager_a: Any, reviewer: Any) -> Any:
    from zhuanhua.achievements.services import achievement_transition

    achievement_transition(user=manager_a, achievement=draft_a, action="submit")
    return achievement_transition(user=reviewer, achievement=draft_a, action="publish")


@pytest.fixture(autouse=True)
def _search_index_per_test(request: Any, tmp_path_factory: Any) -> Any:
    """Each test its own search index. A process keeps one search service per index directory
    and a rolled-back test's change-log ids are handed out again, so a service shared between
    tests would miss the next test's changes (the hall and 检索 both rank through it)."""
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    from zhuanhua.search import services

    settings = request.getfixturevalue("settings")
    settings.ZHUANHUA_SEARCH_DIR = str(tmp_path_factory.mktemp("search"))
    services._services.clear()
    yield
    services._services.clear()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """PostgreSQL-only tests skip on SQLite; in the PostgreSQL leg nothing may fall back."""
    import os

    # From the environment, not django.conf: the pure engines' tests also run with -p no:django.
    vendor_is_pg = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    if os.environ.get("ZHUANHUA_REQUIRE_POSTGRES") and not vendor_is_pg:
        raise pytest.UsageError(
            "ZHUANHUA_REQUIRE_POSTGRES is set but DATABASE_URL is not PostgreSQL"
        )
    if not vendor_is_pg:
        skip = pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL leg)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


def pytest_runtest_logreport(report: Any) -> None:
    import os

    if (
        os.environ.get("ZHUANHUA_REQUIRE_POSTGRES")
        and report.skipped
        and "postgres" in report.keywords
    ):
        raise RuntimeError(f"PostgreSQL test skipped in the PostgreSQL leg: {report.nodeid}")
