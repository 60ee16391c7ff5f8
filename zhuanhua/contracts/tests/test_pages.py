"""The contracts pages: submission with a PDF, the registrar's queue and decision, another
registrar's 404, the reward plan form and the filing body's acknowledgement."""

from __future__ import annotations

from typing import Any

from django.test import Client

from zhuanhua.contracts import services
from zhuanhua.contracts.models import RewardPlan, TechnologyContract
from zhuanhua.contracts.tests.conftest import pdf


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_unit_submits_a_contract_with_its_pdf(manager_a: Any, registrar: Any, clerk: Any) -> None:
    client = login(manager_a)
    page = client.get("/contracts/new/")
    assert page.status_code == 200
    assert "云南省技术市场管理办公室" in page.content.decode()
    answer = client.post(
        "/contracts/new/",
        {
            "title": "智能灌溉系统技术服务合同",
            "declared_type": "service",
            "submitter_side": "seller",
            "counterparty_name": "玉溪某农业公司",
            "contract_amount": "80000",
            "signed_on": "2026-01-10",
            "valid_from": "2026-01-10",
            "valid_to": "2026-12-31",
            "technology_field": "现代农业",
            "industry_project": "on",
            "signed_pdf": pdf(),
            "registrar": registrar.pk,
            "submit_now": "on",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    contract = TechnologyContract.objects.get()
    assert contract.status == "submitted"
    queue = login(clerk).get("/contracts/queue/")
    assert "智能灌溉系统技术服务合同" in queue.content.decode()
    assert login(clerk).get(f"/contracts/{contract.pk}/pdf/").status_code == 200


def test_registrar_registers_on_the_page(submitted: Any, clerk: Any) -> None:
    client = login(clerk)
    page = client.get(f"/contracts/{submitted.pk}/")
    assert 'data-testid="register-confirm"' in page.content.decode()
    refused = client.post(
        f"/contracts/{submitted.pk}/register/",
        {"contract_type": "development", "transaction_amount": "150000", "amount_reason": ""},
    )
    assert refused.status_code == 422
    assert services.ERR_AMOUNT_REASON in refused.content.decode()
    done = client.post(
        f"/contracts/{submitted.pk}/register/",
        {
            "contract_type": "development",
            "transaction_amount": "150000",
            "amount_reason": "设备费不计入",
        },
    )
    assert done.status_code == 302
    submitted.refresh_from_db()
    assert submitted.registration_number == "532026000001"


def test_another_registrar_gets_404(submitted: Any, other_clerk: Any, manager_b: Any) -> None:
    for user in (other_clerk, manager_b):
        client = login(user)
        assert client.get(f"/contracts/{submitted.pk}/").status_code == 404
        assert client.get(f"/contracts/{submitted.pk}/pdf/").status_code == 404
        assert (
            client.post(f"/contracts/{submitted.pk}/return/", {"return_reasons": "x"}).status_code
            == 404
        )


def test_queue_is_for_registrars_only(manager_a: Any) -> None:
    assert login(manager_a).get("/contracts/queue/").status_code == 403


def test_plan_filed_and_acknowledged_on_the_pages(
    unit_a: Any, supervisor: Any, manager_a: Any, supervisor_reviewer: Any
) -> None:
    unit_a.supervisor = supervisor
    unit_a.save()
    client = login(manager_a)
    form = client.get("/contracts/plans/new/")
    assert "云南省教育厅（测试）" in form.content.decode()
    answer = client.post(
        "/contracts/plans/new/",
        {
            "income_kind": "assignment",
            "subject": "转让收入分配",
            "income_amount": "500000",
            "costs_amount": "0",
            "researcher_amount": "200000",
            "transfer_staff_amount": "0",
            "unit_amount": "300000",
            "decided_on": "2026-03-01",
        },
    )
    assert answer.status_code == 302
    plan = RewardPlan.objects.get()
    page = login(supervisor_reviewer).get(f"/contracts/plans/{plan.pk}/")
    assert "250000.00" in page.content.decode().replace(",", "")
    done = login(supervisor_reviewer).post(
        f"/contracts/plans/{plan.pk}/acknowledge/", {"acknowledgement_note": "已阅"}
    )
    assert done.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "acknowledged"
