"""Downloads of the transfer app: a transfer report as .xlsx and PDF (WeasyPrint, Noto Sans CJK
SC), and a unit's ledger (台账) as .xlsx. Callers have already checked visibility."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from zhuanhua.achievements.choices import IpType, TransferStatus
from zhuanhua.core.xlsx import xlsx_safe, xlsx_safe_row
from zhuanhua.transfer.models import LedgerEntry, TransferReport

CSS_PATH = Path(__file__).with_name("report.css")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"

REPORT_HEADERS = [
    "序号",
    "成果名称",
    "知识产权类型",
    "权利编号",
    "取得知识产权之日",
    "转化状态",
    "转化方式",
    "转化日期",
    "转化对象",
    "合同金额（元）",
    "实际到账额（元）",
    "先用后转清单",
    "备注",
]
LEDGER_HEADERS = [
    "序号",
    "成果名称",
    "知识产权类型",
    "权利编号",
    "台账登记日期",
    "转化状态",
    "作价入股企业",
    "统一社会信用代码",
    "持股数（股）",
    "作价金额（元）",
    "作价入股日期",
    "股权处置",
    "备注",
]


def _labels(choices: Any) -> dict[str, str]:
    return dict(choices.choices)


def report_rows_for_display(report: TransferReport) -> list[list[Any]]:
    ip_labels, status_labels = _labels(IpType), _labels(TransferStatus)
    rows = []
    for line in report.lines.order_by("position"):
        rows.append(
            [
                line.position,
                line.title,
                ip_labels.get(line.ip_type, line.ip_type),
                line.ip_number,
                line.ip_acquired_on,
                status_labels.get(line.transfer_status, line.transfer_status),
                line.transfer_mode,
                line.transferred_on,
                line.counterparty,
                line.contract_amount,
                line.received_amount,
                "是" if line.on_use_first_list else "否",
                line.remarks,
            ]
        )
    return rows


def _sheet(
    ws: Any,
    title: str,
    headers: list[str],
    rows: list[list[Any]],
    money_cols: set[int],
    date_cols: set[int],
) -> None:
    ws.append([xlsx_safe(title)])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for row in rows:
        ws.append(xlsx_safe_row(row))
        for col in money_cols:
            ws.cell(row=ws.max_row, column=col).number_format = MONEY_FORMAT
        for col in date_cols:
            ws.cell(row=ws.max_row, column=col).number_format = "yyyy-mm-dd"
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(header) * 2 + 4))
    ws.freeze_panes = "A3"


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def report_title(report: TransferReport) -> str:
    return f"{report.organisation.name} {report.period_label}科技成果转化清单"


def report_xlsx(report: TransferReport) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "转化清单"
    _sheet(
        ws,
        report_title(report),
        REPORT_HEADERS,
        report_rows_for_display(report),
        money_cols={10, 11},
        date_cols={5, 8},
    )
    ws.append([])
    ws.append(
        [
            "状态",
            report.get_status_display(),
            "报送时间",
            timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")
            if report.submitted_at
            else "",
        ]
    )
    if report.remarks:
        ws.append(["报送说明", xlsx_safe(report.remarks)])
    return _save(wb)


def report_totals(report: TransferReport) -> dict[str, Decimal]:
    lines = list(report.lines.all())
    return {
        "contract": sum((x.contract_amount or Decimal("0") for x in lines), Decimal("0.00")),
        "received": sum((x.received_amount or Decimal("0") for x in lines), Decimal("0.00")),
    }


def report_html(report: TransferReport) -> str:
    return render_to_string(
        "transfer/report_pdf.html",
        {
            "report": report,
            "title": report_title(report),
            "headers": REPORT_HEADERS,
            "rows": report_rows_for_display(report),
            "totals": report_totals(report),
        },
    )


def report_pdf(report: TransferReport) -> bytes:
    from weasyprint import CSS, HTML  # heavy import, only when a PDF is asked for

    return HTML(string=report_html(report)).write_pdf(stylesheets=[CSS(filename=str(CSS_PATH))])


def ledger_xlsx(organisation: Any, entries: list[LedgerEntry]) -> bytes:
    ip_labels, status_labels = _labels(IpType), _labels(TransferStatus)
    rows: list[list[Any]] = []
    n = 0
    for entry in entries:
        a = entry.achievement
        base = [
            a.title,
            ip_labels.get(a.ip_type, a.ip_type),
            a.ip_number,
            entry.entered_on,
            status_labels.get(a.transfer_status, a.transfer_status),
        ]
        contributions = list(entry.contributions.all())
        if not contributions:
            n += 1
            rows.append([n, *base, "", "", None, None, None, "", entry.note])
        for c in contributions:
            n += 1
            decisions = "；".join(
                f"{d.decided_on:%Y-%m-%d} {d.get_kind_display()}（{d.original_name}）"
                for d in c.decisions.all()
            )
            rows.append(
                [
                    n,
                    *base,
                    c.company_name,
                    c.company_uscc,
                    c.shares,
                    c.value_amount,
                    c.contributed_on,
                    decisions,
                    entry.note,
                ]
            )
    wb = Workbook()
    ws = wb.active
    ws.title = "单列管理台账"
    _sheet(
        ws,
        f"{organisation.name} 科技成果单列管理台账",
        LEDGER_HEADERS,
        rows,
        money_cols={9, 10},
        date_cols={5, 11},
    )
    return _save(wb)
