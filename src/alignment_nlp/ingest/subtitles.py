"""Subtitles and meeting transcripts (.vtt, .srt) from Zoom, Teams, Otter and others.

Cues are merged into speaker turns: a turn starts at a cue with a new speaker, named by a WebVTT
voice tag (``<v Anna de Vries>``, Teams) or a ``Name:`` label inside the cue text (Zoom, Otter,
SRT), and runs over the following cues without a speaker. Each turn is rendered as
``[start] Speaker: text`` and its block covers the spoken text; the turn keeps the start time of its
first cue as ``timestamp`` and the end time of its last cue in ``meta``. Without any speaker, cues
are merged into paragraphs that end at sentence-final punctuation.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from ..errors import CorruptFileError, EmptyDocumentError
from ..speakers import parse_marker
from . import register_reader
from ._builder import TextBuilder
from ._decode import decode_bytes, normalize_text
from ._model import Document

_TAG = re.compile(r"</?[^>]+>")
_SENTENCE_END = ("." , "!", "?", "。", "！", "？", "…", '"', "”")


@dataclass
class _Turn:
    speaker: str | None
    start: str
    end: str
    texts: list[str] = field(default_factory=list)
    times: list[tuple[str, str]] = field(default_factory=list)  # (start, end) of each text's cue

    def add(self, text: str, start: str, end: str) -> None:
        self.texts.append(text)
        self.times.append((start, end))
        self.end = end


def _clean(text: str) -> str:
    return "\n".join(line.strip() for line in _TAG.sub("", text).split("\n") if line.strip())


def _turns(captions) -> list[_Turn]:  # noqa: ANN001
    turns: list[_Turn] = []
    for cap in captions:
        voice = getattr(cap, "voice", None)
        text = _clean(cap.raw_text if hasattr(cap, "raw_text") else cap.text)
        if not text:
            continue
        speaker = voice.strip() if voice else None
        if speaker is None:
            marker = parse_marker(text)
            if marker is not None:
                speaker = marker.label
                text = text[marker.content_start:].strip()
        current = turns[-1] if turns else None
        if current is None or (speaker is not None and speaker != current.speaker):
            current = _Turn(speaker, cap.start, cap.end)
            turns.append(current)
        current.add(text, cap.start, cap.end)
    return turns


def _paragraphs(turns: list[_Turn]) -> list[_Turn]:
    """Without speakers: split the single run of cues at sentence ends."""
    out: list[_Turn] = []
    for turn in turns:
        current: _Turn | None = None
        for text, (start, end) in zip(turn.texts, turn.times, strict=True):
            if current is None:  # a paragraph starts when its first cue does
                current = _Turn(None, start, end)
                out.append(current)
            current.add(text, start, end)
            if text.rstrip().endswith(_SENTENCE_END):
                current = None
    return out


def _unread_blocks(text: str, fmt: str) -> list[tuple[int, str]]:
    """``(line number, first line)`` of each block that webvtt-py passes over without a word (a
    cue whose timing line is broken is dropped whole), so that it is reported rather than lost.
    Blocks are told apart with webvtt-py's own tests; the header and NOTE, STYLE and REGION
    blocks hold no speech."""
    from webvtt import srt, vtt

    out: list[tuple[int, str]] = []
    block: list[str] = []
    first = 0
    for n, line in enumerate([*text.splitlines(), ""], 1):
        if line.strip():
            first = first if block else n
            block.append(line)
            continue
        if not block:
            continue
        if fmt == "srt":
            read = srt.SRTCueBlock.is_valid(block)
        else:
            read = (first == 1 and block[0].startswith("WEBVTT")) or block[0].startswith(
                ("NOTE", "STYLE", "REGION")) or vtt.WebVTTCueBlock.is_valid(block)
        if not read:
            out.append((first, block[0]))
        block = []
    return out


def _read(path: str, data: bytes, fmt: str) -> Document:
    import webvtt
    from webvtt.errors import MalformedFileError

    text, encoding = decode_bytes(data, path)
    text = normalize_text(text)
    expected = ("a WEBVTT header and cues 'HH:MM:SS.mmm --> HH:MM:SS.mmm'" if fmt == "vtt"
                else "numbered cues with 'HH:MM:SS,mmm --> HH:MM:SS,mmm' lines")
    try:
        parsed = webvtt.from_buffer(io.StringIO(text), format=fmt)
        captions = list(parsed.captions)
    except (MalformedFileError, ValueError, IndexError) as exc:
        raise CorruptFileError(f"malformed {fmt.upper()} file ({exc}); expected {expected}.",
                               path=path) from exc
    unread = _unread_blocks(text, fmt)
    if not captions:
        where = (f"; line {unread[0][0]} ({unread[0][1][:60]!r}) is not a cue: expected "
                 f"{expected}" if unread else "")
        raise EmptyDocumentError(f"the {fmt.upper()} file has no cues{where}.", path=path)
    warnings = tuple(f"line {n}: not read as a cue, its text is left out ({line[:60]!r}; "
                     f"expected {expected})" for n, line in unread)
    turns = _turns(captions)
    has_speakers = any(t.speaker for t in turns)
    if not has_speakers:
        turns = _paragraphs(turns)
    builder = TextBuilder()
    for turn in turns:
        prefix = f"[{turn.start}] " + (f"{turn.speaker}: " if turn.speaker else "")
        builder.add(
            "\n".join(turn.texts),
            kind="turn" if has_speakers else "paragraph",
            prefix=prefix,
            speaker=turn.speaker,
            timestamp=turn.start,
            meta={"end": turn.end},
        )
    doc = builder.build(path, fmt, encoding, meta={"cues": len(captions)}, warnings=warnings)
    if not doc.text.strip():
        raise EmptyDocumentError(f"the {fmt.upper()} cues hold no text.", path=path)
    return doc


@register_reader(".vtt", format="vtt")
def read_vtt(path: str, data: bytes) -> Document:
    return _read(path, data, "vtt")


@register_reader(".srt", format="srt")
def read_srt(path: str, data: bytes) -> Document:
    return _read(path, data, "srt")
