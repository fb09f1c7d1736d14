"""Speaker markers at the start of a transcript line, and speaker roles.

Understands the conventions researchers' transcripts use (see docs/formats.md): ``Interviewer:``,
``I:``, ``R1:``, ``Q:``/``A:``, ``@Name:``, ``[Name]``, ``NAME:``, the full-width colon ``：`` of Chinese
transcripts, and timestamps such as ``[00:01:23]``, ``(01:23)``, ``#00:01:23.456#`` or a bare
``00:01:23`` before or after the name. Whether a parsed marker really is a speaker is decided per
document by the segmenter (a label must recur, or be a known role label, or carry a timestamp),
so that ``Datum: 05-06-2018`` in an article is not mistaken for a speaker.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .languages import PROFILES

__all__ = [
    "Marker",
    "parse_marker",
    "NOT_SPEAKERS",
    "KNOWN_ROLE_LABELS",
    "role_of_label",
    "assign_roles",
]

_TS = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TSW = rf"(?:\[{_TS}\]|\({_TS}\)|\#{_TS}\#|{_TS})"
_L = "A-Za-zÀ-ÖØ-öø-ɏ"
_NAME_LATIN = rf"[{_L}][{_L}0-9.'’\-]*(?:[ ][{_L}0-9.'’\-]+){{0,3}}"
_NAME_CJK = r"[\u3400-\u9fff]{1,8}[A-Za-z0-9]?"
_NAME = rf"(?:{_NAME_CJK}|{_NAME_LATIN})"

_MARKER = re.compile(
    rf"""
    ^[ \t]*
    (?:(?P<ts1>{_TSW})[ \t]*(?:[-–][ \t]*)?)?
    (?:
        \[(?P<bracket>{_NAME})\](?:[ \t]*(?P<ts2b>{_TSW}))?[ \t]*[:：]?
      | (?P<at>@)?(?P<name>{_NAME})(?:[ \t]*(?P<ts2>{_TSW}))?[ \t]*[:：]
    )
    [ \t]*
    """,
    re.VERBOSE,
)

#: Lower-case labels that look like ``Label:`` but are page metadata or prose, never speakers.
NOT_SPEAKERS: frozenset[str] = frozenset({
    "datum", "date", "categorie", "category", "categories", "kategorie", "kategori", "tags", "tag",
    "bron", "quelle", "kilde", "source", "foto", "photo", "bild", "billede", "tel", "telefon",
    "email", "e-mail", "website", "url", "http", "https", "posted", "gepubliceerd", "note", "noot",
    "hinweis", "anmerkung", "update", "lees ook", "zie ook", "siehe auch", "se også", "tip", "tipp",
    "let op", "achtung", "conclusie", "fazit", "konklusion", "conclusion", "summary", "samenvatting",
    "zusammenfassung", "resumé", "ps", "p.s", "nb", "vraag", "frage", "antwoord", "antwort",
    "来源", "作者", "声明", "發布時間", "发布时间", "日期", "标签", "分类", "编辑", "责任编辑",
    "关键词", "注", "结论", "摘要", "时间", "時間", "地点", "地點", "ort", "sted", "plaats", "locatie",
    "location", "place", "time", "tijd", "zeit", "tid", "dato", "deelnemers", "teilnehmer",
    "deltagere", "participants", "参与者", "duur", "dauer", "varighed", "duration", "titel", "title",
    "onderwerp", "thema", "emne", "subject", "topic", "betreff", "re", "aw", "fw", "wg",
})

#: Every interviewer or respondent label any language profile knows (lower case).
KNOWN_ROLE_LABELS: frozenset[str] = frozenset().union(
    *(p.interviewer_labels | p.respondent_labels for p in PROFILES.values())
)
_RESPONDENT_CODE = re.compile(r"^(?:r|p|b|a|resp|respondent|deelnemer|teilnehmer|受访者)\s*\d+[a-z]?$",
                              re.IGNORECASE)
_INTERVIEWER_CODE = re.compile(r"^(?:i|int|interviewer|q)\s*\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class Marker:
    """A speaker marker at the start of a line.

    ``label`` is the speaker as written, without ``@``, brackets or colon; ``content_start`` is the
    offset (relative to the line) where the spoken text begins.
    """

    label: str
    timestamp: str | None
    content_start: int

    @property
    def key(self) -> str:
        return self.label.casefold()


def parse_marker(line: str) -> Marker | None:
    """Parse a speaker marker at the start of ``line``; ``None`` when there is none.

    >>> parse_marker("[00:01:23] Interviewer: Hoe begon het?")
    Marker(label='Interviewer', timestamp='00:01:23', content_start=23)
    """
    m = _MARKER.match(line)
    if not m:
        return None
    label = (m.group("bracket") or m.group("name") or "").strip()
    if not label or label.casefold() in NOT_SPEAKERS:
        return None
    # "Name:" with nothing but a URL or a time after it ("http://", "Tijd: 10:00") is no speaker.
    rest = line[m.end():]
    if rest.startswith("//"):
        return None
    ts = m.group("ts1") or m.group("ts2") or m.group("ts2b")
    if ts:
        ts = ts.strip("[]()#")
    # A [Name] marker without colon must be followed by text or end the line.
    if m.group("bracket") and not (rest == "" or line[m.end() - 1] in " \t:："):
        return None
    if not m.group("bracket") and len(label.split()) > 1 and not ts:
        # Multi-word labels must look like names: every word capitalised ("Anna de Vries" allowed).
        words = label.split()
        if not words[0][0].isupper() or not (words[-1][0].isupper() or words[-1].isdigit()):
            return None
    return Marker(label=label, timestamp=ts, content_start=m.end())


def role_of_label(label: str) -> str | None:
    """``"interviewer"``, ``"respondent"`` or ``None`` from the label alone."""
    key = label.casefold().strip()
    for p in PROFILES.values():
        if key in p.interviewer_labels:
            return "interviewer"
    for p in PROFILES.values():
        if key in p.respondent_labels:
            return "respondent"
    if _INTERVIEWER_CODE.match(key):
        return "interviewer"
    if _RESPONDENT_CODE.match(key):
        return "respondent"
    return None


def assign_roles(turns: Sequence[tuple[str, str]]) -> dict[str, str | None]:
    """Map each speaker to a role from ``(speaker, text)`` turns.

    Labels that name a role decide it. Otherwise, in an interview with two or more speakers, the
    speaker whose turns most often end in a question (at least half of them) is the interviewer and
    the others are respondents.
    """
    roles: dict[str, str | None] = {}
    for speaker, _ in turns:
        if speaker not in roles:
            roles[speaker] = role_of_label(speaker)
    unknown = [s for s, r in roles.items() if r is None]
    if not unknown:
        return roles
    questions: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for speaker, text in turns:
        counts[speaker] += 1
        if text.rstrip().endswith(("?", "？")):
            questions[speaker] += 1
    has_interviewer = any(r == "interviewer" for r in roles.values())
    if not has_interviewer and len(roles) >= 2:
        best = max(unknown, key=lambda s: (questions[s] / counts[s], counts[s]))
        if questions[best] / counts[best] >= 0.5:
            roles[best] = "interviewer"
            has_interviewer = True
    if has_interviewer:
        for s in unknown:
            if roles[s] is None:
                roles[s] = "respondent"
    return roles

