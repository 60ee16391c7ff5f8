"""`zhuanhua demo`: load the demo data (zhuanhua.ops.demo), print the demo accounts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from zhuanhua.ops.demo import DEFAULT_SIZE, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "加载演示数据（机构、用户、科技成果、通知公告）；已加载时跳过，--reset 删除后重新加载"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="删除原有演示数据后重新加载")
        parser.add_argument(
            "--size", type=int, default=DEFAULT_SIZE, help=f"科技成果条数（默认 {DEFAULT_SIZE}）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo(size=options["size"], reset=options["reset"], log=self.stdout.write)
        if result.loaded:
            self.stdout.write(
                self.style.SUCCESS(
                    f"演示数据已加载：机构 {result.organisations} 家，用户 {result.users} 人，"
                    f"科技成果 {result.achievements} 项（其中 {result.via_services} 项经审核流程），"
                    f"用时 {result.seconds:.1f} 秒。"
                )
            )
        else:
            self.stdout.write("演示数据已存在，未重复加载（如需重新加载请使用 --reset）。")
        call_command("audit", "checkpoint", stdout=self.stdout)  # docs/audit.md
        self.stdout.write("")
        self.stdout.write(format_table(("用户名", "角色", "所属机构"), result.accounts))
        self.stdout.write(f"\n演示账号统一密码：{DEMO_PASSWORD}")


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def format_table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    """A plain-text table aligned for CJK (full-width characters count as two columns)."""
    table = [header, *rows]
    widths = [max(_width(row[i]) for row in table) for i in range(len(header))]
    lines = []
    for n, row in enumerate(table):
        lines.append(
            "  ".join(
                cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)
            ).rstrip()
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
