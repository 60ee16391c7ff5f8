"""Applications: the form asks what the measure needs, the engine's amount is stored, refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhuanhua.audit.models import AuditEntry
from zhuanhua.engines.subsidy import Measure
from zhuanhua.licensing import selectors as licensing_selectors
from zhuanhua.subsidies import selectors, services
from zhuanhua.subsidies.forms import ClaimForm
from zhuanhua.subsidies.models import Grant
from zhuanhua.subsidies.tests.conftest import pdf

pytestmark = pytest.mark.django_db


def _measure(code: str) -> Measure:
    found = selectors.measure_or_none(code)
    assert found is not None, code
    return found


def _fields(code: str, **kwargs: Any) -> list[str]:
    return list(ClaimForm(measure=_measure(code), **kwargs).fields)


def test_form_asks_only_what_the_measure_needs() -> None:
    assert _fields("M7-1") == ["base_amount", "requested_amount", "registered", "contract_ref"]
    assert _fields("M7-3") == ["requested_amount"]
    assert _fields("M8-1") == ["subject", "base_amount", "requested_amount"]
    assert _fields("M8-2") == ["subject", "level", "requested_amount"]
    assert _fields("M9-2") == [
        "base_amount",
        "requested_amount",
        "registered",
        "contract_ref",
        "related_party",
    ]
    assert _fields("M10-2") == ["subject", "base_amount", "requested_amount"]
    assert _fields("M13-1") == ["counterparty", "base_amount", "requested_amount", "paid_in_on"]
    assert _fields("M13-2") == ["counterparty", "base_amount", "requested_amount", "loss_confirmed"]
    assert _fields("M7-4") == []
    assert _fields("M7-4", with_evidence=True) == ["description", "evidence_kind", "evidence"]
    form = ClaimForm(measure=_measure("M7-1"))
    assert form.fields["base_amount"].label == "实际到账额（元）"
    assert ClaimForm(measure=_measure("M8-2")).fields["subject"].label == "标准名称"


def test_submit_stores_engine_amount_and_explanation(submit: Any, firm: Any) -> None:
    app = submit()
    assert app.status == "submitted"
    assert app.applicant == firm
    assert app.applicant_type == "enterprise"
    assert app.engine_amount == Decimal("1000000.00")
    assert app.engine_entitlement_amount == Decimal("1000000.00")
    assert app.engine_binding == ["item_cap"]
    assert app.engine_explanation[0].startswith(
        "按实际到账额 6,000,000.00 元的 20% 计 1,200,000.00 元"
    )
    assert app.evidence.count() == 1
    assert app.catalogue_version == selectors.catalogue().version
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert "subsidy_application.submit" in actions
    assert "subsidy_evidence.upload" in actions


def test_unregistered_contract_is_refused_with_the_reason(submit: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        submit(registered=False)
    assert exc.value.messages == ["不符合本措施的申请条件：技术合同未经认定登记"]


def test_wrong_applicant_type_is_refused(manager_a: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.application_submit(
            user=manager_a,
            measure="M7-1",
            data={"base_amount": Decimal("100"), "registered": True},
            uploads=[("bank_slip", pdf())],
        )
    assert exc.value.messages == ["不符合本措施的申请条件：申请主体类型不符"]


def test_missing_fields_and_evidence(firm_user: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.application_submit(
            user=firm_user,
            measure="M7-1",
            data={"registered": True},
            uploads=[("bank_slip", pdf())],
        )
    assert exc.value.message_dict == {"base_amount": [services.ERR_REQUIRED]}
    with pytest.raises(ValidationError) as exc:
        services.application_submit(
            user=firm_user,
            measure="M7-1",
            data={"base_amount": Decimal("100"), "registered": True},
            uploads=[],
        )
    assert exc.value.messages == ["请至少上传一份证明材料（银行到账凭证、发票、证书等）"]
    with pytest.raises(ValidationError) as exc:
        services.application_submit(user=firm_user, measure="M99", data={}, uploads=[])
    assert exc.value.messages == ["政策目录中没有该措施"]


def test_reviewer_and_department_cannot_apply(reviewer: Any) -> None:
    with pytest.raises(PermissionDenied) as exc:
        services.application_submit(
            user=reviewer, measure="M7-3", data={}, uploads=[("other", pdf())]
        )
    assert str(exc.value) == "只有已通过审核的申请单位经办人可以提交奖补申请"


def test_credit_event_refuses_application(submit: Any, credit_event: Any) -> None:
    credit_event()
    with pytest.raises(ValidationError) as exc:
        submit()
    assert exc.value.messages == ["申请单位存在未消除的失信记录（诚信管理），暂停受理其奖补申请"]


def test_credit_hook_reads_the_credit_app(firm: Any) -> None:
    assert selectors.credit_active(firm) is False  # no credit event recorded


def test_registered_contracts_fill_the_received_amount(firm: Any, monkeypatch: Any) -> None:
    import types

    assert selectors.known_received_amounts(firm, "M7-1") == []  # none registered yet
    calls = []

    def fake(org: Any, side: Any = None) -> list[Any]:
        calls.append(side)
        reg = types.SimpleNamespace(
            registration_number="5301012025000123",
            received_amount=Decimal("6000000.00"),
            licence=types.SimpleNamespace(achievement=types.SimpleNamespace(title="储氢材料")),
        )
        return [reg]

    monkeypatch.setattr(licensing_selectors, "registered_contracts", fake)
    # Measure 7 pays on what was received within the year: 4,000,000 of the 6,000,000.
    monkeypatch.setattr(
        licensing_selectors,
        "received_in_year_by_registration",
        lambda org, side, year: {"5301012025000123": Decimal("4000000.00")},
    )
    form = ClaimForm({"contract": "5301012025000123"}, measure=_measure("M7-1"), org=firm)
    assert "contract" in form.fields
    assert form.is_valid(), form.errors
    data = form.claim_data()
    assert data["base_amount"] == Decimal("4000000.00")
    assert data["registered"] is True
    assert data["contract_ref"] == "5301012025000123"
    assert calls == ["licensee"]
    assert "contract" not in ClaimForm(measure=_measure("M7-3"), org=firm).fields


def test_case_by_case_is_accepted_without_formula(firm_user: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.application_submit(
            user=firm_user, measure="M7-4", data={}, uploads=[("certificate", pdf())]
        )
    assert exc.value.message_dict == {"description": ["一事一议事项须填写申请说明"]}
    app = services.application_submit(
        user=firm_user,
        measure="M7-4",
        data={"description": "颠覆性储能技术团队创办企业"},
        uploads=[("certificate", pdf())],
    )
    assert app.case_by_case is True
    assert app.engine_amount == Decimal("0.00")
    assert app.engine_reasons == ["case_by_case"]


def test_nothing_left_under_once_scope_is_refused(submit: Any, firm: Any, reviewer: Any) -> None:
    first = submit("M8-2", subject="高原储能电池国家标准", level="national")
    services.application_approve(user=reviewer, application=first)
    with pytest.raises(ValidationError) as exc:
        submit("M8-2", subject="高原储能电池国家标准", level="national")
    assert exc.value.messages == ["按政策上限和已获补助测算，本次可得补助为 0 元，不能提交申请"]


def test_whatif_compute_with_prior_grants(submit: Any, firm: Any, reviewer: Any) -> None:
    for _ in range(2):
        services.application_approve(user=reviewer, application=submit())
    result = services.compute(
        org=firm,
        measure="M7-1",
        today=dt.date.today(),
        data={"base_amount": Decimal("6000000"), "registered": True},
    )
    assert result.granted == Decimal("1000000.00")
    Grant.objects.update(amount=Decimal("1250000.00"))
    result = services.compute(
        org=firm,
        measure="M7-1",
        today=dt.date.today(),
        data={"base_amount": Decimal("6000000"), "registered": True},
    )
    assert result.granted == Decimal("500000.00")
    assert "annual_cap" in result.binding


def test_resubmit_after_return(
    submit: Any, firm_user: Any, other_firm_user: Any, reviewer: Any
) -> None:
    app = submit()
    services.application_return(user=reviewer, application=app, reason="请补充银行到账凭证原件")
    with pytest.raises(PermissionDenied):
        services.application_resubmit(user=other_firm_user, application=app, data={})
    app = services.application_resubmit(
        user=firm_user,
        application=app,
        data={"base_amount": Decimal("2000000.00"), "registered": True},
        uploads=[("bank_slip", pdf("补充凭证.pdf"))],
    )
    assert app.status == "submitted"
    assert app.engine_amount == Decimal("400000.00")
    assert app.evidence.count() == 2
    with pytest.raises(ValidationError) as exc:
        services.application_resubmit(
            user=firm_user, application=app, data={"base_amount": Decimal("1"), "registered": True}
        )
    assert exc.value.messages == ["当前状态（待省级审定）不能执行该操作"]
