"""Appending to and checking the audit chain.

Every service that changes state, money or a legal record calls `audit_record` inside its own
transaction, so the entry commits or rolls back with the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from zhuanhua.accounts.models import User
from zhuanhua.audit import chain
from zhuanhua.audit.models import AuditEntry

# Arbitrary constant: the PostgreSQL advisory lock that serialises appends to the chain.
_PG_LOCK_KEY = 7_243_001


def _hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "object_type": entry.object_type,
        "object_id": str(entry.object_id),
        "action": entry.action,
        "before_digest": entry.before_digest,
        "after_digest": entry.after_digest,
        "detail": entry.detail,
    }


def audit_record(
    *,
    actor: User | None,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    action: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Takes a lock on the chain's head (advisory on PostgreSQL; SQLite
    serialises writers already), so concurrent appends never fork the chain."""
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or obj.pk
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        last = AuditEntry.objects.order_by("-seq").only("seq", "entry_hash").first()
        entry = AuditEntry(
            seq=(last.seq + 1) if last else 1,
            at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_label=str(actor) if actor is not None else "系统",
            object_type=object_type,
            object_id=str(object_id),
            action=action,
            before_digest=chain.digest(before),
            after_digest=chain.digest(after),
            detail=dict(detail or {}),
            prev_hash=last.entry_hash if last else chain.GENESIS,
        )
        entry.entry_hash = chain.entry_hash(_hashed_fields(entry), entry.prev_hash)
        entry.save()
    return entry


def audit_verify() -> chain.Problem | None:
    """Walk the whole chain in seq order; return the first problem, or None when intact."""
    rows = (
        (e.seq, _hashed_fields(e), e.prev_hash, e.entry_hash)
        for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    )
    return chain.verify(rows)


def audit_head_hash() -> str:
    last = AuditEntry.objects.order_by("-seq").only("entry_hash").first()
    return last.entry_hash if last else chain.GENESIS
