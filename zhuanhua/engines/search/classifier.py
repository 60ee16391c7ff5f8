"""Learn the field (学科/领域) of a short text: TF-IDF over words + character n-grams → a
linear model (scikit-learn). Trained from labelled documents, persisted with pickle.

Words come from the default jieba dictionary through :class:`Segmenter` (no per-registry
domain dictionary, so the model does not depend on one index); character uni- and bigrams
cover everything else. ``LogisticRegression`` gives calibrated probabilities, which the
matcher uses as a soft boost; ``ComplementNB`` is the fast option.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from zhuanhua.engines.search.text import Segmenter, bigrams, normalize

_SEGMENTER: Segmenter | None = None


def _segmenter() -> Segmenter:
    global _SEGMENTER
    if _SEGMENTER is None:
        _SEGMENTER = Segmenter()
    return _SEGMENTER


def word_features(text: str) -> list[str]:
    """Analyzer for the word TF-IDF: jieba words plus character bigrams (module level so the
    fitted vectoriser pickles)."""
    norm = normalize(text)
    return _segmenter().words(norm) + bigrams(norm)


class FieldClassifier:
    """Predict a field label from text. ``model`` is ``"logreg"`` or ``"nb"``."""

    def __init__(self, model: str = "logreg", c: float = 20.0) -> None:
        if model not in {"logreg", "nb"}:
            raise ValueError(f"unknown model {model!r}")
        self.model = model
        self.c = c
        self._pipeline: Any = None
        self.labels: list[str] = []

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> FieldClassifier:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.naive_bayes import ComplementNB
        from sklearn.pipeline import make_pipeline

        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        if len(set(labels)) < 2:
            raise ValueError("need at least two fields to learn")
        vectorizer = TfidfVectorizer(
            analyzer=word_features, sublinear_tf=True, min_df=1, dtype=np.float32
        )
        estimator: Any
        if self.model == "nb":
            estimator = ComplementNB(alpha=0.3)
        else:
            estimator = LogisticRegression(C=self.c, max_iter=300)
        self._pipeline = make_pipeline(vectorizer, estimator)
        self._pipeline.fit(list(texts), list(labels))
        self.labels = [str(label) for label in self._pipeline.classes_]
        return self

    @property
    def fitted(self) -> bool:
        return self._pipeline is not None

    def proba(self, texts: Sequence[str]) -> np.ndarray:
        """Rows of class probabilities, columns in :attr:`labels` order."""
        if self._pipeline is None:
            raise RuntimeError("classifier is not trained")
        return np.asarray(self._pipeline.predict_proba(list(texts)))

    def predict_proba(self, text: str) -> dict[str, float]:
        row = self.proba([text])[0]
        return {label: float(p) for label, p in zip(self.labels, row, strict=True)}

    def predict(self, text: str) -> str:
        probs = self.predict_proba(text)
        return max(probs, key=lambda label: probs[label])

    def top(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        probs = self.predict_proba(text)
        return sorted(probs.items(), key=lambda item: -item[1])[:k]

    @classmethod
    def train(
        cls, samples: Iterable[tuple[str, str]], model: str = "logreg", c: float = 20.0
    ) -> FieldClassifier:
        pairs = [(t, f) for t, f in samples if t and f]
        return cls(model=model, c=c).fit([t for t, _ in pairs], [f for _, f in pairs])

    def save(self, path: str | Path) -> None:
        with open(path, "wb") as handle:
            pickle.dump(
                {
                    "model": self.model,
                    "c": self.c,
                    "pipeline": self._pipeline,
                    "labels": self.labels,
                },
                handle,
            )

    @classmethod
    def load(cls, path: str | Path) -> FieldClassifier:
        """Load a model written by :meth:`save` (pickle: only load files you wrote)."""
        with open(path, "rb") as handle:
            state = pickle.load(handle)  # noqa: S301 - our own model files only
        clf = cls(model=state["model"], c=state["c"])
        clf._pipeline = state["pipeline"]
        clf.labels = list(state["labels"])
        return clf
