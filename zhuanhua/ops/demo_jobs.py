"""Demo background jobs (后台任务) in each outcome the pages show: a finished index rebuild, a
report that failed with its Chinese reason (started by the department) and a run of the daily
jobs still going — rows only; the demo queues no task."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from zhuanhua.core.models import BackgroundJob
from zhuanhua.core.tasks import ERR_JOB_CRASHED


def load_jobs(*, users: dict[str, Any]) -> int:
    admin, dept = users["admin"], users["dept_reviewer"]
    now = timezone.now()
    rows = [
        BackgroundJob(
            kind="search_rebuild",
            title="重建检索索引",
            status=BackgroundJob.Status.DONE,
            done=241,
            total=241,
            message="检索索引已重建：241 条文档，领域分类器已训练，用时 12.4 秒",
            created_by=admin,
            started_at=now - dt.timedelta(hours=2, minutes=1),
            finished_at=now - dt.timedelta(hours=2),
        ),
        BackgroundJob(
            kind="annual_report",
            title=f"{now.year - 1} 年度报告（PDF）",
            params={"year": now.year - 1},
            status=BackgroundJob.Status.FAILED,
            done=3,
            total=12,
            message=ERR_JOB_CRASHED,
            created_by=dept,
            started_at=now - dt.timedelta(days=1, minutes=3),
            finished_at=now - dt.timedelta(days=1, minutes=2),
        ),
        BackgroundJob(
            kind="daily_jobs",
            title=f"每日任务（{timezone.localdate().isoformat()}）",
            params={"date": timezone.localdate().isoformat()},
            status=BackgroundJob.Status.RUNNING,
            done=4,
            total=9,
            message="正在运行 weekly_digest（5/9）",
            created_by=admin,
            started_at=now - dt.timedelta(minutes=1),
        ),
    ]
    BackgroundJob.objects.bulk_create(rows)
    return len(rows)


def jobs_delete(users: Any) -> None:
    BackgroundJob.objects.filter(created_by__in=users).delete()
