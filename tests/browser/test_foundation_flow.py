"""A unit registers an achievement, a reviewer publishes it, the public finds it by a Chinese word."""

from playwright.sync_api import expect

from tests.browser.conftest import login, logout


def test_unit_creates_submits_reviewer_publishes_public_finds(
    page, shot, transactional_db, make_org, make_user
):
    unit = make_org(name="云南农业大学（浏览器测试）", org_type="university", prefecture="530100")
    department = make_org(name="云南省科学技术厅（浏览器测试）", org_type="department")
    make_user("ynau_manager", unit, ["achievement_manager"])
    make_user("dept_reviewer", department, ["department_reviewer"])

    login(page, "ynau_manager")
    page.click("text=登记新成果")
    page.fill("#id_title", "高原特色普洱茶低温发酵工艺")
    page.fill(
        "#id_summary",
        "一种适用于云南大叶种晒青毛茶的低温渥堆发酵工艺，缩短发酵周期，提升品质稳定性。",
    )
    page.fill("#id_keywords", "普洱茶，渥堆发酵")
    page.select_option("#id_industry_field", "food")
    page.select_option("#id_ip_type", "patent")
    page.fill("#id_ip_number", "ZL202310000123.4")
    page.fill("#id_ip_acquired_on", "2024-03-10")
    page.select_option("#id_trl", "6")
    page.fill("#id_completers", "普洱茶，云南农业大学")
    shot(page, "foundation-01-form")
    page.click("text=保存草稿")
    page.wait_for_selector("text=成果已保存为草稿")
    assert page.inner_text("[data-testid=status]") == "草稿"
    page.click("text=提交审核")
    page.wait_for_selector("text=已提交主管部门审核")
    assert page.inner_text("[data-testid=status]") == "待审核"
    shot(page, "foundation-02-submitted")
    detail_url = page.url

    logout(page)
    login(page, "dept_reviewer")
    assert "高原特色普洱茶低温发酵工艺" in page.inner_text("main")
    page.goto(detail_url)
    page.click("text=审核通过并发布")
    page.wait_for_selector("text=成果已发布到成果大厅")
    assert page.inner_text("[data-testid=status]") == "已发布"

    logout(page)
    page.goto(page.base + "/")
    page.fill("#home-q", "渥堆发酵")
    page.click("button:has-text('搜索成果')")
    page.wait_for_selector("text=高原特色普洱茶低温发酵工艺")
    assert page.inner_text("[data-testid=hall-count]") == "1"
    # htmx narrows the list in place when a filter changes.
    page.select_option("#id_ip_type", "plant_variety")
    expect(page.locator("[data-testid=hall-count]")).to_have_text("0")
    page.select_option("#id_ip_type", "patent")
    expect(page.locator("[data-testid=hall-count]")).to_have_text("1")
    shot(page, "foundation-03-hall")
    assert page.console_errors == []


def test_api_docs_render_from_local_files_under_csp(page, shot, transactional_db):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page.base + "/api/docs")
    expect(page.locator("text=成果大厅（已发布成果）")).to_be_visible()
    shot(page, "foundation-04-api-docs")
    assert all(url.startswith(page.base) or url.startswith("data:") for url in requests), requests
    assert page.console_errors == []
