"""The report stage: a run's tables as one self-contained HTML file.

The file opens offline in any current browser: its styles, its script and its data are inline (no
fonts, scripts or images from elsewhere; a Content-Security-Policy forbids every load), and the
charts are SVG drawn by the inline script. It shows the run's figures, theme prevalence by
language, theme co-occurrence, a map of the themes along every document and a searchable,
filterable passage browser with the evidence cues marked in the text::

    from alignment_nlp.report import write_report

    write_report(result, "report.html")          # an AnalysisResult
    write_report("out/", "report.html")          # a folder written by ``alignment-nlp analyze``

The same tables (and codebook) always give the same bytes. The data the page draws from is
:func:`report_data`, embedded as JSON in a ``<script type="application/json">`` element.
"""

from __future__ import annotations

import html
import json
import logging
import math
import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from . import __version__
from .codebook import BOILERPLATE, Codebook, codebook_for_run
from .output import atomic_write, load_results
from .pipeline import AnalysisResult
from .schema import is_missing

__all__ = ["load_results", "report_data", "render_report", "write_report"]

logger = logging.getLogger(__name__)

#: Colours for themes in the data that the codebook does not know.
_FALLBACK = ("#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd")
_EXAMPLE_CHARS = 300


# --------------------------------------------------------------------------- loading


def _resolve_codebook(codebook: Codebook | str | os.PathLike[str] | None,
                      result: AnalysisResult) -> Codebook:
    """The given codebook; else the one saved with the model that coded the run; else default."""
    return codebook_for_run(codebook, _column(result.codings, "model"))


# --------------------------------------------------------------------------- data


def _na(value: Any) -> Any:
    """``None`` for pandas/numpy missing values, plain Python values otherwise."""
    if value is None or (not isinstance(value, str) and is_missing(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _column(frame: Any, name: str) -> list[Any]:
    if frame is None or name not in getattr(frame, "columns", ()):
        return [None] * (0 if frame is None else len(frame))
    return [_na(v) for v in frame[name].tolist()]


def _records(frame: Any, names: Sequence[str]) -> list[dict[str, Any]]:
    cols = {n: _column(frame, n) for n in names}
    return [{n: cols[n][i] for n in names} for i in range(len(frame))]


def _finite(value: Any) -> float | None:
    """A number rounded to 4 decimals, or ``None`` when missing or not finite."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(number, 4) if math.isfinite(number) else None


def _utf16(text: str, offset: int) -> int:
    """A code-point offset into ``text`` as a UTF-16 offset (what JavaScript strings index)."""
    return offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)


def _theme_list(value: Any) -> list[str] | None:
    if value is None:
        return None
    return [t for t in str(value).split(";") if t]


def _doc_label(doc: Mapping[str, Any]) -> str:
    title = (doc.get("title") or "").strip()
    if title:
        return title
    path = doc.get("path") or doc.get("doc_id") or ""
    return Path(str(path)).name or str(path)


def _names(theme: Any, languages: Sequence[str]) -> dict[str, str]:
    return {lang: theme.label(lang) for lang in ("en", *languages)}


def report_data(result: AnalysisResult,
                codebook: Codebook | str | os.PathLike[str] | None = None, *,
                title: str | None = None) -> dict[str, Any]:
    """Everything the report shows, as plain JSON-able data (the page embeds exactly this).

    ``codebook`` is resolved as in :func:`write_report`.

    Prevalence and co-occurrence count content passages (not page chrome): ``prevalence.count``
    maps theme -> language -> passages coded with the theme, ``prevalence.n`` the content passages
    per language; ``cooccurrence.matrix[i][j]`` counts passages coded with both themes ``i`` and
    ``j`` (the diagonal: with theme ``i``).
    """
    codebook = _resolve_codebook(codebook, result)
    languages_ui = tuple(dict.fromkeys(codebook.languages))

    documents = _records(result.documents, ("doc_id", "path", "format", "lang", "title",
                                            "n_chars", "n_passages", "n_boilerplate"))
    doc_index = {d["doc_id"]: i for i, d in enumerate(documents)}
    for d in documents:
        d["label"] = _doc_label(d)

    # Codings grouped by passage, in a stable order (score descending, then theme id).
    coded: dict[str, list[dict[str, Any]]] = {}
    examples: dict[str, str] = {}
    for c in _records(result.codings, ("passage_id", "theme", "score", "evidence")):
        try:
            evidence = json.loads(c["evidence"]) if c["evidence"] else {}
        except json.JSONDecodeError:
            evidence = {}
        if not isinstance(evidence, dict):
            evidence = {}
        for ex in evidence.get("examples") or []:
            if isinstance(ex, dict) and ex.get("id") is not None:
                examples.setdefault(str(ex["id"]), str(ex.get("text") or "")[:_EXAMPLE_CHARS])
        coded.setdefault(c["passage_id"], []).append({
            "theme": c["theme"],
            "score": _finite(c["score"]),
            "cues": [x for x in evidence.get("cues") or [] if isinstance(x, dict)],
            "features": [str(x) for x in evidence.get("features") or []],
            "examples": [[str(x["id"]), _finite(x.get("similarity"))]
                         for x in evidence.get("examples") or []
                         if isinstance(x, dict) and x.get("id") is not None],
        })

    # Themes: the codebook's, then any the data holds that the codebook does not know.
    seen_in_data = sorted({c["theme"] for cs in coded.values() for c in cs}
                          | {t for v in _column(result.passages, "themes")
                             for t in (_theme_list(v) or [])})
    themes = [{"id": t.id, "color": t.color, "parent": t.parent,
               "name": _names(t, languages_ui)} for t in codebook.themes]
    known = set(codebook.theme_ids) | {BOILERPLATE}
    for k, tid in enumerate(t for t in seen_in_data if t not in known):
        themes.append({"id": tid, "color": _FALLBACK[k % len(_FALLBACK)], "parent": None,
                       "name": {lang: tid for lang in ("en", *languages_ui)}})
    theme_ids = [t["id"] for t in themes]
    position = {tid: i for i, tid in enumerate(theme_ids)}

    passages = []
    cols = ("doc_id", "passage_id", "index", "text", "kind", "speaker", "role", "lang",
            "script", "boilerplate", "boilerplate_reason", "duplicate_of", "themes")
    for p in _records(result.passages, cols):
        text = p["text"] or ""
        codes = sorted(coded.get(p["passage_id"], []),
                       key=lambda c: (-(c["score"] or 0.0), c["theme"]))
        cues = []
        for c in codes:
            for cue in c.pop("cues"):
                start, end = cue.get("start"), cue.get("end")
                if not (isinstance(start, int) and isinstance(end, int)
                        and 0 <= start < end <= len(text)):
                    continue
                cues.append([_utf16(text, start), _utf16(text, end), c["theme"],
                             str(cue.get("cue") or text[start:end])])
        plist = _theme_list(p["themes"])
        passages.append({
            "id": p["passage_id"], "doc": doc_index.get(p["doc_id"], -1), "i": p["index"],
            "kind": p["kind"], "speaker": p["speaker"], "role": p["role"],
            "lang": p["lang"] or "und", "script": p["script"], "bp": bool(p["boilerplate"]),
            "bpr": p["boilerplate_reason"], "dup": p["duplicate_of"],
            "themes": sorted(plist, key=lambda t: position.get(t, len(position)))
            if plist is not None else None,
            "codes": codes, "cues": sorted(cues, key=lambda c: (c[0], c[1], c[2])),
            "text": text,
        })
    passages.sort(key=lambda p: (p["doc"], p["i"] if p["i"] is not None else 0))

    content = [p for p in passages if not p["bp"]]
    n_lang = Counter(p["lang"] for p in content)
    languages = sorted(n_lang, key=lambda lang: (-n_lang[lang], lang))
    count = {tid: {lang: 0 for lang in languages} for tid in theme_ids}
    matrix = [[0] * len(theme_ids) for _ in theme_ids]
    for p in content:
        ts = [t for t in (p["themes"] or []) if t in position]
        for t in ts:
            count[t][p["lang"]] += 1
            for u in ts:
                matrix[position[t]][position[u]] += 1

    summary = result.summary()
    summary["languages"] = {lang: n_lang[lang] for lang in languages}
    n_coded = sum(1 for p in content if p["themes"])
    models = sorted({m for m in _column(result.codings, "model") if m})
    issues = [r for r in _records(result.manifest, ("path", "status", "error", "warnings"))
              if r["status"] != "ok" or r["warnings"]]
    cb_title = dict(codebook.title)
    return {
        "title": title or "alignment-nlp report",
        "generator": f"alignment-nlp {__version__}",
        "codebook": {"id": codebook.id, "version": codebook.version,
                     "title": cb_title.get("en") or next(iter(cb_title.values()), codebook.id)},
        "ui_languages": ["en", *[lang for lang in languages_ui if lang != "en"]],
        "summary": {**summary, "coded_passages": n_coded, "content_passages": len(content),
                    "codings": int(len(result.codings)) if result.codings is not None else 0,
                    "themes_coded": sum(1 for tid in theme_ids if matrix[position[tid]][
                        position[tid]]),
                    "themes_total": len(theme_ids), "models": models},
        "issues": issues,
        "languages": languages,
        "themes": themes,
        "boilerplate": {"id": BOILERPLATE, "color": codebook.boilerplate.color,
                        "name": _names(codebook.boilerplate, languages_ui)},
        "prevalence": {"n": {lang: n_lang[lang] for lang in languages}, "count": count},
        "cooccurrence": {"themes": theme_ids, "matrix": matrix},
        "documents": documents,
        "passages": passages,
        "examples": dict(sorted(examples.items())),
    }


# --------------------------------------------------------------------------- rendering

_SCRIPT_UNSAFE = re.compile(r"[<>&\u2028\u2029]")


def _json_for_script(data: Any) -> str:
    """JSON that cannot end its ``<script>`` element: ``<``, ``>``, ``&`` become ``\\u`` escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _SCRIPT_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _asset(name: str) -> str:
    return (resources.files("alignment_nlp") / "data" / name).read_text(encoding="utf-8")


_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "base-uri 'none'; form-action 'none'")


def render_report(result: AnalysisResult, *,
                  codebook: Codebook | str | os.PathLike[str] | None = None,
                  title: str | None = None) -> str:
    """The report as an HTML string (see :func:`write_report`)."""
    data = report_data(result, codebook, title=title)
    script = _asset("report.js")
    style = _asset("report.css")
    for name, text in (("report.js", script), ("report.css", style)):
        if re.search(r"</(script|style)", text, re.IGNORECASE):  # pragma: no cover - our assets
            raise ValueError(f"data/{name} must not contain a closing </script> or </style> tag.")
    page_title = html.escape(data["title"])
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="{html.escape(data["generator"])}">\n'
        f"<title>{page_title}</title>\n<style>\n{style}</style>\n</head>\n<body>\n"
        f'<header class="top"><div class="wrap"><h1>{page_title}</h1>'
        '<p class="sub" id="subtitle"></p><div class="ui-lang" id="ui-lang"></div></div></header>\n'
        '<main class="wrap">\n'
        '<noscript><p class="warn">This report draws its charts and the passage browser with '
        "JavaScript; allow scripts for this file to see them.</p></noscript>\n"
        '<section id="figures" aria-label="Run figures"></section>\n'
        '<div class="charts">\n'
        '<section class="card" id="prevalence"><h2>Theme prevalence by language</h2>'
        '<p class="note">Share of content passages (page chrome left out) in each language '
        "coded with the theme. Click a bar to list those passages.</p>"
        '<div class="chart" id="prevalence-chart"></div></section>\n'
        '<section class="card" id="cooccurrence"><h2>Theme co-occurrence</h2>'
        '<p class="note">Content passages coded with both themes; the diagonal counts passages '
        "coded with the theme. Click a cell to list those passages.</p>"
        '<div class="chart" id="cooccurrence-chart"></div></section>\n'
        "</div>\n"
        '<section class="card" id="docmap"><h2>Themes along each document</h2>'
        '<p class="note">Each strip is one document, its passages in order, widths by length; '
        "a passage coded with several themes shows them stacked. Click a passage to read it "
        'below.</p><div id="docmap-legend" class="legend"></div><div id="docmap-rows"></div>'
        "</section>\n"
        '<section class="card" id="browser"><h2>Passages</h2>'
        '<div class="filters" id="filters"></div>'
        '<p class="count" id="count" aria-live="polite"></p>'
        '<div id="passages"></div><div id="more"></div></section>\n'
        "</main>\n"
        '<footer class="wrap" id="footer"></footer>\n'
        '<div id="tip" role="tooltip" hidden></div>\n'
        f'<script type="application/json" id="report-data">{_json_for_script(data)}</script>\n'
        f"<script>\n{script}</script>\n"
        "</body>\n</html>\n"
    )


def write_report(result_or_dir: AnalysisResult | str | os.PathLike[str],
                 out_path: str | os.PathLike[str], *,
                 codebook: Codebook | str | os.PathLike[str] | None = None,
                 title: str | None = None) -> Path:
    """Write the self-contained HTML report of a run and return its path.

    Args:
        result_or_dir: an :class:`~alignment_nlp.pipeline.AnalysisResult`, or a results folder
            written by ``alignment-nlp analyze --out DIR`` (read with :func:`load_results`).
        out_path: the HTML file to write (its folder is created; an existing file is replaced,
            atomically).
        codebook: a :class:`~alignment_nlp.codebook.Codebook` or a codebook YAML path for the theme
            names and colours. ``None``: the ``codebook.yaml`` of the model that coded the run
            when its folder is there, else the default codebook.
        title: the report's title (default ``"alignment-nlp report"``).

    Raises:
        InputError: a results folder that cannot be read, or a codebook that is not valid.
    """
    if isinstance(result_or_dir, (str, os.PathLike)):
        result = load_results(result_or_dir)
    elif isinstance(result_or_dir, AnalysisResult):
        result = result_or_dir
    else:
        raise TypeError("The 'result_or_dir' parameter of write_report must be an AnalysisResult "
                        f"or a results folder path. Got {type(result_or_dir).__name__} instead.")
    page = render_report(result, codebook=codebook, title=title)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(page)

    atomic_write(out, write)
    logger.info("wrote report %s (%d passages)", out, len(result.passages))
    return out
