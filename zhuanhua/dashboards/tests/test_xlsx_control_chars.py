"""A chart whose rows hold control characters (an organisation's name pasted with a form feed)
still downloads as .xlsx, without them."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from zhuanhua.dashboards.charts import ChartData
from zhuanhua.dashboards.views import _xlsx


def test_chart_xlsx_drops_control_characters() -> None:
    data = ChartData(
        key="k",
        title="标题\x0c",
        kind="bar",
        columns=["单位\x00", "数量"],
        rows=[["某\x0b大学", 3]],
    )
    response = _xlsx(data)
    content = b"".join(response.streaming_content)  # type: ignore[arg-type]
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows == [("标题", None), ("单位", "数量"), ("某大学", 3)]
