"""Hostile workbooks on the achievements import (service and page): refused in seconds, with a
Chinese message, nothing written. The files are built here (core/tests/hostile_xlsx.py)."""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhuanhua.accounts.models import User
from zhuanhua.achievements import excel
from zhuanhua.achievements.excel import HEADERS, ImportProblem
from zhuanhua.achievements.tests.test_excel import BACKEND, GOOD_ROW, counts, make_org, make_user
from zhuanhua.core import xlsx
from zhuanhua.core.tests import hostile_xlsx

pytestmark = pytest.mark.django_db

ROWS = [list(HEADERS), [GOOD_ROW[h] for h in HEADERS]]
DIMENSION_REASON = (
    "工作表声明的数据范围 A1:XFD1048576 过大（最多 100000 行、1024 列），已拒绝导入；"
    "请删除多余的行和列（或只复制需要的数据到新工作簿）后重试"
)
HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "dimension": (
        lambda: hostile_xlsx.huge_dimension(ROWS, title=excel.DATA_SHEET),
        DIMENSION_REASON,
    ),
    "shared_strings": (
        lambda: hostile_xlsx.shared_strings_bomb(ROWS, title=excel.DATA_SHEET),
        xlsx.ERR_EXPANDS,
    ),
}


@pytest.fixture
def editor() -> User:
    return make_user(make_org(), ["achievement_manager"])


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("成果.xlsx", content, content_type=excel.XLSX_CONTENT_TYPE)


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_import_refuses_a_hostile_workbook_at_once(editor: User, kind: str) -> None:
    build, reason = HOSTILE[kind]
    before = counts()
    started = time.perf_counter()
    report = excel.achievements_import(user=editor, upload=upload(build()))
    assert time.perf_counter() - started < 5
    assert report.problems == [ImportProblem(None, "", reason)]
    assert report.created_ids == []
    assert counts() == before


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_import_page_shows_the_refusal_and_writes_nothing(
    client: Any, editor: User, kind: str
) -> None:
    build, reason = HOSTILE[kind]
    client.force_login(editor, backend=BACKEND)
    before = counts()
    started = time.perf_counter()
    response = client.post(reverse("achievements:import"), {"file": upload(build())})
    assert time.perf_counter() - started < 5
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "文件未导入：发现 1 处问题" in body
    assert reason in body
    assert counts() == before


def test_a_sheet_declaring_more_rows_than_the_read_cap_is_refused_as_too_many_rows(
    editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(excel, "MAX_READ_ROWS", 3)
    content = hostile_xlsx.workbook([*ROWS, *ROWS[1:] * 3], title=excel.DATA_SHEET)
    before = counts()
    report = excel.achievements_import(user=editor, upload=upload(content))
    assert report.problems == [
        ImportProblem(None, "", "单次最多导入 5000 条成果，请拆分为多个文件分批导入")
    ]
    assert counts() == before
