"""A small fixed-window rate limiter for the endpoints anyone can hammer: login, sign-up and the
public search (the hall and the API list with a keyword).

Counts live in Django's cache under `rl:<rule>:<client>:<window number>`; a request over the limit
gets 429 with a Chinese message and Retry-After. Limits are settings:

    ZHUANHUA_RATE_LIMITS = {"login": (10, 60), "sign_up": (5, 3600), "search": (60, 60)}

(limit, window in seconds) per client; a rule set to None is off. The client is the signed-in
account where the request carries a valid session (so a whole office behind one NAT address is
not throttled as one visitor), else the address. Settings not given keep
the defaults below. The address is REMOTE_ADDR; behind a reverse proxy set
ZHUANHUA_RATELIMIT_TRUST_X_FORWARDED_FOR = True so the last X-Forwarded-For entry (the address the
proxy saw) is used instead. With several gunicorn workers the cache must be shared (database or
Redis cache); the default local-memory cache counts per worker (docs/deploy.md).

Enable by adding "zhuanhua.core.ratelimit.RateLimitMiddleware" to MIDDLEWARE right after
WhiteNoiseMiddleware (before the session, CSRF and axes middleware, so a flood costs little).
`client_address` also serves as AXES_CLIENT_IP_CALLABLE, so the lockout sees the same address.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from zhuanhua.core.errors import too_many_requests

ERR_RATE_LIMITED = "请求过于频繁，请稍后再试。"

DEFAULT_LIMITS: dict[str, tuple[int, int] | None] = {
    "login": (10, 60),  # login attempts per address per minute (axes locks a username after 5)
    "sign_up": (5, 3600),  # organisation sign-ups per address per hour
    "search": (60, 60),  # keyword searches per address per minute
}


@dataclass(frozen=True)
class Rule:
    name: str
    methods: frozenset[str]
    targets: tuple[str, ...]  # URL names (reversed lazily) or literal paths starting with "/"
    param: str = ""  # only requests carrying this non-empty GET parameter count


RULES = (
    Rule("login", frozenset({"POST"}), ("accounts:login",)),
    Rule("sign_up", frozenset({"POST"}), ("organisations:sign_up",)),
    # Every keyword search counts alike: the hall, 检索, the needs hall and their API lists.
    Rule(
        "search",
        frozenset({"GET", "HEAD"}),
        (
            "achievements:hall",
            "/api/achievements/",
            "search:search",
            "/api/search/",
            "needs:hall",
            "/api/needs/",
        ),
        "q",
    ),
)


def limits() -> dict[str, tuple[int, int] | None]:
    return {**DEFAULT_LIMITS, **getattr(settings, "ZHUANHUA_RATE_LIMITS", {})}


def client_address(request: HttpRequest) -> str:
    if getattr(settings, "ZHUANHUA_RATELIMIT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def signed_in_account(request: HttpRequest) -> str:
    """The account id behind the request's session cookie, or "" when there is none.

    The limiter runs before the session middleware (a flood of anonymous requests costs no session
    read), so it reads the session itself, and only for requests that a rule counts. A forged or
    expired cookie names no account and falls back to the address.
    """
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return ""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return str(store.get(SESSION_KEY) or "")


def client_key(request: HttpRequest) -> str:
    """Whom a counted request is charged to: `user:<id>` when signed in, else `ip:<address>`."""
    account = signed_in_account(request)
    return f"user:{account}" if account else f"ip:{client_address(request)}"


def hit(key: str, limit: int, window: int, now: float | None = None) -> tuple[bool, int]:
    """Count one request in the current window; (allowed, seconds until the window ends)."""
    now = time.time() if now is None else now
    number = int(now // window)
    bucket = f"{key}:{number}"
    cache.add(bucket, 0, timeout=window + 1)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window + 1)
        count = 1
    retry_after = max(1, int((number + 1) * window - now))
    return count <= limit, retry_after


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._paths: dict[str, Rule] | None = None

    def paths(self) -> dict[str, Rule]:
        if self._paths is None:
            paths: dict[str, Rule] = {}
            for rule in RULES:
                for target in rule.targets:
                    if target.startswith("/"):
                        paths[target] = rule
                        continue
                    try:
                        paths[reverse(target)] = rule
                    except NoReverseMatch:
                        continue
            self._paths = paths
        return self._paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rule = self.paths().get(request.path_info)
        if (
            rule is not None
            and request.method in rule.methods
            and (not rule.param or request.GET.get(rule.param, "").strip())
        ):
            setting = limits().get(rule.name)
            if setting:
                limit, window = setting
                allowed, retry_after = hit(f"rl:{rule.name}:{client_key(request)}", limit, window)
                if not allowed:
                    return too_many(request, retry_after)
        return self.get_response(request)


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    """JSON for the API; the site's 429 page for a page request, and for an htmx request (the
    hall's live search) the message alone, which the page shows where the results go."""
    response = too_many_requests(request, ERR_RATE_LIMITED)
    response["Retry-After"] = str(retry_after)
    return response
