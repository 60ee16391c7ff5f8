"""Long work off the request (issue 22.5): one queue task runs every kind of BackgroundJob.

A kind is a name in settings.ZHUANHUA_BACKGROUND_JOBS mapped to the dotted path of a function
``run(job, progress) -> JobOutcome`` in the app that owns the work (core names no app). The page
that queued it polls the job row (templates/core/_job_progress.html). A job either finishes
(status done, its message, its result file) or fails with a Chinese reason: a JobError's own
message, or ERR_JOB_CRASHED for anything unexpected. A job function writes its rows in one
transaction (or writes none), so a failed job wrote nothing; the result file is stored only
once the function returned.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from zhuanhua.core.models import BackgroundJob

logger = logging.getLogger(__name__)

ERR_JOB_CRASHED = "任务意外出错，没有保存任何结果；请稍后重试，如仍出错请联系平台管理员"
ERR_UNKNOWN_KIND = "未知的后台任务类别：{kind}"

# The progress row is written at most this often (a rebuild reports every document read).
PROGRESS_EVERY_SECONDS = 0.5


class JobError(Exception):
    """A job that cannot be done, with the Chinese reason the page shows."""


@dataclass(frozen=True)
class JobOutcome:
    """What a finished job shows: a sentence and, optionally, a file to download."""

    message: str = ""
    file_name: str = ""
    content: bytes = b""


class Progress:
    """``progress(done, total, message)``: the job's progress bar, written to its row (not more
    often than every PROGRESS_EVERY_SECONDS, except the last step)."""

    def __init__(self, job: BackgroundJob) -> None:
        self.job = job
        self._written = 0.0

    def __call__(self, done: int, total: int, message: str | None = None) -> None:
        now = time.monotonic()
        if done < total and message is None and now - self._written < PROGRESS_EVERY_SECONDS:
            return
        self._written = now
        fields: dict[str, Any] = {"done": max(0, done), "total": max(0, total)}
        if message is not None:
            fields["message"] = message[:300]
        # update(), not save(): only the progress columns, whatever else the row holds.
        BackgroundJob.objects.filter(pk=self.job.pk).update(**fields)
        for name, value in fields.items():
            setattr(self.job, name, value)


class JobFunction(Protocol):
    def __call__(self, job: BackgroundJob, progress: Progress) -> JobOutcome: ...


def job_function(kind: str) -> JobFunction:
    dotted = settings.ZHUANHUA_BACKGROUND_JOBS.get(kind)
    if dotted is None:
        raise JobError(ERR_UNKNOWN_KIND.format(kind=kind))
    function: JobFunction = import_string(dotted)
    return function


def enqueue_job(
    *, kind: str, title: str, params: dict[str, Any] | None = None, created_by: Any = None
) -> BackgroundJob:
    """Create the job row and queue it; the caller has checked who may start it."""
    job_function(kind)  # an unknown kind is refused here, not in the worker
    job = BackgroundJob.objects.create(
        kind=kind, title=title[:200], params=params or {}, created_by=created_by
    )
    # The queue's row is written in the same transaction as the job's: a worker sees both.
    result = run_background_job.enqueue(str(job.pk))
    # update(), not save(): the worker may already be writing this row's progress.
    BackgroundJob.objects.filter(pk=job.pk).update(task_result_id=str(result.id))
    job.refresh_from_db()
    return job


def _fail(job: BackgroundJob, message: str) -> None:
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.FAILED, message=message[:300], finished_at=timezone.now()
    )


@task()
def run_background_job(job_id: str) -> str:
    """Run one queued job; its outcome (or its Chinese failure) lands on the job row."""
    job = BackgroundJob.objects.get(pk=job_id)
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.RUNNING, started_at=timezone.now()
    )
    try:
        outcome = job_function(job.kind)(job, Progress(job))
        if outcome.content:  # stored, not saved: the row is updated below, column by column
            job.result.save(
                f"{job.pk}-{outcome.file_name or 'result'}",
                ContentFile(outcome.content),
                save=False,
            )
    except JobError as exc:
        _fail(job, str(exc))
        raise
    except Exception:
        logger.exception("background job %s (%s) failed", job_id, job.kind)
        _fail(job, ERR_JOB_CRASHED)
        raise
    job.refresh_from_db(fields=["done", "total"])
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.DONE,
        message=outcome.message[:300],
        result=job.result.name or "",
        result_name=outcome.file_name[:200],
        done=max(job.done, job.total),
        finished_at=timezone.now(),
    )
    return outcome.message


def daily_jobs(job: BackgroundJob, progress: Progress) -> JobOutcome:
    """The daily jobs (settings.ZHUANHUA_DAILY_JOBS) as one background job, ``params["date"]``
    standing for today. Each runs in its own transaction: one that fails wrote nothing (those
    before it are done, and every daily job is idempotent, so running again completes the day)."""
    today = _date_param(job)
    dotted_paths = list(settings.ZHUANHUA_DAILY_JOBS)
    for i, dotted in enumerate(dotted_paths):
        name = dotted.rsplit(".", 1)[-1]
        progress(i, len(dotted_paths), f"正在运行 {name}（{i + 1}/{len(dotted_paths)}）")
        try:
            with transaction.atomic():
                import_string(dotted)(today)
        except Exception as exc:
            logger.exception("daily job %s failed", dotted)
            raise JobError(
                f"每日任务 {name} 出错，该项未写入任何数据（前 {i} 项已完成，可重新运行）"
            ) from exc
    progress(len(dotted_paths), len(dotted_paths), None)
    return JobOutcome(message=f"{today.isoformat()} 的 {len(dotted_paths)} 项每日任务已完成")


def _date_param(job: BackgroundJob) -> dt.date:
    value = job.params.get("date")
    return dt.date.fromisoformat(value) if value else timezone.localdate()
