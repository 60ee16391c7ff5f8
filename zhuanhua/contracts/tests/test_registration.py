"""认定登记: submission, the registrar's classification and amount, numbers, returns, refusals,
who sees what, and the 10-working-day limit across a holiday."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.contracts import selectors, services
from zhuanhua.contracts.tests.conftest import MONDAY, contract_input, pdf
from zhuanhua.notifications.models import Notification


def test_submission_notifies_the_registrar_and_sets_ten_working_days(
    submitted: Any, clerk: Any
) -> None:
    assert submitted.status == "submitted"
    assert submitted.due_on == dt.date(2026, 3, 16)  # 10 working days after Monday 2 March
    assert Notification.objects.filter(user=clerk, title__contains="待认定登记").exists()


def test_ten_working_days_skip_the_national_day_holiday() -> None:
    # Submitted Tuesday 29 September 2026. Working days after it (the official calendar):
    # 30 Sep (1); 1–7 October are the National Day holiday; 8, 9 Oct (2, 3); Saturday 10 Oct is
    # a make-up working day (4); 12–16 Oct (5–9); Monday 19 Oct (10). Ten calendar days would
    # have ended on 9 October.
    assert services.registration_due(dt.date(2026, 9, 29)) == dt.date(2026, 10, 19)
    assert services.working_days_left(dt.date(2026, 10, 19), dt.date(2026, 9, 30)) == 9


def test_days_left_and_overdue(submitted: Any) -> None:
    assert services.working_days_left(submitted.due_on, MONDAY) == 10
    assert services.working_days_left(submitted.due_on, submitted.due_on) == 0
    assert services.working_days_left(submitted.due_on, dt.date(2026, 3, 17)) == -1
    assert services.working_days_left(submitted.due_on, dt.date(2026, 3, 21)) == -4  # Saturday


def test_register_assigns_a_readable_number_and_may_reclassify(
    submitted: Any, clerk: Any, manager_a: Any
) -> None:
    reg = services.contract_register(
        user=clerk,
        contract=submitted,
        contract_type="service",
        transaction_amount=Decimal("150000.00"),
        amount_reason="合同中 5 万元为设备采购费，不计入技术交易额",
        today=dt.date(2026, 3, 10),
    )
    assert reg.registration_number == "532026000001"
    assert reg.contract_type == "service"
    assert reg.declared_type == "development"
    assert reg.transaction_amount == Decimal("150000.00")
    assert Notification.objects.filter(user=manager_a, title__contains="532026000001").exists()
    second = services.contract_submit_for_registration(
        user=manager_a,
        data=contract_input(title="第二份合同"),
        registrar=submitted.registrar,
        signed_pdf=pdf(),
        today=MONDAY,
    )
    reg2 = services.contract_register(
        user=clerk,
        contract=second,
        contract_type="development",
        transaction_amount=Decimal("200000.00"),
        today=dt.date(2026, 3, 11),
    )
    assert reg2.registration_number == "532026000002"
    assert reg2.amount_reason == ""


def test_lower_amount_without_reason_is_refused(submitted: Any, clerk: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.contract_register(
            user=clerk,
            contract=submitted,
            contract_type="development",
            transaction_amount=Decimal("199999.99"),
        )
    assert services.ERR_AMOUNT_REASON in exc.value.message_dict["amount_reason"]


def test_amount_above_the_contract_is_refused(submitted: Any, clerk: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.contract_register(
            user=clerk,
            contract=submitted,
            contract_type="development",
            transaction_amount=Decimal("200000.01"),
        )
    assert services.ERR_AMOUNT_HIGHER in exc.value.message_dict["transaction_amount"]


def test_return_without_reasons_is_refused(submitted: Any, clerk: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.contract_return(user=clerk, contract=submitted, reasons="  ")
    assert services.ERR_RETURN_REASONS in exc.value.message_dict["return_reasons"]


def test_registering_twice_is_refused(submitted: Any, clerk: Any) -> None:
    services.contract_register(
        user=clerk, contract=submitted, contract_type="development", transaction_amount="200000"
    )
    with pytest.raises(ValidationError) as exc:
        services.contract_register(
            user=clerk,
            contract=submitted,
            contract_type="development",
            transaction_amount="200000",
        )
    assert services.ERR_NOT_SUBMITTED in exc.value.message_dict["status"]
    with pytest.raises(ValidationError):
        services.contract_return(user=clerk, contract=submitted, reasons="已登记后不能退回")


def test_another_registrar_may_not_decide(submitted: Any, other_clerk: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.contract_register(
            user=other_clerk,
            contract=submitted,
            contract_type="development",
            transaction_amount="200000",
        )
    with pytest.raises(PermissionDenied):
        services.contract_return(user=other_clerk, contract=submitted, reasons="不属本站")


def test_the_submitter_may_not_register_its_own(submitted: Any, manager_a: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.contract_register(
            user=manager_a,
            contract=submitted,
            contract_type="development",
            transaction_amount="200000",
        )


def test_registrar_sees_only_what_was_submitted_to_it(
    submitted: Any, clerk: Any, other_clerk: Any, manager_a: Any, manager_b: Any
) -> None:
    recorded = services.contract_submit_for_registration(
        user=manager_a,
        data=contract_input(title="未申请登记的横向合同", industry_project=True),
        registrar=None,
        signed_pdf=pdf(),
        submit=False,
    )
    assert list(selectors.contracts_visible_to(clerk)) == [submitted]
    assert list(selectors.contracts_visible_to(other_clerk)) == []
    assert list(selectors.registrar_queue(other_clerk)) == []
    assert set(selectors.contracts_visible_to(manager_a)) == {submitted, recorded}
    assert list(selectors.contracts_visible_to(manager_b)) == []


def test_returned_contract_is_corrected_and_resubmitted(
    submitted: Any, clerk: Any, manager_a: Any, registrar: Any
) -> None:
    services.contract_return(user=clerk, contract=submitted, reasons="缺少技术成果清单附件")
    assert Notification.objects.filter(user=manager_a, title__contains="退回").exists()
    again = services.contract_resubmit(
        user=manager_a,
        contract=submitted,
        registrar=registrar,
        signed_pdf=pdf("corrected.pdf"),
        today=dt.date(2026, 3, 20),
    )
    assert again.status == "submitted"
    assert again.due_on == services.registration_due(dt.date(2026, 3, 20))
    assert again.original_name == "corrected.pdf"


def test_submit_refusals(manager_a: Any, registrar: Any, reviewer: Any, clerk: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.contract_submit_for_registration(
            user=reviewer, data=contract_input(), registrar=registrar, signed_pdf=pdf()
        )
    with pytest.raises(PermissionDenied):
        services.contract_submit_for_registration(
            user=clerk, data=contract_input(), registrar=registrar, signed_pdf=pdf()
        )
    with pytest.raises(ValidationError) as exc:
        services.contract_submit_for_registration(
            user=manager_a, data=contract_input(), registrar=None, signed_pdf=pdf()
        )
    assert "registrar" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.contract_submit_for_registration(
            user=manager_a, data=contract_input(), registrar=registrar, signed_pdf=None
        )
    assert "signed_pdf" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.contract_submit_for_registration(
            user=manager_a,
            data=contract_input(valid_to=dt.date(2026, 1, 1)),
            registrar=registrar,
            signed_pdf=pdf(),
        )
    assert services.ERR_VALID_TO in exc.value.message_dict["valid_to"]
    with pytest.raises(ValidationError) as exc:
        services.contract_submit_for_registration(
            user=manager_a,
            data=contract_input(declared_type="transfer", industry_project=True),
            registrar=registrar,
            signed_pdf=pdf(),
        )
    assert services.ERR_INDUSTRY_TYPE in exc.value.message_dict["declared_type"]
    not_a_registrar = manager_a.organisation
    with pytest.raises(ValidationError) as exc:
        services.contract_submit_for_registration(
            user=manager_a, data=contract_input(), registrar=not_a_registrar, signed_pdf=pdf()
        )
    assert services.ERR_BAD_REGISTRAR in exc.value.message_dict["registrar"]


def test_one_deal_is_submitted_once(manager_a: Any, registrar: Any) -> None:
    kwargs = {
        "user": manager_a,
        "registrar": registrar,
        "source_kind": "licence",
        "source_id": "7",
    }
    services.contract_submit_for_registration(data=contract_input(), signed_pdf=pdf(), **kwargs)
    with pytest.raises(ValidationError) as exc:
        services.contract_submit_for_registration(data=contract_input(), signed_pdf=pdf(), **kwargs)
    assert services.ERR_SOURCE_TAKEN in exc.value.message_dict["status"]


def test_registered_hook_hears_the_process_apps_registration(
    manager_a: Any, registrar: Any, clerk: Any, monkeypatch: Any
) -> None:
    heard = []
    monkeypatch.setitem(services.REGISTERED_HOOKS, "licence", lambda c, u: heard.append(c.pk))
    c = services.contract_submit_for_registration(
        user=manager_a,
        data=contract_input(declared_type="license"),
        registrar=registrar,
        signed_pdf=pdf(),
        source_kind="licence",
        source_id="9",
    )
    services.contract_register(
        user=clerk, contract=c, contract_type="license", transaction_amount="200000"
    )
    assert heard == [c.pk]
    assert selectors.registration_of("licence", 9) == c


def test_default_registrar_is_the_provinces(registrar: Any, other_registrar: Any) -> None:
    assert services.default_registrar() == registrar


def test_registered_amounts_per_org_and_year(
    submitted: Any, clerk: Any, unit_a: Any, enterprise: Any
) -> None:
    services.contract_register(
        user=clerk,
        contract=submitted,
        contract_type="development",
        transaction_amount="180000",
        amount_reason="含材料费 2 万元",
        today=dt.date(2026, 3, 5),
    )
    amounts = selectors.registered_amounts(unit_a, year=2026)
    assert amounts == {
        "development": {
            "count": 1,
            "contract_amount": Decimal("200000.00"),
            "transaction_amount": Decimal("180000.00"),
        }
    }
    assert selectors.registered_amounts(unit_a, year=2025) == {}
    assert list(selectors.registered_contracts(unit_a, side="buyer")) == []
    assert list(selectors.registered_contracts(unit_a, side="seller")) == [submitted]
