"""The audit chain's arithmetic, free of Django: digests, entry hashes and verification.

An entry's hash covers its own fields and the previous entry's hash, not its `seq`: the order
is carried by the links, so verification (in stored seq order) can tell
- `edited`: the entry's hash does not match its fields;
- `deleted`: seq skips numbers, or the entry links to a hash no entry has;
- `reordered`: the entry links to an entry that stands elsewhere in the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def digest(state: Mapping[str, Any] | None) -> str:
    """Canonical sha256 of a record's state (sorted keys, str for non-JSON values)."""
    if state is None:
        return ""
    text = json.dumps(state, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    payload = json.dumps(
        {**fields, "prev_hash": prev_hash},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: str  # edited | deleted | reordered
    message: str


def verify(entries: Iterable[tuple[int, Mapping[str, Any], str, str]]) -> Problem | None:
    """Check (seq, hashed fields, prev_hash, entry_hash) rows in seq order; first problem or None."""
    rows = list(entries)
    hashes = {row[3] for row in rows}
    expected_prev = GENESIS
    expected_seq = 1
    for seq, fields, prev_hash, stored_hash in rows:
        if entry_hash(fields, prev_hash) != stored_hash:
            return Problem(seq, "edited", f"第 {seq} 条记录的内容与其哈希不符（被修改）")
        if prev_hash != expected_prev:
            if seq != expected_seq:
                return Problem(
                    seq, "deleted", f"第 {expected_seq} 条至第 {seq - 1} 条记录缺失（被删除）"
                )
            if prev_hash in hashes:
                return Problem(
                    seq, "reordered", f"第 {seq} 条记录的前序哈希指向其他位置（顺序被调换）"
                )
            return Problem(seq, "deleted", f"第 {seq} 条记录之前的记录缺失（被删除）")
        if seq != expected_seq:
            return Problem(seq, "reordered", f"第 {seq} 条记录的序号与链上位置不符（顺序被调换）")
        expected_prev = stored_hash
        expected_seq = seq + 1
    return None
