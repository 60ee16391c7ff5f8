"""Excel (.xlsx) imports of a licence's records: the licensee's revenue reports and the unit's
bank statement of payments received.

Pure-ish: these functions read a workbook into dataclass rows, or into a list of Chinese error
texts naming the row and the column; they touch no database. Recording (permissions, the
period and payment rules, de-duplication, all-or-nothing) is in ``services``.

Money never passes through float arithmetic: a cell's value is turned into text with ``str()``
(a float cell gives its shortest repr, ``0.1 + 0.2`` → ``"0.30000000000000004"``) and then into
a Decimal rounded half-up to 0.01.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from zhuanhua.core import xlsx

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
HEADER_SEARCH_ROWS = 10  # a bank statement may have a title block above its header row
# What the reader looks at: the title block, the header, MAX_IMPORT_ROWS rows and room for blank
# rows between; columns beyond the 60th are never read (a bank statement has about 15).
MAX_READ_ROWS = 2 * MAX_IMPORT_ROWS + HEADER_SEARCH_ROWS
MAX_READ_COLUMNS = 60
MONEY_LIMIT = Decimal("1E15")
CENT = Decimal("0.01")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Column headers (the first of each tuple is the one the template writes).
COL_PERIOD_START = ("期间起",)
COL_PERIOD_END = ("期间止",)
COL_REVENUE = ("营业收入（元）", "营业收入", "实际收入（元）", "实际收入", "收入（元）", "收入")
COL_PAID_ON = ("交易日期", "到账日期", "日期")
COL_AMOUNT = ("金额（元）", "金额", "收入金额（元）", "收入金额", "贷方金额（元）", "贷方金额")
COL_TXN_REF = ("流水号", "交易流水号", "凭证号")
COL_PAYER = ("付款方", "对方户名", "付款人")
COL_SUMMARY = ("摘要", "用途", "附言")
# Optional: a row with a reason corrects the period's report (更正) / reverses the payment of
# that 流水号 on the row's date (冲正); a correction or a reversal is a record, never an edit.
COL_CORRECTION = ("更正原因",)
COL_REVERSAL = ("冲正原因",)

REPORT_COLUMNS = (COL_PERIOD_START, COL_PERIOD_END, COL_REVENUE)
PAYMENT_COLUMNS = (COL_PAID_ON, COL_AMOUNT, COL_TXN_REF, COL_PAYER, COL_SUMMARY)
PAYMENT_REQUIRED = (COL_PAID_ON, COL_AMOUNT)

ERR_NOT_XLSX = "请上传 Excel 文件（.xlsx）"
ERR_UNREADABLE = "无法读取该 Excel 文件，请确认是 .xlsx 格式且未加密、未损坏"
ERR_TOO_LARGE = "文件过大：不能超过 {mb} MB"
ERR_TOO_MANY_ROWS = "行数过多：每次最多导入 {n} 行数据，请分批导入"
ERR_NO_HEADER = "未找到表头：前 {n} 行中须有一行包含列“{cols}”"
ERR_NO_ROWS = "文件中没有数据行"
ERR_CELL_REQUIRED = "第 {row} 行“{col}”：不能为空"
ERR_CELL_DATE = "第 {row} 行“{col}”：不是有效的日期（应为日期单元格或 YYYY-MM-DD）"
ERR_CELL_MONEY = "第 {row} 行“{col}”：不是有效的金额"
ERR_CELL_NEGATIVE = "第 {row} 行“{col}”：金额不能为负数"
ERR_CELL_ZERO = "第 {row} 行“{col}”：金额必须大于 0"
ERR_CELL_TOO_BIG = "第 {row} 行“{col}”：金额过大"
ERR_CELL_TOO_LONG = "第 {row} 行“{col}”：不能超过 {n} 个字符"
ERR_REVERSAL_NEEDS_REF = "第 {row} 行：冲正须填写被冲正付款的“流水号”"

_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")

R = TypeVar("R")


@dataclass(frozen=True)
class ReportRow:
    row: int  # the row's number in the sheet, as Excel shows it
    period_start: dt.date
    period_end: dt.date
    revenue_amount: Decimal
    correction_reason: str = ""  # non-empty: a correction of the period's latest report


@dataclass(frozen=True)
class PaymentRow:
    row: int
    paid_on: dt.date
    amount: Decimal
    txn_ref: str  # 流水号, "" when the statement has none
    payer: str
    summary: str
    reversal_reason: str = ""  # non-empty: reverse the payment with this 流水号 on paid_on


@dataclass
class Parsed(Generic[R]):
    """Rows when every one is valid; otherwise ``errors`` and no rows."""

    rows: list[R] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class _Rejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------------------------
# Cells


def _norm_header(value: Any) -> str:
    text = "" if value is None else str(value)
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a 流水号 typed as a number: 123456 not "123456.0"
    return str(value).strip()


def parse_money(value: Any) -> Decimal:
    """A cell as Decimal half-up to 0.01; ValueError("required"/"money"/"negative"/"big")."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("required")
    if isinstance(value, bool):
        raise ValueError("money")
    text = str(value).strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    if text.endswith("元"):
        text = text[:-1].strip()
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValueError("money") from None
    if not amount.is_finite():
        raise ValueError("money")
    if amount < 0:
        raise ValueError("negative")
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if amount >= MONEY_LIMIT:
        raise ValueError("big")
    return amount


def parse_date(value: Any) -> dt.date:
    """A date cell, or text 2025-01-31 / 2025/1/31 / 2025年1月31日 / 20250131."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("required")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError("date")
    text = value.strip()
    match = _DATE_TEXT.match(text) or _DATE_DIGITS.match(text)
    if match is None:
        raise ValueError("date")
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError("date") from None


def _money_cell(value: Any, row: int, col: str, errors: list[str]) -> Decimal | None:
    try:
        return parse_money(value)
    except ValueError as exc:
        message = {
            "required": ERR_CELL_REQUIRED,
            "negative": ERR_CELL_NEGATIVE,
            "big": ERR_CELL_TOO_BIG,
        }.get(str(exc), ERR_CELL_MONEY)
        errors.append(message.format(row=row, col=col))
        return None


def _date_cell(value: Any, row: int, col: str, errors: list[str]) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError as exc:
        message = ERR_CELL_REQUIRED if str(exc) == "required" else ERR_CELL_DATE
        errors.append(message.format(row=row, col=col))
        return None


def _text_cell(value: Any, row: int, col: str, limit: int, errors: list[str]) -> str:
    text = _text(value)
    if len(text) > limit:
        errors.append(ERR_CELL_TOO_LONG.format(row=row, col=col, n=limit))
    return text


# --------------------------------------------------------------------------------------------
# Workbooks


def check_file(upload: Any) -> None:
    """Raise _Rejected for a file that is not a small .xlsx."""
    if os.path.splitext(getattr(upload, "name", "") or "")[1].lower() != ".xlsx":
        raise _Rejected(ERR_NOT_XLSX)
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_IMPORT_BYTES:
        raise _Rejected(ERR_TOO_LARGE.format(mb=MAX_IMPORT_BYTES // (1024 * 1024)))
    if not size:
        raise _Rejected(ERR_UNREADABLE)


def _sheet_rows(upload: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, cell values) of the first worksheet, skipping wholly empty rows.

    Read by the guarded reader (core/xlsx.py): bounded rows and columns, and a file whose zip
    or sheet declares more than the caps is refused before openpyxl parses it.
    """
    check_file(upload)
    try:
        with xlsx.open_workbook(upload) as wb:
            rows = wb.rows(max_rows=MAX_READ_ROWS, max_cols=MAX_READ_COLUMNS)
            for number, values in enumerate(rows, start=1):
                if any(v is not None and str(v).strip() for v in values):
                    yield number, values
    except xlsx.WorkbookRefused as exc:
        message = {
            "unreadable": ERR_UNREADABLE,
            "rows": ERR_TOO_MANY_ROWS.format(n=MAX_IMPORT_ROWS),
        }.get(exc.code, exc.message)
        raise _Rejected(message) from None


def _read(
    upload: Any,
    columns: Sequence[tuple[str, ...]],
    required: Sequence[tuple[str, ...]],
) -> tuple[list[tuple[int, dict[tuple[str, ...], Any]]], list[str]]:
    """Find the header row, then map each data row to {column: value}; cap the row count."""
    rows: list[tuple[int, dict[tuple[str, ...], Any]]] = []
    try:
        index: dict[tuple[str, ...], int] | None = None
        for number, values in _sheet_rows(upload):
            if index is None:
                headers = [_norm_header(v) for v in values]
                found = {
                    col: next((i for i, h in enumerate(headers) if h in col), None)
                    for col in columns
                }
                if all(found[col] is not None for col in required):
                    index = {col: i for col, i in found.items() if i is not None}
                elif number >= HEADER_SEARCH_ROWS:
                    break
                continue
            if len(rows) >= MAX_IMPORT_ROWS:
                return [], [ERR_TOO_MANY_ROWS.format(n=MAX_IMPORT_ROWS)]
            rows.append(
                (number, {col: values[i] if i < len(values) else None for col, i in index.items()})
            )
    except _Rejected as exc:
        return [], [exc.message]
    if index is None:
        return [], [
            ERR_NO_HEADER.format(n=HEADER_SEARCH_ROWS, cols="”“".join(col[0] for col in required))
        ]
    if not rows:
        return [], [ERR_NO_ROWS]
    return rows, []


def parse_revenue_reports(upload: Any) -> Parsed[ReportRow]:
    """The licensee's revenue sheet: 期间起 / 期间止 / 营业收入（元）, one period a row."""
    raw, errors = _read(upload, (*REPORT_COLUMNS, COL_CORRECTION), REPORT_COLUMNS)
    result: Parsed[ReportRow] = Parsed(errors=errors)
    for number, cells in raw:
        start = _date_cell(cells[COL_PERIOD_START], number, COL_PERIOD_START[0], errors)
        end = _date_cell(cells[COL_PERIOD_END], number, COL_PERIOD_END[0], errors)
        amount = _money_cell(cells[COL_REVENUE], number, COL_REVENUE[0], errors)
        reason = _text_cell(cells.get(COL_CORRECTION), number, COL_CORRECTION[0], 500, errors)
        if start and end and amount is not None:
            result.rows.append(
                ReportRow(
                    row=number,
                    period_start=start,
                    period_end=end,
                    revenue_amount=amount,
                    correction_reason=reason,
                )
            )
    if errors:
        result.rows = []
    return result


def parse_bank_statement(upload: Any) -> Parsed[PaymentRow]:
    """A bank statement of money received: 交易日期 / 金额（元）, optional 流水号 / 付款方 / 摘要."""
    raw, errors = _read(upload, (*PAYMENT_COLUMNS, COL_REVERSAL), PAYMENT_REQUIRED)
    result: Parsed[PaymentRow] = Parsed(errors=errors)
    for number, cells in raw:
        paid_on = _date_cell(cells[COL_PAID_ON], number, COL_PAID_ON[0], errors)
        amount = _money_cell(cells[COL_AMOUNT], number, COL_AMOUNT[0], errors)
        if amount == 0:
            errors.append(ERR_CELL_ZERO.format(row=number, col=COL_AMOUNT[0]))
            amount = None
        txn = _text_cell(cells.get(COL_TXN_REF), number, COL_TXN_REF[0], 100, errors)
        payer = _text_cell(cells.get(COL_PAYER), number, COL_PAYER[0], 200, errors)
        summary = _text_cell(cells.get(COL_SUMMARY), number, COL_SUMMARY[0], 100, errors)
        reversal = _text_cell(cells.get(COL_REVERSAL), number, COL_REVERSAL[0], 500, errors)
        if reversal and not txn:
            errors.append(ERR_REVERSAL_NEEDS_REF.format(row=number))
        if paid_on and amount is not None:
            result.rows.append(
                PaymentRow(
                    row=number,
                    paid_on=paid_on,
                    amount=amount,
                    txn_ref=txn,
                    payer=payer,
                    summary=summary,
                    reversal_reason=reversal,
                )
            )
    if errors:
        result.rows = []
    return result


# --------------------------------------------------------------------------------------------
# Templates


def _workbook(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int]
) -> bytes:
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(xlsx.xlsx_safe_row(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(xlsx.xlsx_safe_row(row))
    for i, width in enumerate(widths, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = width
        for cell in ws[letter][1:]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def revenue_template(periods: Sequence[tuple[dt.date, dt.date]]) -> bytes:
    """The revenue sheet with the given periods filled in and the revenue left blank."""
    return _workbook(
        "收入报告",
        [COL_PERIOD_START[0], COL_PERIOD_END[0], COL_REVENUE[0], COL_CORRECTION[0]],
        [(start, end, None, None) for start, end in periods],
        [14, 14, 18, 30],
    )


def bank_statement_template() -> bytes:
    return _workbook(
        "银行流水",
        [col[0] for col in (*PAYMENT_COLUMNS, COL_REVERSAL)],
        [],
        [14, 16, 24, 28, 30, 30],
    )
