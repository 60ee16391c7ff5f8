"""先使用后付费 as people do it, in Chromium (issue 19): a unit publishes an offer of each fee model
through the terms editor (no JSON typed) and watches the preview follow the sample revenue; an
enterprise finds the offer from the hall card's badge, starts an inquiry and proposes a changed
version (a lower rate, a start moved into the past); the unit sees the diff and answers with the
offered rate, the enterprise agrees, the unit accepts after the confirmation; the contract is
signed (terms as published: no agreement-price publicity needed). Each step's notification reaches the other party's
centre. Screenshots in test-artifacts/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import login, logout

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _published(manager, reviewer, data, title, ip_number):
    from zhuanhua.achievements.services import achievement_create, achievement_transition

    draft = achievement_create(
        user=manager,
        data={**data, "title": title, "ip_number": ip_number},
        completers=[{"name": "李四", "employer": "云南大学"}],
    )
    achievement_transition(user=manager, achievement=draft, action="submit")
    return achievement_transition(user=reviewer, achievement=draft, action="publish")


def _yuan_text(amount: Decimal) -> str:
    from zhuanhua.core.labels import yuan

    return f"{yuan(amount)} 元"


def _expected_royalty(contract: dict, sample: str) -> str:
    """What the engine's plan gives (the preview must show exactly this)."""
    from zhuanhua.engines import licensing as engine
    from zhuanhua.licensing.preview import payment_preview

    preview = payment_preview(engine.parse_terms(contract), Decimal(sample))
    return _yuan_text(preview.royalty_total)


def _offer_form(page, achievement, fee_standard):
    page.goto(page.base + f"/licensing/achievements/{achievement.pk}/offer/")
    page.fill("#id_fee_standard", fee_standard)
    page.select_option("#id_license_mode", "non_exclusive")
    page.fill("#id_field_of_use", "储能设备")
    page.fill("#id_territory", "云南省")


def _inst_row(page, i):
    return page.locator("[data-rows=inst] [data-row]").nth(i)


def _tier_row(page, i):
    return page.locator("[data-rows=tier] [data-row]").nth(i)


def _centre_has(page, text):
    page.goto(page.base + "/notifications/")
    expect(page.locator("main")).to_contain_text(text)


def test_offers_through_the_editor_to_a_signed_licence(
    page,
    shot,
    transactional_db,
    make_user,
    make_org,
    published_a,
    manager_a,
    reviewer,
    achievement_data,
):
    from zhuanhua.licensing.models import Licence, LicenceOffer
    from zhuanhua.licensing.terms import add_months

    today = timezone.localdate()
    enterprise = make_org(name="昆明氢能科技有限公司（编辑器测试）", org_type="enterprise")
    make_user("hydrogen_agent", enterprise, ["licensee_staff"])
    tiered = _published(
        manager_a, reviewer, achievement_data, "高效光伏逆变器控制方法", "ZL202110000002.2"
    )
    staged = _published(
        manager_a, reviewer, achievement_data, "高原茶叶智能分选装置", "ZL202110000003.3"
    )

    login(page, "manager_a")

    # 1. Royalty with tiers: the form shows only the royalty part; the preview follows the
    #    sample revenue and equals the engine's plan.
    _offer_form(page, tiered, "累计收入 100 万元以内 5%，以上 3%，按年结算。")
    page.select_option("#te-fee-model", "royalty")
    expect(page.locator("[data-models='staged staged_royalty']")).to_be_hidden()
    page.select_option("#te-mode", "tiers")
    expect(page.locator("#te-rate")).to_be_hidden()
    _tier_row(page, 0).locator("input[name=tier_up_to]").fill("1,000,000")
    _tier_row(page, 0).locator("input[name=tier_rate]").fill("5")
    _tier_row(page, 1).locator("input[name=tier_up_to]").fill("")
    _tier_row(page, 1).locator("input[name=tier_rate]").fill("3")
    page.select_option("#te-period", "year")
    page.fill("#te-upfront", "0")
    contract = {
        "id": "browser",
        "fee_model": "royalty",
        "start": today.isoformat(),
        "end": add_months(today, 36).isoformat(),
        "royalty": {
            "period": "year",
            "tiers": [{"up_to": "1000000", "rate": "0.05"}, {"up_to": None, "rate": "0.03"}],
        },
    }
    royalty = page.locator("[data-testid=preview-royalty]")
    page.fill("#te-sample", "1,000,000")
    expect(royalty).to_have_text(_expected_royalty(contract, "1000000"))
    shot(page, "editor-01-royalty-tiers-preview")
    page.fill("#te-sample", "3,000,000")
    expect(royalty).to_have_text(_expected_royalty(contract, "3000000"))
    shot(page, "editor-02-royalty-preview-changed")
    page.click("button:has-text('发布报价')")
    expect(page.locator("text=先使用后付费许可报价已发布")).to_be_visible()

    # 2. Staged: upfront fee and two installments, one dated, one after a milestone.
    _offer_form(page, staged, "门槛费 10 万元；首付 20 万元；样机验收后 30 天内 30 万元。")
    page.select_option("#te-fee-model", "staged")
    expect(page.locator("[data-models='royalty staged_royalty']")).to_be_hidden()
    page.fill("#te-upfront", "100,000")
    first = _inst_row(page, 0)
    first.locator("input[name=inst_key]").fill("首付节点")
    first.locator("input[name=inst_amount]").fill("200,000")
    first.locator("input[name=inst_due]").fill((today + dt.timedelta(days=90)).isoformat())
    page.click("[data-add-row=inst]")
    second = _inst_row(page, 1)
    second.locator("input[name=inst_key]").fill("验收节点")
    second.locator("input[name=inst_amount]").fill("300000.5")
    second.locator("select[name=inst_kind]").select_option("milestone")
    expect(second.locator("input[name=inst_due]")).to_be_hidden()
    second.locator("input[name=inst_milestone]").fill("样机验收")
    second.locator("input[name=inst_days_after]").fill("30")
    preview = page.locator("[data-testid=terms-preview]")
    expect(preview).to_contain_text("“样机验收”达成后 30 天内")
    expect(page.locator("[data-testid=preview-total]")).to_have_text("300,000.00 元")
    shot(page, "editor-03-staged")
    page.click("button:has-text('发布报价')")
    expect(page.locator("text=先使用后付费许可报价已发布")).to_be_visible()

    # 3. Upfront + installment + royalty on the achievement the enterprise will take; a wrong
    #    rate is refused under its field in Chinese first.
    _offer_form(page, published_a, "门槛费 1 万元；首付节点 5 万元；按季度收入的 5% 提成。")
    page.select_option("#te-fee-model", "staged_royalty")
    page.fill("#id_term_months", "24")
    page.fill("#te-upfront", "10,000")
    row = _inst_row(page, 0)
    row.locator("input[name=inst_key]").fill("首付节点")
    row.locator("input[name=inst_amount]").fill("50,000")
    row.locator("input[name=inst_due]").fill((today + dt.timedelta(days=180)).isoformat())
    page.select_option("#te-mode", "rate")
    page.fill("#te-rate", "150")
    page.click("button:has-text('发布报价')")
    expect(
        page.locator("#te-rate").locator("xpath=ancestor::div[contains(@class,'mb-2')]")
    ).to_contain_text("应在 0% 到 100% 之间")
    page.fill("#te-rate", "5")
    page.select_option("#te-period", "quarter")
    page.click("button:has-text('发布报价')")
    expect(page.locator("text=先使用后付费许可报价已发布")).to_be_visible()
    shot(page, "editor-04-offer-published")
    assert sorted(LicenceOffer.objects.values_list("fee_model", flat=True)) == [
        "royalty",
        "staged",
        "staged_royalty",
    ]
    offer = LicenceOffer.objects.get(achievement=published_a)
    assert offer.terms["royalty"]["rate"] == "0.05"
    assert offer.terms["installments"][0]["amount"] == "50000.00"

    # 4. The enterprise finds it from the hall card's badge and starts an inquiry.
    logout(page)
    login(page, "hydrogen_agent")
    page.goto(page.base + "/achievements/")
    card = page.locator("article.zh-card", has_text=published_a.title)
    expect(card.locator("[data-testid=ufpl-badge]")).to_contain_text("门槛费+阶段性支付+收入提成")
    shot(page, "editor-05-hall-badge")
    card.locator("a.stretched-link").click()
    page.click("[data-testid=inquiry-start]")
    expect(page.locator("text=已发起承接意向")).to_be_visible()
    inquiry_url = page.url

    # 5. It proposes version 1: a 4% rate and a start 40 days ago.
    start = today - dt.timedelta(days=40)
    page.fill("#te-start", start.isoformat())
    page.fill("#te-end", (add_months(start, 24)).isoformat())
    page.fill("#te-rate", "4")
    expect(page.locator("[data-testid=terms-preview]")).to_contain_text(start.isoformat())
    page.fill("#id_note", "提成降到 4%，按实际使用日起算")
    page.click("button:has-text('提出新版本')")
    expect(page.locator("[data-testid=version-1]")).to_be_visible()
    shot(page, "editor-06-version-proposed")

    # 6. The unit is told and sees the diff against the offer and the flagged start; it keeps
    #    the start but not the rate: version 2 puts the offered 5% back.
    logout(page)
    login(page, "manager_a")
    _centre_has(page, f"新的承接意向：{published_a.title}")
    _centre_has(page, f"第 1 版条款待确认：{published_a.title}")
    page.goto(inquiry_url)
    version = page.locator("[data-testid=version-1]")
    expect(version.locator("[data-testid=changed]")).to_have_text(["4%"])
    expect(version).to_contain_text("5%")
    expect(page.locator("[data-testid=past-start-1]")).to_contain_text("门槛费 10,000.00 元")
    shot(page, "editor-07-diff-against-offer")
    page.fill("#te-rate", "5")
    page.fill("#id_note", "起算日同意，提成按报价 5%")
    page.click("button:has-text('提出新版本')")
    version2 = page.locator("[data-testid=version-2]")
    expect(version2.locator("[data-testid=changed]")).to_have_text(["5%"])
    expect(version2.locator("del")).to_have_text(["4%"])

    # 7. The enterprise is told, sees what changed since its version and agrees (version 3 the
    #    same as version 2: no change to show).
    logout(page)
    login(page, "hydrogen_agent")
    _centre_has(page, f"第 2 版条款待确认：{published_a.title}")
    page.goto(inquiry_url)
    expect(page.locator("[data-testid=version-2] [data-testid=changed]")).to_have_text(["5%"])
    shot(page, "editor-08-diff-against-previous")
    page.fill("#id_note", "同意第 2 版")
    page.click("button:has-text('提出新版本')")
    expect(page.locator("[data-testid=version-3]")).to_contain_text("与上一版相同")

    # 8. The unit accepts version 3 after the confirmation says what will happen.
    logout(page)
    login(page, "manager_a")
    _centre_has(page, f"第 3 版条款待确认：{published_a.title}")
    page.goto(inquiry_url)
    accept = page.locator("[data-testid=accept-confirm]")
    expect(accept.locator("button:has-text('确认接受第 3 版')")).to_be_hidden()
    accept.locator("summary").click()
    expect(accept).to_contain_text("商洽结束，双方不能再提出新版本")
    shot(page, "editor-09-accept-confirm")
    accept.locator("button:has-text('确认接受第 3 版')").click()
    expect(page.locator("[data-testid=licence-status]")).to_have_text("待签合同")
    licence = Licence.objects.get()
    assert licence.terms["royalty"]["rate"] == "0.05"
    assert licence.start == start
    licence_url = page.url.split("?")[0]

    # 9. The enterprise is told the contract is ready to sign.
    logout(page)
    login(page, "hydrogen_agent")
    _centre_has(page, "第 3 版条款已被接受，许可合同待签")

    # 10. Signed: the unit records the contract both parties signed, after the confirmation.
    logout(page)
    login(page, "manager_a")
    page.goto(licence_url)
    page.fill("#id_signed_on", today.isoformat())
    page.set_input_files(
        "#id_signed_pdf",
        files=[{"name": "签署版合同.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}],
    )
    sign = page.locator("[data-testid=sign-confirm]")
    sign.locator("summary").click()
    expect(sign).to_contain_text("许可进入“履行中”")
    shot(page, "editor-10-sign-confirm")
    sign.locator("button:has-text('确认登记合同已签订')").click()
    expect(page.locator("[data-testid=licence-status]")).to_have_text("履行中")

    # 11. The enterprise is told and sees the licence in force.
    logout(page)
    login(page, "hydrogen_agent")
    _centre_has(page, f"许可合同已签订：{published_a.title}")
    page.goto(licence_url)
    expect(page.locator("[data-testid=licence-status]")).to_have_text("履行中")
    shot(page, "editor-11-signed")
    # The refused offer (step 3) answers 422 with the form, which Chromium logs as a failed load.
    assert [e for e in page.console_errors if "status of 422" not in e] == []
