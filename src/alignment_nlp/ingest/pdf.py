"""PDF: the text layer, page by page. A PDF without text (a scan) is reported, not read as empty."""

from __future__ import annotations

import io

from ..errors import CorruptFileError, EmptyDocumentError
from . import register_reader
from ._builder import TextBuilder
from ._model import Document


@register_reader(".pdf", format="pdf")
def read_pdf(path: str, data: bytes) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise CorruptFileError(
            f"not a readable PDF: {exc}. Check the file opens in a PDF viewer; re-export it.",
            path=path,
        ) from exc
    builder = TextBuilder()
    for number, text in enumerate(pages, start=1):
        builder.add(text, meta={"page": number})
    doc = builder.build(path, "pdf", None, meta={"pages": len(pages)})
    if not doc.text.strip():
        raise EmptyDocumentError(
            f"the PDF has {len(pages)} page(s) but no text layer (a scanned image?); run OCR on it "
            "first (for example ocrmypdf) and analyse the result.",
            path=path,
        )
    return doc
