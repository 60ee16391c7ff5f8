"""The pages: a researcher sees only their own disclosures; the unit's managers see what was
submitted to their unit (with waiting days and overdue), never a draft, never another unit's."""

from __future__ import annotations

import datetime as dt

from zhuanhua.disclosures import selectors
from zhuanhua.disclosures.choices import DisclosureStatus
from zhuanhua.disclosures.models import Disclosure


def test_researcher_sees_only_own_disclosures(client, draft, researcher_a2):
    client.force_login(researcher_a2)
    assert draft.title not in client.get("/disclosures/").content.decode()
    assert client.get(f"/disclosures/{draft.pk}/").status_code == 404
    assert client.get(f"/disclosures/{draft.pk}/edit/").status_code == 404
    assert list(selectors.disclosures_visible_to(researcher_a2)) == []


def test_manager_does_not_see_a_draft_and_other_unit_sees_nothing(
    client, draft, manager_a, manager_b, researcher_a
):
    client.force_login(manager_a)
    assert client.get(f"/disclosures/{draft.pk}/").status_code == 404
    from zhuanhua.disclosures.services import disclosure_submit

    disclosure_submit(user=researcher_a, disclosure=draft)
    assert client.get(f"/disclosures/{draft.pk}/").status_code == 200
    client.force_login(manager_b)
    assert client.get(f"/disclosures/{draft.pk}/").status_code == 404
    assert (
        client.post(f"/disclosures/{draft.pk}/decide/", {"decision": "accept"}).status_code == 404
    )
    assert draft.title not in client.get("/disclosures/queue/").content.decode()


def test_queue_shows_days_waited_and_overdue(client, submitted, manager_a):
    today = dt.date(2026, 4, 10)  # due 2026-04-01
    rows = selectors.disclosure_queue(manager_a, today)
    assert [(r.days_waited, r.overdue) for r in rows] == [(39, True)]
    client.force_login(manager_a)
    body = client.get("/disclosures/queue/").content.decode()
    assert submitted.title in body
    assert 'data-testid="overdue"' in body  # the fixture submitted in March 2026


def test_researcher_discloses_through_the_form(client, researcher_a, manager_a):
    client.force_login(researcher_a)
    response = client.post(
        "/disclosures/new/",
        {
            "title": "一种咖啡豆低温发酵工艺",
            "summary": "低温厌氧发酵，提升风味。",
            "industry_field": "food",
            "readiness": "5",
            "completers": "researcher_a，70，云南农业大学\n王五，30",
            "funding_source": "own",
            "ip_status": "secret",
            "conflicts": "无",
            "then": "submit",
        },
    )
    disclosure = Disclosure.objects.get()
    assert response.status_code == 302
    assert disclosure.status == DisclosureStatus.SUBMITTED
    assert disclosure.completers == [
        {"name": "researcher_a", "employer": "云南农业大学", "share": "70.00"},
        {"name": "王五", "employer": "", "share": "30.00"},
    ]
    client.force_login(manager_a)
    client.post(f"/disclosures/{disclosure.pk}/decide/", {"decision": "accept", "reason": ""})
    disclosure.refresh_from_db()
    assert disclosure.achievement.ip_type == "know_how"


def test_returning_without_reason_on_the_page_is_refused(client, submitted, manager_a):
    client.force_login(manager_a)
    response = client.post(
        f"/disclosures/{submitted.pk}/decide/", {"decision": "return", "reason": ""}
    )
    assert response.status_code == 422
    assert "退回或不予受理须填写理由" in response.content.decode()
    assert Disclosure.objects.get(pk=submitted.pk).status == DisclosureStatus.SUBMITTED


def test_pages_refuse_other_roles(client, manager_a, researcher_a):
    client.force_login(manager_a)
    assert client.get("/disclosures/").status_code == 403
    assert client.get("/disclosures/new/").status_code == 403
    client.force_login(researcher_a)
    assert client.get("/disclosures/queue/").status_code == 403
