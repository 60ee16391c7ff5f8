"""Schemathesis against /api/openapi.json, in-process through the WSGI application, as several
roles (session cookie + CSRF header): no 5xx, and every documented response matches the schema.

Path parameters point at the fixture world's objects (the same ones the matrix uses), so the
generated bodies and queries reach the handlers instead of stopping at a 404. Every call runs in a
transaction that is rolled back, so the world stays as built. Examples are bounded (FUZZ_EXAMPLES
per operation and role, default 8; set ZHUANHUA_FUZZ_EXAMPLES for a longer run).
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Iterator
from typing import Any

import pytest

from tests.security.matrix import PARAMS, _resolve
from tests.security.world import World

schemathesis = pytest.importorskip("schemathesis")

# Money fields publish `format: money` (core.inputs): besides plain amounts, feed them the
# spellings the API must refuse with a 422, never a 5xx.
BAD_MONEY = ["1e400", "NaN", "Infinity", "-Infinity", "1.005", "-1", "10000000000000000", "", " "]
BAD_MONEY += ["1e-400", "0x10", "1,000", "\x00", "\ud800"]


def _money_strategy() -> Any:
    from hypothesis import strategies as st

    amounts = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False).map(str)
    return st.sampled_from(BAD_MONEY) | amounts | st.text(max_size=20)


schemathesis.openapi.format("money", _money_strategy())

# The mark makes pytest-django create the test database (on PostgreSQL it only creates the
# databases marked tests use); the world itself lives in the module fixture's transaction.
pytestmark = pytest.mark.django_db
FUZZ_EXAMPLES = int(os.environ.get("ZHUANHUA_FUZZ_EXAMPLES", "8"))
FUZZ_ROLES = ["anonymous", "a_achievement_manager", "b_licensee_staff", "reviewer"]
CSRF_SECRET = "zhuanhuafuzzcsrfsecret0123456789"[:32]


@pytest.fixture(scope="module")
def wsgi_app(world: World) -> Iterator[Any]:
    """The WSGI application with the per-request connection recycling switched off, as Django's
    test client does: closing the connection would end the world's transaction."""
    from django.core import signals
    from django.db import close_old_connections

    from config.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _credentials(world: World, role: str) -> tuple[dict[str, str], dict[str, str]]:
    """(headers, cookies) of a browser session of `role`: the session cookie, the CSRF cookie and
    the X-CSRFToken header the API's session authentication checks on writes."""
    from django.conf import settings
    from django.test import Client

    cookies = {settings.CSRF_COOKIE_NAME: CSRF_SECRET}
    if role != "anonymous":
        client = Client()
        client.force_login(world.users[role])
        name = settings.SESSION_COOKIE_NAME
        cookies[name] = client.cookies[name].value
    return {"X-CSRFToken": CSRF_SECRET, "Referer": "http://localhost/api/docs"}, cookies


def _path_parameters(method: str, path: str, world: World) -> dict[str, Any] | None:
    variants = PARAMS.get(f"{method} {path}")
    if not variants:
        return None
    kwargs = next(iter(variants.values()))
    return {k: _resolve(v, world) for k, v in kwargs.items()}


@pytest.mark.parametrize("role", FUZZ_ROLES)
def test_api_fuzz(role: str, world: World, wsgi_app: Any) -> None:
    from django.core.cache import cache
    from django.db import transaction
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
    )
    from werkzeug.test import Client as WsgiClient

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    headers, cookies = _credentials(world, role)
    cookie_header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    # The credentials work: a signed-in role reads its own list, and a write passes the CSRF check
    # (an empty transition body answers 422, not CSRF's 403).
    probe = WsgiClient(wsgi_app, use_cookies=False)
    mine = probe.get("/api/achievements/mine", headers={**headers, **cookie_header})
    assert mine.status_code == (401 if role == "anonymous" else 200), mine.get_data(as_text=True)
    if role != "anonymous":
        with transaction.atomic():
            write = probe.post(
                f"/api/achievements/{world.pk('draft')}/transition",
                json={},
                headers={**headers, **cookie_header},
            )
            transaction.set_rollback(True)
        assert write.status_code == 422, write.get_data(as_text=True)
    failures: list[str] = []
    statuses: set[int] = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        method = operation.method.upper()
        strategy = operation.as_strategy(
            path_parameters=_path_parameters(method, operation.path, world)
        )

        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case: Any) -> None:
            cache.clear()
            with transaction.atomic():
                response = case.call(headers=headers, cookies=cookies)
                transaction.set_rollback(True)
            statuses.add(response.status_code)
            case.validate_response(
                response,
                checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
            )

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - gathered, reported together below
            text = "".join(traceback.format_exception_only(type(exc), exc))[:3000]
            text = re.sub(r"\n{3,}", "\n\n", text)
            failures.append(f"{method} {operation.path} as {role}:\n{text}")
    if role != "anonymous":  # the generated calls carried the session
        assert 401 not in statuses, f"{role}'s fuzzing calls were answered 401"
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
