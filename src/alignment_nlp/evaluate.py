"""The evaluate stage: agreement between two codings of the same passages, as content analysts report it.

Per label (each theme as a binary code per passage): precision, recall and F1 of a coding against a
reference, Krippendorff's alpha (nominal) and Cohen's kappa between the two codings, with the counts
behind them; micro and macro averages over the themes (boilerplate reported on its own); and the same
per language. :func:`evaluate_model` runs a model on gold passages and compares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .codebook import BOILERPLATE
from .errors import InputError

__all__ = ["Evaluation", "agreement", "cohen_kappa", "compare_codings", "evaluate_model",
           "evaluate_passages", "krippendorff_alpha", "load_codings", "passage_codings"]


def krippendorff_alpha(data: np.ndarray) -> float:
    """Krippendorff's alpha for nominal data.

    Args:
        data: ``(n_coders, n_units)`` array of category codes; ``NaN`` marks a missing coding.

    Returns:
        alpha in [-1, 1]; ``nan`` when there is no variation at all (every pairable value the same),
        where alpha is undefined.
    """
    data = np.asarray(data, dtype=float)
    values = np.unique(data[~np.isnan(data)])
    if len(values) == 0:
        return float("nan")
    index = {v: i for i, v in enumerate(values)}
    coincidence = np.zeros((len(values), len(values)))
    for unit in data.T:
        present = unit[~np.isnan(unit)]
        m = len(present)
        if m < 2:
            continue
        codes = [index[v] for v in present]
        for a in range(m):
            for b in range(m):
                if a != b:
                    coincidence[codes[a], codes[b]] += 1.0 / (m - 1)
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    if n <= 1:
        return float("nan")
    observed = n - np.trace(coincidence)
    expected = (n * n - np.sum(n_c ** 2)) / (n - 1)
    if expected == 0:
        return float("nan")
    return float(1.0 - observed / expected)


def cohen_kappa(a: Sequence[int], b: Sequence[int]) -> float:
    """Cohen's kappa of two codings of the same units (``nan`` when chance agreement is 1)."""
    a = np.asarray(a)
    b = np.asarray(b)
    if len(a) == 0:
        return float("nan")
    cats = np.unique(np.concatenate([a, b]))
    po = float(np.mean(a == b))
    pe = float(sum(np.mean(a == c) * np.mean(b == c) for c in cats))
    return float("nan") if pe == 1 else (po - pe) / (1 - pe)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return p, r, f


def _round(x: float) -> float | None:
    return None if x != x else round(float(x), 4)


@dataclass(frozen=True)
class Evaluation:
    """Agreement of a coding (``pred``) with a reference coding (``gold``).

    Attributes:
        per_label: one row per label: support, tp, fp, fn, precision, recall, f1, alpha, kappa.
        summary: micro/macro precision, recall, F1 over the themes, mean alpha, boilerplate F1, and
            the number of passages. A figure with nothing to count is ``None`` (micro-F1 when
            neither coding has a theme; macro-F1 when the reference has none).
        per_language: the same summary per language code.
    """

    per_label: pd.DataFrame
    summary: Mapping[str, float | int | None]
    per_language: Mapping[str, Mapping[str, float | int | None]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"summary": dict(self.summary),
                "per_label": self.per_label.replace({np.nan: None}).to_dict(orient="records"),
                "per_language": {k: dict(v) for k, v in self.per_language.items()}}

    def to_text(self) -> str:
        """A plain-text table for terminals."""
        lines = [f"{'label':<24}{'n':>5}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>7}{'R':>7}{'F1':>7}"
                 f"{'alpha':>8}{'kappa':>8}"]
        for row in self.per_label.itertuples():
            lines.append(f"{row.label:<24}{row.support:>5}{row.tp:>5}{row.fp:>5}{row.fn:>5}"
                         f"{row.precision:>7.3f}{row.recall:>7.3f}{row.f1:>7.3f}"
                         f"{_fmt(row.alpha):>8}{_fmt(row.kappa):>8}")
        s = self.summary
        lines.append("")
        lines.append(f"micro P/R/F1 {_fmt(s['micro_precision'])} / {_fmt(s['micro_recall'])} / "
                     f"{_fmt(s['micro_f1'])}   macro F1 {_fmt(s['macro_f1'])}   "
                     f"boilerplate F1 {_fmt(s['boilerplate_f1'])}   passages {s['n']}")
        for lang, ls in self.per_language.items():
            lines.append(f"  {lang}: micro F1 {_fmt(ls['micro_f1'])}  "
                         f"macro F1 {_fmt(ls['macro_f1'])}  "
                         f"boilerplate F1 {_fmt(ls['boilerplate_f1'])}  passages {ls['n']}")
        return "\n".join(lines)


def _fmt(x: float | None) -> str:
    return "  -  " if x is None or x != x else f"{x:.3f}"


def _summary(gold: np.ndarray, pred: np.ndarray, labels: Sequence[str]) -> tuple[pd.DataFrame,
                                                                                   dict[str, Any]]:
    rows = []
    for j, label in enumerate(labels):
        g, p = gold[:, j], pred[:, j]
        tp = int(np.sum((g == 1) & (p == 1)))
        fp = int(np.sum((g == 0) & (p == 1)))
        fn = int(np.sum((g == 1) & (p == 0)))
        prec, rec, f1 = _prf(tp, fp, fn)
        rows.append({"label": label, "support": int(g.sum()), "predicted": int(p.sum()),
                     "tp": tp, "fp": fp, "fn": fn, "precision": prec, "recall": rec, "f1": f1,
                     "alpha": krippendorff_alpha(np.vstack([g, p])) if len(g) else float("nan"),
                     "kappa": cohen_kappa(g, p)})
    table = pd.DataFrame(rows)
    themes = table[table["label"] != BOILERPLATE]
    tp, fp, fn = int(themes.tp.sum()), int(themes.fp.sum()), int(themes.fn.sum())
    mp, mr, mf = _prf(tp, fp, fn)
    present = themes[themes.support > 0]
    bp = table[table["label"] == BOILERPLATE]
    counted = bool(tp + fp + fn)  # no theme in either coding (e.g. only page chrome): no figure
    summary = {
        "n": int(gold.shape[0]),
        "micro_precision": round(mp, 4) if counted else None,
        "micro_recall": round(mr, 4) if counted else None,
        "micro_f1": round(mf, 4) if counted else None,
        "macro_precision": round(float(present.precision.mean()), 4) if len(present) else None,
        "macro_recall": round(float(present.recall.mean()), 4) if len(present) else None,
        "macro_f1": round(float(present.f1.mean()), 4) if len(present) else None,
        "mean_alpha": _round(float(present.alpha.mean())) if len(present) else None,
        "min_alpha": _round(float(present.alpha.min())) if len(present) else None,
        "boilerplate_f1": (round(float(bp.f1.iloc[0]), 4)
                           if len(bp) and (bp.support.iloc[0] or bp.predicted.iloc[0]) else None),
    }
    return table, summary


def compare_codings(gold: np.ndarray, pred: np.ndarray, labels: Sequence[str],
                    langs: Sequence[str] | None = None) -> Evaluation:
    """Compare two indicator matrices over ``labels`` (rows = the same passages in both).

    Macro averages are over the themes present in ``gold``; ``boilerplate`` is left out of the
    averages and reported as ``boilerplate_f1``.
    """
    gold = np.asarray(gold, dtype=np.int8)
    pred = np.asarray(pred, dtype=np.int8)
    if gold.shape != pred.shape:
        raise ValueError(f"the codings differ in shape: {gold.shape} vs {pred.shape}.")
    table, summary = _summary(gold, pred, labels)
    per_language = {}
    if langs is not None:
        langs_arr = np.asarray(list(langs))
        for lang in sorted(set(langs_arr)):
            mask = langs_arr == lang
            per_language[str(lang)] = _summary(gold[mask], pred[mask], labels)[1]
    return Evaluation(per_label=table, summary=summary, per_language=per_language)


def evaluate_model(model: Any, gold: Sequence[Any]) -> Evaluation:
    """Run ``model`` (a fitted theme classifier) on ``gold`` annotations and compare."""
    from .classify import as_inputs, label_matrix

    inputs = as_inputs(gold)
    Y = label_matrix([a.themes for a in gold], model.labels)
    pred = model.predict(inputs)
    return compare_codings(Y, pred, model.labels, inputs.langs)


def load_codings(path: str | Any, codebook: Any = None) -> tuple[dict[str, tuple[str, ...]],
                                                                 dict[str, str]]:
    """Read one coding: JSON lines of annotations (``id``, ``themes``) or of ``classify`` output
    (``id``, ``themes``, ``boilerplate``), or a results folder of ``alignment-nlp analyze`` (its
    passages table, ids = ``passage_id``; see :func:`passage_codings`). Returns ``{id: labels}``
    and ``{id: lang}``.

    Raises:
        AnnotationError: naming the file, line and field of a bad line.
        InputError: a results folder without a passages table.
    """
    from pathlib import Path

    from .annotations import AnnotationError, iter_jsonl, read_id, read_lang, read_themes
    from .codebook import default_codebook

    cb = codebook or default_codebook()
    if Path(path).is_dir():
        from .output import load_results

        result = load_results(path)
        coding = passage_codings(result.passages, result.codings)
        valid = set(cb.labels)
        for pid, labels in coding.items():
            unknown = [t for t in labels if t not in valid]
            if unknown:
                raise InputError(f"passage {pid!r} is coded with {unknown!r}, which codebook "
                                 f"{cb.id!r} does not have; give the codebook the folder was "
                                 f"coded with (--codebook).", path=str(path))
        return coding, _passage_langs(result.passages)
    labels: dict[str, tuple[str, ...]] = {}
    langs: dict[str, str] = {}
    for n, obj in iter_jsonl(path, "a JSON-lines coding file"):
        pid = read_id(obj, str(path), n)
        if pid in labels:
            raise AnnotationError(f"duplicate id {pid!r}.", path=str(path), line=n, field="id")
        labels[pid] = read_themes(obj, cb, str(path), n)
        langs[pid] = read_lang(obj, str(path), n) or ""
    return labels, langs


def _compare_maps(a: Mapping[str, tuple[str, ...]], b: Mapping[str, tuple[str, ...]],
                  langs: Mapping[str, str], labels: Sequence[str]) -> tuple[Evaluation,
                                                                            dict[str, int]]:
    """Compare two ``{id: labels}`` codings on the ids they share (``a`` is the reference)."""
    from .classify import label_matrix

    common = [pid for pid in a if pid in b]
    ev = compare_codings(label_matrix([a[i] for i in common], labels),
                         label_matrix([b[i] for i in common], labels), labels,
                         [langs.get(i) or "und" for i in common])
    return ev, {"common": len(common), "only_a": len(a) - len(common),
                "only_b": len(b) - len(common)}


def agreement(a: str | Any, b: str | Any, codebook: Any = None) -> tuple[Evaluation, dict[str, int]]:
    """Agreement between two codings of the same passages (matched by id): per theme
    Krippendorff's alpha and Cohen's kappa with the counts behind them (``a`` is the reference for
    precision and recall). Also returns how many ids were only in one of the two files."""
    from .codebook import default_codebook

    cb = codebook or default_codebook()
    la, langs_a = load_codings(a, cb)
    lb, langs_b = load_codings(b, cb)
    if not any(pid in lb for pid in la):
        raise InputError(f"the two codings share no passage id (first ids: {list(la)[:2]!r} "
                         f"and {list(lb)[:2]!r}); both must code the same passages by the same "
                         f"ids.", path=f"{a} / {b}")
    langs = {pid: langs_a.get(pid) or langs_b.get(pid, "") for pid in la}
    return _compare_maps(la, lb, langs, cb.labels)


def passage_codings(passages: pd.DataFrame,
                    codings: pd.DataFrame | None = None) -> dict[str, tuple[str, ...]]:
    """The coding in a passages table from :func:`alignment_nlp.analyze` (``passage_id``,
    ``boilerplate``, ``themes``) as ``{passage_id: labels}``: page chrome, whether flagged by the
    chrome stage or by the model, reads as ``("boilerplate",)``. The model's chrome shows as null
    ``themes`` in memory and in parquet; a table read back from CSV loses that, so give the
    ``codings`` table too (its ``boilerplate`` rows)."""
    missing = [c for c in ("passage_id", "boilerplate", "themes") if c not in passages.columns]
    if missing:
        raise ValueError(f"expected a passages table of alignment_nlp.analyze with the columns "
                         f"passage_id, boilerplate and themes; {missing!r} missing (columns: "
                         f"{list(passages.columns)!r}).")
    chrome_flags = passages["boilerplate"].fillna(False).astype(bool)
    if passages["themes"].isna().all() and not chrome_flags.all():
        raise ValueError("the passages table has no theme coding (every 'themes' value is empty); "
                         "analyse with theme coding on (not --no-themes).")
    out: dict[str, tuple[str, ...]] = {}
    for pid, chrome, themes in zip(passages["passage_id"], chrome_flags, passages["themes"],
                                   strict=True):
        if chrome or pd.isna(themes):
            out[str(pid)] = (BOILERPLATE,)
        else:
            out[str(pid)] = tuple(t for t in str(themes).split(";") if t)
    if codings is not None and len(codings):
        judged = codings.loc[codings["theme"] == BOILERPLATE, "passage_id"].astype(str)
        out.update({pid: (BOILERPLATE,) for pid in judged if pid in out})
    return out


def _passage_langs(passages: pd.DataFrame) -> dict[str, str]:
    """``{passage_id: lang}``, ``"und"`` where the table has no language."""
    return dict(zip(passages["passage_id"].astype(str),
                    passages["lang"].astype(object).fillna("und").astype(str), strict=True))


def evaluate_passages(passages: pd.DataFrame, gold: str | Any, codebook: Any = None,
                      codings: pd.DataFrame | None = None) -> Evaluation:
    """Compare the coding of an analysed passages table with a gold coding of the same passages
    (JSON lines with ``id`` = ``passage_id`` and ``themes``, e.g. from ``import-qdpx``): how the
    whole pipeline (segmentation, chrome, language, themes) agrees with a coder on real files.

    Give ``codings`` (the analysis' codings table) when the passages were read back from CSV, so
    that the passages the model judged to be chrome count as such (:func:`passage_codings`).

    Raises:
        InputError: when an id of the gold file is not a passage of the table (the files were
            segmented differently), naming the first ones.
    """
    from .codebook import default_codebook

    cb = codebook or default_codebook()
    gold_labels, _ = load_codings(gold, cb)
    pred = passage_codings(passages, codings)
    missing = [pid for pid in gold_labels if pid not in pred]
    if missing:
        raise InputError(f"{len(missing)} of its {len(gold_labels)} passage ids are not in the "
                         f"passages table (first: {missing[:3]!r}); the gold coding must code "
                         f"passages of the same files, segmented the same way (ids = passage_id).",
                         path=str(gold), field="id")
    return _compare_maps(gold_labels, pred, _passage_langs(passages), cb.labels)[0]
