"""Segment: a document into the passages a coder would mark.

Passages are headings, paragraphs, list items and interview turns, each with exact character
offsets into the document text (``doc.text[start:end] == passage.text``). See docs/passages.md for
the rules; in short:

* blocks whose kind the reader knows (an HTML ``<h2>``, a subtitle turn) are kept as they are;
* other text is split into lines and blank-line groups: bullets (``•``, ``-``, ``*``), numbers
  (``1.``, ``1/``, ``1)``, a number alone on a line, which joins the text that follows it), Markdown
  ``#`` headings, and soft-wrapped lines joined back into one paragraph, in both the
  blank-line-separated and the one-paragraph-per-line style;
* a document is a transcript when speaker markers (see :mod:`alignment_nlp.speakers`) recur; then
  every turn runs from its marker to the next one, over as many lines, paragraphs or cues as it
  takes, and the marker itself stays outside the passage text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from ..ingest import Block, Document
from ..speakers import KNOWN_ROLE_LABELS, Marker, assign_roles, parse_marker
from .sentences import Sentence, split_sentences

__all__ = ["Passage", "segment", "split_sentences", "Sentence", "PASSAGE_KINDS"]

PASSAGE_KINDS = ("heading", "paragraph", "list_item", "turn")

_BULLET = re.compile(r"^[ \t]*(?:[•·▪‣◦●■►▸✓➢*]|[-–—](?=[ \t]))[ \t]*")
_NUMBERED = re.compile(r"^[ \t]*(?:\(?\d{1,3}[.)/]|\(?[a-z][)]|[一二三四五六七八九十]+[、.．])[ \t]*(?=\S)")
_NUMBER_ALONE = re.compile(r"^[ \t]*\(?\d{1,3}[.)/]?[ \t]*$")
_MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+")
_TERMINAL = (".", "!", "?", ";", ":", "…", "。", "！", "？", "；", "：", "”", "\"", "」", "』", ")",
             "）", "»", "«", ",", "，", "、")
_SENTENCE_END = (".", "!", "?", "…", "。", "！", "？")
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Passage:
    """One passage of a document, before language and chrome are known.

    ``start``/``end`` index into the document text; ``text`` is exactly that slice.
    """

    start: int
    end: int
    text: str
    kind: str
    speaker: str | None = None
    role: str | None = None
    timestamp: str | None = None
    chrome: str | None = None
    meta: dict | None = None


@dataclass
class _Unit:
    start: int
    end: int
    kind: str | None  # None = paragraph or heading, decided later
    lines: int = 1
    marker: Marker | None = None
    marker_offset: int = 0  # absolute offset of the line the marker was found on
    speaker: str | None = None
    timestamp: str | None = None
    chrome: str | None = None
    meta: dict | None = None
    fixed: bool = False  # kind given by the reader


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    pos = start
    while pos <= end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        out.append((pos, stop))
        if nl == -1:
            break
        pos = nl + 1
    return out


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_cjk(s: str) -> bool:
    return len(_CJK.findall(s)) * 2 >= len(s.strip()) * 0.5 and bool(_CJK.search(s))


def _continues(prev_line: str, line: str, wrap_width: int) -> bool:
    """Is ``line`` the soft-wrapped continuation of ``prev_line`` (same paragraph)?

    ``wrap_width`` is the longest line of the blank-line group: hard-wrapped text fills its lines
    up to about that width, while one-paragraph-per-line text has long lines of any length.
    """
    prev = prev_line.rstrip()
    cur = line.lstrip()
    if not prev or not cur:
        return False
    if prev.endswith(_SENTENCE_END + ("：", ":", ";", "；")):
        # a sentence ended; a new line starting in lower case still continues ("him.Pretty" wraps)
        return cur[0].islower() and not prev.endswith((":", "："))
    if _is_cjk(prev):
        return len(prev) >= 20 and not prev.endswith(_TERMINAL) and not cur.startswith(("“", "「"))
    if cur[0].islower() or cur[0] in ",;)]":
        return True
    return (len(prev) >= 40 and wrap_width <= 120 and len(prev) >= 0.75 * wrap_width
            and not prev.endswith(_TERMINAL))


def _units_of_block(text: str, block: Block) -> list[_Unit]:
    start, end = _strip(text, block.start, block.end)
    if start >= end:
        return []
    if block.kind is not None:
        marker = None
        if block.kind in ("paragraph",) and block.speaker is None:
            marker = parse_marker(text[start:end])
        return [_Unit(start, end, block.kind, marker=marker, marker_offset=start,
                      speaker=block.speaker, timestamp=block.timestamp, chrome=block.chrome,
                      meta=block.meta, fixed=True)]
    units: list[_Unit] = []
    pending_number: int | None = None  # offset of a number alone on its line
    prev_blank = True
    lines = _lines(text, start, end)
    widths: list[int] = []  # longest line of each line's blank-line group
    group: list[int] = []
    for ls, le in lines + [(end, end)]:
        if text[ls:le].strip():
            group.append(le - ls)
            continue
        widths.extend([max(group)] * len(group) if group else [])
        widths.append(0)
        group = []
    for (ls, le), wrap_width in zip(lines, widths):
        line = text[ls:le]
        if not line.strip():
            prev_blank = True
            continue
        s, e = _strip(text, ls, le)
        current = units[-1] if units else None
        if pending_number is not None:
            units.append(_Unit(pending_number, e, "list_item", lines=2, chrome=block.chrome,
                               meta=block.meta))
            pending_number = None
            prev_blank = False
            continue
        if _NUMBER_ALONE.match(line):
            pending_number = s
            prev_blank = False
            continue
        marker = parse_marker(line)
        if _MD_HEADING.match(line):
            kind: str | None = "heading"
        elif _BULLET.match(line) or _NUMBERED.match(line):
            kind = "list_item"
        else:
            kind = None
        if (
            current is not None
            and not prev_blank
            and kind is None
            and marker is None
            and current.kind != "heading"
            and _continues(text[current.end - _last_line_len(text, current.end):current.end], line,
                           wrap_width)
        ):
            current.end = e
            current.lines += 1
        elif (
            current is not None
            and not prev_blank
            and kind is None
            and marker is None
            and current.kind == "list_item"
            and line[:1] in " \t"
        ):
            current.end = e  # indented continuation of a list item
            current.lines += 1
        else:
            units.append(_Unit(s, e, kind, marker=marker, marker_offset=ls, chrome=block.chrome,
                               meta=block.meta))
        prev_blank = False
    if pending_number is not None:
        s, e = _strip(text, pending_number, end)
        units.append(_Unit(s, e, "list_item", chrome=block.chrome, meta=block.meta))
    return units


def _last_line_len(text: str, end: int) -> int:
    nl = text.rfind("\n", 0, end)
    return end - (nl + 1)


def _is_heading(full: str, unit: _Unit, previous: _Unit | None) -> bool:
    s = full[unit.start:unit.end]
    if unit.lines > 1 or "\n" in s:
        return False
    stripped = s.strip()
    if not stripped or stripped[0].islower():
        return False
    if _is_cjk(stripped):
        return len(stripped) <= 30 and not stripped.endswith(_TERMINAL)
    if previous is not None and full[previous.start:previous.end].rstrip(" .").endswith(
        ("”", "\"", "“", "»", "«")
    ):
        return False  # attribution line below a quote
    if ". " in stripped:
        return False
    words = len(_WORDS.findall(stripped))
    if stripped.endswith("?"):
        return words <= 8
    return words <= 12 and len(stripped) <= 100 and not stripped.endswith(_TERMINAL)


def _accepted_labels(units: list[_Unit]) -> set[str]:
    markers = [u.marker for u in units if u.marker is not None]
    counts = Counter(m.key for m in markers)
    accepted = {k for k, n in counts.items() if n >= 2 or k in KNOWN_ROLE_LABELS}
    accepted |= {m.key for m in markers if m.timestamp}
    return accepted


def segment(doc: Document) -> list[Passage]:
    """Split ``doc`` into passages, in document order."""
    text = doc.text
    units: list[_Unit] = []
    for block in doc.blocks or (Block(0, len(text)),):
        units.extend(_units_of_block(text, block))

    accepted = _accepted_labels(units)
    candidates = [u for u in units if u.marker is not None]
    strong = [u for u in candidates if u.marker is not None and u.marker.key in accepted]
    distinct = {u.marker.key for u in candidates if u.marker is not None}
    reader_turns = sum(1 for u in units if u.kind == "turn")
    transcript = reader_turns > 0 or (
        (len(strong) >= 3 and len(strong) >= 0.2 * len(units))
        or (len(strong) >= 2 and len(distinct) >= 2 and len(candidates) >= 0.3 * len(units))
    )
    if transcript:
        # In a transcript every speaker-shaped label counts, also one who speaks once.
        accepted |= distinct

    passages: list[Passage] = []
    turn: _Unit | None = None
    previous: _Unit | None = None
    for unit in units:
        is_marker = transcript and unit.marker is not None and unit.marker.key in accepted
        if is_marker:
            m = unit.marker
            assert m is not None
            content_start = unit.marker_offset + m.content_start
            turn = _Unit(content_start, unit.end, "turn", speaker=m.label, timestamp=m.timestamp,
                         chrome=unit.chrome, meta=unit.meta)
            passages.append(_to_passage(text, turn))
        elif unit.kind == "turn":
            turn = unit
            passages.append(_to_passage(text, unit))
        elif transcript and turn is not None and not (unit.fixed and unit.kind == "heading"):
            # continuation of the current turn: extend the last passage
            turn.end = unit.end  # a label alone on its line: _to_passage strips up to the text
            passages[-1] = _to_passage(text, turn)
        else:
            kind = unit.kind
            if kind is None:
                kind = "heading" if _is_heading(text, unit, previous) else "paragraph"
            passages.append(_to_passage(text, replace(unit, kind=kind)))
        previous = unit

    passages = [p for p in passages if p.end > p.start]
    roles = assign_roles([(p.speaker, p.text) for p in passages if p.kind == "turn" and p.speaker])
    return [replace(p, role=roles.get(p.speaker)) if p.speaker else p for p in passages]


def _to_passage(text: str, unit: _Unit) -> Passage:
    s, e = _strip(text, unit.start, unit.end)
    return Passage(start=s, end=e, text=text[s:e], kind=unit.kind or "paragraph",
                   speaker=unit.speaker, timestamp=unit.timestamp, chrome=unit.chrome,
                   meta=unit.meta)
