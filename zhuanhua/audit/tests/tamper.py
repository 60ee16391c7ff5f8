"""Test helpers that play the intruder: write to the audit table behind the services' back.

On PostgreSQL the table refuses UPDATE and DELETE (migration 0003); an intruder who owns the
table can disable the trigger, and so do these helpers, inside the test's transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from zhuanhua.audit import chain
from zhuanhua.audit.models import AuditEntry
from zhuanhua.audit.services import _hashed_fields

TRIGGER = "audit_auditentry_append_only"


@contextmanager
def trigger_off() -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE audit_auditentry DISABLE TRIGGER {TRIGGER}")
    try:
        yield
    finally:
        # A test that closed the connection (the console script does) rolled the ALTER back.
        if connection.connection is not None and connection.is_usable():
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE audit_auditentry ENABLE TRIGGER {TRIGGER}")


def rehash_from(seq: int) -> None:
    """Recompute entry_hash and prev_hash from `seq` onward, as an intruder without the key can
    (chain.py is public); the MACs stay as they were."""
    entries = list(AuditEntry.objects.filter(seq__gte=seq).order_by("seq"))
    previous = AuditEntry.objects.filter(seq=seq - 1).values_list("entry_hash", flat=True).first()
    prev_hash = previous or chain.GENESIS
    for entry in entries:
        entry.prev_hash = prev_hash
        entry.entry_hash = chain.entry_hash(_hashed_fields(entry), prev_hash)
        AuditEntry.objects.filter(pk=entry.pk).update(
            prev_hash=entry.prev_hash, entry_hash=entry.entry_hash
        )
        prev_hash = entry.entry_hash
