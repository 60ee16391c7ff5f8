"""A migration operation that runs SQL on PostgreSQL only.

The hall's search column, its GIN index and the covering indexes are PostgreSQL features the model
does not declare, so SQLite (the demo) never sees them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import migrations


def _runner(statements: Sequence[str]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


def postgres_only(forward: Sequence[str], backward: Sequence[str]) -> migrations.RunPython:
    return migrations.RunPython(_runner(forward), _runner(backward))
