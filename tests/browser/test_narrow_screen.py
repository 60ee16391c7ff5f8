"""Usable at 390 px (issue 21.6): on a phone the licence's payment-plan table scrolls inside its
own box — the page itself never scrolls sideways — and the page passes axe's WCAG 2.1 AA checks
at that width too (a scrolling box must be reachable by keyboard)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.axe import axe_violations, describe, serious
from tests.browser.conftest import login

BOX = """() => {
  const table = document.querySelector('[data-testid=plan]');
  const box = table.parentElement;
  return {overflowX: getComputedStyle(box).overflowX, boxWidth: box.clientWidth,
          tableWidth: table.scrollWidth, docWidth: document.documentElement.scrollWidth,
          viewport: window.innerWidth};
}"""


def test_payment_plan_scrolls_inside_its_box_at_390px(page, shot, transactional_db):
    from zhuanhua.licensing.models import Licence
    from zhuanhua.ops.demo import load_demo

    load_demo(size=40)
    licence = Licence.objects.filter(licensee__members__username="firm_staff").order_by("pk")
    licence = licence.filter(status="active").first() or licence.first()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "firm_staff", password="zhuanhua2026")
    page.goto(page.base + f"/licensing/licences/{licence.pk}/")
    expect(page.locator("[data-testid=plan] tbody tr").first).to_be_visible()
    shot(page, "licence-plan-390")

    m = page.evaluate(BOX)
    assert m["overflowX"] == "auto"
    assert m["tableWidth"] > m["boxWidth"]  # the plan is wider than a phone: it scrolls in its box
    assert m["docWidth"] <= m["viewport"] == 390  # … and the page does not
    bad = serious(axe_violations(page))
    assert not bad, describe("licence at 390 px", bad)
