"""The header and the workbench are drawn from portal/menus.py (issue 21.1-2): a person is shown
what their job needs, and every link shown opens."""

from __future__ import annotations

import re

import pytest

from zhuanhua.accounts.choices import Role
from zhuanhua.achievements.models import Achievement
from zhuanhua.portal import menus

UNIT_ONLY = ("登记新成果", "Excel 批量导入", "职务成果赋权", "尽职免责案件", "单位转化与免责制度")


@pytest.fixture
def enterprise_staff(make_org, make_user):
    firm = make_org(name="滇池科技有限公司", org_type="enterprise")
    return make_user("firm", firm, [Role.ORG_ADMIN, Role.LICENSEE_STAFF])


@pytest.fixture
def everyone(make_org, make_user, manager_a, reviewer, auditor, enterprise_staff, unit_a):
    guarantor = make_org(name="云南省科技融资担保", org_type="guarantor")
    vc = make_org(name="滇中创投", org_type="venture_capital")
    park = make_org(name="呈贡信息产业园", org_type="park_or_zone")
    broker = make_org(name="昆明技术转移中心", org_type="service_agency")
    return [
        manager_a,
        reviewer,
        auditor,
        enterprise_staff,
        make_user("res", unit_a, [Role.RESEARCHER]),
        make_user("tm", broker, [Role.TECHNOLOGY_MANAGER]),
        make_user("guar", guarantor, [Role.ORG_ADMIN]),
        make_user("vc", vc, [Role.ORG_ADMIN]),
        make_user("park", park, [Role.ORG_ADMIN]),
    ]


def _shown_links(body: str) -> list[str]:
    return re.findall(r'href="([^"]+)" data-menu="', body)


def test_enterprise_workbench_shows_its_job_and_not_a_units(client, enterprise_staff):
    client.force_login(enterprise_staff)

    body = client.get("/workbench/").content.decode()

    assert 'data-testid="job-enterprise"' in body
    for label in (
        "发布技术需求",
        "我的许可、询价与报告",
        "科技创新券",
        "我的奖补申请",
        "本企业看板",
    ):
        assert label in body
    for label in UNIT_ONLY:
        assert label not in body
    assert "本单位成果状态" not in body


def test_unit_manager_is_not_offered_posting_a_need(client, manager_a):
    client.force_login(manager_a)

    body = client.get("/").content.decode()

    assert "/needs/new/" not in body
    assert "回应技术需求" in client.get("/workbench/").content.decode()


def test_reviewer_sees_each_queue_with_its_count(client, reviewer, make_org, draft_a, manager_a):
    make_org(name="待审机构", status="pending")
    Achievement.objects.filter(pk=draft_a.pk).update(status="submitted")
    client.force_login(reviewer)

    body = client.get("/workbench/").content.decode()

    assert 'data-testid="count-q_achievements">1<' in body
    assert 'data-testid="count-q_organisations">1<' in body
    assert 'data-testid="count-q_subsidies">0<' in body
    for label in ("转化清单（年报）报送", "诚信审查移送", "公示异议待答复", "创新券兑付审核"):
        assert label in body
    assert "我的奖补申请" not in body
    assert "本单位成果状态" not in body


def test_guarantor_reaches_risk_cover_and_others_are_not_shown_it(
    client, everyone, enterprise_staff
):
    guarantor = next(u for u in everyone if u.username == "guar")
    client.force_login(guarantor)
    assert "/licensing/covers/" in client.get("/workbench/").content.decode()

    client.force_login(enterprise_staff)
    assert "/licensing/covers/" not in client.get("/workbench/").content.decode()


def test_every_link_shown_to_each_role_opens(client, everyone):
    for user in everyone:
        client.force_login(user)
        links = set(_shown_links(client.get("/workbench/").content.decode()))
        links |= set(_shown_links(client.get("/").content.decode()))
        assert links, user.username
        for url in sorted(links):
            if "export" in url:
                continue  # a file, not a page
            status = client.get(url, follow=True).status_code
            assert status == 200, f"{user.username} {url} {status}"


def test_header_key_differs_when_the_links_differ(manager_a, enterprise_staff, reviewer):
    keys = {menus.header_menu(u).cache_key for u in (manager_a, enterprise_staff, reviewer)}

    assert len(keys) == 3
