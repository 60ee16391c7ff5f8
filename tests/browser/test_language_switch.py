"""The header's language switch in Chromium: English and back, by mouse and by keyboard, on a
desktop and on a 390 px phone, without a console error (the page runs under the strict CSP)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

HERO_ZH = "让科技成果走出实验室，走进企业"
HERO_EN = "From the laboratory into the enterprise"
FILTERED = re.compile(r"/achievements/\?q=%E5%82%A8%E6%B0%A2&")  # 储氢, as htmx pushed it


@pytest.mark.parametrize(("width", "height", "name"), [(1366, 900, "desktop"), (390, 844, "phone")])
def test_switch_to_english_and_back(page, shot, transactional_db, published_a, width, height, name):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(page.base + "/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name=HERO_ZH)).to_be_visible()

    # On the phone too the switch sits in the header bar, not behind the collapsed menu.
    english = page.get_by_role("button", name="English", exact=True)
    expect(english).to_be_visible()
    english.click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(page.base + "/")
    expect(page.get_by_role("heading", name=HERO_EN)).to_be_visible()
    expect(page.get_by_text("Published achievements")).to_be_visible()
    shot(page, f"language-01-home-en-{name}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sticks out

    # The choice holds on the next page: the hall, filtered in place by htmx.
    page.goto(page.base + "/achievements/")
    expect(page.get_by_role("heading", name="Achievement hall")).to_be_visible()
    page.fill("#id_q", "储氢")
    page.press("#id_q", "Enter")
    expect(page).to_have_url(FILTERED)
    expect(page.get_by_text("1 achievement for “储氢”")).to_be_visible()
    filtered_url = page.url
    shot(page, f"language-02-hall-en-{name}")

    # Back to Chinese, on the same (htmx-pushed) address.
    page.get_by_role("button", name="中文", exact=True).click()
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(filtered_url)
    expect(page.get_by_role("heading", name="成果大厅")).to_be_visible()
    expect(page.get_by_text("共 1 项成果，关键词“储氢”")).to_be_visible()
    expect(page.get_by_role("button", name="English", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"language-03-hall-zh-{name}")
    assert page.console_errors == []


def test_switch_by_keyboard_on_pages_not_yet_translated(page, shot, transactional_db, manager_a):
    login(page, "manager_a")
    # Skip link, brand, then the switch: the second stop after the skip link.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    english = page.get_by_role("button", name="English", exact=True)
    expect(english).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(page.base + "/workbench/")
    expect(page.get_by_role("link", name="Register an achievement")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_visible()
    shot(page, "language-04-workbench-en")

    # An app whose own words are still Chinese: English chrome around it, and the way back.
    page.goto(page.base + "/licensing/offers/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Use first, pay later", exact=True)).to_be_visible()
    chinese = page.get_by_role("button", name="中文", exact=True)
    chinese.focus()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(page.base + "/licensing/offers/")
    expect(page.get_by_role("link", name="先使用后付费", exact=True)).to_be_visible()
    shot(page, "language-05-licensing-zh")
    assert page.console_errors == []
