"""Training and evaluating theme models from annotation files (what ``train`` and ``evaluate`` run)."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .annotations import Annotation, load_annotations
from .classify import ThemeClassifier, get_model, make_classifier, save_model
from .codebook import Codebook, load_codebook
from .evaluate import Evaluation, evaluate_model

__all__ = ["DEFAULT_CLASSIFIER", "train", "evaluate"]

logger = logging.getLogger(__name__)

#: The classifier ``train`` builds unless told otherwise: the combination that measured best on the
#: dev split (docs/benchmarks.md).
DEFAULT_CLASSIFIER = "ensemble"

PathLike = str | Path


def _as_list(paths: PathLike | Sequence[PathLike]) -> list[PathLike]:
    return [paths] if isinstance(paths, (str, Path)) else list(paths)


def _splits(splits: str | Iterable[str] | None) -> frozenset[str] | None:
    if splits is None:
        return None
    return frozenset([splits] if isinstance(splits, str) else splits)


def _annotations(data: Any, codebook: Codebook, splits: frozenset[str] | None
                 ) -> tuple[list[Annotation], list[str]]:
    """Annotations from files or from already loaded ones, filtered to ``splits``."""
    if not isinstance(data, (str, Path)) and data and all(isinstance(a, Annotation)
                                                         for a in data):
        return [a for a in data if splits is None or a.split in splits], ["<annotations>"]
    files = _as_list(data)
    return load_annotations(files, codebook, split=splits), [str(f) for f in files]


MIN_EXAMPLES = 10
"""Below this many training passages a label gets a warning (the default data has 15 or more per
theme and language)."""


def _require(annotations: list[Annotation], data: Any, codebook: Codebook,
             splits: frozenset[str] | None, sources: list[str], what: str) -> None:
    """Raise when no passage is left; after a split filter, say which splits the data has."""
    if annotations:
        return
    where = f"no {what} in {', '.join(sources)}"
    if not splits:
        raise ValueError(f"{where}: the data holds no passages.")
    everything, _ = _annotations(data, codebook, None)
    found = Counter(a.split or "none" for a in everything)
    held = ", ".join(f"{k}: {v}" for k, v in sorted(found.items())) or "no passages at all"
    raise ValueError(f"{where} for splits {sorted(splits)}; its {len(everything)} passages are in "
                     f"splits {held}. Choose one of those splits, or none to use every passage.")


def train(data: PathLike | Sequence[PathLike] | Sequence[Annotation], *,
          codebook: Codebook | PathLike | None = None, classifier: str = DEFAULT_CLASSIFIER,
          params: Mapping[str, Any] | None = None, splits: str | Iterable[str] | None = None,
          out: PathLike | None = None) -> ThemeClassifier:
    """Fit a theme classifier on annotated passages and optionally save it.

    Args:
        data: annotation files (JSON lines) or already loaded annotations.
        codebook: the codebook the labels belong to (a :class:`Codebook`, a YAML path, or ``None``
            for the default codebook).
        classifier: registered classifier name (``"ensemble"``, ``"lexical"``, ``"embedding"``,
            ``"finetuned"``, ``"cues"``).
        params: extra parameters of the classifier.
        splits: keep only lines of these splits (``["train", "dev"]``); ``None`` keeps all.
        out: folder to save the model to (without pickle).
    """
    cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    model = make_classifier(classifier, codebook=cb, **dict(params or {}))  # bad names fail first
    splits = _splits(splits)
    annotations, sources = _annotations(data, cb, splits)
    _require(annotations, data, cb, splits, sources, "annotated passages to train on")
    started = time.perf_counter()
    model.fit(annotations, [a.themes for a in annotations])
    seconds = time.perf_counter() - started
    logger.info("trained %s on %d passages in %.1f s", classifier, len(annotations), seconds)
    counts = Counter(t for a in annotations for t in a.themes)
    few = [f"{t} {counts[t]}" for t in cb.labels if counts[t] < MIN_EXAMPLES]
    if few:
        logger.warning("few training passages for %d of %d labels (%s): their scores and "
                       "thresholds are unreliable, and a tuned threshold may code almost every "
                       "passage. Code at least %d passages per label.", len(few), len(cb.labels),
                       ", ".join(few), MIN_EXAMPLES)
    if out is not None:
        save_model(model, out, metadata={
            "alignment_nlp": __version__, "classifier": classifier,
            "trained_on": sources, "splits": sorted(splits) if splits else None,
            "n_passages": len(annotations),
            "languages": dict(sorted(Counter(a.lang for a in annotations).items())),
            "fit_seconds": round(seconds, 1),
        })
    return model


def evaluate(gold: PathLike | Sequence[PathLike] | Sequence[Annotation], *,
             model: ThemeClassifier | PathLike | None = None,
             splits: str | Iterable[str] | None = None) -> Evaluation:
    """Compare a model's coding with gold annotations (per-label P/R/F1, alpha, kappa; per language).

    ``model`` is a fitted classifier, a model folder, or ``None`` for the default model. The gold
    labels are validated against the model's codebook.
    """
    fitted = model if isinstance(model, ThemeClassifier) else get_model(model)
    wanted, codebook = _splits(splits), fitted._codebook()
    annotations, sources = _annotations(gold, codebook, wanted)
    _require(annotations, gold, codebook, wanted, sources, "gold passages to evaluate on")
    return evaluate_model(fitted, annotations)
