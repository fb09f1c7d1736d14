"""Coded passages on disk: the JSON-lines annotation format, validated against a codebook.

One JSON object per line::

    {"id": "nl-0001", "text": "...", "lang": "nl", "themes": ["budget", "silos"]}

``id``, ``text`` and ``themes`` are required; ``lang`` is detected when missing; ``doc`` (the document
the passage comes from), ``genre``, ``split`` (train/dev/test) and ``coder`` are kept when present.
``themes`` lists codebook ids; ``["boilerplate"]`` stands alone; ``[]`` means no theme. Every problem
names the file, the line and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .codebook import BOILERPLATE, Codebook, default_codebook
from .errors import InputError, UnknownLanguageError
from .langid import detect_language
from .languages import normalize_lang

__all__ = ["Annotation", "AnnotationError", "SPLITS", "load_annotations", "annotations_frame",
           "read_passages", "parse_annotation",
           "write_annotations"]

SPLITS = ("train", "dev", "test")


class AnnotationError(InputError):
    """An annotation line is not valid. The message names the file, line and field."""


@dataclass(frozen=True)
class Annotation:
    """One coded passage.

    Attributes:
        id: unique passage id within the file set.
        text: the passage text.
        lang: ISO 639-1 code (detected when the line gives none).
        themes: codebook ids, in codebook order; ``("boilerplate",)`` for chrome; ``()`` for none.
        doc: id of the source document (keeps a document in one split), or ``None``.
        genre: free text (``"news"``, ``"interview"``), or ``None``.
        split: ``"train"``, ``"dev"`` or ``"test"``, or ``None``.
        coder: who coded it, or ``None``.
    """

    id: str
    text: str
    lang: str
    themes: tuple[str, ...]
    doc: str | None = None
    genre: str | None = None
    split: str | None = None
    coder: str | None = None

    @property
    def boilerplate(self) -> bool:
        return self.themes == (BOILERPLATE,)


def _opt_str(obj: dict, key: str, path: str, line: int) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise AnnotationError(f"expected a string; got {value!r}.", path=path, line=line, field=key)
    return value


def parse_annotation(obj: object, codebook: Codebook, *, path: str = "<data>", line: int = 0,
                     require_themes: bool = True) -> Annotation:
    """Validate one decoded JSON object (see the module docstring for the format)."""
    if not isinstance(obj, dict):
        raise AnnotationError(f"expected a JSON object; got {type(obj).__name__}.",
                              path=path, line=line)
    pid = obj.get("id")
    if isinstance(pid, int) and not isinstance(pid, bool):
        pid = str(pid)
    if not isinstance(pid, str) or not pid.strip():
        raise AnnotationError(f"expected a non-empty string id; got {pid!r}.", path=path,
                              line=line, field="id")
    text = obj.get("text")
    if not isinstance(text, str):
        raise AnnotationError(f"expected the passage text as a string; got {text!r}.",
                              path=path, line=line, field="text")
    themes_raw = obj.get("themes")
    if themes_raw is None and not require_themes:
        themes_raw = []
    if not isinstance(themes_raw, list) or not all(isinstance(t, str) for t in themes_raw):
        raise AnnotationError(f"expected a list of theme ids, e.g. [\"budget\"] or []; got "
                              f"{themes_raw!r}.", path=path, line=line, field="themes")
    valid = set(codebook.labels)
    for t in themes_raw:
        if t not in valid:
            raise AnnotationError(f"unknown theme {t!r}; codebook {codebook.id!r} has: "
                                  f"{', '.join(codebook.labels)}.", path=path, line=line,
                                  field="themes")
    if BOILERPLATE in themes_raw and len(set(themes_raw)) > 1:
        raise AnnotationError(f"'boilerplate' stands alone; got {themes_raw!r}. Drop the themes "
                              f"or the boilerplate label.", path=path, line=line, field="themes")
    order = {t: i for i, t in enumerate(codebook.labels)}
    themes = tuple(sorted(set(themes_raw), key=order.__getitem__))
    lang_raw = obj.get("lang")
    if lang_raw is None or lang_raw == "":
        lang = detect_language(text).lang
    elif isinstance(lang_raw, str):
        try:
            lang = normalize_lang(lang_raw)
        except UnknownLanguageError as exc:
            raise AnnotationError(str(exc), path=path, line=line, field="lang") from None
    else:
        raise AnnotationError(f"expected a language code string; got {lang_raw!r}.",
                              path=path, line=line, field="lang")
    split = _opt_str(obj, "split", path, line)
    if split is not None and split not in SPLITS:
        raise AnnotationError(f"expected one of {', '.join(SPLITS)}; got {split!r}.", path=path,
                              line=line, field="split")
    return Annotation(id=pid, text=text, lang=lang, themes=themes,
                      doc=_opt_str(obj, "doc", path, line),
                      genre=_opt_str(obj, "genre", path, line), split=split,
                      coder=_opt_str(obj, "coder", path, line))


def load_annotations(paths: str | Path | Sequence[str | Path], codebook: Codebook | None = None,
                     *, split: str | Iterable[str] | None = None,
                     require_themes: bool = True) -> list[Annotation]:
    """Read and validate annotation files (JSON lines), in file and line order.

    Args:
        paths: one file or several (directories are read for ``*.jsonl``).
        codebook: the codebook the theme ids must belong to (default codebook when ``None``).
        split: keep only these splits (``"train"`` or ``["train", "dev"]``).
        require_themes: when ``False`` a line without ``themes`` is read as uncoded (``()``),
            as ``classify`` input is.

    Raises:
        AnnotationError: the first bad line, naming the file, the line and the field; also for an
            id that appears twice.
    """
    codebook = codebook or default_codebook()
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.glob("*.jsonl")) if p.is_dir() else [p])
    keep = {split} if isinstance(split, str) else (set(split) if split is not None else None)
    out: list[Annotation] = []
    seen: dict[str, tuple[str, int]] = {}
    for f in files:
        try:
            handle = f.open(encoding="utf-8-sig")
        except FileNotFoundError:
            raise AnnotationError("no such file; give a JSON-lines annotation file.",
                                  path=str(f)) from None
        with handle:
            for n, raw in enumerate(handle, 1):
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise AnnotationError(f"not valid JSON ({exc.msg} at column {exc.colno}); "
                                          f"each line must be one JSON object.",
                                          path=str(f), line=n) from None
                ann = parse_annotation(obj, codebook, path=str(f), line=n,
                                       require_themes=require_themes)
                if ann.id in seen:
                    first = seen[ann.id]
                    raise AnnotationError(f"duplicate id {ann.id!r} (first at {first[0]} line "
                                          f"{first[1]}); ids must be unique.", path=str(f),
                                          line=n, field="id")
                seen[ann.id] = (str(f), n)
                if keep is None or ann.split in keep:
                    out.append(ann)
    return out


def annotations_frame(annotations: Iterable[Annotation]) -> pd.DataFrame:
    """Annotations as a tidy DataFrame (one row per passage, ``themes`` as a list column)."""
    rows = [{"id": a.id, "text": a.text, "lang": a.lang, "themes": list(a.themes), "doc": a.doc,
             "genre": a.genre, "split": a.split, "coder": a.coder} for a in annotations]
    return pd.DataFrame(rows, columns=["id", "text", "lang", "themes", "doc", "genre", "split",
                                       "coder"])


def write_annotations(annotations: Iterable[Annotation], path: str | Path) -> None:
    """Write annotations as JSON lines (``None`` fields left out)."""
    with Path(path).open("w", encoding="utf-8") as fh:
        for a in annotations:
            obj = {"id": a.id, "text": a.text, "lang": a.lang, "themes": list(a.themes)}
            for key in ("doc", "genre", "split", "coder"):
                value = getattr(a, key)
                if value is not None:
                    obj[key] = value
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")


def read_passages(path: str | Path) -> list[dict[str, str | None]]:
    """Passages to classify from JSON lines: each object needs ``"id"`` and ``"text"``; ``"lang"``
    is used when present; other fields are ignored. Errors name the file, line and field."""
    out: list[dict[str, str | None]] = []
    seen: dict[str, int] = {}
    p = Path(path)
    try:
        handle = p.open(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AnnotationError("no such file; give a JSON-lines file of {\"id\", \"text\"} objects.",
                              path=str(p)) from None
    with handle:
        for n, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise AnnotationError(f"not valid JSON ({exc.msg} at column {exc.colno}); each "
                                      f"line must be one JSON object.", path=str(p), line=n
                                      ) from None
            if not isinstance(obj, dict):
                raise AnnotationError(f"expected a JSON object; got {type(obj).__name__}.",
                                      path=str(p), line=n)
            pid = obj.get("id")
            if isinstance(pid, int) and not isinstance(pid, bool):
                pid = str(pid)
            if not isinstance(pid, str) or not pid:
                raise AnnotationError(f"expected a non-empty string id; got {pid!r}.",
                                      path=str(p), line=n, field="id")
            if pid in seen:
                raise AnnotationError(f"duplicate id {pid!r} (first on line {seen[pid]}).",
                                      path=str(p), line=n, field="id")
            seen[pid] = n
            text = obj.get("text")
            if not isinstance(text, str):
                raise AnnotationError(f"expected the passage text as a string; got {text!r}.",
                                      path=str(p), line=n, field="text")
            lang = obj.get("lang")
            if lang is not None:
                try:
                    lang = normalize_lang(str(lang))
                except UnknownLanguageError as exc:
                    raise AnnotationError(str(exc), path=str(p), line=n, field="lang") from None
            out.append({"id": pid, "text": text, "lang": lang})
    return out
