"""Hostile workbooks on the licence's imports (the licensee's revenue sheet, the unit's bank
statement), parser and page: refused in seconds with a Chinese message, nothing written."""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhuanhua.audit.models import AuditEntry
from zhuanhua.core import xlsx
from zhuanhua.core.tests import hostile_xlsx
from zhuanhua.licensing import imports
from zhuanhua.licensing.models import Payment, RevenueReport
from zhuanhua.licensing.tests.test_imports import (
    BANK_HEADER,
    REPORT_HEADER,
    post_reports,
    post_statement,
)

pytestmark = pytest.mark.django_db

DIMENSION_REASON = (
    "工作表声明的数据范围 A1:XFD1048576 过大（最多 100000 行、1024 列），已拒绝导入；"
    "请删除多余的行和列（或只复制需要的数据到新工作簿）后重试"
)
REPORT_ROWS: list[list[Any]] = [REPORT_HEADER, ["2025-01-01", "2025-03-31", 1000]]
BANK_ROWS: list[list[Any]] = [
    BANK_HEADER,
    ["2025-01-10", 10000, "BK1", "昆明氢能科技有限公司", "门槛费"],
]
HOSTILE: dict[str, tuple[Callable[[list[list[Any]]], bytes], str]] = {
    "dimension": (hostile_xlsx.huge_dimension, DIMENSION_REASON),
    "shared_strings": (hostile_xlsx.shared_strings_bomb, xlsx.ERR_EXPANDS),
}


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("sheet.xlsx", content, content_type=imports.XLSX_CONTENT_TYPE)


def written() -> tuple[int, int, int]:
    return RevenueReport.objects.count(), Payment.objects.count(), AuditEntry.objects.count()


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_parsers_refuse_a_hostile_workbook_at_once(kind: str) -> None:
    build, reason = HOSTILE[kind]
    started = time.perf_counter()
    reports = imports.parse_revenue_reports(upload(build(REPORT_ROWS)))
    assert time.perf_counter() - started < 5
    assert (reports.rows, reports.errors) == ([], [reason])
    started = time.perf_counter()
    payments = imports.parse_bank_statement(upload(build(BANK_ROWS)))
    assert time.perf_counter() - started < 5
    assert (payments.rows, payments.errors) == ([], [reason])


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_revenue_import_page_refuses_a_hostile_workbook(
    client: Any, active_licence: Any, licensee_user: Any, kind: str
) -> None:
    build, reason = HOSTILE[kind]
    client.force_login(licensee_user)
    before = written()
    started = time.perf_counter()
    response = post_reports(client, active_licence, upload(build(REPORT_ROWS)))
    assert time.perf_counter() - started < 5
    assert response.status_code == 422
    assert reason in html.unescape(response.content.decode())
    assert written() == before


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_payment_import_page_refuses_a_hostile_workbook(
    client: Any, active_licence: Any, manager_a: Any, kind: str
) -> None:
    build, reason = HOSTILE[kind]
    client.force_login(manager_a)
    before = written()
    started = time.perf_counter()
    response = post_statement(client, active_licence, upload(build(BANK_ROWS)))
    assert time.perf_counter() - started < 5
    assert response.status_code == 422
    assert reason in html.unescape(response.content.decode())
    assert written() == before


def test_a_statement_declaring_more_rows_than_the_read_cap_is_refused_as_too_many_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(imports, "MAX_READ_ROWS", 3)
    parsed = imports.parse_bank_statement(upload(hostile_xlsx.workbook(BANK_ROWS * 2)))
    assert parsed.errors == ["行数过多：每次最多导入 5000 行数据，请分批导入"]
