"""The tables alignment-nlp writes: columns, types and meaning (docs/schema.md is generated from
this module, so the documentation and the files cannot drift apart)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Column", "TABLES", "to_frame", "empty_frame", "is_missing"]


def is_missing(value: Any) -> bool:
    """A table cell with no value: ``None``, NaN, ``pd.NA``/``NaT`` or a blank string."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a sequence is a value, not a missing one
        return False


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # pandas dtype: "string", "Int64", "float64", "boolean"
    description: str


TABLES: dict[str, tuple[Column, ...]] = {
    "documents": (
        Column("doc_id", "string", "Stable id: file stem slug + first 8 hex digits of the content SHA-256."),
        Column("path", "string", "Input path as given (folders expanded)."),
        Column("format", "string", "Reader that read it: txt, md, html, docx, pdf, vtt, srt, csv, jsonl, parquet."),
        Column("lang", "string", "Language of the document's content passages (ISO 639-1, or und)."),
        Column("lang_confidence", "float64", "Posterior of lang on the document's content text."),
        Column("script", "string", "ISO 15924 script of lang: Latn, Hans, Hant, Jpan, ..."),
        Column("languages", "string", "Share of passage characters per language, e.g. 'da:0.91,en:0.09'."),
        Column("encoding", "string", "Detected text encoding (utf-8, utf-8-sig, utf-16, gb18030, big5, cp1252); empty for binary containers."),
        Column("title", "string", "Title from the file's metadata (HTML <title>, docx core properties), if any."),
        Column("n_chars", "Int64", "Length of the stored document text in Unicode code points."),
        Column("n_passages", "Int64", "Passages in the document."),
        Column("n_boilerplate", "Int64", "Passages flagged as page chrome."),
        Column("content_hash", "string", "SHA-256 of the file's bytes."),
        Column("text", "string", "The stored document text (NFC, \\n line endings); every offset refers to it."),
    ),
    "passages": (
        Column("doc_id", "string", "Document the passage belongs to."),
        Column("passage_id", "string", "Stable id '<doc_id>:<start>-<end>'."),
        Column("index", "Int64", "Position of the passage in its document, from 0."),
        Column("text", "string", "Exactly documents.text[start:end]."),
        Column("start", "Int64", "Start offset in code points into the document text, from 0."),
        Column("end", "Int64", "End offset (exclusive)."),
        Column("kind", "string", "heading, paragraph, list_item or turn."),
        Column("speaker", "string", "Speaker label for interview turns, as written (without '@', brackets, colon)."),
        Column("role", "string", "interviewer or respondent, where known."),
        Column("timestamp", "string", "Timestamp of the turn as written (start of its first cue for subtitles)."),
        Column("lang", "string", "Passage language (ISO 639-1, lower case), 'und' when undecidable."),
        Column("lang_confidence", "float64", "Posterior probability of lang, in [0, 1]."),
        Column("script", "string", "ISO 15924 script of the passage (Latn, Hans, Hant, ...)."),
        Column("boilerplate", "boolean", "True for page chrome (navigation, related, comments, share, cookie, copyright, disclaimer, byline, author bio)."),
        Column("boilerplate_reason", "string", "The chrome category when boilerplate is true."),
        Column("duplicate_of", "string", "passage_id of the first occurrence when this passage repeats an earlier one."),
        Column("n_sentences", "Int64", "Sentences (spaCy sentencizer for the passage language)."),
        Column("n_tokens", "Int64", "Words (spaCy tokens without punctuation; jieba words for Chinese)."),
        Column("meta", "string", "JSON object of reader metadata (table row fields, page number, cue end time), or empty."),
        Column("themes", "string", "Theme ids the model coded, ';'-separated; empty for none; null for chrome (flagged here, or judged by the model: then codings has a 'boilerplate' row) and when coding was off."),
    ),
    "sentences": (
        Column("doc_id", "string", "Document id."),
        Column("passage_id", "string", "Passage id."),
        Column("sentence_index", "Int64", "Position of the sentence in its passage, from 0."),
        Column("start", "Int64", "Start offset into the document text."),
        Column("end", "Int64", "End offset (exclusive) into the document text."),
        Column("text", "string", "Exactly documents.text[start:end]."),
        Column("n_tokens", "Int64", "Words in the sentence."),
    ),
    "codings": (
        Column("doc_id", "string", "Document id."),
        Column("passage_id", "string", "Passage id."),
        Column("theme", "string", "Codebook theme id ('boilerplate' when the model judged the passage chrome)."),
        Column("score", "float64", "The model's score for the theme, in [0, 1]."),
        Column("evidence", "string", "JSON: cues matched (cue, text, start, end; offsets into the passage text), features (strongest n-grams), examples (nearest training passages: id, text, similarity)."),
        Column("model", "string", "The model folder that coded it."),
    ),
    "manifest": (
        Column("path", "string", "Input file."),
        Column("status", "string", "ok, skipped (no reader for the suffix) or failed (the error says why)."),
        Column("error", "string", "What went wrong and how to fix it; empty when ok."),
        Column("warnings", "string", "Non-fatal problems (for example empty table rows), '; '-separated."),
        Column("format", "string", "Reader used, if any."),
        Column("doc_id", "string", "Document id when read."),
        Column("content_hash", "string", "SHA-256 of the file's bytes."),
        Column("n_bytes", "Int64", "File size."),
        Column("n_passages", "Int64", "Passages produced."),
        Column("n_boilerplate", "Int64", "Of which page chrome."),
        Column("lang", "string", "Document language."),
    ),
}


def empty_frame(table: str) -> Any:
    import pandas as pd

    cols = TABLES[table]
    return pd.DataFrame({c.name: pd.Series([], dtype=c.dtype) for c in cols})


def to_frame(table: str, rows: Iterable[Mapping[str, Any]]) -> Any:
    """Rows (dicts) to a DataFrame with exactly the table's columns, in order, with their dtypes."""
    import pandas as pd

    cols = TABLES[table]
    rows = list(rows)
    if not rows:
        return empty_frame(table)
    data = {c.name: pd.Series([r.get(c.name) for r in rows], dtype=c.dtype) for c in cols}
    return pd.DataFrame(data)


def schema_markdown() -> str:
    """The schema as Markdown tables (used to write docs/schema.md)."""
    out = []
    for table, cols in TABLES.items():
        out.append(f"## `{table}`\n\n| column | type | meaning |\n|---|---|---|")
        out.extend(f"| `{c.name}` | {c.dtype} | {c.description} |" for c in cols)
        out.append("")
    return "\n".join(out)
