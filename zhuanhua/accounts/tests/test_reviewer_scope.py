"""Reviewer scope (issue 24): only the provincial department's reviewers act province-wide."""

from __future__ import annotations

import pytest

from zhuanhua.accounts import scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def gov(make_org, make_user):
    edu = make_org(name="云南省教育厅（测试）", org_type="supervising_department")
    health = make_org(name="云南省卫生健康委员会（测试）", org_type="supervising_department")
    bureau = make_org(
        name="曲靖市科学技术局（测试）", org_type="prefecture_bureau", prefecture="530300"
    )
    finance = make_org(name="云南省财政厅（测试）", org_type="finance_department")
    uni = make_org(name="某大学（测试）", org_type="university", supervisor=edu)
    hospital = make_org(name="某医院（测试）", org_type="medical_institution", supervisor=health)
    return {
        "edu": make_user("edu_rev", edu, ["department_reviewer"]),
        "health": make_user("health_rev", health, ["department_reviewer"]),
        "bureau": make_user("qj_rev", bureau, ["department_reviewer"]),
        "finance": make_user("fin_rev", finance, ["department_reviewer"]),
        "uni": uni,
        "hospital": hospital,
    }


def test_only_the_provincial_department_is_province_wide(gov, reviewer, make_user):
    admin = make_user("padmin", None, ["platform_admin"])
    assert reviewer.is_reviewer
    assert scope.is_provincial_reviewer(reviewer)
    assert admin.is_reviewer
    for key in ("edu", "health", "bureau", "finance"):
        assert not gov[key].is_reviewer, key
        assert not scope.is_provincial_reviewer(gov[key]), key


def test_a_bureau_reviewer_acts_for_its_prefecture_only(gov, reviewer):
    assert scope.is_prefecture_reviewer(gov["bureau"])
    assert scope.prefecture_scope(gov["bureau"]) == "530300"
    assert scope.prefecture_scope(reviewer) is None
    assert list(scope.supervised_org_ids(gov["bureau"])) == []
    assert not scope.may_review_unit(gov["bureau"], gov["uni"].pk)


def test_a_supervising_department_sees_its_own_units(gov, reviewer):
    assert list(scope.supervised_org_ids(gov["edu"])) == [gov["uni"].pk]
    assert scope.may_review_unit(gov["edu"], gov["uni"].pk)
    assert not scope.may_review_unit(gov["edu"], gov["hospital"].pk)
    assert scope.may_review_unit(reviewer, gov["hospital"].pk)


def test_finance_reviewer(gov, reviewer):
    assert scope.is_finance_reviewer(gov["finance"])
    assert not scope.is_finance_reviewer(reviewer)
    assert not scope.is_finance_reviewer(gov["edu"])


def test_reports_go_to_the_units_supervisor_or_the_province(gov, reviewer, unit_a):
    assert list(scope.reviewers_for_unit(gov["uni"])) == [gov["edu"]]
    assert list(scope.reviewers_for_unit(unit_a)) == [reviewer]
