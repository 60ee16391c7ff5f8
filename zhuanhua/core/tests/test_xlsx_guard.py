"""The guarded .xlsx reader refuses hostile workbooks at once and reads real ones to fixed caps;
xlsx_safe drops what Excel cannot store."""

from __future__ import annotations

import io
import os
import random
import struct
import time
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.utils.exceptions import IllegalCharacterError

from zhuanhua.core import xlsx
from zhuanhua.core.tests import hostile_xlsx as h


def refusal(data: bytes) -> xlsx.WorkbookRefused:
    started = time.perf_counter()
    with pytest.raises(xlsx.WorkbookRefused) as exc, xlsx.open_workbook(io.BytesIO(data)) as wb:
        list(wb.rows(max_rows=100, max_cols=10))
    assert time.perf_counter() - started < 5
    return exc.value


def read(data: bytes, max_rows: int = 100, max_cols: int = 3) -> list[tuple[object, ...]]:
    with xlsx.open_workbook(io.BytesIO(data)) as wb:
        return list(wb.rows(max_rows=max_rows, max_cols=max_cols))


def test_a_real_workbook_reads_padded_to_the_column_cap() -> None:
    data = h.workbook([["期间起", "金额"], ["2025-01-01", 12.5, "x", "beyond"]])
    assert read(data) == [("期间起", "金额", None), ("2025-01-01", 12.5, "x")]


def test_huge_declared_dimension_is_refused_at_once() -> None:
    data = h.huge_dimension([["期间起", "期间止", "营业收入（元）"]])
    assert len(data) < 8 * 1024
    exc = refusal(data)
    assert exc.code == "dimension"
    assert exc.message == (
        "工作表声明的数据范围 A1:XFD1048576 过大（最多 100000 行、1024 列），已拒绝导入；"
        "请删除多余的行和列（或只复制需要的数据到新工作簿）后重试"
    )


def test_millions_of_shared_strings_are_refused_before_expansion() -> None:
    data = h.shared_strings_bomb([["a"]], entries=3_000_000)
    assert len(data) < 512 * 1024
    exc = refusal(data)
    assert exc.code == "too_large"
    assert (
        exc.message
        == xlsx.ERR_EXPANDS
        == (
            "该 Excel 文件解压后过大或压缩比异常（疑似压缩炸弹），已拒绝导入；"
            "请删除无关的工作表和内容后另存为 .xlsx 重试"
        )
    )


def test_shared_strings_over_the_count_cap_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_SHARED_STRINGS", 1000)
    at_cap = h.with_shared_strings(h.workbook([["a"]]), h.strings_table(1000, str))
    assert read(at_cap) == [("a", None, None)]
    over = h.with_shared_strings(h.workbook([["a"]]), h.strings_table(1001, str))
    exc = refusal(over)
    assert (exc.code, exc.message) == (
        "shared_strings",
        "该 Excel 文件中的文字条目过多（超过 1,000 条），已拒绝导入",
    )


def test_shared_strings_with_a_namespace_prefix_are_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(xlsx, "MAX_SHARED_STRINGS", 10)
    table = (
        f'<x:sst xmlns:x="{h.MAIN_NS}">'.encode() + b"<x:si><x:t>v</x:t></x:si>" * 11 + b"</x:sst>"
    )
    assert refusal(h.with_shared_strings(h.workbook([["a"]]), table)).code == "shared_strings"


def test_a_member_expanding_over_the_ratio_cap_is_refused() -> None:
    zeros = b"\0" * (3 * 1024 * 1024)  # 3 MiB that deflate to ~3 KB
    data = h.rewrite(h.workbook([["a"]]), {}, {"xl/media/image1.png": zeros})
    assert refusal(data).code == "too_large"


def test_a_parsed_part_over_its_size_cap_is_refused() -> None:
    noise = os.urandom(xlsx.MAX_PART_BYTES // 2 + 1).hex().encode()  # incompressible
    data = h.rewrite(
        h.workbook([["a"]]),
        {"xl/styles.xml": lambda body: body.replace(b"</styleSheet>", b"<!--" + noise + b"-->")},
    )
    assert refusal(data).code == "too_large"


def test_too_many_members_are_refused_from_the_end_record() -> None:
    extra = {f"xl/media/p{i}.bin": b"x" for i in range(xlsx.MAX_MEMBERS)}
    exc = refusal(h.rewrite(h.workbook([["a"]]), {}, extra))
    assert (exc.code, exc.message) == ("too_large", xlsx.ERR_TOO_MANY_PARTS)


def test_a_member_that_inflates_past_its_declared_size_is_unreadable() -> None:
    table = h.strings_table(5000, str)
    data = bytearray(h.with_shared_strings(h.workbook([["a"]]), table))
    name = b"xl/sharedStrings.xml"
    # Declare 100 bytes in both the local header and the central directory entry.
    patched = 0
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[at + size_at : at + size_at + 4] = struct.pack("<L", 100)
                patched += 1
            at += 4
    assert patched == 2
    exc = refusal(bytes(data))
    assert (exc.code, exc.message) == ("unreadable", xlsx.ERR_NOT_WORKBOOK)


def test_not_a_zip_is_unreadable() -> None:
    assert refusal(b"\xd0\xcf\x11\xe0 an encrypted or old .xls").code == "unreadable"
    assert refusal(b"PK\x03\x04 truncated").code == "unreadable"


def test_cells_over_the_workbook_cap_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_CELLS", 20)
    assert len(read(h.workbook([[1, 2]] * 10))) == 10
    exc = refusal(h.workbook([[1, 2]] * 11))
    assert (exc.code, exc.message) == (
        "cells",
        "工作簿的单元格过多（超过 20 个），已拒绝导入；请只保留需要导入的工作表、行和列，"
        "或拆分为多个文件",
    )


def test_a_row_wider_than_the_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_ROW_CELLS", 5)
    assert read(h.workbook([[1] * 5]), max_cols=5) == [(1, 1, 1, 1, 1)]
    exc = refusal(h.workbook([[1] * 6]))
    assert (exc.code, exc.message) == (
        "cells",
        "工作表中有一行的单元格超过 5 个，已拒绝导入；请删除多余的列（或只复制需要的数据到新工作簿）",
    )


def test_a_sheet_longer_than_the_row_cap_is_refused_not_cut() -> None:
    data = h.workbook([[i] for i in range(1, 12)], title="流水")
    assert len(read(data, max_rows=11)) == 11
    with pytest.raises(xlsx.WorkbookRefused) as caught, xlsx.open_workbook(io.BytesIO(data)) as wb:
        list(wb.rows(max_rows=10, max_cols=1))
    assert (caught.value.code, caught.value.message) == (
        "rows",
        "工作表“流水”超过 10 行，已拒绝导入；请删除多余的空行，或拆分为多个文件分批导入",
    )


def test_without_a_dimension_the_row_after_the_cap_is_still_looked_at() -> None:
    def undimensioned(body: bytes) -> bytes:
        return body.replace(b'<dimension ref="A1:A11" />', b"")

    data = h.rewrite(
        h.workbook([[i] for i in range(1, 12)]), {"xl/worksheets/sheet1.xml": undimensioned}
    )
    with pytest.raises(xlsx.WorkbookRefused) as caught, xlsx.open_workbook(io.BytesIO(data)) as wb:
        list(wb.rows(max_rows=10, max_cols=1))
    assert caught.value.code == "rows"


def test_xlsx_safe_drops_what_excel_cannot_store_and_keeps_the_rest() -> None:
    assert xlsx.xlsx_safe("甲\x00乙\x0b丙\x0c丁\x1f戊\t己\n庚\r") == "甲乙丙丁戊\t己\n庚\r"
    assert xlsx.xlsx_safe(12) == 12
    assert xlsx.xlsx_safe_row(["a\x07", None, 1.5]) == ["a", None, 1.5]
    ws = Workbook().active
    with pytest.raises(IllegalCharacterError):
        ws.append(["a\x0cb"])
    ws.append(xlsx.xlsx_safe_row(["a\x0cb"]))
    assert ws["A1"].value == "ab"


def test_random_garbage_never_escapes_as_anything_but_a_refusal() -> None:
    rng = random.Random(17)
    base = bytearray(h.workbook([["a", "b"], [1, 2]]))
    for _ in range(40):
        broken = bytearray(base)
        for _ in range(8):
            broken[rng.randrange(len(broken))] = rng.randrange(256)
        try:
            read(bytes(broken))
        except xlsx.WorkbookRefused:
            pass


def test_zip_that_is_not_a_workbook_is_unreadable() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "你好")
    assert refusal(out.getvalue()).code == "unreadable"


def _sources() -> dict[str, str]:
    """Every module of the package but the tests, the migrations and core/xlsx.py itself."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    found = {}
    for folder, _dirs, files in os.walk(root):
        if f"{os.sep}tests" in folder or "migrations" in folder:
            continue
        for name in files:
            path = os.path.join(folder, name)
            if name.endswith(".py") and path != os.path.abspath(xlsx.__file__):
                with open(path, encoding="utf-8") as source:
                    found[os.path.relpath(path, root)] = source.read()
    assert len(found) > 100
    return found


def test_no_module_but_the_guard_opens_a_workbook_with_openpyxl() -> None:
    """Any later import must come through core/xlsx.py: no other module may call load_workbook."""
    assert [path for path, text in _sources().items() if "load_workbook" in text] == []


def test_every_module_that_writes_a_workbook_goes_through_xlsx_safe() -> None:
    writers = {path: text for path, text in _sources().items() if "Workbook(" in text}
    assert len(writers) >= 6
    assert [path for path, text in writers.items() if "xlsx_safe" not in text] == []


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)


def test_an_entity_expansion_in_any_part_is_refused_before_parsing() -> None:
    def styles(body: bytes) -> bytes:
        return BILLION_LAUGHS + body.replace(b"<numFmts", b"<numFmts x='&lol9;'", 1)

    exc = refusal(h.rewrite(h.workbook([["a"]]), {"xl/styles.xml": styles}))
    assert (exc.code, exc.message) == ("unreadable", xlsx.ERR_NOT_WORKBOOK)
    types = h.rewrite(h.workbook([["a"]]), {"[Content_Types].xml": lambda b: BILLION_LAUGHS + b})
    assert refusal(types).code == "unreadable"


def test_a_sheet_named_like_a_picture_is_still_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_ROW_CELLS", 5)
    base = h.workbook([[1] * 6])
    sheet = zipfile.ZipFile(io.BytesIO(base)).read("xl/worksheets/sheet1.xml")

    def rels(body: bytes) -> bytes:
        return body.replace(b"/xl/worksheets/sheet1.xml", b"/xl/media/image1.png")

    data = h.rewrite(
        base,
        {"xl/_rels/workbook.xml.rels": rels, "xl/worksheets/sheet1.xml": lambda b: b"<x/>"},
        {"xl/media/image1.png": sheet},
    )
    assert refusal(data).code == "cells"


def test_parts_parsed_whole_are_capped_together(monkeypatch: pytest.MonkeyPatch) -> None:
    data = h.workbook([["a"]])
    read(data)
    monkeypatch.setattr(xlsx, "MAX_PARTS_TOTAL_BYTES", 12_000)  # theme + styles + … ≈ 16 KB
    assert refusal(data).code == "too_large"


def test_a_chart_sheet_reads_as_no_rows() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append([1, 2])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, max_col=2, min_row=1))
    wb.create_chartsheet("图表", 0).add_chart(chart)
    buffer = io.BytesIO()
    wb.save(buffer)
    with xlsx.open_workbook(io.BytesIO(buffer.getvalue())) as guarded:
        assert guarded.sheetnames == ["图表", "Sheet"]
        assert list(guarded.rows(max_rows=5, max_cols=2)) == []
        assert list(guarded.rows("Sheet", max_rows=5, max_cols=2)) == [(1, 2)]
