"""单列管理 (measure 2): pilot units keep a ledger with equity contributions and later decisions;
one unit never sees another's ledger; the ledger exports to .xlsx; equity reaches the report."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from zhuanhua.achievements.models import Achievement
from zhuanhua.audit.models import AuditEntry
from zhuanhua.core.uscc import make_uscc
from zhuanhua.transfer import services
from zhuanhua.transfer.models import EquityDecision, LedgerEntry
from zhuanhua.transfer.services import (
    equity_contribution_create,
    equity_decision_create,
    ledger_entry_create,
    pilot_add,
    transfer_report_create,
)

COMPANY_USCC = make_uscc("91530100MA6K00001")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def pilot_a(unit_a: Any, reviewer: Any) -> Any:
    return pilot_add(
        user=reviewer, organisation=unit_a, joined_on=dt.date(2025, 1, 1), note="云科发〔2025〕1 号"
    )


@pytest.fixture
def entry_a(pilot_a: Any, manager_a: Any, published_a: Any) -> LedgerEntry:
    return ledger_entry_create(
        user=manager_a, achievement=published_a, entered_on=dt.date(2025, 2, 1), note="单列管理"
    )


@pytest.fixture
def contribution_a(entry_a: LedgerEntry, manager_a: Any) -> Any:
    return equity_contribution_create(
        user=manager_a,
        entry=entry_a,
        company_name="云南储氢新材料有限公司",
        company_uscc=COMPANY_USCC,
        shares="1200000",
        value_amount="3600000.00",
        contributed_on="2025-03-15",
    )


def test_pilot_is_the_departments_call(
    unit_a: Any, manager_a: Any, reviewer: Any, make_org: Any
) -> None:
    with pytest.raises(PermissionDenied):
        pilot_add(user=manager_a, organisation=unit_a)
    with pytest.raises(ValidationError) as exc:
        pilot_add(user=reviewer, organisation=make_org(name="某公司", org_type="enterprise"))
    assert exc.value.message_dict == {"organisation": [services.ERR_NOT_RESEARCH_ORG]}
    pilot_add(user=reviewer, organisation=unit_a)
    with pytest.raises(ValidationError) as exc:
        pilot_add(user=reviewer, organisation=unit_a)
    assert exc.value.message_dict == {"organisation": [services.ERR_ALREADY_PILOT]}


def test_only_pilot_units_keep_a_ledger(manager_a: Any, published_a: Any) -> None:
    with pytest.raises(PermissionDenied) as exc:
        ledger_entry_create(user=manager_a, achievement=published_a)
    assert str(exc.value) == services.ERR_NOT_IN_PILOT


def test_entry_contribution_decision(
    contribution_a: Any, entry_a: LedgerEntry, manager_a: Any, published_a: Any
) -> None:
    assert (contribution_a.shares, contribution_a.value_amount) == (
        Decimal("1200000.00"),
        Decimal("3600000.00"),
    )
    with pytest.raises(ValidationError) as exc:
        ledger_entry_create(user=manager_a, achievement=published_a)
    assert exc.value.message_dict == {"achievement": [services.ERR_LEDGER_EXISTS]}
    with pytest.raises(ValidationError) as exc:
        equity_contribution_create(
            user=manager_a,
            entry=entry_a,
            company_name="",
            company_uscc="91530100MA6K00002X",
            shares="-1",
            value_amount="1.001",
            contributed_on="2999-01-01",
        )
    assert set(exc.value.message_dict) == {
        "company_name",
        "company_uscc",
        "shares",
        "value_amount",
        "contributed_on",
    }
    assert exc.value.message_dict["shares"] == [services.ERR_POSITIVE]
    assert exc.value.message_dict["contributed_on"] == [services.ERR_NOT_FUTURE]

    decision = equity_decision_create(
        user=manager_a,
        contribution=contribution_a,
        kind="public_transfer",
        decided_on=dt.date(2026, 1, 10),
        note="经党委会决定在产权交易所公开转让",
        upload=SimpleUploadedFile("决策文件.pdf", PDF, content_type="application/pdf"),
    )
    assert decision.original_name == "决策文件.pdf"
    assert len(decision.sha256) == 64
    with pytest.raises(ValidationError) as exc:
        equity_decision_create(
            user=manager_a,
            contribution=contribution_a,
            kind="sell",
            decided_on="2026-01-10",
            upload=SimpleUploadedFile("a.exe", b"MZ....", content_type="application/octet-stream"),
        )
    assert set(exc.value.message_dict) == {"kind", "document"}
    assert (
        AuditEntry.objects.filter(
            action__in=[
                "separate_management.pilot_add",
                "ledger_entry.create",
                "equity_contribution.create",
                "equity_decision.create",
            ]
        ).count()
        == 4
    )


def test_one_unit_cannot_see_anothers_ledger(
    client: Any,
    contribution_a: Any,
    entry_a: LedgerEntry,
    manager_a: Any,
    manager_b: Any,
    unit_b: Any,
    reviewer: Any,
) -> None:
    decision = equity_decision_create(
        user=manager_a,
        contribution=contribution_a,
        kind="internal_transfer",
        decided_on=dt.date(2026, 1, 10),
        upload=SimpleUploadedFile("decision.pdf", PDF, content_type="application/pdf"),
    )
    pilot_add(user=reviewer, organisation=unit_b)
    client.force_login(manager_b)
    assert client.get(f"/transfer/ledger/{entry_a.pk}/").status_code == 404
    assert (
        client.post(
            f"/transfer/ledger/{entry_a.pk}/",
            {
                "company_name": "x",
                "company_uscc": COMPANY_USCC,
                "shares": "1",
                "value_amount": "1",
                "contributed_on": "2025-01-01",
            },
        ).status_code
        == 404
    )
    assert client.get(f"/transfer/ledger/decisions/{decision.pk}/document/").status_code == 404
    assert (
        client.post(
            f"/transfer/ledger/contributions/{contribution_a.pk}/decisions/",
            {"kind": "public_transfer"},
        ).status_code
        == 404
    )
    listing = client.get("/transfer/ledger/")
    assert list(listing.context["entries"]) == []
    export = client.get("/transfer/ledger/export.xlsx")
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws.max_row == 2  # title and headers only
    with pytest.raises(PermissionDenied):
        equity_contribution_create(
            user=manager_b,
            entry=entry_a,
            company_name="x",
            company_uscc=COMPANY_USCC,
            shares="1",
            value_amount="1",
            contributed_on="2025-01-01",
        )

    client.force_login(manager_a)
    page = client.get(f"/transfer/ledger/{entry_a.pk}/")
    assert page.status_code == 200
    assert "云南储氢新材料有限公司" in page.content.decode()
    document = client.get(f"/transfer/ledger/decisions/{decision.pk}/document/")
    assert document.status_code == 200
    assert b"".join(document.streaming_content) == PDF


def test_ledger_export(client: Any, contribution_a: Any, manager_a: Any) -> None:
    equity_decision_create(
        user=manager_a,
        contribution=contribution_a,
        kind="outward_investment",
        decided_on=dt.date(2026, 2, 1),
        upload=SimpleUploadedFile("对外投资决定.pdf", PDF, content_type="application/pdf"),
    )
    client.force_login(manager_a)
    response = client.get("/transfer/ledger/export.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "云南大学（测试） 科技成果单列管理台账"
    row = [c.value for c in ws[3]]
    assert row[1] == "一种固态储氢材料的制备方法"
    assert row[6:12] == [
        "云南储氢新材料有限公司",
        COMPANY_USCC,
        1200000,
        3600000,
        dt.datetime(2025, 3, 15),
        "2026-02-01 对外投资（对外投资决定.pdf）",
    ]


def test_equity_reaches_the_transfer_report(contribution_a: Any, manager_a: Any) -> None:
    Achievement.objects.filter(pk=contribution_a.entry.achievement_id).update(
        transfer_status="equity_contributed", transferred_on=dt.date(2025, 3, 15)
    )
    report = transfer_report_create(
        user=manager_a, year=2025, period_kind="year", today=dt.date(2026, 1, 2)
    )
    line = report.lines.get()
    assert (line.transfer_mode, line.counterparty, line.contract_amount, line.received_amount) == (
        "作价入股",
        "云南储氢新材料有限公司（作价入股）",
        Decimal("3600000.00"),
        None,
    )


def test_pages_enter_and_contribute(
    client: Any, pilot_a: Any, manager_a: Any, published_a: Any
) -> None:
    client.force_login(manager_a)
    response = client.post(
        "/transfer/ledger/", {"achievement": published_a.pk, "entered_on": "2025-02-01", "note": ""}
    )
    entry = LedgerEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/transfer/ledger/{entry.pk}/"
    response = client.post(
        f"/transfer/ledger/{entry.pk}/",
        {
            "company_name": "云南储氢新材料有限公司",
            "company_uscc": "91530100MA6K00002X",
            "shares": "100",
            "value_amount": "100",
            "contributed_on": "2025-03-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["company_uscc"]
    response = client.post(
        f"/transfer/ledger/{entry.pk}/",
        {
            "company_name": "云南储氢新材料有限公司",
            "company_uscc": COMPANY_USCC,
            "shares": "100",
            "value_amount": "100",
            "contributed_on": "2025-03-01",
        },
    )
    assert response.status_code == 302
    contribution = entry.contributions.get()
    response = client.post(
        f"/transfer/ledger/contributions/{contribution.pk}/decisions/",
        {
            "kind": "public_transfer",
            "decided_on": "2026-01-01",
            "note": "",
            "document": SimpleUploadedFile("d.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    assert EquityDecision.objects.count() == 1
