"""An organisation's own dashboard renders every chart of its set — a research unit's and an
enterprise's — on a desktop and a phone, without console errors."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, logout


@pytest.mark.parametrize(("width", "height", "name"), [(1366, 768, "desktop"), (390, 844, "phone")])
def test_org_dashboard_renders_every_chart(page, shot, transactional_db, width, height, name):
    from zhuanhua.accounts.models import User
    from zhuanhua.dashboards.org_charts import ENTERPRISE, UNIT, charts_for
    from zhuanhua.ops.demo import load_demo

    load_demo(size=40)
    _seed()
    page.set_viewport_size({"width": width, "height": height})
    for username, audience, table_key in [
        ("ynu_manager", UNIT, "unit_achievements_by_status"),
        ("firm_staff", ENTERPRISE, "ent_dues_by_month"),
    ]:
        org = User.objects.get(username=username).organisation
        charts = charts_for(org)
        assert charts
        assert {c.audience for c in charts} == {audience}
        login(page, username, password="zhuanhua2026")
        page.goto(page.base + "/dashboards/mine/")
        expect(page.locator("h1")).to_contain_text(org.name)
        assert page.locator(".zh-chart").count() == len(charts)
        for chart in charts:
            el = page.locator(f"[data-chart={chart.key}]")
            expect(el).to_have_attribute("data-rendered", "true")
            assert el.locator("canvas").count() >= 1
        shot(page, f"org-dashboard-{audience}-{name}")
        page.click(f"[data-chart={table_key}] >> xpath=.. >> text=表格")
        expect(page.locator(f"[data-testid=table-{table_key}]")).to_be_visible()
        logout(page)
    assert page.console_errors == []


def _seed():
    """A deal between the demo unit (云南大学) and the demo enterprise, with money, a need, a
    subsidy application and vouchers, so both dashboards have something to draw."""
    from zhuanhua.accounts.models import User
    from zhuanhua.achievements.models import Achievement
    from zhuanhua.dashboards.tests.test_org_charts import FUTURE_TERMS, TODAY, _application, _deal
    from zhuanhua.licensing.models import DistributionPlan, Payment
    from zhuanhua.needs.models import NeedResponse, TechnologyNeed
    from zhuanhua.vouchers.models import VoucherQuota

    manager, firm_user = (
        User.objects.get(username="ynu_manager"),
        User.objects.get(username="firm_staff"),
    )
    unit, firm = manager.organisation, firm_user.organisation
    achievement = Achievement.objects.filter(owner=unit, status="published").first()
    licence = _deal(manager, achievement, firm_user, dict(FUTURE_TERMS))
    Payment.objects.create(
        licence=licence, amount=Decimal("6000.00"), paid_on=TODAY - dt.timedelta(days=31)
    )
    Payment.objects.create(licence=licence, amount=Decimal("2500.00"), paid_on=TODAY)
    DistributionPlan.objects.create(
        licence=licence,
        income_amount=Decimal("8500.00"),
        net_income_amount=Decimal("8000.00"),
        shares=[],
        recorded_on=TODAY,
    )
    need = TechnologyNeed.objects.create(
        owner=firm,
        title="污水除磷工艺",
        description="需求",
        industry_field="resources_environment",
        prefecture=firm.prefecture,
        status="published",
    )
    NeedResponse.objects.create(need=need, achievement=achievement, unit=unit, enterprise=firm)
    _application(firm, "M7-1", "submitted", "10000.00")
    # The demo may have issued this year's quota already (ops/demo_more.py).
    VoucherQuota.objects.get_or_create(
        enterprise=firm, year=TODAY.year, defaults={"issued_amount": Decimal("30000")}
    )
