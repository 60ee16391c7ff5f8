"""The security tests' fixture world, built once per module inside a transaction that is rolled
back at the end (so the rest of the suite never sees it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.security.world import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
