"""Cover that pays, in Chromium (issue 20.5): the unit claims on an overdue installment of a
licence a guarantor covers; the guarantor pays part of it on its page (a payout above the
overdue amount refused first); the payout is a payment with the guarantor as payer, and the
licence page shows what it covered, oldest due first; then the unit refers the licence in
default to the department's credit queue (issue 20.4). Screenshots cover-01..05."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from playwright.sync_api import expect

from tests.browser.conftest import login, logout


def test_a_claim_paid_by_a_guarantor(
    page, shot, transactional_db, make_user, make_org, published_a, manager_a
):
    from zhuanhua.credit.models import CreditReferral
    from zhuanhua.licensing.models import Payment, RiskClaim
    from zhuanhua.licensing.services import (
        cover_attach,
        inquiry_open,
        licence_activate,
        offer_publish,
        version_accept,
        version_propose,
    )
    from zhuanhua.licensing.tests.conftest import OFFER_DATA, VERSION_TERMS, signed_pdf

    # Set-up through the services: a signed licence, nothing paid, a guarantee on it.
    enterprise = make_org(name="昆明氢能科技有限公司（理赔测试）", org_type="enterprise")
    agent = make_user("claim_agent", enterprise, ["licensee_staff"])
    guarantor_org = make_org(name="云南省科技融资担保有限公司", org_type="guarantor")
    guarantor = make_user("claim_guarantor", guarantor_org, ["org_admin"])
    make_user(
        "claim_reviewer",
        make_org(name="云南省科学技术厅（理赔测试）", org_type="department"),
        ["department_reviewer"],
    )
    offer = offer_publish(user=manager_a, achievement=published_a, data=dict(OFFER_DATA))
    inquiry = inquiry_open(user=agent, offer=offer)
    version_propose(user=agent, inquiry=inquiry, terms=dict(VERSION_TERMS))
    licence = version_accept(user=manager_a, inquiry=inquiry, number=1)
    licence_activate(
        user=manager_a, licence=licence, signed_on=dt.date(2025, 1, 1), signed_pdf=signed_pdf()
    )
    today = dt.date.today()
    cover_attach(
        user=guarantor,
        licence=licence,
        share="1",
        limit_amount="100000",
        starts_on="2025-01-01",
        ends_on=(today + dt.timedelta(days=365)).isoformat(),
    )
    licence_url = page.base + f"/licensing/licences/{licence.pk}/"

    # 1. The unit opens a claim on the overdue 首付节点 installment.
    login(page, "manager_a")
    page.goto(licence_url)
    form = page.locator("[data-testid=claim-open-form]")
    expect(form).to_be_visible()
    form.locator("#claim-obligation").select_option("首付节点")
    shot(page, "cover-01-claim-form")
    form.locator("button:has-text('发起理赔')").click()
    expect(page.locator("text=已向 云南省科技融资担保有限公司 发起理赔")).to_be_visible()
    claim = RiskClaim.objects.get()
    assert (claim.obligation_ref, claim.overdue_amount) == ("首付节点", Decimal("50000.00"))

    # 2. The guarantor sees its exposure; a payout above the overdue amount is refused.
    logout(page)
    login(page, "claim_guarantor")
    page.goto(page.base + "/licensing/covers/")
    expect(page.locator("[data-testid=exposure]")).to_contain_text("理赔 1 笔（待处理 1 笔）")
    decide = page.locator(f"[data-testid=claim-decide-{claim.pk}]")
    decide.locator("select[name=decision]").select_option("pay")
    decide.locator("input[name=payout_amount]").fill("60000")
    decide.locator("textarea[name=resolution]").fill("已核实逾期，按保障合同代偿")
    decide.locator("button:has-text('记录处理结果')").click()
    expect(page.locator(".alert-danger", has_text="超过该义务当前逾期未付的金额")).to_be_visible()
    assert Payment.objects.count() == 0
    shot(page, "cover-02-payout-refused")

    # 3. It pays 30,000 today.
    decide = page.locator(f"[data-testid=claim-decide-{claim.pk}]")
    decide.locator("select[name=decision]").select_option("pay")
    decide.locator("input[name=payout_amount]").fill("30000")
    decide.locator("input[name=paid_on]").fill(today.isoformat())
    decide.locator("textarea[name=resolution]").fill("已核实逾期，按保障合同代偿 3 万元")
    decide.locator("button:has-text('记录处理结果')").click()
    expect(page.locator("text=理赔处理结果已记录")).to_be_visible()
    expect(page.locator("[data-testid=exposure]")).to_contain_text("已赔付 30,000.00 元")
    shot(page, "cover-03-paid-exposure")
    payment = Payment.objects.get()
    assert (payment.amount, payment.payer_id) == (Decimal("30000.00"), guarantor_org.pk)

    # 4. The licence page: the payout paid the upfront fee first, then part of the installment.
    logout(page)
    login(page, "manager_a")
    page.goto(licence_url)
    claims = page.locator("[data-testid=claims]")
    expect(claims).to_contain_text("已赔付")
    expect(claims).to_contain_text(
        "按到期先后冲抵：门槛费 10,000.00 元；阶段性支付“首付节点” 20,000.00 元"
    )
    shot(page, "cover-04-licence-claim-paid")

    # 5. Over 90 days in default: the unit refers the licence to the department's credit queue.
    refer = page.locator("[data-testid=credit-refer-form]")
    refer.locator("textarea[name=reason]").fill("首付节点逾期超过 90 天，担保代偿后仍有余款未付")
    refer.locator("button:has-text('移送诚信审查')").click()
    expect(page.locator("text=已移送主管部门诚信审查")).to_be_visible()
    expect(page.locator("[data-testid=referrals]")).to_contain_text("待审查")
    referral = CreditReferral.objects.get()
    logout(page)
    login(page, "claim_reviewer")
    page.goto(page.base + f"/credit/referrals/{referral.pk}/")
    expect(page.locator("[data-testid=referral-evidence]")).to_contain_text("理赔#")
    shot(page, "cover-05-credit-referral")
    assert page.console_errors == []
