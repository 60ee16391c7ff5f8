"""Need ↔ achievement matching: BM25 with query expansion, a field-classifier re-rank,
optional dense fusion, and reasons a person can read.

Ranking of a query (the CLI and the site use the same :meth:`Matcher.rank`):

1. expand the query with co-occurring keywords (weight ``expansion_weight`` × strength);
2. take the top ``pool`` BM25 candidates (filters and exclusions applied first);
3. score each as ``bm25 / best_bm25 + field_weight × P(candidate's field | query)``, where
   the probability comes from the :class:`FieldClassifier` (or is 1 for an explicitly
   given query field); plus small bonuses for the same prefecture and a fitting fee model;
4. if a dense retriever is configured, fuse with its ranking by reciprocal-rank fusion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from zhuanhua.engines.search.classifier import FieldClassifier
from zhuanhua.engines.search.dense import DenseRetriever, reciprocal_rank_fusion
from zhuanhua.engines.search.expansion import KeywordCooccurrence
from zhuanhua.engines.search.index import Filters, Hit, SearchDoc, SearchIndex

KIND_ATTR = "kind"
ACHIEVEMENT = "achievement"
NEED = "need"


@dataclass(frozen=True)
class Match:
    id: str
    score: float
    reasons: list[str]
    hit: Hit


def _fee_models(doc: SearchDoc) -> set[str]:
    raw = doc.attrs.get("fee_model", "")
    return {
        part.strip() for part in raw.replace("，", ",").replace("|", ",").split(",") if part.strip()
    }


def field_probability(probs: Mapping[str, float], field: str) -> float:
    """P(the document's field | query). A field may name several labels joined by "|" (a
    patent's IPC subclasses, a discipline and its category): their probabilities add up, so a
    document in two of the query's likely classes, or in its class and its section, ranks
    above one in a single class."""
    if "|" not in field:
        return probs.get(field, 0.0)
    return sum(probs.get(label, 0.0) for label in set(field.split("|")) if label)


class Matcher:
    def __init__(
        self,
        index: SearchIndex,
        classifier: FieldClassifier | None = None,
        cooccurrence: KeywordCooccurrence | None = None,
        dense: DenseRetriever | None = None,
        *,
        field_weight: float = 16.0,
        expansion_weight: float = 0.3,
        expansion_terms: int = 3,
        pool: int = 300,
        place_bonus: float = 0.05,
        fee_bonus: float = 0.05,
        neighbour_weight: float = 0.0,
        neighbours: int = 20,
    ) -> None:
        self.index = index
        # Field evidence from the query's best BM25 neighbours: their fields, weighted by score,
        # mixed into the classifier's probabilities (0 = classifier only).
        self.neighbour_weight = neighbour_weight
        self.neighbours = neighbours
        self.classifier = classifier
        self.cooccurrence = cooccurrence
        self.dense = dense
        self.field_weight = field_weight
        self.expansion_weight = expansion_weight
        self.expansion_terms = expansion_terms
        self.pool = pool
        self.place_bonus = place_bonus
        self.fee_bonus = fee_bonus

    @classmethod
    def from_index(
        cls,
        index: SearchIndex,
        *,
        classifier: FieldClassifier | None = None,
        train_classifier: bool = True,
        use_dense: bool = True,
        **options: float,
    ) -> Matcher:
        """A matcher whose expansion (and, unless given, classifier) is learnt from the
        index's own documents. The classifier needs ≥ 2 fields and ≥ 20 labelled docs."""
        # One pass per need over the documents (a memory-mapped index reads them from its
        # file as it goes; a list of them all would copy the registry into this process).
        cooc = KeywordCooccurrence.from_keyword_lists(d.keywords for d in index.docs())
        if classifier is None and train_classifier:
            labelled = [d for d in index.docs() if d.field]
            if len(labelled) >= 20 and len({d.field for d in labelled}) >= 2:
                classifier = FieldClassifier.train(
                    (
                        (" ".join([d.title, " ".join(d.keywords), d.text]), d.field or "")
                        for d in labelled
                    ),
                    model="nb",
                )
        dense = DenseRetriever.from_env() if use_dense else None
        if dense is not None:
            docs = list(index.docs())
            dense.index(
                [d.id for d in docs], [" ".join([d.title, *d.keywords, d.text]) for d in docs]
            )
        return cls(index, classifier, cooc, dense, **options)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ ranking

    def field_probabilities(self, query: str, query_field: str | None = None) -> dict[str, float]:
        if query_field:
            return {query_field: 1.0}
        if self.classifier is None or not query.strip():
            return {}
        return self.classifier.predict_proba(query)

    def rank(
        self,
        query: str,
        *,
        query_field: str | None = None,
        filters: Filters | None = None,
        limit: int = 10,
        exclude: Iterable[str] = (),
        context: SearchDoc | None = None,
        field_probs: Mapping[str, float] | None = None,
    ) -> list[tuple[str, float]]:
        """Best (id, score) pairs for ``query``; ``context`` (the need or achievement we
        match for) adds the place and fee-model bonuses."""
        expansions: list[tuple[str, float]] = []
        if self.cooccurrence is not None and self.expansion_weight > 0:
            expansions = [
                (kw, self.expansion_weight * strength)
                for kw, strength in self.cooccurrence.expand(query, self.expansion_terms)
            ]
        pool = max(self.pool, limit)
        candidates, _ = self.index.score(
            query, filters, limit=pool, exclude=exclude, expansions=expansions
        )
        if not candidates:
            return []
        best = candidates[0][1] or 1.0
        probs = (
            field_probs if field_probs is not None else self.field_probabilities(query, query_field)
        )
        if self.neighbour_weight > 0:
            probs = self._with_neighbour_votes(probs, candidates[: self.neighbours])
        scored: list[tuple[str, float]] = []
        for doc_id, bm25 in candidates:
            doc = self.index.get(doc_id)
            score = bm25 / best
            if doc is not None:
                if doc.field:
                    score += self.field_weight * field_probability(probs, doc.field)
                if context is not None:
                    place = context.attrs.get("prefecture")
                    if place and doc.attrs.get("prefecture") == place:
                        score += self.place_bonus
                    if _fee_models(context) & _fee_models(doc):
                        score += self.fee_bonus
            scored.append((doc_id, score))
        scored.sort(key=lambda item: (-item[1], item[0]))
        if self.dense is not None:
            excluded = set(exclude)
            dense_ids = [d for d in self.dense.search(query, pool) if d not in excluded]
            allowed = {d for d, _ in scored}
            if filters:
                dense_ids = [d for d in dense_ids if d in allowed]
            fused = reciprocal_rank_fusion([[d for d, _ in scored], dense_ids])
            by_id = dict(scored)
            scored = [(d, by_id.get(d, 0.0)) for d in fused]
        return scored[:limit]

    def _with_neighbour_votes(
        self, probs: Mapping[str, float], top: list[tuple[str, float]]
    ) -> dict[str, float]:
        """(1 - w) × the given probabilities + w × the share of the top candidates' scores that
        falls on each field label (pseudo-relevance feedback on the records' own fields)."""
        votes: dict[str, float] = {}
        total = sum(score for _, score in top) or 1.0
        for doc_id, score in top:
            doc = self.index.get(doc_id)
            if doc is None or not doc.field:
                continue
            for label in set(doc.field.split("|")):
                if label:
                    votes[label] = votes.get(label, 0.0) + score / total
        w = self.neighbour_weight
        return {
            label: (1 - w) * probs.get(label, 0.0) + w * votes.get(label, 0.0)
            for label in set(probs) | set(votes)
        }

    # ------------------------------------------------------------------ explained matches

    def _explain(
        self, source: SearchDoc, doc_id: str, score: float, field_hint: str | None
    ) -> Match:
        query = self._query_of(source)
        _, segs, words = self.index.query_terms(query)
        hit = self.index.make_hit(doc_id, score, segs, words)
        doc = self.index.get(doc_id)
        reasons: list[str] = []
        if hit.matched_terms:
            reasons.append("共同术语：" + "、".join(hit.matched_terms[:5]))
        if doc is not None:
            if doc.field and doc.field == (source.field or field_hint):
                reasons.append(f"同属领域：{doc.field}")
            place = source.attrs.get("prefecture")
            if place and doc.attrs.get("prefecture") == place:
                reasons.append(f"同在{place}")
            fees = _fee_models(source) & _fee_models(doc)
            if fees:
                reasons.append("收费方式相符：" + "、".join(sorted(fees)))
        return Match(id=doc_id, score=round(score, 6), reasons=reasons, hit=hit)

    @staticmethod
    def _query_of(doc: SearchDoc) -> str:
        return " ".join([doc.title, *doc.keywords, doc.text[:120]])

    def _match(
        self, source: SearchDoc, kind: str, limit: int, filters: Filters | None
    ) -> list[Match]:
        query = self._query_of(source)
        wanted: dict[str, str | Iterable[str]] = dict(filters or {})
        wanted[KIND_ATTR] = kind
        field_hint = source.field
        if not field_hint and self.classifier is not None and query.strip():
            field_hint = self.classifier.predict(query)
        ranked = self.rank(
            query,
            query_field=source.field,
            filters=wanted,
            limit=limit,
            exclude=[source.id],
            context=source,
        )
        return [self._explain(source, doc_id, score, field_hint) for doc_id, score in ranked]

    def achievements_for_need(
        self, need: SearchDoc, limit: int = 10, filters: Mapping[str, str] | None = None
    ) -> list[Match]:
        """Best achievements (docs with ``attrs['kind'] == 'achievement'``) for a need."""
        return self._match(need, ACHIEVEMENT, limit, filters)

    def needs_for_achievement(
        self, achievement: SearchDoc, limit: int = 10, filters: Mapping[str, str] | None = None
    ) -> list[Match]:
        """Best needs (docs with ``attrs['kind'] == 'need'``) for an achievement."""
        return self._match(achievement, NEED, limit, filters)
