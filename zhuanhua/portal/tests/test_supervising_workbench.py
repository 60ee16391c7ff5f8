"""A supervising department's workbench (issue 24): its own units' reports, dossiers and
referrals with counts; a prefecture bureau's reviewer gets none of the province's queues."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zhuanhua.portal.menus import workbench_jobs
from zhuanhua.portal.todo import waiting_for
from zhuanhua.transfer.services import transfer_report_create, transfer_report_submit

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 1)


def test_the_supervising_department_sees_its_queue_with_counts(
    unit_a, manager_a, make_org, make_user, client
):
    edu = make_org(name="云南省教育厅（测试）", org_type="supervising_department")
    health = make_org(name="云南省卫生健康委员会（测试）", org_type="supervising_department")
    unit_a.supervisor = edu
    unit_a.save()
    edu_rev = make_user("edu_rev", edu, ["department_reviewer"])
    health_rev = make_user("health_rev", health, ["department_reviewer"])
    report = transfer_report_create(user=manager_a, year=2025, period_kind="year", today=TODAY)
    transfer_report_submit(user=manager_a, report=report)

    jobs = {j.job.key: j for j in workbench_jobs(edu_rev)}
    counts = {s.entry.key: s.count for s in jobs["supervising"].entries}
    assert counts["s_reports"] == 1
    assert "review" not in jobs  # no province-wide queues
    assert ("转化清单待签收", 1) in [(w.label, w.count) for w in waiting_for(edu_rev, TODAY)]

    other = {j.job.key: j for j in workbench_jobs(health_rev)}
    assert {s.entry.key: s.count for s in other["supervising"].entries}["s_reports"] == 0
    client.force_login(edu_rev)
    for shown in jobs["supervising"].entries:
        assert client.get(shown.entry.url).status_code == 200, shown.entry.key


def test_a_bureau_reviewer_gets_no_province_wide_queue(make_org, make_user):
    bureau = make_org(name="曲靖市科学技术局（测试）", org_type="prefecture_bureau")
    rev = make_user("qj_rev", bureau, ["department_reviewer"])
    keys = {j.job.key for j in workbench_jobs(rev)}
    assert not keys & {"review", "supervise", "supervising"}


def test_a_unit_opens_its_supervisor_page(unit_a, manager_a, client):
    client.force_login(manager_a)
    assert client.get(reverse("organisations:supervisor")).status_code == 200
