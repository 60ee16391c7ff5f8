"""`zhuanhua restore FILE [--force]`: verify a backup's checksums, then restore it.

Restores only into an empty database (after `migrate`) unless --force, which empties it first.
Exit 1 with a Chinese message on a tampered or incomplete archive, a newer schema, or a
non-empty database; exit 1 as well when the audit chain does not verify afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhuanhua.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "从备份文件恢复全部数据和上传文件（先校验 SHA-256 清单；目标数据库须为空，--force 先清空）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="由 zhuanhua backup 生成的备份文件")
        parser.add_argument(
            "--force", action="store_true", help="目标数据库已有数据时先清空再恢复（不可撤销）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore(Path(options["file"]), force=options["force"], log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(result.counts.values())
        self.stdout.write(f"已恢复 {len(result.counts)} 张表共 {rows} 行：")
        for label, n in result.counts.items():
            if n:
                self.stdout.write(f"  {label}: {n}")
        self.stdout.write(
            f"已恢复上传文件 {result.files} 个（{result.file_bytes / 1024 / 1024:.1f} MB）。"
        )
        for note in result.notes:
            self.stdout.write(f"注意：{note}")
        if result.audit_problem is not None:
            problem = result.audit_problem
            raise CommandError(
                f"数据已恢复，但审计链校验失败：第 {problem.seq} 条 — {problem.message}"
            )
        self.stdout.write(self.style.SUCCESS("恢复完成，审计链校验通过。"))
