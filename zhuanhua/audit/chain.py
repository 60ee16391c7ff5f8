"""The audit chain's arithmetic, free of Django: digests, entry hashes, MACs, checkpoints and
verification.

An entry's hash covers its own fields and the previous entry's hash, not its `seq`: the order
is carried by the links. Each entry also carries `entry_mac` = HMAC-SHA256(key, entry_hash) with a
key that lives in the environment (ZHUANHUA_AUDIT_KEY), never in the database; after a key change
the older entries verify under the previous keys, in order (`keys` are newest first). Verification (in
stored seq order) can tell
- `edited`: the entry's hash does not match its fields;
- `forged`: the hash matches but the MAC does not: the entry was rewritten and re-hashed by
  someone without the key (every entry after it was re-hashed too, or its link would break);
- `deleted`: seq skips numbers, or the entry links to a hash no entry has;
- `reordered`: the entry links to an entry that stands elsewhere in the chain;
- `truncated`: a signed checkpoint (count, head hash, MAC; written outside the database) names
  more entries than the chain still has, or a head the chain no longer holds.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
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


def entry_mac(key: bytes, hash_: str) -> str:
    """HMAC-SHA256 of an entry's hash: re-hashing a rewritten chain cannot reproduce it."""
    return hmac.new(key, b"entry:" + hash_.encode("ascii"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    """The chain's length and head at a moment, signed with the audit key.

    `first_hash` (the hash of entry 1) names the chain, so a table emptied and written anew shows
    as checkpoints of another chain (see `split_checkpoints`)."""

    count: int
    head_hash: str
    first_hash: str
    at: str  # ISO instant the checkpoint was taken
    mac: str = ""

    def payload(self) -> bytes:
        return f"checkpoint:{self.count}:{self.head_hash}:{self.first_hash}:{self.at}".encode()

    def signed(self, key: bytes) -> Checkpoint:
        mac = hmac.new(key, self.payload(), hashlib.sha256).hexdigest()
        return Checkpoint(self.count, self.head_hash, self.first_hash, self.at, mac)

    def is_genuine(self, key: bytes) -> bool:
        expected = hmac.new(key, self.payload(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.mac)

    def is_genuine_under(self, keys: Sequence[bytes]) -> bool:
        return any(self.is_genuine(key) for key in keys)

    def to_json(self) -> str:
        return json.dumps(
            {
                "count": self.count,
                "head_hash": self.head_hash,
                "first_hash": self.first_hash,
                "at": self.at,
                "mac": self.mac,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, line: str) -> Checkpoint:
        """Parse one line of the checkpoint file; ValueError when it is not a checkpoint."""
        try:
            data = json.loads(line)
            return cls(
                int(data["count"]),
                str(data["head_hash"]),
                str(data["first_hash"]),
                str(data["at"]),
                str(data["mac"]),
            )
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise ValueError(str(exc)) from exc


def split_checkpoints(
    points: Iterable[Checkpoint], first_hash: str
) -> tuple[list[Checkpoint], list[Checkpoint]]:
    """(checkpoints of the chain starting with `first_hash`, checkpoints of other chains).

    For an empty chain (first_hash GENESIS) every checkpoint is its own: emptying the table is a
    truncation. A checkpoint of an empty chain (count 0) belongs to any chain."""
    own: list[Checkpoint] = []
    other: list[Checkpoint] = []
    for point in points:
        mine = first_hash == GENESIS or point.count == 0 or point.first_hash == first_hash
        (own if mine else other).append(point)
    return own, other


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: str  # edited | forged | deleted | reordered | truncated | checkpoint
    message: str


def _signer(keys: Sequence[bytes], hash_: str, mac: str) -> int | None:
    """Index of the key whose MAC of `hash_` is `mac` (None when no key's is)."""
    for index, key in enumerate(keys):
        if hmac.compare_digest(entry_mac(key, hash_), mac):
            return index
    return None


@dataclass
class Walk:
    """What a verification found: the first problem (None when intact), and how far it got."""

    problem: Problem | None = None
    count: int = 0  # entries checked and found intact
    head_hash: str = GENESIS  # hash of the last intact entry


def verify(
    entries: Iterable[tuple[int, Mapping[str, Any], str, str, str]], keys: Sequence[bytes]
) -> Walk:
    """Check (seq, hashed fields, prev_hash, entry_hash, entry_mac) rows in seq order.

    The MAC is checked after the hash, so a plain edit reads as `edited` and only a re-hashed
    one as `forged`."""
    rows = list(entries)
    walk = Walk()
    walk.problem = _first_problem(rows, keys, walk)
    return walk


def _first_problem(
    rows: list[tuple[int, Mapping[str, Any], str, str, str]], keys: Sequence[bytes], walk: Walk
) -> Problem | None:
    hashes = {row[3] for row in rows}
    expected_seq = 1
    # Index in `keys` of the key that signed the previous entry: an entry may use that key or a
    # newer one (smaller index), never an older one, so a leaked retired key can only sign
    # entries that no newer key's entry follows.
    oldest_allowed = len(keys) - 1
    for seq, fields, prev_hash, stored_hash, stored_mac in rows:
        if entry_hash(fields, prev_hash) != stored_hash:
            return Problem(seq, "edited", f"第 {seq} 条记录的内容与其哈希不符（被修改）")
        signer = _signer(keys, stored_hash, stored_mac)
        if signer is None:
            return Problem(
                seq,
                "forged",
                f"第 {seq} 条记录的密钥签名不符（记录被改写并重新计算了哈希，"
                "或审计密钥 ZHUANHUA_AUDIT_KEY 与写入时不同）",
            )
        if signer > oldest_allowed:
            return Problem(
                seq,
                "forged",
                f"第 {seq} 条记录由已停用的旧密钥签名，却排在新密钥签名的记录之后（被改写）",
            )
        oldest_allowed = signer
        if prev_hash != walk.head_hash:
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
        walk.head_hash = stored_hash
        walk.count = seq
        expected_seq = seq + 1
    return None


def check_checkpoints(
    points: Iterable[Checkpoint],
    keys: Sequence[bytes],
    count: int,
    hash_at: Mapping[int, str],
    *,
    other_chains: int = 0,
) -> Problem | None:
    """Compare an intact chain of `count` entries with every checkpoint taken of it.

    `hash_at` maps each checkpoint's count to the hash of the chain's entry with that seq. Every
    checkpoint is checked, not only the last: after a truncation the platform goes on appending,
    and a later checkpoint signs the rewritten tail; the earlier one still names the lost head.
    `other_chains` counts genuine checkpoints of another chain (another entry 1) that are not to
    be ignored: the table was emptied and the platform wrote a new chain into it."""
    points = list(points)
    for point in points:
        if not point.is_genuine_under(keys):
            return Problem(
                point.count,
                "checkpoint",
                f"检查点（{point.at}）的密钥签名不符：检查点文件被改动，或审计密钥与写入时不同",
            )
    if other_chains:
        return Problem(
            1,
            "replaced",
            f"检查点文件中有 {other_chains} 个检查点属于另一条审计链（第 1 条记录的哈希不同）："
            "审计表可能被清空后重新写入。若数据库是有意重建的，请将检查点文件移走保存后"
            "运行 zhuanhua audit checkpoint",
        )
    longest = max(points, key=lambda p: p.count, default=None)
    if longest is not None and longest.count > count:
        first = count + 1
        lost = (
            f"第 {first} 条" if first == longest.count else f"第 {first} 条至第 {longest.count} 条"
        )
        return Problem(
            first,
            "truncated",
            f"检查点（{longest.at}）记录链上有 {longest.count} 条，现只有 {count} 条："
            f"{lost}记录缺失（末尾被删除）",
        )
    for point in sorted(points, key=lambda p: p.count):
        if point.count and hash_at.get(point.count) != point.head_hash:
            return Problem(
                point.count,
                "truncated",
                f"第 {point.count} 条记录与检查点（{point.at}）记录的哈希不符："
                "该检查点之后链的末尾被删除并由新记录接续",
            )
    return None
