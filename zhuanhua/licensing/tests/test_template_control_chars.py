"""The licence's .xlsx templates go through the writer that drops what Excel cannot store."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from zhuanhua.licensing import imports


def test_template_writer_drops_control_characters() -> None:
    content = imports._workbook("收入报告", ["期间起\x01"], [["备注\x1f文本"]], [14])
    ws = load_workbook(io.BytesIO(content)).active
    assert [ws["A1"].value, ws["A2"].value] == ["期间起", "备注文本"]
