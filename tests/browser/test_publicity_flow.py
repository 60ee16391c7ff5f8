"""A unit publicises an agreement price, another organisation objects, the unit answers, the
notice closes after its period and the licensing check clears the price; the agreement-priced
licence between the same parties is refused signing while the notice runs and is signed once
it has closed."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import login, logout

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _offer_and_version(today: dt.date) -> tuple[dict, dict]:
    """The offer and the agreed version, on a term starting today (so nothing is overdue)."""
    terms = {
        "upfront_fee": "10000",
        "installments": [
            {
                "key": "首付节点",
                "amount": "50000",
                "due": (today + dt.timedelta(days=180)).isoformat(),
            }
        ],
        "royalty": {"rate": "0.05", "period": "quarter"},
    }
    offer = {
        "summary": "固态储氢材料制备方法，协议定价许可昆明储能科技有限公司实施。",
        "fee_standard": "门槛费 1 万元；首付节点 5 万元；按季度收入的 5% 提成。",
        "fee_model": "staged_royalty",
        "terms": terms,
        "license_mode": "non_exclusive",
        "term_months": 24,
        "field_of_use": "储能设备",
        "territory": "云南省",
    }
    version = {
        "fee_model": "staged_royalty",
        "start": today.isoformat(),
        "end": (today + dt.timedelta(days=729)).isoformat(),
        **terms,
    }
    return offer, version


def test_agreement_price_publicity_objection_answer_close(
    page, shot, transactional_db, tmp_path, make_org, make_user, achievement_data
):
    from zhuanhua.achievements.services import achievement_create, achievement_transition
    from zhuanhua.licensing.models import Licence
    from zhuanhua.licensing.services import (
        ERR_AGREEMENT_NOT_PUBLICISED,
        inquiry_open,
        licence_set_pricing_method,
        offer_publish,
        version_accept,
        version_propose,
    )
    from zhuanhua.publicity.models import Notice
    from zhuanhua.publicity.selectors import agreement_price_cleared
    from zhuanhua.publicity.services import notice_close

    unit = make_org(name="云南师范大学（浏览器测试）", org_type="university", prefecture="530100")
    enterprise = make_org(name="昆明储能科技有限公司（浏览器测试）", org_type="enterprise")
    department = make_org(name="云南省科学技术厅（公示浏览器测试）", org_type="department")
    manager = make_user("ynnu_manager", unit, ["achievement_manager"])
    ent_staff = make_user("ent_staff", enterprise, ["licensee_staff"])
    reviewer = make_user("pub_reviewer", department, ["department_reviewer"])
    achievement = achievement_create(
        user=manager,
        data=achievement_data,
        completers=[{"name": "王五", "employer": "云南师范大学"}],
    )
    achievement_transition(user=manager, achievement=achievement, action="submit")
    achievement_transition(user=reviewer, achievement=achievement, action="publish")
    today = timezone.localdate()

    # The same unit and enterprise agreed a licence of the achievement, priced by agreement.
    offer_data, version_terms = _offer_and_version(today)
    offer = offer_publish(user=manager, achievement=achievement, data=offer_data)
    inquiry = inquiry_open(user=ent_staff, offer=offer, message="我司拟以协议定价承接该成果。")
    version_propose(user=ent_staff, inquiry=inquiry, terms=version_terms)
    licence = version_accept(user=manager, inquiry=inquiry, number=1)
    licence_set_pricing_method(user=manager, licence=licence, pricing_method="agreement")
    signed_pdf = tmp_path / "签署版合同.pdf"
    signed_pdf.write_bytes(MINIMAL_PDF)

    # The unit drafts and publishes the agreement price.
    login(page, "ynnu_manager")
    page.goto(page.base + "/publicity/")
    page.click("text=发起公示")
    page.select_option("#id_kind", "agreement_price")
    page.fill("#id_title", "关于固态储氢材料制备方法协议定价许可的公示")
    page.fill("#id_content", "经集体决策，拟以协议定价方式许可昆明储能科技有限公司实施，现予公示。")
    page.fill("#id_starts_on", today.isoformat())
    page.fill("#id_period_days", "15")
    page.select_option("#id_achievement", str(achievement.pk))
    page.select_option("#id_licensee", str(enterprise.pk))
    page.fill("#id_price_amount", "180000")
    page.select_option("#id_pricing_method", "agreement")
    shot(page, "publicity-01-form")
    page.click("text=保存草稿")
    expect(page.locator("[data-testid=status]")).to_have_text("草稿")
    page.click("text=发布公示")
    expect(page.locator("[data-testid=status]")).to_have_text("公示中")
    notice = Notice.objects.get()
    expect(page.locator("[data-testid=ends-on]")).to_have_text(notice.ends_on.isoformat())
    expect(page.locator("[data-testid=days-left]")).to_contain_text(
        f"剩余 {(notice.ends_on - today).days} 天"
    )
    expect(page.locator("[data-testid=price]")).to_have_text("180,000.00 元")
    detail_url = page.url

    # Another organisation's user objects.
    logout(page)
    login(page, "ent_staff")
    page.goto(detail_url)
    page.fill("#id_content", "拟交易价格低于同类专利许可的市场水平，请说明定价依据。")
    page.click("button:has-text('提出异议')")
    expect(page.locator(".alert-success")).to_contain_text("异议已提交")
    expect(page.locator("[data-testid=objection]")).to_have_count(1)
    expect(page.locator("[data-testid=objector]")).to_have_count(0)

    # The public reads the objection without the objector's name.
    logout(page)
    page.goto(detail_url)
    expect(page.locator("[data-testid=objection]")).to_contain_text("拟交易价格低于同类专利")
    expect(page.locator("main")).not_to_contain_text("ent_staff")

    # The unit sees who objected and answers.
    login(page, "ynnu_manager")
    page.goto(detail_url)
    expect(page.locator("[data-testid=objector]")).to_contain_text("ent_staff")
    page.fill("#id_answer", "价格参考第三方评估报告（评估值 17.6 万元）并经集体决策确定。")
    page.click("button:has-text('提交答复')")
    expect(page.locator("[data-testid=answer]")).to_contain_text("第三方评估报告")
    shot(page, "publicity-02-answered")
    assert agreement_price_cleared(achievement=achievement, licensee=enterprise) is False

    # While the notice runs the licence cannot be signed: the page says so and refuses it.
    licence_url = page.base + f"/licensing/licences/{licence.pk}/"
    page.goto(licence_url)
    expect(page.locator("[data-testid=licence-status]")).to_have_text("待签合同")
    expect(page.locator("[data-testid=pricing-method]")).to_have_text("协议定价")
    expect(page.locator("[data-testid=agreement-blocked]")).to_be_visible()
    page.fill("#id_signed_on", today.isoformat())
    page.set_input_files("#id_signed_pdf", str(signed_pdf))
    errors_before = len(page.console_errors)
    page.click("summary:has-text('登记合同已签订')")
    page.click("button:has-text('确认登记合同已签订')")
    activate_form = page.locator(f"form[action='/licensing/licences/{licence.pk}/activate/']")
    expect(activate_form.locator(".alert-danger")).to_have_text(ERR_AGREEMENT_NOT_PUBLICISED)
    expect(page.locator("[data-testid=licence-status]")).to_have_text("待签合同")
    expect(page.locator("[data-testid=agreement-blocked]")).to_be_visible()
    shot(page, "publicity-04-licence-blocked")
    # The refusal is answered with HTTP 422 (the form re-rendered with its error), which Chromium
    # logs as a failed resource load: that one message is expected, anything else is not.
    assert page.console_errors[errors_before:] == [
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]
    del page.console_errors[errors_before:]
    licence.refresh_from_db()
    assert licence.status == "draft_contract"
    assert licence.signed_on is None

    # The period ends; the notice closes (as the daily job would on the day after the end).
    notice_close(user=manager, notice=notice, today=notice.ends_on + dt.timedelta(days=1))
    page.goto(detail_url)
    expect(page.locator("[data-testid=status]")).to_have_text("公示结束（异议已处理）")
    expect(page.locator("[data-testid=close-note]")).to_contain_text("共收到异议 1 条，均已答复")
    shot(page, "publicity-03-closed")
    assert agreement_price_cleared(achievement=achievement, licensee=enterprise) is True

    # Now the unit records the signed contract; the licence is in force and the alert is gone.
    page.goto(licence_url)
    expect(page.locator("[data-testid=agreement-blocked]")).to_have_count(0)
    page.fill("#id_signed_on", today.isoformat())
    page.set_input_files("#id_signed_pdf", str(signed_pdf))
    page.click("summary:has-text('登记合同已签订')")
    page.click("button:has-text('确认登记合同已签订')")
    expect(page.locator(".alert-success")).to_contain_text("已登记合同签订")
    expect(page.locator("[data-testid=licence-status]")).to_have_text("履行中")
    expect(page.locator("[data-testid=agreement-blocked]")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("签署版合同.pdf")
    shot(page, "publicity-05-licence-signed")
    licence = Licence.objects.get(pk=licence.pk)
    assert licence.status == "active"
    assert licence.signed_on == today

    page.goto(page.base + "/publicity/?status=closed_objections_handled")
    expect(page.locator("[data-testid=notice-count]")).to_have_text("1")
    assert page.console_errors == []
