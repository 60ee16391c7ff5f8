"""The benches' HTTP client reads whole answers and refuses cut-off ones (bench/httpclient.py)."""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import httpclient  # noqa: E402


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = ("你好 " + self.path + " " + self.headers.get("Cookie", "")).encode() * 5000
        self.send_response(404 if self.path == "/missing" else 200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Page-Cache", "hit")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_get_reads_the_whole_answer_with_status_headers_and_cookie(server):
    answer = httpclient.get("127.0.0.1", server, "/a?x=1", {"Cookie": "sessionid=s1"})
    assert answer.status == 200
    assert answer.headers["x-page-cache"] == "hit"
    assert answer.body == ("你好 /a?x=1 sessionid=s1").encode() * 5000


def test_get_reports_the_status_of_an_error_answer(server):
    assert httpclient.get("127.0.0.1", server, "/missing").status == 404


def test_parse_refuses_an_answer_cut_short():
    with pytest.raises(httpclient.BadAnswer):
        httpclient.parse(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
    with pytest.raises(httpclient.BadAnswer):
        httpclient.parse(b"HTTP/1.1 200 OK\r\nContent-Len")
    with pytest.raises(httpclient.BadAnswer):
        httpclient.parse(b"garbage\r\n\r\n")


def test_closed_loop_sends_every_item_once_with_at_most_n_in_flight():
    lock = threading.Lock()
    in_flight, most, seen = [0], [0], []
    gate = threading.Event()

    def send(item: int) -> None:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
            seen.append(item)
        gate.wait(0.001)
        with lock:
            in_flight[0] -= 1

    wall = httpclient.closed_loop(range(200), 7, send)
    assert sorted(seen) == list(range(200))
    assert 1 < most[0] <= 7
    assert wall > 0


def test_address_reads_host_and_port_from_a_base_url():
    assert httpclient.address("http://127.0.0.1:41234") == ("127.0.0.1", 41234)
    assert httpclient.address("http://localhost") == ("localhost", 80)
