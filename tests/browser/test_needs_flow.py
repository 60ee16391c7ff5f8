"""An enterprise posts a technology need, sees matched achievements with their reasons and opens
a licensing inquiry from one; the unit answers the need in a response thread."""

import datetime as dt

from playwright.sync_api import expect

from tests.browser.conftest import login, logout


def test_enterprise_posts_need_sees_matches_opens_inquiry(
    page,
    shot,
    transactional_db,
    make_org,
    make_user,
    settings,
    tmp_path,
):
    from zhuanhua.achievements.services import achievement_create, achievement_transition
    from zhuanhua.licensing.models import LicenceOffer
    from zhuanhua.search import services as search_services

    settings.ZHUANHUA_SEARCH_DIR = str(tmp_path / "search")
    search_services._services.clear()

    unit = make_org(name="昆明理工大学（浏览器测试）", org_type="university", prefecture="530100")
    department = make_org(name="云南省科学技术厅（浏览器测试）", org_type="department")
    enterprise = make_org(
        name="云南氢能装备有限公司（浏览器测试）", org_type="enterprise", prefecture="530100"
    )
    manager = make_user("kust_manager", unit, ["achievement_manager"])
    reviewer = make_user("dept_reviewer", department, ["department_reviewer"])
    make_user("h2_buyer", enterprise, ["licensee_staff"])
    achievements = []
    for title, summary, keywords, field in [
        (
            "一种镁基固态储氢材料及其制备方法",
            "镁基合金固态储氢材料，储氢密度高，适合离网光伏配套储能。",
            ["固态储氢", "镁基合金"],
            "new_energy",
        ),
        (
            "普洱茶渥堆发酵过程控制技术",
            "控制温湿度，实现普洱茶渥堆发酵标准化。",
            ["普洱茶发酵"],
            "food",
        ),
    ]:
        a = achievement_create(
            user=manager,
            data={
                "title": title,
                "summary": summary,
                "keywords": keywords,
                "industry_field": field,
                "ip_type": "patent",
                "ip_number": "ZL202110000001.1",
                "ip_acquired_on": dt.date(2023, 5, 10),
                "trl": 6,
            },
            completers=[{"name": "王五"}],
        )
        achievement_transition(user=manager, achievement=a, action="submit")
        achievements.append(achievement_transition(user=reviewer, achievement=a, action="publish"))
    LicenceOffer.objects.create(
        achievement=achievements[0],
        summary="镁基储氢材料普通许可",
        fee_standard="门槛费 5 万元，提成 3%",
        fee_model="royalty",
        license_mode="non_exclusive",
        term_months=60,
    )

    login(page, "h2_buyer")
    page.goto(page.base + "/needs/new/")
    page.fill("#id_title", "离网光伏电站配套储氢装置")
    page.fill("#id_description", "为偏远地区离网光伏电站寻找安全的固态储氢方案，用于夜间供电。")
    page.fill("#id_keywords", "固态储氢，离网光伏")
    page.select_option("#id_industry_field", "new_energy")
    page.fill("#id_indicators", "质量储氢密度不低于 5%，循环 1000 次容量保持 90%")
    page.fill("#id_budget_amount", "800000")
    page.select_option("#id_fee_model", "royalty")
    shot(page, "needs-01-form")
    page.click("button:has-text('保存并发布')")
    page.wait_for_selector("text=需求已发布到需求大厅")
    expect(page.locator("[data-testid=need-status]")).to_have_text("已发布")
    first = page.locator("[data-testid=match]").first
    expect(first).to_contain_text("一种镁基固态储氢材料及其制备方法")
    reasons = first.locator("[data-testid=match-reason]")
    expect(reasons.filter(has_text="同属领域：新能源与节能")).to_have_count(1)
    expect(reasons.filter(has_text="同在昆明市")).to_have_count(1)
    expect(reasons.filter(has_text="收费方式相符：门槛费+收入提成")).to_have_count(1)
    expect(first.locator("mark").first).to_be_visible()
    shot(page, "needs-02-matches")
    need_url = page.url

    first.locator("button:has-text('发起许可商洽')").click()
    page.wait_for_selector("text=已发起许可商洽")
    expect(page.locator("[data-testid=inquiry-status]")).to_have_text("商洽中")
    expect(page.locator("main")).to_contain_text("来自技术需求“离网光伏电站配套储氢装置”的匹配推荐")
    shot(page, "needs-03-inquiry")

    # the need is in the hall and in the unified search
    page.goto(page.base + "/needs/?q=储氢")
    expect(page.locator("[data-testid=need-count]")).to_have_text("1")
    page.goto(page.base + "/search/?q=固态储氢")
    expect(page.locator("[data-testid=hit-need]")).to_have_count(1)
    expect(page.locator("[data-testid=hit-achievement] mark").first).to_be_visible()
    shot(page, "needs-04-search")

    logout(page)
    login(page, "kust_manager")
    page.goto(need_url)
    page.locator("[data-testid=match]").first.locator("button:has-text('用这个成果回应')").click()
    page.wait_for_selector("text=已用该成果回应需求")
    page.fill("#id_body", "我们可提供样品测试数据。")
    page.click("button:has-text('发送')")
    expect(page.locator("[data-testid=response-messages]")).to_contain_text(
        "我们可提供样品测试数据。"
    )
    shot(page, "needs-05-response")
    assert page.console_errors == []
