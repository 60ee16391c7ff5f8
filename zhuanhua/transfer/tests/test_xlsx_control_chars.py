"""Rows holding control characters (pasted from another system) do not break the transfer
report's or the ledger's .xlsx: the writers drop what Excel cannot store."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from zhuanhua.achievements.models import Achievement
from zhuanhua.transfer import exports
from zhuanhua.transfer.services import transfer_report_create
from zhuanhua.transfer.tests.test_ledger import contribution_a, entry_a, pilot_a  # noqa: F401
from zhuanhua.transfer.tests.test_transfer_reports import TODAY, records  # noqa: F401

pytestmark = pytest.mark.django_db


def test_report_xlsx_drops_control_characters(
    records: dict[str, Any],  # noqa: F811
    manager_a: Any,
) -> None:
    report = transfer_report_create(user=manager_a, year=2025, period_kind="year", today=TODAY)
    line = report.lines.order_by("position").first()
    assert line is not None
    report.lines.filter(pk=line.pk).update(title="固态\x0b储氢", remarks="备注\x01")
    report.remarks = "说明\x0c文字"
    report.save(update_fields=["remarks"])
    ws = load_workbook(io.BytesIO(exports.report_xlsx(report))).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert {"固态储氢", "备注", "说明文字"} <= set(values)


def test_ledger_xlsx_drops_control_characters(
    client: Any,
    contribution_a: Any,  # noqa: F811
    manager_a: Any,
) -> None:
    Achievement.objects.filter(pk=contribution_a.entry.achievement_id).update(title="储氢\x1f材料")
    client.force_login(manager_a)
    response = client.get("/transfer/ledger/export.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).active["B3"].value == "储氢材料"
