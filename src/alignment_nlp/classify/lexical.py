"""A lexical model: TF-IDF word n-grams (on lemmas) and character n-grams, one linear model per theme.

Words come from :func:`alignment_nlp.lemmas.tokenize` (the same lemmas the cue matcher reads; jieba
words for Chinese), as unigrams and bigrams; characters are 2-5-grams inside word boundaries of the
lower-cased text (Traditional Chinese converted to Simplified). Evidence: the n-grams of the passage
that pushed the theme's score up most.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from ..codebook import Codebook
from ..languages import PROFILES
from ..lemmas import to_simplified, tokenize
from ._base import Inputs, ThemeClassifier
from ._heads import apply_linear_heads, fit_linear_heads
from ._registry import register_classifier

__all__ = ["LexicalThemeClassifier"]

_WORD_PARAMS = {"token_pattern": r"[^ ]+", "lowercase": False, "ngram_range": (1, 2),
                "sublinear_tf": True, "dtype": np.float32}
_CHAR_PARAMS = {"analyzer": "char_wb", "ngram_range": (2, 5), "lowercase": False,
                "sublinear_tf": True, "dtype": np.float32}


def _word_doc(text: str, lang: str) -> str:
    return " ".join(w.lemma.replace(" ", "_") for w in tokenize(text, lang))


def _char_doc(text: str, lang: str) -> str:
    profile = PROFILES.get(lang)
    if profile is not None and profile.to_simplified:
        text = to_simplified(text)
    return text.lower()


@register_classifier("alignment.Lexical.v1", alias="lexical")
class LexicalThemeClassifier(ThemeClassifier):
    """TF-IDF word and character n-grams with one logistic regression per theme.

    Parameters:
        codebook, threshold, cv: see :class:`~alignment_nlp.classify.ThemeClassifier`.
        C: inverse L2 regularisation strength of the per-theme logistic regressions.
        min_df: minimum number of passages an n-gram must occur in.
        max_char_features: cap on character n-grams (most frequent kept).
    """

    _positive_params = ("C", "min_df", "max_char_features")

    def __init__(self, codebook: Codebook | str | None = None, threshold: float | str = "tune",
                 cv: int = 3, C: float = 4.0, min_df: int = 2,
                 max_char_features: int = 40000) -> None:
        super().__init__(codebook=codebook, threshold=threshold, cv=cv)
        self.C = C
        self.min_df = min_df
        self.max_char_features = max_char_features

    def _features(self, inputs: Inputs) -> sp.csr_matrix:
        words = [_word_doc(t, lang) for t, lang in zip(inputs.texts, inputs.langs, strict=True)]
        chars = [_char_doc(t, lang) for t, lang in zip(inputs.texts, inputs.langs, strict=True)]
        return sp.hstack([self.word_vectorizer_.transform(words),
                          self.char_vectorizer_.transform(chars)]).tocsr()

    def _fit_scores(self, inputs: Inputs, Y: np.ndarray) -> None:
        self._check_params()
        min_df = self.min_df if len(inputs) >= 5 * self.min_df else 1
        self.word_vectorizer_ = TfidfVectorizer(min_df=min_df, **_WORD_PARAMS)
        self.char_vectorizer_ = TfidfVectorizer(min_df=min_df, max_features=self.max_char_features,
                                                **_CHAR_PARAMS)
        words = [_word_doc(t, lang) for t, lang in zip(inputs.texts, inputs.langs, strict=True)]
        chars = [_char_doc(t, lang) for t, lang in zip(inputs.texts, inputs.langs, strict=True)]
        try:
            w = self.word_vectorizer_.fit_transform(words)
        except ValueError:  # no word survives min_df (tiny data): keep every word
            self.word_vectorizer_ = TfidfVectorizer(min_df=1, **_WORD_PARAMS)
            w = self.word_vectorizer_.fit_transform(words)
        c = self.char_vectorizer_.fit_transform(chars)
        self.coef_, self.intercept_ = fit_linear_heads(sp.hstack([w, c]).tocsr(), Y, self.C)
        self._set_feature_names()

    def _scores(self, inputs: Inputs) -> np.ndarray:
        return apply_linear_heads(self._features(inputs), self.coef_, self.intercept_)

    def _set_feature_names(self) -> None:
        self.feature_names_ = np.concatenate([self.word_vectorizer_.get_feature_names_out(),
                                              self.char_vectorizer_.get_feature_names_out()])

    def _evidence(self, inputs: Inputs, chosen: list[list[int]], top: int = 5
                  ) -> list[dict[str, dict]]:
        labels = self.labels
        features = self._features(inputs)
        names = self.feature_names_
        n_words = len(self.word_vectorizer_.vocabulary_)
        out = []
        for i, cols in enumerate(chosen):
            row = features.getrow(i)
            ev: dict[str, dict[str, Any]] = {}
            for j in cols:
                contrib = row.multiply(self.coef_[j]).tocsr()
                if contrib.nnz == 0:
                    continue
                order = np.argsort(-contrib.data)
                words = [str(names[contrib.indices[o]]).replace("_", " ")
                         for o in order if contrib.indices[o] < n_words and contrib.data[o] > 0]
                ev[labels[j]] = {"features": words[:top]}
            out.append(ev)
        return out

    # ------------------------------------------------------------------ persistence
    def _state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        state = {"word_vocabulary": {k: int(v) for k, v in self.word_vectorizer_.vocabulary_.items()},
                 "char_vocabulary": {k: int(v) for k, v in self.char_vectorizer_.vocabulary_.items()}}
        arrays = {"word_idf": self.word_vectorizer_.idf_.astype(np.float32),
                  "char_idf": self.char_vectorizer_.idf_.astype(np.float32),
                  "coef": self.coef_, "intercept": self.intercept_}
        return state, arrays

    def _set_state(self, state: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
        self.word_vectorizer_ = TfidfVectorizer(vocabulary=dict(state["word_vocabulary"]),
                                                **_WORD_PARAMS)
        self.word_vectorizer_.idf_ = arrays["word_idf"]
        self.char_vectorizer_ = TfidfVectorizer(vocabulary=dict(state["char_vocabulary"]),
                                                **_CHAR_PARAMS)
        self.char_vectorizer_.idf_ = arrays["char_idf"]
        self.coef_ = arrays["coef"]
        self.intercept_ = arrays["intercept"]
        self._set_feature_names()
