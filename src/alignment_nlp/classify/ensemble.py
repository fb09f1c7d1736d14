"""An ensemble that calibrates and combines theme classifiers by stacking.

Each member is fitted on all training passages; its out-of-fold scores (grouped by document) train,
per theme, a logistic regression over the members' scores. That one small model per theme both
calibrates the members (their raw scores live on different scales) and weighs them. Evidence is the
union of the members' evidence: cue terms, strongest n-grams, nearest training passages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..codebook import Codebook
from ._base import Inputs, ThemeClassifier
from ._heads import apply_linear_heads, fit_linear_heads
from ._registry import get_classifier_class, register_classifier

__all__ = ["EnsembleThemeClassifier"]


@register_classifier("alignment.Ensemble.v1", alias="ensemble")
class EnsembleThemeClassifier(ThemeClassifier):
    """Stacked combination of registered classifiers.

    Parameters:
        codebook, threshold, cv: see :class:`~alignment_nlp.classify.ThemeClassifier`.
        members: names of registered classifiers to combine.
        member_params: optional ``{name: {param: value}}`` passed to the members.
        C: inverse regularisation strength of the per-theme stacking models.
        stack: ``"theme"``: a theme's stacking model reads the members' scores for that theme;
            ``"all"``: it reads every member's scores for every label, so it can learn how
            themes go together (silos with collaboration, budget with capacity).
    """

    _positive_params = ("C",)

    def __init__(self, codebook: Codebook | str | None = None, threshold: float | str = "tune",
                 cv: int = 3, members: Sequence[str] = ("cues", "lexical", "embedding"),
                 member_params: Mapping[str, Mapping[str, Any]] | None = None,
                 C: float = 1.0, stack: str = "theme") -> None:
        super().__init__(codebook=codebook, threshold=threshold, cv=cv)
        self.members = members
        self.member_params = member_params
        self.C = C
        self.stack = stack

    def _check_params(self) -> None:
        super()._check_params()
        if isinstance(self.members, str) or not self.members:
            raise ValueError(f"The 'members' parameter of EnsembleThemeClassifier must be a "
                             f"non-empty list of classifier names. Got {self.members!r} instead.")
        if self.stack not in ("theme", "all"):
            raise ValueError(f"The 'stack' parameter of EnsembleThemeClassifier must be 'theme' or "
                             f"'all'. Got {self.stack!r} instead.")
        for name in self.members:
            # unknown names list the known ones
            if issubclass(get_classifier_class(name), EnsembleThemeClassifier):
                raise ValueError("an ensemble cannot contain an ensemble.")

    def _new_member(self, name: str) -> ThemeClassifier:
        params = dict((self.member_params or {}).get(name, {}))
        params.update(codebook=self.codebook, threshold=0.5, cv=self.cv)
        return get_classifier_class(name)(**params)

    def _fit_scores(self, inputs: Inputs, Y: np.ndarray) -> None:
        self._check_params()
        self.members_ = []
        oof = []
        for name in self.members:
            member = self._new_member(name)
            oof.append(member.out_of_fold_scores(inputs, Y))
            member.fit(inputs, Y)
            self.members_.append(member)
        self._fit_combiner(np.stack(oof, axis=2), Y, inputs)

    def _fit_combiner(self, stack: np.ndarray, Y: np.ndarray, inputs: Inputs) -> None:
        """The stacking models, from the members' out-of-fold scores ``stack`` ``(n, k, m)``, and
        the stacked scores the thresholds are tuned on (out of fold too, same grouped folds)."""
        self.stack_coef_, self.stack_intercept_ = self._fit_stacker(stack, Y)
        self.oof_scores_ = np.zeros(Y.shape)
        for train_idx, test_idx in self._folds(inputs):
            coef, intercept = self._fit_stacker(stack[train_idx], Y[train_idx])
            self.oof_scores_[test_idx] = self._combine(stack[test_idx], coef, intercept)

    def _fit_stacker(self, stack: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n, k, m = stack.shape
        flat = stack.reshape(n, -1)
        coef = np.zeros((k, k * m), dtype=np.float64)
        intercept = np.zeros(k, dtype=np.float64)
        for j in range(k):
            cols = self._stack_columns(j, k, m)
            c, b = fit_linear_heads(flat[:, cols], Y[:, [j]], self.C, solver="lbfgs")
            coef[j, cols] = c[0]
            intercept[j] = b[0]
        return coef, intercept

    def _stack_columns(self, j: int, k: int, m: int) -> np.ndarray:
        """Columns of the flattened (label, member) score matrix that label j's model reads."""
        if self.stack == "all":
            return np.arange(k * m)
        return np.arange(j * m, (j + 1) * m)

    def _combine(self, stack: np.ndarray, coef: np.ndarray | None = None,
                 intercept: np.ndarray | None = None) -> np.ndarray:
        coef = self.stack_coef_ if coef is None else coef
        intercept = self.stack_intercept_ if intercept is None else intercept
        return apply_linear_heads(stack.reshape(len(stack), -1), coef, intercept)

    def _tuning_scores(self, inputs: Inputs, Y: np.ndarray) -> np.ndarray:
        """The out-of-fold stacked scores computed in the last fit."""
        return self.oof_scores_

    def _scores(self, inputs: Inputs) -> np.ndarray:
        stack = np.stack([m._scores(inputs) for m in self.members_], axis=2)
        return self._combine(stack)

    def _evidence(self, inputs: Inputs, chosen: list[list[int]]) -> list[dict[str, dict]]:
        out: list[dict[str, dict]] = [{} for _ in chosen]
        for member in self.members_:
            for i, ev in enumerate(member._evidence(inputs, chosen)):
                for label, parts in ev.items():
                    out[i].setdefault(label, {}).update(parts)
        return out

    # ------------------------------------------------------------------ persistence
    def _state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        from ._persist import member_state

        state: dict[str, Any] = {"members": []}
        arrays: dict[str, np.ndarray] = {"stack_coef": self.stack_coef_,
                                         "stack_intercept": self.stack_intercept_}
        for n, member in enumerate(self.members_):
            cfg, arr = member_state(member)
            state["members"].append(cfg)
            arrays.update({f"m{n}.{k}": v for k, v in arr.items()})
        return state, arrays

    def _set_state(self, state: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
        from ._persist import member_from_state

        self.stack_coef_ = arrays["stack_coef"]
        self.stack_intercept_ = arrays["stack_intercept"]
        self.members_ = []
        for n, cfg in enumerate(state["members"]):
            prefix = f"m{n}."
            sub = {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
            self.members_.append(member_from_state(cfg, sub, self.codebook))
