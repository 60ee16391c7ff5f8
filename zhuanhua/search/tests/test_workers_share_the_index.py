"""Issue 22.4: two worker processes share one saved, memory-mapped index and one database; an
achievement published through the services in one (the change log) is found by a search in
the other, which maps the index and never rebuilt it.

The workers are real processes (zhuanhua/search/tests/worker_process.py), so they need a
database another process can open: on PostgreSQL the test database itself (the test commits:
transaction=True); on SQLite, whose test database lives in this process's memory, a copy of it
in a file (sqlite3's backup), shared by the two workers.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 120


def database_url(tmp_path: Path) -> str:
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        user = quote(s.get("USER") or "", safe="")
        password = quote(s.get("PASSWORD") or "", safe="")
        auth = f"{user}:{password}@" if user else ""
        host = s.get("HOST") or "localhost"
        port = f":{s['PORT']}" if s.get("PORT") else ""
        return f"postgres://{auth}{host}{port}/{s['NAME']}"
    import sqlite3

    assert connection.vendor == "sqlite"
    connection.ensure_connection()
    target = tmp_path / "shared.sqlite3"
    copy = sqlite3.connect(target)
    connection.connection.backup(copy)
    copy.close()
    return f"sqlite:///{target}"


class Worker:
    """A worker process spoken to in JSON lines (a reader thread makes reads time out)."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        code = "from zhuanhua.search.tests.worker_process import main; main()"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def read(self) -> Any:
        try:
            return json.loads(self.lines.get(timeout=TIMEOUT))
        except queue.Empty:
            self.proc.kill()
            _, err = self.proc.communicate(timeout=10)
            raise AssertionError(f"worker said nothing within {TIMEOUT} s:\n{err}") from None

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.send("quit")
                self.proc.wait(timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(timeout=10)


def test_a_search_in_one_worker_sees_a_write_made_in_another(
    tmp_path: Path, manager_a: Any, reviewer: Any, published_a: Any
) -> None:
    directory = tmp_path / "search"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(tmp_path),
    }
    writer = Worker(["writer", str(directory), manager_a.username, reviewer.username], env)
    reader: Worker | None = None
    try:
        assert writer.read() == {"rebuilt": 1}  # the published achievement of the fixture
        reader = Worker(["reader", str(directory), "稀土回收"], env)
        first = reader.read()
        assert first["mapped"] is True  # the saved index, memory-mapped, not a private build
        assert first["loaded"].startswith("index-")
        assert first["found"] == []
        writer.send("write 钕铁硼废料稀土回收工艺")
        written = writer.read()["written"]
        answer = json_search(reader, "稀土回收")
        assert answer["found"] == [written]
        assert json_search(reader, "固态储氢")["found"] == [published_a.pk]
    finally:
        writer.close()
        if reader is not None:
            reader.close()


def json_search(worker: Worker, q: str) -> Any:
    worker.send(f"search {q}")
    return worker.read()
