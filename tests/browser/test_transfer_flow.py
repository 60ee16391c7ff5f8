"""An achievement crosses its two years: the daily job lists it, the public finds it in the
先用后转 section, and its unit sees it on /transfer/mine/ as needing use-first-pay-later terms."""

import datetime as dt

from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import login

TITLE = "高原蓝莓组培快繁技术"


def test_achievement_joins_use_first_list_public_and_unit_see_it(page, shot, transactional_db,
                                                                 make_org, make_user):
    from zhuanhua.achievements.services import achievement_create, achievement_transition

    unit = make_org(name="云南省农业科学院（浏览器测试）", org_type="institute", prefecture="530100")
    department = make_org(name="云南省科学技术厅（浏览器测试）", org_type="department")
    manager = make_user("yaas_manager", unit, ["achievement_manager"],
                        email="yaas_manager@yaas.example.cn")
    reviewer = make_user("dept_reviewer", department, ["department_reviewer"])
    achievement = achievement_create(
        user=manager,
        data={
            "title": TITLE, "summary": "蓝莓优良品种茎段组培快繁与炼苗移栽技术，成苗率高。",
            "keywords": ["蓝莓", "组培快繁"], "industry_field": "modern_agriculture",
            "ip_type": "patent", "ip_number": "ZL202310000456.7",
            "ip_acquired_on": dt.date(2024, 3, 10), "trl": 7,
            "fiscally_funded": True, "is_applied_technology": True,
        },
        completers=[{"name": "李四", "employer": "云南省农业科学院"}],
    )
    achievement_transition(user=manager, achievement=achievement, action="submit")
    achievement_transition(user=reviewer, achievement=achievement, action="publish")

    # The day before it joins: not on the public list (the 30-day reminder, caught up, goes out).
    call_command("jobs", "run-due", "--date", "2026-03-10")
    assert [m.subject for m in mail.outbox] == [f"【限时转化提醒】“{TITLE}”将于 2026-03-11 进入先用后转清单"]
    page.goto(page.base + "/transfer/use-first/")
    expect(page.locator("[data-testid=use-first-count]")).to_have_text("0")
    expect(page.get_by_text(TITLE)).to_have_count(0)

    # Two full years have passed: the job lists it and tells the unit once.
    call_command("jobs", "run-due", "--date", "2026-03-11")
    call_command("jobs", "run-due", "--date", "2026-03-11")
    assert [m.subject for m in mail.outbox[1:]] == [f"【先用后转】“{TITLE}”已进入先用后转清单"]
    assert mail.outbox[1].to == ["yaas_manager@yaas.example.cn"]

    page.goto(page.base + "/transfer/use-first/")
    expect(page.locator("[data-testid=use-first-count]")).to_have_text("1")
    item = page.locator("[data-testid=use-first-item]")
    expect(item).to_have_count(1)
    expect(item.get_by_role("link", name=TITLE)).to_be_visible()
    expect(item.locator("[data-testid=ufpl-badge]")).to_have_text("先使用后付费")
    expect(item.locator("[data-testid=joined-on]")).to_have_text("2026-03-11")
    # Filters narrow the list.
    page.select_option("#id_prefecture", "532900")
    page.click("button:has-text('筛选')")
    expect(page.locator("[data-testid=use-first-count]")).to_have_text("0")
    page.select_option("#id_prefecture", "530100")
    page.select_option("#id_industry_field", "modern_agriculture")
    page.click("button:has-text('筛选')")
    expect(page.locator("[data-testid=use-first-count]")).to_have_text("1")
    shot(page, "transfer-01-use-first-public")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("h1")).to_have_text(TITLE)

    login(page, "yaas_manager")
    page.goto(page.base + "/transfer/mine/")
    row = page.locator("[data-testid=mine-entry]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("2026-03-11")
    expect(row.locator("[data-testid=needs-terms]")).to_have_text("待完善先使用后付费条款")
    expect(page.locator("[data-testid=needs-terms-count]")).to_have_text("1")
    expect(page.locator("[data-testid=mine-notices]")).to_contain_text("已进入先用后转清单")
    shot(page, "transfer-02-mine-needs-terms")
    assert page.console_errors == []
