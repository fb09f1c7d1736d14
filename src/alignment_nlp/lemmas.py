"""Words and their lemmas, per language, with character offsets into the original text.

The lemmatiser of each language is data in its :class:`~alignment_nlp.languages.LanguageProfile`:
spaCy's lookup tables (spacy-lookups-data) for Dutch and German, simplemma for Danish, jieba words on
Simplified characters for Chinese (Traditional is converted with OpenCC first). Cue-term matching
and the lexical classifier both read words through :func:`tokenize`, so they see the same words.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .languages import PROFILES
from .segment.sentences import get_nlp

__all__ = ["Word", "tokenize", "lemma_sequence", "to_simplified"]

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_tables: dict[str, Callable[[str], str]] = {}


@dataclass(frozen=True)
class Word:
    """A word of a text: ``text[start:end]`` is its surface form; ``lemma`` is lower case."""

    start: int
    end: int
    lemma: str


@lru_cache(maxsize=1)
def _t2s():  # noqa: ANN202 - opencc has no type stubs
    import opencc

    return opencc.OpenCC("t2s.json")


def to_simplified(text: str) -> str:
    """Traditional -> Simplified Chinese, keeping the length (so offsets stay valid)."""
    conv = _t2s().convert(text)
    if len(conv) == len(text):
        return conv
    return "".join(c if len(c) == 1 else o for o, c in zip(text, map(_t2s().convert, text),
                                                            strict=True))


def _lemmatizer(lang: str) -> Callable[[str], str]:
    with _lock:
        if lang in _tables:
            return _tables[lang]
        profile = PROFILES.get(lang)
        kind = profile.lemmatizer if profile else None
        fn: Callable[[str], str] = str.lower
        if kind == "spacy":
            try:
                from spacy.lookups import load_lookups

                table = load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")

                def fn(word: str, _t=table) -> str:
                    return (_t.get(word) or _t.get(word.lower()) or _t.get(word.capitalize())
                            or word).lower()
            except (ImportError, ValueError, KeyError) as exc:  # pragma: no cover - install issue
                logger.warning("no spaCy lookup lemmas for %r (%s); using lower-cased words",
                               lang, exc)
        elif kind == "simplemma":
            import simplemma

            def fn(word: str, _lang=lang) -> str:
                return simplemma.lemmatize(word, lang=_lang).lower()
        _tables[lang] = lru_cache(maxsize=200_000)(fn)
        return _tables[lang]


def tokenize(text: str, lang: str | None) -> list[Word]:
    """The words of ``text`` (no spaces or punctuation) with lemmas, by ``lang``'s profile."""
    profile = PROFILES.get(lang or "")
    if profile is not None and profile.to_simplified:
        text = to_simplified(text)
    doc = get_nlp(lang).make_doc(text)
    lemmatize = _lemmatizer(lang or "")
    out = []
    for tok in doc:
        if tok.is_space or tok.is_punct:
            continue
        surface = tok.text
        out.append(Word(tok.idx, tok.idx + len(surface), lemmatize(surface)))
    return out


def lemma_sequence(phrase: str, lang: str | None) -> tuple[str, ...]:
    """The lemmas of a cue phrase, as :func:`tokenize` would produce them in running text."""
    return tuple(w.lemma for w in tokenize(phrase, lang))
