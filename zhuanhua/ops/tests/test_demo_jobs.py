"""The demo's background jobs: one of each outcome the job pages show, and removed with the demo."""

from __future__ import annotations

from typing import Any

import pytest

from zhuanhua.accounts.models import User
from zhuanhua.core.models import BackgroundJob
from zhuanhua.ops.demo_jobs import jobs_delete, load_jobs

pytestmark = pytest.mark.django_db


def test_the_demo_jobs_show_done_failed_and_running(make_user: Any, department: Any) -> None:
    users = {
        "admin": make_user("admin", None, ["platform_admin"]),
        "dept_reviewer": make_user("dept_reviewer", department, ["department_reviewer"]),
    }
    assert load_jobs(users=users) == 3
    statuses = dict(BackgroundJob.objects.values_list("kind", "status"))
    assert statuses == {
        "search_rebuild": "done",
        "annual_report": "failed",
        "daily_jobs": "running",
    }
    report = BackgroundJob.objects.get(kind="annual_report")
    assert report.created_by == users["dept_reviewer"]
    assert "任务意外出错" in report.message
    jobs_delete(User.objects.filter(username__in=["admin", "dept_reviewer"]))
    assert BackgroundJob.objects.count() == 0
