"""A firm applies under M7-1, sees the computed amount before submitting, a reviewer approves
less with a reason, and the grant shows in the budget and in the disbursement list."""

from playwright.sync_api import expect

from tests.browser.conftest import login, logout

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_firm_applies_reviewer_approves_less_budget_and_disbursement(
    page, shot, transactional_db, make_org, make_user
):
    firm = make_org(name="云南高原储能科技有限公司", org_type="enterprise", prefecture="530400")
    department = make_org(name="云南省科学技术厅（奖补测试）", org_type="department")
    make_user("firm_staff", firm, ["licensee_staff"])
    make_user("dept_reviewer", department, ["department_reviewer"])

    login(page, "firm_staff")
    page.goto(page.base + "/subsidies/")
    expect(page.locator("#M7-1 [data-testid=source-text]")).to_contain_text("按成交实际到账额的20%")
    page.click("[data-testid=apply-M7-1]")
    page.fill("#id_base_amount", "6000000")
    page.fill("#id_contract_ref", "5301012025000123")
    page.check("#id_registered")
    # htmx asks the engine on every change: the amount is on screen before submission.
    expect(page.locator("[data-testid=preview-amount]")).to_have_text("1,000,000.00")
    expect(page.locator("[data-testid=preview-explanation]")).to_contain_text(
        "超过单个项目上限 1,000,000.00 元"
    )
    page.set_input_files(
        "#id_evidence",
        files=[{"name": "银行到账凭证.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    shot(page, "subsidy-01-apply-preview")
    page.click("[data-testid=submit]")
    expect(page.locator("text=奖补申请已提交")).to_be_visible()
    expect(page.locator("[data-testid=status]")).to_have_text("待省级审定")
    expect(page.locator("[data-testid=engine-amount]")).to_have_text("1,000,000.00")
    detail_url = page.url

    logout(page)
    login(page, "dept_reviewer")
    page.goto(page.base + "/subsidies/applications/")
    expect(page.locator("[data-testid=application-row]")).to_have_count(1)
    page.click("[data-testid=application-row]")
    assert page.url == detail_url
    expect(page.locator("[data-testid=current-amount]")).to_have_text("1,000,000.00")
    expect(page.locator("[data-testid=evidence]")).to_contain_text("银行到账凭证.pdf")
    page.fill("#id_amount", "800000")
    page.click("[data-testid=approve]")
    expect(page.locator("text=核减批准金额须说明理由")).to_be_visible()
    page.fill("#id_amount", "800000")
    page.fill("#id_reason", "到账凭证中 100 万元为代收款，不计入实际到账额")
    page.click("[data-testid=approve]")
    expect(page.locator("text=已批准补助 800,000.00 元")).to_be_visible()
    expect(page.locator("[data-testid=status]")).to_have_text("已批准")
    expect(page.locator("[data-testid=approved-amount]")).to_have_text("800,000.00")
    expect(page.locator("[data-testid=decision-reason]")).to_contain_text("代收款")
    shot(page, "subsidy-02-approved-less")

    page.goto(page.base + "/subsidies/budget/")
    row = page.locator("[data-testid=budget-M7-1]")
    expect(row.locator("[data-testid=committed]")).to_have_text("800,000.00")
    expect(row.locator("[data-testid=remaining]")).to_have_text("149,200,000.00")
    shot(page, "subsidy-03-budget")

    page.goto(page.base + "/subsidies/settlements/")
    page.click("[data-testid=create-batch]")
    expect(page.locator("text=已生成结算批次")).to_be_visible()
    grant_row = page.locator("[data-testid=grant-row]")
    expect(grant_row).to_have_count(1)
    expect(grant_row).to_contain_text("云南高原储能科技有限公司")
    expect(grant_row).to_contain_text("玉溪市")
    expect(grant_row).to_contain_text("800,000.00")
    with page.expect_download() as download:
        page.click("[data-testid=download]")
    assert download.value.suggested_filename.endswith(".xlsx")
    shot(page, "subsidy-04-disbursement")
    assert page.console_errors == []
