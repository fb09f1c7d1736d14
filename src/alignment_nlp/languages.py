"""Per-language behaviour as data: one frozen profile per language.

Nothing else in the package branches on a language code; stages look up what they need here
(spaCy class, word segmenter, script, Lingua name, word-frequency list, speaker role labels).
Language codes are normalised in one place, :func:`normalize_lang`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .errors import UnknownLanguageError

__all__ = [
    "LanguageProfile",
    "PROFILES",
    "TARGET_LANGUAGES",
    "DEFAULT_CANDIDATES",
    "EXTENDED_CANDIDATES",
    "UNDETERMINED",
    "get_profile",
    "normalize_lang",
]

UNDETERMINED = "und"


@dataclass(frozen=True)
class LanguageProfile:
    """What alignment-nlp knows about one language.

    Attributes:
        code: ISO 639-1 code, lower case (``"nl"``).
        name: English name.
        lingua: name of the ``lingua.Language`` member (``"DUTCH"``).
        script: ISO 15924 script the language is written in (``"Latn"``, ``"Hani"``).
        spacy_lang: language code of the spaCy blank pipeline, or ``None`` when spaCy has none.
        word_segmenter: ``None`` for whitespace languages, else the spaCy segmenter name (``"jieba"``).
        wordfreq: code of the wordfreq list used as word-level evidence for short text, or ``None``.
        target: one of the four languages the project codes (nl, de, da, zh).
        interviewer_labels: speaker labels (lower case) that mean "the interviewer".
        respondent_labels: speaker labels (lower case) that mean "a respondent".
        lemmatizer: ``"spacy"`` (spaCy lookup tables from spacy-lookups-data), ``"simplemma"``, or
            ``None`` (lower-cased word forms; Chinese words come from the word segmenter).
        compounds: the language writes compounds as one word (``budgetverantwortung``), so a cue
            term also matches as the head or the start of a longer word.
        to_simplified: convert Traditional Chinese to Simplified before matching words.
    """

    code: str
    name: str
    lingua: str
    script: str
    spacy_lang: str | None = None
    word_segmenter: str | None = None
    wordfreq: str | None = None
    target: bool = False
    interviewer_labels: frozenset[str] = field(default_factory=frozenset)
    respondent_labels: frozenset[str] = field(default_factory=frozenset)
    lemmatizer: str | None = None
    compounds: bool = False
    to_simplified: bool = False


_COMMON_INTERVIEWER = {"i", "q", "int", "interviewer", "moderator", "host", "mod"}
_COMMON_RESPONDENT = {"a", "r", "respondent", "interviewee", "participant", "guest"}


def _labels(*groups: set[str] | frozenset[str]) -> frozenset[str]:
    out: set[str] = set()
    for g in groups:
        out |= set(g)
    return frozenset(out)


_PROFILES: dict[str, LanguageProfile] = {
    p.code: p
    for p in (
        LanguageProfile(
            "nl", "Dutch", "DUTCH", "Latn", spacy_lang="nl", wordfreq="nl", target=True,
            lemmatizer="spacy", compounds=True,
            interviewer_labels=_labels(_COMMON_INTERVIEWER, {"interviewster", "vraag", "v",
                                                            "journalist", "gespreksleider"}),
            respondent_labels=_labels(_COMMON_RESPONDENT, {"antwoord", "deelnemer", "geïnterviewde",
                                                          "respondente"}),
        ),
        LanguageProfile(
            "de", "German", "GERMAN", "Latn", spacy_lang="de", wordfreq="de", target=True,
            lemmatizer="spacy", compounds=True,
            interviewer_labels=_labels(_COMMON_INTERVIEWER, {"interviewerin", "moderatorin", "frage",
                                                            "f", "journalist", "journalistin"}),
            respondent_labels=_labels(_COMMON_RESPONDENT, {"antwort", "befragte", "befragter",
                                                          "teilnehmer", "teilnehmerin", "b"}),
        ),
        LanguageProfile(
            "da", "Danish", "DANISH", "Latn", spacy_lang="da", wordfreq="da", target=True,
            lemmatizer="simplemma", compounds=True,
            interviewer_labels=_labels(_COMMON_INTERVIEWER, {"intervieweren", "spørgsmål", "s",
                                                            "ordstyrer", "journalist"}),
            respondent_labels=_labels(_COMMON_RESPONDENT, {"svar", "deltager", "informant"}),
        ),
        LanguageProfile(
            "zh", "Chinese", "CHINESE", "Hani", spacy_lang="zh", word_segmenter="jieba",
            wordfreq="zh", target=True, to_simplified=True,
            interviewer_labels=_labels(_COMMON_INTERVIEWER, {"主持人", "采访者", "訪問者", "访谈者",
                                                            "訪談者", "记者", "記者", "问", "問"}),
            respondent_labels=_labels(_COMMON_RESPONDENT, {"受访者", "受訪者", "嘉宾", "嘉賓", "答"}),
        ),
        LanguageProfile("en", "English", "ENGLISH", "Latn", spacy_lang="en", wordfreq="en",
                        lemmatizer="simplemma",
                        interviewer_labels=frozenset(_COMMON_INTERVIEWER),
                        respondent_labels=frozenset(_COMMON_RESPONDENT)),
        LanguageProfile("af", "Afrikaans", "AFRIKAANS", "Latn", spacy_lang="af"),
        LanguageProfile("nb", "Norwegian Bokmål", "BOKMAL", "Latn", spacy_lang="nb", wordfreq="nb",
                        lemmatizer="simplemma", compounds=True),
        LanguageProfile("nn", "Norwegian Nynorsk", "NYNORSK", "Latn"),
        LanguageProfile("sv", "Swedish", "SWEDISH", "Latn", spacy_lang="sv", wordfreq="sv",
                        lemmatizer="simplemma", compounds=True),
        LanguageProfile("ja", "Japanese", "JAPANESE", "Jpan", spacy_lang="ja"),
        LanguageProfile("fr", "French", "FRENCH", "Latn", spacy_lang="fr", wordfreq="fr"),
        LanguageProfile("es", "Spanish", "SPANISH", "Latn", spacy_lang="es", wordfreq="es"),
        LanguageProfile("it", "Italian", "ITALIAN", "Latn", spacy_lang="it", wordfreq="it"),
        LanguageProfile("pt", "Portuguese", "PORTUGUESE", "Latn", spacy_lang="pt", wordfreq="pt"),
        LanguageProfile("pl", "Polish", "POLISH", "Latn", spacy_lang="pl", wordfreq="pl"),
        LanguageProfile("ko", "Korean", "KOREAN", "Hang", spacy_lang="ko"),
    )
}

#: Every language alignment-nlp has a profile for, by ISO 639-1 code (read-only).
PROFILES: Mapping[str, LanguageProfile] = MappingProxyType(_PROFILES)

#: The four languages the project codes.
TARGET_LANGUAGES: tuple[str, ...] = tuple(c for c, p in _PROFILES.items() if p.target)

#: Languages the detector chooses among by default: the four and their usual confusers.
DEFAULT_CANDIDATES: tuple[str, ...] = ("nl", "de", "da", "zh", "en", "af", "nb", "nn", "sv", "ja")

#: A wider set for corpora with other European languages (slower: Lingua's cost grows with the
#: number of candidates; see docs/benchmarks.md).
EXTENDED_CANDIDATES: tuple[str, ...] = DEFAULT_CANDIDATES + ("fr", "es", "it", "pt", "pl", "ko")

_ALIASES = {
    "no": "nb", "nob": "nb", "nno": "nn", "nor": "nb",
    "nld": "nl", "dut": "nl", "vls": "nl", "deu": "de", "ger": "de", "gsw": "de",
    "dan": "da", "zho": "zh", "chi": "zh", "cmn": "zh", "yue": "zh", "wuu": "zh",
    "zh-cn": "zh", "zh-tw": "zh", "zh-hk": "zh", "zh-hans": "zh", "zh-hant": "zh",
    "eng": "en", "afr": "af", "swe": "sv", "jpn": "ja",
}


def normalize_lang(code: str) -> str:
    """Return the canonical ISO 639-1 code for ``code`` (``"NL-be"`` -> ``"nl"``, ``"no"`` -> ``"nb"``).

    Raises:
        UnknownLanguageError: when the code names no language with a profile.
    """
    key = code.strip().lower().replace("_", "-")
    if key in _ALIASES:
        return _ALIASES[key]
    if key in _PROFILES:
        return key
    base = key.split("-", 1)[0]
    base = _ALIASES.get(base, base)
    if base in _PROFILES:
        return base
    raise UnknownLanguageError(
        f"No language profile for {code!r}. Known languages: {', '.join(sorted(_PROFILES))}."
    )


def get_profile(code: str) -> LanguageProfile:
    """The profile of ``code`` (any spelling :func:`normalize_lang` accepts)."""
    return _PROFILES[normalize_lang(code)]
