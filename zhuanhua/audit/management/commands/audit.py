"""`zhuanhua audit verify` walks the hash chain (hashes, links, MACs) and compares it with the
signed checkpoints, exiting 1 naming the first broken entry; `zhuanhua audit checkpoint` signs
the chain's current length and head into the checkpoint file and the log (docs/audit.md)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhuanhua.audit.services import (
    AuditChainBroken,
    audit_checkpoint,
    audit_verify_full,
    checkpoint_path,
)


class Command(BaseCommand):
    help = "审计日志哈希链：verify 校验完整性；checkpoint 写入签名检查点"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            self.checkpoint()
            return
        result = audit_verify_full()
        if result.problem is not None:
            problem = result.problem
            where = f" 第 {problem.seq} 条" if problem.seq else ""
            self.stderr.write(f"审计链损坏：{problem.kind}{where} — {problem.message}")
            sys.exit(1)
        self.stdout.write(f"审计链完好：共 {result.count} 条记录。")
        path = checkpoint_path()
        if result.checkpoints:
            self.stdout.write(f"与 {result.checkpoints} 个检查点一致（{path}）。")
        else:
            self.stderr.write(
                f"注意：没有本链的检查点（{path or '未配置 ZHUANHUA_AUDIT_CHECKPOINT_PATH'}），"
                "无法发现末尾记录被删除；请运行 zhuanhua audit checkpoint。"
            )

    def checkpoint(self) -> None:
        try:
            point = audit_checkpoint()
        except AuditChainBroken as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        where = checkpoint_path() or "日志（未配置检查点文件）"
        self.stdout.write(
            f"检查点已写入 {where}：共 {point.count} 条记录，链头哈希 {point.head_hash[:16]}…"
        )
