"""What every theme classifier shares: inputs, targets, thresholds, evidence, persistence hooks.

A theme classifier is a scikit-learn estimator over passages. ``X`` is a sequence of texts, a pandas
DataFrame with a ``text`` column (and optionally ``lang`` and ``doc``), or a sequence of
:class:`~alignment_nlp.annotations.Annotation`; ``y`` is a sequence of label lists
(``[["budget"], [], ["boilerplate"]]``) or an indicator matrix over :attr:`classes_`, which are the
codebook's theme ids followed by ``"boilerplate"``. ``predict_proba`` gives one score per label in
[0, 1]; ``predict`` applies the per-label ``thresholds_`` (tuned on out-of-fold scores, grouped by
document) and keeps boilerplate alone.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.model_selection import GroupKFold, KFold
from sklearn.utils.validation import check_is_fitted

from ..codebook import BOILERPLATE, Codebook, default_codebook, load_codebook
from ..errors import UnknownLanguageError
from ..langid import get_detector
from ..languages import normalize_lang
from ..schema import is_missing

__all__ = ["ThemeClassifier", "ThemePrediction", "as_inputs", "label_matrix", "tune_thresholds"]

logger = logging.getLogger(__name__)

def _detect(texts: Sequence[str]) -> list[str]:
    return [r.lang for r in get_detector().detect_many(texts)]


@dataclass(frozen=True)
class Inputs:
    """Passages as the classifiers see them."""

    texts: list[str]
    langs: list[str]
    ids: list[str | None]
    groups: list[str | None]

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, idx: Sequence[int] | np.ndarray) -> Inputs:
        return Inputs([self.texts[i] for i in idx], [self.langs[i] for i in idx],
                      [self.ids[i] for i in idx], [self.groups[i] for i in idx])


def _text(value: Any, row: int) -> str:
    """A passage's text; a missing or non-string text is an error, not the string 'None'."""
    if not isinstance(value, str):
        raise ValueError(f"passage {row} (counting from 0), field 'text': expected the passage "
                         f"text as a string; got {value!r}. Drop or fill passages without text.")
    return value


def as_inputs(X: Any) -> Inputs:
    """Normalise the accepted forms of ``X`` (texts, DataFrame, annotations, dicts)."""
    if isinstance(X, Inputs):
        return X
    if hasattr(X, "columns"):  # pandas DataFrame
        if "text" not in X.columns:
            raise ValueError(f"X has no 'text' column; columns are {list(X.columns)}.")
        texts = [_text(t, i) for i, t in enumerate(X["text"].tolist())]
        langs = X["lang"].tolist() if "lang" in X.columns else [None] * len(texts)
        ids = [str(i) for i in X["id"].tolist()] if "id" in X.columns else [None] * len(texts)
        groups = X["doc"].tolist() if "doc" in X.columns else [None] * len(texts)
    else:
        if isinstance(X, str):
            raise ValueError("X must be a sequence of passages, not a single string; "
                             "wrap it in a list.")
        items = list(X)
        texts, langs, ids, groups = [], [], [], []
        for item in items:
            if isinstance(item, str):
                texts.append(item)
                langs.append(None)
                ids.append(None)
                groups.append(None)
            elif isinstance(item, Mapping):
                texts.append(_text(item.get("text"), len(texts)))
                langs.append(item.get("lang"))
                ids.append(item.get("id"))
                groups.append(item.get("doc"))
            elif hasattr(item, "text"):
                texts.append(item.text)
                langs.append(getattr(item, "lang", None))
                ids.append(getattr(item, "id", None))
                groups.append(getattr(item, "doc", None))
            else:
                raise ValueError(f"cannot read a passage from {type(item).__name__} {item!r}; "
                                 f"give texts, dicts with 'text', or a DataFrame.")
    langs = [_clean_lang(lang, i) for i, lang in enumerate(langs)]
    missing = [i for i, lang in enumerate(langs) if lang is None]
    if missing:
        found = _detect([texts[i] for i in missing])
        for i, lang in zip(missing, found, strict=True):
            langs[i] = lang
    return Inputs(texts, [str(x) for x in langs], [None if is_missing(i) else str(i) for i in ids],
                  [None if is_missing(g) else str(g) for g in groups])


def _clean_lang(value: Any, row: int) -> str | None:
    """A normalised language code, or ``None`` when the passage gives none (to be detected)."""
    if is_missing(value):
        return None
    try:
        return normalize_lang(str(value))
    except UnknownLanguageError as exc:
        raise ValueError(f"passage {row}: {exc}") from None


def label_matrix(y: Any, labels: Sequence[str]) -> np.ndarray:
    """Indicator matrix (n, len(labels)) from label lists or from an indicator array."""
    if hasattr(y, "columns") and "themes" in getattr(y, "columns", []):
        y = y["themes"].tolist()
    if isinstance(y, np.ndarray) and y.ndim == 2:
        if y.shape[1] != len(labels):
            raise ValueError(f"y has {y.shape[1]} columns; expected one per label "
                             f"({len(labels)}: {', '.join(labels)}).")
        return (y > 0).astype(np.int8)
    index = {label: j for j, label in enumerate(labels)}
    rows = list(y)
    out = np.zeros((len(rows), len(labels)), dtype=np.int8)
    for i, row in enumerate(rows):
        if hasattr(row, "themes"):
            row = row.themes
        if isinstance(row, str):
            row = [row]
        for label in row:
            if label not in index:
                raise ValueError(f"unknown label {label!r} in y[{i}]; known: {', '.join(labels)}.")
            out[i, index[label]] = 1
    return out


def tune_thresholds(scores: np.ndarray, Y: np.ndarray, *, default: float = 0.5,
                    min_positives: int = 3) -> np.ndarray:
    """Per-label threshold that maximises F1 on (out-of-fold) scores; ``default`` for rare labels."""
    grid = np.round(np.arange(0.05, 0.951, 0.025), 3)
    out = np.full(Y.shape[1], default, dtype=np.float64)
    for j in range(Y.shape[1]):
        pos = Y[:, j] == 1
        if pos.sum() < min_positives:
            continue
        best, best_t = -1.0, default
        for t in grid:
            pred = scores[:, j] >= t
            tp = float(np.sum(pred & pos))
            f1 = 2 * tp / (pred.sum() + pos.sum()) if (pred.sum() + pos.sum()) else 0.0
            if f1 > best + 1e-9:  # the lowest threshold among ties
                best, best_t = f1, float(t)
        out[j] = best_t
    return out


def decide_labels(scores: np.ndarray, thresholds: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """Indicator matrix from scores and per-label thresholds; a passage whose ``boilerplate``
    score reaches its threshold gets that label alone."""
    pred = (scores >= thresholds).astype(np.int8)
    bp = list(labels).index(BOILERPLATE)
    is_bp = pred[:, bp] == 1
    pred[is_bp] = 0
    pred[is_bp, bp] = 1
    return pred


@dataclass(frozen=True)
class ThemePrediction:
    """The coding of one passage.

    Attributes:
        id: the passage id, when the input had one.
        lang: language used to read the passage.
        boilerplate: the passage is page chrome (then ``themes`` is empty).
        themes: predicted theme ids, in codebook order.
        scores: score in [0, 1] per theme id (boilerplate included).
        evidence: per predicted theme (and boilerplate): ``cues`` matched (term, start, end),
            ``examples`` (nearest training passages) and ``features`` (strongest n-grams).
    """

    id: str | None
    lang: str
    boilerplate: bool
    themes: tuple[str, ...]
    scores: Mapping[str, float]
    evidence: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: MappingProxyType({}))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "lang": self.lang, "boilerplate": self.boilerplate,
                "themes": list(self.themes), "scores": dict(self.scores),
                "evidence": {k: dict(v) for k, v in self.evidence.items()}}


class ThemeClassifier(ClassifierMixin, BaseEstimator):
    """Base class of the theme classifiers (multi-label over the codebook's labels).

    Subclasses implement ``_fit_scores(inputs, Y)`` (learn), ``_scores(inputs)`` (an ``(n, k)``
    array in [0, 1]) and may implement ``_evidence(inputs, j_per_row)`` and the persistence hooks
    ``_state()`` / ``_set_state()``.

    Common parameters:
        codebook: a :class:`~alignment_nlp.codebook.Codebook`, a path to a codebook YAML, or
            ``None`` for the default codebook.
        threshold: ``"tune"`` (per label, maximising F1 on out-of-fold scores grouped by document)
            or a float in (0, 1) used for every label.
        cv: number of folds for threshold tuning.
    """

    #: registry name, set by :func:`~alignment_nlp.classify.register_classifier`.
    name: str = ""
    #: parameters that must be numbers > 0 (checked by :meth:`_check_params`).
    _positive_params: tuple[str, ...] = ()
    _needs_fit: bool = True
    #: set on the fold copies of :meth:`out_of_fold_scores`, which are scored and thrown away
    _scores_only: bool = False

    def __init__(self, codebook: Codebook | str | None = None, threshold: float | str = "tune",
                 cv: int = 3) -> None:
        self.codebook = codebook
        self.threshold = threshold
        self.cv = cv

    # ------------------------------------------------------------------ sklearn plumbing
    def __sklearn_tags__(self):  # noqa: ANN204
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.classifier_tags.multi_label = True
        tags.target_tags.two_d_labels = True
        tags.non_deterministic = False
        return tags

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "thresholds_") or not self._needs_fit

    def _codebook(self) -> Codebook:
        cb = self.codebook
        if cb is None:
            return default_codebook()
        if isinstance(cb, Codebook):
            return cb
        cache = self.__dict__.get("_codebook_cache")
        if cache is None or cache[0] != cb:  # a path: parse once per value of the parameter
            cache = (cb, load_codebook(cb))
            self.__dict__["_codebook_cache"] = cache
        return cache[1]

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels scored, in column order: theme ids then ``"boilerplate"``."""
        return self._codebook().labels

    def _check_params(self) -> None:
        t = self.threshold
        if not (t == "tune" or (isinstance(t, (int, float)) and not isinstance(t, bool)
                                and 0 < t < 1)):
            raise ValueError(f"The 'threshold' parameter of {type(self).__name__} must be 'tune' "
                             f"or a float in the range (0, 1). Got {t!r} instead.")
        if not isinstance(self.cv, int) or isinstance(self.cv, bool) or self.cv < 2:
            raise ValueError(f"The 'cv' parameter of {type(self).__name__} must be an int >= 2. "
                             f"Got {self.cv!r} instead.")
        for param in self._positive_params:
            value = getattr(self, param)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"The {param!r} parameter of {type(self).__name__} must be a "
                                 f"number > 0. Got {value!r} instead.")

    # ------------------------------------------------------------------ fit / predict
    def fit(self, X: Any, y: Any, groups: Sequence[str] | None = None) -> ThemeClassifier:
        """Learn from passages ``X`` and their labels ``y``; ``groups`` (document ids) keep a
        document inside one fold when thresholds are tuned (read from ``X`` when it has them)."""
        self._check_params()
        inputs = as_inputs(X)
        Y = label_matrix(y, self.labels)
        if len(inputs) != Y.shape[0]:
            raise ValueError(f"X has {len(inputs)} passages but y has {Y.shape[0]} rows.")
        if len(inputs) == 0:
            raise ValueError(f"{type(self).__name__} needs at least one passage to fit.")
        if groups is not None:
            inputs = Inputs(inputs.texts, inputs.langs, inputs.ids, list(groups))
        self.classes_ = np.array(self.labels)
        self._fit_scores(inputs, Y)
        if self.threshold == "tune" and len(inputs) >= 10 * self.cv:
            self.thresholds_ = tune_thresholds(self._tuning_scores(inputs, Y), Y)
        else:
            t = 0.5 if self.threshold == "tune" else float(self.threshold)
            self.thresholds_ = np.full(len(self.labels), t)
        return self

    def _tuning_scores(self, inputs: Inputs, Y: np.ndarray) -> np.ndarray:
        """Scores the thresholds are tuned on (out of fold; the ensemble reuses its own)."""
        return self.out_of_fold_scores(inputs, Y)

    def _folds(self, inputs: Inputs) -> list[tuple[np.ndarray, np.ndarray]]:
        """``cv`` folds grouped by document (by passage when there are too few documents)."""
        groups = [g if g is not None else f"__row{i}" for i, g in enumerate(inputs.groups)]
        if len(set(groups)) >= self.cv:
            return list(GroupKFold(n_splits=self.cv).split(np.zeros(len(inputs)), groups=groups))
        return list(KFold(n_splits=self.cv).split(np.zeros(len(inputs))))

    def out_of_fold_scores(self, X: Any, Y: np.ndarray) -> np.ndarray:
        """Scores of each passage from a copy fitted without its fold (grouped by document)."""
        inputs = as_inputs(X)
        scores = np.zeros(Y.shape, dtype=np.float64)
        for train_idx, test_idx in self._folds(inputs):
            part = clone(self).set_params(threshold=0.5)
            part.classes_ = np.array(self.labels)
            part._scores_only = True  # a fold copy only scores: it may skip its evidence state
            part._fit_scores(inputs.subset(train_idx), Y[train_idx])
            part.thresholds_ = np.full(len(self.labels), 0.5)
            scores[test_idx] = part._scores(inputs.subset(test_idx))
        return scores

    def predict_proba(self, X: Any) -> np.ndarray:
        """Score per passage and label, shape ``(n_passages, n_labels)``, in [0, 1]."""
        check_is_fitted(self)
        return self._scores(as_inputs(X))

    def decide(self, scores: np.ndarray) -> np.ndarray:
        """Indicator matrix from scores: per-label thresholds; boilerplate stands alone."""
        default = self.threshold if isinstance(self.threshold, (int, float)) else 0.5
        thresholds = getattr(self, "thresholds_", np.full(scores.shape[1], default))
        return decide_labels(scores, thresholds, self.labels)

    def predict(self, X: Any) -> np.ndarray:
        """Indicator matrix ``(n_passages, n_labels)`` over :attr:`classes_`."""
        return self.decide(self.predict_proba(X))

    def predict_labels(self, X: Any) -> list[tuple[str, ...]]:
        """Predicted labels per passage (``("boilerplate",)`` for chrome)."""
        labels = self.labels
        return [tuple(labels[j] for j in np.flatnonzero(row)) for row in self.predict(X)]

    def classify(self, X: Any, *, evidence: bool = True) -> list[ThemePrediction]:
        """Themes, scores and evidence per passage: what the ``classify`` command writes."""
        check_is_fitted(self)
        inputs = as_inputs(X)
        if not len(inputs):
            return []
        scores = self._scores(inputs)
        pred = self.decide(scores)
        labels = self.labels
        bp = self._boilerplate_index()
        chosen = [list(np.flatnonzero(row)) for row in pred]
        ev = self._evidence(inputs, chosen) if evidence else [{} for _ in chosen]
        out = []
        for i, cols in enumerate(chosen):
            themes = tuple(labels[j] for j in cols if j != bp)
            # evidence in the order of the themes, then anything else a classifier reports
            order = {t: k for k, t in enumerate(themes)}
            out.append(ThemePrediction(
                id=inputs.ids[i], lang=inputs.langs[i], boilerplate=bool(pred[i, bp]),
                themes=themes,
                scores=MappingProxyType({labels[j]: round(float(scores[i, j]), 4)
                                         for j in range(len(labels))}),
                evidence=MappingProxyType(dict(sorted(
                    ev[i].items(), key=lambda kv: order.get(kv[0], len(order))))),
            ))
        return out

    def _boilerplate_index(self) -> int:
        return self.labels.index(BOILERPLATE)

    # ------------------------------------------------------------------ subclass hooks
    def _fit_scores(self, inputs: Inputs, Y: np.ndarray) -> None:
        raise NotImplementedError

    def _scores(self, inputs: Inputs) -> np.ndarray:
        raise NotImplementedError

    def _evidence(self, inputs: Inputs, chosen: list[list[int]]) -> list[dict[str, dict]]:
        return [{} for _ in chosen]

    def _state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Learned state as JSON-able data plus numpy arrays (never pickled objects)."""
        return {}, {}

    def _set_state(self, state: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
        """Restore what :meth:`_state` returned."""
