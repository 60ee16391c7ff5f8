"""Only the unit's case handlers, the people concerned (their own parts) and the department see a
case; everyone else gets a 404, on pages and in the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from zhuanhua.exemption import services as s
from zhuanhua.exemption.tests.conftest import DILIGENT, START

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(case: Any, handler_a: Any, leader: Any, manager: Any) -> Any:
    s.record_add(
        user=handler_a,
        case=case,
        today=START,
        data={
            "kind": "statement",
            "title": "李四的陈述",
            "content": "按程序办理",
            "person": manager.pk,
            "recorded_on": START,
        },
    )
    return s.record_add(
        user=handler_a,
        case=case,
        today=START,
        data={
            "kind": "statement",
            "title": "领导陈述",
            "content": "我曾反对",
            "person": leader.pk,
            "recorded_on": START,
        },
    )


def get(client: Any, user: Any, url: str) -> Any:
    client.force_login(user)
    return client.get(url)


def test_case_pages_and_api_for_each_kind_of_user(
    client: Any,
    case: Any,
    statement: Any,
    handler_a: Any,
    reviewer: Any,
    auditor: Any,
    leader_user: Any,
    manager_a: Any,
    handler_b: Any,
    leader: Any,
    manager: Any,
) -> None:
    detail = reverse("exemption:detail", args=[case.pk])
    api = f"/api/exemption/cases/{case.pk}"
    for user in (handler_a, reviewer, auditor):
        page = get(client, user, detail)
        assert page.status_code == 200
        assert "李四的陈述" in page.content.decode()
        assert "350,000.00" in page.content.decode()
        body = client.get(api).json()
        assert len(body["persons"]) == 2
        assert body["loss_amount"] == "350000.00"
        assert [c["id"] for c in client.get("/api/exemption/cases").json()] == [case.pk]
        assert get(client, user, reverse("exemption:person", args=[manager.pk])).status_code == 200
    # A person concerned: their own parts only.
    page = get(client, leader_user, detail)
    html = page.content.decode()
    assert page.status_code == 200
    assert "领导陈述" in html
    assert "李四" not in html
    assert "350,000.00" not in html
    body = client.get(api).json()
    assert [p["id"] for p in body["persons"]] == [leader.pk]
    assert [r["title"] for r in body["records"]] == ["领导陈述"]
    assert body["loss_amount"] is None
    assert body["warnings"] == []
    assert client.get(reverse("exemption:person", args=[leader.pk])).status_code == 200
    assert client.get(reverse("exemption:person", args=[manager.pk])).status_code == 404
    assert client.get(f"{api}/persons/{manager.pk}/checklist").status_code in (404, 405)
    # Everyone else: 404 (another unit's handler, a manager of the same unit who is no handler).
    for user in (handler_b, manager_a):
        assert get(client, user, detail).status_code == 404
        assert client.get(api).status_code == 404
        assert client.get("/api/exemption/cases").json() == []
        assert client.get(reverse("exemption:person", args=[leader.pk])).status_code == 404
        assert client.get(reverse("exemption:record_file", args=[statement.pk])).status_code == 404
        assert client.post(reverse("exemption:conclude", args=[case.pk])).status_code == 404
        assert (
            client.put(
                f"{api}/persons/{leader.pk}/checklist",
                data={"diligence": DILIGENT},
                content_type="application/json",
            ).status_code
            == 404
        )


def test_anonymous_is_sent_to_login_and_the_api_refuses(client: Any, case: Any) -> None:
    page = client.get(reverse("exemption:detail", args=[case.pk]))
    assert page.status_code == 302
    assert "/accounts/login/" in page["Location"]
    assert client.get(f"/api/exemption/cases/{case.pk}").status_code == 401


def test_the_department_reads_but_does_not_write(
    client: Any, case: Any, reviewer: Any, leader: Any
) -> None:
    client.force_login(reviewer)
    assert client.post(reverse("exemption:conclude", args=[case.pk])).status_code == 403
    response = client.put(
        f"/api/exemption/cases/{case.pk}/persons/{leader.pk}/checklist",
        data={"diligence": DILIGENT},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == s.ERR_NOT_HANDLER


def test_a_person_concerned_adds_only_their_own_statement(
    client: Any, case: Any, leader_user: Any, leader: Any, manager: Any
) -> None:
    client.force_login(leader_user)
    url = reverse("exemption:record_add", args=[case.pk])
    response = client.post(
        url,
        {
            "record-kind": "statement",
            "record-title": "本人陈述",
            "record-content": "我反对过",
            "record-person": leader.pk,
            "record-recorded_on": START.isoformat(),
        },
    )
    assert response.status_code == 302
    assert case.records.get().title == "本人陈述"
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied) as exc:
        s.record_add(
            user=leader_user,
            case=case,
            data={
                "kind": "statement",
                "title": "x",
                "content": "y",
                "person": manager.pk,
                "recorded_on": START,
            },
            today=START,
        )
    assert str(exc.value) == s.ERR_STATEMENT_OWN


def test_api_checklist_and_decision(client: Any, case: Any, handler_a: Any, manager: Any) -> None:
    client.force_login(handler_a)
    base = f"/api/exemption/cases/{case.pk}/persons/{manager.pk}"
    body = client.put(
        f"{base}/checklist",
        data={"diligence": DILIGENT, "grounds": ["8.3"]},
        content_type="application/json",
    ).json()
    assert body["recommendation"]["decision"] == "exempt"
    response = client.post(
        f"{base}/decision", data={"decision": "not_exempt"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "reason", "message": s.ERR_REASON_REQUIRED}]
    assert (
        client.post(
            f"{base}/decision", data={"decision": "exempt"}, content_type="application/json"
        ).json()["decision"]
        == "exempt"
    )
    response = client.post(f"/api/exemption/cases/{case.pk}/conclude")
    assert response.status_code == 200
    assert response.json()["status"] == "concluded"
