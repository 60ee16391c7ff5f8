"""`zhuanhua backup FILE`: every row and every uploaded file in one archive (.tar.gz or .zip).

See zhuanhua.ops.backup for the format and docs/deploy.md for the schedule and the restore drill.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhuanhua.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份全部数据和上传文件到一个归档文件（.tar.gz 或 .zip），附 SHA-256 校验清单"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="备份文件路径，以 .tar.gz 或 .zip 结尾")

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 2
        try:
            result = backup(
                Path(options["file"]), log=self.stdout.write if verbose else (lambda _m: None)
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(result.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{result.path}（{result.archive_bytes / 1024 / 1024:.1f} MB）"
            )
        )
        self.stdout.write(
            f"数据 {len(result.counts)} 张表共 {rows} 行，上传文件 {result.files} 个"
            f"（{result.file_bytes / 1024 / 1024:.1f} MB）。"
        )
