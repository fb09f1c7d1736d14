"""One linear model per label over a feature matrix: shared by the lexical and embedding models."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

__all__ = ["fit_linear_heads", "apply_linear_heads"]


def fit_linear_heads(features, Y: np.ndarray, C: float, solver: str = "liblinear"  # noqa: ANN001
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Fit a class-balanced L2 logistic regression per label column of ``Y``.

    Returns ``(coef, intercept)`` of shapes ``(k, d)`` and ``(k,)``. A label with no positive (or
    no negative) example gets a constant score (zero weights, intercept -8 or +8).
    """
    k = Y.shape[1]
    d = features.shape[1]
    coef = np.zeros((k, d), dtype=np.float64 if solver == "lbfgs" else np.float32)
    intercept = np.zeros(k, dtype=coef.dtype)
    for j in range(k):
        y = Y[:, j]
        if y.min() == y.max():
            intercept[j] = 8.0 if y.max() == 1 else -8.0
            continue
        lr = LogisticRegression(C=C, class_weight="balanced", solver=solver, max_iter=2000)
        lr.fit(features, y)
        coef[j] = lr.coef_[0]
        intercept[j] = lr.intercept_[0]
    return coef, intercept


def apply_linear_heads(features, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:  # noqa: ANN001
    """Sigmoid scores ``(n, k)`` of the heads."""
    z = features @ coef.T
    z = np.asarray(z, dtype=np.float64) + intercept
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
