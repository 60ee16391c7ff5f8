"""The pages of background jobs (issue 22.5): the polled progress fragment, who may see a job and
its file, and the platform admin's page that starts the rebuild, the digests and the daily jobs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from zhuanhua.core.models import Announcement, BackgroundJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_admin(make_user: Any) -> Any:
    return make_user("padm", None, ["platform_admin"])


def test_the_fragment_polls_with_a_progress_bar_while_the_job_runs(
    client: Any, manager_a: Any
) -> None:
    job = BackgroundJob.objects.create(
        kind="search_rebuild",
        title="重建检索索引",
        status=BackgroundJob.Status.RUNNING,
        done=30,
        total=120,
        message="正在读取已发布的成果与需求",
        created_by=manager_a,
    )
    client.force_login(manager_a)
    url = reverse("core:job", kwargs={"job_id": job.pk})
    body = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert body.startswith(f'<div id="job-{job.pk}" hx-get="{url}" hx-trigger="every 1s"')
    assert '<progress class="w-100" max="100" value="25"' in body
    assert "30 / 120" in body
    assert "正在读取已发布的成果与需求" in body
    assert "<html" not in body
    page = client.get(url).content.decode()
    assert '<h1 class="h4 mb-3">重建检索索引</h1>' in page


def test_only_the_starter_and_a_platform_admin_see_a_job(
    client: Any, manager_a: Any, manager_b: Any, platform_admin: Any
) -> None:
    job = BackgroundJob.objects.create(kind="annual_report", title="报告", created_by=manager_a)
    url = reverse("core:job", kwargs={"job_id": job.pk})
    file_url = reverse("core:job_file", kwargs={"job_id": job.pk})
    assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(manager_b)
    assert client.get(url).status_code == 404
    client.force_login(manager_a)
    assert client.get(url).status_code == 200
    assert client.get(file_url).status_code == 404  # not done, no file
    client.force_login(platform_admin)
    assert client.get(url).status_code == 200


def test_the_jobs_page_is_the_platform_admins(
    client: Any, manager_a: Any, reviewer: Any, platform_admin: Any
) -> None:
    url = reverse("core:jobs")
    for user in (manager_a, reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(reverse("core:job_start"), {"kind": "daily_jobs"}).status_code == 403
    assert BackgroundJob.objects.count() == 0
    client.force_login(platform_admin)
    BackgroundJob.objects.create(kind="search_rebuild", title="重建检索索引", created_by=reviewer)
    page = client.get(url).content.decode()
    assert "重建检索索引" in page
    assert 'name="kind" value="weekly_digests"' in page
    assert client.post(reverse("core:job_start"), {"kind": "rm -rf"}).status_code == 403


def daily_announce(today: Any) -> dict[str, int]:
    Announcement.objects.create(title=f"每日 {today}", body="x", published_on=today)
    return {"created": 1}


@override_settings(ZHUANHUA_DAILY_JOBS=[f"{__name__}.daily_announce"])
def test_the_platform_admin_starts_the_daily_jobs_and_follows_them(
    client: Any, platform_admin: Any
) -> None:
    client.force_login(platform_admin)
    response = client.post(reverse("core:job_start"), {"kind": "daily_jobs"})
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("core:job", kwargs={"job_id": job.pk})
    assert job.created_by == platform_admin
    assert job.status == BackgroundJob.Status.DONE  # the test queue runs it at once
    assert Announcement.objects.count() == 1
    body = client.get(response["Location"]).content.decode()
    assert "1 项每日任务已完成" in body
