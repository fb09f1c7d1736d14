"""Word documents (.docx): paragraphs and tables in document order.

Heading and Title styles become headings, list styles and numbered paragraphs list items. A
paragraph that opens with a bold run (``**Anna:**`` or ``**Anna**``) names its speaker. A table whose
header row names a speaker column (and optionally time and text columns) is read as a transcript,
one turn per row; other tables give one block per cell.
"""

from __future__ import annotations

import io
import re
import zipfile

from ..errors import CorruptFileError, EmptyDocumentError
from . import register_reader
from ._builder import TextBuilder
from ._model import Document

_SPEAKER_HEADERS = {"speaker", "spreker", "sprecher", "sprecherin", "taler", "person", "name",
                    "naam", "navn", "发言人", "發言人", "说话人", "說話人", "讲话人", "角色", "who",
                    "wie", "wer", "hvem"}
_TIME_HEADERS = {"time", "tijd", "zeit", "tid", "timestamp", "tijdstip", "zeitstempel",
                 "tidspunkt", "时间", "時間", "时间码", "start"}
_TEXT_HEADERS = {"text", "tekst", "inhalt", "indhold", "内容", "內容", "content", "transcript",
                 "transcriptie", "transkript", "utterance", "wortlaut", "uitspraak", "udsagn"}
_LABEL_TAIL = re.compile(r"^[\s:：]*")


def _norm(cell: str) -> str:
    return cell.strip().strip(":：").casefold()


def _bold_label(paragraph) -> str | None:  # noqa: ANN001
    """The speaker label of a paragraph that opens with a short bold run, else None."""
    bold = "".join(run.text for run in _leading_bold(paragraph))
    text = bold.strip()
    rest = paragraph.text[len(bold):].strip()
    if not text or not rest or len(text) > 60 or text.endswith((".", "?", "!")):
        return None
    return text.rstrip(":： ").strip() or None


@register_reader(".docx", format="docx")
def read_docx(path: str, data: bytes) -> Document:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CorruptFileError(
            f"not a readable .docx (Word 2007+ ZIP package): {exc}. Re-save it from Word, or "
            "convert .doc files to .docx first.",
            path=path,
        ) from exc

    builder = TextBuilder()
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            _add_paragraph(builder, Paragraph(child, document))
        elif tag == "tbl":
            _add_table(builder, Table(child, document))
    doc = builder.build(path, "docx", None, meta={"title": document.core_properties.title or None})
    if not doc.text.strip():
        raise EmptyDocumentError("the .docx holds no text.", path=path)
    return doc


def _add_paragraph(builder: TextBuilder, paragraph) -> None:  # noqa: ANN001
    text = paragraph.text
    if not text.strip():
        return
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    kind = None
    if style.startswith(("Heading", "Title", "Subtitle")):
        kind = "heading"
    elif style.startswith("List") or paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:
        kind = "list_item"
    label = _bold_label(paragraph) if kind is None else None
    if label:
        # "Label:" / "Label" in bold, then the turn: the block covers the spoken text only.
        bold_len = len("".join(r.text for r in _leading_bold(paragraph)))
        rest = text[bold_len:]
        skip = len(_LABEL_TAIL.match(rest).group(0))
        builder.add(rest[skip:], kind="turn", prefix=text[:bold_len] + rest[:skip],
                    speaker=label)
    else:
        builder.add(text, kind=kind)


def _leading_bold(paragraph) -> list:  # noqa: ANN001
    runs = []
    for run in paragraph.runs:
        if not run.text:
            continue
        if not run.bold:
            break
        runs.append(run)
    return runs


def _add_table(builder: TextBuilder, table) -> None:  # noqa: ANN001
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    if not rows:
        return
    header = [_norm(c) for c in rows[0]]
    speaker_col = next((i for i, h in enumerate(header) if h in _SPEAKER_HEADERS), None)
    if speaker_col is None:
        for row in rows:
            previous = None
            for cell in row:
                if cell != previous:  # merged cells repeat their text in every grid column
                    builder.add(cell)
                previous = cell
        return
    time_col = next((i for i, h in enumerate(header) if h in _TIME_HEADERS), None)
    text_col = next((i for i, h in enumerate(header) if h in _TEXT_HEADERS), None)
    if text_col is None:
        others = [i for i in range(len(header)) if i not in (speaker_col, time_col)]
        text_col = others[-1] if others else speaker_col
    for row in rows[1:]:
        speaker = row[speaker_col].strip() or None
        ts = row[time_col].strip() if time_col is not None else None
        prefix = "".join(f"[{ts}] " if ts else "") + (f"{speaker}: " if speaker else "")
        builder.add(row[text_col], kind="turn", prefix=prefix, speaker=speaker, timestamp=ts or None)
