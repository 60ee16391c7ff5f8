"""The API: the same services and visibility as the pages."""

from __future__ import annotations

import json

from zhuanhua.disclosures.choices import DisclosureStatus
from zhuanhua.disclosures.models import Disclosure

BODY = {
    "title": "一种三七皂苷提取新工艺",
    "summary": "超声辅助提取，收率提高 20%。",
    "industry_field": "biomedicine",
    "completers": [{"name": "researcher_a", "share": "55.5"}, {"name": "赵六", "share": "44.5"}],
    "funding_source": "fiscal",
    "funding_project": "国家自然科学基金 82160000",
    "ip_status": "not_filed",
    "readiness": 4,
    "conflicts": "无",
}


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_researcher_creates_submits_and_manager_accepts(client, researcher_a, manager_a):
    client.force_login(researcher_a)
    created = _post(client, "/api/disclosures/", BODY)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["completers"][0] == {
        "name": "researcher_a",
        "share": "55.50",
        "employer": "",
    }
    assert _post(client, f"/api/disclosures/{pk}/submit").json()["status"] == "submitted"
    client.force_login(manager_a)
    assert [d["id"] for d in client.get("/api/disclosures/").json()["items"]] == [pk]
    refused = _post(client, f"/api/disclosures/{pk}/decide", {"decision": "return"})
    assert refused.status_code == 422
    assert refused.json()["detail"] == [{"field": "reason", "message": "退回或不予受理须填写理由"}]
    done = _post(client, f"/api/disclosures/{pk}/decide", {"decision": "accept"})
    assert done.json()["status"] == "accepted"
    assert done.json()["achievement_id"] is not None
    again = _post(client, f"/api/disclosures/{pk}/decide", {"decision": "accept"})
    assert again.status_code == 422


def test_other_people_get_404_and_refusals(client, submitted, researcher_a2, manager_b, manager_a):
    for user in (researcher_a2, manager_b):
        client.force_login(user)
        assert client.get(f"/api/disclosures/{submitted.pk}").status_code == 404
        assert (
            _post(
                client, f"/api/disclosures/{submitted.pk}/decide", {"decision": "accept"}
            ).status_code
            == 404
        )
        assert client.get("/api/disclosures/").json()["items"] == []
    client.force_login(manager_a)
    assert _post(client, "/api/disclosures/", BODY).status_code == 403
    assert Disclosure.objects.get().status == DisclosureStatus.SUBMITTED


def test_shares_and_control_characters_are_checked(client, researcher_a):
    client.force_login(researcher_a)
    bad = _post(client, "/api/disclosures/", {**BODY, "title": "a\x01b"})
    assert bad.status_code == 422
    over = _post(
        client, "/api/disclosures/", {**BODY, "completers": [{"name": "甲", "share": "101"}]}
    )
    assert over.status_code == 422
    assert not Disclosure.objects.exists()
