"""A ranked answer's rows read a page at a time: the search engine answers a keyword with ids
best first, and a page (Django's Paginator or the API's limit/offset) reads only its slice of
rows, in the ranking's order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class RankedRows(Generic[T]):
    """`len` is the number of ranked ids; a slice fetches those ids' rows (`fetch(ids)`, any
    order, rows gone since are skipped) and returns them in the ranking's order. No `.all()`,
    so the API pagination counts with len()."""

    def __init__(self, ids: Sequence[int], fetch: Callable[[list[int]], Iterable[Any]]) -> None:
        self.ids = list(ids)
        self.fetch = fetch

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, part: int) -> T: ...
    @overload
    def __getitem__(self, part: slice) -> list[T]: ...
    def __getitem__(self, part: int | slice) -> T | list[T]:
        if isinstance(part, int):
            rows = self[part : part + 1 or None]
            if not rows:
                raise IndexError(part)
            return rows[0]
        ids = self.ids[part]
        by_id = {row.pk: row for row in self.fetch(ids)}
        return [by_id[pk] for pk in ids if pk in by_id]

    def __iter__(self) -> Iterator[T]:
        return iter(self[:])
