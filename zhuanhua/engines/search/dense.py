"""Optional dense retriever and reciprocal-rank fusion.

Only used when ``ZHUANHUA_EMBEDDING_MODEL_DIR`` names a local sentence-transformers model
directory: the model is loaded from that path only (no hub access) and
``sentence_transformers`` is imported only then. Without it everything runs on BM25.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

ENV_VAR = "ZHUANHUA_EMBEDDING_MODEL_DIR"


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = 60) -> list[str]:
    """Fuse ranked id lists: score(d) = Σ 1 / (k + rank(d)), rank from 1."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + 1.0 / (k + rank)
    return sorted(scores, key=lambda d: (-scores[d], d))


class DenseRetriever:
    """Cosine similarity over sentence embeddings of title + keywords + text."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.ids: list[str] = []
        self.matrix = np.zeros((0, 0), dtype=np.float32)

    @classmethod
    def from_env(cls) -> DenseRetriever | None:
        """The configured retriever, or None when no local model directory is configured."""
        path = os.environ.get(ENV_VAR, "").strip()
        if not path or not os.path.isdir(path):
            return None
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            return None
        return cls(SentenceTransformer(path, local_files_only=True))

    def index(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        emb = self.model.encode(list(texts), normalize_embeddings=True, batch_size=64)
        self.ids = list(ids)
        self.matrix = np.asarray(emb, dtype=np.float32)

    def search(self, query: str, limit: int = 100) -> list[str]:
        if not self.ids:
            return []
        q = np.asarray(self.model.encode([query], normalize_embeddings=True), dtype=np.float32)[0]
        sims = self.matrix @ q
        top = np.argsort(-sims)[:limit]
        return [self.ids[i] for i in top.tolist()]
