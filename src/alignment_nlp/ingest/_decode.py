"""Bytes to normalised text: encoding detection, NFC, line endings."""

from __future__ import annotations

import codecs
import json
import unicodedata
from collections.abc import Iterable, Iterator

from ..errors import DecodeError, EmptyDocumentError, InputError

__all__ = ["decode_bytes", "json_objects", "normalize_text"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Tried in order when the bytes are not UTF-8; the first that decodes with the fewest signs of
# mojibake wins. charset-normalizer ranks them.
_FALLBACKS = ("gb18030", "big5", "cp1252", "utf-16-le", "utf-16-be")


_CJK_CODECS = {"gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950", "cp936"}


def _latin_mojibake(text: str) -> bool:
    """True when CJK characters sit inside Latin words: Latin-1 text read as GBK/Big5 ("aan 澭n")."""
    han = [i for i, ch in enumerate(text) if "\u3400" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af"]
    if not han:
        return False
    glued = sum(
        1 for i in han
        if (i > 0 and text[i - 1].isascii() and text[i - 1].isalpha())
        or (i + 1 < len(text) and text[i + 1].isascii() and text[i + 1].isalpha() and text[i + 1].islower())
    )
    return glued / len(han) > 0.3


def normalize_text(text: str) -> str:
    """NFC, ``\\n`` line endings, no BOM, no NUL."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.lstrip("\ufeff")
    return unicodedata.normalize("NFC", text)


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" not in sample:
        return False
    # UTF-16 text has NULs in every other byte; binary files have them anywhere.
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) / 2
    return not (odd > 0.3 * half and even < 0.05 * half or even > 0.3 * half and odd < 0.05 * half)


def decode_bytes(data: bytes, path: str, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``.

    Tries, in order: a byte-order mark; ``declared`` (e.g. an HTML meta charset); UTF-8;
    charset-normalizer's best guess among UTF-16, GB18030/GBK, Big5 and cp1252.

    Raises:
        EmptyDocumentError: no bytes, or only white space.
        DecodeError: the bytes are binary or decode in no supported encoding.
    """
    if not data.strip():
        raise EmptyDocumentError("the file is empty; expected text.", path=path)
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), "utf-8-sig" if enc == "utf-8-sig" else enc
            except UnicodeDecodeError:
                break
    if _looks_binary(data):
        raise DecodeError(
            "the file looks binary (NUL bytes), not text; expected a text file in UTF-8, UTF-16, "
            "cp1252, GB18030 or Big5. Check the suffix matches the content.",
            path=path,
        )
    if declared:
        try:
            return data.decode(declared), codecs.lookup(declared).name
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(_FALLBACKS)).best()
    ranked = ([best.encoding] if best is not None else []) + list(_FALLBACKS)
    for enc in dict.fromkeys(ranked):
        try:
            text = data.decode(enc)
            name = codecs.lookup(enc).name
        except (LookupError, UnicodeDecodeError):
            continue
        if name in _CJK_CODECS and _latin_mojibake(text):
            continue
        return text, name
    raise DecodeError(
        "could not decode the bytes as UTF-8, UTF-16, GB18030, Big5 or cp1252; re-save the file "
        "as UTF-8.",
        path=path,
    )


def json_objects(lines: Iterable[tuple[int, str]], path: str, error: type[InputError] = InputError
                 ) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` for each non-blank line of JSON lines; ``error`` (naming the file
    and line) for a line that is not one JSON object."""
    for n, line in lines:
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"not valid JSON ({exc.msg} at column {exc.colno}); each line must be "
                        f"one JSON object.", path=path, line=n) from None
        if not isinstance(obj, dict):
            raise error(f"expected a JSON object; got {type(obj).__name__}.", path=path, line=n)
        yield n, obj
