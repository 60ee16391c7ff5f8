"""转化清单: the report states the records exactly, submitting freezes it, the supervisor sees who
has and has not submitted and downloads each as .xlsx and PDF."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from zhuanhua.achievements.models import Achievement
from zhuanhua.audit import chain
from zhuanhua.audit.models import AuditEntry
from zhuanhua.licensing import services as lic
from zhuanhua.licensing.models import Licence
from zhuanhua.licensing.services import payment_record
from zhuanhua.transfer import services
from zhuanhua.transfer.models import TransferReport, UseFirstListEntry
from zhuanhua.transfer.services import (
    transfer_report_create,
    transfer_report_regenerate,
    transfer_report_submit,
    transfer_report_update,
)

TODAY = dt.date(2026, 3, 1)

VERSION_TERMS = {
    "fee_model": "staged_royalty",
    "start": "2025-01-01",
    "end": "2026-12-31",
    "upfront_fee": "10000",
    "installments": [{"key": "首付节点", "amount": "50000.50", "due": "2025-06-30"}],
    "royalty": {"rate": "0.05", "period": "quarter"},
}
OFFER_DATA = {
    "summary": "镁基固态储氢材料制备方法，许可中小微企业先使用后付费。",
    "fee_standard": "门槛费 1 万元；首付节点 5 万元；按季度收入的 5% 提成。",
    "fee_model": "staged_royalty",
    "terms": {k: VERSION_TERMS[k] for k in ("upfront_fee", "installments", "royalty")},
    "license_mode": "non_exclusive",
    "term_months": 24,
}


@pytest.fixture
def records(
    published_a: Any, manager_a: Any, make_org: Any, make_user: Any, make_achievement: Any
) -> dict[str, Any]:
    """unit_a: a licensed achievement with two payments, a self-implemented one, an untransferred
    one on the 先用后转 list, one not fiscally funded and one obtained after the period."""
    enterprise = make_org(name="昆明氢能科技有限公司", org_type="enterprise", is_sme=True)
    agent = make_user("licensee", enterprise, ["licensee_staff"])
    offer = lic.offer_publish(user=manager_a, achievement=published_a, data=dict(OFFER_DATA))
    inquiry = lic.inquiry_open(user=agent, offer=offer, message="希望承接。")
    lic.version_propose(user=agent, inquiry=inquiry, terms=dict(VERSION_TERMS))
    licence = lic.version_accept(user=manager_a, inquiry=inquiry, number=1)
    # Signed (the licensing app records this with the signed PDF; its details are not ours).
    Licence.objects.filter(pk=licence.pk).update(status="active", signed_on=dt.date(2025, 1, 1))
    lic.payment_record(user=manager_a, licence=licence, amount="10000", paid_on="2025-02-01")
    lic.payment_record(user=manager_a, licence=licence, amount="20000.25", paid_on="2025-07-01")
    lic.payment_record(user=manager_a, licence=licence, amount="999", paid_on="2026-01-05")
    Achievement.objects.filter(pk=published_a.pk).update(
        transfer_status="licensed", transferred_on=dt.date(2025, 1, 1)
    )

    self_impl = make_achievement(
        manager_a, dt.date(2022, 1, 4), title="高原茶树扦插育苗技术", ip_number="ZL202210000002.2"
    )
    Achievement.objects.filter(pk=self_impl.pk).update(
        transfer_status="self_implemented", transferred_on=dt.date(2025, 9, 9)
    )
    listed = make_achievement(
        manager_a, dt.date(2021, 6, 1), title="三七连作障碍消减技术", ip_number="ZL202110000003.3"
    )
    UseFirstListEntry.objects.create(achievement=listed, joined_on=dt.date(2023, 6, 2))
    make_achievement(
        manager_a,
        dt.date(2022, 1, 1),
        title="非财政资金成果",
        fiscally_funded=False,
        ip_number="ZL202210000004.4",
    )
    make_achievement(
        manager_a, dt.date(2026, 2, 1), title="期后取得的成果", ip_number="ZL202610000005.5"
    )
    return {"licensed": published_a, "self": self_impl, "listed": listed, "enterprise": enterprise}


def _lines(report: TransferReport) -> list[tuple[Any, ...]]:
    return [
        (
            x.position,
            x.title,
            x.ip_number,
            x.ip_acquired_on,
            x.transfer_status,
            x.transfer_mode,
            x.transferred_on,
            x.counterparty,
            x.contract_amount,
            x.received_amount,
            x.on_use_first_list,
            x.remarks,
        )
        for x in report.lines.order_by("position")
    ]


def test_report_lines_equal_the_records(records: dict[str, Any], manager_a: Any) -> None:
    report = transfer_report_create(user=manager_a, year=2025, period_kind="year", today=TODAY)
    assert (report.period_start, report.period_end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert report.status == "draft"
    assert _lines(report) == [
        (
            1,
            "三七连作障碍消减技术",
            "ZL202110000003.3",
            dt.date(2021, 6, 1),
            "untransferred",
            "",
            None,
            "",
            None,
            None,
            True,
            "",
        ),
        (
            2,
            "高原茶树扦插育苗技术",
            "ZL202210000002.2",
            dt.date(2022, 1, 4),
            "self_implemented",
            "自行实施",
            dt.date(2025, 9, 9),
            "",
            None,
            None,
            False,
            "",
        ),
        (
            3,
            "一种固态储氢材料的制备方法",
            "ZL202110000001.1",
            dt.date(2023, 5, 10),
            "licensed",
            "许可",
            dt.date(2025, 1, 1),
            "昆明氢能科技有限公司（许可）",
            Decimal("60000.50"),
            Decimal("30000.25"),
            False,
            "",
        ),
    ]
    # The first half-year counts only the money received by 30 June.
    h1 = transfer_report_create(user=manager_a, year=2025, period_kind="h1", today=TODAY)
    assert [x.received_amount for x in h1.lines.order_by("position")] == [
        None,
        None,
        Decimal("10000.00"),
    ]
    assert AuditEntry.objects.filter(action="transfer_report.create").count() == 2


def test_submission_freezes_the_snapshot(records: dict[str, Any], manager_a: Any) -> None:
    report = transfer_report_create(user=manager_a, year=2025, period_kind="year", today=TODAY)
    line = report.lines.get(position=2)
    transfer_report_update(
        user=manager_a,
        report=report,
        remarks="按年度报送",
        line_remarks={line.pk: "校内中试基地自行实施"},
    )
    before = _lines(report)
    transfer_report_submit(user=manager_a, report=report)
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.submitted_by == manager_a

    # The records change afterwards: the submitted report does not.
    Achievement.objects.filter(pk=records["listed"].pk).update(title="改名后的成果")
    payment_record(user=manager_a, licence=Licence.objects.get(), amount="5", paid_on="2025-03-01")
    assert _lines(report) == before
    assert before[1][-1] == "校内中试基地自行实施"
    for attempt in (
        lambda: transfer_report_regenerate(user=manager_a, report=report),
        lambda: transfer_report_update(user=manager_a, report=report, remarks="x", line_remarks={}),
        lambda: transfer_report_submit(user=manager_a, report=report),
    ):
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert exc.value.message_dict == {"status": [services.ERR_REPORT_FROZEN]}
    # The audit entry digests the frozen lines exactly as submitted.
    submit = AuditEntry.objects.get(action="transfer_report.submit")
    assert submit.after_digest == chain.digest(services.transfer_report_state(report))


def test_regenerate_reads_the_records_again_and_keeps_remarks(
    records: dict[str, Any], manager_a: Any
) -> None:
    report = transfer_report_create(user=manager_a, year=2025, period_kind="year", today=TODAY)
    first = report.lines.get(position=1)
    transfer_report_update(
        user=manager_a, report=report, remarks="", line_remarks={first.pk: "拟公开挂牌"}
    )
    Achievement.objects.filter(pk=records["listed"].pk).update(title="三七连作障碍消减技术（修订）")
    transfer_report_regenerate(user=manager_a, report=report)
    line = report.lines.get(position=1)
    assert (line.title, line.remarks) == ("三七连作障碍消减技术（修订）", "拟公开挂牌")


def test_create_checks(manager_a: Any, unit_a: Any, make_user: Any, make_org: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        transfer_report_create(user=manager_a, year=2026, period_kind="h2", today=TODAY)
    assert exc.value.message_dict == {"year": [services.ERR_PERIOD_FUTURE]}
    with pytest.raises(ValidationError) as exc:
        transfer_report_create(user=manager_a, year="20x5", period_kind="quarter", today=TODAY)
    assert exc.value.message_dict == {
        "year": [services.ERR_YEAR],
        "period_kind": [services.ERR_PERIOD_KIND],
    }
    transfer_report_create(user=manager_a, year=2025, period_kind="year", today=TODAY)
    with pytest.raises(ValidationError) as exc:
        transfer_report_create(user=manager_a, year=2025, period_kind="year", today=TODAY)
    assert exc.value.message_dict == {"period_kind": [services.ERR_REPORT_EXISTS]}
    researcher = make_user("researcher_a", unit_a, ["researcher"])
    with pytest.raises(PermissionDenied):
        transfer_report_create(user=researcher, year=2025, period_kind="h1", today=TODAY)
    company = make_org(name="某企业", org_type="enterprise")
    with pytest.raises(PermissionDenied):
        transfer_report_create(
            user=make_user("ent_admin", company, ["org_admin"]),
            year=2025,
            period_kind="year",
            today=TODAY,
        )


def test_supervisor_sees_submitted_and_missing(
    client: Any,
    records: dict[str, Any],
    manager_a: Any,
    manager_b: Any,
    unit_a: Any,
    unit_b: Any,
    reviewer: Any,
    make_org: Any,
) -> None:
    transfer_report_submit(
        user=manager_a,
        report=transfer_report_create(user=manager_a, year=2025, period_kind="year", today=TODAY),
    )
    draft_b = transfer_report_create(user=manager_b, year=2025, period_kind="year", today=TODAY)
    make_org(name="云南省第一人民医院（测试）", org_type="medical_institution")
    make_org(name="待审核研究所", org_type="research_institute", status="pending")

    client.force_login(reviewer)
    page = client.get("/transfer/reports/overview/?year=2025&period_kind=year")
    assert page.status_code == 200
    rows = {row.organisation.name: row.submitted for row in page.context["rows"]}
    assert rows == {
        "云南大学（测试）": True,
        "昆明理工大学（测试）": False,
        "云南省第一人民医院（测试）": False,
    }
    assert (page.context["submitted_count"], page.context["missing_count"]) == (1, 2)
    # The supervisor never sees a unit's draft.
    assert client.get(f"/transfer/reports/{draft_b.pk}/").status_code == 404
    assert client.get(f"/transfer/reports/{draft_b.pk}/report.xlsx").status_code == 404
    other = client.get("/transfer/reports/overview/?year=2025&period_kind=h1")
    assert sum(1 for row in other.context["rows"] if row.submitted) == 0

    client.force_login(manager_a)
    assert client.get("/transfer/reports/overview/").status_code == 403
    client.force_login(manager_b)
    submitted_a = TransferReport.objects.get(organisation=unit_a)
    assert client.get(f"/transfer/reports/{submitted_a.pk}/").status_code == 404
    assert client.get(f"/transfer/reports/{submitted_a.pk}/report.pdf").status_code == 404


def test_xlsx_and_pdf_downloads(
    client: Any, records: dict[str, Any], manager_a: Any, reviewer: Any, tmp_path: Path
) -> None:
    report = transfer_report_create(user=manager_a, year=2025, period_kind="year", today=TODAY)
    transfer_report_submit(user=manager_a, report=report)
    client.force_login(reviewer)

    response = client.get(f"/transfer/reports/{report.pk}/report.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "云南大学（测试） 2025 年全年科技成果转化清单"
    assert [c.value for c in ws[2]][:3] == ["序号", "成果名称", "知识产权类型"]
    licensed = [c.value for c in ws[5]]
    assert licensed[1] == "一种固态储氢材料的制备方法"
    assert licensed[6:11] == [
        "许可",
        dt.datetime(2025, 1, 1),
        "昆明氢能科技有限公司（许可）",
        60000.5,
        30000.25,
    ]

    response = client.get(f"/transfer/reports/{report.pk}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    from PIL import Image

    png = next(tmp_path.glob("page*.png"))
    image = Image.open(png).convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 500  # text and table lines were drawn, not a blank page


def test_unit_pages_create_edit_submit(
    client: Any, records: dict[str, Any], manager_a: Any, unit_a: Any
) -> None:
    client.force_login(manager_a)
    response = client.post("/transfer/reports/", {"year": "2025", "period_kind": "year"})
    report = TransferReport.objects.get(organisation=unit_a)
    assert response.status_code == 302
    assert response["Location"] == f"/transfer/reports/{report.pk}/"
    page = client.get(f"/transfer/reports/{report.pk}/")
    assert page.status_code == 200
    assert page.context["editable"]
    line = report.lines.get(position=1)
    response = client.post(
        f"/transfer/reports/{report.pk}/",
        {"remarks": "年度报送", f"remarks_{line.pk}": "已挂牌", "then": "submit"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    line.refresh_from_db()
    assert (report.status, report.remarks, line.remarks) == ("submitted", "年度报送", "已挂牌")
    assert client.post(f"/transfer/reports/{report.pk}/", {"remarks": "x"}).status_code == 403
