"""Unit performance evaluation: every figure equals a direct computation from the records."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.utils import timezone

from zhuanhua.achievements.models import Achievement
from zhuanhua.engines.common import add_years_civil
from zhuanhua.licensing.models import ContractRegistration, DistributionPlan, Licence, Payment
from zhuanhua.projects.models import FundedProject
from zhuanhua.projects.selectors import Period, performance_records, unit_performance
from zhuanhua.projects.services import DutyInput, ProjectInput, project_create
from zhuanhua.projects.tests.conftest import make_achievement, make_licence, make_payment

pytestmark = pytest.mark.django_db

PERIOD = Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@pytest.fixture
def records(reviewer: Any, unit_a: Any, unit_b: Any, make_org: Any) -> dict[str, Any]:
    hospital = make_org(name="某医院", org_type="medical_institution")
    enterprise = make_org(name="某企业", org_type="enterprise")
    duty = [DutyInput(description="转化", due_on=dt.date(2026, 1, 1))]
    for code, lead, amount, start in [
        ("P1", unit_a, "1000000.00", dt.date(2024, 3, 1)),
        ("P2", unit_a, "500000.00", dt.date(2024, 12, 31)),
        ("P3", unit_a, "700000.00", dt.date(2023, 12, 31)),  # outside the period
        ("P4", unit_b, "300000.00", dt.date(2024, 1, 1)),
        ("P5", enterprise, "900000.00", dt.date(2024, 5, 1)),  # not an evaluated unit
    ]:
        project_create(
            user=reviewer,
            data=ProjectInput(
                programme="重点研发计划",
                code=code,
                title=code,
                lead=lead,
                funding_amount=Decimal(amount),
                start_on=start,
                acceptance_due_on=dt.date(2026, 1, 1),
                duties=duty,
            ),
        )
    # unit_a: two in the period (one know-how), one draft, one before; cohort for the 2-year share
    a1 = make_achievement(unit_a, ip_acquired_on=dt.date(2024, 2, 1))
    make_achievement(unit_a, ip_type="know_how", ip_number="", ip_acquired_on=dt.date(2024, 7, 1))
    make_achievement(unit_a, status="draft", ip_acquired_on=dt.date(2024, 7, 1))
    # deadline 2024-03-10, transferred in time
    make_achievement(
        unit_a,
        ip_acquired_on=dt.date(2022, 3, 10),
        transfer_status="transferred",
        transferred_on=dt.date(2024, 3, 10),
    )
    # deadline 2024-06-01, transferred late (still a transfer in the period)
    make_achievement(
        unit_a,
        ip_acquired_on=dt.date(2022, 6, 1),
        transfer_status="licensed",
        transferred_on=dt.date(2024, 6, 2),
    )
    # deadline 2024-02-28: untransferred
    make_achievement(unit_a, ip_acquired_on=dt.date(2022, 2, 28))
    # deadline 2025-01-01: outside the cohort
    make_achievement(unit_a, ip_acquired_on=dt.date(2023, 1, 1))
    # not fiscally funded: outside the cohort
    make_achievement(unit_a, ip_acquired_on=dt.date(2022, 5, 1), fiscally_funded=False)
    # no IP date: counts from the day it was registered (today, outside the period)
    make_achievement(
        unit_b, ip_type="know_how", ip_number="", ip_acquired_on=None, fiscally_funded=False
    )
    registered = make_achievement(unit_b, ip_type="know_how", ip_number="", ip_acquired_on=None)
    Achievement.objects.filter(pk=registered.pk).update(
        created_at=dt.datetime(2024, 7, 1, 12, tzinfo=dt.UTC)
    )  # counts for 2024
    b1 = make_achievement(unit_b, ip_acquired_on=dt.date(2024, 4, 4))
    l1 = make_licence(a1, enterprise, signed_on=dt.date(2024, 4, 1))
    make_licence(a1, enterprise, signed_on=None, status="draft_contract")
    l3 = make_licence(b1, enterprise, signed_on=dt.date(2025, 1, 2))
    make_payment(l1, "1000.10", dt.date(2024, 5, 1))
    make_payment(l1, "2000.20", dt.date(2025, 1, 1))
    make_payment(l3, "333.33", dt.date(2024, 12, 31))
    return {"hospital": hospital}


def direct(unit: Any) -> dict[str, Any]:
    """The figures computed record by record, in plain Python."""
    s, e = PERIOD.start, PERIOD.end
    projects = [
        p for p in FundedProject.objects.all() if p.lead_id == unit.pk and s <= p.start_on <= e
    ]
    achievements = [
        a
        for a in Achievement.objects.filter(owner=unit)
        if a.status != "draft"
        and s <= (a.ip_acquired_on or timezone.localtime(a.created_at).date()) <= e
    ]
    transfers = [
        a
        for a in Achievement.objects.filter(owner=unit)
        if a.transfer_status != "untransferred" and a.transferred_on and s <= a.transferred_on <= e
    ]
    licences = [
        lic
        for lic in Licence.objects.filter(licensor=unit).only("id", "signed_on", "status")
        if lic.signed_on and s <= lic.signed_on <= e and lic.status != "draft_contract"
    ]
    received = sum(
        (p.amount for p in Payment.objects.filter(licence__licensor=unit) if s <= p.paid_on <= e),
        Decimal("0.00"),
    )
    funding = sum((p.funding_amount for p in projects), Decimal("0.00"))
    cohort = [
        a
        for a in Achievement.objects.filter(owner=unit, fiscally_funded=True)
        if a.status != "draft"
        and a.ip_acquired_on
        and s <= add_years_civil(a.ip_acquired_on, 2) <= e
    ]
    in_time = [
        a
        for a in cohort
        if a.transferred_on
        and a.ip_acquired_on
        and a.transferred_on <= add_years_civil(a.ip_acquired_on, 2)
    ]
    q = Decimal("0.0001")
    return {
        "funding_amount": funding,
        "project_count": len(projects),
        "achievement_count": len(achievements),
        "ip_count": len([a for a in achievements if a.ip_type != "know_how"]),
        "transfer_count": len(transfers),
        "licence_count": len(licences),
        "received_amount": received,
        "received_per_funding": (received / funding).quantize(q, ROUND_HALF_UP)
        if funding
        else None,
        "transferred_within_two_years_share": (Decimal(len(in_time)) / len(cohort)).quantize(
            q, ROUND_HALF_UP
        )
        if cohort
        else None,
    }


def test_figures_equal_a_direct_computation(records: Any, unit_a: Any, unit_b: Any) -> None:
    rows = {r.unit.pk: r for r in unit_performance(PERIOD)}
    assert set(rows) == {unit_a.pk, unit_b.pk, records["hospital"].pk}  # no enterprise
    for unit in (unit_a, unit_b, records["hospital"]):
        expected = direct(unit)
        got = {k: rows[unit.pk].figures[k] for k in expected}
        assert got == expected, unit.name
    # The fixture's hand-computed values, so the direct computation itself is checked too.
    a = rows[unit_a.pk].figures
    assert a["funding_amount"] == Decimal("1500000.00")
    assert (a["achievement_count"], a["ip_count"], a["transfer_count"]) == (2, 1, 2)
    assert (a["cohort_size"], a["cohort_transferred"]) == (3, 1)
    assert a["transferred_within_two_years_share"] == Decimal("0.3333")
    assert a["received_per_funding"] == Decimal("0.0007")
    assert rows[unit_b.pk].figures["licence_count"] == 0
    assert rows[unit_b.pk].figures["achievement_count"] == 2
    # Not yet recorded anywhere: 0, not missing.
    assert a["contract_amount"] == Decimal("0")
    assert a["distributed_amount"] == Decimal("0")


def test_ranking_and_linked_records(records: Any, unit_a: Any, unit_b: Any) -> None:
    rows = unit_performance(PERIOD, order_by="funding_amount")
    assert [r.unit.pk for r in rows][:2] == [unit_a.pk, unit_b.pk]
    assert [r.rank for r in rows] == [1, 2, 3]
    kind, items = performance_records(PERIOD, unit_a, "funding_amount")
    assert kind == "project"
    assert sorted(p.code for p in items) == ["P1", "P2"]
    kind, items = performance_records(PERIOD, unit_a, "received_amount")
    assert kind == "payment"
    assert [p.amount for p in items] == [Decimal("1000.10")]
    kind, items = performance_records(PERIOD, unit_a, "transferred_within_two_years_share")
    assert len(items) == 3
    kind, items = performance_records(PERIOD, unit_a, "licence_count")
    assert kind == "licence"
    assert len(items) == 1


def test_registrations_and_distributions_when_present(unit_a: Any, make_org: Any) -> None:
    enterprise = make_org(name="某企业", org_type="enterprise")
    licence = make_licence(make_achievement(unit_a), enterprise, signed_on=dt.date(2024, 2, 2))
    ContractRegistration.objects.create(
        licence=licence,
        contract_type="license",
        registration_number="5301-2024-001",
        registry="昆明市技术市场",
        registered_on=dt.date(2024, 3, 1),
        transaction_amount=Decimal("800000.00"),
        technical_income_amount=Decimal("700000.00"),
    )
    for recorded_on, shares in [
        (
            dt.date(2024, 6, 1),
            [
                {"name": "张三", "role": "researcher", "amount": "7000.00"},
                {"name": "李四", "role": "researcher", "amount": "1000.50"},
                {"name": "转化办", "role": "transfer_staff", "amount": "500"},
                {"name": "单位", "role": "unit", "amount": "1499.50"},
            ],
        ),
        (dt.date(2025, 6, 1), [{"name": "张三", "role": "researcher", "amount": "9999"}]),
    ]:
        DistributionPlan.objects.create(
            licence=licence,
            income_amount=Decimal("10000"),
            net_income_amount=Decimal("10000"),
            shares=shares,
            recorded_on=recorded_on,
        )
    row = next(r for r in unit_performance(PERIOD) if r.unit.pk == unit_a.pk)
    assert row.figures["contract_amount"] == Decimal("800000.00")
    assert row.figures["distributed_amount"] == Decimal("8000.50")
    kind, items = performance_records(PERIOD, unit_a, "distributed_amount")
    assert kind == "distribution"
    assert len(items) == 1
