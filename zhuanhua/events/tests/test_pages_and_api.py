"""The event pages and API as each party meets them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from zhuanhua.events import services
from zhuanhua.events.models import EventRegistration, Intention, MatchmakingEvent
from zhuanhua.events.services import EventInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_event(reviewer: Any) -> Any:
    today = timezone.localdate()
    return services.event_create(
        user=reviewer,
        data=EventInput(
            title="高原特色农业成果对接会",
            kind="matchmaking",
            description="茶、咖啡、花卉加工技术专场。",
            place="普洱市思茅区",
            prefecture="530800",
            held_on=today + dt.timedelta(days=5),
            registration_deadline=today + dt.timedelta(days=3),
        ),
    )


def test_a_draft_is_the_organisers_alone(client: Any, draft_event: Any, enterprise_user: Any):
    assert client.get(f"/events/{draft_event.pk}/").status_code == 404
    client.force_login(enterprise_user)
    assert client.get(f"/events/{draft_event.pk}/").status_code == 404
    assert client.get("/api/events/").json()["count"] == 0


def test_the_organiser_builds_and_publishes_the_event_through_the_pages(
    client: Any, reviewer: Any, draft_event: Any, published_a: Any
):
    client.force_login(reviewer)
    page = client.get(f"/events/{draft_event.pk}/achievements/").content.decode()
    assert published_a.title in page
    client.post(f"/events/{draft_event.pk}/achievements/", {"achievements": [published_a.pk]})
    client.post(f"/events/{draft_event.pk}/transition/publish/")
    client.logout()
    page = client.get(f"/events/{draft_event.pk}/").content.decode()
    assert "报名中" in page
    assert published_a.title in page
    assert draft_event.title in client.get("/events/").content.decode()


def test_an_enterprise_registers_on_the_page_and_through_the_api(
    client: Any,
    reviewer: Any,
    draft_event: Any,
    published_a: Any,
    published_need: Any,
    enterprise_user: Any,
):
    services.event_present(user=reviewer, event=draft_event, achievement_ids=[published_a.pk])
    services.event_transition(user=reviewer, event=draft_event, action="publish")
    client.force_login(enterprise_user)
    page = client.get(f"/events/{draft_event.pk}/").content.decode()
    assert published_need.title in page  # its need is offered in the registration form
    client.post(f"/events/{draft_event.pk}/register/", {"needs": [published_need.pk]})
    assert EventRegistration.objects.filter(event=draft_event).count() == 1
    answer = client.put(
        f"/api/events/{draft_event.pk}/registration",
        data=json.dumps({"need_ids": [published_need.pk], "note": "希望与成果方面谈"}),
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["note"] == "希望与成果方面谈"
    bad = client.put(
        f"/api/events/{draft_event.pk}/registration",
        data=json.dumps({"need_ids": []}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "needs"


def test_only_the_organiser_records_intentions_through_the_api(
    client: Any,
    reviewer: Any,
    draft_event: Any,
    published_a: Any,
    published_need: Any,
    enterprise_user: Any,
    enterprise: Any,
):
    services.event_present(user=reviewer, event=draft_event, achievement_ids=[published_a.pk])
    services.event_transition(user=reviewer, event=draft_event, action="publish")
    services.event_register(user=enterprise_user, event=draft_event, need_ids=[published_need.pk])
    today = timezone.localdate()
    MatchmakingEvent.objects.filter(pk=draft_event.pk).update(
        held_on=today, registration_deadline=today
    )
    services.event_transition(user=reviewer, event=draft_event, action="hold", text="圆满举办")
    body = json.dumps(
        {
            "achievement_id": published_a.pk,
            "enterprise_id": enterprise.pk,
            "kind": "license",
            "amount": "120000.00",
        }
    )
    client.force_login(enterprise_user)
    url = f"/api/events/{draft_event.pk}/intentions"
    assert client.post(url, data=body, content_type="application/json").status_code == 403
    client.force_login(reviewer)
    answer = client.post(url, data=body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["kind_label"] == "许可"
    assert Intention.objects.get().amount == 120000
