"""Compose a document's text from pieces while recording each piece's block offsets.

Shared by the readers of structured formats (HTML, docx, subtitles, tables): they all render
their content as paragraphs separated by blank lines and need exact offsets for each block.
"""

from __future__ import annotations

from typing import Any

from ._decode import normalize_text
from ._model import Block, Document


class TextBuilder:
    """Append blocks of text; :meth:`build` returns the Document with exact block offsets."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._blocks: list[Block] = []

    def _write(self, s: str) -> None:
        self._parts.append(s)
        self._length += len(s)

    def add(
        self,
        text: str,
        *,
        kind: str | None = None,
        prefix: str = "",
        speaker: str | None = None,
        timestamp: str | None = None,
        chrome: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Block | None:
        """Append ``prefix + text`` as a new paragraph; the block covers ``text`` only.

        ``text`` is normalised (NFC, ``\\n``) and stripped; empty text adds nothing and returns None.
        """
        text = normalize_text(text).strip()
        if not text:
            return None
        if self._length:
            self._write("\n\n")
        prefix = normalize_text(prefix)
        if prefix:
            self._write(prefix)
        start = self._length
        self._write(text)
        block = Block(start, self._length, kind=kind, speaker=speaker, timestamp=timestamp,
                      chrome=chrome, meta=meta)
        self._blocks.append(block)
        return block

    def build(self, path: str, fmt: str, encoding: str | None = None, *,
              meta: dict[str, Any] | None = None, warnings: tuple[str, ...] = ()) -> Document:
        return Document(path=path, format=fmt, text="".join(self._parts), encoding=encoding,
                        blocks=tuple(self._blocks), meta=meta or {}, warnings=warnings)
