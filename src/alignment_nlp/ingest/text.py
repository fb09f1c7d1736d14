"""Plain text and Markdown: the whole text is one block that the segmenter splits."""

from __future__ import annotations

from . import register_reader
from ._decode import decode_bytes, normalize_text
from ._model import Block, Document


@register_reader(".txt", ".text", format="txt")
def read_text(path: str, data: bytes) -> Document:
    text, encoding = decode_bytes(data, path)
    text = normalize_text(text)
    return Document(path=path, format="txt", text=text, encoding=encoding,
                    blocks=(Block(0, len(text)),))


@register_reader(".md", ".markdown", format="md")
def read_markdown(path: str, data: bytes) -> Document:
    doc = read_text(path, data)
    return Document(path=path, format="md", text=doc.text, encoding=doc.encoding, blocks=doc.blocks)
