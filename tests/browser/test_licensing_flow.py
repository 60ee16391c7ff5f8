"""One 先使用后付费 licence in Chromium: listing → inquiry → two term versions → acceptance →
contract PDF (rendered to PNG and checked) → signing and 认定登记 → a revenue report → a payment
→ the daily job run on a later date raises an overdue alert."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from pathlib import Path

from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, login, logout

V1 = {"start": "2025-01-01", "end": "2026-12-31"}


def _png_is_not_blank(pdf: bytes) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "contract.pdf"
        src.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "50",
                "-f",
                "1",
                "-l",
                "1",
                str(src),
                str(Path(tmp) / "page"),
            ],
            check=True,
            timeout=60,
        )
        [png] = sorted(Path(tmp).glob("page*.png"))
        ARTIFACTS.mkdir(exist_ok=True)
        out = ARTIFACTS / "licensing-05-contract-page1.png"
        out.write_bytes(png.read_bytes())
    from PIL import Image

    with Image.open(out) as image:
        grey = image.convert("L")
        dark = sum(1 for value in grey.get_flattened_data() if value < 128)
        assert grey.getextrema()[0] < 64, "the page has no dark pixels"
        assert dark > 500, f"the page is nearly blank ({dark} dark pixels)"
    return out


def test_licence_from_listing_to_overdue_alert(
    page, shot, transactional_db, make_user, make_org, published_a, manager_a
):
    from zhuanhua.licensing.jobs import licensing_alerts_due
    from zhuanhua.licensing.models import Licence, LicenceAlert
    from zhuanhua.licensing.tests.publicity_helpers import clear_agreement_price

    enterprise = make_org(name="昆明氢能科技有限公司（浏览器测试）", org_type="enterprise")
    make_user("hydrogen_agent", enterprise, ["licensee_staff"], email="agent@hydrogen.example.com")
    manager_a.email = "tto@unit.example.com"
    manager_a.save()

    # 1. The unit publishes the listing's terms.
    login(page, "manager_a")
    page.goto(page.base + f"/licensing/achievements/{published_a.pk}/offer/")
    page.fill("#id_fee_standard", "门槛费 1 万元；首付节点 5 万元；按季度收入的 5% 提成。")
    page.select_option("#id_license_mode", "non_exclusive")
    page.fill("#id_term_months", "24")
    page.fill("#id_field_of_use", "储能设备")
    page.fill("#id_territory", "云南省")
    # The terms through the editor (tests/browser/test_licensing_editor_flow.py covers it all).
    page.select_option("#te-fee-model", "staged_royalty")
    page.fill("#te-upfront", "10,000")
    row = page.locator("[data-rows=inst] [data-row]").first
    row.locator("input[name=inst_key]").fill("首付节点")
    row.locator("input[name=inst_amount]").fill("50,000")
    row.locator("input[name=inst_due]").fill("2025-06-30")
    page.select_option("#te-mode", "rate")
    page.fill("#te-rate", "5")
    page.select_option("#te-period", "quarter")
    page.click("button:has-text('发布报价')")
    expect(page.locator("text=先使用后付费许可报价已发布")).to_be_visible()
    offer_url = page.url
    shot(page, "licensing-01-offer")

    # 2. The enterprise compares the fee models, then asks ("我要承接") and proposes version 1.
    logout(page)
    login(page, "hydrogen_agent")
    page.goto(page.base + "/licensing/offers/?fee_model=staged_royalty")
    page.click(f"text={published_a.title}")
    page.fill("#id_revenue", "1000000")
    page.click("button:has-text('测算')")
    expect(page.locator("[data-testid=compare]")).to_be_visible()
    expect(page.locator("#compare-chart svg")).to_have_count(1)
    shot(page, "licensing-02-compare")
    page.goto(offer_url)
    page.fill("#id_message", "我司希望先使用后付费承接该成果。")
    page.click("button.btn-success:has-text('我要承接')")
    expect(page.locator("text=已发起承接意向")).to_be_visible()
    inquiry_url = page.url
    page.fill("#te-start", V1["start"])
    page.fill("#te-end", V1["end"])
    page.fill("#id_note", "按报价，起始日提前到 2025 年初")
    page.click("button:has-text('提出新版本')")
    expect(page.locator("[data-testid=version-1]")).to_be_visible()

    # 3. The unit counter-proposes version 2 (royalty 6 %); the page shows the diff.
    logout(page)
    login(page, "manager_a")
    page.goto(inquiry_url)
    page.fill("#te-rate", "6")
    page.click("button:has-text('提出新版本')")
    version2 = page.locator("[data-testid=version-2]")
    expect(version2).to_contain_text("提成比例")
    expect(version2.locator("ins")).to_contain_text("6%")
    shot(page, "licensing-03-versions")

    # 4. The enterprise accepts version 2: the licence exists as a draft contract.
    logout(page)
    login(page, "hydrogen_agent")
    page.goto(inquiry_url)
    page.click("summary:has-text('接受第 2 版')")
    page.click("button:has-text('确认接受第 2 版')")
    expect(page.locator("[data-testid=licence-status]")).to_have_text("待签合同")
    licence_url = page.url.split("?")[0]
    licence = Licence.objects.get()
    assert licence.terms["royalty"]["rate"] == "0.06"
    shot(page, "licensing-04-licence-draft")

    # 5. The contract PDF, rendered to PNG and checked not blank.
    response = page.context.request.get(
        page.base + f"/licensing/licences/{licence.pk}/contract.pdf"
    )
    assert response.status == 200
    pdf = response.body()
    assert pdf.startswith(b"%PDF")
    _png_is_not_blank(pdf)

    # 6. The unit records the signed contract (date + PDF) and its 认定登记. Version 2 changed
    # the rate, so the price is 协议定价: its publicity notice has closed first (issue 20.7; the
    # notice's own pages are tests/browser/test_publicity_flow.py).
    clear_agreement_price(manager_a, licence)
    logout(page)
    login(page, "manager_a")
    page.goto(licence_url)
    page.fill("#id_signed_on", "2025-01-01")
    page.set_input_files(
        "#id_signed_pdf",
        files=[{"name": "签署版合同.pdf", "mimeType": "application/pdf", "buffer": pdf}],
    )
    page.click("summary:has-text('登记合同已签订')")
    page.click("button:has-text('确认登记合同已签订')")
    expect(page.locator("[data-testid=licence-status]")).to_have_text("履行中")
    page.goto(page.base + "/licensing/")
    expect(page.locator("[data-testid=unregistered]")).to_contain_text(published_a.title)
    # 认定登记 through the registrar: the unit submits the signed contract from the licence page,
    # the registrar's clerk registers it, and the licence carries the registration.
    from zhuanhua.contracts.models import TechnologyContract
    from zhuanhua.licensing.models import ContractRegistration

    registrar = make_org(name="昆明市技术市场管理办公室", org_type="contract_registrar")
    make_user("km_clerk", registrar, ["contract_registrar"])
    page.goto(licence_url)
    page.select_option("#id_registrar", str(registrar.pk))
    page.fill("#id_contract_amount", "300000")
    page.fill("#id_technology_field", "新能源")
    page.click("button:has-text('提交认定登记')")
    expect(page.locator("[data-testid=registration-submission]")).to_be_visible()
    contract = TechnologyContract.objects.get()
    logout(page)
    login(page, "km_clerk")
    page.goto(page.base + f"/contracts/{contract.pk}/")
    page.fill("#id_transaction_amount", "300000")
    page.click("[data-testid=register-confirm] summary")
    page.click("text=确认登记")
    number = ContractRegistration.objects.get().registration_number
    expect(page.locator("[data-testid=registration-number]")).to_have_text(number)
    logout(page)
    login(page, "manager_a")
    page.goto(licence_url)
    expect(page.locator("main")).to_contain_text(number)
    shot(page, "licensing-06-signed-registered")

    # 7. The enterprise reports Q1 2025 revenue.
    logout(page)
    login(page, "hydrogen_agent")
    page.goto(licence_url)
    page.select_option("#id_period_start", "2025-01-01")
    page.fill("#id_revenue_amount", "100000")
    page.click("button:has-text('报送收入')")
    expect(page.locator("text=收入报告已报送")).to_be_visible()

    # 8. The unit records a payment: the upfront fee and the Q1 royalty (6 000) are paid.
    logout(page)
    login(page, "manager_a")
    page.goto(licence_url)
    page.fill("#id_amount", "16000")
    page.fill("#id_paid_on", "2025-04-20")
    page.fill("#id_ref", "银行回单 001")
    page.click("button:has-text('登记付款')")
    expect(page.locator("text=付款已登记")).to_be_visible()
    page.goto(licence_url + "?as_of=2025-05-01")
    expect(page.locator("[data-testid=plan]")).to_contain_text("6000.00")
    expect(page.locator("[data-testid=plan]")).to_contain_text("已付清")

    # 9. The daily job on a later date: the 首付节点 installment is overdue; both sides told.
    mail.outbox.clear()
    later = dt.date(2025, 7, 20)
    summary = licensing_alerts_due(later)
    assert summary["new_alerts"] >= 1
    assert summary["errors"] == 0
    assert LicenceAlert.objects.filter(code="overdue", ref="首付节点").exists()
    recipients = {tuple(m.to) for m in mail.outbox}
    assert ("tto@unit.example.com",) in recipients
    assert ("agent@hydrogen.example.com",) in recipients
    page.goto(licence_url + f"?as_of={later.isoformat()}")
    expect(page.locator(".alert-warning", has_text="付款逾期")).to_contain_text("首付节点")
    shot(page, "licensing-07-overdue")
    assert page.console_errors == []
