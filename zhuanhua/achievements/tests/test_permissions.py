"""Another unit's achievement cannot be edited, nor even seen in draft, through pages or API."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.services import achievement_update


def test_other_unit_cannot_edit_through_service(draft_a, manager_b):
    with pytest.raises(PermissionDenied):
        achievement_update(user=manager_b, achievement=draft_a, data={"title": "篡改"})
    assert Achievement.objects.get(pk=draft_a.pk).title == draft_a.title


def test_other_unit_cannot_see_draft_page(client, draft_a, manager_b):
    client.force_login(manager_b)
    assert client.get(f"/achievements/{draft_a.pk}/").status_code == 404
    assert client.get(f"/achievements/{draft_a.pk}/edit/").status_code == 404


def test_other_unit_cannot_see_draft_through_api(client, draft_a, manager_b):
    client.force_login(manager_b)
    assert client.get(f"/api/achievements/{draft_a.pk}").status_code == 404


def test_other_unit_cannot_patch_through_api(client, draft_a, manager_b):
    client.force_login(manager_b)
    response = client.patch(
        f"/api/achievements/{draft_a.pk}",
        json.dumps({"title": "篡改"}),
        content_type="application/json",
    )
    assert response.status_code in {403, 404}
    assert Achievement.objects.get(pk=draft_a.pk).title == draft_a.title


def test_other_unit_cannot_edit_published_through_api(client, published_a, manager_b):
    client.force_login(manager_b)
    response = client.patch(
        f"/api/achievements/{published_a.pk}",
        json.dumps({"title": "篡改"}),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_anonymous_sees_published_but_not_draft(client, published_a, manager_a, achievement_data):
    from zhuanhua.achievements.services import achievement_create

    draft = achievement_create(user=manager_a, data=achievement_data, completers=[{"name": "王五"}])
    assert client.get(f"/achievements/{published_a.pk}/").status_code == 200
    assert client.get(f"/achievements/{draft.pk}/").status_code == 404
    assert client.get(f"/api/achievements/{draft.pk}").status_code == 404


def test_owner_sees_own_draft(client, draft_a, manager_a):
    client.force_login(manager_a)
    response = client.get(f"/achievements/{draft_a.pk}/")
    assert response.status_code == 200
    assert "提交审核" in response.content.decode()


def test_reviewer_sees_submitted_but_not_drafts(
    client, draft_a, manager_a, reviewer, achievement_data
):
    from zhuanhua.achievements.services import achievement_create, achievement_transition

    other = achievement_create(user=manager_a, data=achievement_data, completers=[{"name": "赵六"}])
    achievement_transition(user=manager_a, achievement=other, action="submit")
    client.force_login(reviewer)
    assert client.get(f"/achievements/{other.pk}/").status_code == 200
    assert client.get(f"/achievements/{draft_a.pk}/").status_code == 404


def test_researcher_without_editor_role_cannot_open_create_page(client, unit_a, make_user):
    researcher = make_user("researcher_a", unit_a, ["researcher"])
    client.force_login(researcher)
    assert client.get("/achievements/new/").status_code == 403


def test_drafts_never_appear_in_the_hall(client, draft_a):
    body = client.get("/achievements/?q=固态储氢").content.decode()
    assert draft_a.title not in body
