"""Excel imports on the licence page: the licensee's revenue sheet, the unit's bank statement."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhuanhua.licensing import imports
from zhuanhua.licensing.models import Payment, RevenueReport
from zhuanhua.licensing.selectors import licence_plan

REPORT_HEADER = ["期间起", "期间止", "营业收入(元)"]
BANK_HEADER = ["交易日期", "金额（元）", "流水号", "付款方", "摘要"]


def xlsx(rows, name="sheet.xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=imports.XLSX_CONTENT_TYPE)


def post_reports(client, licence, upload):
    return client.post(
        f"/licensing/licences/{licence.pk}/revenue-reports/import/", {"reports-file": upload}
    )


def post_statement(client, licence, upload):
    return client.post(
        f"/licensing/licences/{licence.pk}/payments/import/", {"payments-file": upload}
    )


STATEMENT = [
    BANK_HEADER,
    [dt.datetime(2025, 1, 10), 10000, "BK20250110001", "昆明氢能科技有限公司", "门槛费"],
    ["2025/02/01", 0.1 + 0.2, "BK20250201002", "昆明氢能科技有限公司", "尾差"],
    [dt.date(2025, 5, 6), 12345.675, 20250506003, "昆明氢能科技有限公司", "提成"],
]


# --------------------------------------------------------------------------------------------
# Cells


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (0.1 + 0.2, Decimal("0.30")),
        (12345.675, Decimal("12345.68")),  # str() → "12345.675" → half-up, no binary float drift
        (2.5, Decimal("2.50")),
        (1.005, Decimal("1.01")),
        (100000, Decimal("100000.00")),
        ("1,234.565", Decimal("1234.57")),
        ("¥ 88.8 元", Decimal("88.80")),
        (Decimal("0.004"), Decimal("0.00")),
    ],
)
def test_money_cells_become_decimal_half_up(cell, expected):
    got = imports.parse_money(cell)
    assert got == expected
    assert str(got) == str(expected)


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        (None, "required"),
        ("  ", "required"),
        ("abc", "money"),
        (True, "money"),
        (-1, "negative"),
        ("-0.5", "negative"),
        (float("nan"), "money"),
        (float("inf"), "money"),
        ("1E16", "big"),
    ],
)
def test_bad_money_cells(cell, reason):
    with pytest.raises(ValueError, match=reason):
        imports.parse_money(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.datetime(2025, 3, 31, 0, 0), dt.date(2025, 3, 31)),
        (dt.date(2025, 3, 31), dt.date(2025, 3, 31)),
        ("2025-03-31", dt.date(2025, 3, 31)),
        ("2025/3/31", dt.date(2025, 3, 31)),
        ("2025年3月31日", dt.date(2025, 3, 31)),
        ("20250331", dt.date(2025, 3, 31)),
    ],
)
def test_date_cells(cell, expected):
    assert imports.parse_date(cell) == expected


@pytest.mark.parametrize("cell", ["2025-02-30", "下周", 45000, 3.5])
def test_bad_date_cells(cell):
    with pytest.raises(ValueError, match="date"):
        imports.parse_date(cell)


def test_parse_finds_the_header_under_a_title_block_and_skips_blank_rows():
    parsed = imports.parse_bank_statement(
        xlsx(
            [
                ["某某银行账户明细"],
                [],
                ["账号：5300 0000 0000"],
                ["摘要", "交易日期", "金额", "流水号"],
                ["提成", "2025-05-06", "1000", "A1"],
                [None, None, None, None],
                ["提成", "2025-06-06", "2000.1", ""],
            ]
        )
    )
    assert parsed.errors == []
    assert [(r.row, r.paid_on, r.amount, r.txn_ref, r.summary) for r in parsed.rows] == [
        (5, dt.date(2025, 5, 6), Decimal("1000.00"), "A1", "提成"),
        (7, dt.date(2025, 6, 6), Decimal("2000.10"), "", "提成"),
    ]


def test_parse_lists_every_bad_cell_and_returns_no_rows():
    parsed = imports.parse_bank_statement(
        xlsx(
            [
                BANK_HEADER,
                ["2025-01-10", "100", "A"],
                ["昨天", "100", "B"],
                ["2025-01-12", "一百", "C"],
                ["2025-01-13", -5, "D"],
                [None, 0, "E"],
            ]
        )
    )
    assert parsed.rows == []
    assert parsed.errors == [
        "第 3 行“交易日期”：不是有效的日期（应为日期单元格或 YYYY-MM-DD）",
        "第 4 行“金额（元）”：不是有效的金额",
        "第 5 行“金额（元）”：金额不能为负数",
        "第 6 行“交易日期”：不能为空",
        "第 6 行“金额（元）”：金额必须大于 0",
    ]


def test_missing_column_and_empty_sheet():
    assert imports.parse_revenue_reports(
        xlsx([["期间起", "营业收入（元）"], ["2025-01-01", 1]])
    ).errors == ["未找到表头：前 10 行中须有一行包含列“期间起”“期间止”“营业收入（元）”"]
    assert imports.parse_revenue_reports(xlsx([REPORT_HEADER])).errors == [imports.ERR_NO_ROWS]


def test_row_limit(monkeypatch):
    monkeypatch.setattr(imports, "MAX_IMPORT_ROWS", 3)
    rows = [BANK_HEADER] + [["2025-01-01", 1, f"R{i}"] for i in range(4)]
    assert imports.parse_bank_statement(xlsx(rows)).errors == [
        "行数过多：每次最多导入 3 行数据，请分批导入"
    ]
    assert len(imports.parse_bank_statement(xlsx(rows[:4])).rows) == 3


def test_not_xlsx_unreadable_or_too_big(monkeypatch):
    csv = SimpleUploadedFile("s.csv", "交易日期,金额\n2025-01-01,1\n".encode(), "text/csv")
    assert imports.parse_bank_statement(csv).errors == [imports.ERR_NOT_XLSX]
    fake = SimpleUploadedFile("s.xlsx", b"not a zip at all", imports.XLSX_CONTENT_TYPE)
    assert imports.parse_bank_statement(fake).errors == [imports.ERR_UNREADABLE]
    monkeypatch.setattr(imports, "MAX_IMPORT_BYTES", 1024 * 1024)
    big = SimpleUploadedFile("s.xlsx", b"0" * (1024 * 1024 + 1), imports.XLSX_CONTENT_TYPE)
    assert imports.parse_bank_statement(big).errors == ["文件过大：不能超过 1 MB"]


# --------------------------------------------------------------------------------------------
# Revenue reports by the licensee


def test_licensee_imports_revenue_reports_and_the_plan_updates(
    client, active_licence, licensee_user
):
    client.force_login(licensee_user)
    page = client.get(f"/licensing/licences/{active_licence.pk}/").content.decode()
    assert 'data-testid="revenue-import"' in page
    assert 'data-testid="payment-import"' not in page
    response = post_reports(
        client,
        active_licence,
        xlsx(
            [
                REPORT_HEADER,
                [dt.datetime(2025, 1, 1), dt.datetime(2025, 3, 31), 200000.005],
                ["2025-04-01", "2025-06-30", "100000"],
            ]
        ),
    )
    assert response.status_code == 302
    got = list(
        RevenueReport.objects.filter(licence=active_licence).values_list(
            "period_start", "period_end", "revenue_amount", "reported_by"
        )
    )
    assert got == [
        (dt.date(2025, 1, 1), dt.date(2025, 3, 31), Decimal("200000.01"), licensee_user.pk),
        (dt.date(2025, 4, 1), dt.date(2025, 6, 30), Decimal("100000.00"), licensee_user.pk),
    ]
    page = client.get(response.url).content.decode()
    assert "已导入 2 条收入报告。" in page
    royalties = [
        r
        for r in licence_plan(active_licence, timezone.localdate()).rows
        if r["kind_label"] == "收入提成"
    ]
    assert [r["o"].amount for r in royalties[:2]] == [Decimal("10000.00"), Decimal("5000.00")]


def test_a_bad_row_records_no_report(client, active_licence, licensee_user):
    client.force_login(licensee_user)
    response = post_reports(
        client,
        active_licence,
        xlsx(
            [
                REPORT_HEADER,
                ["2025-01-01", "2025-03-31", 1000],
                ["2025-04-01", "2025-06-30", "十万"],
                ["2025-07-01", "2025-09-30", -1],
            ]
        ),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "第 3 行“营业收入（元）”：不是有效的金额" in page
    assert "第 4 行“营业收入（元）”：金额不能为负数" in page
    assert not RevenueReport.objects.exists()


def test_a_row_the_service_refuses_rolls_back_the_whole_sheet(
    client, active_licence, licensee_user
):
    client.force_login(licensee_user)
    response = post_reports(
        client,
        active_licence,
        xlsx(
            [
                REPORT_HEADER,
                ["2025-01-01", "2025-03-31", 1000],
                ["2025-04-01", "2025-06-29", 1000],
                ["2025-02-01", "2025-04-30", 1000],
                ["2025-01-01", "2025-03-31", 2000],
            ]
        ),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert (
        "第 3 行“期间止”：与许可的提成期间不符，期间起 2025-04-01 对应的期间止应为 2025-06-30"
    ) in page
    assert "第 4 行“期间起”：报告期间必须是许可的提成期间之一" in page
    assert "第 5 行“期间起”：该期间已报送过收入" in page
    assert not RevenueReport.objects.exists()


def test_revenue_template_lists_the_open_periods(client, active_licence, licensee_user):
    client.force_login(licensee_user)
    response = client.get(f"/licensing/licences/{active_licence.pk}/revenue-reports/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == imports.XLSX_CONTENT_TYPE
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("期间起", "期间止", "营业收入（元）", "更正原因")
    assert rows[1][:2] == (dt.datetime(2025, 1, 1), dt.datetime(2025, 3, 31))
    # filled in, the template imports as is
    for row in ws.iter_rows(min_row=2):
        row[2].value = 1
    out = io.BytesIO()
    ws.parent.save(out)
    upload = SimpleUploadedFile("t.xlsx", out.getvalue(), imports.XLSX_CONTENT_TYPE)
    assert post_reports(client, active_licence, upload).status_code == 302
    assert RevenueReport.objects.count() == len(rows) - 1


# --------------------------------------------------------------------------------------------
# Bank statements by the unit


def test_unit_imports_a_bank_statement_once(client, active_licence, manager_a):
    client.force_login(manager_a)
    response = post_statement(client, active_licence, xlsx(STATEMENT))
    assert response.status_code == 302
    assert "已导入 3 条付款记录。" in client.get(response.url).content.decode()
    got = list(
        Payment.objects.filter(licence=active_licence).values_list(
            "paid_on", "amount", "ref", "voucher_amount"
        )
    )
    assert got == [
        (dt.date(2025, 1, 10), Decimal("10000.00"), "BK20250110001", Decimal("0.00")),
        (dt.date(2025, 2, 1), Decimal("0.30"), "BK20250201002", Decimal("0.00")),
        (dt.date(2025, 5, 6), Decimal("12345.68"), "20250506003", Decimal("0.00")),
    ]
    plan = licence_plan(active_licence, dt.date(2025, 8, 15))
    assert plan.totals.paid == Decimal("22345.98")

    again = post_statement(client, active_licence, xlsx(STATEMENT))
    assert again.status_code == 302
    assert "已导入 0 条付款记录，跳过已导入的 3 条。" in client.get(again.url).content.decode()
    assert Payment.objects.count() == 3

    longer = [*STATEMENT, ["2025-08-01", "500", "BK20250801004", "", ""]]
    post_statement(client, active_licence, xlsx(longer))
    assert Payment.objects.count() == 4


def test_statement_without_reference_numbers_dedups_on_date_amount_and_summary(
    client, active_licence, manager_a
):
    client.force_login(manager_a)
    sheet = [
        ["交易日期", "金额(元)", "付款方", "摘要"],
        ["2025-03-01", 500, "昆明氢能", "提成"],
        ["2025-03-01", 500, "昆明氢能", "提成"],  # two equal transfers stay two payments
        ["2025-03-02", 500, "昆明氢能", "提成"],
    ]
    post_statement(client, active_licence, xlsx(sheet))
    assert Payment.objects.count() == 3
    post_statement(client, active_licence, xlsx(sheet))
    assert Payment.objects.count() == 3
    post_statement(client, active_licence, xlsx([*sheet, ["2025-03-01", 500, "昆明氢能", "提成"]]))
    assert Payment.objects.count() == 4
    assert set(Payment.objects.values_list("ref", flat=True)) == {"提成"}


def test_a_bad_statement_row_records_no_payment(client, active_licence, manager_a):
    client.force_login(manager_a)
    response = post_statement(
        client,
        active_licence,
        xlsx(
            [
                *STATEMENT,
                ["2099-01-01", 1, "FUTURE", "", ""],
                ["2025-01-01", "abc", "X", "", ""],
            ]
        ),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "第 6 行“金额（元）”：不是有效的金额" in page
    assert not Payment.objects.exists()
    response = post_statement(
        client,
        active_licence,
        xlsx(
            [
                *STATEMENT,
                ["2099-01-01", 1, "FUTURE", "", ""],
            ]
        ),
    )
    assert response.status_code == 422
    assert "第 5 行“交易日期”：日期不能晚于今天" in response.content.decode()
    assert not Payment.objects.exists()


def test_not_an_xlsx_is_refused_in_chinese(client, active_licence, manager_a):
    client.force_login(manager_a)
    csv = SimpleUploadedFile("statement.csv", b"a,b\n1,2\n", "text/csv")
    response = post_statement(client, active_licence, csv)
    assert response.status_code == 422
    assert imports.ERR_NOT_XLSX in response.content.decode()
    fake = SimpleUploadedFile("statement.xlsx", b"PK\x03\x04broken", imports.XLSX_CONTENT_TYPE)
    assert imports.ERR_UNREADABLE in post_statement(client, active_licence, fake).content.decode()
    assert not Payment.objects.exists()


# --------------------------------------------------------------------------------------------
# Who may import


def test_only_the_right_party_may_import(
    client, active_licence, licensee_user, manager_a, outsider
):
    report = [REPORT_HEADER, ["2025-01-01", "2025-03-31", 1]]
    base = f"/licensing/licences/{active_licence.pk}"
    client.force_login(licensee_user)
    assert post_statement(client, active_licence, xlsx(STATEMENT)).status_code == 403
    assert client.get(f"{base}/payments/template.xlsx").status_code == 403
    client.force_login(manager_a)
    assert post_reports(client, active_licence, xlsx(report)).status_code == 403
    assert client.get(f"{base}/revenue-reports/template.xlsx").status_code == 403
    page = client.get(f"{base}/").content.decode()
    assert 'data-testid="payment-import"' in page
    assert 'data-testid="revenue-import"' not in page
    client.force_login(outsider)
    assert post_statement(client, active_licence, xlsx(STATEMENT)).status_code == 404
    assert post_reports(client, active_licence, xlsx(report)).status_code == 404
    assert client.get(f"{base}/payments/template.xlsx").status_code == 404
    assert not Payment.objects.exists()
    assert not RevenueReport.objects.exists()


def test_services_refuse_the_wrong_party(active_licence, licensee_user, manager_a):
    from django.core.exceptions import PermissionDenied

    from zhuanhua.licensing import services

    rows = imports.parse_bank_statement(xlsx(STATEMENT)).rows
    with pytest.raises(PermissionDenied):
        services.payments_import(user=licensee_user, licence=active_licence, rows=rows)
    with pytest.raises(PermissionDenied):
        services.revenue_reports_import(user=manager_a, licence=active_licence, rows=[])
    assert not Payment.objects.exists()


def test_bank_statement_template(client, active_licence, manager_a):
    client.force_login(manager_a)
    response = client.get(f"/licensing/licences/{active_licence.pk}/payments/template.xlsx")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert next(ws.iter_rows(values_only=True)) == (
        "交易日期",
        "金额（元）",
        "流水号",
        "付款方",
        "摘要",
        "冲正原因",
    )
