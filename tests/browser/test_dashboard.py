"""The department dashboard renders every chart, on a desktop and a phone, without console errors."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login


@pytest.mark.parametrize(("width", "height", "name"), [(1366, 768, "desktop"), (390, 844, "phone")])
def test_department_dashboard_renders_every_chart(
    page, shot, transactional_db, width, height, name
):
    from zhuanhua.dashboards.charts import CHARTS
    from zhuanhua.ops.demo import load_demo

    load_demo(size=40)
    page.set_viewport_size({"width": width, "height": height})
    login(page, "dept_reviewer", password="zhuanhua2026")
    page.goto(page.base + "/dashboards/")
    for key in CHARTS:
        chart = page.locator(f"[data-chart={key}]")
        expect(chart).to_have_attribute("data-rendered", "true")
        assert chart.locator("canvas").count() >= 1
    shot(page, f"dashboard-{name}")
    page.click("[data-chart=achievements_by_prefecture] >> xpath=.. >> text=表格")
    expect(page.locator("[data-testid=table-achievements_by_prefecture]")).to_contain_text("昆明市")
    assert page.console_errors == []
