"""A unit's transfer report goes to its own supervising department (measure 4, issue 24):
that department sees it, queues it and signs for it; another supervising department sees
nothing of it; a prefecture bureau's reviewer gets no province-wide view; the provincial
department sees every unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from zhuanhua.notifications.models import Notification
from zhuanhua.transfer import selectors
from zhuanhua.transfer.services import (
    transfer_report_create,
    transfer_report_receive,
    transfer_report_submit,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def world(unit_a: Any, manager_a: Any, make_org: Any, make_user: Any) -> dict[str, Any]:
    edu = make_org(name="云南省教育厅（测试）", org_type="supervising_department")
    health = make_org(name="云南省卫生健康委员会（测试）", org_type="supervising_department")
    bureau = make_org(name="昆明市科学技术局（测试）", org_type="prefecture_bureau")
    unit_a.supervisor = edu
    unit_a.save()
    people = {
        "edu": edu,
        "edu_rev": make_user("edu_rev", edu, ["department_reviewer"]),
        "health_rev": make_user("health_rev", health, ["department_reviewer"]),
        "bureau_rev": make_user("km_rev", bureau, ["department_reviewer"]),
    }
    report = transfer_report_create(user=manager_a, year=2025, period_kind="year", today=TODAY)
    return {"report": transfer_report_submit(user=manager_a, report=report), **people}


def test_the_report_reaches_its_own_supervising_department_and_no_other(world, client):
    report = world["report"]
    assert report.supervisor == world["edu"]
    assert list(selectors.reports_to_receive(world["edu_rev"])) == [report]
    assert Notification.objects.filter(user=world["edu_rev"], kind="filing").exists()

    for other in ("health_rev", "bureau_rev"):
        user = world[other]
        assert not selectors.report_visible_to(user).exists(), other
        assert list(selectors.reports_to_receive(user)) == [], other
        assert not Notification.objects.filter(user=user).exists(), other
        client.force_login(user)
        assert client.get(reverse("transfer:report_detail", args=[report.pk])).status_code == 404
        assert client.get(reverse("transfer:report_pdf", args=[report.pk])).status_code == 404
    client.force_login(world["health_rev"])
    page = client.get(reverse("transfer:report_overview"), {"year": 2025, "period_kind": "year"})
    assert page.status_code == 200
    assert page.context["rows"] == []
    client.force_login(world["bureau_rev"])
    assert client.get(reverse("transfer:report_overview")).status_code == 403


def test_the_supervising_department_reads_and_signs_for_it(world, client, manager_a):
    report = world["report"]
    client.force_login(world["edu_rev"])
    assert client.get(reverse("transfer:report_detail", args=[report.pk])).status_code == 200
    overview = client.get(
        reverse("transfer:report_overview"), {"year": 2025, "period_kind": "year"}
    )
    assert [r.organisation.pk for r in overview.context["rows"]] == [report.organisation_id]

    with pytest.raises(PermissionDenied):
        transfer_report_receive(user=world["health_rev"], report=report)
    client.post(reverse("transfer:report_receive", args=[report.pk]))
    report.refresh_from_db()
    assert report.received_by == world["edu_rev"]
    assert list(selectors.reports_to_receive(world["edu_rev"])) == []
    assert Notification.objects.filter(user=manager_a, title__contains="签收").exists()


def test_the_provincial_department_sees_every_unit(world, reviewer, unit_b):
    assert list(selectors.report_visible_to(reviewer)) == [world["report"]]
    rows = selectors.report_overview(2025, "year", reviewer)
    assert {r.organisation.pk for r in rows} >= {world["report"].organisation_id, unit_b.pk}
    # Addressed to the education department, so not in the provincial department's queue.
    assert list(selectors.reports_to_receive(reviewer)) == []


def test_a_unit_with_no_supervisor_reports_to_the_provincial_department(
    unit_b, manager_b, reviewer
):
    report = transfer_report_create(user=manager_b, year=2025, period_kind="year", today=TODAY)
    report = transfer_report_submit(user=manager_b, report=report)
    assert report.supervisor is None
    assert list(selectors.reports_to_receive(reviewer)) == [report]
    assert Notification.objects.filter(user=reviewer, kind="filing").exists()
