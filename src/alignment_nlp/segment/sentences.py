"""Sentences and words inside passages, with spaCy blank pipelines and the sentencizer.

One pipeline per language, built from the language profile: ``spacy.blank(lang)`` plus the
rule-based ``sentencizer``; Chinese words are segmented with jieba. No trained spaCy pipeline is
needed (none exists offline for nl/de/da/zh).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from ..languages import PROFILES

__all__ = ["Sentence", "split_sentences", "get_nlp"]

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_pipelines: dict[str, Any] = {}

# Sentence-final punctuation beyond the sentencizer's defaults: full-width forms used in Chinese.
_EXTRA_PUNCT = ["。", "！", "？", "…", "!", "?", ".", "；"]


@dataclass(frozen=True)
class Sentence:
    """A sentence: offsets relative to the passage text, and its number of words (tokens)."""

    start: int
    end: int
    n_tokens: int


def get_nlp(lang: str | None) -> Any:
    """The cached spaCy blank pipeline with a sentencizer for ``lang`` (``xx`` when unknown)."""
    profile = PROFILES.get(lang or "")
    spacy_lang = profile.spacy_lang if profile and profile.spacy_lang else "xx"
    with _lock:
        if spacy_lang not in _pipelines:
            import spacy
            from spacy.pipeline.sentencizer import Sentencizer


            config: dict[str, Any] = {}
            if profile is not None and profile.word_segmenter == "jieba":
                import jieba

                # jieba sets its logger to DEBUG with its own handler on import; keep it quiet.
                jieba.setLogLevel(logging.WARNING)
            if profile is not None and profile.word_segmenter:
                config = {"nlp": {"tokenizer": {"segmenter": profile.word_segmenter}}}
            try:
                nlp = spacy.blank(spacy_lang, config=config)
            except (ImportError, OSError, ValueError) as exc:  # pragma: no cover - depends on install
                logger.warning("spaCy has no usable %r pipeline (%s); using 'xx'", spacy_lang, exc)
                nlp = spacy.blank("xx")
            nlp.add_pipe("sentencizer",
                         config={"punct_chars": sorted(set(Sentencizer.default_punct_chars)
                                                       | set(_EXTRA_PUNCT))})
            _pipelines[spacy_lang] = nlp
        return _pipelines[spacy_lang]


def split_sentences(text: str, lang: str | None) -> list[Sentence]:
    """Split ``text`` into sentences with the pipeline for ``lang``."""
    if not text.strip():
        return []
    doc = get_nlp(lang)(text)
    out = []
    for sent in doc.sents:
        tokens = [t for t in sent if not t.is_space and not t.is_punct]
        start = sent.start_char
        end = sent.end_char
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append(Sentence(start, end, len(tokens)))
    return out
