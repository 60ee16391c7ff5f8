"""An achievement crosses its two years: the daily job lists it, the public finds it in the
先用后转 section, and its unit sees it on /transfer/mine/ as needing use-first-pay-later terms,
then completes them by publishing a use-first-pay-later offer. The unit then submits its transfer
report (转化清单) and the supervisor sees who has submitted and downloads it (.xlsx and PDF)."""

import datetime as dt

from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import login, logout

TITLE = "高原蓝莓组培快繁技术"


def test_achievement_joins_use_first_list_public_and_unit_see_it(
    page, shot, transactional_db, make_org, make_user
):
    from zhuanhua.achievements.services import achievement_create, achievement_transition

    unit = make_org(
        name="云南省农业科学院（浏览器测试）", org_type="research_institute", prefecture="530100"
    )
    department = make_org(name="云南省科学技术厅（浏览器测试）", org_type="department")
    manager = make_user(
        "yaas_manager", unit, ["achievement_manager"], email="yaas_manager@yaas.example.cn"
    )
    reviewer = make_user("dept_reviewer", department, ["department_reviewer"])
    achievement = achievement_create(
        user=manager,
        data={
            "title": TITLE,
            "summary": "蓝莓优良品种茎段组培快繁与炼苗移栽技术，成苗率高。",
            "keywords": ["蓝莓", "组培快繁"],
            "industry_field": "modern_agriculture",
            "ip_type": "patent",
            "ip_number": "ZL202310000456.7",
            "ip_acquired_on": dt.date(2024, 3, 10),
            "trl": 7,
            "fiscally_funded": True,
            "is_applied_technology": True,
        },
        completers=[{"name": "李四", "employer": "云南省农业科学院"}],
    )
    achievement_transition(user=manager, achievement=achievement, action="submit")
    achievement_transition(user=reviewer, achievement=achievement, action="publish")

    def transfer_mails():  # other apps (notifications) mail too; only this app's notices count
        return [
            m for m in mail.outbox if m.subject.startswith(("【限时转化提醒】", "【先用后转】"))
        ]

    # The day before it joins: not on the public list (the 30-day reminder, caught up, goes out).
    call_command("jobs", "run-due", "--date", "2026-03-10")
    assert [m.subject for m in transfer_mails()] == [
        f"【限时转化提醒】“{TITLE}”将于 2026-03-11 进入先用后转清单"
    ]
    page.goto(page.base + "/transfer/use-first/")
    expect(page.locator("[data-testid=use-first-count]")).to_have_text("0")
    expect(page.get_by_text(TITLE)).to_have_count(0)

    # Two full years have passed: the job lists it and tells the unit once.
    call_command("jobs", "run-due", "--date", "2026-03-11")
    call_command("jobs", "run-due", "--date", "2026-03-11")
    assert [m.subject for m in transfer_mails()[1:]] == [f"【先用后转】“{TITLE}”已进入先用后转清单"]
    assert transfer_mails()[1].to == ["yaas_manager@yaas.example.cn"]

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

    # The unit completes its terms: publishing the use-first-pay-later offer marks them.
    from zhuanhua.licensing.services import offer_publish

    offer_publish(
        user=manager,
        achievement=achievement,
        data={
            "summary": "蓝莓组培快繁技术，许可中小微企业先使用后付费。",
            "fee_standard": "门槛费 0 元；按年度销售收入的 3% 提成。",
            "fee_model": "royalty",
            "terms": {"upfront_fee": "0", "royalty": {"rate": "0.03", "period": "year"}},
            "license_mode": "non_exclusive",
            "term_months": 36,
        },
    )
    page.goto(page.base + "/transfer/mine/")
    row = page.locator("[data-testid=mine-entry]")
    expect(row).to_contain_text("已完善")
    expect(row.locator("[data-testid=needs-terms]")).to_have_count(0)
    expect(page.locator("[data-testid=needs-terms-alert]")).to_have_count(0)
    shot(page, "transfer-03-mine-terms-completed")
    assert page.console_errors == []


def test_unit_submits_transfer_report_and_supervisor_downloads_it(
    page, shot, transactional_db, make_org, make_user, tmp_path
):
    import subprocess

    from django.utils import timezone
    from openpyxl import load_workbook

    from zhuanhua.achievements.services import achievement_create

    year = timezone.localdate().year - 1
    unit = make_org(name="云南省农业科学院（浏览器测试）", org_type="research_institute")
    make_org(name="大理大学（浏览器测试）", org_type="university", prefecture="532900")
    department = make_org(name="云南省科学技术厅（浏览器测试）", org_type="department")
    make_user("yaas_manager", unit, ["achievement_manager"])
    make_user("dept_reviewer", department, ["department_reviewer"])
    manager = unit.members.get()
    achievement_create(
        user=manager,
        data={
            "title": TITLE,
            "summary": "蓝莓优良品种茎段组培快繁与炼苗移栽技术，成苗率高。",
            "keywords": ["蓝莓"],
            "industry_field": "modern_agriculture",
            "ip_type": "patent",
            "ip_number": "ZL202310000456.7",
            "ip_acquired_on": dt.date(year - 1, 3, 10),
            "trl": 7,
            "fiscally_funded": True,
            "is_applied_technology": True,
        },
        completers=[{"name": "李四", "employer": "云南省农业科学院"}],
    )

    # The unit produces its report for last year, reviews it, adds a remark and submits it.
    login(page, "yaas_manager")
    page.goto(page.base + "/transfer/reports/")
    page.fill("#id_year", str(year))
    page.select_option("#id_period_kind", "year")
    page.click("[data-testid=report-create]")
    line = page.locator("[data-testid=report-line]")
    expect(line).to_have_count(1)
    expect(line).to_contain_text(TITLE)
    expect(line.locator("[data-testid=line-status]")).to_have_text("未转化")
    expect(page.locator("[data-testid=report-status]")).to_have_text("草稿")
    line.locator("input[name^=remarks_]").fill("已进入中试，拟以先使用后付费方式许可")
    page.fill("#id_remarks", "本年度财政资金支持成果 1 项。")
    shot(page, "transfer-04-report-draft")
    page.click("[data-testid=report-submit]")
    expect(page.locator("[data-testid=report-status]")).to_have_text("已报送")
    expect(page.locator("[data-testid=report-line]")).to_contain_text(
        "已进入中试，拟以先使用后付费方式许可"
    )
    expect(page.locator("input[name^=remarks_]")).to_have_count(0)  # frozen
    shot(page, "transfer-05-report-submitted")

    # The supervisor sees who has and has not submitted, and downloads the report.
    logout(page)
    login(page, "dept_reviewer")
    page.goto(page.base + f"/transfer/reports/overview/?year={year}&period_kind=year")
    expect(page.locator("[data-testid=submitted-count]")).to_have_text("1")
    expect(page.locator("[data-testid=missing-count]")).to_have_text("1")
    submitted = page.locator(
        "[data-testid=overview-row]", has_text="云南省农业科学院（浏览器测试）"
    )
    expect(submitted.locator("[data-testid=overview-status]")).to_have_text("已报送")
    missing = page.locator("[data-testid=overview-row]", has_text="大理大学（浏览器测试）")
    expect(missing.locator("[data-testid=overview-status]")).to_have_text("未报送")
    shot(page, "transfer-06-overview")

    with page.expect_download() as info:
        submitted.locator("[data-testid=overview-xlsx]").click()
    xlsx = tmp_path / "report.xlsx"
    info.value.save_as(xlsx)
    ws = load_workbook(xlsx).active
    assert ws["A1"].value == f"云南省农业科学院（浏览器测试） {year} 年全年科技成果转化清单"
    assert ws["B3"].value == TITLE
    assert ws["M3"].value == "已进入中试，拟以先使用后付费方式许可"

    with page.expect_download() as info:
        submitted.locator("[data-testid=overview-pdf]").click()
    pdf = tmp_path / "report.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    png = next(tmp_path.glob("page*.png"))
    page.goto(page.base + "/transfer/reports/overview/")  # the PNG is checked, not shown
    from PIL import Image

    assert sum(Image.open(png).convert("L").histogram()[:128]) > 500
    assert page.console_errors == []
