"""Appending to and checking the audit chain, and its signed checkpoints.

Every service that changes state, money or a legal record calls `audit_record` inside its own
transaction, so the entry commits or rolls back with the change. The key of the entries' MACs and
of the checkpoints is settings.ZHUANHUA_AUDIT_KEY (from the environment, never the database);
checkpoints are appended to settings.ZHUANHUA_AUDIT_CHECKPOINT_PATH and to the log.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from zhuanhua.accounts.models import User
from zhuanhua.audit import chain
from zhuanhua.audit.models import AuditEntry

logger = logging.getLogger("zhuanhua.audit")

ERR_CHECKPOINT_UNREADABLE = "检查点文件 {path} 第 {line} 行无法解析：检查点文件被改动或损坏"
ERR_CHAIN_BROKEN = "审计链已损坏，未写入检查点：{message}"


class AuditChainBroken(Exception):
    """The chain failed verification, so no checkpoint was signed over it."""

    def __init__(self, problem: chain.Problem) -> None:
        super().__init__(ERR_CHAIN_BROKEN.format(message=problem.message))
        self.problem = problem


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
        entry.entry_mac = chain.entry_mac(audit_key(), entry.entry_hash)
        entry.save()
    return entry


def audit_key() -> bytes:
    """The key new entries and checkpoints are signed with."""
    return str(settings.ZHUANHUA_AUDIT_KEY).encode("utf-8")


def audit_keys() -> list[bytes]:
    """Every key verification accepts, newest first: the current one, then the retired ones
    (ZHUANHUA_AUDIT_PREVIOUS_KEYS, newest first) that signed older entries."""
    previous = getattr(settings, "ZHUANHUA_AUDIT_PREVIOUS_KEYS", [])
    return [audit_key(), *(str(key).encode("utf-8") for key in previous)]


def checkpoint_path() -> Path | None:
    """Where checkpoints are appended; None when the setting is empty (the test settings)."""
    value = getattr(settings, "ZHUANHUA_AUDIT_CHECKPOINT_PATH", "")
    return Path(value) if value else None


@dataclass(frozen=True)
class Verification:
    """The outcome of `audit_verify`: the first problem (None when intact) and what was compared."""

    problem: chain.Problem | None
    count: int
    checkpoints: int  # how many checkpoints of this chain were compared


def _walk() -> chain.Walk:
    rows = (
        (e.seq, _hashed_fields(e), e.prev_hash, e.entry_hash, e.entry_mac)
        for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    )
    return chain.verify(rows, audit_keys())


def audit_verify_full() -> Verification:
    """Walk the whole chain (hashes, links, MACs), then compare it with its checkpoints."""
    walk = _walk()
    if walk.problem is not None:
        return Verification(walk.problem, walk.count, 0)
    try:
        points = checkpoints_read()
    except ValueError as exc:
        return Verification(chain.Problem(0, "checkpoint", str(exc)), walk.count, 0)
    own, other = chain.split_checkpoints(points, _first_hash())
    ignore_other = getattr(settings, "ZHUANHUA_AUDIT_IGNORE_OTHER_CHAINS", False)
    # Other chains' checkpoints are checked for their MAC even when ignored (a forged line is
    # still an edit of the file), but only counted as a problem when not ignored.
    genuine_other = [p for p in other if p.is_genuine_under(audit_keys())]
    hash_at = dict(
        AuditEntry.objects.filter(seq__in={p.count for p in own}).values_list("seq", "entry_hash")
    )
    problem = chain.check_checkpoints(
        own + [p for p in other if p not in genuine_other],
        audit_keys(),
        walk.count,
        hash_at,
        other_chains=0 if ignore_other else len(genuine_other),
    )
    return Verification(problem, walk.count, len(own))


def audit_verify() -> chain.Problem | None:
    """The first problem of the chain (or against its checkpoints), or None when intact."""
    return audit_verify_full().problem


def audit_head_hash() -> str:
    last = AuditEntry.objects.order_by("-seq").only("entry_hash").first()
    return last.entry_hash if last else chain.GENESIS


def _first_hash() -> str:
    first = AuditEntry.objects.filter(seq=1).values_list("entry_hash", flat=True).first()
    return first or chain.GENESIS


def checkpoints_read() -> list[chain.Checkpoint]:
    """Every checkpoint in the file, in file order (none without a file).

    ValueError (a Chinese message) on an unparsable line."""
    path = checkpoint_path()
    if path is None or not path.exists():
        return []
    points = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                points.append(chain.Checkpoint.from_json(line))
            except ValueError:
                raise ValueError(ERR_CHECKPOINT_UNREADABLE.format(path=path, line=number)) from None
    return points


def audit_checkpoint() -> chain.Checkpoint:
    """Verify the chain, then sign its current length and head, append that to the checkpoint
    file and log it. A broken chain is not signed (AuditChainBroken, logged as an error).

    Reads the head under the same lock as `audit_record`, so the pair is consistent."""
    problem = audit_verify()
    if problem is not None:
        logger.error("audit checkpoint refused: %s", problem.message)
        raise AuditChainBroken(problem)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        last = AuditEntry.objects.order_by("-seq").only("seq", "entry_hash").first()
        point = chain.Checkpoint(
            count=last.seq if last else 0,
            head_hash=last.entry_hash if last else chain.GENESIS,
            first_hash=_first_hash(),
            at=timezone.now().isoformat(),
        ).signed(audit_key())
    path = checkpoint_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(point.to_json() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    logger.info("audit checkpoint %s", point.to_json())
    return point
