"""A unit publicises an agreement price, another organisation objects, the unit answers, the
notice closes after its period and the licensing check clears the price."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import login, logout


def test_agreement_price_publicity_objection_answer_close(page, shot, transactional_db,
                                                         make_org, make_user, achievement_data):
    from zhuanhua.achievements.services import achievement_create, achievement_transition
    from zhuanhua.publicity.models import Notice
    from zhuanhua.publicity.selectors import agreement_price_cleared
    from zhuanhua.publicity.services import notice_close

    unit = make_org(name="云南师范大学（浏览器测试）", org_type="university", prefecture="530100")
    enterprise = make_org(name="昆明储能科技有限公司（浏览器测试）", org_type="enterprise")
    department = make_org(name="云南省科学技术厅（公示浏览器测试）", org_type="department")
    manager = make_user("ynnu_manager", unit, ["achievement_manager"])
    make_user("ent_staff", enterprise, ["licensee_staff"])
    reviewer = make_user("pub_reviewer", department, ["department_reviewer"])
    achievement = achievement_create(user=manager, data=achievement_data,
                                     completers=[{"name": "王五", "employer": "云南师范大学"}])
    achievement_transition(user=manager, achievement=achievement, action="submit")
    achievement_transition(user=reviewer, achievement=achievement, action="publish")
    today = timezone.localdate()

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
    expect(page.locator("[data-testid=price]")).to_have_text("180000.00 元")
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

    # The period ends; the notice closes (as the daily job would on the day after the end).
    notice_close(user=manager, notice=notice, today=notice.ends_on + dt.timedelta(days=1))
    page.goto(detail_url)
    expect(page.locator("[data-testid=status]")).to_have_text("公示结束（异议已处理）")
    expect(page.locator("[data-testid=close-note]")).to_contain_text("共收到异议 1 条，均已答复")
    shot(page, "publicity-03-closed")
    assert agreement_price_cleared(achievement=achievement, licensee=enterprise) is True

    page.goto(page.base + "/publicity/?status=closed_objections_handled")
    expect(page.locator("[data-testid=notice-count]")).to_have_text("1")
    assert page.console_errors == []
