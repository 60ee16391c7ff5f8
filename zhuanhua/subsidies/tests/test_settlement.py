"""Budget figures, batch settlement, the disbursement workbook and the returned payment file."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhuanhua.subsidies import selectors, services
from zhuanhua.subsidies.models import Grant
from zhuanhua.subsidies.settlement import disbursement_xlsx
from zhuanhua.subsidies.tests.conftest import approved as _approved

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def grants(submit: Any, reviewer: Any, make_org: Any, make_user: Any) -> list[Grant]:
    g1 = _approved(services.application_approve(user=reviewer, application=submit()))
    g2 = _approved(
        services.application_approve(
            user=reviewer,
            application=submit("M7-3"),
            amount=Decimal("300000"),
            reason="按实际投入核减",
        )
    )
    uni = make_org(name="测试大学", org_type="university", prefecture="532900")
    staff = make_user("uni_staff", uni, ["achievement_manager"])
    g3 = _approved(
        services.application_approve(
            user=reviewer, application=submit("M7-2", user=staff, base_amount=Decimal("1000000.00"))
        )
    )
    return [g1, g2, g3]


def _xlsx(ids: list[int]) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["拨付回执"])
    ws.append(["补助编号", "金额"])
    for i in ids:
        ws.append([i, 1])
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("回执.xlsx", buf.getvalue(), content_type=XLSX)


def test_budget_committed_paid_remaining(grants: list[Grant]) -> None:
    rows = {r.code: r for r in selectors.budget_rows(timezone.localdate().year)}
    assert rows["M7-1"].committed_amount == Decimal("1000000.00")
    assert rows["M7-1"].remaining_amount == Decimal("149000000.00")
    assert rows["M7-3"].committed_amount == Decimal("300000.00")
    assert rows["M7-2"].committed_amount == Decimal("200000.00")
    assert rows["M7-4"].budget_amount is None
    assert rows["M7-4"].remaining_amount is None
    assert rows["M7-1"].paid_amount == Decimal("0.00")
    assert selectors.budget_rows(1999)[0].committed_amount == Decimal("0.00")


def test_settlement_and_payment_file(grants: list[Grant], reviewer: Any, finance: Any) -> None:
    today = timezone.localdate()
    batch = services.settlement_create(
        user=reviewer, period_from_on=today - dt.timedelta(days=1), period_to_on=today
    )
    batch = services.settlement_sign_off(user=finance, batch=batch)
    assert batch.grant_count == 3
    assert batch.total_amount == Decimal("1500000.00")
    assert set(Grant.objects.values_list("status", flat=True)) == {"in_settlement"}
    with pytest.raises(ValidationError) as exc:
        services.settlement_create(user=reviewer, period_from_on=today, period_to_on=today)
    assert exc.value.messages == ["该期间内没有待结算的已批准补助"]

    wb = openpyxl.load_workbook(io.BytesIO(disbursement_xlsx(batch)))
    assert wb.sheetnames == ["汇总", "曲靖市", "大理白族自治州", "措施M7-1", "措施M7-2", "措施M7-3"]
    assert [c.value for c in wb["汇总"][2]][:3] == ["补助编号", "申请编号", "措施"]
    assert wb["大理白族自治州"].cell(row=3, column=3).value == "M7-2"

    with pytest.raises(ValidationError) as exc:
        services.settlement_mark_paid(user=reviewer, batch=batch, upload=_xlsx([999999]))
    assert exc.value.messages == ["以下补助编号不属于本批次：999999"]
    paid = services.settlement_mark_paid(
        user=reviewer, batch=batch, upload=_xlsx([grants[0].pk]), paid_on=dt.date(2026, 1, 5)
    )
    assert paid == [grants[0].pk]
    batch.refresh_from_db()
    assert batch.status == "partly_paid"
    # The disbursement list itself, returned, pays the rest.
    returned = SimpleUploadedFile("back.xlsx", disbursement_xlsx(batch), content_type=XLSX)
    services.settlement_mark_paid(user=reviewer, batch=batch, upload=returned)
    batch.refresh_from_db()
    assert batch.status == "paid"
    assert set(Grant.objects.values_list("status", flat=True)) == {"paid"}
    assert Grant.objects.get(pk=grants[0].pk).paid_on == dt.date(2026, 1, 5)
    rows = {r.code: r for r in selectors.budget_rows(today.year)}
    assert rows["M7-1"].paid_amount == Decimal("1000000.00")
    with pytest.raises(ValidationError) as exc:
        services.settlement_mark_paid(user=reviewer, batch=batch, upload=_xlsx([grants[0].pk]))
    assert exc.value.messages == ["该批次已全部拨付"]


def test_payment_file_errors(grants: list[Grant], reviewer: Any, finance: Any) -> None:
    today = timezone.localdate()
    batch = services.settlement_create(user=reviewer, period_from_on=today, period_to_on=today)
    batch = services.settlement_sign_off(user=finance, batch=batch)
    with pytest.raises(ValidationError) as exc:
        services.settlement_mark_paid(
            user=reviewer,
            batch=batch,
            upload=SimpleUploadedFile("x.pdf", b"%PDF-1.4\n", content_type="application/pdf"),
        )
    assert exc.value.messages == ["无法读取拨付回执，请上传 .xlsx 文件"]
    wb = openpyxl.Workbook()
    wb.active.append(["no ids here"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ValidationError) as exc:
        services.settlement_mark_paid(
            user=reviewer,
            batch=batch,
            upload=SimpleUploadedFile("x.xlsx", buf.getvalue(), content_type=XLSX),
        )
    assert exc.value.messages == ["拨付回执中没有找到“补助编号”列或补助编号"]
    with pytest.raises(ValidationError) as exc:
        services.settlement_create(
            user=reviewer, period_from_on=today, period_to_on=today - dt.timedelta(days=1)
        )
    assert exc.value.messages == ["结束日期不能早于开始日期"]
