"""Ingest: files to :class:`Document` objects, one reader per format, picked by suffix.

Readers live in a small registry. A user adds a format without editing ours::

    from alignment_nlp.ingest import register_reader, Document, Block

    @register_reader(".rtf", format="rtf")
    def read_rtf(path: str, data: bytes) -> Document:
        ...

A reader receives the file's path (for messages) and its bytes, and returns a :class:`Document`
whose ``text`` is normalised (NFC, ``\\n``) and whose blocks index into that text.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import UnsupportedFormatError
from ._decode import decode_bytes, normalize_text
from ._model import BLOCK_KINDS, Block, Document

__all__ = [
    "Block",
    "Document",
    "BLOCK_KINDS",
    "Reader",
    "register_reader",
    "registered_formats",
    "reader_for",
    "read_document",
    "iter_input_files",
    "decode_bytes",
    "normalize_text",
]

#: A reader turns (path, bytes) into a Document.
Reader = Callable[[str, bytes], Document]

_READERS: dict[str, tuple[str, Reader]] = {}


def register_reader(*suffixes: str, format: str) -> Callable[[Reader], Reader]:  # noqa: A002
    """Register the decorated function as the reader of files ending in ``suffixes``.

    A later registration for the same suffix replaces the earlier one (so a user can override ours).
    """
    if not suffixes:
        raise ValueError("register_reader needs at least one suffix, e.g. register_reader('.txt').")

    def decorate(func: Reader) -> Reader:
        for suffix in suffixes:
            key = suffix.lower() if suffix.startswith(".") else f".{suffix.lower()}"
            _READERS[key] = (format, func)
        return func

    return decorate


def registered_formats() -> dict[str, str]:
    """Suffix -> format name of every registered reader."""
    return {suffix: fmt for suffix, (fmt, _) in sorted(_READERS.items())}


def reader_for(path: str | os.PathLike[str]) -> tuple[str, Reader]:
    """The (format, reader) for ``path``'s suffix.

    Raises:
        UnsupportedFormatError: no reader for the suffix; the message lists the known suffixes.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in _READERS:
        known = ", ".join(sorted(_READERS))
        raise UnsupportedFormatError(
            f"no reader for suffix {suffix or '(none)'!r}. Known suffixes: {known}. "
            "Rename the file, or register a reader with alignment_nlp.ingest.register_reader.",
            path=str(path),
        )
    return _READERS[suffix]


def read_document(path: str | os.PathLike[str], data: bytes | None = None) -> Document:
    """Read one file into a :class:`Document` with the reader registered for its suffix."""
    fmt, reader = reader_for(path)
    if data is None:
        data = Path(path).read_bytes()
    return reader(str(path), data)


def iter_input_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Expand folders recursively (hidden files and folders skipped), in a stable sorted order.

    Files named explicitly are kept whatever their suffix, so an unknown suffix is reported rather
    than silently ignored; inside folders, every non-hidden file is listed too. A path that does
    not exist is kept as it is, so that reading it reports it (the batch goes on).
    """
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = []
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(Path(root) / f for f in files if not f.startswith("."))
            out.extend(sorted(found))
        else:
            out.append(p)
    return list(dict.fromkeys(out))


# Register the built-in readers (import for their side effect).
from . import docx as _docx  # noqa: E402,F401
from . import html as _html  # noqa: E402,F401
from . import pdf as _pdf  # noqa: E402,F401
from . import subtitles as _subtitles  # noqa: E402,F401
from . import tables as _tables  # noqa: E402,F401
from . import text as _text  # noqa: E402,F401
