"""Innovation vouchers on a directory service (measure 14): an enterprise requests a pilot run,
pays half the contract with vouchers, the platform delivers and claims redemption with its
documents, a reviewer approves; the voucher ledger and the platform's yearly service revenue
(the M10-2 base) show the numbers."""

from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import login, logout

PDF = b"%PDF-1.4\n% service voucher document\n%%EOF\n"


def test_pilot_run_paid_half_with_vouchers_redeemed_and_counted(
    page, shot, transactional_db, make_org, make_user, tmp_path: Path
):
    from zhuanhua.directory.services import offer_create, provider_create
    from zhuanhua.vouchers.services import voucher_quota_issue

    department = make_org(name="云南省科学技术厅（浏览器测试）", org_type="department")
    platform_org = make_org(name="云南某中试基地有限公司（浏览器测试）", org_type="enterprise")
    enterprise = make_org(
        name="曲靖某食品科技有限公司（浏览器测试）",
        org_type="enterprise",
        prefecture="530300",
        is_tech_enterprise=True,
    )
    reviewer = make_user("dept_reviewer", department, ["department_reviewer"])
    admin = make_user("pilot_admin", platform_org, ["org_admin"])
    make_user("food_staff", enterprise, ["licensee_staff"])
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
            "price": "每批次 10 万元起",
        },
    )
    year = timezone.localdate().year
    voucher_quota_issue(user=reviewer, enterprise=enterprise, year=year)
    files = {}
    for name in ("contract", "invoice", "payment"):
        files[name] = tmp_path / f"{name}.pdf"
        files[name].write_bytes(PDF)

    # The enterprise requests a pilot run.
    login(page, "food_staff")
    page.goto(page.base + "/directory/?kind=pilot_platform")
    page.click("text=高原特色农产品中试验证平台")
    page.fill("textarea[name=description]", "番茄酱杀菌工艺中试 2 批次")
    page.click("button:has-text('委托服务')")
    expect(page.locator(".alert-success")).to_contain_text("服务委托已提交")
    expect(page.locator("[data-testid=request-status]")).to_have_text("待受理")
    request_url = page.url

    # The platform accepts with the contract amount.
    logout(page)
    login(page, "pilot_admin")
    page.goto(request_url)
    page.fill("#id_contract_amount", "200000")
    page.click("button:has-text('受理')")
    expect(page.locator(".alert-success")).to_contain_text("已受理并登记合同金额")
    expect(page.locator("[data-testid=contract-amount]")).to_contain_text("200,000.00 元")

    # The enterprise pays half the contract with vouchers (more than half is refused).
    logout(page)
    login(page, "food_staff")
    page.goto(request_url)
    panel = page.locator("[data-testid=request-vouchers]")
    expect(panel.locator("[data-testid=voucher-limit]")).to_have_text("100,000.00")
    expect(panel.locator("[data-testid=voucher-left]")).to_have_text("800,000.00")
    expect(page.locator("#id_voucher_amount")).to_have_value("100000.00")
    page.fill("#id_voucher_amount", "100000.01")
    page.click("button:has-text('使用创新券支付')")
    expect(page.locator(".alert-danger, .alert-error").first).to_contain_text(
        "不得超过单项合同金额的 50%"
    )
    expect(panel.locator("[data-testid=voucher-used]")).to_have_text("0.00")
    page.fill("#id_voucher_amount", "100000")
    page.click("button:has-text('使用创新券支付')")
    expect(page.locator(".alert-success")).to_contain_text("已使用创新券支付 100,000.00 元")
    expect(panel.locator("[data-testid=voucher-used]")).to_have_text("100,000.00")
    expect(panel.locator("[data-testid=voucher-left]")).to_have_text("700,000.00")
    expect(panel.locator("[data-testid=spend-status]")).to_have_text("已使用（待申请兑付）")
    shot(page, "service-vouchers-01-paid")
    page.goto(page.base + f"/vouchers/?year={year}")
    expect(page.locator("[data-testid=spent]")).to_have_text("100,000.00")
    expect(page.locator("[data-testid=redeemed]")).to_have_text("0.00")
    expect(page.locator("[data-testid=left]")).to_have_text("700,000.00")

    # The platform delivers, then claims redemption with contract, invoice and payment proof.
    logout(page)
    login(page, "pilot_admin")
    page.goto(request_url)
    expect(page.locator("[data-testid=claim-after-delivery]")).to_contain_text(
        "登记交付后可申请兑付"
    )
    page.fill("#id_note", "已出具中试报告")
    page.click("button:has-text('登记交付')")
    expect(page.locator("[data-testid=request-status]")).to_have_text("已交付")
    claim = page.locator("[data-testid=voucher-claim]")
    claim.locator("input[name$='-contract']").set_input_files(str(files["contract"]))
    claim.locator("input[name$='-invoice']").set_input_files(str(files["invoice"]))
    claim.locator("input[name$='-payment_proof']").set_input_files(str(files["payment"]))
    claim.locator("button:has-text('提交兑付申请')").click()
    expect(page.locator(".alert-success")).to_contain_text("创新券兑付申请已提交")
    expect(page.locator("[data-testid=request-vouchers] [data-testid=spend-status]")).to_have_text(
        "待审核兑付"
    )
    shot(page, "service-vouchers-02-claimed")

    # A reviewer approves; the ledger and the platform's service revenue show it.
    logout(page)
    login(page, "dept_reviewer")
    page.goto(page.base + "/vouchers/queue/")
    expect(page.locator("[data-testid=queue-count]")).to_have_text("1")
    page.click("button:has-text('批准兑付')")
    expect(page.locator("[data-testid=queue-count]")).to_have_text("0")
    page.goto(page.base + f"/vouchers/?enterprise={enterprise.pk}&year={year}")
    expect(page.locator("[data-testid=issued]")).to_have_text("800,000.00")
    expect(page.locator("[data-testid=spent]")).to_have_text("100,000.00")
    expect(page.locator("[data-testid=redeemed]")).to_have_text("100,000.00")
    expect(page.locator("[data-testid=left]")).to_have_text("700,000.00")
    shot(page, "service-vouchers-03-ledger")
    page.goto(page.base + f"/directory/revenue/?year={year}")
    row = page.locator("[data-testid=revenue-row]", has_text="高原特色农产品中试验证平台")
    expect(row.locator("[data-testid=revenue-cell]")).to_have_text("200,000.00")
    expect(row.locator("[data-testid=revenue-vouchers-cell]")).to_have_text("100,000.00")
    shot(page, "service-vouchers-04-revenue")

    logout(page)
    login(page, "pilot_admin")
    page.goto(page.base + f"/directory/providers/{provider.pk}/revenue/?year={year}")
    expect(page.locator("[data-testid=revenue-amount]")).to_have_text("200,000.00 元")
    expect(page.locator("[data-testid=revenue-vouchers]")).to_have_text("100,000.00")
    assert page.console_errors == []
