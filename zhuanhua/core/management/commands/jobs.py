"""`zhuanhua jobs run-due [--date YYYY-MM-DD]`: run the daily jobs (settings.ZHUANHUA_DAILY_JOBS).

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


class Command(BaseCommand):
    help = "运行到期的每日任务"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run-due"])
        parser.add_argument("--date", help="以该日期为“今天”运行（YYYY-MM-DD），用于补跑")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date 应为 YYYY-MM-DD") from None
        for dotted in settings.ZHUANHUA_DAILY_JOBS:
            summary = import_string(dotted)(today)
            self.stdout.write(f"{dotted}: {summary}")
