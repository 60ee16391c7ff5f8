"""The audit chain's daily job: a signed checkpoint, so a later truncation is noticed."""

from __future__ import annotations

import datetime as dt

from zhuanhua.audit.services import AuditChainBroken, audit_checkpoint


def audit_checkpoint_daily(today: dt.date) -> dict[str, object]:
    """Write today's checkpoint; on a broken chain write none and say so in the summary (the
    error is logged by the service). Idempotent enough: a second checkpoint of the same chain
    only repeats the first."""
    try:
        point = audit_checkpoint()
    except AuditChainBroken as exc:
        return {"checkpoint": None, "problem": exc.problem.message}
    return {"checkpoint": point.count, "head_hash": point.head_hash[:12]}
