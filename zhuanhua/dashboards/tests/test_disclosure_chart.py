"""The disclosures chart: disclosures per unit and year with the days to decision, equal to
the numbers counted from the records, under every filter combination."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhuanhua.dashboards.charts import Filters, chart_data
from zhuanhua.disclosures.models import Disclosure
from zhuanhua.disclosures.services import disclosure_create, disclosure_decide, disclosure_submit
from zhuanhua.disclosures.tests.conftest import DISCLOSURE_DATA


@pytest.fixture
def decided(db, make_org, make_user):
    """Unit A (university, 昆明): three disclosures in 2026 decided after 4, 10 and 30 days and one
    waiting; unit B (research institute, 大理): one in 2025 decided after 2 days."""
    a = make_org(name="甲大学", org_type="university", prefecture="530100")
    b = make_org(name="乙研究所", org_type="research_institute", prefecture="532900")
    made = []
    for unit, name, days in ((a, "ra", [4, 10, 30, None]), (b, "rb", [2])):
        researcher = make_user(name, unit, ["researcher"])
        manager = make_user(f"m_{name}", unit, ["achievement_manager"])
        data = {**DISCLOSURE_DATA, "completers": [{"name": name, "share": "100"}]}
        for n, wait in enumerate(days):
            d = disclosure_create(user=researcher, data=data)
            start = dt.date(2026 if unit == a else 2025, 3, 2)
            disclosure_submit(user=researcher, disclosure=d, today=start)
            Disclosure.objects.filter(pk=d.pk).update(
                first_submitted_at=dt.datetime(start.year, 3, 2, tzinfo=dt.UTC)
            )
            if wait is not None:
                decision = "accept" if n == 0 else "decline"
                disclosure_decide(
                    user=manager,
                    disclosure=d,
                    decision=decision,
                    reason="" if decision == "accept" else "已有同类成果",
                    today=start + dt.timedelta(days=wait),
                )
            made.append(d)
    return made


def test_counts_and_days_equal_the_records(decided):
    rows = {r[0]: r[1:] for r in chart_data("disclosures_by_unit", Filters()).rows}
    assert rows == {
        "甲大学（2026）": [4, 3, 1, Decimal("14.7"), Decimal("10.0")],
        "乙研究所（2025）": [1, 1, 1, Decimal("2.0"), Decimal("2.0")],
    }


def test_filters_apply_to_the_unit_and_the_year(decided):
    assert [r[0] for r in chart_data("disclosures_by_unit", Filters(year=2025)).rows] == [
        "乙研究所（2025）"
    ]
    assert [r[0] for r in chart_data("disclosures_by_unit", Filters(prefecture="530100")).rows] == [
        "甲大学（2026）"
    ]
    assert chart_data("disclosures_by_unit", Filters(org_type="enterprise")).rows == []


@pytest.mark.parametrize("year", ["", "2025"])
@pytest.mark.parametrize("prefecture", ["", "530100", "532500"])
@pytest.mark.parametrize("org_type", ["", "university", "enterprise"])
def test_answers_under_every_filter_combination(
    client, reviewer, decided, year, prefecture, org_type
):
    client.force_login(reviewer)
    query = f"year={year}&prefecture={prefecture}&org_type={org_type}"
    response = client.get(f"/api/dashboards/charts/disclosures_by_unit?{query}")
    assert response.status_code == 200, response.content[:200]
    body = response.json()
    assert body["key"] == "disclosures_by_unit"
    assert len(body["columns"]) == 6
