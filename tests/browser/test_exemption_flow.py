"""An exemption case is run to its final decision: investigation with a recorded dissent, the
checklist's recommendation, the unit's conclusion, internal publicity, an objection and its review,
the notice closing (the daily job, on a later day), the final decision, its effects, and the
dossier PDF rendered to PNG."""

import datetime as dt
import subprocess

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, login, logout


def test_exemption_case_to_final_decision_and_dossier(
    page, shot, transactional_db, make_org, make_user
):
    from PIL import Image

    from zhuanhua.exemption.models import ExemptionCase
    from zhuanhua.publicity.jobs import publicity_close_due

    unit = make_org(
        name="昆明医科大学（免责浏览器测试）", org_type="university", prefecture="530100"
    )
    department = make_org(name="云南省科学技术厅（免责浏览器测试）", org_type="department")
    make_user("kmmu_admin", unit, ["org_admin"])
    make_user("kmmu_vp", unit, ["researcher"])
    make_user("kmmu_staff", unit, ["researcher"])
    make_user("dept_auditor", department, ["auditor"])
    outsider = make_org(name="其他大学（免责浏览器测试）", org_type="university")
    make_user("other_admin", outsider, ["org_admin"])

    # The handler opens a case; the unit has no adopted exemption rules yet.
    login(page, "kmmu_admin")
    page.goto(page.base + "/exemption/")
    page.click("text=立案")
    page.fill("#id_title", "新药临床批件转让后受让方停产")
    page.select_option("#id_activity_kind", "deal")
    page.fill(
        "#id_activity_description",
        "2023 年以协议定价转让临床批件，受让方因资金链断裂停产，尾款未能收回。",
    )
    page.fill("#id_loss_amount", "860000")
    page.click("button:has-text('立案')")
    expect(page.locator("[data-testid=case-status]")).to_have_text("调查中")
    expect(page.locator("[data-testid=rules-warning]")).to_contain_text(
        "尚未登记经集体民主决策审议通过的尽职免责制度"
    )
    case = ExemptionCase.objects.get()
    case_url = page.url

    # A leader concerned, linked to a platform user; the minutes record his dissent.
    page.click("summary:has-text('登记当事人员')")
    page.select_option("#id_person-role", "leader")
    page.select_option("#id_person-user", label="kmmu_vp（kmmu_vp）")
    page.fill("#id_person-position", "分管副校长")
    page.click("button:has-text('登记人员')")
    expect(page.locator("[data-testid=person-row]")).to_have_count(1)
    person = case.persons.get()
    page.click("summary:has-text('登记会议记录')")
    page.fill("#id_minutes-held_on", "2023-04-12")
    page.fill("#id_minutes-subject", "2023 年第 6 次校长办公会：临床批件转让定价")
    page.select_option(f"#id_minutes-stance_{person.pk}", "oppose")
    page.fill(f"#id_minutes-text_{person.pk}", "受让方资信不足，反对以分期方式转让")
    page.click("button:has-text('登记会议记录')")
    expect(page.locator("[data-testid=dissent]")).to_contain_text("明确反对")
    expect(page.locator("[data-testid=dissent-badge]")).to_be_visible()
    page.click("summary:has-text('登记证据')")
    page.fill("#id_record-title", "转让合同及尾款催收函")
    page.fill(
        "#id_record-content", "合同约定分三期付款，第三期 86 万元逾期未付；学校已三次发函催收。"
    )
    page.click("button:has-text('登记材料')")
    expect(page.locator("[data-testid=record]")).to_have_count(1)
    shot(page, "exemption-01-investigation")

    # The checklist feeds the evaluator; the unit decides.
    page.click("[data-testid=person-row] >> text=核查清单")
    expect(page.locator("[data-testid=recorded-dissent]")).to_contain_text("受让方资信不足")
    for code in ("democratic_procedure", "reasonable_care", "supervision", "no_illegal_gain"):
        page.check(f"#id_d_{code}")
    page.check("input[name=grounds][value='7.7']")
    page.click("button:has-text('保存清单并获取建议')")
    expect(page.locator("[data-testid=recommended]")).to_have_text("建议予以免责")
    expect(page.locator("[data-testid=recommendation]")).to_contain_text("符合第七条第（七）项")
    page.select_option("#id_decision", "exempt")
    page.click("button:has-text('记录认定结论')")
    expect(page.locator("[data-testid=decision]")).to_contain_text("予以免责")
    shot(page, "exemption-02-checklist")

    page.goto(case_url)
    page.click("summary:has-text('结束调查')")
    page.click("button:has-text('结束调查，形成认定结论')")
    expect(page.locator("[data-testid=case-status]")).to_have_text("已形成认定结论")
    page.click("button:has-text('发起内部公示')")
    expect(page.locator("[data-testid=case-status]")).to_have_text("内部公示中")
    expect(page.locator("[data-testid=notice-status]")).to_have_text("公示中")
    notice_url = page.locator("[data-testid=notice-link]").get_attribute("href")

    # A member of the unit objects on the notice.
    logout(page)
    login(page, "kmmu_staff")
    page.goto(page.base + notice_url)
    page.fill("#id_content", "请核实该领导人员的反对意见是否确有会议记录。")
    page.click("button:has-text('提出异议')")
    expect(page.locator(".alert-success")).to_contain_text("异议已提交")
    assert page.request.get(case_url).status == 404  # not a person concerned

    # The handler reviews (复核) and answers the objector.
    logout(page)
    login(page, "kmmu_admin")
    page.goto(case_url)
    case.refresh_from_db()
    objection = case.notice.objections.get()
    prefix = f"#id_review{objection.pk}-"
    page.select_option(prefix + "result", "upheld")
    page.fill(
        prefix + "findings", "调阅 2023 年第 6 次校长办公会会议记录，该领导人员确有明确反对意见。"
    )
    page.fill(prefix + "answer", "经复核，会议记录载明其反对意见，维持原认定结论。")
    page.click("button:has-text('记录复核结果')")
    expect(page.locator("[data-testid=case-status]")).to_have_text("复核完毕")
    expect(page.locator("[data-testid=review]")).to_contain_text("维持原认定结论")
    shot(page, "exemption-03-review")

    # The period ends: the daily job closes the notice on the day after its end.
    case.notice.refresh_from_db()
    assert publicity_close_due(case.notice.ends_on + dt.timedelta(days=1)) == {
        "closed": 1,
        "waiting": 0,
    }
    page.goto(case_url)
    expect(page.locator("[data-testid=notice-status]")).to_have_text("公示结束（异议已处理）")
    page.fill("#id_decide-text", "经调查、内部公示和复核，对该领导人员予以免责。")
    page.click("button:has-text('作出最终决定')")
    expect(page.locator("[data-testid=case-status]")).to_have_text("已作出最终决定")
    page.click("button:has-text('记录结果运用并办结')")
    expect(page.locator("[data-testid=case-status]")).to_have_text("已办结")
    expect(page.locator("[data-testid=effects]")).to_contain_text("评先评优")
    shot(page, "exemption-04-closed")

    # The dossier PDF, rendered to PNG.
    response = page.request.get(page.base + f"/exemption/{case.pk}/dossier.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "exemption-dossier.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(ARTIFACTS / "exemption-05-dossier"),
        ],
        check=True,
    )
    png = ARTIFACTS / "exemption-05-dossier.png"
    assert png.exists()
    with Image.open(png) as image:
        low, high = image.convert("L").getextrema()
    assert low < 128 < high  # text on paper, not a blank page

    # The department reads the closed case; another unit's handler gets a 404.
    logout(page)
    login(page, "dept_auditor")
    page.goto(case_url)
    expect(page.locator("[data-testid=case-status]")).to_have_text("已办结")
    expect(page.locator("[data-testid=dossier-link]")).to_be_visible()
    logout(page)
    login(page, "other_admin")
    assert page.request.get(case_url).status == 404
    assert page.console_errors == []
