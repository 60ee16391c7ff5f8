"""赋权 (measure 1): co-ownership shares add up to exactly 100%, use rights run ≥ 10 years,
the negative list blocks with its reason; only the owning unit grants, once, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.achievements.services import achievement_update
from zhuanhua.audit.models import AuditEntry
from zhuanhua.audit.services import audit_verify
from zhuanhua.engines import rights
from zhuanhua.transfer.models import RightsGrant
from zhuanhua.transfer.services import rights_grant_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_achievement(manager_a, draft_a):
    return achievement_update(
        user=manager_a,
        achievement=draft_a,
        data={},
        completers=[{"name": "张三", "employer": "云南大学"}, {"name": "李四", "employer": ""}],
    )


def unit(share):
    return {"holder_kind": "unit", "share": share}


def person(name, share):
    return {"holder_kind": "completer", "holder_name": name, "share": share}


def errors_of(excinfo):
    return excinfo.value.message_dict


def test_co_ownership_with_shares_summing_to_100(manager_a, team_achievement):
    grant = rights_grant_create(
        user=manager_a,
        achievement=team_achievement,
        kind="co_ownership",
        negative_list_category="",
        shares=[unit("30"), person("张三", "45.50"), person("李四", Decimal("24.5"))],
        granted_on=dt.date(2026, 6, 1),
    )
    assert grant.kind == "co_ownership"
    assert grant.use_years is None
    assert grant.granted_on == dt.date(2026, 6, 1)
    assert [(s.holder_kind, s.holder_name, s.share) for s in grant.shares.all()] == [
        ("unit", "云南大学（测试）", Decimal("30.00")),
        ("completer", "张三", Decimal("45.50")),
        ("completer", "李四", Decimal("24.50")),
    ]
    entry = AuditEntry.objects.get(action="rights_grant.create")
    assert entry.object_id == str(grant.pk)
    assert audit_verify() is None


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        (
            [unit("30"), person("张三", "45.50"), person("李四", "24.49")],
            "份额合计应为 100%，当前为 99.99%",
        ),
        (
            [unit("30.01"), person("张三", "45.50"), person("李四", "24.50")],
            "份额合计应为 100%，当前为 100.01%",
        ),
        ([person("张三", "60"), person("李四", "40")], rights.ERR_UNIT_SHARE),
        ([unit("100")], rights.ERR_COMPLETER_SHARE),
        ([unit("50"), person("王五", "50")], rights.ERR_SHARE_HOLDER),
        ([unit("50"), person("张三", "50.001")], rights.ERR_SHARE_VALUE),
        ([unit("0"), person("张三", "100")], rights.ERR_SHARE_VALUE),
        ([unit("50"), person("张三", 50.0)], rights.ERR_SHARE_VALUE),
        ([unit("40"), person("张三", "30"), person("张三", "30")], "同一持有人只能列一次：张三"),
        ([], rights.ERR_SHARES_REQUIRED),
    ],
)
def test_co_ownership_share_problems(manager_a, team_achievement, shares, message):
    with pytest.raises(ValidationError) as excinfo:
        rights_grant_create(
            user=manager_a,
            achievement=team_achievement,
            kind="co_ownership",
            negative_list_category="",
            shares=shares,
        )
    assert message in errors_of(excinfo)["shares"]
    assert RightsGrant.objects.count() == 0


def test_long_term_use_needs_at_least_10_years(manager_a, team_achievement):
    with pytest.raises(ValidationError) as excinfo:
        rights_grant_create(
            user=manager_a,
            achievement=team_achievement,
            kind="long_term_use",
            negative_list_category="",
            use_years=9,
        )
    assert errors_of(excinfo) == {"use_years": ["长期使用权期限不得低于 10 年"]}
    with pytest.raises(ValidationError):
        rights_grant_create(
            user=manager_a,
            achievement=team_achievement,
            kind="long_term_use",
            negative_list_category="",
        )
    grant = rights_grant_create(
        user=manager_a,
        achievement=team_achievement,
        kind="long_term_use",
        negative_list_category="",
        use_years=10,
    )
    assert grant.use_years == 10
    assert list(grant.shares.all()) == []


def test_use_years_only_for_long_term_use(manager_a, team_achievement):
    with pytest.raises(ValidationError) as excinfo:
        rights_grant_create(
            user=manager_a,
            achievement=team_achievement,
            kind="assignment",
            negative_list_category="",
            use_years=10,
        )
    assert errors_of(excinfo) == {"use_years": [rights.ERR_USE_YEARS_ONLY]}


def test_assignment_shares_are_among_completers_only(manager_a, team_achievement):
    with pytest.raises(ValidationError) as excinfo:
        rights_grant_create(
            user=manager_a,
            achievement=team_achievement,
            kind="assignment",
            negative_list_category="",
            shares=[unit("20"), person("张三", "80")],
        )
    assert errors_of(excinfo) == {"shares": [rights.ERR_UNIT_SHARE_NOT_ALLOWED]}
    grant = rights_grant_create(
        user=manager_a,
        achievement=team_achievement,
        kind="assignment",
        negative_list_category="",
        shares=[person("张三", "70"), person("李四", "30")],
    )
    assert [str(s.share) for s in grant.shares.all()] == ["70.00", "30.00"]


@pytest.mark.parametrize(
    ("category", "label"),
    [
        ("national_security", "国家安全"),
        ("national_defence", "国防安全"),
        ("public_security", "公共安全"),
        ("economic_security", "经济安全"),
        ("social_stability", "社会稳定"),
        ("major_public_interest", "国家利益和重大社会公共利益"),
    ],
)
def test_negative_list_blocks_with_its_reason(manager_a, team_achievement, category, label):
    with pytest.raises(ValidationError) as excinfo:
        rights_grant_create(
            user=manager_a,
            achievement=team_achievement,
            kind="long_term_use",
            negative_list_category=category,
            use_years=20,
        )
    assert errors_of(excinfo) == {
        "negative_list_category": [f"该成果属于赋权负面清单（{label}），暂不纳入赋权范围"]
    }
    assert RightsGrant.objects.count() == 0
    assert not AuditEntry.objects.filter(action="rights_grant.create").exists()


def test_unknown_negative_list_category(manager_a, team_achievement):
    with pytest.raises(ValidationError) as excinfo:
        rights_grant_create(
            user=manager_a,
            achievement=team_achievement,
            kind="assignment",
            negative_list_category="weather",
        )
    assert errors_of(excinfo) == {"negative_list_category": [rights.ERR_NEGATIVE_LIST_CHOICE]}


def test_only_service_achievements_once_and_not_in_the_future(manager_a, team_achievement):
    achievement_update(user=manager_a, achievement=team_achievement, data={"is_service": False})
    team_achievement.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        rights_grant_create(
            user=manager_a,
            achievement=team_achievement,
            kind="long_term_use",
            negative_list_category="",
            use_years=10,
        )
    assert errors_of(excinfo) == {"achievement": [rights.ERR_NOT_SERVICE]}
    achievement_update(user=manager_a, achievement=team_achievement, data={"is_service": True})
    with pytest.raises(ValidationError) as excinfo:
        rights_grant_create(
            user=manager_a,
            achievement=team_achievement,
            kind="long_term_use",
            negative_list_category="",
            use_years=10,
            granted_on=dt.date(2999, 1, 1),
        )
    assert errors_of(excinfo) == {"granted_on": ["赋权日期不能晚于今天"]}
    rights_grant_create(
        user=manager_a,
        achievement=team_achievement,
        kind="long_term_use",
        negative_list_category="",
        use_years=10,
    )
    with pytest.raises(ValidationError) as excinfo:
        rights_grant_create(
            user=manager_a,
            achievement=team_achievement,
            kind="long_term_use",
            negative_list_category="",
            use_years=15,
        )
    assert errors_of(excinfo) == {"achievement": ["该成果已办理赋权"]}


def test_another_unit_cannot_grant(manager_b, team_achievement):
    with pytest.raises(PermissionDenied):
        rights_grant_create(
            user=manager_b,
            achievement=team_achievement,
            kind="long_term_use",
            negative_list_category="",
            use_years=10,
        )


def test_bad_kind(manager_a, team_achievement):
    with pytest.raises(ValidationError) as excinfo:
        rights_grant_create(
            user=manager_a, achievement=team_achievement, kind="gift", negative_list_category=""
        )
    assert errors_of(excinfo) == {"kind": [rights.ERR_KIND]}
