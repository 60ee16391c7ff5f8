"""The API: public list and detail (objectors hidden from the public), authenticated objection."""

import datetime as dt
import json

from django.utils import timezone

from zhuanhua.publicity import services
from zhuanhua.publicity.models import Objection


def _post(client, path, payload):
    return client.post(path, json.dumps(payload), content_type="application/json")


def test_public_list_filters_and_hides_drafts(client, open_notice, manager_a, price_data):
    services.notice_create(user=manager_a, data={**price_data, "kind": "unit_rules"})

    body = client.get("/api/publicity/").json()
    assert [n["id"] for n in body["items"]] == [open_notice.pk]
    assert body["items"][0]["ends_on"] == "2025-10-09"
    assert body["items"][0]["extended"] is True
    assert body["items"][0]["price_amount"] == "120000.00"
    assert client.get("/api/publicity/?kind=unit_rules").json()["count"] == 0
    assert client.get("/api/publicity/?status=published").json()["count"] == 1
    assert client.get("/api/publicity/?status=closed_no_objection").json()["count"] == 0


def test_detail_shows_objector_only_to_the_publisher(client, open_notice, outsider, manager_a):
    services.objection_file(
        user=outsider, notice=open_notice, content="价格偏低", today=dt.date(2025, 9, 21)
    )
    path = f"/api/publicity/{open_notice.pk}"

    public = client.get(path).json()
    assert public["objections"][0]["content"] == "价格偏低"
    assert public["objections"][0]["objector_name"] is None
    assert public["publisher_name"] == "云南大学（测试）"

    client.force_login(manager_a)
    own = client.get(path).json()
    assert own["objections"][0]["objector_name"] == "outsider"
    assert own["objections"][0]["objector_organisation"] == "云南白药测试企业"


def test_draft_detail_is_a_404_to_the_public(client, draft_notice):
    assert client.get(f"/api/publicity/{draft_notice.pk}").status_code == 404


def test_objection_post_needs_login(client, manager_a, price_data):
    notice = services.notice_create(
        user=manager_a, data={**price_data, "starts_on": timezone.localdate()}
    )
    services.notice_publish(user=manager_a, notice=notice)

    response = _post(client, f"/api/publicity/{notice.pk}/objections", {"content": "价格偏低"})
    assert response.status_code == 401
    assert Objection.objects.count() == 0


def test_objection_post_files_one(client, outsider, manager_a, price_data):
    notice = services.notice_create(
        user=manager_a, data={**price_data, "starts_on": timezone.localdate()}
    )
    services.notice_publish(user=manager_a, notice=notice)
    client.force_login(outsider)

    response = _post(client, f"/api/publicity/{notice.pk}/objections", {"content": "价格偏低"})

    assert response.status_code == 201, response.content
    assert response.json()["content"] == "价格偏低"
    assert Objection.objects.get().objector_id == outsider.pk


def test_objection_post_after_the_end_is_a_422_in_chinese(client, outsider, open_notice):
    client.force_login(outsider)

    response = _post(client, f"/api/publicity/{open_notice.pk}/objections", {"content": "迟到"})

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "notice", "message": "公示期已于 2025-10-09 届满，不再受理异议"}
    ]
    assert Objection.objects.count() == 0
