"""Tables (.csv, .tsv, .jsonl, .parquet): one text column, the other columns kept as metadata.

Each row becomes one block of the document (split further by the segmenter when it holds several
paragraphs), carrying the row's other fields in ``meta`` and, when a column names it, its speaker
and timestamp. The text column is ``text`` (or ``content``, ``body``, ``tekst``, ``Text``, ...); without
one, the string column with the longest values. Rows with empty text are reported as warnings.
"""

from __future__ import annotations

import io
from typing import Any

from ..errors import CorruptFileError, EmptyDocumentError, InputError
from . import register_reader
from ._builder import TextBuilder
from ._decode import decode_bytes, json_objects, normalize_text
from ._model import Document

TEXT_COLUMNS = ("text", "content", "body", "passage", "tekst", "inhalt", "indhold", "内容",
                "transcript", "answer", "antwoord", "antwort", "svar", "utterance")
SPEAKER_COLUMNS = ("speaker", "spreker", "sprecher", "taler", "发言人", "說話人", "说话人")
TIME_COLUMNS = ("timestamp", "time", "start", "tijd", "zeit", "tid", "时间")


def _pick(columns: list[str], wanted: tuple[str, ...]) -> str | None:
    lower = {c.casefold().strip(): c for c in columns}
    for w in wanted:
        if w in lower:
            return lower[w]
    return None


def _rows_to_document(path: str, fmt: str, encoding: str | None,
                      rows: list[dict[str, Any]], columns: list[str]) -> Document:
    if not rows:
        raise EmptyDocumentError(f"the {fmt} table has no rows.", path=path)
    text_col = _pick(columns, TEXT_COLUMNS)
    if text_col is None:
        lengths = {c: sum(len(r[c]) for r in rows if isinstance(r.get(c), str)) for c in columns}
        text_col = max(columns, key=lambda c: lengths[c]) if columns else None
        if text_col is None or lengths[text_col] == 0:
            raise InputError(
                f"no text column; expected a column named one of {', '.join(TEXT_COLUMNS[:6])} "
                "or at least one column of strings.",
                path=path,
            )
    speaker_col = _pick(columns, SPEAKER_COLUMNS)
    time_col = _pick(columns, TIME_COLUMNS)
    builder = TextBuilder()
    warnings = []
    for number, row in enumerate(rows, start=1):
        value = row.get(text_col)
        text = normalize_text(value) if isinstance(value, str) else ""
        if not text.strip():
            warnings.append(f"row {number}: empty {text_col!r}; row kept in the manifest count only")
            continue
        meta = {k: v for k, v in row.items() if k != text_col}
        meta["row"] = number
        speaker = row.get(speaker_col) if speaker_col else None
        ts = row.get(time_col) if time_col else None
        builder.add(text, speaker=str(speaker) if speaker not in (None, "") else None,
                    timestamp=str(ts) if ts not in (None, "") else None, meta=meta,
                    kind="turn" if speaker_col and speaker not in (None, "") else None)
    doc = builder.build(path, fmt, encoding, meta={"rows": len(rows), "text_column": text_col},
                        warnings=tuple(warnings))
    if not doc.text.strip():
        raise EmptyDocumentError(f"every row's {text_col!r} is empty.", path=path)
    return doc


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


@register_reader(".csv", ".tsv", format="csv")
def read_csv(path: str, data: bytes) -> Document:
    import pandas as pd

    text, encoding = decode_bytes(data, path)
    sep = "\t" if path.lower().endswith(".tsv") else None
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, engine="python", dtype=str,
                            keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise CorruptFileError(f"could not parse the CSV ({exc}); expected a header row and one "
                               "record per line.", path=path) from exc
    rows = frame.to_dict(orient="records")
    return _rows_to_document(path, "csv", encoding, rows, [str(c) for c in frame.columns])


@register_reader(".jsonl", ".ndjson", format="jsonl")
def read_jsonl(path: str, data: bytes) -> Document:
    text, encoding = decode_bytes(data, path)
    rows: list[dict[str, Any]] = []
    columns: dict[str, None] = {}
    for _, obj in json_objects(enumerate(normalize_text(text).split("\n"), start=1), path):
        rows.append(obj)
        columns.update(dict.fromkeys(obj))
    return _rows_to_document(path, "jsonl", encoding, rows, list(columns))


@register_reader(".parquet", format="parquet")
def read_parquet(path: str, data: bytes) -> Document:
    import pyarrow.parquet as pq
    from pyarrow import ArrowException

    try:
        table = pq.read_table(io.BytesIO(data))
    except (ArrowException, OSError, ValueError) as exc:
        raise CorruptFileError(f"not a readable Parquet file: {exc}.", path=path) from exc
    rows = [{k: _jsonable(v) for k, v in row.items()} for row in table.to_pylist()]
    return _rows_to_document(path, "parquet", None, rows, list(table.column_names))
