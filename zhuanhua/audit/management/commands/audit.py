"""`zhuanhua audit verify`: walk the hash chain; exit 1 naming the first broken entry."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhuanhua.audit.models import AuditEntry
from zhuanhua.audit.services import audit_verify


class Command(BaseCommand):
    help = "审计日志哈希链：verify 校验完整性"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        problem = audit_verify()
        if problem is None:
            count = AuditEntry.objects.count()
            self.stdout.write(f"审计链完好：共 {count} 条记录。")
            return
        self.stderr.write(f"审计链损坏：{problem.kind} 第 {problem.seq} 条 — {problem.message}")
        sys.exit(1)
