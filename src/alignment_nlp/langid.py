"""Language identification of passages and documents.

Detection combines three kinds of evidence:

1. **Script.** Han characters make a text Chinese (Latin acronyms such as "CIO" inside Chinese do not
   make it English); kana makes it Japanese; the Chinese script (``Hans`` / ``Hant``) is read off with
   OpenCC's conversion tables.
2. **Character n-grams** from Lingua, restricted to the candidate languages (the strongest offline
   detector measured, see docs/benchmarks.md).
3. **Word frequencies** from wordfreq for short text (one to a few words), where n-gram models are weak.

A ``prior`` (for instance the document's language) is multiplied in last, so a one-line heading in a
Danish document is read as Danish unless its own evidence says otherwise, while an English comment
section in a Danish page stays English.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from .languages import DEFAULT_CANDIDATES, PROFILES, UNDETERMINED, normalize_lang

__all__ = [
    "LanguageResult",
    "LanguageDetector",
    "detect_language",
    "detect_languages",
    "get_detector",
    "context_prior",
]

logger = logging.getLogger(__name__)

_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|[@#]\w+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
_ACRONYM = re.compile(r"^[A-Z]{2,6}s?$")


@dataclass(frozen=True)
class LanguageResult:
    """The language of one text.

    Attributes:
        lang: ISO 639-1 code in lower case, or ``"und"`` when there is too little evidence.
        confidence: posterior probability of ``lang`` among the candidates, in [0, 1].
        script: ISO 15924 script: ``"Latn"``, ``"Hans"`` / ``"Hant"`` for Chinese, ``"Jpan"``, ...;
            ``None`` for ``und``.
    """

    lang: str
    confidence: float
    script: str | None

    def as_dict(self) -> dict[str, object]:
        return {"lang": self.lang, "confidence": round(self.confidence, 4), "script": self.script}


_UND = LanguageResult(UNDETERMINED, 0.0, None)


def context_prior(lang: str | None, strength: float = 0.6) -> dict[str, float] | None:
    """A prior that favours ``lang``: weight 1 on it and ``1 - strength`` on every other language.

    Used for the passages of a document whose language is known; ``strength`` 0.6 makes the
    document's language 2.5 times as likely a priori. ``None`` when ``lang`` is unknown.
    """
    if not lang or lang == UNDETERMINED:
        return None
    if not 0.0 < strength < 1.0:
        raise ValueError(f"The 'strength' of a prior must be a float in (0, 1). Got {strength!r}.")
    return {lang: 1.0, "*": 1.0 - strength}


@dataclass
class _Scripts:
    han: int = 0
    kana: int = 0
    hangul: int = 0
    latin: int = 0
    other: int = 0


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


def _count_scripts(text: str) -> _Scripts:
    if text.isascii():
        return _Scripts(latin=sum(ch.isalpha() for ch in text))
    s = _Scripts(han=len(_HAN.findall(text)), kana=len(_KANA.findall(text)),
                 hangul=len(_HANGUL.findall(text)), latin=len(_LATIN.findall(text)))
    return s


class _ChineseScript:
    """Tells Simplified from Traditional Chinese with OpenCC's tables (loaded once, lazily)."""

    _lock = threading.Lock()
    _t2s = None
    _s2t = None

    @classmethod
    def of(cls, text: str) -> str:
        if cls._t2s is None:
            with cls._lock:
                if cls._t2s is None:
                    import opencc

                    cls._s2t = opencc.OpenCC("s2t.json")
                    cls._t2s = opencc.OpenCC("t2s.json")
        han = "".join(ch for ch in text if 0x3400 <= ord(ch) <= 0x9FFF)
        as_simp = cls._t2s.convert(han)
        as_trad = cls._s2t.convert(han)  # type: ignore[union-attr]
        traditional_only = sum(a != b for a, b in zip(han, as_simp))
        simplified_only = sum(a != b for a, b in zip(han, as_trad))
        return "Hant" if traditional_only > simplified_only else "Hans"


@cache
def _frequency_dict(code: str) -> Mapping[str, float]:
    import wordfreq

    return wordfreq.get_frequency_dict(code, wordlist="best")


class LanguageDetector:
    """Detects the language of texts among a set of candidate languages.

    Parameters:
        candidates: ISO 639-1 codes to choose among (any spelling ``normalize_lang`` accepts).
            Defaults to :data:`alignment_nlp.languages.DEFAULT_CANDIDATES`.
        min_letters: texts with fewer letters (Han characters count double) are ``und``.
        min_confidence: a winner below this posterior is reported as ``und``.
        word_weight: weight of word-frequency evidence against Lingua's n-gram evidence for short
            text (0 switches it off).
        short_words: texts with at most this many words get word-frequency evidence.

    The detector is deterministic: the same text and prior always give the same result.
    """

    def __init__(
        self,
        candidates: Sequence[str] | None = None,
        *,
        min_letters: int = 2,
        min_confidence: float = 0.0,
        word_weight: float = 0.3,
        short_words: int = 3,
    ) -> None:
        codes = [normalize_lang(c) for c in (candidates or DEFAULT_CANDIDATES)]
        self.candidates: tuple[str, ...] = tuple(dict.fromkeys(codes))
        if not self.candidates:
            raise ValueError("The 'candidates' parameter must name at least one language. Got none.")
        if not 0.0 <= min_confidence <= 1.0:
            raise ValueError(
                "The 'min_confidence' parameter must be a float in the range [0, 1]. "
                f"Got {min_confidence!r} instead."
            )
        self.min_letters = min_letters
        self.min_confidence = min_confidence
        self.word_weight = word_weight
        self.short_words = short_words
        self._latin = tuple(c for c in self.candidates if PROFILES[c].script == "Latn")
        self._lingua = None
        self._lingua_lock = threading.Lock()

    # -- building blocks ---------------------------------------------------------------------
    def _lingua_detector(self):  # noqa: ANN202 - lingua has no type stubs
        if self._lingua is None:
            with self._lingua_lock:
                if self._lingua is None:
                    from lingua import Language, LanguageDetectorBuilder

                    langs = [getattr(Language, PROFILES[c].lingua) for c in self._latin]
                    if len(langs) == 1:
                        # Lingua needs two languages; a lone candidate always wins anyway.
                        langs.append(Language.ENGLISH if langs[0] != Language.ENGLISH
                                     else Language.DUTCH)
                    self._lingua = (
                        LanguageDetectorBuilder.from_languages(*langs)
                        .with_preloaded_language_models()
                        .build()
                    )
                    self._lingua_codes = {
                        getattr(Language, PROFILES[c].lingua): c for c in self._latin
                    }
        return self._lingua

    def _prepare(self, text: str) -> tuple[str, LanguageResult | None, list[str]]:
        """Clean ``text``; return (latin text for Lingua, decided result or None, words)."""
        text = unicodedata.normalize("NFC", _URL.sub(" ", text))
        scripts = _count_scripts(text)
        words = _WORD.findall(text)
        latin_words = [w for w in words if not _ACRONYM.match(w) and _LATIN.search(w)]
        latin_letters = sum(len(_LATIN.findall(w)) for w in latin_words)
        if scripts.kana and scripts.kana * 10 >= scripts.han + scripts.kana and "ja" in self.candidates:
            return "", LanguageResult("ja", 1.0, "Jpan"), words
        if scripts.hangul and scripts.hangul >= scripts.han and "ko" in self.candidates:
            return "", LanguageResult("ko", 1.0, "Kore"), words
        if scripts.han and scripts.han * 2 >= latin_letters and "zh" in self.candidates:
            if scripts.han * 2 < self.min_letters:
                return "", _UND, words
            conf = scripts.han * 2 / (scripts.han * 2 + latin_letters)
            return "", LanguageResult("zh", round(max(conf, 0.5), 4), _ChineseScript.of(text)), words
        if latin_letters < self.min_letters or not self._latin:
            return "", _UND, words
        return " ".join(latin_words), None, [w.lower() for w in latin_words]

    def _word_scores(self, words: list[str]) -> dict[str, float]:
        """Log-probability of the words under each candidate's unigram model."""
        floor = 1e-7
        scores: dict[str, float] = {}
        for code in self._latin:
            wf = PROFILES[code].wordfreq
            table = _frequency_dict(wf) if wf else None
            total = 0.0
            for w in words:
                f = table.get(w, 0.0) if table is not None else 0.0
                total += math.log(f + floor)
            scores[code] = total
        return scores

    def _combine(
        self, confidences: Mapping[str, float], words: list[str], prior: Mapping[str, float] | None
    ) -> LanguageResult:
        logp = {c: math.log(max(confidences.get(c, 0.0), 1e-9)) for c in self._latin}
        if self.word_weight and 0 < len(words) <= self.short_words:
            ws = self._word_scores(words)
            for c in logp:
                logp[c] += self.word_weight * ws[c]
        if prior:
            rest = prior.get("*", 1.0)
            for c in logp:
                logp[c] += math.log(max(prior.get(c, rest), 1e-9))
        top = max(logp.values())
        exp = {c: math.exp(v - top) for c, v in logp.items()}
        z = sum(exp.values())
        best = max(self._latin, key=lambda c: (exp[c], -self._latin.index(c)))
        # rounded: Lingua's parallel and sequential paths differ in the last float digits
        conf = round(exp[best] / z, 6)
        if conf < self.min_confidence:
            return LanguageResult(UNDETERMINED, conf, None)
        return LanguageResult(best, conf, "Latn")

    def _confidences(self, values) -> dict[str, float]:  # noqa: ANN001
        return {self._lingua_codes[v.language]: v.value for v in values
                if v.language in self._lingua_codes}

    # -- public ------------------------------------------------------------------------------
    def detect(self, text: str, prior: Mapping[str, float] | None = None) -> LanguageResult:
        """Detect the language of one text. ``prior`` maps codes to weights (``"*"``: the rest)."""
        return self.detect_many([text], prior)[0]

    def detect_many(
        self, texts: Iterable[str], prior: Mapping[str, float] | None = None
    ) -> list[LanguageResult]:
        """Detect the language of many texts (in order); Lingua runs them in parallel."""
        prepared = [self._prepare(t) for t in texts]
        todo = [i for i, (_, res, _) in enumerate(prepared) if res is None]
        results: list[LanguageResult | None] = [res for _, res, _ in prepared]
        if todo:
            det = self._lingua_detector()
            batch = [prepared[i][0] for i in todo]
            if len(batch) == 1:
                values = [det.compute_language_confidence_values(batch[0])]
            else:
                values = det.compute_language_confidence_values_in_parallel(batch)
            for i, vals in zip(todo, values):
                results[i] = self._combine(self._confidences(vals), prepared[i][2], prior)
        return [r if r is not None else _UND for r in results]


_default_lock = threading.Lock()
_default: dict[tuple[str, ...], LanguageDetector] = {}


def get_detector(candidates: Sequence[str] | None = None) -> LanguageDetector:
    """A shared detector for ``candidates`` (models load once per process)."""
    key = tuple(normalize_lang(c) for c in (candidates or DEFAULT_CANDIDATES))
    with _default_lock:
        if key not in _default:
            _default[key] = LanguageDetector(key)
        return _default[key]


def detect_language(
    text: str, *, candidates: Sequence[str] | None = None,
    prior: Mapping[str, float] | None = None,
) -> LanguageResult:
    """Detect the language of ``text``.

    >>> detect_language("De CIO en de CMO moeten samenwerken.").lang
    'nl'
    """
    return get_detector(candidates).detect(text, prior)


def detect_languages(
    texts: Iterable[str], *, candidates: Sequence[str] | None = None,
    prior: Mapping[str, float] | None = None,
) -> list[LanguageResult]:
    """Detect the language of each text, in order."""
    return get_detector(candidates).detect_many(texts, prior)
