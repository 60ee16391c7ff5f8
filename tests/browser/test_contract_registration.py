"""认定登记 in the browser: a unit submits a signed 横向 contract to the province's registrar;
the registrar finds it on the workbench queue, is refused a lower amount without a reason,
registers it with the reason (number 53 + year + serial); the unit records the income received
and files the reward plan with its supervising department, whose reviewer acknowledges it."""

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import login, logout

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def test_contract_registration_and_reward_plan(
    page, shot, transactional_db, tmp_path, make_org, make_user
):
    from zhuanhua.contracts.models import RewardPlan, TechnologyContract

    today = timezone.localdate()
    supervisor = make_org(name="云南省教育厅", org_type="supervising_department")
    unit = make_org(name="云南大学", org_type="university", supervisor=supervisor)
    registrar = make_org(name="云南省技术市场管理办公室", org_type="contract_registrar")
    make_org(name="曲靖市技术合同登记站", org_type="contract_registrar", prefecture="530300")
    make_user("unit_manager", unit, ["achievement_manager", "org_admin"])
    make_user("clerk", registrar, ["contract_registrar"])
    make_user("edu_reviewer", supervisor, ["department_reviewer"])
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(MINIMAL_PDF)

    # The unit submits its 横向 contract (the province's registrar is preselected).
    login(page, "unit_manager")
    page.goto(page.base + "/contracts/new/")
    page.fill("#id_title", "咖啡鲜果低温发酵工艺技术开发合同")
    page.select_option("#id_declared_type", "development")
    page.fill("#id_counterparty_name", "普洱某咖啡庄园有限公司")
    page.fill("#id_contract_amount", "150000")
    page.fill("#id_signed_on", today.isoformat())
    page.fill("#id_valid_from", today.isoformat())
    page.fill("#id_valid_to", today.replace(year=today.year + 1).isoformat())
    page.fill("#id_technology_field", "食品与农产品加工")
    page.check("#id_industry_project")
    page.set_input_files("#id_signed_pdf", str(signed))
    expect(page.locator("#id_registrar option:checked")).to_have_text("云南省技术市场管理办公室")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("[data-testid=due-on]")).to_contain_text("10 个工作日")
    contract = TechnologyContract.objects.get()
    shot(page, "contract-submitted")
    logout(page)

    # The registrar: the workbench counts the queue; a lower amount needs a reason.
    login(page, "clerk")
    expect(page.get_by_role("link", name="认定登记队列")).to_be_visible()
    page.goto(page.base + "/contracts/queue/")
    expect(page.locator("[data-testid=queue]")).to_contain_text("咖啡鲜果低温发酵工艺")
    page.click("text=咖啡鲜果低温发酵工艺技术开发合同")
    page.fill("#id_transaction_amount", "120000")
    page.click("[data-testid=register-confirm] summary")
    page.click("text=确认登记")
    expect(page.locator("body")).to_contain_text("请写明核减理由")
    page.fill("#id_transaction_amount", "120000")
    page.fill("#id_amount_reason", "合同价款中 3 万元为发酵罐购置费，不属于技术交易额")
    page.click("[data-testid=register-confirm] summary")
    page.click("text=确认登记")
    number = f"53{today.year}000001"
    expect(page.locator("[data-testid=registration-number]")).to_have_text(number)
    expect(page.locator("[data-testid=transaction-amount]")).to_contain_text("120,000.00")
    shot(page, "contract-registered")
    logout(page)

    # The unit: income received, then the reward plan filed with the supervising department.
    login(page, "unit_manager")
    page.goto(page.base + f"/contracts/{contract.pk}/")
    expect(page.locator("[data-testid=registration-number]")).to_have_text(number)
    page.fill("#id_received_on", today.isoformat())
    page.fill("#id_amount", "150000")
    page.click("text=登记到账收入")
    expect(page.locator("#income-h")).to_contain_text("150,000.00")
    page.goto(page.base + "/contracts/plans/new/")
    expect(page.locator("[data-testid=filing-body]")).to_have_text("云南省教育厅")
    page.select_option("#id_income_kind", "industry")
    page.select_option("#id_contract", str(contract.pk))
    page.fill("#id_subject", "咖啡发酵工艺横向项目净收入奖励")
    page.fill("#id_income_amount", "150000")
    page.fill("#id_costs_amount", "30000")
    page.fill("#id_researcher_amount", "80000")  # below 70 % of 120 000
    page.fill("#id_transfer_staff_amount", "0")
    page.fill("#id_unit_amount", "40000")
    page.fill("#id_decided_on", today.isoformat())
    page.get_by_role("button", name="报备", exact=True).click()
    expect(page.locator("[data-testid=plan-warning]")).to_contain_text("84000.00")
    logout(page)

    login(page, "edu_reviewer")
    plan = RewardPlan.objects.get()
    page.goto(page.base + f"/contracts/plans/{plan.pk}/")
    page.click("[data-testid=acknowledge-confirm] summary")
    page.get_by_role("button", name="确认备案", exact=True).click()
    expect(page.locator("[data-testid=plan-status]")).to_have_text("已确认备案")
    shot(page, "reward-plan-acknowledged")
