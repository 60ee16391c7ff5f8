"""Read-only tables of a saved index that several processes map from the same files.

A saved index (:meth:`SearchIndex.save`) keeps its big parts in flat files: the score matrix
(bm25s' ``.npy`` arrays), term frequencies, the vocabulary and document ids as
:class:`StringTable` s, and the documents as JSON lines with an offsets array
(:class:`MappedDocs`). Loaded with ``mmap=True`` these are memory-mapped read-only, so the
page cache holds one copy per machine however many worker processes search it; only what a
process changes (its delta segment, its tombstones, the documents it re-read from the change
log) is private to it. See docs/adr/0008-shared-search-index.md.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")


def hash64(value: str) -> int:
    """A hash that is the same in every process (Python's ``hash`` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "little")


def _load(path: Path, mapped: bool) -> np.ndarray:
    return np.load(path, mmap_mode="r" if mapped else None, allow_pickle=False)


class StringTable:
    """Strings ``0 … n-1`` in one UTF-8 blob with offsets, found by a sorted 64-bit hash.

    Serves as a vocabulary (token → column) and as a list of document ids (row → id and
    id → row) without a Python object per string: the three arrays can be memory-mapped.
    Lookups compare the stored string, so a hash collision costs a comparison, never a
    wrong answer.
    """

    SUFFIXES = ("blob", "offsets", "hashes", "order")

    def __init__(
        self, blob: np.ndarray, offsets: np.ndarray, hashes: np.ndarray, order: np.ndarray
    ) -> None:
        self.blob = blob
        self.offsets = offsets
        self.hashes = hashes
        self.order = order

    @classmethod
    def from_strings(cls, strings: Sequence[str]) -> StringTable:
        encoded = [s.encode("utf-8") for s in strings]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)), out=offsets[1:])
        blob = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        raw = np.fromiter(
            (int.from_bytes(hashlib.blake2b(e, digest_size=8).digest(), "little") for e in encoded),
            dtype=np.uint64,
            count=len(encoded),
        )
        order = np.argsort(raw, kind="stable").astype(np.int64)
        return cls(blob, offsets, raw[order], order)

    def save(self, prefix: Path) -> None:
        for suffix, array in zip(
            self.SUFFIXES, (self.blob, self.offsets, self.hashes, self.order), strict=True
        ):
            np.save(f"{prefix}.{suffix}.npy", array)

    @classmethod
    def open(cls, prefix: Path, mapped: bool = True) -> StringTable:
        arrays = [_load(Path(f"{prefix}.{suffix}.npy"), mapped) for suffix in cls.SUFFIXES]
        return cls(*arrays)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        start, end = int(self.offsets[i]), int(self.offsets[i + 1])
        return self.blob[start:end].tobytes().decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        for i in range(len(self)):
            yield self[i]

    def get(self, value: str, default: int | None = None) -> int | None:
        if not len(self.hashes):
            return default
        h = np.uint64(hash64(value))
        i = int(np.searchsorted(self.hashes, h))
        while i < len(self.hashes) and self.hashes[i] == h:
            j = int(self.order[i])
            if self[j] == value:
                return j
            i += 1
        return default

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and self.get(value) is not None

    def items(self) -> Iterator[tuple[str, int]]:
        for i in range(len(self)):
            yield self[i], i

    def values(self) -> Iterable[int]:
        return range(len(self))


class MappedDocs(MutableMapping[str, T]):
    """The documents of the main segment read from a JSON-lines file on demand (one line per
    main row, ``null`` for a row deleted before the save), with a private overlay for the
    documents this process added or changed since and a set of the main rows it removed."""

    def __init__(
        self,
        ids: StringTable,
        path: Path,
        offsets: np.ndarray,
        decode: Callable[[dict[str, Any]], T],
        gone: Iterable[str] = (),
    ) -> None:
        self._ids = ids
        self._offsets = offsets
        self._decode = decode
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            self._blob: mmap.mmap | bytes = (
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
            )
        self._over: dict[str, T] = {}
        self._gone: set[str] = set(gone)

    def _row(self, key: str) -> int | None:
        if key in self._gone:
            return None
        return self._ids.get(key)

    def __getitem__(self, key: str) -> T:
        doc = self._over.get(key)
        if doc is not None:
            return doc
        row = self._row(key)
        if row is None:
            raise KeyError(key)
        line = self._blob[int(self._offsets[row]) : int(self._offsets[row + 1])]
        data = json.loads(line)
        if data is None:
            raise KeyError(key)
        return self._decode(data)

    def __setitem__(self, key: str, doc: T) -> None:
        if self._row(key) is not None:
            self._gone.add(key)  # the overlay's version hides the saved one
        self._over[key] = doc

    def __delitem__(self, key: str) -> None:
        if key in self._over:
            del self._over[key]
            return
        if self._row(key) is None:
            raise KeyError(key)
        self._gone.add(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in self._over or self._row(key) is not None)

    def __iter__(self) -> Iterator[str]:
        for key in self._ids:
            if key not in self._gone:
                yield key
        yield from list(self._over)

    def __len__(self) -> int:
        gone_main = sum(1 for key in self._gone if self._ids.get(key) is not None)
        return len(self._ids) - gone_main + len(self._over)


def memory_of(pid: int | str = "self") -> dict[str, float]:
    """RSS, PSS and USS (private clean + dirty) of a process in MB, from
    /proc/<pid>/smaps_rollup (PSS counts a shared page 1/n in each of the n processes that
    map it: the honest share of a memory-mapped index). Missing figures are absent."""
    out: dict[str, float] = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            fields = {}
            for line in handle:
                parts = line.split()
                if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                    fields[parts[0][:-1]] = int(parts[1])
    except OSError:
        fields = {}
    if fields:
        out["rss"] = fields.get("Rss", 0) / 1024
        out["pss"] = fields.get("Pss", 0) / 1024
        out["uss"] = (fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)) / 1024
        return out
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    out["rss"] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return out
