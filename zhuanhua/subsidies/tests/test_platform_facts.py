"""Facts from the platform, not typed (issue 24.3): the claim form is pre-filled from the
platform's records and, where the applicant declares otherwise, the reviewer sees both values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from zhuanhua.contracts.models import ContractIncome, TechnologyContract
from zhuanhua.subsidies import selectors, services
from zhuanhua.subsidies.tests.conftest import pdf

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def vc_user(make_org: Any, make_user: Any) -> Any:
    vc = make_org(name="滇中创投（测试）", org_type="venture_capital", prefecture="530100")
    return make_user("vc_staff", vc, ["org_admin"])


def _invest(user: Any, **extra: Any) -> Any:
    data = {
        "investee_name": "被投企业甲",
        "investee_uscc": "91530100MA6K000001",
        "invested_amount": Decimal("5000000"),
        "paid_in_on": dt.date(2023, 6, 18),
        **extra,
    }
    return services.investment_save(user=user, data=data)


def test_the_vc_register_fills_and_checks_an_m13_1_claim(vc_user: Any) -> None:
    _invest(vc_user)
    org = vc_user.organisation
    initial = selectors.prefill_from_platform(org, "M13-1", TODAY)
    assert initial == {
        "counterparty": "被投企业甲",
        "base_amount": Decimal("5000000.00"),
        "paid_in_on": dt.date(2023, 6, 18),
    }
    app = services.application_submit(
        user=vc_user,
        measure="M13-1",
        data={
            "counterparty": "被投企业甲",
            "base_amount": Decimal("5000000"),
            "paid_in_on": dt.date(2023, 5, 18),  # a month earlier than the register
        },
        uploads=[("other", pdf())],
        today=TODAY,
    )
    facts = {f["key"]: f for f in app.platform_facts}
    assert facts["base_amount"]["differs"] is False
    assert (facts["paid_in_on"]["platform"], facts["paid_in_on"]["declared"]) == (
        "2023-06-18",
        "2023-05-18",
    )
    assert facts["paid_in_on"]["differs"] is True
    assert [f["key"] for f in app.differing_facts] == ["paid_in_on"]


def test_an_investee_missing_from_the_register_is_flagged(vc_user: Any) -> None:
    app = services.application_submit(
        user=vc_user,
        measure="M13-1",
        data={
            "counterparty": "台账外企业",
            "base_amount": Decimal("1000000"),
            "paid_in_on": dt.date(2023, 1, 1),
        },
        uploads=[("other", pdf())],
        today=TODAY,
    )
    facts = {f["key"]: f for f in app.platform_facts}
    assert facts["counterparty"]["platform"] == "否"
    assert facts["counterparty"]["differs"] is True
    assert facts["base_amount"]["platform"] == "平台无记录"


def test_a_confirmed_loss_fills_m13_2(vc_user: Any) -> None:
    _invest(
        vc_user,
        loss_amount=Decimal("4000000"),
        loss_confirmed_on=dt.date(2026, 2, 1),
        loss_basis="清算报告",
    )
    initial = selectors.prefill_from_platform(vc_user.organisation, "M13-2", TODAY)
    assert initial["base_amount"] == Decimal("4000000.00")
    assert initial["loss_confirmed"] is True


def test_only_a_vc_firm_keeps_a_register(firm_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        _invest(firm_user)


def test_national_agency_and_tech_enterprise_flags_come_from_the_organisation(
    make_org: Any, make_user: Any, firm_user: Any
) -> None:
    agency = make_org(name="技术转移中心（测试）", org_type="service_agency")
    facts = selectors.platform_facts(agency, "M9-1", {}, TODAY)
    assert (facts[0]["key"], facts[0]["platform"], facts[0]["differs"]) == (
        "national_agency",
        "否",
        True,
    )
    agency.is_national_transfer_agency = True
    agency.save()
    assert selectors.platform_facts(agency, "M9-1", {}, TODAY)[0]["differs"] is False
    m14 = selectors.platform_facts(firm_user.organisation, "M14-1", {}, TODAY)
    assert (m14[0]["key"], m14[0]["platform"]) == ("tech_enterprise", "否")


def test_a_registration_number_the_platform_does_not_hold_is_flagged(submit: Any) -> None:
    app = submit(contract_ref="5301012026000001")
    facts = {f["key"]: f for f in app.platform_facts}
    assert (facts["registered"]["platform"], facts["registered"]["declared"]) == ("否", "是")
    assert facts["registered"]["differs"] is True


def test_a_contract_registered_at_a_registrar_is_read_for_m7_2(
    make_org: Any, make_user: Any
) -> None:
    """The contracts app's registrations are a second source of measure 7's facts: the seller
    unit's M7-2 claim finds its registration, the income received in the year and the buyer
    outside Yunnan (no 就地转化), and the reviewer sees it flagged."""
    uni = make_org(name="测试大学", org_type="university", prefecture="530100")
    staff = make_user("uni_staff", uni, ["achievement_manager"])
    buyer = make_org(name="成都某公司", org_type="enterprise", prefecture="510100")
    registrar = make_org(name="登记机构", org_type="contract_registrar")
    c = TechnologyContract.objects.create(
        submitter=uni,
        submitter_side="seller",
        counterparty=buyer,
        counterparty_name=buyer.name,
        title="三七皂苷提取工艺技术转让合同",
        declared_type="transfer",
        contract_type="transfer",
        contract_amount=Decimal("2000000.00"),
        transaction_amount=Decimal("1800000.00"),
        signed_on=dt.date(2026, 2, 20),
        valid_from=dt.date(2026, 3, 1),
        valid_to=dt.date(2027, 2, 28),
        technology_field="生物医药",
        registrar=registrar,
        status="registered",
        registration_number="5301012026000042",
        registered_on=dt.date(2026, 3, 10),
    )
    ContractIncome.objects.create(contract=c, received_on=dt.date(2026, 4, 1), amount=1200000)
    ContractIncome.objects.create(contract=c, received_on=dt.date(2025, 12, 1), amount=300000)
    rows = selectors.known_received_amounts(uni, "M7-2")
    assert [(r["ref"], r["received_amount"]) for r in rows] == [
        ("5301012026000042", Decimal("1200000.00"))
    ]
    facts = {
        f["key"]: f
        for f in selectors.platform_facts(
            uni,
            "M7-2",
            {"registered": True, "contract_ref": "5301012026000042", "base_amount": "1200000"},
            TODAY,
        )
    }
    assert facts["registered"]["differs"] is False
    assert facts["base_amount"]["platform"] == "1,200,000.00"
    assert facts["base_amount"]["differs"] is False
    assert facts["local_counterparty"]["platform"] == "否"
    assert facts["local_counterparty"]["differs"] is True
    assert staff.organisation == uni
