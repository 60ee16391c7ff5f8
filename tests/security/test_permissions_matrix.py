"""Every page and API operation × every role → the outcome written in permissions.md.

Run with ZHUANHUA_MATRIX_RECORD=1 to rewrite the table from what the code does now, then review
the diff (docs/permissions.md).
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import pytest

from tests.security.matrix import (
    COLUMNS,
    DENIED,
    WRITE_METHODS,
    Endpoint,
    endpoints,
    outcome,
    read_table,
    write_table,
)
from tests.security.world import ROLES, World

# POST operations that compute an answer from the body and store nothing: open to everyone.
CALCULATORS = {"POST /api/transfer/check", "POST /api/subsidies/whatif"}
# The mark makes pytest-django create the test database (on PostgreSQL it only creates the
# databases marked tests use); the world itself lives in the module fixture's transaction.
pytestmark = pytest.mark.django_db
RECORD = bool(os.environ.get("ZHUANHUA_MATRIX_RECORD"))


def _clients(world: World) -> dict[str, Any]:
    from django.test import Client

    clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(world.users[role])
        clients[role] = client
    return clients


def _call(client: Any, endpoint: Endpoint) -> Any:
    from django.core.cache import cache
    from django.db import transaction

    cache.clear()  # rate limits count per address; every role comes from 127.0.0.1
    with transaction.atomic():  # a write by an allowed role must not change the world
        if endpoint.method == "GET":
            response = client.get(endpoint.path, endpoint.query)
        elif endpoint.content_type == "application/json":
            response = client.generic(
                endpoint.method,
                endpoint.path,
                json.dumps(endpoint.body),
                content_type="application/json",
            )
        elif endpoint.content_type == "multipart/form-data" and endpoint.method == "POST":
            response = client.post(endpoint.path, endpoint.body)
        else:
            response = client.generic(
                endpoint.method, endpoint.path, "", content_type="application/x-www-form-urlencoded"
            )
        transaction.set_rollback(True)
    return response


def test_world_is_complete(world: World) -> None:
    """Every object the rows need was built (a failing service leaves its rows on a missing pk)."""
    assert not world.objects.get("_errors"), world.objects.get("_errors")


def test_permissions_matrix(world: World) -> None:
    rows, unfilled = endpoints(world)
    assert not unfilled, (
        "endpoints with path parameters but no entry in tests/security/matrix.py PARAMS: "
        + ", ".join(unfilled)
    )
    table: dict[str, dict[str, str]] = {}
    if not RECORD:
        _, table = read_table()
        missing = [r.key for r in rows if r.key not in table]
        stale = sorted(set(table) - {r.key for r in rows})
        assert not missing, (
            "new endpoints without a row in tests/security/permissions.md "
            "(docs/permissions.md says how to add one): " + ", ".join(missing)
        )
        assert not stale, "rows in permissions.md for endpoints that no longer exist: " + ", ".join(
            stale
        )
    clients = _clients(world)
    observed: dict[str, dict[str, str]] = {}
    wrong: list[str] = []
    timing: list[tuple[float, str]] = []
    for row in rows:
        observed[row.key] = {}
        started = time.monotonic()
        for role in ROLES:
            got = outcome(row, _call(clients[role], row))
            observed[row.key][role] = got
            if got.startswith("5"):
                wrong.append(f"{row.key} as {role}: server error {got} ({row.method} {row.path})")
            elif not RECORD and table[row.key][role] != got:
                wrong.append(
                    f"{row.key} as {role} [{COLUMNS[role]}]: expected "
                    f"{table[row.key][role]}, got {got} ({row.method} {row.path})"
                )
        timing.append((time.monotonic() - started, row.key))
    if RECORD:
        write_table(observed)
        print("slowest rows:", sorted(timing, reverse=True)[:12])
    assert not wrong, f"{len(wrong)} cells differ:\n" + "\n".join(wrong)


def test_table_invariants() -> None:
    """Rules that hold whatever the row: nobody outside A sees A's draft; the auditor and the
    anonymous visitor never write through the API."""
    _, table = read_table()
    for key, cells in table.items():
        if key.startswith(
            ("achievements:detail [draft]", "GET /api/achievements/{achievement_id} [draft]")
        ):
            for role in ROLES:
                if role.startswith("b_"):
                    assert cells[role] == "404", (key, role, cells[role])
        method = key.split(" ", 1)[0]
        if method in WRITE_METHODS and key not in CALCULATORS:
            assert cells["anonymous"] in DENIED, (key, cells["anonymous"])
            assert cells["auditor"] in DENIED, (key, cells["auditor"])
        if not key.startswith(("GET ", "POST ", "PUT ", "PATCH ", "DELETE ")):
            assert cells["anonymous"] in {"200", "login", "302", "404", "405"}, (key, cells)
