"""An equity contribution (作价投资) in Chromium: the unit lists the achievement with the
company, the valuation, the shares and the evaluation report (PDF upload) → the enterprise asks
and proposes the listed terms → the unit accepts → the 作价投资协议 PDF names the company, the
valuation, the shares and the report (text checked with pdftotext) → signing moves the
achievement to 作价入股 → the unit records the shares after the 工商变更登记."""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import login, logout
from tests.browser.test_assignment_flow import pdf_text

REPORT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def test_equity_deal_agreement_pdf_and_shares(
    page, shot, transactional_db, make_user, make_org, published_a, manager_a
):
    from stdnum.cn import uscc

    from zhuanhua.achievements.models import Achievement
    from zhuanhua.licensing.models import Licence, ShareRegistration

    today = timezone.localdate()
    company_uscc = "91530100MA6K0BBB7" + uscc.calc_check_digit("91530100MA6K0BBB7")
    enterprise = make_org(name="云南氢途投资有限公司（浏览器测试）", org_type="enterprise")
    make_user("equity_agent", enterprise, ["licensee_staff"])

    # 1. The unit lists the achievement for equity, with its evaluation report.
    login(page, "manager_a")
    page.goto(
        page.base + f"/licensing/achievements/{published_a.pk}/offer/?kind=equity_contribution"
    )
    expect(page.locator("h1")).to_have_text("发布作价投资挂牌信息")
    page.fill("#id_fee_standard", "评估作价 120 万元，取得 20% 股权。")
    page.fill("#id_company_name", "云南储氢新材料有限公司")
    page.fill("#id_company_uscc", company_uscc)
    page.fill("#id_valuation_amount", "1200000")
    page.fill("#id_shares", "600000")
    page.fill("#id_share_percent", "20")
    page.fill("#id_appraiser", "云南正和资产评估有限公司")
    page.fill("#id_report_number", "云正评报字〔2026〕第 018 号")
    page.fill("#id_base_date", "2026-06-30")
    page.set_input_files(
        "#id_evaluation_report",
        files=[{"name": "资产评估报告.pdf", "mimeType": "application/pdf", "buffer": REPORT_PDF}],
    )
    page.click("button:has-text('发布作价投资挂牌')")
    expect(page.locator("text=作价投资挂牌信息已发布")).to_be_visible()
    expect(page.locator("[data-testid=equity-terms]")).to_contain_text("1,200,000.00 元")
    expect(page.locator("[data-testid=evaluation-report]")).to_be_visible()
    shot(page, "equity-01-listing")

    # 2. The enterprise asks and proposes the listed terms, taking effect today.
    logout(page)
    login(page, "equity_agent")
    page.goto(page.base + "/licensing/offers/?kind=equity_contribution")
    page.click(f"text={published_a.title}")
    page.click("button.btn-success:has-text('我要承接')")
    expect(page.locator("text=已发起承接意向")).to_be_visible()
    expect(page.locator("#id_start")).to_have_value(today.isoformat())
    inquiry_url = page.url
    page.click("button:has-text('提出新版本')")
    expect(page.locator("[data-testid=version-1]")).to_contain_text("评估作价金额")

    # 3. The unit accepts: the agreement is drafted.
    logout(page)
    login(page, "manager_a")
    page.goto(inquiry_url)
    page.click("summary:has-text('接受第 1 版')")
    page.click("button:has-text('确认接受第 1 版')")
    expect(page.locator("[data-testid=licence-status]")).to_have_text("待签合同")
    expect(page.locator("[data-testid=contract-pdf]")).to_have_text("科技成果作价投资协议草案 PDF")
    deal = Licence.objects.get()
    deal_url = page.base + f"/licensing/licences/{deal.pk}/"
    shot(page, "equity-02-draft")

    # 4. The agreement PDF names the company, the valuation, the shares and the report.
    response = page.context.request.get(page.base + f"/licensing/licences/{deal.pk}/contract.pdf")
    assert response.status == 200
    assert "equity_contribution" in response.headers["content-disposition"]
    pdf = response.body()
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    flat = re.sub(r"\s+", "", text)  # table cells wrap
    for words in (
        "科技成果作价投资协议",
        "云南储氢新材料有限公司",
        company_uscc,
        "1,200,000.00",
        "壹佰贰拾万元整",
        "600,000 股",
        "20%",
        "云南正和资产评估有限公司",
        "第 018 号",
        "资产评估报告.pdf",
    ):
        assert words.replace(" ", "") in flat, words

    # 5. Signing moves the achievement to 作价入股; the shares are recorded after registration.
    page.goto(deal_url)
    page.fill("#id_signed_on", today.isoformat())
    page.set_input_files(
        "#id_signed_pdf",
        files=[
            {"name": "作价投资协议（签署版）.pdf", "mimeType": "application/pdf", "buffer": pdf}
        ],
    )
    page.click("summary:has-text('登记合同已签订')")
    page.click("button:has-text('确认登记合同已签订')")
    expect(page.locator("[data-testid=licence-status]")).to_have_text("履行中")
    assert Achievement.objects.get(pk=published_a.pk).transfer_status == "equity_contributed"
    page.fill("#id_registered_on", today.isoformat())
    page.click("button:has-text('登记股权')")
    expect(page.locator("[data-testid=share-registration]")).to_contain_text("600,000.00 股")
    assert ShareRegistration.objects.get().registered_on == today
    shot(page, "equity-03-shares")
    assert page.console_errors == []
