"""Applying a theme model to the passages table: the ``themes`` column and the ``codings`` table."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from ._base import ThemeClassifier

__all__ = ["code_passages"]


def code_passages(model: ThemeClassifier, passages: pd.DataFrame, *, model_name: str = "",
                  batch_size: int = 256) -> tuple[list[str | None], list[dict[str, Any]]]:
    """Code every passage that is not page chrome.

    Returns the ``themes`` column for the passages table (``;``-joined theme ids, ``""`` for none,
    ``None`` for chrome, which is never coded, and for passages the model judges to be chrome) and
    the rows of the long ``codings`` table: one row per passage and predicted theme with its score
    and evidence (JSON); a passage the model judges to be chrome has one ``boilerplate`` row.
    """
    themes: list[str | None] = [None] * len(passages)
    codings: list[dict[str, Any]] = []
    if len(passages) == 0:
        return themes, codings
    todo = [i for i, bp in enumerate(passages["boilerplate"].astype(bool).tolist()) if not bp]
    frame = passages.iloc[todo][["text", "lang", "passage_id"]].rename(columns={"passage_id": "id"})
    frame = frame.assign(lang=frame["lang"].astype(object).where(frame["lang"] != "und", None))
    for start in range(0, len(todo), batch_size):
        part = frame.iloc[start:start + batch_size]
        for row_pos, pred in zip(todo[start:start + batch_size], model.classify(part), strict=True):
            themes[row_pos] = None if pred.boilerplate else ";".join(pred.themes)
            doc_id = passages.iloc[row_pos]["doc_id"]
            labels = ((("boilerplate",) if pred.boilerplate else ()) + pred.themes)
            for theme in labels:
                codings.append({
                    "doc_id": doc_id, "passage_id": pred.id, "theme": theme,
                    "score": pred.scores[theme], "model": model_name,
                    "evidence": json.dumps(pred.evidence.get(theme, {}), ensure_ascii=False),
                })
    return themes, codings
