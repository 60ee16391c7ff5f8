"""The load benches' HTTP client: plain blocking GETs on a few threads, one connection each.

The benches run their clients on the same 2-core machine as the server they measure, so every
millisecond of client CPU is taken from gunicorn and PostgreSQL. gunicorn's sync workers close
the connection after each answer (no keep-alive), so a pooling client gains nothing. Measured
against /health/ here: aiohttp ~0.3 ms of client CPU a request, asyncio's own streams or
protocols ~0.2 ms, a blocking socket per thread ~0.13 ms (most of it the kernel's); the threads
wait in recv() without the GIL. Each timing covers the whole exchange: connect, send, and every
byte of the answer.
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names; the last one wins
    body: bytes = b""


class BadAnswer(Exception):
    """The server closed the connection before a whole HTTP answer arrived."""


def address(base: str) -> tuple[str, int]:
    """("127.0.0.1", 8000) from "http://127.0.0.1:8000"."""
    parts = urllib.parse.urlsplit(base)
    return parts.hostname or "127.0.0.1", parts.port or 80


def get(
    host: str, port: int, path: str, headers: dict[str, str] | None = None, timeout: float = 60.0
) -> Answer:
    """GET `path` over a fresh connection and read the answer to its end (the server closes)."""
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    chunks = []
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        while data := sock.recv(262_144):
            chunks.append(data)
    return parse(b"".join(chunks))


def parse(data: bytes) -> Answer:
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        raise BadAnswer("no end of headers")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise BadAnswer(f"bad status line {status_line!r}")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = headers.get("content-length")
    if length is not None and len(body) != int(length):
        raise BadAnswer(f"{len(body)} of {length} bytes")
    return Answer(int(parts[1]), headers, body)


def closed_loop(items: Iterable[T], clients: int, send: Callable[[T], None]) -> float:
    """Call `send(item)` for every item from `clients` threads, each taking the next item as soon
    as its previous one is done (a closed loop); the wall-clock seconds it took."""
    pending = list(items)
    pending.reverse()
    lock = threading.Lock()

    def client() -> None:
        while True:
            with lock:
                if not pending:
                    return
                item = pending.pop()
            send(item)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started
