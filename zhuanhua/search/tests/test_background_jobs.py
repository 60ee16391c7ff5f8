"""The index rebuild and the weekly digests as background jobs (issue 22.5): queued, run by a
worker, progress on the job row; a failing digest run writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from zhuanhua.core import tasks
from zhuanhua.core.models import BackgroundJob
from zhuanhua.notifications.models import DigestSent
from zhuanhua.notifications.services import notify
from zhuanhua.search import jobs

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@override_settings(TASKS=DB_TASKS)
@pytest.mark.django_db(transaction=True)  # the worker checks its connection, as in production
def test_search_rebuild_queue_is_run_by_a_worker_with_progress(published_a: Any) -> None:
    call_command("search", "rebuild", "--queue")
    job = BackgroundJob.objects.get()
    assert (job.kind, job.status) == ("search_rebuild", BackgroundJob.Status.QUEUED)
    assert str(DBTaskResult.objects.get().id) == job.task_result_id

    call_command("db_worker", "--batch", "--no-startup-delay")

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.DONE
    assert job.message.startswith("检索索引已重建：1 条文档，")
    assert job.total == job.done >= 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.fixture
def unread(manager_a: Any) -> Any:
    manager_a.email = "manager_a@example.com"
    manager_a.save(update_fields=["email"])
    notify(users=[manager_a], kind="system", title="平台维护通知", body="周六凌晨维护")
    return manager_a


def test_the_weekly_digests_run_as_one_job(unread: Any) -> None:
    job = tasks.enqueue_job(kind="weekly_digests", title="本周周报", params={"date": "2026-12-02"})
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.DONE
    assert job.message.startswith("2026-11-30 一周的周报已发送：未读消息摘要 1 人")
    assert (job.done, job.total) == (2, 2)
    assert DigestSent.objects.filter(user=unread).count() == 1
    assert len(mail.outbox) == 1


def test_a_failing_digest_run_records_a_chinese_error_and_writes_nothing(
    unread: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(today: Any) -> dict[str, int]:
        raise RuntimeError("matcher down")

    monkeypatch.setattr(jobs, "match_digest", broken)
    job = tasks.enqueue_job(kind="weekly_digests", title="本周周报", params={"date": "2026-12-02"})
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.message == tasks.ERR_JOB_CRASHED
    assert DigestSent.objects.count() == 0  # the unread-message digest was rolled back
