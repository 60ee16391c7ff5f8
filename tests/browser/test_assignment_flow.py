"""An assignment (转让) in Chromium: the unit lists the achievement for assignment (a price
paid in two parts) → the enterprise asks and proposes the listed terms → the unit accepts →
the 技术转让合同 PDF (text checked with pdftotext) → the unit records the signing → the
achievement's transfer status is 已转让 without delisting, and the daily job takes it off the
先用后转 list (the public list no longer shows it) → the unit submits the signed contract for
认定登记 from the deal's page and the registrar registers it as a 技术转让 contract."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import login, logout


def pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "contract.pdf"
        src.write_bytes(pdf)
        out = subprocess.run(
            ["pdftotext", "-layout", str(src), "-"],
            check=True,
            capture_output=True,
            timeout=60,
        )
    return out.stdout.decode("utf-8")


def test_assignment_from_listing_to_registration_leaves_the_use_first_list(
    page, shot, transactional_db, make_user, make_org, published_a, manager_a
):
    from zhuanhua.achievements.models import Achievement
    from zhuanhua.contracts.models import TechnologyContract
    from zhuanhua.licensing.models import Licence
    from zhuanhua.transfer.jobs import use_first_list_update
    from zhuanhua.transfer.models import UseFirstListEntry

    today = timezone.localdate()
    enterprise = make_org(name="昆明储能装备有限公司（浏览器测试）", org_type="enterprise")
    make_user("storage_agent", enterprise, ["licensee_staff"])
    registrar = make_org(name="云南省技术市场管理办公室", org_type="contract_registrar")
    make_user("clerk", registrar, ["contract_registrar"])
    # Granted in 2023, untransferred, fiscally funded: on the 先用后转 list today.
    use_first_list_update(today)
    assert UseFirstListEntry.objects.get(achievement=published_a).left_on is None
    page.goto(page.base + "/transfer/use-first/")
    expect(page.locator("main")).to_contain_text(published_a.title)

    # 1. The unit lists the achievement for assignment: 200,000 now, 300,000 later.
    login(page, "manager_a")
    page.goto(page.base + f"/licensing/achievements/{published_a.pk}/offer/?kind=assignment")
    expect(page.locator("h1")).to_have_text("发布成果转让挂牌信息")
    page.fill("#id_fee_standard", "转让价款 50 万元：首付 20 万元，尾款 30 万元。")
    page.fill("#id_term_months", "12")
    page.fill("#te-upfront", "200,000")
    row = page.locator("[data-rows=inst] [data-row]").first
    row.locator("input[name=inst_key]").fill("尾款")
    row.locator("input[name=inst_amount]").fill("300,000")
    row.locator("input[name=inst_due]").fill((today.replace(day=1)).isoformat())
    page.click("button:has-text('发布转让挂牌')")
    expect(page.locator("text=转让挂牌信息已发布")).to_be_visible()
    expect(page.locator("[data-testid=deal-kind]")).to_have_text("转让")
    shot(page, "assignment-01-listing")

    # 2. The enterprise asks and proposes the listed terms as version 1.
    logout(page)
    login(page, "storage_agent")
    page.goto(page.base + "/licensing/offers/?kind=assignment")
    page.click(f"text={published_a.title}")
    page.fill("#id_message", "我司拟受让该专利。")
    page.click("button.btn-success:has-text('我要承接')")
    expect(page.locator("text=已发起承接意向")).to_be_visible()
    expect(page.locator("[data-testid=deal-kind]")).to_have_text("转让")
    inquiry_url = page.url
    page.click("button:has-text('提出新版本')")
    expect(page.locator("[data-testid=version-1]")).to_be_visible()

    # 3. The unit accepts version 1: the deal is a draft contract at the listed price.
    logout(page)
    login(page, "manager_a")
    page.goto(inquiry_url)
    page.click("summary:has-text('接受第 1 版')")
    page.click("button:has-text('确认接受第 1 版')")
    expect(page.locator("[data-testid=licence-status]")).to_have_text("待签合同")
    deal = Licence.objects.get()
    assert deal.deal_kind == "assignment"
    assert deal.pricing_method == "listing"
    deal_url = page.base + f"/licensing/licences/{deal.pk}/"
    shot(page, "assignment-02-draft")

    # 4. The 技术转让合同 PDF names the parties and the price.
    response = page.context.request.get(page.base + f"/licensing/licences/{deal.pk}/contract.pdf")
    assert response.status == 200
    pdf = response.body()
    text = pdf_text(pdf)
    flat = re.sub(r"\s+", "", text)  # table cells wrap
    for words in ("技术转让合同", "转让方（甲方）", "昆明储能装备有限公司", "500,000.00", "尾款"):
        assert words.replace(" ", "") in flat, words

    # 5. The unit records the signing (date and the signed PDF).
    page.goto(deal_url)
    page.fill("#id_signed_on", today.isoformat())
    page.set_input_files(
        "#id_signed_pdf",
        files=[
            {"name": "技术转让合同（签署版）.pdf", "mimeType": "application/pdf", "buffer": pdf}
        ],
    )
    page.click("summary:has-text('登记合同已签订')")
    expect(page.locator("[data-testid=sign-confirm]")).to_contain_text("已转让")
    page.click("button:has-text('确认登记合同已签订')")
    expect(page.locator("[data-testid=licence-status]")).to_have_text("履行中")
    shot(page, "assignment-03-signed")

    # 6. The registry moved: 已转让, still published, the listing closed; off the 先用后转 list.
    achievement = Achievement.objects.get(pk=published_a.pk)
    assert achievement.transfer_status == "transferred"
    assert achievement.status == "published"
    page.goto(page.base + f"/achievements/{published_a.pk}/")
    expect(page.locator("main")).to_contain_text("已转让")
    use_first_list_update(today)
    assert UseFirstListEntry.objects.get(achievement=published_a).left_on == today
    page.goto(page.base + "/transfer/use-first/")
    expect(page.locator("main")).not_to_contain_text(published_a.title)
    shot(page, "assignment-04-off-the-list")

    # 7. 认定登记: the unit submits the signed contract from the deal's page; the registrar
    #    registers it as a 技术转让 contract and the deal shows the registration number.
    page.goto(deal_url)
    page.select_option("#id_registrar", str(registrar.pk))
    page.fill("#id_contract_amount", "500000")
    page.fill("#id_technology_field", "新能源")
    page.click("button:has-text('提交认定登记')")
    expect(page.locator("[data-testid=registration-submission]")).to_be_visible()
    contract = TechnologyContract.objects.get()
    assert contract.declared_type == "transfer"
    logout(page)
    login(page, "clerk")
    page.goto(page.base + f"/contracts/{contract.pk}/")
    page.fill("#id_transaction_amount", "500000")
    page.click("[data-testid=register-confirm] summary")
    page.click("text=确认登记")
    number = f"53{today.year}000001"
    expect(page.locator("[data-testid=registration-number]")).to_have_text(number)
    logout(page)
    login(page, "manager_a")
    page.goto(deal_url)
    expect(page.locator("main")).to_contain_text(number)
    shot(page, "assignment-05-registered")
    assert page.console_errors == []
