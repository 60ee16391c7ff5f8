"""`zhuanhua jobs run-due [--date YYYY-MM-DD] [--queue]`: run the daily jobs
(settings.ZHUANHUA_DAILY_JOBS), here or, with --queue, as one background job on the task queue
(a worker runs it; the platform admin's jobs page shows its progress).

Schedule it once a day (cron or a systemd timer, see docs/deploy.md); every job is idempotent, so
running it twice a day, or again after a failure, changes nothing more.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.module_loading import import_string

from zhuanhua.core.tasks import enqueue_job


class Command(BaseCommand):
    help = "运行到期的每日任务"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run-due"])
        parser.add_argument("--date", help="以该日期为“今天”运行（YYYY-MM-DD），用于补跑")
        parser.add_argument(
            "--queue", action="store_true", help="交给任务队列在后台运行（需有 db_worker 在运行）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date 应为 YYYY-MM-DD") from None
        if options.get("queue"):
            job = enqueue_job(
                kind="daily_jobs",
                title=f"每日任务（{today.isoformat()}）",
                params={"date": today.isoformat()},
            )
            self.stdout.write(f"已加入任务队列：{job.pk}")
            return
        for dotted in settings.ZHUANHUA_DAILY_JOBS:
            summary = import_string(dotted)(today)
            self.stdout.write(f"{dotted}: {summary}")
