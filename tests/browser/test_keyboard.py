"""Keyboard reach (issue 21.6): the first Tab lands on 跳到正文, which takes the next Tab into the
page's main content; the header's 更多 menu opens and is walked with the keyboard; on a phone the
menu button opens the header's links."""

import re

from playwright.sync_api import expect

ACTIVE = (
    "() => { const a = document.activeElement; return {text: a.textContent.trim(), "
    "inMain: !!a.closest('main'), item: a.classList.contains('dropdown-item')}; }"
)


def test_skip_link_is_the_first_stop_and_leads_into_main(page, transactional_db):
    page.goto(page.base + "/")
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE)["text"] == "跳到正文"
    expect(page.locator(".skip-link")).to_be_visible()  # shown while focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))  # waits: a loaded machine answers late
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE)["inMain"]


def test_more_menu_opens_and_is_walked_by_keyboard(page, transactional_db):
    page.goto(page.base + "/")
    page.locator("#mainnav .dropdown-toggle", has_text="更多").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#mainnav .dropdown-menu").first).to_be_visible()
    page.keyboard.press("ArrowDown")
    assert page.evaluate(ACTIVE)["item"]
    page.keyboard.press("Escape")
    expect(page.locator("#mainnav .dropdown-menu").first).to_be_hidden()


def test_phone_menu_button_opens_the_links_by_keyboard(page, transactional_db):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base + "/")
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_have_attribute("aria-expanded", "false")
    toggler.focus()
    page.keyboard.press("Enter")
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#mainnav a", has_text="成果大厅")).to_be_visible()
