"""A researcher's disclosure becomes an achievement: the researcher signs in, discloses a result
to the unit (completers and shares, funding, IP, readiness, conflicts) and submits it; the unit's
achievement manager finds it in 披露审核 with its waiting time and accepts it; a draft
achievement of the unit exists with the completers, their shares and the funding; the
researcher sees the disclosure accepted, with the achievement it became."""

from decimal import Decimal

from playwright.sync_api import expect

from tests.browser.conftest import login, logout

TITLE = "高原蓝莓低温贮藏保鲜工艺"


def test_researchers_disclosure_becomes_a_draft_achievement(
    page, shot, transactional_db, make_org, make_user
):
    from zhuanhua.achievements.models import Achievement
    from zhuanhua.disclosures.models import Disclosure

    unit = make_org(name="云南农业大学（浏览器测试）", org_type="university", prefecture="530100")
    make_user("李晓东", unit, ["researcher"])
    make_user("ynau_manager", unit, ["achievement_manager"])

    login(page, "李晓东")
    page.get_by_role("link", name="我的披露").first.click()
    page.get_by_test_id("disclosure-new").click()
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", "气调与低温梯度贮藏结合，蓝莓货架期延长至 45 天。")
    page.select_option("#id_industry_field", "food")
    page.select_option("#id_readiness", "6")
    page.fill("#id_completers", "李晓东，60，云南农业大学\n和丽，40，云南农业大学")
    page.select_option("#id_funding_source", "fiscal")
    page.fill("#id_funding_project", "云南省科技人才与平台计划 202505AF350001")
    page.select_option("#id_ip_status", "secret")
    page.fill("#id_commercial_contacts", "澄江某蓝莓种植企业有意试用")
    page.fill("#id_conflicts", "无")
    page.get_by_test_id("submit-confirm").locator("summary").click()
    page.get_by_test_id("disclosure-submit").click()
    expect(page.get_by_test_id("disclosure-status")).to_have_text("待单位审核")
    shot(page, "disclosure-submitted")
    logout(page)

    login(page, "ynau_manager")
    page.get_by_role("link", name="披露审核").first.click()
    row = page.get_by_test_id("disclosure-queue").locator("tr", has_text=TITLE)
    expect(row.get_by_test_id("days-waited")).to_have_text("0 天")
    row.get_by_role("link", name=TITLE).click()
    page.select_option("#id_decision", "accept")
    page.get_by_test_id("decide-confirm").locator("summary").click()
    page.get_by_test_id("disclosure-decide").click()
    expect(page.get_by_test_id("disclosure-status")).to_have_text("已受理（已登记为成果草稿）")
    page.get_by_test_id("disclosure-achievement").click()
    expect(page.locator("h1")).to_contain_text(TITLE)
    shot(page, "disclosure-achievement")

    achievement = Achievement.objects.get(title=TITLE)
    assert achievement.status == "draft"
    assert achievement.owner == unit
    assert achievement.fiscally_funded is True
    assert achievement.funding_programme == "云南省科技人才与平台计划 202505AF350001"
    assert [(c.name, c.share) for c in achievement.completers.all()] == [
        ("李晓东", Decimal("60.00")),
        ("和丽", Decimal("40.00")),
    ]
    assert Disclosure.objects.get(title=TITLE).achievement == achievement
    logout(page)

    login(page, "李晓东")
    page.goto(page.base + "/disclosures/")
    expect(page.get_by_test_id("disclosure-status")).to_have_text("已受理（已登记为成果草稿）")
    assert page.console_errors == []
