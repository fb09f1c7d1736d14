"""REFI-QDA exchange: coded passages out to NVivo, ATLAS.ti, MAXQDA, QualCoder; human coding back.

The REFI-QDA standard (QDA-XML 1.0) has two files:

- a **project** (``.qdpx``): a ZIP holding one ``project.qde`` (XML, namespace
  ``urn:QDA-XML:project:1.0``) and a ``sources/`` folder with the plain text of each document;
- a **codebook** (``.qdc``): the codes alone (namespace ``urn:QDA-XML:codebook:1.0``).

:func:`export_qdpx` writes an analysis (an :class:`~alignment_nlp.pipeline.AnalysisResult` or the
folder ``alignment-nlp analyze --out DIR`` wrote) as a project: the codebook as nested codes, each
document as a text source, each coded passage as a selection coded by the user ``alignment-nlp``
(scores and evidence in the selection's description), languages and speakers as variables and cases.
:func:`export_qdc` writes a codebook alone. :func:`import_qdpx` reads a project coded by people back
into our annotation format, one record per passage and coder::

    export_qdpx("results/", "coded.qdpx")
    records = import_qdpx("coded-by-team.qdpx", passages=result.passages)
    write_imported(records, "team.jsonl")

Positions are Unicode code points of the stored plain text, from 0, end exclusive (see
``docs/refi-qda.md`` for how imported text with CRLF line endings, a byte-order mark or non-NFC
characters is mapped onto our normalised text). XML is parsed with :mod:`defusedxml`; nothing in a
project file is executed, and nothing is extracted to disk.
"""

from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
import uuid
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pandas as pd

from . import __version__
from .codebook import (
    BOILERPLATE,
    Codebook,
    Theme,
    codebook_for_run,
    default_codebook,
    load_codebook,
)
from .errors import InputError, read_user_text
from .output import atomic_write, load_results
from .schema import is_missing

__all__ = [
    "CODEBOOK_NS",
    "PROJECT_NS",
    "QdpxError",
    "code_guid",
    "export_qdc",
    "export_qdpx",
    "import_qdpx",
    "load_mapping",
    "load_results",
    "write_imported",
]

logger = logging.getLogger(__name__)

#: XML namespace of a REFI-QDA project (``project.qde``).
PROJECT_NS = "urn:QDA-XML:project:1.0"
#: XML namespace of a REFI-QDA codebook (``.qdc``).
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

# Every GUID we write is a uuid5 in this namespace, so the same input gives the same file.
_GUID_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/alignment-nlp/refi-qda")
# 1980-01-01 is the earliest date a ZIP entry can carry; a fixed date keeps the bytes reproducible.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# A project member larger than this is refused (a guard against ZIP bombs).
_MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one source text or project.qde, unpacked
_MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024  # everything in the archive, unpacked
# Characters XML 1.0 cannot carry; removed from names and descriptions (never from source text).
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_VARIABLES = (
    ("language", "Language of the document (ISO 639-1), or of a speaker's turns for a case."),
    ("speaker", "Speaker label of interview turns, as written in the transcript."),
    ("role", "interviewer or respondent, where known."),
)


class QdpxError(InputError):
    """A REFI-QDA project or mapping file cannot be used. The message names the file (and the XML
    element and line where there is one) and says how to fix it."""


# --------------------------------------------------------------------------- small helpers


def _guid(*parts: object) -> str:
    return str(uuid.uuid5(_GUID_NS, "\x1f".join(str(p) for p in parts)))


def code_guid(codebook: Codebook, theme_id: str) -> str:
    """The GUID :func:`export_qdpx` and :func:`export_qdc` give a theme's code (stable per
    codebook id and theme id, so codes keep their identity across exports)."""
    return _guid("code", codebook.id, theme_id)


def _user_guid(user_name: str) -> str:
    return _guid("user", user_name)


def _clean(text: object) -> str:
    return _XML_ILLEGAL.sub("", str(text))


def _s(value: Any) -> str | None:
    """A table cell as a string, or ``None`` for null / NaN / empty."""
    if isinstance(value, str):
        return value or None
    return None if is_missing(value) else str(value)


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    try:
        if pd.isna(value):
            return False
    except (TypeError, ValueError):
        pass
    return bool(value)


def _norm_guid(value: str) -> str:
    return value.strip().strip("{}").lower()


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFC", name).casefold().replace("_", " ")
    return " ".join(text.split())


def _sub(parent: ET.Element, tag: str, attrs: Mapping[str, str] | None = None,
         text: str | None = None) -> ET.Element:
    elem = ET.SubElement(parent, tag, dict(attrs or {}))
    if text is not None:
        elem.text = _clean(text)
    return elem


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


# --------------------------------------------------------------------------- the tables


@dataclass
class _Tables:
    documents: pd.DataFrame
    passages: pd.DataFrame
    codings: pd.DataFrame
    source: str  # names the input in error messages


def _tables(result_or_dir: Any) -> _Tables:
    if isinstance(result_or_dir, (str, os.PathLike)):
        result = load_results(result_or_dir)
        source = str(result_or_dir)
    else:
        result = result_or_dir
        source = "<AnalysisResult>"
    for name in ("documents", "passages"):
        if not isinstance(getattr(result, name, None), pd.DataFrame):
            raise TypeError(
                "The 'result_or_dir' parameter of export_qdpx must be an AnalysisResult (with "
                f"DataFrames .documents, .passages, .codings) or a results folder. Got "
                f"{type(result_or_dir).__name__} instead.")
    codings = getattr(result, "codings", None)
    if not isinstance(codings, pd.DataFrame):
        from .schema import empty_frame

        codings = empty_frame("codings")
    needed = {"documents": ("doc_id", "text"),
              "passages": ("doc_id", "passage_id", "start", "end", "text"),
              "codings": ("passage_id", "theme")}
    frames = {"documents": result.documents, "passages": result.passages, "codings": codings}
    for name, cols in needed.items():
        missing = [c for c in cols if c not in frames[name].columns]
        if missing and not (name == "codings" and len(codings) == 0):
            raise InputError(f"the {name} table lacks the column(s) {', '.join(missing)}; give "
                             f"tables written by alignment-nlp analyze.", path=source,
                             field=name)
    return _Tables(result.documents, result.passages, codings, source)


def _resolve_codebook(codebook: Codebook | str | os.PathLike[str] | None,
                      codings: pd.DataFrame) -> Codebook:
    models = map(_s, codings["model"]) if len(codings) and "model" in codings.columns else []
    return codebook_for_run(codebook, models)


# --------------------------------------------------------------------------- export


def _codes_xml(parent: ET.Element, codebook: Codebook) -> None:
    """``<Codes>`` with the themes as nested ``<Code>`` (tree kept) and boilerplate last."""
    codes = _sub(parent, "Codes")
    by_parent: dict[str | None, list[Theme]] = {}
    for theme in codebook.themes:
        by_parent.setdefault(theme.parent, []).append(theme)

    def add(into: ET.Element, theme: Theme) -> None:
        elem = _sub(into, "Code", {"guid": code_guid(codebook, theme.id), "name": _clean(
            theme.label("en")), "isCodable": "true", "color": theme.color.upper()})
        _sub(elem, "Description", text=_code_description(theme))
        for child in by_parent.get(theme.id, []):
            add(elem, child)

    for root in by_parent.get(None, []):
        add(codes, root)
    add(codes, codebook.boilerplate)


def _code_description(theme: Theme) -> str:
    lines = [theme.description["en"]]
    if theme.include:
        lines.append(f"Include: {theme.include}")
    if theme.exclude:
        lines.append(f"Exclude: {theme.exclude}")
    others = [f"{lang} {name}" for lang, name in theme.name.items() if lang != "en"]
    if others:
        lines.append("Names: " + "; ".join(others))
    lines.append(f"alignment-nlp theme id: {theme.id}")
    return "\n".join(lines)


def _evidence_summary(raw: Any) -> str:
    try:
        ev = json.loads(raw) if isinstance(raw, str) else (raw or {})
    except (TypeError, ValueError):
        return ""
    if not isinstance(ev, dict):
        return ""
    parts = []
    cues = [c.get("text") or c.get("cue") for c in ev.get("cues") or [] if isinstance(c, dict)]
    if cues := [str(c) for c in cues if c]:
        parts.append("cues: " + ", ".join(dict.fromkeys(cues)))
    feats = [str(f) for f in ev.get("features") or [] if f]
    if feats:
        parts.append("n-grams: " + ", ".join(feats[:8]))
    examples = [e for e in ev.get("examples") or [] if isinstance(e, dict) and e.get("id")]
    if examples:
        parts.append("nearest examples: " + ", ".join(
            f"{e['id']} ({float(e['similarity']):.2f})" if isinstance(
                e.get("similarity"), (int, float)) else str(e["id"]) for e in examples[:3]))
    return "; ".join(parts)


def _variable_value(parent: ET.Element, variables: Mapping[str, str], name: str,
                    value: str) -> None:
    vv = _sub(parent, "VariableValue")
    _sub(vv, "VariableRef", {"targetGUID": variables[name]})
    _sub(vv, "TextValue", text=value)


def _build_project(tables: _Tables, codebook: Codebook, user_name: str, name: str
                   ) -> tuple[bytes, list[tuple[str, bytes]]]:
    user = _user_guid(user_name)
    labels = codebook.labels
    order = {t: i for i, t in enumerate(labels)}
    theme_by_id = {t: codebook[t] for t in labels}

    # Which passages are coded, and with what: the model's codings plus chrome-stage boilerplate.
    coded: dict[str, dict[str, dict[str, Any]]] = {}
    for row in tables.codings.to_dict("records"):
        pid, theme = _s(row.get("passage_id")), _s(row.get("theme"))
        if pid is None or theme is None:
            continue
        if theme not in order:
            raise QdpxError(
                f"the codings table codes passage {pid!r} with theme {theme!r}, which codebook "
                f"{codebook.id!r} does not have (themes: {', '.join(labels)}); pass the codebook "
                f"the model was trained with (codebook=..., or the model's codebook.yaml).",
                path=tables.source, field="codings.theme")
        coded.setdefault(pid, {})[theme] = row
    models = sorted({m for m in map(_s, tables.codings.get("model", pd.Series(dtype=str))) if m})

    root = ET.Element("Project", {
        "xmlns": PROJECT_NS, "name": _clean(name), "origin": f"alignment-nlp {__version__}",
        "creatingUserGUID": user})
    _sub(_sub(root, "Users"), "User", {"guid": user, "name": _clean(user_name)})
    _codes_xml(_sub(root, "CodeBook"), codebook)
    variables = {v: _guid("variable", v) for v, _ in _VARIABLES}

    doc_ids = [str(d) for d in tables.documents["doc_id"]]
    pids = [str(p) for p in tables.passages["passage_id"]]
    for ids, table in ((doc_ids, "documents.doc_id"), (pids, "passages.passage_id")):
        dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
        if dupes:
            raise QdpxError(f"ids must be unique, but {dupes[:3]} appear more than once; QDA tools "
                            f"reject projects with repeated GUIDs. Re-run alignment-nlp analyze.",
                            path=tables.source, field=table)
    passages_by_doc: dict[str, list[dict[str, Any]]] = {}
    for row in tables.passages.to_dict("records"):
        if is_missing(row.get("start")) or is_missing(row.get("end")):
            raise QdpxError(f"passage {row.get('passage_id')!r} has no start/end offsets; they are "
                            f"needed for its selection. Re-run alignment-nlp analyze.",
                            path=tables.source, field="passages.start")
        passages_by_doc.setdefault(str(row["doc_id"]), []).append(row)
    orphans = sorted(set(passages_by_doc) - set(doc_ids))
    if orphans:
        raise QdpxError(f"passages of documents that are not in the documents table: "
                        f"{orphans[:3]}; export the whole results folder.", path=tables.source,
                        field="passages.doc_id")

    sources_el = ET.Element("Sources")
    files: list[tuple[str, bytes]] = []
    cases: dict[tuple[str, str], dict[str, Any]] = {}
    for doc in tables.documents.to_dict("records"):
        doc_id, text = str(doc["doc_id"]), _s(doc.get("text")) or ""
        sguid = _guid("source", doc_id)
        src = _sub(sources_el, "TextSource", {
            "guid": sguid, "name": _clean(doc_id), "plainTextPath": f"internal://{sguid}.txt",
            "creatingUser": user})
        info = [f"{key}: {_s(doc.get(key))}" for key in ("path", "title", "format", "lang")
                if _s(doc.get(key))]
        _sub(src, "Description", text="\n".join([f"alignment-nlp document {doc_id}", *info]))
        files.append((f"sources/{sguid}.txt", text.encode("utf-8")))
        for p in sorted(passages_by_doc.get(doc_id, []), key=lambda r: int(r["start"])):
            pid = str(p["passage_id"])
            themes = dict(coded.get(pid, {}))
            if _flag(p.get("boilerplate")):
                themes.setdefault(BOILERPLATE, {})
            if not themes:
                continue
            start, end = int(p["start"]), int(p["end"])
            if text[start:end] != str(p["text"]):
                raise QdpxError(
                    f"passage {pid!r}: documents.text[{start}:{end}] is not the passage text, so "
                    f"its positions would point at the wrong text; re-run alignment-nlp analyze "
                    f"instead of editing the tables.", path=tables.source, field="passages.text")
            sel_guid = _guid("selection", user_name, pid)
            sel = _sub(src, "PlainTextSelection", {
                "guid": sel_guid, "name": _clean(pid), "startPosition": str(start),
                "endPosition": str(end), "creatingUser": user})
            _sub(sel, "Description", text=_selection_description(p, themes, theme_by_id, models))
            for theme in sorted(themes, key=order.__getitem__):
                coding = _sub(sel, "Coding", {"guid": _guid("coding", user_name, pid, theme),
                                              "creatingUser": user})
                _sub(coding, "CodeRef", {"targetGUID": code_guid(codebook, theme)})
            speaker = _s(p.get("speaker"))
            if speaker is not None:
                case = cases.setdefault((doc_id, speaker), {"selections": [], "roles": [],
                                                            "langs": []})
                case["selections"].append(sel_guid)
        lang = _s(doc.get("lang"))
        if lang is not None:
            _variable_value(src, variables, "language", lang)
    # Cases: one per speaker of each interview, with every turn's role and language.
    for doc_id, rows in passages_by_doc.items():
        for p in rows:
            speaker = _s(p.get("speaker"))
            if speaker is None:
                continue
            case = cases.setdefault((doc_id, speaker), {"selections": [], "roles": [],
                                                        "langs": []})
            case["roles"].append(_s(p.get("role")))
            case["langs"].append(_s(p.get("lang")))

    if variables:
        var_el = _sub(root, "Variables")
        for vname, desc in _VARIABLES:
            v = _sub(var_el, "Variable", {"guid": variables[vname], "name": vname,
                                          "typeOfVariable": "Text"})
            _sub(v, "Description", text=desc)
    if cases:
        cases_el = _sub(root, "Cases")
        for (doc_id, speaker), case in cases.items():
            c = _sub(cases_el, "Case", {"guid": _guid("case", doc_id, speaker),
                                        "name": _clean(f"{speaker} ({doc_id})")})
            role = _majority(case["roles"])
            lang = _majority([x for x in case["langs"] if x != "und"])
            _sub(c, "Description", text=f"Speaker {speaker!r} in document {doc_id}"
                                        + (f", {role}" if role else "") + ".")
            _variable_value(c, variables, "speaker", speaker)
            if role:
                _variable_value(c, variables, "role", role)
            if lang:
                _variable_value(c, variables, "language", lang)
            _sub(c, "SourceRef", {"targetGUID": _guid("source", doc_id)})
            for sel_guid in case["selections"]:
                _sub(c, "SelectionRef", {"targetGUID": sel_guid})
    if len(sources_el):
        root.append(sources_el)
    _sub(root, "Description", text="Passages coded by alignment-nlp"
         + (f" (model: {', '.join(models)})" if models else "")
         + f"; codebook {codebook.id!r} version {codebook.version}. Positions count Unicode code "
           "points of the stored plain text, from 0, end exclusive.")
    return _xml_bytes(root), files


def _majority(values: Sequence[str | None]) -> str | None:
    counts: dict[str, int] = {}
    for v in values:
        if v:
            counts[v] = counts.get(v, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else None


def _selection_description(passage: Mapping[str, Any], themes: Mapping[str, Mapping[str, Any]],
                           theme_by_id: Mapping[str, Theme], models: Sequence[str]) -> str:
    lines = ["Coded by alignment-nlp" + (f" (model: {', '.join(models)})" if models else "") + "."]
    order = list(theme_by_id)
    for theme in sorted(themes, key=order.index):
        row = themes[theme]
        label = f"{theme_by_id[theme].label('en')} ({theme})"
        score = row.get("score")
        if score is None or _s(score) is None:
            reason = _s(passage.get("boilerplate_reason"))
            lines.append(f"{label}: page chrome" + (f" ({reason})" if reason else "")
                         + ", flagged by the chrome stage")
            continue
        summary = _evidence_summary(row.get("evidence"))
        lines.append(f"{label}: score {float(score):.2f}" + (f"; {summary}" if summary else ""))
    about = [x for x in (_s(passage.get("lang")), _s(passage.get("kind"))) if x]
    speaker = _s(passage.get("speaker"))
    if speaker:
        role = _s(passage.get("role"))
        about.append(f"speaker {speaker}" + (f" ({role})" if role else ""))
    if about:
        lines.append("Passage: " + ", ".join(about))
    return "\n".join(lines)


def _write_zip(tmp: str, members: Sequence[tuple[str, bytes]]) -> None:
    with zipfile.ZipFile(tmp, "w") as zf:
        dirs = sorted({name.rsplit("/", 1)[0] + "/" for name, _ in members if "/" in name})
        for name, data in members[:1]:
            zf.writestr(_zip_info(name), data)
        for d in dirs:
            info = zipfile.ZipInfo(d, date_time=_ZIP_DATE)
            info.external_attr = (0o40755 << 16) | 0x10
            zf.writestr(info, b"")
        for name, data in members[1:]:
            zf.writestr(_zip_info(name), data)


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def export_qdpx(result_or_dir: Any, out_path: str | os.PathLike[str],
                codebook: Codebook | str | os.PathLike[str] | None = None, *,
                user_name: str = "alignment-nlp") -> Path:
    """Write an analysis as a REFI-QDA project (``.qdpx``) for NVivo, ATLAS.ti, MAXQDA, QualCoder.

    The ZIP holds ``project.qde`` and ``sources/<GUID>.txt`` (each document's stored text, UTF-8
    without byte-order mark, ``\\n`` line endings: exactly the text the positions count in). The
    project has the codebook as nested codes (plus a ``Boilerplate`` code), one text source per
    document (named by its ``doc_id``, with a ``language`` variable value), one selection per coded
    passage (start/end = the passage's offsets) with one coding per theme, all created by the user
    ``user_name``; scores and evidence are in each selection's description; one case per speaker
    of each interview (variables ``speaker``, ``role``, ``language``). GUIDs are derived from the
    ids (uuid5) and ZIP dates are fixed, so the same input gives the same bytes.

    Args:
        result_or_dir: an :class:`~alignment_nlp.pipeline.AnalysisResult`, or a results folder
            (``documents``, ``passages``, ``codings`` as Parquet or CSV).
        out_path: the ``.qdpx`` file to write (replaced atomically if it exists).
        codebook: the codebook the themes belong to (a :class:`Codebook` or a YAML path);
            ``None``: the codebook of the model named in the codings table, else the default.
        user_name: the name of the coding user, which tells machine codings from human ones.

    Returns:
        The path written.

    Raises:
        QdpxError: a coded theme is not in the codebook, or a passage's offsets do not slice its
            text out of its document.
        InputError: a results folder without the documents or passages table.
    """
    if not isinstance(user_name, str) or not user_name.strip():
        raise ValueError(f"The 'user_name' parameter of export_qdpx must be a non-empty string. "
                         f"Got {user_name!r} instead.")
    tables = _tables(result_or_dir)
    cb = _resolve_codebook(codebook, tables.codings)
    out = Path(out_path)
    project, sources = _build_project(tables, cb, user_name, out.stem or "alignment-nlp")
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, lambda tmp: _write_zip(tmp, [("project.qde", project), *sources]))
    logger.info("wrote %s: %d documents, codebook %s", out, len(sources), cb.id)
    return out


def export_qdc(codebook: Codebook | str | os.PathLike[str] | None,
               out_path: str | os.PathLike[str]) -> Path:
    """Write a codebook alone as a REFI-QDA codebook (``.qdc``, ``Codebook.xsd``).

    Codes are nested as the themes are, named by their English name, with colour and description
    (English description, include/exclude notes, the names in the other languages and the theme id);
    ``Boilerplate`` is the last top-level code. The GUIDs equal those :func:`export_qdpx` writes.

    Args:
        codebook: a :class:`Codebook`, a codebook YAML path, or ``None`` for the default codebook.
        out_path: the ``.qdc`` file to write (replaced atomically if it exists).

    Returns:
        The path written.
    """
    cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": f"alignment-nlp {__version__}"})
    _codes_xml(root, cb)
    data = _xml_bytes(root)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, lambda tmp: Path(tmp).write_bytes(data))
    return out


# --------------------------------------------------------------------------- reading a project


class _LineTreeBuilder(ET.TreeBuilder):
    """A tree builder that remembers the line each element starts on."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.expat: Any = None

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:  # type: ignore[override]
        elem = super().start(tag, attrs)
        if self.expat is not None:
            self.lines[id(elem)] = self.expat.CurrentLineNumber
        return elem


@dataclass
class _Xml:
    root: ET.Element
    lines: dict[int, int]
    name: str  # "archive.qdpx!project.qde" for messages

    def line(self, elem: ET.Element) -> int | None:
        return self.lines.get(id(elem))


def _parse_xml(data: bytes, name: str) -> _Xml:
    try:
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import DefusedXMLParser
    except ImportError:  # pragma: no cover - a declared dependency
        raise ImportError("reading REFI-QDA files needs defusedxml: pip install defusedxml"
                          ) from None
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder)
    builder.expat = getattr(parser, "parser", None)
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as exc:
        line, col = getattr(exc, "position", (None, None))
        raise QdpxError(f"not well-formed XML ({exc.msg if hasattr(exc, 'msg') else exc}, column "
                        f"{col}); the file is damaged or not a REFI-QDA project. Export it again "
                        f"from the QDA tool.", path=name, line=line) from None
    except DefusedXmlException as exc:
        raise QdpxError(f"the XML declares entities or external references ({exc}), which are "
                        f"refused for safety; export the project again without them.",
                        path=name) from None
    return _Xml(root, builder.lines, name)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(elem: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in elem if _local(c.tag) == name]


def _child(elem: ET.Element, name: str) -> ET.Element | None:
    found = _children(elem, name)
    return found[0] if found else None


@dataclass
class _Code:
    guid: str
    name: str
    path: str  # "Parent / Child"
    line: int | None


@dataclass
class _Selection:
    start: int  # in the tool's stored text
    end: int
    code: str  # code GUID
    coder: str | None  # user GUID
    line: int | None
    name: str = ""  # the selection's name; many tools write the selected text there
    span: tuple[int, int] = (0, 0)  # start, end in the normalised text
    inherited: bool = False  # the coding has no creatingUser of its own
    lang: str | None = None  # the passage language our exporter wrote into the description


@dataclass
class _Source:
    guid: str
    name: str
    line: int | None
    raw: str | None = None
    text: str = ""
    offsets: list[int] = field(default_factory=list)
    language: str | None = None
    selections: list[_Selection] = field(default_factory=list)
    where: str = ""  # why raw is None
    bom: bool = False  # the stored file began with a byte-order mark (not part of raw)


@dataclass
class _Project:
    path: str
    qde: str
    users: dict[str, str]  # guid -> name
    codes: dict[str, _Code]
    sources: list[_Source]
    project_user: str | None


def _open_archive(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise QdpxError("no such file; give a .qdpx project exported from a QDA tool.",
                        path=str(path))
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise QdpxError("not a ZIP archive, so not a .qdpx project. In your QDA tool choose "
                        "'Export > REFI-QDA project (.qdpx)'; a .qdc file holds only a codebook.",
                        path=str(path)) from None
    total = sum(i.file_size for i in zf.infolist())
    if total > _MAX_ARCHIVE_BYTES:
        zf.close()
        raise QdpxError(f"the archive unpacks to {total} bytes, more than the "
                        f"{_MAX_ARCHIVE_BYTES} allowed; is it really a REFI-QDA project?",
                        path=str(path))
    return zf


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    if info.file_size > _MAX_MEMBER_BYTES:
        raise QdpxError(f"the member {info.filename!r} unpacks to {info.file_size} bytes, more "
                        f"than the {_MAX_MEMBER_BYTES} allowed.", path=str(path))
    try:
        return zf.read(info)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        raise QdpxError(f"cannot read {info.filename!r} from the archive ({exc}); export the "
                        f"project again.", path=str(path)) from None


def _find_qde(zf: zipfile.ZipFile, path: Path) -> zipfile.ZipInfo:
    infos = [i for i in zf.infolist() if not i.is_dir()]
    qdes = [i for i in infos if i.filename.lower().endswith(".qde")]
    exact = [i for i in qdes if i.filename.lower() == "project.qde"]
    if exact:
        return exact[0]
    top = [i for i in qdes if "/" not in i.filename.strip("/")]
    if len(top) == 1 or (not top and len(qdes) == 1):
        return (top or qdes)[0]
    if not qdes:
        names = ", ".join(i.filename for i in infos[:10]) or "nothing"
        raise QdpxError(f"no project.qde (or other .qde file) inside the archive (it holds "
                        f"{names}); this is not a REFI-QDA project. Export one with your QDA "
                        f"tool's 'REFI-QDA project' export.", path=str(path))
    raise QdpxError(f"several .qde files and none named project.qde: "
                    f"{', '.join(i.filename for i in qdes)}; keep one project per .qdpx.",
                    path=str(path))


def _decode_source(data: bytes) -> tuple[str, bool]:
    """The text of a source file and whether it began with a byte-order mark (dropped)."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                     (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc), True
    return data.decode("utf-8"), False


def _source_member(zf: zipfile.ZipFile, target: str) -> zipfile.ZipInfo | None:
    by_name = {i.filename: i for i in zf.infolist() if not i.is_dir()}
    for candidate in (f"sources/{target}", f"Sources/{target}", target):
        if candidate in by_name:
            return by_name[candidate]
    lowered = target.lower()
    for name, info in by_name.items():  # some tools vary the folder's case or nest it
        if name.lower().endswith("/" + lowered) or name.lower() == lowered:
            return info
    return None


def _int_attr(elem: ET.Element, name: str, xml: _Xml) -> int:
    raw = elem.get(name)
    try:
        return int(str(raw).strip())
    except ValueError:
        raise QdpxError(f"<{_local(elem.tag)}> has {name}={raw!r}; expected a whole number of "
                        f"characters.", path=xml.name, line=xml.line(elem), field=name) from None


def _read_project(path: str | os.PathLike[str]) -> _Project:
    p = Path(path)
    with _open_archive(p) as zf:
        qde = _find_qde(zf, p)
        xml = _parse_xml(_read_member(zf, qde, p), f"{p}!{qde.filename}")
        root = xml.root
        if _local(root.tag) != "Project":
            raise QdpxError(f"the root element is <{_local(root.tag)}>, not <Project>; this is not "
                            f"a REFI-QDA project file.", path=xml.name, line=xml.line(root))
        users: dict[str, str] = {}
        for users_el in _children(root, "Users"):
            for u in _children(users_el, "User"):
                if u.get("guid"):
                    users[_norm_guid(u.get("guid", ""))] = (u.get("name") or u.get("id")
                                                            or u.get("guid", ""))
        codes: dict[str, _Code] = {}

        def walk(parent: ET.Element, prefix: str) -> None:
            for c in _children(parent, "Code"):
                guid = c.get("guid")
                name = c.get("name") or ""
                if not guid:
                    raise QdpxError(f"<Code name={name!r}> has no guid.", path=xml.name,
                                    line=xml.line(c), field="guid")
                full = f"{prefix} / {name}" if prefix else name
                codes[_norm_guid(guid)] = _Code(_norm_guid(guid), name, full, xml.line(c))
                walk(c, full)

        for cb in _children(root, "CodeBook"):
            for codes_el in _children(cb, "Codes"):
                try:
                    walk(codes_el, "")
                except RecursionError:
                    raise QdpxError("the codes are nested too deeply to be a codebook; export the "
                                    "project again.", path=xml.name,
                                    line=xml.line(codes_el)) from None
        language_vars = {_norm_guid(v.get("guid", "")) for vs in _children(root, "Variables")
                         for v in _children(vs, "Variable")
                         if (v.get("name") or "").strip().lower() in {"language", "lang"}}
        sources: list[_Source] = []
        skipped = 0
        for sources_el in _children(root, "Sources"):
            for src_el in sources_el:
                if _local(src_el.tag) != "TextSource":
                    skipped += 1
                    continue
                sources.append(_read_source(src_el, xml, zf, p, language_vars))
        if skipped:
            logger.warning("%s: %d non-text sources (PDF, picture, audio, video) skipped; only "
                           "text sources are imported.", xml.name, skipped)
        project_user = root.get("creatingUserGUID")
        return _Project(str(p), xml.name, users, codes, sources,
                        _norm_guid(project_user) if project_user else None)


def _read_source(src_el: ET.Element, xml: _Xml, zf: zipfile.ZipFile, path: Path,
                 language_vars: set[str]) -> _Source:
    guid = src_el.get("guid") or ""
    src = _Source(_norm_guid(guid), src_el.get("name") or guid, xml.line(src_el))
    content = _child(src_el, "PlainTextContent")
    text_path = src_el.get("plainTextPath")
    if content is not None:
        src.raw = content.text or ""
    elif text_path:
        if text_path.startswith("internal://"):
            target = text_path[len("internal://"):]
            info = _source_member(zf, target)
            if info is None:
                src.where = f"plainTextPath={text_path!r} names a file the archive does not hold"
            else:
                try:
                    src.raw, src.bom = _decode_source(_read_member(zf, info, path))
                except UnicodeDecodeError:
                    raise QdpxError(f"the text of source {src.name!r} ({info.filename}) is not "
                                    f"UTF-8; REFI-QDA sources are UTF-8 text. Export it again.",
                                    path=xml.name, line=src.line) from None
        else:
            src.where = (f"plainTextPath={text_path!r} points outside the project; export it "
                         f"with the sources embedded (internal://)")
    else:
        src.where = "it has neither PlainTextContent nor plainTextPath"
    creator = src_el.get("creatingUser")
    for sel in _children(src_el, "PlainTextSelection"):
        start, end = _int_attr(sel, "startPosition", xml), _int_attr(sel, "endPosition", xml)
        sel_user = sel.get("creatingUser") or creator
        for coding in _children(sel, "Coding"):
            found = _coding(coding, start, end, sel_user, xml, xml.line(sel))
            found.name = sel.get("name") or ""
            found.lang = _exported_lang(_child(sel, "Description"))
            src.selections.append(found)
    for coding in _children(src_el, "Coding"):  # the whole source coded
        src.selections.append(_coding(coding, 0, -1, creator, xml, xml.line(coding)))
    for vv in _children(src_el, "VariableValue"):
        ref = _child(vv, "VariableRef")
        value = _child(vv, "TextValue")
        if ref is not None and _norm_guid(ref.get("targetGUID", "")) in language_vars:
            if value is not None and value.text and value.text.strip():
                src.language = value.text.strip()
    if src.raw is not None:
        src.text, src.offsets = _normalise_with_offsets(src.raw)
        n = len(src.raw)
        for s in src.selections:
            if s.end == -1:
                s.end = n
            if not 0 <= s.start <= s.end <= n + src.bom:
                raise QdpxError(
                    f"selection {s.start}-{s.end} in source {src.name!r} lies outside its text of "
                    f"{n} characters; positions must be code points from 0, end exclusive.",
                    path=xml.name, line=s.line, field="startPosition")
        _place_selections(src, xml.name)
    return src


def _place_selections(src: _Source, where: str) -> None:
    """Carry every selection's positions onto the normalised text.

    Positions count code points of the text as the tool stored it (after any byte-order mark of
    the file): that is the standard, and the default. Some tools count on other text: the text
    with ``\n`` line endings while the file has CRLF, or the byte-order mark as a character.
    When the stored text differs in one of these ways and the selections carry their text as
    ``name`` (QualCoder, ATLAS.ti and others do), the convention whose slices match those names
    best is used, and a warning says so.
    """
    n, text, offsets = len(src.raw or ""), src.text, src.offsets

    def stored(a: int, b: int) -> tuple[int, int]:
        return offsets[min(a, n)], offsets[min(b, n)]

    conventions: dict[str, Any] = {"as stored": stored}
    if len(text) != n or text != src.raw:
        conventions["on text with \\n line endings"] = lambda a, b: (min(a, len(text)),
                                                                      min(b, len(text)))
    if src.bom:
        conventions["with the byte-order mark counted"] = lambda a, b: stored(max(a - 1, 0),
                                                                              max(b - 1, 0))
    chosen = "as stored"
    named = [s for s in src.selections if len(s.name.strip()) >= 4]
    if len(conventions) > 1 and named:
        scores = {key: sum(_quotes(text[slice(*f(s.start, s.end))], s.name) for s in named)
                  for key, f in conventions.items()}
        best = max(scores, key=lambda k: (scores[k], k == "as stored"))
        if scores[best] > scores["as stored"] and scores[best] * 2 >= len(named):
            chosen = best
            logger.warning("%s: source %r counts positions %s (%d of %d selection names match "
                           "that way, %d as stored); using that.", where, src.name, best,
                           scores[best], len(named), scores["as stored"])
    place = conventions[chosen]
    for s in src.selections:
        s.span = place(s.start, s.end)


def _comparable(text: str) -> str:
    # XML turns line breaks and tabs inside attribute values into spaces: compare that way.
    return re.sub(r"\s", " ", unicodedata.normalize("NFC", text.replace("\r\n", "\n")))


def _quotes(selected: str, name: str) -> bool:
    """``name`` is ``selected``, or its start: tools shorten long names (often with an ellipsis)."""
    want, got = _comparable(name), _comparable(selected)
    if want.endswith(("…", "...")):
        head = want.rstrip(".…")
        return len(head) >= 3 and got.startswith(head)
    return got == want or (len(want) >= 30 and got.startswith(want))


_PASSAGE_LANG = re.compile(r"^Passage: ([a-z]{2,3})\b", re.MULTILINE)


def _exported_lang(description: ET.Element | None) -> str | None:
    """The passage language in a selection description that alignment-nlp wrote, else ``None``."""
    text = description.text if description is not None else None
    if not text or not text.startswith("Coded by alignment-nlp"):
        return None
    m = _PASSAGE_LANG.search(text)
    return m.group(1) if m else None


def _coding(coding: ET.Element, start: int, end: int, user: str | None, xml: _Xml,
            line: int | None) -> _Selection:
    ref = _child(coding, "CodeRef")
    target = ref.get("targetGUID") if ref is not None else None
    if not target:
        raise QdpxError("<Coding> without <CodeRef targetGUID>; every coding must name its code.",
                        path=xml.name, line=xml.line(coding), field="CodeRef")
    who = coding.get("creatingUser") or user
    return _Selection(start, end, _norm_guid(target), _norm_guid(who) if who else None, line,
                      inherited=not coding.get("creatingUser"))


# Hangul vowel/trailing jamo (ccc 0) compose with what precedes them under NFC.
_COMPOSES_BACKWARDS = re.compile("[\u1161-\u11c2]")


def _normalise_with_offsets(raw: str) -> tuple[str, list[int]]:
    """Normalise text as our readers do (``\\r\\n``, ``\\r`` and U+2028 -> ``\\n``, leading
    byte-order marks dropped, NFC) and map every position of ``raw`` (0..len) onto the result."""
    out: list[str] = []
    pos = [0] * (len(raw) + 1)
    i, n = 0, len(raw)
    while i < n and raw[i] == "\ufeff":
        i += 1
    while i < n:
        c = raw[i]
        pos[i] = len(out)
        if c == "\r" and i + 1 < n and raw[i + 1] == "\n":
            pos[i + 1] = len(out)
            out.append("\n")
            i += 2
            continue
        out.append("\n" if c in "\r\u2028" else c)
        i += 1
    pos[n] = len(out)
    text = "".join(out)
    if unicodedata.is_normalized("NFC", text):
        return text, pos
    # NFC changes lengths: normalise cluster by cluster (a starter and its combining marks).
    starts = [k for k, ch in enumerate(text) if k == 0 or (
        unicodedata.combining(ch) == 0 and not _COMPOSES_BACKWARDS.match(ch))]
    starts.append(len(text))
    mapped = [0] * (len(text) + 1)
    pieces: list[str] = []
    length = 0
    for a, b in zip(starts, starts[1:], strict=False):
        piece = unicodedata.normalize("NFC", text[a:b])
        for k in range(a, b):
            mapped[k] = length + (min(k - a, len(piece)) if k > a else 0)
        pieces.append(piece)
        length += len(piece)
    mapped[len(text)] = length
    nfc = "".join(pieces)
    if nfc != unicodedata.normalize("NFC", text):  # pragma: no cover - exotic scripts
        logger.warning("NFC across character clusters; positions near them may shift by one")
        nfc = unicodedata.normalize("NFC", text)
    return nfc, [mapped[k] for k in pos]


# --------------------------------------------------------------------------- mapping codes


def load_mapping(path: str | os.PathLike[str]) -> dict[str, str | None]:
    """Read a code mapping file: YAML or JSON, ``{code name or GUID: theme id}``.

    A value of ``null`` (``~``) skips the code. Example::

        Vertrauensfrage: trust
        "Budget & money": budget
        Memo-Code: null

    Raises:
        QdpxError: the file is missing, not YAML/JSON, or not a flat mapping of strings (naming
            the line).
    """
    import yaml

    p = Path(path)
    text = read_user_text(p, QdpxError, "a YAML or JSON mapping {code name or GUID: theme id}",
                          "the mapping")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise QdpxError(f"not valid YAML or JSON ({getattr(exc, 'problem', exc)}).", path=str(p),
                        line=mark.line + 1 if mark else None) from None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise QdpxError("expected a mapping {code name or GUID: theme id}, e.g. "
                        "`Vertrauen: trust`.", path=str(p), line=node.start_mark.line + 1)
    out: dict[str, str | None] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode) or not isinstance(value_node, yaml.ScalarNode):
            raise QdpxError("expected `code name: theme id` (a string on each side).", path=str(p),
                            line=line)
        key = str(key_node.value)
        value = yaml.SafeLoader("").construct_object(value_node)  # type: ignore[arg-type]
        if value is not None and not isinstance(value, str):
            raise QdpxError(f"the theme id for code {key!r} must be a string or null; got "
                            f"{value!r}.", path=str(p), line=line, field=key)
        if key in out:
            raise QdpxError(f"code {key!r} is mapped twice.", path=str(p), line=line, field=key)
        out[key] = value
    return out


def _map_codes(project: _Project, used: set[str], codebook: Codebook,
               mapping: Mapping[str, str | None] | None) -> dict[str, str | None]:
    """Code GUID -> theme id (``None``: skip) for every code the codings use."""
    labels = codebook.labels
    mapping = dict(mapping or {})
    for key, value in mapping.items():
        if value is not None and value not in labels:
            raise QdpxError(f"the mapping sends code {key!r} to {value!r}, which is not a theme id "
                            f"of codebook {codebook.id!r}; valid: {', '.join(labels)} (or null to "
                            f"skip the code).", path=project.path, field="mapping")
    by_guid = {_norm_guid(k): v for k, v in mapping.items()}
    by_name = {k: v for k, v in mapping.items()}
    by_folded = {_fold(k): v for k, v in mapping.items()}
    ours = {code_guid(codebook, t): t for t in labels}
    names: dict[str, set[str]] = {}
    for theme in (*codebook.themes, codebook.boilerplate):
        for key in (theme.id, *theme.name.values()):
            names.setdefault(_fold(key), set()).add(theme.id)
    result: dict[str, str | None] = {}
    unmapped: list[str] = []
    for guid in sorted(used):
        code = project.codes.get(guid)
        if code is None:
            raise QdpxError(f"a coding refers to code {guid!r}, which the project's <CodeBook> "
                            f"does not define; the project is incomplete. Export it again.",
                            path=project.qde, line=next((s.line for src in project.sources
                                                         for s in src.selections
                                                         if s.code == guid), None),
                            field="CodeRef")
        for table, key in ((by_guid, guid), (by_name, code.name), (by_name, code.path),
                           (by_folded, _fold(code.name)), (by_folded, _fold(code.path))):
            if key in table:
                result[guid] = table[key]
                break
        else:
            if guid in ours:
                result[guid] = ours[guid]
            elif len(names.get(_fold(code.name), ())) == 1:
                result[guid] = next(iter(names[_fold(code.name)]))
            else:
                unmapped.append(code.path + (" (ambiguous: " + ", ".join(sorted(names[_fold(
                    code.name)])) + ")" if len(names.get(_fold(code.name), ())) > 1 else ""))
    if unmapped:
        listed = ", ".join(repr(u) for u in unmapped)
        first, example = unmapped[0].split(" (ambiguous")[0].rsplit(" / ", 1)[-1], labels[0]
        raise QdpxError(
            f"{len(unmapped)} code(s) used in the project match no theme of codebook "
            f"{codebook.id!r}: {listed}. Codes map by theme id or by a theme name in any language "
            f"(case-insensitive). Map the others with a mapping {{code name or GUID: theme id}}: "
            f"import_qdpx(..., mapping={{{first!r}: {example!r}}}), or on the command line "
            f"--mapping FILE with lines like `{first}: {example}` (null skips a code). "
            f"Theme ids: {', '.join(labels)}.",
            path=project.path, field="CodeBook")
    return result


# --------------------------------------------------------------------------- import


def _coder_names(project: _Project, coders: Iterable[str | None]) -> dict[str | None, str]:
    names: dict[str | None, str] = {}
    taken: dict[str, int] = {}
    for guid in coders:
        if guid in names:
            continue
        name = project.users.get(guid or "") or guid or "unknown"
        names[guid] = name
        taken[name] = taken.get(name, 0) + 1
    for guid, name in list(names.items()):
        if taken[name] > 1 and guid:
            names[guid] = f"{name} ({guid[:8]})"
    return names


def _check_passages(passages: Any) -> pd.DataFrame:
    if not isinstance(passages, pd.DataFrame):
        raise TypeError(f"The 'passages' parameter of import_qdpx must be a pandas DataFrame like "
                        f"the passages table. Got {type(passages).__name__} instead.")
    missing = [c for c in ("doc_id", "start", "end", "text") if c not in passages.columns]
    if missing:
        raise ValueError(f"The 'passages' parameter of import_qdpx must have the columns doc_id, "
                         f"start, end and text. Missing: {', '.join(missing)}.")
    return passages


def _lang(value: Any) -> str | None:
    lang = _s(value)
    return None if lang in (None, "und") else lang


def _match_sources(project: _Project, coded: list[_Source], passages: pd.DataFrame
                   ) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """Source GUID -> (doc_id, passage rows sorted by start) for every coded source."""
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for row in passages.to_dict("records"):
        by_doc.setdefault(str(row["doc_id"]), []).append(row)
    for rows in by_doc.values():
        rows.sort(key=lambda r: int(r["start"]))

    def fits(src: _Source, rows: list[dict[str, Any]]) -> bool:
        return all(src.text[int(r["start"]):int(r["end"])] == str(r["text"]) for r in rows)

    out: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    unmatched: list[_Source] = []
    for src in coded:
        if src.name in by_doc:
            if not fits(src, by_doc[src.name]):
                raise QdpxError(
                    f"source {src.name!r} has a text that differs from the stored text of document "
                    f"{src.name!r}, so its positions cannot be mapped onto the passages (was the "
                    f"text edited in the QDA tool?). Import without passages=... to take each "
                    f"selection as its own passage.", path=project.qde, line=src.line)
            out[src.guid] = (src.name, by_doc[src.name])
        else:
            unmatched.append(src)
    taken = {doc for doc, _ in out.values()}
    missing = []
    for src in unmatched:
        found = [d for d in by_doc if d not in taken and fits(src, by_doc[d])]
        if found:
            out[src.guid] = (found[0], by_doc[found[0]])
            taken.add(found[0])
        else:
            missing.append(src.name)
    if missing:
        raise QdpxError(
            f"{len(missing)} coded source(s) match no document of the passages table: "
            f"{', '.join(map(repr, missing))}. A source matches a document by name (its doc_id) or "
            f"by text (every passage's text at its offsets). Pass the passages of those documents, "
            f"or import without passages=... to take each selection as its own passage.",
            path=project.qde)
    return out


def import_qdpx(path: str | os.PathLike[str], codebook: Codebook | str | os.PathLike[str] |
                None = None, *, mapping: Mapping[str, str | None] | None = None,
                passages: pd.DataFrame | None = None, uncoded: bool = False
                ) -> list[dict[str, Any]]:
    """Read a coded REFI-QDA project into our annotation format, one record per passage and coder.

    Each record is ``{"id", "text", "lang", "themes", "doc", "coder"}`` (``lang`` is ``None`` when
    unknown; :func:`~alignment_nlp.annotations.load_annotations` detects it). ``coder`` is the name
    of the user who made the codings (``creatingUser`` of the coding, else of its selection, else of
    its source); codings by ``alignment-nlp`` keep that name.

    Codes map to theme ids in this order: ``mapping`` (keys are code GUIDs or names, exact then
    case-insensitive; a ``None`` value skips the code), the GUIDs :func:`export_qdpx` writes, then
    a theme id or a theme name in any language, case-insensitive. Positions count code points of
    the text as the tool stored it (after a byte-order mark of the file) and are carried over onto
    our normalised text (NFC, ``\\n`` line endings, no byte-order mark). When the selections carry
    their text as ``name`` and it shows that the tool counted otherwise (on ``\\n`` text although
    the file has CRLF, or the byte-order mark as a character), that count is used, with a warning.

    Args:
        path: the ``.qdpx`` file (the inner project file may be ``project.qde`` or named after the
            project; source text in ``sources/`` or inline as ``PlainTextContent``).
        codebook: the codebook to map codes onto (``None``: the default codebook).
        mapping: ``{code name or GUID: theme id or None}`` for codes that do not match by name.
        passages: a passages table (``doc_id``, ``start``, ``end``, ``text``; ``passage_id``,
            ``lang`` used when present). Given, a source is matched to a document by name or text
            and every passage that a coder's selections with one code (joined where they touch
            or overlap) cover for more than half of its length gets that code. Not given, each
            selected span is its own passage, with id ``<source name>:<start>-<end>``
            (positions in the normalised text).
        uncoded: with ``passages``, also return the passages a coder left without any code in
            the documents they coded (``themes == []``), as needed to compare coders.

    Returns:
        Records ordered by coder, then source and position; themes in codebook order.

    Raises:
        QdpxError: not a ZIP, no ``.qde`` inside, invalid XML, a selection outside its text, a
            source whose text is not in the archive, codes that match no theme (listed, with how
            to pass a mapping), or sources that match no document of ``passages``.
    """
    cb = codebook if isinstance(codebook, Codebook) else (
        load_codebook(codebook) if codebook is not None else default_codebook())
    if passages is not None:
        passages = _check_passages(passages)
    project = _read_project(path)
    coded = [s for s in project.sources if s.selections]
    for src in coded:
        if src.raw is None:
            raise QdpxError(f"source {src.name!r} is coded but its text cannot be read: "
                            f"{src.where}.", path=project.qde, line=src.line)
    used = {s.code for src in coded for s in src.selections}
    code_map = _map_codes(project, used, cb, mapping)
    order = {t: i for i, t in enumerate(cb.labels)}
    machine = {g for g, name in project.users.items() if _norm_guid(_user_guid(name)) == g}
    unattributed = 0
    for src in coded:
        for sel in src.selections:
            if sel.coder is None:
                sel.coder = project.project_user
                sel.inherited = True
            # our exporter names the user on every coding it writes, so a coding that only
            # inherits our user (from its selection, source or project) was added by someone else
            if sel.inherited and sel.coder in machine:
                sel.coder = None
                unattributed += 1
    if unattributed:
        logger.warning("%s: %d codings name no user and sit on alignment-nlp's selections; they are "
                       "kept apart as an unknown coder", path, unattributed)
    present = {s.coder for src in coded for s in src.selections}
    coder_order: list[str | None] = [g for g in project.users if g in present]
    coder_order += sorted(g for g in present if g is not None and g not in project.users)
    coder_order += [None] if None in present else []
    names = _coder_names(project, coder_order)
    records: list[dict[str, Any]] = []
    if passages is None:
        doc_names: dict[str, str] = {}
        seen: dict[str, int] = {}
        for src in coded:
            seen[src.name] = seen.get(src.name, 0) + 1
            k = seen[src.name]
            doc_names[src.guid] = src.name if k == 1 else f"{src.name}-{k}"
        for coder in coder_order:
            for src in coded:
                spans: dict[tuple[int, int], set[str]] = {}
                span_lang: dict[tuple[int, int], str] = {}
                for sel in src.selections:
                    theme = code_map[sel.code]
                    if sel.coder != coder or theme is None:
                        continue
                    span = sel.span
                    if span[1] > span[0]:  # an empty selection codes nothing
                        spans.setdefault(span, set()).add(theme)
                        if sel.lang:
                            span_lang[span] = sel.lang
                for (start, end), themes in sorted(spans.items()):
                    records.append({
                        "id": f"{doc_names[src.guid]}:{start}-{end}",
                        "text": src.text[start:end],
                        "lang": _lang(span_lang.get((start, end)) or src.language),
                        "themes": sorted(themes, key=order.__getitem__),
                        "doc": doc_names[src.guid], "coder": names[coder]})
    else:
        matched = _match_sources(project, coded, passages)
        for coder in coder_order:
            for src in coded:
                doc_id, rows = matched[src.guid]
                intervals: dict[str, list[tuple[int, int]]] = {}
                mine = [s for s in src.selections if s.coder == coder]
                for sel in mine:
                    theme = code_map[sel.code]
                    if theme is not None:
                        intervals.setdefault(theme, []).append(sel.span)
                if not mine:
                    continue
                merged = {t: _merge(spans) for t, spans in intervals.items()}
                for r in rows:
                    start, end = int(r["start"]), int(r["end"])
                    themes = [t for t, spans in merged.items()
                              if end > start and _overlap(spans, start, end) * 2 > end - start]
                    if not themes and not uncoded:
                        continue
                    pid = _s(r.get("passage_id")) or f"{doc_id}:{start}-{end}"
                    records.append({
                        "id": pid, "text": str(r["text"]), "lang": _lang(r.get("lang")),
                        "themes": sorted(themes, key=order.__getitem__), "doc": doc_id,
                        "coder": names[coder]})
    for rec in records:
        if BOILERPLATE in rec["themes"] and len(rec["themes"]) > 1:
            logger.warning("%s: passage %s is coded boilerplate and a theme by %s; the annotation "
                           "format wants boilerplate alone.", project.path, rec["id"], rec["coder"])
    logger.info("%s: %d records from %d coder(s)", project.path, len(records), len(coder_order))
    return records


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _overlap(spans: list[tuple[int, int]], start: int, end: int) -> int:
    return sum(max(0, min(b, end) - max(a, start)) for a, b in spans)


def _write_text(target: Path, data: str) -> None:
    atomic_write(target, lambda tmp: Path(tmp).write_text(data, encoding="utf-8", newline="\n"))


def write_imported(records: Sequence[Mapping[str, Any]], out_path: str | os.PathLike[str]
                   ) -> list[Path]:
    """Write :func:`import_qdpx` records as annotation JSON lines; return the files written.

    One coder: ``out_path``. Several coders: one file per coder, ``<stem>.<coder>.jsonl`` next to
    ``out_path`` (records of different coders share passage ids, and
    :func:`~alignment_nlp.annotations.load_annotations` refuses an id twice in the files it reads
    together). ``lang`` is left out when unknown. Files are written atomically.
    """
    out = Path(out_path)
    by_coder: dict[str, list[Mapping[str, Any]]] = {}
    for rec in records:
        by_coder.setdefault(str(rec.get("coder")), []).append(rec)
    targets: dict[str, Path] = {}
    if len(by_coder) <= 1:
        targets = {c: out for c in by_coder} or {"": out}
    else:
        used: set[str] = set()
        for coder in by_coder:
            slug = re.sub(r"[^\w.-]+", "-", coder.lower(), flags=re.UNICODE).strip("-") or "coder"
            base, n = slug, 2
            while slug in used:  # "Anna" and "anna" must not overwrite each other's file
                slug, n = f"{base}-{n}", n + 1
            used.add(slug)
            targets[coder] = out.with_name(f"{out.stem}.{slug}{out.suffix or '.jsonl'}")
    out.parent.mkdir(parents=True, exist_ok=True)
    for coder, target in targets.items():
        lines = []
        for rec in by_coder.get(coder, []):
            obj = {k: rec[k] for k in ("id", "text", "lang", "themes", "doc", "coder")
                   if rec.get(k) is not None}
            lines.append(json.dumps(obj, ensure_ascii=False) + "\n")
        _write_text(target, "".join(lines))
    return list(targets.values())
