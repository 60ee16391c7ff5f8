"""The search change log's one writer: apps that publish, edit or delist a searchable record
append a line here inside their transaction; zhuanhua.search reads the log (docs/search-service.md)."""

from __future__ import annotations

from zhuanhua.core.models import SearchChange, SearchOp


def log_change(*, kind: str, object_id: int, published: bool) -> SearchChange:
    """Append one change-log row; call it inside the writing transaction."""
    return SearchChange.objects.create(
        kind=kind,
        object_id=object_id,
        op=SearchOp.UPSERT if published else SearchOp.REMOVE,
    )
