"""Cue-term matching: the codebook's cue terms found in a passage's lemmas. No training needed.

Each theme's cue terms (single lemmas and phrases, per language) are lemmatised the same way as the
passage (:mod:`alignment_nlp.lemmas`), so ``vertrouwden`` matches the cue ``vertrouwen`` and
``Abteilungen`` matches ``Abteilung``. In languages that write compounds as one word, a cue of at
least ``compound_min_len`` letters also matches at the start or end of a longer word
(``marketingbudget``, ``budgetverantwortung``). The score of a theme grows with the number of
distinct cues found: ``1 - exp(-n / saturation)``. Boilerplate is scored from the chrome patterns of
:mod:`alignment_nlp.chrome`. Evidence: every cue matched, with its character span.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..chrome import chrome_category
from ..codebook import Codebook
from ..languages import PROFILES
from ..lemmas import Word, lemma_sequence, tokenize
from ._base import Inputs, ThemeClassifier
from ._registry import register_classifier

__all__ = ["CueTermClassifier"]


@register_classifier("alignment.Cues.v1", alias="cues")
class CueTermClassifier(ThemeClassifier):
    """Scores themes by the codebook's cue terms found in each passage's lemmas.

    Parameters:
        codebook: see :class:`~alignment_nlp.classify.ThemeClassifier`.
        threshold: ``"tune"`` learns per-theme thresholds in :meth:`fit`; unfitted, 0.5 is used.
        cv: folds for threshold tuning.
        saturation: distinct cues at which a theme's score reaches 0.63 (``1 - 1/e``).
        compound_min_len: shortest cue (in letters) matched inside compound words.
    """

    _needs_fit = False
    _positive_params = ("saturation", "compound_min_len")

    def __init__(self, codebook: Codebook | str | None = None, threshold: float | str = "tune",
                 cv: int = 3, saturation: float = 1.0, compound_min_len: int = 5) -> None:
        super().__init__(codebook=codebook, threshold=threshold, cv=cv)
        self.saturation = saturation
        self.compound_min_len = compound_min_len

    # Matchers are derived data (rebuilt from the codebook), cached per instance and language.
    def _matcher(self, lang: str) -> dict[str, list[tuple[tuple[str, ...], int, str]]]:
        cache = self.__dict__.setdefault("_matchers", {})
        key = (lang, id(self._codebook()))
        if key not in cache:
            by_first: dict[str, list[tuple[tuple[str, ...], int, str]]] = defaultdict(list)
            for j, theme in enumerate(self._codebook().themes):
                for cue in theme.cues.get(lang, ()):
                    seq = lemma_sequence(cue, lang)
                    if seq:
                        by_first[seq[0]].append((seq, j, cue))
            cache[key] = dict(by_first)
        return cache[key]

    def _matches(self, text: str, lang: str) -> list[tuple[int, str, int, int]]:
        """(theme column, cue, start, end) for every cue occurrence in ``text``."""
        matcher = self._matcher(lang)
        if not matcher:
            return []
        profile = PROFILES.get(lang)
        compounds = bool(profile and profile.compounds)
        words: list[Word] = tokenize(text, lang)
        found = []
        for i, w in enumerate(words):
            for seq, j, cue in matcher.get(w.lemma, ()):
                if tuple(x.lemma for x in words[i:i + len(seq)]) == seq:
                    found.append((j, cue, w.start, words[i + len(seq) - 1].end))
        if compounds:
            # a word already matched exactly for a theme does not count again for that theme
            exact = {(j, start, end) for j, _, start, end in found}
            singles = self._compound_cues(lang)
            for w in words:
                lemma = w.lemma
                if len(lemma) <= self.compound_min_len:
                    continue
                for cue_lemma, j, cue in singles:
                    if (j, w.start, w.end) in exact:
                        continue
                    if lemma != cue_lemma and (lemma.startswith(cue_lemma)
                                               or lemma.endswith(cue_lemma)):
                        found.append((j, cue, w.start, w.end))
                        exact.add((j, w.start, w.end))
        return found

    def _compound_cues(self, lang: str) -> list[tuple[str, int, str]]:
        cache = self.__dict__.setdefault("_compound", {})
        key = (lang, id(self._codebook()), self.compound_min_len)
        if key not in cache:
            cache[key] = [(seq[0], j, cue) for entries in self._matcher(lang).values()
                          for seq, j, cue in entries
                          if len(seq) == 1 and len(seq[0]) >= self.compound_min_len]
        return cache[key]

    def _fit_scores(self, inputs: Inputs, Y: np.ndarray) -> None:
        """Nothing to learn: the cue terms come from the codebook."""

    def out_of_fold_scores(self, X: Any, Y: np.ndarray) -> np.ndarray:
        """Nothing is learned, so every score is already out of fold."""
        from ._base import as_inputs

        return self._scores(as_inputs(X))

    def _scores(self, inputs: Inputs) -> np.ndarray:
        self._check_params()
        n_themes = len(self._codebook().themes)
        out = np.zeros((len(inputs), n_themes + 1))
        for i, (text, lang) in enumerate(zip(inputs.texts, inputs.langs, strict=True)):
            per_theme: dict[int, set[str]] = defaultdict(set)
            for j, cue, _, _ in self._matches(text, lang):
                per_theme[j].add(cue)
            for j, cues in per_theme.items():
                out[i, j] = 1.0 - np.exp(-len(cues) / self.saturation)
            out[i, n_themes] = 1.0 if chrome_category(text) else 0.0
        return out

    def _evidence(self, inputs: Inputs, chosen: list[list[int]]) -> list[dict[str, dict]]:
        labels = self.labels
        n_themes = len(labels) - 1
        out = []
        for i, cols in enumerate(chosen):
            text, lang = inputs.texts[i], inputs.langs[i]
            ev: dict[str, dict[str, Any]] = {}
            if n_themes in cols:
                ev[labels[n_themes]] = {"chrome": chrome_category(text)}
            wanted = set(cols)
            for j, cue, start, end in self._matches(text, lang):
                if j in wanted:
                    ev.setdefault(labels[j], {}).setdefault("cues", []).append(
                        {"cue": cue, "text": text[start:end], "start": start, "end": end})
            out.append(ev)
        return out

    def cue_spans(self, text: str, lang: str) -> Mapping[str, list[dict[str, Any]]]:
        """Every cue occurrence in ``text`` per theme id (for highlighting)."""
        labels = self.labels
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for j, cue, start, end in self._matches(text, lang):
            out[labels[j]].append({"cue": cue, "text": text[start:end], "start": start,
                                   "end": end})
        return dict(out)

