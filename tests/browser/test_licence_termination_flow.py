"""A licence that goes wrong, in Chromium (issue 20.2-3): overdue obligations → the unit's
written cure notice (催告) → the licensee sees it → termination refused to show before the
deadline → after the deadline the unit terminates with a reason → the plan's terminated view;
and a wrong payment reversed (冲正) with a reason. Screenshots in test-artifacts/.

"Today" is moved with ``timezone.localdate`` (the live server runs in this process)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import login, logout

TODAY = dt.date(2025, 9, 15)
DEADLINE = dt.date(2025, 10, 15)  # 30 days: the contract gives no more
TERMS = {
    "fee_model": "staged_royalty",
    "start": "2025-01-01",
    "end": "2026-12-31",
    "upfront_fee": "10000",
    "installments": [{"key": "首付节点", "amount": "50000", "due": "2025-06-30"}],
    "royalty": {"rate": "0.05", "period": "quarter"},
}


def _signed_licence(published_a, manager_a, agent):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhuanhua.licensing import services

    offer = services.offer_publish(
        user=manager_a,
        achievement=published_a,
        data={
            "summary": "镁基固态储氢材料制备方法，许可中小微企业先使用后付费。",
            "fee_standard": "门槛费 1 万元；首付节点 5 万元；按季度收入的 5% 提成。",
            "fee_model": "staged_royalty",
            "terms": {k: TERMS[k] for k in ("upfront_fee", "installments", "royalty")},
            "license_mode": "non_exclusive",
            "term_months": 24,
            "field_of_use": "储能设备",
            "territory": "云南省",
        },
    )
    inquiry = services.inquiry_open(user=agent, offer=offer, message="我司希望承接。")
    services.version_propose(user=agent, inquiry=inquiry, terms=dict(TERMS))
    licence = services.version_accept(user=manager_a, inquiry=inquiry, number=1)
    pdf = SimpleUploadedFile(
        "signed.pdf",
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        content_type="application/pdf",
    )
    return services.licence_activate(
        user=manager_a, licence=licence, signed_on=dt.date(2025, 1, 1), signed_pdf=pdf
    )


def test_overdue_cure_notice_termination_and_a_reversal(
    page, shot, transactional_db, make_user, make_org, published_a, manager_a, monkeypatch
):
    from zhuanhua.achievements.models import Achievement
    from zhuanhua.licensing.models import Licence, Payment
    from zhuanhua.licensing.services import payment_record

    day = {"today": TODAY}
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day["today"])
    enterprise = make_org(name="昆明氢能科技有限公司（浏览器测试）", org_type="enterprise")
    agent = make_user("hydrogen_agent", enterprise, ["licensee_staff"])
    licence = _signed_licence(published_a, manager_a, agent)
    # A transfer recorded twice: the second is reversed below.
    payment_record(user=manager_a, licence=licence, amount="3000", paid_on="2025-08-01", ref="BK1")
    payment_record(user=manager_a, licence=licence, amount="3000", paid_on="2025-08-01", ref="BK1")
    url = page.base + f"/licensing/licences/{licence.pk}/"

    # 1. The unit sees what is overdue and reverses the duplicate payment.
    login(page, "manager_a")
    page.goto(url)
    expect(page.get_by_test_id("plan-alert").first).to_contain_text("付款逾期")
    shot(page, "licence-termination-01-overdue")
    page.get_by_test_id("payment-reverse").nth(1).locator("summary").click()
    form = page.get_by_test_id("payment-reverse").nth(1).locator("form")
    expect(form).to_contain_text("此操作不可撤销")
    form.locator("textarea[name=reason]").fill("重复登记：同一笔银行流水登记了两次")
    form.get_by_role("button", name="确认冲正").click()
    expect(page.get_by_test_id("payment-reversed")).to_contain_text("重复登记")
    assert Payment.objects.filter(reversed_on__isnull=False).count() == 1

    # 2. The written cure notice: the overdue obligations are pre-selected, 30 days to cure.
    page.get_by_test_id("cure-notice-form").locator("summary").click()
    notice_form = page.get_by_test_id("cure-notice-form").locator("form")
    expect(notice_form.locator("input[name=obligations]")).to_have_count(4)
    notice_form.locator("input[name=obligations]").nth(2).uncheck()  # keep the money ones
    notice_form.locator("input[name=obligations]").nth(3).uncheck()
    expect(notice_form.locator("#id_cure_deadline")).to_have_value("2025-10-15")
    notice_form.locator("#id_note").fill("请于期限内支付门槛费和首付节点款项。")
    shot(page, "licence-termination-02-cure-notice-form")
    notice_form.get_by_role("button", name="确认发出催告").click()
    expect(page.get_by_test_id("cure-notice-status")).to_have_text("催告中")
    expect(page.get_by_test_id("cure-deadline")).to_have_text("2025-10-15")
    expect(page.get_by_test_id("terminate-wait")).to_be_visible()
    shot(page, "licence-termination-03-cure-notice-sent")

    # 3. The licensee reads the notice and its notification.
    logout(page)
    login(page, "hydrogen_agent")
    page.goto(url)
    notice = page.get_by_test_id("cure-notice")
    notice.locator("summary").click()
    expect(notice).to_contain_text("请于 2025-10-15 前履行完毕")
    expect(page.get_by_test_id("terminate-form")).to_have_count(0)
    shot(page, "licence-termination-04-licensee-sees-notice")

    # 4. The deadline passes uncured: the unit terminates, confirming first.
    day["today"] = dt.date(2025, 10, 20)
    logout(page)
    login(page, "manager_a")
    page.goto(url)
    page.get_by_test_id("terminate-form").locator("summary").click()
    terminate = page.get_by_test_id("terminate-form").locator("form")
    expect(terminate).to_contain_text("此操作不可撤销")
    terminate.locator("#id_terminated_on").fill("2025-10-20")
    terminate.locator("#id_reason").fill("补救期限届满仍未支付门槛费和首付节点款项")
    shot(page, "licence-termination-05-confirm")
    terminate.get_by_role("button", name="确认解除许可").click()
    expect(page.get_by_test_id("terminated-banner")).to_contain_text("违约解除，终止日 2025-10-20")
    expect(page.get_by_test_id("licence-status")).to_have_text("已终止")
    expect(page.get_by_test_id("cure-notice-status")).to_have_text("已据此解除")
    shot(page, "licence-termination-06-terminated")
    # The plan's terminated view, seen later: the last period ends on the termination date.
    page.goto(url + "?as_of=2026-06-30")
    plan = page.get_by_test_id("plan")
    expect(plan).to_contain_text("2025-10-01 至 2025-10-20")
    expect(plan).not_to_contain_text("2026-01-01")
    shot(page, "licence-termination-07-plan-after-termination")
    ended = Licence.objects.get(pk=licence.pk)
    assert (ended.status, ended.terminated_on) == ("terminated", dt.date(2025, 10, 20))
    assert Achievement.objects.get(pk=published_a.pk).transfer_status == "untransferred"
    assert page.console_errors == []
