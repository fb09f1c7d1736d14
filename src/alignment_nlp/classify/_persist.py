"""Saving and loading classifiers without pickle: ``model.json`` + ``arrays.npz`` + ``codebook.yaml``.

``model.json`` holds the classifier's registry name, its parameters, its learned state that is plain
data (vocabularies, example ids) and metadata about the training run; ``arrays.npz`` holds numpy
arrays and is read with ``allow_pickle=False``; ``codebook.yaml`` is the codebook the model was
trained with. Loading never executes code from the folder.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..codebook import Codebook, load_codebook
from ..errors import InputError, RegistryError
from ..output import atomic_write
from ._base import ThemeClassifier
from ._registry import get_classifier_class

__all__ = ["save_model", "load_model", "ModelError", "FORMAT"]

FORMAT = "alignment-nlp/theme-model"
FORMAT_VERSION = 1


class ModelError(InputError):
    """A model folder is missing, incomplete or not a model of this format."""


def _json_params(model: ThemeClassifier) -> dict[str, Any]:
    params = {}
    for key, value in model.get_params(deep=False).items():
        if key == "codebook":
            continue
        if isinstance(value, tuple):
            value = list(value)
        try:
            json.dumps(value)
        except TypeError:
            raise ValueError(f"the parameter {key!r} of {type(model).__name__} ({value!r}) is not "
                             f"plain JSON data, so the model cannot be saved without pickle."
                             ) from None
        params[key] = value
    return params


def member_state(model: ThemeClassifier) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The JSON config and arrays of one fitted classifier."""
    state, arrays = model._state()
    arrays = dict(arrays)
    arrays["thresholds"] = np.asarray(model.thresholds_, dtype=np.float64)
    return {"type": model.name, "params": _json_params(model), "state": state}, arrays


def member_from_state(cfg: Mapping[str, Any], arrays: Mapping[str, np.ndarray],
                      codebook: Codebook | str | None) -> ThemeClassifier:
    cls = get_classifier_class(cfg["type"])
    params = dict(cfg.get("params", {}))
    for key in ("members",):
        if isinstance(params.get(key), list):
            params[key] = tuple(params[key])
    model = cls(codebook=codebook, **params)
    model.classes_ = np.array(model.labels)
    model._set_state(cfg.get("state", {}), arrays)
    model.thresholds_ = np.asarray(arrays["thresholds"], dtype=np.float64)
    return model


def save_model(model: ThemeClassifier, path: str | Path,
               metadata: Mapping[str, Any] | None = None) -> Path:
    """Write a fitted classifier to the folder ``path`` (created; files replaced atomically).

    The model then names that folder as its source (``source_``), as a loaded model does, so
    the codings it makes record the folder and exports find its codebook there."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(model)
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    cfg, arrays = member_state(model)
    codebook = model._codebook()
    doc = {"format": FORMAT, "format_version": FORMAT_VERSION, **cfg,
           "labels": list(codebook.labels), "codebook": "codebook.yaml",
           "metadata": dict(metadata or {})}
    def write_arrays(tmp: str) -> None:
        with open(tmp, "wb") as fh:  # a handle, so numpy adds no ".npz" to the temporary name
            np.savez_compressed(fh, **arrays)

    # model.json last: a folder with a model.json is complete
    atomic_write(folder / "arrays.npz", write_arrays)
    texts = {"codebook.yaml": _codebook_yaml(codebook),
             "model.json": json.dumps(doc, ensure_ascii=False, indent=1)}
    for name, text in texts.items():
        atomic_write(folder / name, lambda tmp, t=text: Path(tmp).write_text(t, encoding="utf-8"))
    model.source_ = str(folder)
    return folder


def _codebook_yaml(codebook: Codebook) -> str:
    import yaml

    return yaml.safe_dump(codebook.to_dict(), allow_unicode=True, sort_keys=False, width=100)


def load_model(path: str | Path) -> ThemeClassifier:
    """Load a classifier saved by :func:`save_model` (no pickle; no code from the folder runs).

    Raises:
        ModelError: the folder is missing, lacks a file, or is not a model of this format.
    """
    folder = Path(path)
    meta_path = folder / "model.json"
    if folder.is_file():
        raise ModelError("is a file, not a model folder; give the folder that `alignment-nlp "
                         "train --out DIR` wrote (it holds model.json).", path=str(folder))
    if not folder.is_dir():
        raise ModelError("no such model folder; train one with `alignment-nlp train --out DIR` or "
                         "leave --model out to use the default model.", path=str(folder))
    if not meta_path.is_file():
        raise ModelError("not a model folder (model.json is missing); give a folder written by "
                         "`alignment-nlp train`.", path=str(folder))
    try:
        doc = json.loads(meta_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(f"not valid JSON ({exc.msg}).", path=str(meta_path), line=exc.lineno
                         ) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ModelError(f"not an alignment-nlp theme model (field 'format' is "
                         f"{doc.get('format') if isinstance(doc, dict) else None!r}, expected "
                         f"{FORMAT!r}).", path=str(meta_path), field="format")
    if doc.get("format_version", 0) > FORMAT_VERSION:
        raise ModelError(f"model format version {doc['format_version']} is newer than this "
                         f"alignment-nlp reads ({FORMAT_VERSION}); upgrade alignment-nlp.",
                         path=str(meta_path), field="format_version")
    codebook = load_codebook(folder / doc.get("codebook", "codebook.yaml"))
    try:
        with np.load(folder / "arrays.npz", allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except FileNotFoundError:
        raise ModelError("arrays.npz is missing from the model folder.", path=str(folder)) from None
    except ValueError as exc:
        raise ModelError(f"arrays.npz cannot be read without pickle ({exc}).",
                         path=str(folder / "arrays.npz")) from None
    if list(codebook.labels) != list(doc.get("labels", [])):
        raise ModelError("the model's labels do not match its codebook.yaml.",
                         path=str(meta_path), field="labels")
    try:
        model = member_from_state(doc, arrays, codebook)
    except RegistryError as exc:
        raise ModelError(str(exc), path=str(meta_path), field="type") from None
    except KeyError as exc:
        raise ModelError(f"the model is incomplete: {exc} is missing from model.json or "
                         f"arrays.npz.", path=str(folder)) from None
    except TypeError as exc:
        raise ModelError(f"the model's parameters do not fit its type ({exc}).",
                         path=str(meta_path), field="params") from None
    model.metadata_ = doc.get("metadata", {})
    model.source_ = str(folder)
    return model
