"""The search service: one engine index (zhuanhua.engines.search) over published achievements and
needs, kept current in every process through the append-only change log (SearchChange).

* Writers call `zhuanhua.core.searchlog.log_change` inside the transaction that publishes, edits or delists: the log row
  commits (or rolls back) with the change itself.
* Each process holds one `SearchService` per index directory. It lazily loads the index persisted
  by `index_rebuild()` (`zhuanhua search rebuild`, the rebuild task) memory-mapped, so the web
  workers of a machine share one copy of its big arrays (settings.ZHUANHUA_SEARCH_MMAP, on by
  default; docs/adr/0008-shared-search-index.md), or builds one in memory from the database when
  none is saved. Before every search it applies the log rows after the last id it has seen,
  reading the current database rows: published → upsert, anything else (or gone) → remove;
  those documents live in the process's small delta segment. When a rebuild has switched
  CURRENT to a newer saved index, the next search maps that one and applies the log after its
  position.
* Ids are handed out at insert but become visible at commit, so a row with a smaller id can
  appear after a bigger one. Missing ids below the highest seen are kept as "gaps" and asked for
  again on the next searches until they appear or are older than GAP_PATIENCE (a rolled back
  transaction leaves a gap for ever).

See docs/search-service.md.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Max, Q

from zhuanhua.achievements.choices import AchievementStatus, IndustryField, IpType, TransferStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.achievements.selectors import RankedAnswer, offer_fee_model_annotate
from zhuanhua.core.models import SearchChange, SearchKind
from zhuanhua.core.prefectures import prefecture_name

# The package is cheap to import; jieba, bm25s and scikit-learn load when first used.
from zhuanhua.engines import search as engine
from zhuanhua.licensing.choices import FeeModel
from zhuanhua.licensing.models import LicenceOffer
from zhuanhua.needs.choices import NeedStatus
from zhuanhua.needs.models import TechnologyNeed
from zhuanhua.needs.selectors import RankedNeeds

log = logging.getLogger(__name__)

GAP_PATIENCE = 120.0  # seconds a missing change-log id is waited for
MAX_GAP_SPAN = 10_000  # a longer jump of ids is not tracked id by id
CURRENT = "CURRENT"  # file naming the live index directory inside ZHUANHUA_SEARCH_DIR
POSITION = "position.json"  # {"last_change_id": n} beside the saved index
CLASSIFIER = "classifier.pkl"
MAX_LIMIT = 100

_FIELD_LABELS = dict(IndustryField.choices)
_FIELD_CODES = {label: code for code, label in IndustryField.choices}
_FEE_LABELS = dict(FeeModel.choices)
_IP_LABELS = dict(IpType.choices)
_TRANSFER_LABELS = dict(TransferStatus.choices)


def search_dir() -> Path:
    default = Path(settings.BASE_DIR) / "var" / "search"
    return Path(getattr(settings, "ZHUANHUA_SEARCH_DIR", None) or default)


# --------------------------------------------------------------------------- documents


def doc_id(kind: str, pk: int) -> str:
    return f"{'a' if kind == SearchKind.ACHIEVEMENT else 'n'}{pk}"


def parse_doc_id(value: str) -> tuple[str, int]:
    kind = SearchKind.ACHIEVEMENT if value[:1] == "a" else SearchKind.NEED
    return kind, int(value[1:])


def _active_fee_models(ids: Iterable[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    rows = LicenceOffer.objects.filter(is_active=True, achievement_id__in=list(ids))
    for achievement_id, fee_model in rows.values_list("achievement_id", "fee_model"):
        out.setdefault(achievement_id, set()).add(fee_model)
    return out


def achievement_doc(a: Achievement, fee_models: Iterable[str] = ()) -> Any:
    """The engine document of an achievement. Field, prefecture and fee models are stored as
    their Chinese labels, so the matcher's reasons read 同属领域：新能源与节能 / 同在昆明市;
    the codes are kept in separate attributes for filters."""
    fees = sorted(_FEE_LABELS.get(f, f) for f in fee_models)
    return engine.SearchDoc(
        id=doc_id(SearchKind.ACHIEVEMENT, a.pk),
        title=a.title,
        keywords=list(a.keywords or []),
        text=a.summary,
        field=_FIELD_LABELS.get(a.industry_field, a.industry_field),
        attrs={
            "kind": "achievement",
            "industry_field": a.industry_field,
            "ip_type": a.ip_type,
            "prefecture": prefecture_name(a.prefecture),
            "prefecture_code": a.prefecture,
            "transfer_status": a.transfer_status,
            "trl": str(a.trl),
            "owner": str(a.owner_id),
            "fee_model": "|".join(fees),
        },
    )


def need_doc(n: TechnologyNeed) -> Any:
    return engine.SearchDoc(
        id=doc_id(SearchKind.NEED, n.pk),
        title=n.title,
        keywords=list(n.keywords or []),
        text="\n".join(part for part in (n.description, n.indicators) if part),
        field=_FIELD_LABELS.get(n.industry_field, n.industry_field),
        attrs={
            "kind": "need",
            "industry_field": n.industry_field,
            "prefecture": prefecture_name(n.prefecture),
            "prefecture_code": n.prefecture,
            "owner": str(n.owner_id),
            "fee_model": _FEE_LABELS.get(n.fee_model, "") if n.fee_model else "",
        },
    )


def _published_docs(batch: int = 500) -> Iterator[Any]:
    achievements = Achievement.objects.filter(status=AchievementStatus.PUBLISHED).order_by("pk")
    last = 0
    while True:
        chunk = list(achievements.filter(pk__gt=last).defer("search_text")[:batch])
        if not chunk:
            break
        fees = _active_fee_models(a.pk for a in chunk)
        for a in chunk:
            yield achievement_doc(a, fees.get(a.pk, ()))
        last = chunk[-1].pk
    needs = TechnologyNeed.objects.filter(status=NeedStatus.PUBLISHED).order_by("pk")
    for n in needs.defer("search_text").iterator(chunk_size=batch):
        yield need_doc(n)


def published_count() -> int:
    return (
        Achievement.objects.filter(status=AchievementStatus.PUBLISHED).count()
        + TechnologyNeed.objects.filter(status=NeedStatus.PUBLISHED).count()
    )


# --------------------------------------------------------------------------- results


@dataclass
class SearchHit:
    kind: str
    object: Any  # Achievement or TechnologyNeed
    snippet: str  # safe HTML from the engine (<mark>, everything else escaped)
    score: float
    matched_terms: list[str] = field(default_factory=list)


@dataclass
class MatchResult:
    object: Any  # the matched Achievement or TechnologyNeed
    score: float
    reasons: list[str]
    snippet: str


def translate_filters(kind: str, filters: Mapping[str, Any] | None) -> dict[str, Any]:
    """Page filters (model codes) → engine attributes. Empty values are ignored."""
    wanted: dict[str, Any] = {"kind": kind}
    for name, value in (filters or {}).items():
        if value in (None, "", [], ()):
            continue
        if name == "prefecture":
            wanted["prefecture_code"] = value
        elif name == "trl_min":
            wanted["trl"] = {str(t) for t in range(int(value), 10)}
        elif name == "fee_model":
            wanted["fee_model"] = _FEE_LABELS.get(value, "?")
        elif name in {"industry_field", "ip_type", "transfer_status", "owner"}:
            wanted[name] = str(value)
    return wanted


# --------------------------------------------------------------------------- the service


class SearchService:
    """One per process and index directory (see `get_service`). Thread-safe."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else search_dir()
        self._lock = threading.RLock()
        self._index: Any = None
        self._matcher: Any = None
        self._classifier: Any = None
        self.last_change_id = 0
        self._gaps: dict[int, float] = {}  # missing change id -> when first missed
        self._live_name = ""  # the saved index directory loaded ("" = built in memory)
        self._pointer_stamp: tuple[int, int] | None = None  # CURRENT's (mtime_ns, inode) seen

    # ------------------------------------------------------------------ loading

    def _live_dir(self) -> Path | None:
        pointer = self.directory / CURRENT
        try:
            name = pointer.read_text().strip()
        except FileNotFoundError:
            return None
        live = self.directory / name
        return live if name and (live / POSITION).exists() else None

    def _pointer(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.directory / CURRENT)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_ino)

    def _load_saved(self, live: Path) -> bool:
        try:
            index = engine.SearchIndex.load(live / "index", mmap=_mmap_enabled())
            position = int(json.loads((live / POSITION).read_text())["last_change_id"])
            classifier = (
                engine.FieldClassifier.load(live / CLASSIFIER)
                if (live / CLASSIFIER).exists()
                else None
            )
        except (OSError, ValueError, KeyError) as exc:
            # Removed by a newer rebuild between reading CURRENT and opening it, or written
            # by an older version: the caller reads CURRENT again or builds from the database.
            log.warning("search index %s not loaded: %s", live, exc)
            return False
        self._index, self._classifier = index, classifier
        self.last_change_id = position
        self._live_name = live.name
        return True

    def _ensure(self) -> Any:
        if self._index is not None:
            stamp = self._pointer()
            if stamp == self._pointer_stamp:
                return self._index
            # A rebuild switched CURRENT: map the newer index (once this process sees it).
            self._pointer_stamp = stamp
            live = self._live_dir()
            if live is None or live.name == self._live_name:
                return self._index
            if self._load_saved(live):
                self._gaps = {}
                self._matcher = None
            return self._index
        for _ in range(3):
            self._pointer_stamp = self._pointer()
            live = self._live_dir()
            if live is None or self._load_saved(live):
                break
        if self._index is None:
            # Nothing saved yet: build in memory from the database. The log position is read
            # first; changes after it are applied again on the next catch-up (idempotent).
            self.last_change_id = SearchChange.objects.aggregate(m=Max("id"))["m"] or 0
            self._index = engine.SearchIndex.build(_published_docs())
            self._live_name = ""
        self._gaps = {}
        self._matcher = None
        return self._index

    def reset(self) -> None:
        with self._lock:
            self._index = None
            self._matcher = None
            self._classifier = None
            self.last_change_id = 0
            self._gaps = {}
            self._live_name = ""
            self._pointer_stamp = None

    # ------------------------------------------------------------------ catching up

    def catch_up(self) -> int:
        """Apply the change-log rows not yet seen; the number of documents touched."""
        with self._lock:
            index = self._ensure()
            condition = Q(id__gt=self.last_change_id)
            if self._gaps:
                condition |= Q(id__in=list(self._gaps))
            rows = list(
                SearchChange.objects.filter(condition)
                .order_by("id")
                .values_list("id", "kind", "object_id")
            )
            if not rows and not self._gaps:
                return 0
            now = time.monotonic()
            seen = {r[0] for r in rows}
            for gap in list(self._gaps):
                if gap in seen or now - self._gaps[gap] > GAP_PATIENCE:
                    del self._gaps[gap]
            top = max([self.last_change_id, *seen])
            if top - self.last_change_id <= MAX_GAP_SPAN:  # else: a fresh start, not a race
                for missing in set(range(self.last_change_id + 1, top + 1)) - seen:
                    self._gaps.setdefault(missing, now)
            self.last_change_id = top
            wanted: dict[str, set[int]] = {}
            for _, kind, object_id in rows:
                wanted.setdefault(kind, set()).add(object_id)
            # The matcher holds this same index object, so it ranks the new documents at once;
            # its keyword co-occurrence statistics and classifier wait for the next rebuild.
            return self._apply(index, wanted)

    def _apply(self, index: Any, wanted: Mapping[str, set[int]]) -> int:
        touched = 0
        ids = wanted.get(SearchKind.ACHIEVEMENT, set())
        if ids:
            live = {
                a.pk: a
                for a in Achievement.objects.filter(
                    pk__in=ids, status=AchievementStatus.PUBLISHED
                ).defer("search_text")
            }
            fees = _active_fee_models(live)
            for pk in ids:
                if pk in live:
                    index.upsert(achievement_doc(live[pk], fees.get(pk, ())))
                else:
                    index.remove(doc_id(SearchKind.ACHIEVEMENT, pk))
                touched += 1
        ids = wanted.get(SearchKind.NEED, set())
        if ids:
            live_needs = {
                n.pk: n
                for n in TechnologyNeed.objects.filter(
                    pk__in=ids, status=NeedStatus.PUBLISHED
                ).defer("search_text")
            }
            for pk in ids:
                if pk in live_needs:
                    index.upsert(need_doc(live_needs[pk]))
                else:
                    index.remove(doc_id(SearchKind.NEED, pk))
                touched += 1
        return touched

    def index(self) -> Any:
        """The current engine index (caught up with the log)."""
        self.catch_up()
        return self._index

    def matcher(self) -> Any:
        with self._lock:
            index = self.index()
            if self._matcher is None:
                self._matcher = engine.Matcher.from_index(
                    index,
                    classifier=self._classifier,
                    train_classifier=self._classifier is None,
                )
                self._classifier = self._matcher.classifier
            return self._matcher

    # ------------------------------------------------------------------ searching

    def search(
        self,
        kind: str,
        q: str,
        filters: Mapping[str, Any] | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> tuple[list[SearchHit], int, list[str]]:
        limit = max(0, min(int(limit), MAX_LIMIT))
        offset = max(0, int(offset))
        index = self.index()
        result = index.search(
            q or "", filters=translate_filters(kind, filters), limit=limit, offset=offset
        )
        objects = _objects(kind, [parse_doc_id(h.id)[1] for h in result.hits])
        hits = [
            SearchHit(
                kind=kind,
                object=objects[parse_doc_id(h.id)[1]],
                snippet=h.snippet,
                score=h.score,
                matched_terms=list(h.matched_terms),
            )
            for h in result.hits
            if parse_doc_id(h.id)[1] in objects
        ]
        return hits, result.total, list(result.suggestions)

    def ranked_ids(
        self, kind: str, q: str, filters: Mapping[str, Any] | None = None, limit: int = 1000
    ) -> tuple[list[int], int, list[str]]:
        """The engine's ranking of `q` as database ids, best first, without snippets or rows:
        the same order `search` pages through (the hall reads its cards itself)."""
        index = self.index()
        result = index.search(
            q or "",
            filters=translate_filters(kind, filters),
            limit=max(0, min(int(limit), 1000)),
            snippets=False,
        )
        return [parse_doc_id(h.id)[1] for h in result.hits], result.total, list(result.suggestions)

    def match_for_need(
        self, need: TechnologyNeed, limit: int = 10, filters: Mapping[str, Any] | None = None
    ) -> list[MatchResult]:
        matches = self.matcher().achievements_for_need(
            need_doc(need), limit=limit, filters=_extra(filters)
        )
        return _results(SearchKind.ACHIEVEMENT, matches)

    def match_for_achievement(
        self, achievement: Achievement, limit: int = 10, filters: Mapping[str, Any] | None = None
    ) -> list[MatchResult]:
        fees = _active_fee_models([achievement.pk]).get(achievement.pk, ())
        matches = self.matcher().needs_for_achievement(
            achievement_doc(achievement, fees), limit=limit, filters=_extra(filters)
        )
        return _results(SearchKind.NEED, matches)

    # ------------------------------------------------------------------ rebuilding

    def rebuild(
        self, *, progress: bool = False, on_progress: ProgressCallback | None = None
    ) -> dict[str, Any]:
        """Build from the database, train the field classifier, save with the log position and
        switch CURRENT to it atomically: the index is written to a hidden temporary directory,
        renamed into place when complete, and only then named in CURRENT (replaced by rename),
        so a worker never maps a half-written index. The previous index directory is removed
        afterwards (workers that still map it keep reading it until they switch: the files
        stay until the last process unmaps them). This process drops the index it built and
        maps the saved one on its next search, like every other worker.

        `on_progress(done, total)` is called as documents are read (a task's progress bar)."""
        position = SearchChange.objects.aggregate(m=Max("id"))["m"] or 0
        started = time.monotonic()
        total = published_count()
        docs = _progress(_published_docs(), total, progress, on_progress)
        index = engine.SearchIndex.build(docs, progress=progress)
        matcher = engine.Matcher.from_index(index, use_dense=False)
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"index-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        target = self.directory / name
        tmp_dir = self.directory / f".tmp-{name}"
        index.save(tmp_dir / "index")
        if matcher.classifier is not None:
            matcher.classifier.save(tmp_dir / CLASSIFIER)
        (tmp_dir / POSITION).write_text(json.dumps({"last_change_id": position}))
        documents, classifier = len(index), matcher.classifier is not None
        del index, matcher
        os.rename(tmp_dir, target)
        old = self._live_dir()
        pointer_tmp = self.directory / f".{CURRENT}.{os.getpid()}"
        pointer_tmp.write_text(name)
        os.replace(pointer_tmp, self.directory / CURRENT)
        if old is not None and old != target:
            shutil.rmtree(old, ignore_errors=True)
        for leftover in self.directory.glob(".tmp-index-*"):  # a crashed rebuild's
            if time.time() - leftover.stat().st_mtime > 24 * 3600:
                shutil.rmtree(leftover, ignore_errors=True)
        with self._lock:
            self._index = None  # the next search maps the saved index
            self._classifier = None
            self._matcher = None
            self._live_name = ""
            self._pointer_stamp = None
            self.last_change_id = 0
            self._gaps = {}
        return {
            "documents": documents,
            "last_change_id": position,
            "classifier": classifier,
            "seconds": round(time.monotonic() - started, 2),
            "path": str(target),
        }


ProgressCallback = Callable[[int, int], None]


def _mmap_enabled() -> bool:
    return bool(getattr(settings, "ZHUANHUA_SEARCH_MMAP", True))


def _reporting(docs: Iterator[Any], total: int, report: ProgressCallback) -> Iterator[Any]:
    done = 0
    report(0, total)
    for doc in docs:
        yield doc
        done += 1
        if done % 1000 == 0:
            report(done, total)
    report(done, total)


def _progress(
    docs: Iterator[Any], total: int, enabled: bool, report: ProgressCallback | None = None
) -> Iterable[Any]:
    if report is not None:
        docs = _reporting(docs, total, report)
    if not enabled:
        return docs
    from tqdm import tqdm

    return tqdm(docs, total=total, desc="读取已发布的成果与需求", unit="条")


def _extra(filters: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not filters:
        return None
    wanted = translate_filters("", filters)
    wanted.pop("kind", None)
    return wanted or None


def _objects(kind: str, pks: list[int]) -> dict[int, Any]:
    """The published rows behind engine ids (a row unpublished since the last catch-up is
    dropped here, so a stale index never shows a draft)."""
    if kind == SearchKind.ACHIEVEMENT:
        qs = Achievement.objects.filter(pk__in=pks, status=AchievementStatus.PUBLISHED)
        # offer_fee_model: the 先使用后付费 badge of results and matches, in the same query.
        qs = offer_fee_model_annotate(qs)
        return {a.pk: a for a in qs.select_related("owner").defer("search_text")}
    qs2 = TechnologyNeed.objects.filter(pk__in=pks, status=NeedStatus.PUBLISHED)
    return {n.pk: n for n in qs2.select_related("owner").defer("search_text")}


def _results(kind: str, matches: list[Any]) -> list[MatchResult]:
    objects = _objects(kind, [parse_doc_id(m.id)[1] for m in matches])
    return [
        MatchResult(
            object=objects[parse_doc_id(m.id)[1]],
            score=m.score,
            reasons=list(m.reasons),
            snippet=m.hit.snippet,
        )
        for m in matches
        if parse_doc_id(m.id)[1] in objects
    ]


# --------------------------------------------------------------------------- module API

_services: dict[str, SearchService] = {}
_services_lock = threading.Lock()


def get_service() -> SearchService:
    """This process's service for settings.ZHUANHUA_SEARCH_DIR."""
    key = str(search_dir())
    with _services_lock:
        if key not in _services:
            _services[key] = SearchService(key)
        return _services[key]


def index_rebuild(
    *, progress: bool = False, on_progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """Rebuild and save this machine's search index (the command `zhuanhua search rebuild` and
    the rebuild task call this): every worker maps the new index on its next search.
    Returns {"documents", "last_change_id", "classifier", "seconds", "path"}; `on_progress(done,
    total)` reports documents read."""
    return get_service().rebuild(progress=progress, on_progress=on_progress)


def search_achievements(
    q: str, filters: Mapping[str, Any] | None = None, limit: int = 20, offset: int = 0
) -> tuple[list[SearchHit], int, list[str]]:
    """(hits with snippet, total, did-you-mean suggestions) over published achievements."""
    return get_service().search(SearchKind.ACHIEVEMENT, q, filters, limit, offset)


def search_needs(
    q: str, filters: Mapping[str, Any] | None = None, limit: int = 20, offset: int = 0
) -> tuple[list[SearchHit], int, list[str]]:
    return get_service().search(SearchKind.NEED, q, filters, limit, offset)


def hall_ranking(q: str, filters: dict[str, Any], limit: int) -> RankedAnswer:
    """The achievements hall's keyword answer (registered in SearchConfig.ready()): the ids
    检索 ranks, best first."""
    ids, total, suggestions = get_service().ranked_ids(SearchKind.ACHIEVEMENT, q, filters, limit)
    return RankedAnswer(ids=ids, total=total, suggestions=suggestions)


def need_ranking(q: str, filters: dict[str, Any], limit: int) -> RankedNeeds:
    """The needs hall's keyword answer (registered in SearchConfig.ready()): the ids 检索 ranks
    over published needs, best first."""
    ids, total, suggestions = get_service().ranked_ids(SearchKind.NEED, q, filters, limit)
    return RankedNeeds(ids=ids, total=total, suggestions=suggestions)


def match_for_need(need: TechnologyNeed, limit: int = 10) -> list[MatchResult]:
    """The best published achievements for a need, with the engine's Chinese reasons."""
    return get_service().match_for_need(need, limit)


def match_for_achievement(achievement: Achievement, limit: int = 10) -> list[MatchResult]:
    """The best published needs for an achievement, with reasons."""
    return get_service().match_for_achievement(achievement, limit)
