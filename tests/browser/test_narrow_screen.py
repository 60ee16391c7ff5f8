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


NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def test_main_pages_fit_a_390px_phone_as_its_owner_sees_them(page, transactional_db):
    """The unit's manager (the most buttons and tables) on a phone: no page scrolls sideways,
    and axe finds nothing serious at that width (tables that scroll are reachable by keyboard)."""
    from zhuanhua.achievements.models import Achievement
    from zhuanhua.licensing.models import Inquiry
    from zhuanhua.ops.demo import load_demo

    load_demo(size=40)
    achievement = Achievement.objects.filter(
        owner__members__username="ynu_manager", status="published"
    ).first()
    inquiry = Inquiry.objects.filter(licensor__members__username="ynu_manager").first()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "ynu_manager", password="zhuanhua2026")
    problems = []
    for url in [
        "/",
        "/workbench/",
        "/achievements/",
        f"/achievements/{achievement.pk}/",
        f"/licensing/inquiries/{inquiry.pk}/",
        "/licensing/",
        "/dashboards/mine/",
        "/dashboards/public/",
    ]:
        page.goto(page.base + url)
        if not page.evaluate(NO_SIDEWAYS):
            problems.append(f"{url} scrolls sideways at 390 px")
        bad = serious(axe_violations(page))
        if bad:
            problems.append(describe(f"{url} at 390 px", bad))
    assert not problems, "\n".join(problems)
