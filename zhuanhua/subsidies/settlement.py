"""The disbursement list (拨付清单) of a settlement batch as an .xlsx workbook.

Sheets: 汇总 (every grant), then one per prefecture (州（市）) and one per measure. Each grant
row starts with its 补助编号, the column the returned payment file must carry.
"""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal

from zhuanhua.core.prefectures import prefecture_name
from zhuanhua.core.xlsx import xlsx_safe_row
from zhuanhua.subsidies import selectors
from zhuanhua.subsidies.models import Grant, SettlementBatch

HEADER = [
    "补助编号",
    "申请编号",
    "措施",
    "措施名称",
    "受补助单位",
    "统一社会信用代码",
    "州（市）",
    "补助金额（元）",
    "批准日期",
    "状态",
]
_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _sheet_title(text: str, used: set[str]) -> str:
    title = text.translate(_BAD_SHEET_CHARS)[:31] or "sheet"
    base, n = title, 2
    while title in used:
        suffix = f"-{n}"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def batch_grants(batch: SettlementBatch) -> list[Grant]:
    return list(batch.grants.select_related("applicant").order_by("id"))


def disbursement_xlsx(batch: SettlementBatch) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    grants = batch_grants(batch)
    titles = {code: m.title for code, m in selectors.catalogue().measures.items()}

    def row(g: Grant) -> list[object]:
        return [
            g.pk,
            g.application_id,
            g.measure,
            titles.get(g.measure, ""),
            g.applicant.name,
            g.applicant.uscc,
            prefecture_name(g.applicant.prefecture),
            float(g.amount),
            g.approved_on.isoformat(),
            g.get_status_display(),
        ]

    wb = openpyxl.Workbook()
    used: set[str] = set()
    groups: list[tuple[str, list[Grant]]] = [("汇总", grants)]
    by_pref: dict[str, list[Grant]] = defaultdict(list)
    by_measure: dict[str, list[Grant]] = defaultdict(list)
    for g in grants:
        by_pref[g.applicant.prefecture].append(g)
        by_measure[g.measure].append(g)
    groups += [(prefecture_name(code), rows) for code, rows in sorted(by_pref.items())]
    groups += [(f"措施{code}", rows) for code, rows in sorted(by_measure.items())]
    first = True
    for name, rows in groups:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = _sheet_title(name, used)
        ws.append(
            [f"结算批次 #{batch.pk}：批准日期 {batch.period_from_on} 至 {batch.period_to_on}"]
        )
        ws.append(HEADER)
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for g in rows:
            ws.append(xlsx_safe_row(row(g)))
        total = sum((g.amount for g in rows), Decimal("0.00"))
        ws.append(["合计", "", "", "", f"{len(rows)} 笔", "", "", float(total), "", ""])
        for r in ws.iter_rows(min_row=3, min_col=8, max_col=8):
            for cell in r:
                cell.number_format = "#,##0.00"
        for col, width in zip("ABCDEFGHIJ", (10, 10, 8, 22, 30, 22, 22, 16, 12, 14), strict=True):
            ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
