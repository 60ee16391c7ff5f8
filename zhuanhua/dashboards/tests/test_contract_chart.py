"""Dashboards: registered technology contracts by type and transaction amount, equal to the
records, under every filter combination."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from zhuanhua.contracts import services
from zhuanhua.contracts.tests.conftest import contract_input, pdf
from zhuanhua.dashboards.charts import Filters, chart_data


@pytest.fixture
def registered(make_org: Any, make_user: Any, manager_a: Any) -> Any:
    registrar = make_org(name="云南省技术市场（图表测试）", org_type="contract_registrar")
    clerk = make_user("chart_clerk", registrar, ["contract_registrar"])
    rows = []
    for kind, amount, tech in (("development", "200000", "180000"), ("service", "50000", "50000")):
        c = services.contract_submit_for_registration(
            user=manager_a,
            data=contract_input(declared_type=kind, contract_amount=Decimal(amount)),
            registrar=registrar,
            signed_pdf=pdf(),
            today=dt.date(2026, 3, 2),
        )
        rows.append(
            services.contract_register(
                user=clerk,
                contract=c,
                contract_type=kind,
                transaction_amount=tech,
                amount_reason="设备费" if tech != amount else "",
                today=dt.date(2026, 3, 9),
            )
        )
    return rows


def test_rows_equal_the_registered_contracts(registered: Any) -> None:
    rows = {r[0]: r[1:] for r in chart_data("contracts_by_type", Filters()).rows}
    assert rows["技术开发"] == [1, Decimal("200000.00"), Decimal("180000.00")]
    assert rows["技术服务"] == [1, Decimal("50000.00"), Decimal("50000.00")]
    assert rows["技术转让"] == [0, Decimal("0.00"), Decimal("0.00")]
    assert all(r[1] == 0 for r in chart_data("contracts_by_type", Filters(year=2025)).rows)
    assert all(
        r[1] == 0 for r in chart_data("contracts_by_type", Filters(org_type="enterprise")).rows
    )
    assert (
        sum(r[1] for r in chart_data("contracts_by_type", Filters(prefecture="530100")).rows) == 2
    )


@pytest.mark.parametrize("year", ["", "2026"])
@pytest.mark.parametrize("prefecture", ["", "530100", "532500"])
@pytest.mark.parametrize("org_type", ["", "university", "enterprise"])
def test_answers_under_every_filter_combination(
    client: Any, reviewer: Any, registered: Any, year: str, prefecture: str, org_type: str
) -> None:
    client.force_login(reviewer)
    query = f"year={year}&prefecture={prefecture}&org_type={org_type}"
    response = client.get(f"/api/dashboards/charts/contracts_by_type?{query}")
    assert response.status_code == 200, response.content[:200]
    body = response.json()
    assert body["key"] == "contracts_by_type"
    assert len(body["rows"]) == 5
