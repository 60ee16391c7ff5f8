"""Background jobs (issue 22.5): a queued job runs as a task, reports progress on its row, and a
failing one records a Chinese reason and writes nothing; `jobs run-due --queue` queues the daily
jobs, and a daily job that fails rolls back what it wrote."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from zhuanhua.core import tasks
from zhuanhua.core.models import Announcement, BackgroundJob

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
SEEN: list[tuple[int, int, str | None]] = []


def counting_job(job: BackgroundJob, progress: tasks.Progress) -> tasks.JobOutcome:
    """A job of three steps that reports each one and leaves a file."""
    for i in range(3):
        progress(i, 3, f"第 {i + 1} 步")
        SEEN.append((i, 3, BackgroundJob.objects.get(pk=job.pk).message))
    return tasks.JobOutcome(message="三步都完成了", file_name="结果.txt", content=b"ok")


def writing_then_failing_job(job: BackgroundJob, progress: tasks.Progress) -> tasks.JobOutcome:
    with transaction.atomic():
        Announcement.objects.create(title="不应留下", body="x", published_on=dt.date(2026, 1, 5))
        raise RuntimeError("disk full")


def refusing_job(job: BackgroundJob, progress: tasks.Progress) -> tasks.JobOutcome:
    raise tasks.JobError("该年度没有数据，未生成报告")


def daily_announce(today: dt.date) -> dict[str, int]:
    Announcement.objects.create(title=f"每日 {today}", body="x", published_on=today)
    return {"created": 1}


def daily_announce_then_fail(today: dt.date) -> dict[str, int]:
    Announcement.objects.create(title="写了一半", body="x", published_on=today)
    raise RuntimeError("boom")


TEST_KINDS = {
    "counting": f"{__name__}.counting_job",
    "failing": f"{__name__}.writing_then_failing_job",
    "refusing": f"{__name__}.refusing_job",
    "daily_jobs": "zhuanhua.core.tasks.daily_jobs",
}


@override_settings(ZHUANHUA_BACKGROUND_JOBS=TEST_KINDS)
def test_a_job_runs_as_a_task_and_reports_progress_on_its_row() -> None:
    SEEN.clear()
    job = tasks.enqueue_job(kind="counting", title="数三步")  # the test backend runs it now
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.DONE
    assert job.message == "三步都完成了"
    # Every step's message reached the row while the job ran (messages are never throttled).
    assert SEEN == [(0, 3, "第 1 步"), (1, 3, "第 2 步"), (2, 3, "第 3 步")]
    assert (job.done, job.total, job.percent) == (3, 3, 100)
    assert job.result_name == "结果.txt"
    assert job.result.read() == b"ok"
    assert job.started_at is not None
    assert job.finished_at is not None


@override_settings(ZHUANHUA_BACKGROUND_JOBS=TEST_KINDS)
def test_a_crashing_job_records_a_chinese_error_and_writes_nothing() -> None:
    job = tasks.enqueue_job(kind="failing", title="会出错的任务")
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.message == tasks.ERR_JOB_CRASHED
    assert not job.result
    assert Announcement.objects.count() == 0


@override_settings(ZHUANHUA_BACKGROUND_JOBS=TEST_KINDS)
def test_a_refused_job_shows_its_own_reason() -> None:
    job = tasks.enqueue_job(kind="refusing", title="年度报告")
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.message == "该年度没有数据，未生成报告"


@override_settings(ZHUANHUA_BACKGROUND_JOBS=TEST_KINDS)
def test_an_unknown_kind_is_refused_before_anything_is_queued() -> None:
    with pytest.raises(tasks.JobError, match="未知的后台任务类别"):
        tasks.enqueue_job(kind="nope", title="?")
    assert BackgroundJob.objects.count() == 0


def test_progress_is_written_at_most_twice_a_second_but_always_the_last_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job = BackgroundJob.objects.create(kind="counting", title="t")
    clock = iter([100.0, 100.1, 100.2, 100.9])
    monkeypatch.setattr(tasks.time, "monotonic", lambda: next(clock))
    progress = tasks.Progress(job)
    progress(1, 10)
    progress(2, 10)  # 0.1 s later: skipped
    progress(10, 10)  # the last step: written
    job.refresh_from_db()
    assert (job.done, job.total) == (10, 10)
    progress(3, 10)  # 0.7 s after the last write
    job.refresh_from_db()
    assert job.done == 3


@override_settings(
    TASKS=DB_TASKS,
    ZHUANHUA_BACKGROUND_JOBS=TEST_KINDS,
    ZHUANHUA_DAILY_JOBS=[f"{__name__}.daily_announce"],
)
@pytest.mark.django_db(transaction=True)  # the worker checks its connection, as in production
def test_run_due_queue_puts_the_daily_jobs_on_the_queue_for_a_worker(capsys: Any) -> None:
    call_command("jobs", "run-due", "--queue", "--date", "2026-03-02")
    job = BackgroundJob.objects.get()
    assert job.kind == "daily_jobs"
    assert job.status == BackgroundJob.Status.QUEUED
    assert job.params == {"date": "2026-03-02"}
    assert str(DBTaskResult.objects.get().id) == job.task_result_id
    assert Announcement.objects.count() == 0  # queued, not run

    call_command("db_worker", "--batch", "--no-startup-delay")

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.DONE
    assert (job.done, job.total) == (1, 1)
    assert job.message == "2026-03-02 的 1 项每日任务已完成"
    assert Announcement.objects.get().title == "每日 2026-03-02"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@override_settings(
    ZHUANHUA_BACKGROUND_JOBS=TEST_KINDS,
    ZHUANHUA_DAILY_JOBS=[f"{__name__}.daily_announce", f"{__name__}.daily_announce_then_fail"],
)
def test_a_failing_daily_job_writes_nothing_and_says_which_in_chinese() -> None:
    job = tasks.enqueue_job(kind="daily_jobs", title="每日任务", params={"date": "2026-03-02"})
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.message == (
        "每日任务 daily_announce_then_fail 出错，该项未写入任何数据（前 1 项已完成，可重新运行）"
    )
    # The first job's row stays (it is idempotent and done); the failing one's is rolled back.
    assert list(Announcement.objects.values_list("title", flat=True)) == ["每日 2026-03-02"]
    assert (job.done, job.total) == (1, 2)


def test_run_due_without_queue_still_runs_here(capsys: Any) -> None:
    with override_settings(ZHUANHUA_DAILY_JOBS=[f"{__name__}.daily_announce"]):
        call_command("jobs", "run-due", "--date", "2026-03-02")
    assert Announcement.objects.get().title == "每日 2026-03-02"
    assert BackgroundJob.objects.count() == 0
