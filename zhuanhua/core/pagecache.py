"""Whole-response cache for what anonymous visitors read most: the achievement hall, an
achievement's page and the public achievement API.

Those pages are the same for every anonymous visitor, and they are most of the platform's public
traffic; rendering them costs tens of milliseconds of CPU, serving a stored copy well under one.
Only a request with no session and no messages cookie is served from or stored in the cache, and
only a plain 200 that set no cookie and used no CSRF token is stored, so nothing personal is ever
shared. Every stored copy carries the *generation* it was made in; saving or deleting an
achievement, organisation or licence offer bumps the generation, so the next visitor sees the
change at once. Bulk `.update()` calls send no signal: the timeout
(`ZHUANHUA_PAGE_CACHE_SECONDS`, default 30 s; 0 turns the cache off) bounds how long such a
change can stay unseen. With several gunicorn workers the cache must be shared (Redis,
`ZHUANHUA_CACHE_URL`), or each worker keeps its own copies and generation (docs/deploy.md).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse

GENERATION_KEY = "pagecache:generation"
# Paths whose anonymous GET answer depends only on the URL, the language and the htmx header.
CACHEABLE_PATHS = re.compile(r"^/(achievements/(\d+/)?|api/achievements/(\d+)?)$")
# Changes to these apps' records can show on the cached pages.
WATCHED_APPS = frozenset({"achievements", "organisations", "licensing", "transfer"})


def timeout() -> int:
    return int(getattr(settings, "ZHUANHUA_PAGE_CACHE_SECONDS", 30))


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def bump_generation(**_: Any) -> None:
    """Invalidate every stored page: the next read of each one renders afresh."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (or evicted): any new value differs from the stored ones
        cache.set(GENERATION_KEY, 1, timeout=None)


def _watched(sender: Any, **kwargs: Any) -> None:
    if getattr(getattr(sender, "_meta", None), "app_label", "") in WATCHED_APPS:
        bump_generation()


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_watched, dispatch_uid=f"pagecache.{id(signal)}")


def _anonymous(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _key(request: HttpRequest, gen: int) -> str:
    parts = "\n".join(
        (
            request.get_full_path(),
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
            request.headers.get("Accept-Language", ""),
            request.headers.get("HX-Request", ""),
            request.headers.get("Accept", "")[:100],
        )
    )
    return f"pagecache:{gen}:{hashlib.sha1(parts.encode()).hexdigest()}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


class PublicPageCacheMiddleware:
    """Serve and store anonymous reads of CACHEABLE_PATHS; place it right after the rate limiter,
    so a stored page skips sessions, CSRF, authentication and rendering but not the limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = timeout()
        if (
            seconds <= 0
            or request.method not in ("GET", "HEAD")
            or not CACHEABLE_PATHS.match(request.path_info)
            or not _anonymous(request)
        ):
            return self.get_response(request)
        key = _key(request, generation())
        stored = cache.get(key)
        if stored is not None:
            stored["X-Page-Cache"] = "hit"
            return stored
        response = self.get_response(request)
        if _storable(request, response):
            response["X-Page-Cache"] = "miss"
            cache.set(key, response, timeout=seconds)
        return response
