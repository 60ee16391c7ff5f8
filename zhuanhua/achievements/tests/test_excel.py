"""Excel import (all or nothing, with a row/column/reason report), the template, the export."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from zhuanhua.accounts.models import User
from zhuanhua.achievements import excel
from zhuanhua.achievements.choices import AchievementStatus, IndustryField, IpType
from zhuanhua.achievements.excel import HEADERS, ImportProblem
from zhuanhua.achievements.models import Achievement, Completer
from zhuanhua.audit.models import AuditEntry
from zhuanhua.core.uscc import make_uscc
from zhuanhua.organisations.models import Organisation

BACKEND = "zhuanhua.accounts.backends.OrganisationModelBackend"

GOOD_ROW: dict[str, Any] = {
    "成果名称": "滇重楼组培快繁技术",
    "成果简介": "建立滇重楼高效组培快繁体系，繁殖系数提高 5 倍。",
    "关键词": "滇重楼，组培",
    "行业领域": "生物医药与健康",
    "知识产权类型": "专利权",
    "权利编号": "ZL202010000002.3",
    "取得知识产权之日": dt.date(2021, 3, 9),
    "技术成熟度": 5,
    "职务成果": "是",
    "财政资金支持": "否",
    "资助计划": "",
    "应用技术类": "是",
    "转化状态": "未转化",
    "成果完成人": "王五（云南大学）",
}


def make_org(n: int = 1, name: str = "云南大学", prefecture: str = "530100") -> Organisation:
    return Organisation.objects.create(
        name=name,
        org_type="university",
        uscc=make_uscc(f"91530100MA000000{n}"),
        prefecture=prefecture,
        status="approved",
    )


def make_user(org: Organisation | None, roles: list[str], username: str = "editor") -> User:
    return User.objects.create_user(
        username=username, password="x-test-pass-123", organisation=org, roles=roles
    )


@pytest.fixture
def org() -> Organisation:
    return make_org()


@pytest.fixture
def editor(org: Organisation) -> User:
    return make_user(org, ["achievement_manager"])


def workbook(rows: list[dict[str, Any]], headers: tuple[str, ...] = HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "科技成果"
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "成果.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=excel.XLSX_CONTENT_TYPE)


def counts() -> tuple[int, int, int]:
    return Achievement.objects.count(), Completer.objects.count(), AuditEntry.objects.count()


def row(**changes: Any) -> dict[str, Any]:
    return {**GOOD_ROW, **changes}


def published(
    org: Organisation, title: str, ip_type: str = IpType.PATENT, **extra: Any
) -> Achievement:
    fields: dict[str, Any] = {
        "owner": org,
        "title": title,
        "summary": "简介",
        "industry_field": IndustryField.NEW_MATERIALS,
        "ip_type": ip_type,
        "ip_number": "ZL1",
        "ip_acquired_on": dt.date(2020, 1, 2),
        "trl": 6,
        "prefecture": org.prefecture,
        "status": AchievementStatus.PUBLISHED,
        "published_at": timezone.now(),
        "keywords": ["材料", "涂层"],
    }
    fields.update(extra)
    achievement = Achievement.objects.create(**fields)
    Completer.objects.create(achievement=achievement, name="赵六", employer="昆明理工大学", order=1)
    return achievement


def sheet_rows(content: bytes) -> list[tuple[Any, ...]]:
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    return list(ws.iter_rows(values_only=True))


# --- the template ---------------------------------------------------------------------------


def test_template_has_headers_dropdowns_example_and_instructions() -> None:
    wb = load_workbook(io.BytesIO(excel.import_template()))
    assert wb.sheetnames[:2] == ["科技成果", "填写说明"]
    ws = wb["科技成果"]
    assert [c.value for c in ws[1]] == list(HEADERS)
    assert ws["A2"].value == excel.EXAMPLE_ROW["title"]
    validated = {str(dv.sqref).split(":")[0] for dv in ws.data_validations.dataValidation}
    # 行业领域 D, 知识产权类型 E, 技术成熟度 H, 职务成果 I, 财政资金支持 J, 应用技术类 L, 转化状态 M
    assert validated == {"D2", "E2", "H2", "I2", "J2", "L2", "M2"}
    options = wb["选项"]
    assert options.sheet_state == "hidden"
    assert "专利权" in [c.value for c in options["B"]]
    help_text = " ".join(str(c.value) for r in wb["填写说明"].iter_rows() for c in r if c.value)
    assert "YYYY-MM-DD" in help_text
    assert "姓名（单位）；姓名（单位）" in help_text
    assert "是" in help_text
    assert "否" in help_text


@pytest.mark.django_db
def test_template_round_trip_imports_the_example_row_as_one_draft(
    org: Organisation, editor: User
) -> None:
    audits = AuditEntry.objects.count()
    report = excel.achievements_import(user=editor, upload=upload(excel.import_template()))
    assert report.ok, report.problems
    assert report.created_count == 1
    a = Achievement.objects.get()
    assert a.status == AchievementStatus.DRAFT
    assert a.owner == org
    assert a.prefecture == "530100"
    assert a.created_by == editor
    assert a.title == "高原粳稻抗旱节水栽培技术"
    assert a.industry_field == IndustryField.MODERN_AGRICULTURE
    assert a.ip_type == IpType.PATENT
    assert a.ip_number == "ZL202110000001.X"
    assert a.ip_acquired_on == dt.date(2022, 5, 18)
    assert a.trl == 6
    assert a.is_service
    assert a.fiscally_funded
    assert a.is_applied_technology
    assert a.funding_programme == "云南省重点研发计划"
    assert a.keywords == ["抗旱", "节水灌溉", "高原粳稻"]
    assert [(c.name, c.employer, c.order) for c in a.completers.all()] == [
        ("张三", "云南农业大学", 1),
        ("李四", "云南农业大学", 2),
    ]
    # one achievement.create entry per row, plus one for the import itself
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))[audits:]
    assert actions == ["achievement.create", "achievement.import"]


@pytest.mark.django_db
def test_template_download_is_an_xlsx_attachment_with_a_chinese_filename(client: Any) -> None:
    response = client.get(reverse("achievements:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E7%A7%91%E6%8A%80%E6%88%90%E6%9E%9C"
        "%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    assert sheet_rows(response.content)[0] == HEADERS


# --- the import: accepted values --------------------------------------------------------------


@pytest.mark.django_db
def test_codes_text_dates_and_defaults_are_accepted(editor: User) -> None:
    rows = [
        row(
            **{
                "行业领域": "new_materials",
                "知识产权类型": "SOFTWARE_COPYRIGHT",
                "权利编号": 2019123456,
                "取得知识产权之日": "2019-07-01",
                "技术成熟度": "TRL 7",
                "职务成果": "否",
                "财政资金支持": None,
                "应用技术类": None,
                "转化状态": "licensed",
                "成果完成人": "孙七; 周八(昆明医科大学)\n吴九（云南省农业科学院）",
            }
        ),
        row(
            **{
                "成果名称": "技术秘密一项",
                "知识产权类型": "非专利技术/技术秘密",
                "权利编号": None,
                "取得知识产权之日": None,
                "技术成熟度": 3.0,
                "转化状态": None,
            }
        ),
    ]
    report = excel.achievements_import(user=editor, upload=upload(workbook(rows)))
    assert report.ok, report.problems
    first, second = Achievement.objects.order_by("id")
    assert first.industry_field == "new_materials"
    assert first.ip_type == "software_copyright"
    assert first.ip_number == "2019123456"
    assert first.ip_acquired_on == dt.date(2019, 7, 1)
    assert first.trl == 7
    assert first.is_service is False
    assert first.fiscally_funded is False
    assert first.is_applied_technology is True
    assert first.transfer_status == "licensed"
    assert [(c.name, c.employer) for c in first.completers.all()] == [
        ("孙七", ""),
        ("周八", "昆明医科大学"),
        ("吴九", "云南省农业科学院"),
    ]
    assert second.ip_type == "know_how"
    assert second.ip_acquired_on is None
    assert second.trl == 3
    assert second.transfer_status == "untransferred"


@pytest.mark.django_db
def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_excel(editor: User) -> None:
    rows = [row(), {}, {}, row(**{"技术成熟度": 0})]
    report = excel.achievements_import(user=editor, upload=upload(workbook(rows)))
    assert report.problems == [ImportProblem(5, "技术成熟度", "技术成熟度应为 1–9")]


# --- the import: all or nothing ----------------------------------------------------------------


@pytest.mark.django_db
def test_one_bad_row_among_good_ones_imports_nothing_and_names_row_column_reason(
    editor: User,
) -> None:
    future = timezone.localdate() + dt.timedelta(days=3)
    rows = [
        row(),
        row(**{"成果名称": "第二项", "知识产权类型": "商标", "技术成熟度": 12}),
        row(**{"成果名称": "第三项"}),
        row(
            **{
                "成果名称": None,
                "权利编号": None,
                "取得知识产权之日": future,
                "成果完成人": "",
                "职务成果": "也许",
                "行业领域": "航天",
            }
        ),
        row(
            **{
                "成果名称": "第五项",
                "取得知识产权之日": "2021-13-45",
                "成果完成人": "张三（云南大学",
            }
        ),
        row(
            **{
                "成果名称": "第六项",
                "知识产权类型": "植物新品种权",
                "权利编号": "  ",
                "取得知识产权之日": None,
            }
        ),
    ]
    before = counts()
    report = excel.achievements_import(user=editor, upload=upload(workbook(rows)))
    assert not report.ok
    assert report.created_count == 0
    assert report.problems == [
        ImportProblem(3, "知识产权类型", "“商标”不是有效的选项，请从下拉列表中选择"),
        ImportProblem(3, "技术成熟度", "技术成熟度应为 1–9"),
        ImportProblem(5, "成果名称", "此项为必填项"),
        ImportProblem(5, "行业领域", "“航天”不是有效的选项，请从下拉列表中选择"),
        ImportProblem(5, "权利编号", "请填写专利号"),
        ImportProblem(5, "取得知识产权之日", "日期不能晚于今天"),
        ImportProblem(5, "职务成果", "请填写“是”或“否”"),
        ImportProblem(5, "成果完成人", "请至少填写一位成果完成人"),
        ImportProblem(6, "取得知识产权之日", "日期格式应为 YYYY-MM-DD"),
        ImportProblem(6, "成果完成人", "“张三（云南大学”格式不正确，应为“姓名（单位）”"),
        ImportProblem(7, "权利编号", "请填写品种权号"),
        ImportProblem(7, "取得知识产权之日", "此项为必填项"),
    ]
    assert counts() == before


@pytest.mark.django_db
def test_too_long_values_are_refused(editor: User) -> None:
    rows = [row(**{"成果名称": "长" * 201, "权利编号": "9" * 65})]
    before = counts()
    report = excel.achievements_import(user=editor, upload=upload(workbook(rows)))
    assert report.problems == [
        ImportProblem(2, "成果名称", "不能超过 200 个字"),
        ImportProblem(2, "权利编号", "不能超过 64 个字"),
    ]
    assert counts() == before


@pytest.mark.django_db
def test_more_than_the_row_limit_is_refused(editor: User, monkeypatch: pytest.MonkeyPatch) -> None:
    assert excel.MAX_ROWS == 5000
    # The limit itself, scaled down: parsing 5,001 real rows takes ~10 s on a slow runner.
    monkeypatch.setattr(excel, "MAX_ROWS", 3)
    before = counts()
    report = excel.achievements_import(user=editor, upload=upload(workbook([GOOD_ROW] * 4)))
    assert report.problems == [
        ImportProblem(None, "", "单次最多导入 3 条成果，请拆分为多个文件分批导入")
    ]
    assert counts() == before
    exactly = excel.achievements_import(user=editor, upload=upload(workbook([GOOD_ROW] * 3)))
    assert exactly.ok
    assert exactly.created_count == 3


# --- the import: refused files -------------------------------------------------------------------


@pytest.mark.django_db
def test_pdf_renamed_xlsx_is_refused_and_nothing_written(editor: User) -> None:
    before = counts()
    content = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
    report = excel.achievements_import(user=editor, upload=upload(content, "成果.xlsx"))
    assert report.problems == [
        ImportProblem(
            None, "", "文件内容不是 Excel 工作簿（.xlsx），请在 Excel 或 WPS 中另存为 .xlsx 后重试"
        )
    ]
    assert counts() == before


@pytest.mark.django_db
def test_text_file_is_refused_and_nothing_written(editor: User) -> None:
    before = counts()
    text = "成果名称,成果简介\n某成果,简介\n".encode()
    report = excel.achievements_import(user=editor, upload=upload(text, "成果.csv"))
    assert report.problems == [
        ImportProblem(
            None, "", "请上传 Excel 工作簿（.xlsx）文件；.xls、.csv、PDF 等其他格式不能导入"
        )
    ]
    renamed = excel.achievements_import(user=editor, upload=upload(text, "成果.xlsx"))
    assert renamed.problems[0].reason.startswith("文件内容不是 Excel 工作簿")
    assert counts() == before


@pytest.mark.django_db
def test_zip_that_is_not_a_workbook_is_refused(editor: User) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "不是工作簿")
    before = counts()
    report = excel.achievements_import(user=editor, upload=upload(buffer.getvalue()))
    assert report.problems == [
        ImportProblem(
            None,
            "",
            "无法读取该文件：它不是有效的 Excel 工作簿（.xlsx），请在 Excel 或 WPS 中另存为 .xlsx 后重试",
        )
    ]
    assert counts() == before


@pytest.mark.django_db
def test_missing_header_columns_are_named(editor: User) -> None:
    headers = tuple(h for h in HEADERS if h not in {"成果简介", "成果完成人"})
    before = counts()
    report = excel.achievements_import(user=editor, upload=upload(workbook([GOOD_ROW], headers)))
    assert report.problems == [
        ImportProblem(1, "", "缺少列：成果简介、成果完成人。请使用导入模板，不要删除或改动表头")
    ]
    assert counts() == before


@pytest.mark.django_db
def test_reordered_columns_and_model_labels_as_headers_are_accepted(editor: User) -> None:
    headers = tuple(reversed(HEADERS))
    content = workbook([GOOD_ROW], headers)
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    for cell in ws[1]:
        if cell.value == "技术成熟度":
            cell.value = "技术成熟度（TRL）"
    buffer = io.BytesIO()
    wb.save(buffer)
    report = excel.achievements_import(user=editor, upload=upload(buffer.getvalue()))
    assert report.ok, report.problems
    assert Achievement.objects.get().trl == 5


@pytest.mark.django_db
def test_empty_sheet_and_header_only_sheet_are_refused(editor: User) -> None:
    before = counts()
    empty = excel.achievements_import(user=editor, upload=upload(workbook([], headers=())))
    assert empty.problems == [
        ImportProblem(None, "", "工作表是空的，请在导入模板的“科技成果”工作表中填写")
    ]
    header_only = excel.achievements_import(user=editor, upload=upload(workbook([])))
    assert header_only.problems == [ImportProblem(None, "", "表头下方没有填写任何成果")]
    assert counts() == before


@pytest.mark.django_db
def test_import_service_refuses_a_user_who_may_not_edit(org: Organisation) -> None:
    researcher = make_user(org, ["researcher"], "researcher")
    before = counts()
    with pytest.raises(PermissionDenied):
        excel.achievements_import(user=researcher, upload=upload(excel.import_template()))
    assert counts() == before


# --- the import page ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_page_redirects_anonymous_to_login(client: Any) -> None:
    response = client.get(reverse("achievements:import"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_import_page_is_forbidden_to_a_researcher(client: Any, org: Organisation) -> None:
    client.force_login(make_user(org, ["researcher"], "researcher"), backend=BACKEND)
    before = counts()
    assert client.get(reverse("achievements:import")).status_code == 403
    response = client.post(
        reverse("achievements:import"), {"file": upload(excel.import_template())}
    )
    assert response.status_code == 403
    assert counts() == before


@pytest.mark.django_db
def test_import_page_shows_the_form_and_template_link_to_an_editor(
    client: Any, editor: User
) -> None:
    client.force_login(editor, backend=BACKEND)
    response = client.get(reverse("achievements:import"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("achievements:import_template") in body
    assert 'type="file"' in body
    assert 'enctype="multipart/form-data"' in body
    assert "<script>" not in body.split("<main", 1)[1]
    assert "style=" not in body


@pytest.mark.django_db
def test_import_page_lists_problems_and_writes_nothing(client: Any, editor: User) -> None:
    client.force_login(editor, backend=BACKEND)
    content = workbook([row(), row(**{"技术成熟度": 10})])
    before = counts()
    response = client.post(reverse("achievements:import"), {"file": upload(content)}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0].startswith("/achievements/import/jobs/")
    body = response.content.decode()
    assert "文件未导入：发现 1 处问题" in body
    assert "第 3 行" in body
    assert "技术成熟度" in body
    assert "技术成熟度应为 1–9" in body
    assert counts() == before


@pytest.mark.django_db
def test_import_page_success_shows_the_count_and_links_the_workbench(
    client: Any, editor: User
) -> None:
    client.force_login(editor, backend=BACKEND)
    response = client.post(
        reverse("achievements:import"),
        {"file": upload(workbook([row(), row(**{"成果名称": "另一项"})]))},
        follow=True,
    )
    body = response.content.decode()
    assert "已导入 2 条成果，均已保存为本单位草稿，请核对后提交审核。" in body
    assert f'href="{reverse("core:workbench")}"' in body
    assert Achievement.objects.filter(status=AchievementStatus.DRAFT).count() == 2


# --- the export ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_contains_exactly_the_filtered_published_rows_with_chinese_labels(
    client: Any, org: Organisation
) -> None:
    other = make_org(2, "大理大学", "532900")
    patent = published(org, "耐磨涂层", IpType.PATENT)
    published(org, "检测软件", IpType.SOFTWARE_COPYRIGHT)
    published(other, "菌种保藏方法", IpType.PATENT, trl=3)
    Achievement.objects.create(
        owner=org,
        title="未发布的专利",
        summary="s",
        industry_field="other",
        ip_type="patent",
        trl=7,
        prefecture="530100",
    )
    response = client.get(reverse("achievements:export"), {"ip_type": "patent", "trl_min": 5})
    assert response.status_code == 200
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    rows = sheet_rows(response.content)
    assert rows[0] == (*HEADERS, "发布状态", "所属单位", "所在州（市）", "发布时间")
    assert len(rows) == 2
    exported = dict(zip(rows[0], rows[1], strict=True))
    assert exported["成果名称"] == patent.title
    assert exported["行业领域"] == "新材料"
    assert exported["知识产权类型"] == "专利权"
    assert exported["转化状态"] == "未转化"
    assert exported["发布状态"] == "已发布"
    assert exported["所属单位"] == "云南大学"
    assert exported["所在州（市）"] == "昆明市"
    assert exported["职务成果"] == "是"
    assert exported["财政资金支持"] == "否"
    assert exported["关键词"] == "材料，涂层"
    assert exported["成果完成人"] == "赵六（昆明理工大学）"
    assert exported["取得知识产权之日"] == dt.datetime(2020, 1, 2)
    assert isinstance(exported["发布时间"], dt.datetime)
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert ws.column_dimensions["A"].width == 32


@pytest.mark.django_db
def test_export_scope_mine_gives_the_editor_every_status_of_its_own_unit(
    client: Any, org: Organisation, editor: User
) -> None:
    other = make_org(2, "大理大学", "532900")
    published(org, "已发布的")
    published(other, "别家的")
    Achievement.objects.create(
        owner=org,
        title="本单位草稿",
        summary="s",
        industry_field="other",
        ip_type="know_how",
        trl=2,
        prefecture="530100",
    )
    anonymous = client.get(reverse("achievements:export"), {"scope": "mine"})
    assert anonymous.status_code == 302
    client.force_login(editor, backend=BACKEND)
    rows = sheet_rows(client.get(reverse("achievements:export"), {"scope": "mine"}).content)
    titles = {(r[0], r[14]) for r in rows[1:]}
    assert titles == {("已发布的", "已发布"), ("本单位草稿", "草稿")}


@pytest.mark.django_db
def test_export_scope_mine_is_forbidden_to_a_researcher(client: Any, org: Organisation) -> None:
    client.force_login(make_user(org, ["researcher"], "researcher"), backend=BACKEND)
    assert client.get(reverse("achievements:export"), {"scope": "mine"}).status_code == 403


@pytest.mark.django_db
def test_export_keeps_formula_like_text_as_text(org: Organisation) -> None:
    published(org, '=HYPERLINK("http://example.com","点我")')
    ws = load_workbook(io.BytesIO(excel.achievements_export(Achievement.objects.all()))).worksheets[
        0
    ]
    assert ws["A2"].data_type == "s"
    assert ws["A2"].value.startswith("=HYPERLINK")


@pytest.mark.django_db
def test_export_then_import_round_trips(org: Organisation, editor: User) -> None:
    published(org, "可再次导入的成果")
    content = excel.achievements_export(Achievement.objects.all())
    report = excel.achievements_import(user=editor, upload=upload(content))
    assert report.ok, report.problems
    copy = Achievement.objects.get(pk=report.created_ids[0])
    assert copy.title == "可再次导入的成果"
    assert copy.status == AchievementStatus.DRAFT
    assert [(c.name, c.employer) for c in copy.completers.all()] == [("赵六", "昆明理工大学")]
