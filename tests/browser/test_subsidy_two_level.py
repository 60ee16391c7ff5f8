"""An application through the two-level review (issue 24.2): the firm applies under M8-1, the
曲靖 prefecture bureau checks it, the provincial department decides above the measure's
threshold, a second provincial reviewer approves it, and the finance department signs the
settlement list off before it may be paid."""

from playwright.sync_api import expect

from tests.browser.conftest import login, logout

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_prefecture_check_provincial_decision_second_approval_and_finance_sign_off(
    page, shot, transactional_db, make_org, make_user
):
    firm = make_org(name="曲靖高原新材料有限公司", org_type="enterprise", prefecture="530300")
    bureau = make_org(name="曲靖市科学技术局", org_type="prefecture_bureau", prefecture="530300")
    department = make_org(name="云南省科学技术厅（复核测试）", org_type="department")
    finance = make_org(name="云南省财政厅（测试）", org_type="finance_department")
    make_user("qj_firm", firm, ["licensee_staff"])
    make_user("qj_checker", bureau, ["department_reviewer"])
    make_user("decider", department, ["department_reviewer"])
    make_user("second", department, ["department_reviewer"])
    make_user("finance", finance, ["department_reviewer"])

    # The firm applies: the page says the bureau checks first and a second reviewer above 1M.
    login(page, "qj_firm")
    page.goto(page.base + "/subsidies/apply/M8-1/")
    expect(page.locator("[data-testid=policy-label]")).to_contain_text("云政办发〔2024〕65号")
    expect(page.locator("[data-testid=policy-label]")).to_contain_text("所在州（市）科技局初审")
    page.fill("#id_subject", "高原光伏封装胶膜")
    page.fill("#id_base_amount", "20000000")
    page.locator("#id_base_amount").dispatch_event("change")
    expect(page.locator("[data-testid=preview-amount]")).to_have_text("4,000,000.00")
    page.set_input_files(
        "#id_evidence",
        files=[{"name": "研发投入审计报告.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click("[data-testid=submit]")
    expect(page.locator("text=奖补申请已提交，等待初审")).to_be_visible()
    expect(page.locator("[data-testid=status]")).to_have_text("待初审")
    expect(page.locator("[data-testid=step-due]")).to_contain_text("办理时限")
    detail = page.url
    shot(page, "subsidy2-01-submitted")

    # The prefecture bureau checks it from its queue.
    logout(page)
    login(page, "qj_checker")
    page.goto(page.base + "/subsidies/applications/")
    expect(page.locator("[data-testid=queue-tab]")).to_contain_text("1")
    page.click("[data-testid=application-row]")
    page.fill("#id_reason", "研发投入经专项审计，材料齐全")
    page.click("[data-testid=check]")
    expect(page.locator("text=初审通过，已报送省科技厅审定")).to_be_visible()
    expect(page.locator("[data-testid=status]")).to_have_text("待省级审定")
    shot(page, "subsidy2-02-checked")

    # The provincial department decides: above 1,000,000 it waits for a second reviewer.
    logout(page)
    login(page, "decider")
    page.goto(detail)
    expect(page.locator("[data-testid=current-amount]")).to_have_text("4,000,000.00")
    page.click("[data-testid=approve]")
    expect(page.locator("text=待另一名省级审核员复核")).to_be_visible()
    expect(page.locator("[data-testid=status]")).to_have_text("待复核")
    # Four eyes: the decider is shown no approve button on the second step.
    expect(page.locator("[data-testid=four-eyes]")).to_be_visible()
    expect(page.locator("[data-testid=second-approve]")).to_have_count(0)
    shot(page, "subsidy2-03-decided")

    logout(page)
    login(page, "second")
    page.goto(page.base + "/subsidies/applications/?status=queue")
    page.click("[data-testid=application-row]")
    expect(page.locator("[data-testid=decided-amount]")).to_have_text("4,000,000.00")
    page.click("[data-testid=second-approve]")
    expect(page.locator("text=复核同意，已批准补助 4,000,000.00 元")).to_be_visible()
    expect(page.locator("[data-testid=status]")).to_have_text("已批准")
    page.goto(page.base + "/subsidies/settlements/")
    page.click("[data-testid=create-batch]")
    expect(page.locator("text=已生成结算批次")).to_be_visible()
    expect(page.locator("[data-testid=batch-status]")).to_have_text("待财政部门签核")
    batch = page.url
    shot(page, "subsidy2-04-batch")

    # The finance department signs the list off; only then can it be paid.
    logout(page)
    login(page, "finance")
    page.goto(batch)
    page.fill("#id_opinion", "资金已落实，同意拨付")
    page.click("[data-testid=sign-off-confirm] summary")
    page.click("[data-testid=sign-off]")
    expect(page.locator("text=已签核拨付清单，可以拨付")).to_be_visible()
    expect(page.locator("[data-testid=batch-status]")).to_have_text("财政部门已签核，待拨付")
    expect(page.locator("[data-testid=signoff]")).to_contain_text("资金已落实，同意拨付")
    shot(page, "subsidy2-05-signed-off")
    assert page.console_errors == []
