"""Shared by the make_docx_<lang>.py builders: transcript parsing, bold-label turns, and saving a
.docx whose bytes never change (fixed core properties and ZIP member dates)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any


def parse_transcript(text: str) -> list[tuple[str, list[str]]]:
    """(label, paragraphs) per turn from the mini-format: "[Label]" line, then the text; a block
    without a label continues the previous turn as a new paragraph."""
    turns: list[tuple[str, list[str]]] = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        if lines[0].startswith("[") and lines[0].endswith("]"):
            turns.append((lines[0][1:-1], [" ".join(lines[1:])]))
        else:
            turns[-1][1].append(" ".join(lines))
    return turns


def add_bold_label_turns(doc: Any, turns: list[tuple[str, list[str]]]) -> None:
    """A paragraph per turn opening with the bold speaker label; extra paragraphs unlabelled."""
    for label, paragraphs in turns:
        first = doc.add_paragraph()
        first.add_run(f"{label}:").bold = True
        first.add_run(f" {paragraphs[0]}")
        for extra in paragraphs[1:]:
            doc.add_paragraph(extra)


def save_reproducibly(doc: Any, out: Path, *, title: str, language: str, when: dt.datetime) -> None:
    """Set fixed core properties, save, and rewrite the ZIP with fixed member dates."""
    props = doc.core_properties
    props.author = "alignment-nlp"
    props.last_modified_by = "alignment-nlp"
    props.title = title
    props.language = language
    props.revision = 1
    props.created = when
    props.modified = when
    raw = io.BytesIO()
    doc.save(raw)
    packed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(packed, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(packed.getvalue())
    print(f"wrote {out}")
