"""The contracts API: the same services and visibility as the pages."""

from __future__ import annotations

from typing import Any

from django.test import Client

from zhuanhua.contracts.tests.conftest import pdf


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_submit_register_and_read_through_the_api(
    manager_a: Any, clerk: Any, other_clerk: Any, registrar: Any, department: Any
) -> None:
    answer = login(manager_a).post(
        "/api/contracts/",
        {
            "title": "高原特色果蔬保鲜技术咨询合同",
            "declared_type": "consulting",
            "submitter_side": "seller",
            "counterparty_name": "丽江某果业公司",
            "contract_amount": "60000",
            "signed_on": "2026-01-05",
            "valid_from": "2026-01-05",
            "valid_to": "2026-06-30",
            "technology_field": "现代农业",
            "industry_project": "true",
            "signed_pdf": pdf(),
        },
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["registrar_id"] == registrar.pk  # the province's by default
    assert body["status"] == "submitted"
    pk = body["id"]
    assert login(other_clerk).get(f"/api/contracts/{pk}").status_code == 404
    assert [c["id"] for c in login(clerk).get("/api/contracts/queue").json()["items"]] == [pk]
    refused = login(clerk).post(
        f"/api/contracts/{pk}/register",
        {"contract_type": "consulting", "transaction_amount": "50000"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "amount_reason" in refused.content.decode()
    done = login(clerk).post(
        f"/api/contracts/{pk}/register",
        {"contract_type": "consulting", "transaction_amount": "60000"},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert done.json()["registration_number"].startswith("53")
    twice = login(clerk).post(
        f"/api/contracts/{pk}/return",
        {"reasons": "重复"},
        content_type="application/json",
    )
    assert twice.status_code == 422
    income = login(manager_a).post(
        f"/api/contracts/{pk}/incomes",
        {"received_on": "2026-02-01", "amount": "60000"},
        content_type="application/json",
    )
    assert income.status_code == 201
    plan = login(manager_a).post(
        "/api/contracts/plans",
        {
            "income_kind": "industry",
            "contract_id": pk,
            "subject": "咨询收入分配",
            "income_amount": "60000",
            "researcher_amount": "42000",
            "unit_amount": "18000",
            "decided_on": "2026-02-10",
        },
        content_type="application/json",
    )
    assert plan.status_code == 201, plan.content.decode()
    assert plan.json()["warnings"] == []
    assert plan.json()["registered"] is True


def test_the_submitter_cannot_register(submitted: Any, manager_a: Any) -> None:
    answer = login(manager_a).post(
        f"/api/contracts/{submitted.pk}/register",
        {"contract_type": "development", "transaction_amount": "200000"},
        content_type="application/json",
    )
    assert answer.status_code == 403
