"""Innovation vouchers: the department issues a quota, the enterprise pays half of its own
contracted service request with vouchers, chosen from its contracts (an over-half attempt is
refused), the provider claims redemption with its documents, a reviewer approves, the ledger
shows it."""

from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import login, logout
from zhuanhua.directory.services import (
    offer_create,
    provider_create,
    request_accept,
    request_create,
    request_deliver,
)

PDF = b"%PDF-1.4\n% voucher document\n%%EOF\n"


def test_voucher_issue_spend_claim_approve(
    page, shot, transactional_db, make_org, make_user, tmp_path: Path
):
    department = make_org(name="云南省科学技术厅（浏览器测试）", org_type="department")
    tech = make_org(
        name="玉溪某光电科技有限公司",
        org_type="enterprise",
        prefecture="530400",
        is_tech_enterprise=True,
    )
    lab = make_org(
        name="云南省中试验证平台（浏览器测试）", org_type="service_agency", prefecture="530100"
    )
    make_user("dept_reviewer", department, ["department_reviewer"])
    buyer = make_user("tech_staff", tech, ["licensee_staff"])
    lab_admin = make_user("lab_admin", lab, ["org_admin"])
    provider = provider_create(
        user=lab_admin,
        data={
            "kind": "pilot_platform",
            "name": lab.name,
            "introduction": "面向社会开放的光电器件中试线。",
            "capacity": "年中试 40 批次",
            "contact_name": "李四",
            "contact_phone": "0871-12345678",
            "prefecture": "530100",
        },
    )
    offer = offer_create(
        user=lab_admin,
        provider=provider,
        data={
            "category": "pilot_run",
            "title": "光电器件中试",
            "description": "小批量中试线",
            "price": "每批次 30 万元",
            "capacity": "每月 2 批次",
        },
    )
    contracted = request_accept(
        user=lab_admin,
        request=request_create(user=buyer, offer=offer, description="红外探测器中试"),
        contract_amount="300000",
        contract_signed_on=timezone.localdate(),
    )
    files = {}
    for name in ("contract", "invoice", "payment"):
        files[name] = tmp_path / f"{name}.pdf"
        files[name].write_bytes(PDF)
    year = str(timezone.localdate().year)

    login(page, "dept_reviewer")
    page.goto(page.base + "/vouchers/issue/")
    page.select_option("#id_enterprise", label=f"{tech.name}（{tech.uscc}）")
    page.fill("#id_year", year)
    expect(page.locator("#id_issued_amount")).to_have_value("800000.00")
    page.click("button:has-text('下达')")
    expect(page.locator(".alert-success")).to_contain_text("800,000.00")
    expect(page.locator("[data-testid=quota-row]")).to_contain_text(tech.name)
    shot(page, "vouchers-01-issued")

    logout(page)
    login(page, "tech_staff")
    page.goto(page.base + "/vouchers/")
    expect(page.locator("[data-testid=left]")).to_have_text("800,000.00")
    page.select_option("#id_subject", value=f"directory.servicerequest:{contracted.pk}")
    page.fill("#id_voucher_amount", "150000.01")
    page.click("button:has-text('使用创新券')")
    expect(page.locator(".invalid-feedback")).to_contain_text("不得超过单项合同金额的 50%")
    expect(page.locator("[data-testid=left]")).to_have_text("800,000.00")
    page.select_option("#id_subject", value=f"directory.servicerequest:{contracted.pk}")
    page.fill("#id_voucher_amount", "150000")
    page.click("button:has-text('使用创新券')")
    expect(page.locator(".alert-success")).to_contain_text("已使用创新券 150,000.00 元")
    expect(page.locator("[data-testid=left]")).to_have_text("650,000.00")
    shot(page, "vouchers-02-spent")
    # Redemption is claimed once the service is delivered (the provider records it).
    request_deliver(user=lab_admin, request=contracted, delivered_on=timezone.localdate())

    logout(page)
    login(page, "lab_admin")
    page.goto(page.base + "/vouchers/")
    page.click("[data-testid=provided] a")
    page.set_input_files("#id_contract", str(files["contract"]))
    page.set_input_files("#id_invoice", str(files["invoice"]))
    page.set_input_files("#id_payment_proof", str(files["payment"]))
    page.click("button:has-text('提交兑付申请')")
    expect(page.locator(".alert-success")).to_contain_text("兑付申请已提交")
    expect(page.locator("[data-testid=spend-status]")).to_have_text("待审核兑付")

    logout(page)
    login(page, "dept_reviewer")
    page.goto(page.base + "/vouchers/queue/")
    expect(page.locator("[data-testid=queue-count]")).to_have_text("1")
    shot(page, "vouchers-03-queue")
    page.click("button:has-text('批准兑付')")
    expect(page.locator("[data-testid=queue-count]")).to_have_text("0")
    page.goto(page.base + f"/vouchers/?enterprise={tech.pk}&year={year}")
    expect(page.locator("[data-testid=redeemed]")).to_have_text("150,000.00")
    expect(page.locator("[data-testid=left]")).to_have_text("650,000.00")
    shot(page, "vouchers-04-ledger")
    assert not page.console_errors
