"""The public dashboard (数据公开): anonymous visitors see the province's figures, every filter
combination draws every chart, and the map's tooltip names the prefecture and its figure."""

import pytest
from playwright.sync_api import expect

from zhuanhua.dashboards.charts import PUBLIC_CHARTS
from zhuanhua.ops.demo import load_demo


@pytest.mark.parametrize(("width", "height", "name"), [(1366, 768, "desktop"), (390, 844, "phone")])
def test_public_dashboard_draws_every_chart_for_anyone(
    page, shot, transactional_db, width, height, name
):
    load_demo(size=40)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(page.base + "/dashboards/public/")
    for key in PUBLIC_CHARTS:
        chart = page.locator(f"[data-chart={key}]")
        expect(chart).to_have_attribute("data-rendered", "true")
        assert chart.locator("canvas").count() >= 1
    # a prefecture with 全部年度: the combination that used to break every chart
    page.select_option("#f-prefecture", "530100")
    page.click("#dashboard-filters button[type=submit]")
    for key in PUBLIC_CHARTS:
        expect(page.locator(f"[data-chart={key}]")).to_have_attribute("data-rendered", "true")
    expect(page.locator("body")).not_to_contain_text("数据加载失败")
    shot(page, f"public-dashboard-{name}")
    assert page.console_errors == []


def test_map_tooltip_names_the_prefecture_and_its_figure(page, shot, transactional_db):
    load_demo(size=40)
    page.goto(page.base + "/dashboards/public/")
    chart = page.locator("[data-chart=achievements_by_prefecture]")
    expect(chart).to_have_attribute("data-rendered", "true")
    page.evaluate(
        """() => {
          const el = document.querySelector('[data-chart=achievements_by_prefecture]');
          echarts.getInstanceByDom(el).dispatchAction({type: 'showTip', seriesIndex: 0, name: '昆明市'});
        }"""
    )
    tip = chart.locator("div", has_text="昆明市").last
    expect(tip).to_contain_text("成果数：")
    assert "series0" not in chart.inner_text()
    shot(page, "public-dashboard-map-tooltip")
