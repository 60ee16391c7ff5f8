"""`zhuanhua search rebuild`: build the search index from the database (tqdm progress bar),
train the field classifier and save both with the change-log position (docs/search-service.md).
With --queue the rebuild is a background job a task worker runs (core/tasks.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhuanhua.core.tasks import enqueue_job
from zhuanhua.search.services import index_rebuild


class Command(BaseCommand):
    help = "检索索引：rebuild 从数据库重建并保存索引"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild"])
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
        parser.add_argument(
            "--queue", action="store_true", help="交给任务队列在后台重建（需有 db_worker 在运行）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["queue"]:
            job = enqueue_job(kind="search_rebuild", title="重建检索索引")
            self.stdout.write(f"已加入任务队列：{job.pk}")
            return
        info = index_rebuild(progress=not options["no_progress"])
        self.stdout.write(
            f"检索索引已重建：{info['documents']} 条文档，日志位置 {info['last_change_id']}，"
            f"领域分类器{'已训练' if info['classifier'] else '未训练（标注文档不足）'}，"
            f"用时 {info['seconds']} 秒，保存于 {info['path']}"
        )
