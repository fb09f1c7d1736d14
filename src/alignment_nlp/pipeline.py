"""The orchestrator: files -> documents, passages, sentences and manifest tables.

Each file is processed on its own by :func:`process_file` (a pure function of the file's bytes and
the options), so engines that run files in parallel, resume a run or distribute it can reuse it
unchanged. :func:`analyze` runs it over many paths and assembles the tables.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import chrome, langid
from .errors import AlignmentError, InputError, UnsupportedFormatError
from .ingest import Document, iter_input_files, read_document, reader_for
from .languages import normalize_lang
from .schema import empty_frame, to_frame
from .segment import Passage, segment, split_sentences

__all__ = ["AnalysisOptions", "FileResult", "AnalysisResult", "process_file", "analyze"]

logger = logging.getLogger(__name__)

_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class AnalysisOptions:
    """Options of a run.

    Attributes:
        candidates: languages the detector chooses among (``None``: the default set).
        context_strength: weight of the document's language as a prior for its passages, in (0, 1);
            0 switches the prior off.
        sentences: split passages into sentences (spaCy) and fill the sentences table.
        themes: code the passages with a theme model and fill the codings table.
        model: folder of the theme model (``None``: the default model in ``models/default``).
    """

    candidates: tuple[str, ...] | None = None
    context_strength: float = 0.6
    sentences: bool = True
    themes: bool = True
    model: str | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.context_strength < 1.0:
            raise ValueError(
                "The 'context_strength' parameter of AnalysisOptions must be a float in the range "
                f"[0, 1). Got {self.context_strength!r} instead."
            )
        if self.model is not None and not self.themes:
            raise ValueError("AnalysisOptions: 'model' and themes=False (--model and --no-themes) "
                             "exclude each other: without themes no model is read.")
        if self.candidates is not None:  # an unknown code fails here, not once per file
            object.__setattr__(self, "candidates",
                               tuple(dict.fromkeys(normalize_lang(c) for c in self.candidates)))


@dataclass
class FileResult:
    """Everything one input file contributes to the tables (rows as dicts)."""

    manifest: dict[str, Any]
    documents: list[dict[str, Any]] = field(default_factory=list)
    passages: list[dict[str, Any]] = field(default_factory=list)
    sentences: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class AnalysisResult:
    """The tables of a run as pandas DataFrames (schemas in :mod:`alignment_nlp.schema`)."""

    documents: Any
    passages: Any
    sentences: Any
    manifest: Any
    codings: Any = None

    def __post_init__(self) -> None:
        if self.codings is None:
            self.codings = empty_frame("codings")

    @property
    def failed(self) -> int:
        return int((self.manifest["status"] == "failed").sum())

    def summary(self) -> dict[str, Any]:
        """Counts for the end-of-run summary."""
        p = self.passages
        content = p[~p["boilerplate"].astype(bool)] if len(p) else p
        return {
            "files": len(self.manifest),
            "ok": int((self.manifest["status"] == "ok").sum()),
            "skipped": int((self.manifest["status"] == "skipped").sum()),
            "failed": self.failed,
            "documents": len(self.documents),
            "passages": len(p),
            "boilerplate": int(p["boilerplate"].sum()) if len(p) else 0,
            "duplicates": int(p["duplicate_of"].notna().sum()) if len(p) else 0,
            "languages": dict(Counter(content["lang"]).most_common()) if len(p) else {},
        }


def doc_id_for(path: str | os.PathLike[str], content_hash: str) -> str:
    """``<slug of the file stem>-<first 8 hex digits of the content hash>``."""
    stem = unicodedata.normalize("NFKD", Path(path).stem).encode("ascii", "ignore").decode()
    slug = _SLUG.sub("-", stem.lower()).strip("-")[:40] or "doc"
    return f"{slug}-{content_hash[:8]}"


def _languages_share(passages: Sequence[Passage], langs: Sequence[langid.LanguageResult]) -> str:
    weight: Counter[str] = Counter()
    for p, r in zip(passages, langs):
        weight[r.lang] += len(p.text)
    total = sum(weight.values()) or 1
    return ",".join(f"{k}:{v / total:.2f}" for k, v in weight.most_common())


def _detect(doc: Document, passages: Sequence[Passage], flags: Sequence[chrome.ChromeFlags],
            options: AnalysisOptions) -> tuple[langid.LanguageResult, list[langid.LanguageResult]]:
    detector = langid.get_detector(options.candidates)
    content = [p.text for p, f in zip(passages, flags) if f.reason is None]
    sample = "\n".join(content or [p.text for p in passages])[:20000]
    doc_lang = detector.detect(sample)
    prior = (langid.context_prior(doc_lang.lang, options.context_strength)
             if options.context_strength else None)
    # Page chrome is often in another language (an English WordPress footer under a Danish post):
    # only short chrome lines ("Datum: 05-06-2018", "Alle artikels") take the document's prior.
    with_prior = [i for i, (p, f) in enumerate(zip(passages, flags))
                  if f.reason is None or len(p.text.split()) <= 5]
    prior_set = set(with_prior)
    without = [i for i in range(len(passages)) if i not in prior_set]
    results: list[langid.LanguageResult | None] = [None] * len(passages)
    for idx, pri in ((with_prior, prior), (without, None)):
        if idx:
            for i, r in zip(idx, detector.detect_many([passages[i].text for i in idx], pri)):
                results[i] = r
    return doc_lang, [r for r in results if r is not None]


def process_file(path: str | os.PathLike[str], options: AnalysisOptions | None = None,
                 *, doc_id: str | None = None) -> FileResult:
    """Read, segment, flag chrome, detect languages and split sentences for one file.

    Never raises for a bad file: problems are reported in the manifest row (status ``skipped`` for
    an unknown suffix, ``failed`` otherwise) so a batch goes on.
    """
    options = options or AnalysisOptions()
    spath = str(path)
    row: dict[str, Any] = {"path": spath, "status": "ok", "error": None, "warnings": None,
                           "format": None, "doc_id": None, "content_hash": None, "n_bytes": None,
                           "n_passages": 0, "n_boilerplate": 0, "lang": None}
    if not Path(spath).exists():
        row.update(status="failed", error=f"{spath}: no such file or folder; check the path.")
        logger.warning("%s", row["error"])
        return FileResult(manifest=row)
    try:
        fmt, _ = reader_for(spath)
        row["format"] = fmt
    except UnsupportedFormatError as exc:
        row.update(status="skipped", error=str(exc))
        logger.warning("%s", exc)
        return FileResult(manifest=row)
    try:
        data = Path(spath).read_bytes()
    except OSError as exc:
        row.update(status="failed", error=f"{spath}: cannot read the file ({exc.strerror}).")
        return FileResult(manifest=row)
    digest = hashlib.sha256(data).hexdigest()
    row.update(content_hash=digest, n_bytes=len(data))
    doc_id = doc_id or doc_id_for(spath, digest)
    row["doc_id"] = doc_id
    try:
        doc = read_document(spath, data)
        return _analyse_document(doc, doc_id, digest, row, options)
    except InputError as exc:
        row.update(status="failed", error=str(exc))
        logger.warning("%s", exc)
    except AlignmentError as exc:
        row.update(status="failed", error=f"{spath}: {exc}")
        logger.warning("%s: %s", spath, exc)
    except Exception as exc:  # noqa: BLE001 - one bad file must not end the batch
        row.update(status="failed",
                   error=f"{spath}: unexpected {type(exc).__name__}: {exc}. Please report this "
                         "with the file if you can share it.")
        logger.exception("unexpected error on %s", spath)
    return FileResult(manifest=row)


def _analyse_document(doc: Document, doc_id: str, digest: str, row: dict[str, Any],
                      options: AnalysisOptions) -> FileResult:
    passages = segment(doc)
    flags = chrome.flag_chrome(passages)
    doc_lang, langs = _detect(doc, passages, flags, options)
    ids = [f"{doc_id}:{p.start}-{p.end}" for p in passages]
    passage_rows = []
    sentence_rows = []
    for i, (p, f, lr) in enumerate(zip(passages, flags, langs)):
        sentences = split_sentences(p.text, lr.lang) if options.sentences else []
        for k, s in enumerate(sentences):
            sentence_rows.append({
                "doc_id": doc_id, "passage_id": ids[i], "sentence_index": k,
                "start": p.start + s.start, "end": p.start + s.end,
                "text": p.text[s.start:s.end], "n_tokens": s.n_tokens,
            })
        passage_rows.append({
            "doc_id": doc_id, "passage_id": ids[i], "index": i, "text": p.text,
            "start": p.start, "end": p.end, "kind": p.kind, "speaker": p.speaker, "role": p.role,
            "timestamp": p.timestamp, "lang": lr.lang, "lang_confidence": round(lr.confidence, 4),
            "script": lr.script, "boilerplate": f.reason is not None,
            "boilerplate_reason": f.reason,
            "duplicate_of": ids[f.duplicate_of] if f.duplicate_of is not None else None,
            "n_sentences": len(sentences) if options.sentences else None,
            "n_tokens": sum(s.n_tokens for s in sentences) if options.sentences else None,
            "meta": json.dumps(p.meta, ensure_ascii=False, sort_keys=True, default=str)
            if p.meta else None,
        })
    n_boiler = sum(1 for f in flags if f.reason is not None)
    document_row = {
        "doc_id": doc_id, "path": doc.path, "format": doc.format, "lang": doc_lang.lang,
        "lang_confidence": round(doc_lang.confidence, 4), "script": doc_lang.script,
        "languages": _languages_share(passages, langs), "encoding": doc.encoding,
        "title": doc.meta.get("title"), "n_chars": len(doc.text), "n_passages": len(passages),
        "n_boilerplate": n_boiler, "content_hash": digest, "text": doc.text,
    }
    row.update(n_passages=len(passages), n_boilerplate=n_boiler, lang=doc_lang.lang,
               warnings="; ".join(doc.warnings) or None)
    if not passages:
        row.update(status="failed", error=f"{doc.path}: no passages found; the file holds no text.")
    return FileResult(manifest=row, documents=[document_row], passages=passage_rows,
                      sentences=sentence_rows)


def _rename_doc(result: FileResult, doc_id: str) -> None:
    """Give a file's rows another document id (and the passage ids built on it)."""
    old = result.manifest["doc_id"]
    result.manifest["doc_id"] = doc_id
    for row in (*result.documents, *result.passages, *result.sentences):
        row["doc_id"] = doc_id
        for key in ("passage_id", "duplicate_of"):
            if row.get(key):
                row[key] = doc_id + row[key][len(old):]


def analyze(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    options: AnalysisOptions | None = None,
    *,
    show_progress: bool | None = None,
    model: Any = None,
) -> AnalysisResult:
    """Analyse files and folders (recursively) and return the tables.

    >>> result = analyze(["corpora/da"])            # doctest: +SKIP
    >>> result.passages[["text", "kind", "lang", "boilerplate"]].head()  # doctest: +SKIP

    ``show_progress=None`` shows a progress bar only on a terminal (and in notebooks). ``model``
    (a fitted theme classifier) overrides ``options.model``.
    """
    from tqdm.auto import tqdm

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files = iter_input_files(paths)
    options = options or AnalysisOptions()
    if options.themes and model is None:  # a bad --model fails before the work, not after it
        from .classify import get_model

        model = get_model(options.model)
    seen_ids: Counter[str] = Counter()
    results: list[FileResult] = []
    disable = None if show_progress is None else not show_progress
    for path in tqdm(files, desc="analyze", unit="file", disable=disable):
        result = process_file(path, options)
        did = result.manifest.get("doc_id")
        if did is not None:
            seen_ids[did] += 1
            if seen_ids[did] > 1:  # same name and bytes twice: keep ids unique and stable
                _rename_doc(result, f"{did}-{seen_ids[did]}")
        results.append(result)
    passages = to_frame("passages", (p for r in results for p in r.passages))
    codings = empty_frame("codings")
    if options.themes and len(passages):
        from .classify import code_passages

        name = str(getattr(model, "source_", "") or type(model).__name__)
        themes, coding_rows = code_passages(model, passages, model_name=name)
        passages["themes"] = pd.Series(themes, dtype="string")
        codings = to_frame("codings", coding_rows)
    return AnalysisResult(
        documents=to_frame("documents", (d for r in results for d in r.documents)),
        passages=passages,
        sentences=to_frame("sentences", (s for r in results for s in r.sentences)),
        manifest=to_frame("manifest", (r.manifest for r in results)),
        codings=codings,
    )


class Pipeline:
    """A configured run, reusable across calls: options plus a loaded theme model.

    >>> pipe = Pipeline(AnalysisOptions(context_strength=0.5))          # doctest: +SKIP
    >>> result = pipe.analyze(["corpora/nl"])                           # doctest: +SKIP
    >>> pipe.code(["Wie betaalt de nieuwe klantapp?"])[0].themes        # doctest: +SKIP
    """

    def __init__(self, options: AnalysisOptions | None = None, *, model: Any = None) -> None:
        self.options = options or AnalysisOptions()
        self._model = model

    @property
    def model(self) -> Any:
        """The theme model (loaded on first use from ``options.model`` or the default)."""
        if self._model is None:
            from .classify import get_model

            self._model = get_model(self.options.model)
        return self._model

    def analyze(self, paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *,
                show_progress: bool | None = None) -> AnalysisResult:
        """:func:`analyze` with this pipeline's options and model."""
        model = self.model if self.options.themes else None
        return analyze(paths, self.options, show_progress=show_progress, model=model)

    def code(self, texts: Any) -> list[Any]:
        """Themes, scores and evidence for passages (texts, dicts or a DataFrame)."""
        return self.model.classify(texts)
