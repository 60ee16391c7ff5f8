"""Technology managers: registry, certificates, training hours by base, the three-party
brokered deal and the agency's yearly amounts (M9-2), the base's yearly figures (M12)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.audit.models import AuditEntry
from zhuanhua.directory import services
from zhuanhua.directory.models import BrokeredDeal
from zhuanhua.directory.selectors import (
    agency_brokered_amounts,
    managers_public,
    training_base_year,
    training_hours_by_base,
)
from zhuanhua.directory.tests.conftest import make_achievement, make_licence

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(agency_admin: Any, agency: Any) -> Any:
    return services.manager_register(
        user=agency_admin,
        employer=agency,
        data={"name": "王五", "level": "intermediate", "fields": ["food", "biomedicine"]},
    )


def test_registration_rules(
    agency_admin: Any, agency: Any, make_user: Any, unit_a: Any, manager_a: Any
) -> None:
    colleague = make_user("tm", agency, ["technology_manager"])
    linked = services.manager_register(
        user=agency_admin, employer=agency, person=colleague, data={"fields": ["food"]}
    )
    assert (linked.name, linked.employer_id) == ("tm", agency.pk)
    with pytest.raises(ValidationError) as exc:
        services.manager_register(user=colleague, data={})
    assert exc.value.message_dict == {"user": [services.ERR_MANAGER_EXISTS]}
    with pytest.raises(PermissionDenied):  # another unit's staff cannot register for the agency
        services.manager_register(user=manager_a, employer=agency, data={"name": "x"})
    with pytest.raises(ValidationError) as exc:
        services.manager_register(
            user=agency_admin, employer=agency, data={"name": "x", "fields": ["astrology"]}
        )
    assert exc.value.message_dict == {"fields": [services.ERR_CHOICE]}
    # A technology manager registers themself.
    self_user = make_user("self_tm", unit_a, ["technology_manager"])
    me = services.manager_register(user=self_user, data={"name": "赵六"})
    assert (me.user_id, me.employer_id) == (self_user.pk, unit_a.pk)
    assert {m.name for m in managers_public()} == {"tm", "赵六"}


def test_certificates_and_training_hours_by_base(
    broker: Any, agency_admin: Any, unit_a: Any, make_user: Any, make_org: Any
) -> None:
    services.certificate_add(
        user=agency_admin,
        manager=broker,
        data={
            "name": "技术经理人（中级）",
            "number": "TM-2024-001",
            "issuer": "中国科学技术交流中心",
            "issued_on": "2024-05-01",
        },
    )
    with pytest.raises(ValidationError) as exc:
        services.certificate_add(
            user=agency_admin,
            manager=broker,
            data={
                "name": "x",
                "number": "TM-2024-001",
                "issuer": "中国科学技术交流中心",
                "issued_on": "2024-05-01",
            },
        )
    assert exc.value.message_dict == {"number": [services.ERR_CERTIFICATE_EXISTS]}
    admin_a = make_user("admin_a", unit_a, ["org_admin"])
    base_a = services.training_base_create(
        user=admin_a,
        organisation=unit_a,
        data={"name": "云南大学技术转移人才培养基地", "is_national": True},
    )
    assert not base_a.is_national  # only the department marks a base national
    org_b = make_org(name="昆明某培训中心", org_type="service_agency")
    admin_b = make_user("admin_b", org_b, ["org_admin"])
    base_b = services.training_base_create(
        user=admin_b, organisation=org_b, data={"name": "B 基地"}
    )
    c1 = services.course_create(
        user=admin_a,
        base=base_a,
        data={"title": "初级班", "starts_on": "2024-03-01", "ends_on": "2024-03-05", "hours": "40"},
    )
    c2 = services.course_create(
        user=admin_a,
        base=base_a,
        data={
            "title": "实训",
            "starts_on": "2024-09-01",
            "ends_on": "2024-09-02",
            "hours": "16",
            "is_practical": True,
        },
    )
    c3 = services.course_create(
        user=admin_b,
        base=base_b,
        data={"title": "中级班", "starts_on": "2023-10-01", "ends_on": "2023-10-03", "hours": "24"},
    )
    with pytest.raises(PermissionDenied):
        services.attendance_record(user=admin_b, course=c1, manager=broker)
    services.attendance_record(user=admin_a, course=c1, manager=broker)
    services.attendance_record(user=admin_a, course=c2, manager=broker, hours="12.5", passed=False)
    services.attendance_record(user=admin_b, course=c3, manager=broker)
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(user=admin_a, course=c2, manager=broker)
    assert exc.value.message_dict == {"manager": [services.ERR_ATTENDANCE_EXISTS]}
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(user=admin_b, course=c3, manager=broker, hours="25")
    assert exc.value.message_dict == {"hours": [services.ERR_ATTENDANCE_HOURS]}
    assert training_hours_by_base(broker) == [
        {"base_id": base_b.pk, "base": "B 基地", "hours": Decimal("24.0"), "courses": 1},
        {
            "base_id": base_a.pk,
            "base": "云南大学技术转移人才培养基地",
            "hours": Decimal("52.5"),
            "courses": 2,
        },
    ]
    assert managers_public().get(pk=broker.pk).training_hours == Decimal("76.5")
    year = training_base_year(base_a, 2024)
    assert (
        year["attendances"],
        year["trainees"],
        year["passed"],
        year["hours"],
        year["practical_courses"],
    ) == (2, 1, 1, Decimal("52.5"), 1)


def test_three_party_record_and_agency_amounts(
    broker: Any,
    agency: Any,
    unit_a: Any,
    manager_a: Any,
    make_org: Any,
    make_user: Any,
    agency_admin: Any,
) -> None:
    licensee = make_org(name="某企业", org_type="enterprise")
    agent = make_user("agent", licensee, ["licensee_staff"])
    l1 = make_licence(make_achievement(unit_a), licensee, signed_on=dt.date(2024, 4, 1))
    l2 = make_licence(make_achievement(unit_a), licensee, signed_on=dt.date(2024, 8, 1))
    l3 = make_licence(make_achievement(unit_a), licensee, signed_on=dt.date(2023, 12, 31))
    l4 = make_licence(make_achievement(unit_a), licensee, signed_on=None, status="draft_contract")
    with pytest.raises(PermissionDenied) as denied:  # the agency is not a party to the licence
        services.deal_name_broker(
            user=agency_admin, licence=l1, broker=broker, contract_amount="1000"
        )
    assert str(denied.value) == services.ERR_NOT_DEAL_PARTY
    d1 = services.deal_name_broker(
        user=manager_a, licence=l1, broker=broker, contract_amount="300000.00"
    )
    assert (d1.licence.licensor_id, d1.licence.licensee_id, d1.agency_id) == (
        unit_a.pk,
        licensee.pk,
        agency.pk,
    )  # licensor, licensee, agency
    entry = AuditEntry.objects.get(action="directory.deal_name_broker")
    assert (entry.detail["licensor"], entry.detail["licensee"], entry.detail["agency"]) == (
        unit_a.pk,
        licensee.pk,
        agency.pk,
    )
    with pytest.raises(ValidationError) as exc:
        services.deal_name_broker(user=agent, licence=l1, broker=broker, contract_amount="1")
    assert exc.value.message_dict == {"licence": [services.ERR_DEAL_EXISTS]}
    services.deal_name_broker(
        user=agent, licence=l2, broker=broker, contract_amount="200000.50", is_related_party=True
    )
    services.deal_name_broker(user=manager_a, licence=l3, broker=broker, contract_amount="999")
    services.deal_name_broker(user=manager_a, licence=l4, broker=broker, contract_amount="888")
    result = agency_brokered_amounts(agency, 2024)
    assert [d.licence_id for d in result.deals] == [l1.pk]
    assert [d.licence_id for d in result.related_deals] == [l2.pk]
    assert result.contract_amount == Decimal("300000.00")
    assert result.related_amount == Decimal("200000.50")
    assert agency_brokered_amounts(agency, 2023).contract_amount == Decimal("999.00")
    assert BrokeredDeal.objects.count() == 4


def test_broker_from_a_party_is_a_related_deal(
    unit_a: Any, manager_a: Any, make_org: Any, make_user: Any
) -> None:
    admin_a = make_user("admin_a", unit_a, ["org_admin"])
    own_broker = services.manager_register(user=admin_a, employer=unit_a, data={"name": "甲"})
    licensee = make_org(name="某企业", org_type="enterprise")
    licence = make_licence(make_achievement(unit_a), licensee, signed_on=dt.date(2024, 4, 1))
    deal = services.deal_name_broker(
        user=manager_a, licence=licence, broker=own_broker, contract_amount="5000"
    )
    assert deal.is_related_party
    assert agency_brokered_amounts(unit_a, 2024).contract_amount == Decimal("0.00")
