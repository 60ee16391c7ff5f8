"""An enterprise requests a pilot-run service; the platform accepts with the contract amount,
records delivery, and the year's service revenue shows it."""

from playwright.sync_api import expect

from tests.browser.conftest import login, logout


def test_enterprise_requests_pilot_run_provider_delivers(
    page, shot, transactional_db, make_org, make_user
):
    from zhuanhua.directory.services import offer_create, provider_create

    platform_org = make_org(name="云南某中试基地有限公司（浏览器测试）", org_type="enterprise")
    enterprise = make_org(name="曲靖某食品有限公司（浏览器测试）", org_type="enterprise")
    admin = make_user("pilot_admin", platform_org, ["org_admin"])
    make_user("food_buyer", enterprise, ["licensee_staff"])
    provider = provider_create(
        user=admin,
        data={
            "kind": "pilot_platform",
            "name": "高原特色农产品中试验证平台",
            "introduction": "面向社会开放的农产品加工中试线。",
            "contact_name": "李四",
            "contact_phone": "0871-12345678",
            "prefecture": "530100",
        },
    )
    offer_create(
        user=admin,
        provider=provider,
        data={
            "category": "pilot_run",
            "title": "果蔬加工中试",
            "description": "10 吨级中试线",
            "price": "每批次 5 万元起",
        },
    )

    login(page, "food_buyer")
    page.goto(page.base + "/directory/?kind=pilot_platform")
    page.click("text=高原特色农产品中试验证平台")
    page.fill("textarea[name=description]", "番茄酱杀菌工艺中试 2 批次")
    shot(page, "directory-01-request")
    page.click("button:has-text('委托服务')")
    page.wait_for_selector("text=服务委托已提交")
    expect(page.locator("[data-testid=request-status]")).to_have_text("待受理")
    request_url = page.url

    logout(page)
    login(page, "pilot_admin")
    page.goto(request_url)
    page.fill("#id_contract_amount", "100000")
    page.click("button:has-text('受理')")
    page.wait_for_selector("text=已受理并登记合同金额")
    expect(page.locator("[data-testid=contract-amount]")).to_contain_text("100,000.00 元")
    page.fill("#id_note", "已出具中试报告")
    page.click("button:has-text('登记交付')")
    page.wait_for_selector("text=已登记服务交付")
    expect(page.locator("[data-testid=request-status]")).to_have_text("已交付")
    shot(page, "directory-02-delivered")

    page.goto(page.base + f"/directory/providers/{provider.pk}/")
    expect(page.locator("[data-testid=revenue]")).to_contain_text("100,000.00 元")
    shot(page, "directory-03-revenue")
    assert page.console_errors == []
