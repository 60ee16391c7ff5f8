"""No link a person may not follow (issue 21.1): as the public and as every demo account, every
same-site link within two clicks of the home page and the workbench answers without 4xx/5xx
(429 aside). The demo is loaded once for the module, inside a transaction rolled back at the end.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client

from zhuanhua.ops import demo

SIZE = 40
# Pages of one shape (digits masked, query kept apart) answer alike; three of each is enough
# to meet a row another role may not open, and keeps the crawl to a few seconds per account.
PER_SHAPE = 3
# Links that end a session, leave the HTML site or deliver a file (a download is a document,
# not a page of the site, and some render a PDF under Node): not followed.
SKIP = re.compile(
    r"^/(accounts/logout|static/|media/|admin/)"
    r"|/(export|download|pdf|dossier|contract\.pdf|xlsx)(/|$|\?|\.)"
    r"|\.(pdf|xlsx|csv|zip)(\?|$)"
)


class _Links(HTMLParser):
    """A page's links, and its required fields whose label lacks the required mark (*)."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.required: list[str] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a":
            href = found.get("href")
            if href and "download" not in found:
                self.hrefs.append(href)
        elif tag == "label" and (label_for := found.get("for")):
            self._label_for = label_for
            self.labels.setdefault(label_for, "")
        elif tag in ("input", "select", "textarea") and "required" in found:
            kind = found.get("type") or ""
            if kind not in ("hidden", "checkbox", "radio") and found.get("id"):
                self.required.append(found["id"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_for = None

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self.labels[self._label_for] += data

    def unmarked(self) -> list[str]:
        return [i for i in self.required if "*" not in self.labels.get(i, "*")]


def links_of(page_url: str, html: str, unmarked: list[str] | None = None) -> Iterator[str]:
    parser = _Links()
    parser.feed(html)
    if unmarked is not None:
        unmarked += [f"{page_url} #{field_id}" for field_id in parser.unmarked()]
    for href in parser.hrefs:
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        url, _fragment = urldefrag(urljoin("http://testserver" + page_url, href))
        parts = urlsplit(url)
        if parts.netloc != "testserver":
            continue  # another site
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIP.search(local):
            yield local


def shape(url: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(url).path)


def crawl(
    client: Client, starts: list[str], unmarked: list[str] | None = None
) -> dict[str, tuple[int, str]]:
    """GET the starts and every link within two clicks; answer {url: (status, found on)}.
    Required fields without the mark on their label are added to `unmarked`."""
    seen: dict[str, tuple[int, str]] = {}
    shapes: Counter[str] = Counter()
    frontier = [(url, "—") for url in starts]
    for depth in range(3):
        following: list[tuple[str, str]] = []
        for url, found_on in frontier:
            if url in seen:
                continue
            if depth and shapes[shape(url)] >= PER_SHAPE:
                continue
            shapes[shape(url)] += 1
            response = client.get(url, follow=True)
            seen[url] = (response.status_code, found_on)
            kind = response.get("Content-Type", "")
            if depth < 2 and response.status_code == 200 and kind.startswith("text/html"):
                html = response.content.decode()
                following += [(link, url) for link in links_of(url, html, unmarked)]
        frontier = following
    return seen


@pytest.fixture(scope="module")
def demo_site(django_db_setup: Any, django_db_blocker: Any) -> Iterator[list[str]]:
    with django_db_blocker.unblock(), transaction.atomic():
        demo.load_demo(size=SIZE)
        yield [username for username, _roles, _org in demo.demo_accounts()]
        transaction.set_rollback(True)


def _failures(seen: dict[str, tuple[int, str]]) -> list[str]:
    return [
        f"{url} → {status}（链接所在页面 {found_on}）"
        for url, (status, found_on) in sorted(seen.items())
        if status >= 400 and status != 429
    ]


def test_public_links_within_two_clicks_answer(demo_site: list[str], db: Any) -> None:
    seen = crawl(Client(raise_request_exception=False), ["/"])

    assert len(seen) > 30
    assert not _failures(seen), "\n".join(_failures(seen))


def test_every_demo_account_follows_every_link_it_is_shown(
    demo_site: list[str], db: Any, django_user_model: Any
) -> None:
    assert len(demo_site) == len(demo.USERS)
    failures: list[str] = []
    unmarked: list[str] = []
    for username in demo_site:
        client = Client(raise_request_exception=False)
        client.force_login(django_user_model.objects.get(username=username))
        seen = crawl(client, ["/", "/workbench/"], unmarked)
        assert len(seen) > 30, username
        failures += [f"{username}: {failure}" for failure in _failures(seen)]

    assert not failures, "\n".join(failures)
    # Required marks on every required field (issue 21.5), on the pages one click away.
    assert not unmarked, "required fields without * on their label:\n" + "\n".join(
        sorted(set(unmarked))
    )
