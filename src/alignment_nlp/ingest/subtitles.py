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
        if current is not None and (speaker is None or speaker == current.speaker):
            current.texts.append(text)
            current.end = cap.end
            continue
        turns.append(_Turn(speaker, cap.start, cap.end, [text] if text else []))
    return turns


def _paragraphs(turns: list[_Turn]) -> list[_Turn]:
    """Without speakers: split the single run of cues at sentence ends."""
    out: list[_Turn] = []
    for turn in turns:
        current: _Turn | None = None
        for text in turn.texts:
            if current is None:
                current = _Turn(None, turn.start, turn.end)
                out.append(current)
            current.texts.append(text)
            if text.rstrip().endswith(_SENTENCE_END):
                current = None
    return out


def _read(path: str, data: bytes, fmt: str) -> Document:
    import webvtt
    from webvtt.errors import MalformedFileError

    text, encoding = decode_bytes(data, path)
    text = normalize_text(text)
    try:
        parsed = webvtt.from_buffer(io.StringIO(text), format=fmt)
        captions = list(parsed.captions)
    except (MalformedFileError, ValueError, IndexError) as exc:
        expected = ("a WEBVTT header and cues 'HH:MM:SS.mmm --> HH:MM:SS.mmm'" if fmt == "vtt"
                    else "numbered cues with 'HH:MM:SS,mmm --> HH:MM:SS,mmm' lines")
        raise CorruptFileError(f"malformed {fmt.upper()} file ({exc}); expected {expected}.",
                               path=path) from exc
    if not captions:
        raise EmptyDocumentError(f"the {fmt.upper()} file has no cues.", path=path)
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
    doc = builder.build(path, fmt, encoding, meta={"cues": len(captions)})
    if not doc.text.strip():
        raise EmptyDocumentError(f"the {fmt.upper()} cues hold no text.", path=path)
    return doc


@register_reader(".vtt", format="vtt")
def read_vtt(path: str, data: bytes) -> Document:
    return _read(path, data, "vtt")


@register_reader(".srt", format="srt")
def read_srt(path: str, data: bytes) -> Document:
    return _read(path, data, "srt")
