"""Pages and API: the public list, the profile badge, who sees the hearing and the evidence,
the reviewer's form, the appeal, permissions."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from zhuanhua.credit import services
from zhuanhua.credit.models import CreditEvent
from zhuanhua.credit.tests.conftest import pdf


@pytest.fixture
def live_event(reviewer, event_data):
    today = timezone.localdate()
    event_data.update(
        hearing_on=today - dt.timedelta(days=5),
        effective_from=today,
        effective_to=today + dt.timedelta(days=365),
    )
    return services.credit_event_record(
        user=reviewer, data=services.CreditEventInput(**event_data), evidence=[pdf()]
    )


@pytest.fixture
def old_event(reviewer, event_data):
    """Expired by date (yesterday was its last day)."""
    today = timezone.localdate()
    event_data.update(
        hearing_on=today - dt.timedelta(days=400),
        effective_from=today - dt.timedelta(days=365),
        effective_to=today - dt.timedelta(days=1),
        description="早已到期的记录",
    )
    return services.credit_event_record(
        user=reviewer, data=services.CreditEventInput(**event_data), evidence=[pdf()]
    )


def test_public_list_shows_active_events_only(client, live_event, old_event, enterprise):
    body = client.get(reverse("credit:list")).content.decode()
    assert 'data-testid="active-count">1<' in body
    assert enterprise.name in body
    assert reverse("credit:detail", args=[old_event.pk]) not in body
    assert 'data-testid="all-events"' not in body


def test_public_detail_hides_hearing_and_evidence(client, live_event):
    body = client.get(reverse("credit:detail", args=[live_event.pk])).content.decode()
    assert live_event.description in body
    assert live_event.party_statement not in body
    assert "evidence.pdf" not in body
    evidence = live_event.evidence.get()
    assert client.get(reverse("credit:evidence_download", args=[evidence.pk])).status_code == 404


def test_expired_event_is_404_to_the_public_but_not_to_the_party(
    client, old_event, party_user, auditor
):
    url = reverse("credit:detail", args=[old_event.pk])
    assert client.get(url).status_code == 404
    client.force_login(party_user)
    body = client.get(url).content.decode()
    assert "已到期" in body
    assert old_event.party_statement in body
    assert 'data-testid="own-events"' in client.get(reverse("credit:list")).content.decode()
    client.force_login(auditor)
    assert client.get(url).status_code == 200
    listing = client.get(reverse("credit:list") + "?status=expired").content.decode()
    assert 'data-testid="all-events"' in listing
    assert "早已到期" not in listing
    assert reverse("credit:detail", args=[old_event.pk]) in listing


def test_other_organisation_cannot_see_a_past_event(client, old_event, manager_a):
    client.force_login(manager_a)
    assert client.get(reverse("credit:detail", args=[old_event.pk])).status_code == 404


def test_profile_badge_snippet(live_event, enterprise, unit_a):
    html = render_to_string("credit/_profile_badge.html", {"org": enterprise})
    assert 'data-testid="credit-badge"' in html
    assert "恶意违约" in html
    assert render_to_string("credit/_profile_badge.html", {"org": unit_a}).strip() == ""


def test_reviewer_records_through_the_form(client, reviewer, enterprise):
    client.force_login(reviewer)
    assert client.get(reverse("credit:record")).status_code == 200
    today = timezone.localdate()
    response = client.post(
        reverse("credit:record"),
        {
            "organisation": str(enterprise.pk),
            "kind": "false_material",
            "description": "申报材料中的技术合同系伪造。",
            "hearing_on": today.isoformat(),
            "party_statement": "承认材料有误。",
            "effective_from": today.isoformat(),
            "effective_to": (today + dt.timedelta(days=180)).isoformat(),
            "evidence": [pdf("a.pdf"), pdf("b.pdf")],
        },
    )
    event = CreditEvent.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("credit:detail", args=[event.pk])
    assert event.evidence.count() == 2


def test_form_without_hearing_is_refused(client, reviewer, enterprise):
    client.force_login(reviewer)
    today = timezone.localdate()
    response = client.post(
        reverse("credit:record"),
        {
            "organisation": str(enterprise.pk),
            "kind": "false_material",
            "description": "伪造。",
            "effective_from": today.isoformat(),
            "effective_to": (today + dt.timedelta(days=180)).isoformat(),
            "evidence": [pdf()],
        },
    )
    assert response.status_code == 200
    assert not CreditEvent.objects.exists()


def test_only_reviewers_open_the_form(client, auditor, party_user):
    for user in (auditor, party_user):
        client.force_login(user)
        assert client.get(reverse("credit:record")).status_code == 403


def test_reviewer_revokes_on_appeal_through_the_page(client, reviewer, live_event, enterprise):
    client.force_login(reviewer)
    response = client.post(
        reverse("credit:appeal", args=[live_event.pk]),
        {
            "filed_on": timezone.localdate().isoformat(),
            "grounds": "已履约。",
            "decision": "revoked",
            "reason": "撤销。",
        },
    )
    assert response.status_code == 302
    live_event.refresh_from_db()
    assert live_event.status == "revoked"
    html = render_to_string("credit/_profile_badge.html", {"org": enterprise})
    assert "credit-badge" not in html


def test_party_cannot_decide_its_own_appeal(client, party_user, live_event):
    client.force_login(party_user)
    response = client.post(
        reverse("credit:appeal", args=[live_event.pk]),
        {
            "filed_on": timezone.localdate().isoformat(),
            "grounds": "x",
            "decision": "revoked",
            "reason": "y",
        },
    )
    assert response.status_code == 403
    live_event.refresh_from_db()
    assert live_event.status == "active"


def test_api_lists_and_details(client, live_event, party_user):
    rows = client.get("/api/credit/").json()
    assert rows["count"] == 1
    assert rows["items"][0]["kind"] == "malicious_default"
    public = client.get(f"/api/credit/{live_event.pk}").json()
    assert public["party_statement"] is None
    assert public["evidence"] is None
    client.force_login(party_user)
    own = client.get(f"/api/credit/{live_event.pk}").json()
    assert own["party_statement"] == live_event.party_statement
    assert own["evidence"] == ["evidence.pdf"]


def test_api_records_and_decides(client, reviewer, auditor, enterprise):
    today = timezone.localdate()
    form = {
        "organisation_id": str(enterprise.pk),
        "kind": "false_material",
        "description": "伪造。",
        "party_statement": "无异议。",
        "hearing_on": today.isoformat(),
        "effective_from": today.isoformat(),
        "effective_to": (today + dt.timedelta(days=90)).isoformat(),
    }
    client.force_login(auditor)
    assert client.post("/api/credit/", {**form, "evidence": [pdf()]}).status_code == 403
    client.force_login(reviewer)
    missing = client.post("/api/credit/", {**form, "party_statement": "", "evidence": [pdf()]})
    assert missing.status_code == 422
    assert {"field": "party_statement", "message": services.ERR_STATEMENT} in missing.json()[
        "detail"
    ]
    created = client.post("/api/credit/", {**form, "evidence": [pdf()]})
    assert created.status_code == 201, created.content
    event_id = created.json()["id"]
    decided = client.post(
        f"/api/credit/{event_id}/appeal",
        {
            "filed_on": today.isoformat(),
            "grounds": "x",
            "decision": "revoked",
            "reason": "y",
        },
        content_type="application/json",
    )
    assert decided.status_code == 200
    assert decided.json()["status"] == "revoked"
    assert decided.json()["appeals"][0]["decision"] == "revoked"
