"""The public 先用后转 section, the unit's /transfer/mine/, the API and the completed-terms mark."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from zhuanhua.achievements.services import achievement_transition
from zhuanhua.audit.models import AuditEntry
from zhuanhua.engines.transfer_deadline import joins_list_on
from zhuanhua.transfer.jobs import use_first_list_update
from zhuanhua.transfer.models import UseFirstListEntry
from zhuanhua.transfer.selectors import UseFirstQuery, use_first_public, use_first_upcoming
from zhuanhua.transfer.services import use_first_terms_mark_completed

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(manager_a, make_achievement, make_org, make_user):
    """On 2026-03-11: a published and a draft achievement of unit A on the list, and a published
    one of a Dali unit (biomedicine, software copyright)."""
    published = make_achievement(
        manager_a, D(2024, 3, 10), publish=True, title="高原粳稻抗寒品种选育技术"
    )
    draft = make_achievement(manager_a, D(2024, 3, 10), title="草稿中的三七皂苷提取工艺")
    dali = make_org(name="大理大学（测试）", prefecture="532900")
    dali_manager = make_user("dali_manager", dali, ["achievement_manager"])
    other = make_achievement(
        dali_manager,
        D(2024, 1, 2),
        publish=True,
        title="白族扎染数字图案设计软件",
        industry_field="biomedicine",
        ip_type="software_copyright",
        ip_number="2024SR000001",
    )
    use_first_list_update(D(2026, 3, 11))
    return {"published": published, "draft": draft, "other": other}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_drafts_never_in_the_public_section(listed):
    ids = [e.achievement_id for e in use_first_public()]
    assert ids == [listed["published"].pk, listed["other"].pk]
    assert UseFirstListEntry.objects.filter(achievement=listed["draft"]).exists()
    html = Client().get("/transfer/use-first/").content.decode()
    assert "高原粳稻抗寒品种选育技术" in html
    assert "白族扎染数字图案设计软件" in html
    assert "草稿中的三七皂苷提取工艺" not in html
    assert 'data-testid="use-first-count">2<' in html
    assert html.count("先使用后付费</span>") == 2
    assert f'href="/achievements/{listed["published"].pk}/"' in html
    assert ">2026-03-11</time>" in html
    api = Client().get("/api/transfer/use-first").json()
    assert api["count"] == 2
    assert [i["title"] for i in api["items"]] == [
        "高原粳稻抗寒品种选育技术",
        "白族扎染数字图案设计软件",
    ]


def test_public_filters(listed):
    client = Client()
    html = client.get("/transfer/use-first/?prefecture=532900").content.decode()
    assert 'data-testid="use-first-count">1<' in html
    assert "白族扎染数字图案设计软件" in html
    html = client.get("/transfer/use-first/?industry_field=new_energy").content.decode()
    assert 'data-testid="use-first-count">1<' in html
    assert "高原粳稻抗寒品种选育技术" in html
    html = client.get("/transfer/use-first/?ip_type=plant_variety").content.decode()
    assert 'data-testid="use-first-count">0<' in html
    assert [
        e.achievement.title for e in use_first_public(UseFirstQuery(ip_type="software_copyright"))
    ] == ["白族扎染数字图案设计软件"]
    api = client.get("/api/transfer/use-first?prefecture=530100&limit=1").json()
    assert api["count"] == 1
    item = api["items"][0]
    assert item == {
        "achievement_id": listed["published"].pk,
        "title": "高原粳稻抗寒品种选育技术",
        "owner_id": listed["published"].owner_id,
        "owner_name": "云南大学（测试）",
        "prefecture": "530100",
        "industry_field": "new_energy",
        "ip_type": "patent",
        "ip_acquired_on": "2024-03-10",
        "joined_on": "2026-03-11",
        "use_first_pay_later": True,
        "url": f"/achievements/{listed['published'].pk}/",
    }
    assert client.get("/api/transfer/use-first?ip_type=nonsense").status_code == 422


def test_delisted_and_transferred_leave_the_public_section(listed, manager_a):
    achievement_transition(user=manager_a, achievement=listed["published"], action="delist")
    assert [e.achievement_id for e in use_first_public()] == [listed["other"].pk]


def test_unit_sees_its_own_entries_with_what_needs_terms(listed, manager_a):
    html = logged_in(manager_a).get("/transfer/mine/").content.decode()
    assert "高原粳稻抗寒品种选育技术" in html
    assert "草稿中的三七皂苷提取工艺" in html
    assert "白族扎染数字图案设计软件" not in html
    assert html.count("待完善先使用后付费条款</span>") == 2
    assert 'data-testid="needs-terms-count">2<' in html
    assert "已进入先用后转清单" in html  # the in-app record of the notice


def test_another_unit_cannot_see_your_mine_page(listed, manager_b):
    html = logged_in(manager_b).get("/transfer/mine/").content.decode()
    assert "高原粳稻抗寒品种选育技术" not in html
    assert "草稿中的三七皂苷提取工艺" not in html
    assert "本单位暂无进入先用后转清单的成果" in html
    assert "needs-terms-count" not in html


def test_mine_page_needs_login():
    response = Client().get("/transfer/mine/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_terms_mark_completed(listed, manager_a, manager_b):
    published = listed["published"]
    entry = use_first_terms_mark_completed(user=manager_a, achievement=published, on=D(2026, 4, 1))
    assert entry.terms_completed_on == D(2026, 4, 1)
    again = use_first_terms_mark_completed(user=manager_a, achievement=published)
    assert again.terms_completed_on == D(2026, 4, 1)
    assert AuditEntry.objects.filter(action="use_first_list.terms_completed").count() == 1
    html = logged_in(manager_a).get("/transfer/mine/").content.decode()
    assert html.count("待完善先使用后付费条款</span>") == 1
    assert "已完善（2026-04-01）" in html
    with pytest.raises(PermissionDenied):
        use_first_terms_mark_completed(user=manager_b, achievement=listed["draft"])


def test_terms_mark_needs_an_entry_on_the_list(manager_a, make_achievement):
    young = make_achievement(manager_a, D(2025, 6, 1))
    with pytest.raises(ValidationError) as exc:
        use_first_terms_mark_completed(user=manager_a, achievement=young)
    assert exc.value.message_dict == {"achievement": ["该成果不在先用后转清单中"]}


def test_upcoming_on_the_mine_page(manager_a, make_achievement):
    today = timezone.localdate()
    ip = next(  # an IP date that joins the list in exactly 21 days
        today - dt.timedelta(days=n)
        for n in range(700, 760)
        if joins_list_on(True, True, today - dt.timedelta(days=n)) == today + dt.timedelta(days=21)
    )
    make_achievement(manager_a, ip, title="即将入列的成果")
    rows = use_first_upcoming(manager_a, today)
    assert [(r.achievement.title, r.days_left) for r in rows] == [("即将入列的成果", 21)]
    html = logged_in(manager_a).get("/transfer/mine/").content.decode()
    assert "即将入列的成果" in html
    assert "还有 21 天" in html


CHECK = {
    "as_of": "2026-03-11",
    "achievements": [
        {
            "id": "a",
            "fiscally_funded": True,
            "is_applied_technology": True,
            "ip_acquired_on": "2024-02-29",
        },
        {
            "id": 2,
            "fiscally_funded": True,
            "is_applied_technology": True,
            "ip_acquired_on": "2024-03-10",
            "transferred_on": "2026-03-10",
        },
        {"id": "c", "fiscally_funded": False, "is_applied_technology": True},
    ],
}


def test_check_api_runs_the_pure_rule(db):
    response = Client().post(
        "/api/transfer/check", json.dumps(CHECK), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {"id": "a", "joins_list_on": "2026-03-01", "on_list": True},
            {"id": 2, "joins_list_on": None, "on_list": False},
            {"id": "c", "joins_list_on": None, "on_list": False},
        ]
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"achievements": []}, "as_of"),
        ({"as_of": "2026-02-30", "achievements": []}, "as_of"),
        (
            {
                "as_of": "2026-03-11",
                "achievements": [{"id": 1, "fiscally_funded": True, "is_applied_technology": True}],
            },
            "achievements[0].ip_acquired_on",
        ),
        ([], "(document)"),
    ],
)
def test_check_api_bad_input_is_422_naming_the_field(db, body, field):
    response = Client().post(
        "/api/transfer/check", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == [field]


def test_check_api_not_json(db):
    response = Client().post("/api/transfer/check", "{", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "(document)", "message": "请求体不是有效的 JSON"}
    ]
