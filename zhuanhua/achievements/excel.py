"""Excel in and out of the achievements registry: the import template, the all-or-nothing
import, and the export of any list.

The import reads the template's sheet, turns each row into what `services.achievement_create`
takes (Chinese labels or English codes for choices, 是/否 for booleans, Excel dates or
YYYY-MM-DD text), checks every row first and writes only if every row is good: one bad row
and nothing is written; the report names each problem by Excel row, Chinese column and reason.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from zhuanhua.accounts.models import User
from zhuanhua.achievements import services
from zhuanhua.achievements.choices import IndustryField, IpType, TransferStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.audit.services import audit_record
from zhuanhua.core import uploads, xlsx
from zhuanhua.core.prefectures import prefecture_name

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATA_SHEET = "科技成果"
HELP_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
MAX_ROWS = 5000
# The import task writes its progress row once per this many rows read.
PROGRESS_EVERY = 50
MAX_COMPLETERS = 10
# Columns looked at when reading; a real template has 14, anything further right is ignored.
MAX_READ_COLUMNS = 60
# Rows looked at when reading: the header, MAX_ROWS records and room for blank rows between;
# a sheet declaring more is refused (core/xlsx.py).
MAX_READ_ROWS = 2 * MAX_ROWS + 1

ERR_NOT_XLSX = "请上传 Excel 工作簿（.xlsx）文件；.xls、.csv、PDF 等其他格式不能导入"
ERR_MISMATCH = "文件内容不是 Excel 工作簿（.xlsx），请在 Excel 或 WPS 中另存为 .xlsx 后重试"
ERR_UNREADABLE = (
    "无法读取该文件：它不是有效的 Excel 工作簿（.xlsx），请在 Excel 或 WPS 中另存为 .xlsx 后重试"
)
ERR_EMPTY_SHEET = "工作表是空的，请在导入模板的“科技成果”工作表中填写"
ERR_NO_ROWS = "表头下方没有填写任何成果"
ERR_MISSING_COLUMNS = "缺少列：{columns}。请使用导入模板，不要删除或改动表头"
ERR_DUPLICATE_COLUMN = "表头中“{column}”出现了不止一次"
ERR_TOO_MANY_ROWS = "单次最多导入 {limit} 条成果，请拆分为多个文件分批导入"
ERR_BAD_CHOICE = "“{value}”不是有效的选项，请从下拉列表中选择"
ERR_BAD_DATE = "日期格式应为 YYYY-MM-DD"
ERR_BAD_BOOL = "请填写“是”或“否”"
ERR_TOO_LONG = "不能超过 {limit} 个字"
ERR_TOO_MANY_COMPLETERS = "成果完成人最多填写 {limit} 位"
ERR_COMPLETER_FORMAT = "“{value}”格式不正确，应为“姓名（单位）”"
ERR_OTHER = "无法保存该行：{message}"


# --- the columns -------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str  # text | keywords | choice | date | trl | bool | completers
    width: int
    required: bool = False
    choices: type[models.TextChoices] | None = None
    max_length: int | None = None
    default: Any = None
    help: str = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "成果名称", "title", "text", 32, required=True, max_length=200, help="必填，不超过 200 字。"
    ),
    Column(
        "成果简介",
        "summary",
        "text",
        48,
        required=True,
        help="必填。成果的技术内容、创新点、应用前景等。",
    ),
    Column(
        "关键词",
        "keywords",
        "keywords",
        24,
        help="选填。多个关键词用逗号、分号或顿号分隔，最多 20 个。",
    ),
    Column(
        "行业领域",
        "industry_field",
        "choice",
        18,
        required=True,
        choices=IndustryField,
        help="必填，从下拉列表中选择。",
    ),
    Column(
        "知识产权类型",
        "ip_type",
        "choice",
        22,
        required=True,
        choices=IpType,
        help="必填，从下拉列表中选择。",
    ),
    Column(
        "权利编号",
        "ip_number",
        "text",
        24,
        max_length=64,
        help="专利号、专利申请号、软件著作权登记号、品种权号、药品批准文号等；"
        "除“非专利技术/技术秘密”外必填，不超过 64 字。",
    ),
    Column(
        "取得知识产权之日",
        "ip_acquired_on",
        "date",
        16,
        help="除“非专利技术/技术秘密”外必填。填 Excel 日期或文字 YYYY-MM-DD（如 2023-05-18），"
        "不能晚于今天。",
    ),
    Column(
        "技术成熟度",
        "trl",
        "trl",
        12,
        required=True,
        help="必填，技术成熟度等级（TRL）1–9 的整数。",
    ),
    Column(
        "职务成果",
        "is_service",
        "bool",
        10,
        default=True,
        help="是否为职务科技成果，填“是”或“否”；不填视为“是”。",
    ),
    Column(
        "财政资金支持",
        "fiscally_funded",
        "bool",
        12,
        default=False,
        help="是否利用财政资金形成，填“是”或“否”；不填视为“否”。",
    ),
    Column(
        "资助计划",
        "funding_programme",
        "text",
        26,
        max_length=200,
        help="选填，资助该成果的计划或项目名称，不超过 200 字。",
    ),
    Column(
        "应用技术类",
        "is_applied_technology",
        "bool",
        12,
        default=True,
        help="是否为应用技术类成果，填“是”或“否”；不填视为“是”。",
    ),
    Column(
        "转化状态",
        "transfer_status",
        "choice",
        14,
        choices=TransferStatus,
        default=TransferStatus.UNTRANSFERRED,
        help="从下拉列表中选择；不填视为“未转化”。",
    ),
    Column(
        "成果完成人",
        "completers",
        "completers",
        36,
        required=True,
        help="必填，至少一位，最多 10 位，按排名先后填写。格式：姓名（单位）；姓名（单位）。"
        "单位可省略；多人之间用分号“；”分隔。",
    ),
)
HEADERS = tuple(c.header for c in COLUMNS)
FIELD_HEADERS = {c.field: c.header for c in COLUMNS}
# The model's own labels, accepted as headers too (an edited template, an older export).
HEADER_ALIASES = {
    "技术成熟度（TRL）": "技术成熟度",
    "技术成熟度(TRL)": "技术成熟度",
    "职务科技成果": "职务成果",
    "资助计划/项目": "资助计划",
}
EXPORT_EXTRA = (("发布状态", 10), ("所属单位", 30), ("所在州（市）", 20), ("发布时间", 18))

EXAMPLE_ROW: dict[str, Any] = {
    "title": "高原粳稻抗旱节水栽培技术",
    "summary": "针对滇中高原季节性干旱，集成抗旱品种筛选、控水灌溉与覆膜保墒技术，"
    "示范区节水 30% 以上，亩均增产约 8%。",
    "keywords": "抗旱，节水灌溉，高原粳稻",
    "industry_field": IndustryField.MODERN_AGRICULTURE.label,
    "ip_type": IpType.PATENT.label,
    "ip_number": "ZL202110000001.X",
    "ip_acquired_on": dt.date(2022, 5, 18),
    "trl": 6,
    "is_service": "是",
    "fiscally_funded": "是",
    "funding_programme": "云南省重点研发计划",
    "is_applied_technology": "是",
    "transfer_status": TransferStatus.UNTRANSFERRED.label,
    "completers": "张三（云南农业大学）；李四（云南农业大学）",
}

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F5F8B")
REQUIRED_FILL = PatternFill("solid", fgColor="B03A2E")


# --- the report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """One reason the file was refused: Excel row (None for the whole file), column, reason."""

    row: int | None
    column: str
    reason: str


@dataclass
class ImportReport:
    problems: list[ImportProblem] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    rows_read: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def created_count(self) -> int:
        return len(self.created_ids)

    def add(self, row: int | None, column: str, reason: str) -> None:
        self.problems.append(ImportProblem(row, column, reason))


# --- the template --------------------------------------------------------------------------


def _choice_labels(choices: type[models.TextChoices]) -> list[str]:
    return [str(label) for label in choices.labels]


def import_template() -> bytes:
    """The import workbook: headers, dropdowns, one example row, and a sheet of instructions."""
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET

    # The dropdowns' options live on a hidden sheet: no 255-character limit, no quoting issues.
    options = wb.create_sheet(OPTIONS_SHEET)
    option_ranges: dict[str, str] = {}
    option_lists: list[tuple[str, list[Any]]] = [
        (c.field, _choice_labels(c.choices)) for c in COLUMNS if c.choices
    ]
    option_lists.append(("bool", ["是", "否"]))
    option_lists.append(("trl", list(range(1, 10))))
    for col, (key, labels) in enumerate(option_lists, start=1):
        letter = get_column_letter(col)
        options.cell(row=1, column=col, value=key)
        for r, label in enumerate(labels, start=2):
            options.cell(row=r, column=col, value=label)
        option_ranges[key] = (
            f"{quote_sheetname(OPTIONS_SHEET)}!${letter}$2:${letter}${len(labels) + 1}"
        )
    options.sheet_state = "hidden"

    for col, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col, value=column.header)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = column.width
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 22

    last = MAX_ROWS + 1
    for col, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(col)
        key = column.field if column.choices else column.kind
        if key not in option_ranges:
            continue
        dv = DataValidation(
            type="list",
            formula1=option_ranges[key],
            allow_blank=True,
            showDropDown=False,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle="无效的选项",
            error=f"请从下拉列表中选择{column.header}。",
            showInputMessage=True,
            promptTitle=column.header,
            prompt=column.help[:255],
        )
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)

    for col, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=2, column=col, value=EXAMPLE_ROW[column.field])
        if column.kind == "date":
            cell.number_format = "yyyy-mm-dd"
        elif column.field == "ip_number":
            cell.number_format = "@"
        cell.alignment = Alignment(vertical="top", wrap_text=column.field == "summary")

    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.append(["列名", "是否必填", "填写说明", "可选值"])
    for cell in help_ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for column in COLUMNS:
        allowed = (
            "、".join(_choice_labels(column.choices))
            if column.choices
            else ("是、否" if column.kind == "bool" else "")
        )
        help_ws.append([column.header, "必填" if column.required else "选填", column.help, allowed])
    help_ws.append([])
    for line in (
        "填写规则：",
        "1. 在“科技成果”工作表中每行填写一项成果；第 1 行为表头，请勿修改或删除（列的先后顺序可以调整）。",
        "2. 第 2 行为示例，请替换为真实数据或删除后再导入。",
        "3. 选项列可填中文名称（推荐，使用下拉列表），也可填对应的英文代码。",
        "4. 日期可填 Excel 日期，或文字 YYYY-MM-DD（如 2023-05-18）。",
        "5. 是/否列填“是”或“否”。",
        "6. 成果完成人格式：姓名（单位）；姓名（单位）。例如：张三（云南大学）；李四（云南大学）。",
        f"7. 单次最多导入 {MAX_ROWS} 条。只要有一行有误，整个文件都不会导入；"
        "系统会列出每个错误所在的行、列和原因，改正后重新上传即可。",
        "8. 导入的成果均保存为本单位的草稿，核对后再逐条提交审核。",
    ):
        help_ws.append([line])
    for letter, width in zip("ABCD", (18, 10, 70, 60), strict=True):
        help_ws.column_dimensions[letter].width = width
    for row in help_ws.iter_rows(min_row=2, max_row=len(COLUMNS) + 1):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)

    wb.move_sheet(options, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(OPTIONS_SHEET))
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- reading cells -------------------------------------------------------------------------


class _CellError(Exception):
    pass


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[str(value).lower()] = str(value)
        lookup[_normalise_label(str(label))] = str(value)
    return lookup


def _normalise_label(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("／", "/").lower()


_CHOICE_LOOKUPS = {c.field: _choice_lookup(c.choices) for c in COLUMNS if c.choices}
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "对"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "不是"}
_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPLETER = re.compile(r"^([^（）()]+?)\s*(?:[（(]\s*([^（）()]*?)\s*[)）])?$")
_KEYWORD_SPLIT = re.compile(r"[,，;；、\n]+")
_COMPLETER_SPLIT = re.compile(r"[;；\n]+")


def _parse_cell(column: Column, value: Any) -> Any:
    """Turn one cell into the value the service takes; raise _CellError with the reason."""
    if column.kind == "text":
        text = _text(value)
        if column.max_length and len(text) > column.max_length:
            raise _CellError(ERR_TOO_LONG.format(limit=column.max_length))
        return text
    if column.kind == "keywords":
        return [k.strip() for k in _KEYWORD_SPLIT.split(_text(value)) if k.strip()]
    if column.kind == "choice":
        if _is_blank(value):
            return column.default or ""
        text = _text(value)
        code = _CHOICE_LOOKUPS[column.field].get(_normalise_label(text))
        if code is None:
            raise _CellError(ERR_BAD_CHOICE.format(value=text))
        return code
    if column.kind == "date":
        if _is_blank(value):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        match = _DATE_TEXT.match(_text(value)) if isinstance(value, str) else None
        if not match:
            raise _CellError(ERR_BAD_DATE)
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise _CellError(ERR_BAD_DATE) from None
    if column.kind == "trl":
        if _is_blank(value):
            return None
        if isinstance(value, bool):
            raise _CellError(services.ERR_TRL)
        if isinstance(value, float):
            if not value.is_integer():
                raise _CellError(services.ERR_TRL)
            return int(value)
        if isinstance(value, int):
            return value
        text = re.sub(r"^trl\s*", "", _text(value), flags=re.IGNORECASE)
        if not re.fullmatch(r"\d{1,2}", text):
            raise _CellError(services.ERR_TRL)
        return int(text)
    if column.kind == "bool":
        if _is_blank(value):
            return column.default
        if isinstance(value, bool):
            return value
        text = _text(value).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise _CellError(ERR_BAD_BOOL)
    if column.kind == "completers":
        people = []
        for chunk in _COMPLETER_SPLIT.split(_text(value)):
            chunk = chunk.strip()
            if not chunk:
                continue
            match = _COMPLETER.match(chunk)
            if not match:
                raise _CellError(ERR_COMPLETER_FORMAT.format(value=chunk))
            name, employer = match.group(1).strip(), (match.group(2) or "").strip()
            if len(name) > 60 or len(employer) > 200:
                raise _CellError(ERR_COMPLETER_FORMAT.format(value=chunk))
            people.append({"name": name, "employer": employer})
        if len(people) > MAX_COMPLETERS:
            raise _CellError(ERR_TOO_MANY_COMPLETERS.format(limit=MAX_COMPLETERS))
        return people
    raise AssertionError(column.kind)  # pragma: no cover


def _validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    """A service ValidationError as (Chinese column, message) pairs."""
    if hasattr(exc, "error_dict"):
        return [
            (FIELD_HEADERS.get(name, ""), message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [("", message) for message in exc.messages]


# --- the import ----------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    data: dict[str, Any]
    completers: list[dict[str, str]]


# Told (stage, rows checked, rows declared) while the import runs: the task's progress row.
Progress = Callable[[str, int, int], None]


def _refusal(exc: xlsx.WorkbookRefused) -> str:
    return {
        "unreadable": ERR_UNREADABLE,
        "rows": ERR_TOO_MANY_ROWS.format(limit=MAX_ROWS),
    }.get(exc.code, exc.message)


def check_file(upload: UploadedFile) -> ImportReport:
    """The whole-file checks (type, size, the guarded reader's caps) without reading a row, so
    the page refuses a hostile or wrong file at once, before anything is queued or stored."""
    report = ImportReport()
    try:
        uploads.check_upload(upload, allowed={".xlsx": uploads.ALLOWED[".xlsx"]})
    except ValidationError as exc:
        code = getattr(exc, "code", None)
        reason = {"type": ERR_NOT_XLSX, "mismatch": ERR_MISMATCH}.get(code or "", exc.messages[0])
        report.add(None, "", reason)
        return report
    try:
        xlsx.check_workbook(upload)
    except xlsx.WorkbookRefused as exc:
        report.add(None, "", _refusal(exc))
    return report


def _read_workbook(
    upload: UploadedFile, report: ImportReport, progress: Progress | None = None
) -> list[_Row]:
    """The rows of the data sheet, read by the guarded reader (bounded time and memory)."""
    report.problems.extend(check_file(upload).problems)
    if report.problems:
        return []
    try:
        with xlsx.open_workbook(upload) as wb:
            sheet = DATA_SHEET if DATA_SHEET in wb.sheetnames else None
            rows = wb.rows(sheet, max_rows=MAX_READ_ROWS, max_cols=MAX_READ_COLUMNS)
            declared = max((wb.declared_rows(sheet) or 1) - 1, 0)
            return _read_rows(rows, report, progress, declared)
    except xlsx.WorkbookRefused as exc:
        report.problems.clear()
        report.add(None, "", _refusal(exc))
        return []


def _header_positions(header: Sequence[Any], report: ImportReport) -> dict[str, int] | None:
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        name = re.sub(r"[\s*＊]", "", _text(value))
        name = HEADER_ALIASES.get(name, name)
        if name not in HEADERS:
            continue
        if name in positions:
            report.add(1, name, ERR_DUPLICATE_COLUMN.format(column=name))
        positions.setdefault(name, index)
    missing = [h for h in HEADERS if h not in positions]
    if missing:
        report.add(1, "", ERR_MISSING_COLUMNS.format(columns="、".join(missing)))
    return None if report.problems else positions


def _read_rows(
    rows_iter: Iterator[tuple[Any, ...]],
    report: ImportReport,
    progress: Progress | None = None,
    declared: int = 0,
) -> list[_Row]:
    header = next(rows_iter, None)
    if header is None or all(_is_blank(v) for v in header):
        report.add(None, "", ERR_EMPTY_SHEET)
        return []
    positions = _header_positions(header, report)
    if positions is None:
        return []
    rows: list[_Row] = []
    for number, values in enumerate(rows_iter, start=2):
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress("checking", number - 1, max(declared, number - 1))
        if all(_is_blank(v) for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            report.add(None, "", ERR_TOO_MANY_ROWS.format(limit=MAX_ROWS))
            return []
        data: dict[str, Any] = {}
        completers: list[dict[str, str]] = []
        bad: set[str] = set()
        for column in COLUMNS:
            index = positions[column.header]
            value = values[index] if index < len(values) else None
            try:
                parsed = _parse_cell(column, value)
            except _CellError as exc:
                report.add(number, column.header, str(exc))
                bad.add(column.field)
                continue
            if column.kind == "completers":
                completers = parsed
            else:
                data[column.field] = parsed
        # The service's own checks (required, IP number per type, TRL range, future dates);
        # a cell that already failed above is not reported twice.
        try:
            services._clean(dict(data))
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                if name in bad:
                    continue
                for message in messages:
                    report.add(number, FIELD_HEADERS.get(name, ""), message)
        if "completers" not in bad and not completers:
            report.add(number, FIELD_HEADERS["completers"], services.ERR_COMPLETER)
        rows.append(_Row(number, data, completers))
    report.rows_read = len(rows)
    if not rows and not report.problems:
        report.add(None, "", ERR_NO_ROWS)
    return rows


def achievements_import(
    *, user: User, upload: UploadedFile, progress: Progress | None = None
) -> ImportReport:
    """Import every row of the workbook as a draft of the user's organisation, or none.

    Raises PermissionDenied for a user who may not edit achievements; everything wrong with the
    file or its rows comes back in the report, and then nothing has been written.
    """
    if not getattr(user, "is_authenticated", False) or not user.can_edit_achievements:
        raise PermissionDenied(services.ERR_NOT_EDITOR)
    report = ImportReport()
    rows = _read_workbook(upload, report, progress)
    if report.problems:
        report.problems.sort(key=lambda p: (p.row or 0, _column_order(p.column)))
        return report
    if progress is not None:
        progress("writing", len(rows), len(rows))

    with transaction.atomic():
        for row in rows:
            try:
                achievement = services.achievement_create(
                    user=user, data=row.data, completers=row.completers
                )
            except ValidationError as exc:  # the pre-check above should have caught it
                for column, message in _validation_problems(exc):
                    report.add(row.number, column, message)
                continue
            report.created_ids.append(achievement.pk)
        if report.problems:
            transaction.set_rollback(True)
            report.created_ids = []
        else:
            audit_record(
                actor=user,
                object_type="achievements.import",
                object_id=str(user.organisation_id),
                action="achievement.import",
                detail={
                    "file": (upload.name or "")[:200],
                    "rows": len(rows),
                    "first_id": report.created_ids[0],
                    "last_id": report.created_ids[-1],
                },
            )
    return report


def _column_order(header: str) -> int:
    return HEADERS.index(header) if header in HEADERS else -1


# --- the export ----------------------------------------------------------------------------


def _completers_text(achievement: Achievement) -> str:
    return "；".join(
        f"{c.name}（{c.employer}）" if c.employer else c.name for c in achievement.completers.all()
    )


def _export_values(a: Achievement) -> list[Any]:
    published = timezone.localtime(a.published_at).replace(tzinfo=None) if a.published_at else None
    return [
        a.title,
        a.summary,
        "，".join(a.keywords or []),
        a.get_industry_field_display(),
        a.get_ip_type_display(),
        a.ip_number,
        a.ip_acquired_on,
        a.trl,
        "是" if a.is_service else "否",
        "是" if a.fiscally_funded else "否",
        a.funding_programme,
        "是" if a.is_applied_technology else "否",
        a.get_transfer_status_display(),
        _completers_text(a),
        a.get_status_display(),
        a.owner.name,
        prefecture_name(a.prefecture),
        published,
    ]


def achievements_export(queryset: QuerySet[Achievement]) -> bytes:
    """Any list of achievements as .xlsx, streamed row by row (write-only workbook)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(DATA_SHEET)
    widths = [c.width for c in COLUMNS] + [w for _, w in EXPORT_EXTRA]
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    header = []
    for name in (*HEADERS, *(n for n, _ in EXPORT_EXTRA)):
        cell = WriteOnlyCell(ws, value=name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        header.append(cell)
    ws.append(header)
    qs = queryset.select_related("owner").prefetch_related("completers")
    for achievement in qs.iterator(chunk_size=500):
        row = []
        for value in map(xlsx.xlsx_safe, _export_values(achievement)):
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula stays text
            elif isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            row.append(cell)
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def own_achievements(user: User, query: Any) -> QuerySet[Achievement]:
    """The unit's own records of every status, narrowed by the hall's filters (for ?scope=mine)."""
    from zhuanhua.achievements.selectors import keyword_filter

    qs = Achievement.objects.filter(owner_id=user.organisation_id)
    for name in ("ip_type", "prefecture", "industry_field", "transfer_status"):
        if getattr(query, name):
            qs = qs.filter(**{name: getattr(query, name)})
    if query.trl_min:
        qs = qs.filter(trl__gte=query.trl_min)
    if query.q:
        qs = keyword_filter(qs, query.q)
    return qs.order_by("status", "-updated_at", "-id")
