"""The document model every reader produces and every later stage consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Block", "Document", "BLOCK_KINDS"]

#: Passage kinds a reader may assign to a block; ``None`` lets the segmenter decide.
BLOCK_KINDS = ("heading", "paragraph", "list_item", "turn")


@dataclass(frozen=True)
class Block:
    """A span of a document's text that a reader knows something about.

    ``start``/``end`` are character offsets into :attr:`Document.text` (end exclusive). ``kind``
    is one of :data:`BLOCK_KINDS` when the source format says what the block is (an HTML ``<h2>``,
    a subtitle turn), or ``None`` when the segmenter must split and classify the span itself.
    ``chrome`` names the page-chrome category when the source marks it (an HTML ``<nav>``).
    """

    start: int
    end: int
    kind: str | None = None
    speaker: str | None = None
    timestamp: str | None = None
    chrome: str | None = None
    meta: dict[str, Any] | None = None


@dataclass(frozen=True)
class Document:
    """One input file as text plus what its reader knows of its structure.

    ``text`` is the stored document text: NFC-normalised, ``\\n`` line endings, no byte-order mark.
    Every passage offset refers to it.
    """

    path: str
    format: str
    text: str
    encoding: str | None = None
    blocks: tuple[Block, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
