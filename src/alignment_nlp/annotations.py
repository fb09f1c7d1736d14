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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .codebook import BOILERPLATE, Codebook, default_codebook
from .errors import InputError, UnknownLanguageError
from .ingest._decode import json_objects
from .langid import detect_language
from .languages import UNDETERMINED, normalize_lang

__all__ = ["Annotation", "AnnotationError", "SPLITS", "load_annotations", "annotations_frame",
           "read_passages", "parse_annotation", "iter_jsonl", "iter_text_lines", "read_id",
           "read_lang", "read_themes", "write_annotations"]

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


def iter_text_lines(path: str | Path, what: str = "a text file") -> Iterator[tuple[int, str]]:
    """``(line number, text)`` for every line of a UTF-8 file (a BOM is dropped; line ends kept).

    Raises:
        AnnotationError: the file is missing, or a line is not UTF-8 (file, line and byte named).
    """
    p = Path(path)
    try:
        handle = p.open("rb")  # decoded line by line, so a bad byte is reported on its own line
    except FileNotFoundError:
        raise AnnotationError(f"no such file; give {what}.", path=str(p)) from None
    with handle:
        for n, data in enumerate(handle, 1):
            try:
                yield n, data.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise AnnotationError(f"not UTF-8 text (byte {exc.start + 1} of the line, "
                                      f"{data[exc.start]:#04x}, cannot be decoded); save {what} "
                                      f"as UTF-8.", path=str(p), line=n) from None


def iter_jsonl(path: str | Path, what: str = "a JSON-lines file") -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` for every non-blank line of a JSON-lines file.

    Raises:
        AnnotationError: the file is missing or not UTF-8, a line is not valid JSON, or not a JSON
            object.
    """
    return json_objects(iter_text_lines(path, what), str(path), AnnotationError)


def read_id(obj: dict, path: str, line: int) -> str:
    """The ``id`` field as a non-empty string (integers accepted)."""
    pid = obj.get("id")
    if isinstance(pid, int) and not isinstance(pid, bool):
        pid = str(pid)
    if not isinstance(pid, str) or not pid.strip():
        raise AnnotationError(f"expected a non-empty string id; got {pid!r}.", path=path,
                              line=line, field="id")
    return pid


def read_lang(obj: dict, path: str, line: int) -> str | None:
    """The ``lang`` field normalised (``"NL-be"`` -> ``"nl"``; ``"und"`` kept), or ``None`` when
    absent/empty."""
    lang = obj.get("lang")
    if lang is None or lang == "":
        return None
    if not isinstance(lang, str):
        raise AnnotationError(f"expected a language code string; got {lang!r}.", path=path,
                              line=line, field="lang")
    if lang.strip().lower() == UNDETERMINED:  # classify's answer for text too short to tell
        return UNDETERMINED
    try:
        return normalize_lang(lang)
    except UnknownLanguageError as exc:
        raise AnnotationError(str(exc), path=path, line=line, field="lang") from None


def read_themes(obj: dict, codebook: Codebook, path: str, line: int,
                required: bool = True) -> tuple[str, ...]:
    """The ``themes`` field validated against ``codebook``, in codebook order; a ``"boilerplate":
    true`` field (``classify`` output) reads as ``("boilerplate",)``."""
    themes_raw = obj.get("themes")
    if themes_raw is None and not required:
        themes_raw = []
    if not isinstance(themes_raw, list) or not all(isinstance(t, str) for t in themes_raw):
        raise AnnotationError(f"expected a list of theme ids, e.g. [\"budget\"] or []; got "
                              f"{themes_raw!r}.", path=path, line=line, field="themes")
    if obj.get("boilerplate") is True and BOILERPLATE not in themes_raw:
        themes_raw = [BOILERPLATE]
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
    return tuple(sorted(set(themes_raw), key=order.__getitem__))


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
    pid = read_id(obj, path, line)
    text = obj.get("text")
    if not isinstance(text, str):
        raise AnnotationError(f"expected the passage text as a string; got {text!r}.",
                              path=path, line=line, field="text")
    themes = read_themes(obj, codebook, path, line, required=require_themes)
    lang = read_lang(obj, path, line) or detect_language(text).lang
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
        for n, obj in iter_jsonl(f, "a JSON-lines annotation file"):
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
    is used when present; other fields are ignored. Errors name the file, line and field; a file
    with no passage is an error too."""
    out: list[dict[str, str | None]] = []
    seen: dict[str, int] = {}
    for n, obj in iter_jsonl(path, 'a JSON-lines file of {"id", "text"} objects'):
        pid = read_id(obj, str(path), n)
        if pid in seen:
            raise AnnotationError(f"duplicate id {pid!r} (first on line {seen[pid]}).",
                                  path=str(path), line=n, field="id")
        seen[pid] = n
        text = obj.get("text")
        if not isinstance(text, str):
            raise AnnotationError(f"expected the passage text as a string; got {text!r}.",
                                  path=str(path), line=n, field="text")
        out.append({"id": pid, "text": text, "lang": read_lang(obj, str(path), n)})
    if not out:
        raise AnnotationError('holds no passages; give one {"id": ..., "text": ...} object per '
                              'line.', path=str(path))
    return out
