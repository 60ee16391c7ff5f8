import datetime as dt
import json

from django.utils import timezone

from zhuanhua.achievements.models import Achievement
from zhuanhua.core.inputs import latest_date


def _post(client, path, payload):
    return client.post(path, json.dumps(payload), content_type="application/json")


VALID = {
    "title": "三七总皂苷提取新工艺",
    "summary": "一种三七总皂苷高效提取与纯化工艺。",
    "keywords": ["三七", "皂苷"],
    "industry_field": "biomedicine",
    "ip_type": "patent",
    "ip_number": "ZL202220000002.2",
    "ip_acquired_on": "2023-01-05",
    "trl": 5,
    "completers": [{"name": "陈七", "employer": "昆明医科大学"}],
}


def test_openapi_schema_is_served(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/achievements/" in schema["paths"]


def test_api_docs_use_local_static_files(client):
    body = client.get("/api/docs").content.decode()
    assert "cdn" not in body.lower()
    assert "/static/ninja/swagger-ui-bundle.js" in body


def test_create_through_api_makes_a_draft(client, manager_a):
    client.force_login(manager_a)
    response = _post(client, "/api/achievements/", VALID)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["completers"][0]["name"] == "陈七"


def test_bad_trl_is_a_422_naming_the_field_and_writes_nothing(client, manager_a):
    client.force_login(manager_a)
    response = _post(client, "/api/achievements/", {**VALID, "trl": 12})
    assert response.status_code == 422
    assert any("trl" in json.dumps(d["loc"]) for d in response.json()["detail"])
    assert Achievement.objects.count() == 0


def test_future_date_is_a_422_with_chinese_message(client, manager_a):
    client.force_login(manager_a)
    next_year = (timezone.localdate() + dt.timedelta(days=366)).isoformat()
    response = _post(client, "/api/achievements/", {**VALID, "ip_acquired_on": next_year})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "ip_acquired_on", "message": "日期不能晚于今天"}]
    assert Achievement.objects.count() == 0


def test_date_beyond_the_plausible_window_is_a_422_naming_the_field(client, manager_a):
    client.force_login(manager_a)
    response = _post(client, "/api/achievements/", {**VALID, "ip_acquired_on": "2999-01-01"})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "ip_acquired_on"
    assert error["message"] == f"日期不能晚于 {latest_date().isoformat()}"
    assert Achievement.objects.count() == 0


def test_anonymous_write_is_refused(client):
    assert _post(client, "/api/achievements/", VALID).status_code == 401


def test_hall_api_filters_and_searches(client, published_a):
    assert client.get("/api/achievements/?q=固态储氢").json()["count"] == 1
    assert (
        client.get("/api/achievements/?q=固态储氢&ip_type=software_copyright").json()["count"] == 0
    )
    assert client.get("/api/achievements/?q=不存在的词汇").json()["count"] == 0


def test_transition_through_api(client, draft_a, manager_a, reviewer):
    client.force_login(manager_a)
    assert (
        _post(client, f"/api/achievements/{draft_a.pk}/transition", {"action": "submit"}).json()[
            "status"
        ]
        == "submitted"
    )
    client.force_login(reviewer)
    response = _post(client, f"/api/achievements/{draft_a.pk}/transition", {"action": "return"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "reason"


def test_list_reads_a_page_in_a_fixed_number_of_queries(client, published_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhuanhua.achievements.models import Completer

    for i in range(5):
        copy = Achievement.objects.get(pk=published_a.pk)
        copy.pk = None
        copy.title = f"副本{i}"
        copy.save()
        Completer.objects.create(achievement=copy, name=f"完成人{i}", order=1)
    with CaptureQueriesContext(connection) as queries:
        items = client.get("/api/achievements/?limit=20").json()["items"]
    assert len(items) == 6
    assert len(queries) == 3  # count, page, completers: no field read lazily per item
    by_title = {item["title"]: item for item in items}
    assert by_title["副本3"]["completers"] == [{"name": "完成人3", "employer": ""}]
    assert by_title["副本3"]["owner_name"] == published_a.owner.name
    assert set(items[0]) >= {"summary", "keywords", "ip_number", "published_at", "owner_id"}
