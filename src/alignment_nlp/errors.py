"""Exceptions raised by alignment-nlp.

Every exception says what was wrong, where (file, line, field when known) and how to fix it. Domain
exceptions also subclass the built-in a caller would expect, so ``except ValueError`` keeps working.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AlignmentError",
    "InputError",
    "UnsupportedFormatError",
    "EmptyDocumentError",
    "DecodeError",
    "CorruptFileError",
    "OutputExistsError",
    "UnknownLanguageError",
    "RegistryError",
    "read_user_text",
]


class AlignmentError(Exception):
    """Base class of every error raised by alignment-nlp."""


class InputError(AlignmentError, ValueError):
    """A user's input file could not be used.

    ``path`` names the file; ``line`` and ``field`` are set when the problem has a location.
    """

    def __init__(
        self, message: str, *, path: str | None = None, line: int | None = None,
        field: str | None = None,
    ) -> None:
        where = []
        if path is not None:
            where.append(str(path))
        if line is not None:
            where.append(f"line {line}")
        if field is not None:
            where.append(f"field {field!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)
        self.path = path
        self.line = line
        self.field = field


class UnsupportedFormatError(InputError):
    """No reader is registered for the file's suffix."""


class EmptyDocumentError(InputError):
    """The file holds no text (empty file, or a PDF without a text layer)."""


class DecodeError(InputError):
    """The bytes could not be decoded as text in any supported encoding."""


class CorruptFileError(InputError):
    """The file's container (docx, pdf, parquet, ...) is damaged or not what its suffix says."""


class OutputExistsError(AlignmentError, FileExistsError):
    """An output file exists and ``force`` was not given."""


class UnknownLanguageError(AlignmentError, LookupError):
    """A language code that alignment-nlp has no profile for."""


class RegistryError(AlignmentError, KeyError):
    """A name that no registry (classifiers, embedding backends) knows; the message lists the
    known names."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def read_user_text(path: str | Path, error: type[InputError], expected: str, what: str) -> str:
    """The text of a user's file (UTF-8, a BOM allowed). A missing file or one that is not UTF-8
    raises ``error`` naming the file: ``expected`` says what to give, ``what`` names the file's
    kind in the advice to re-save it."""
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(f"no such file; give {expected}.", path=str(p)) from None
    except UnicodeDecodeError:
        raise error(f"not UTF-8 text; save {what} as UTF-8.", path=str(p)) from None
