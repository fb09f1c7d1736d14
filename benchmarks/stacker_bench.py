"""How the shipped ensemble combines its members, measured on dev.

    python benchmarks/stacker_bench.py --cache DIR [--member-params JSON]

Step 1 (about an hour on 2 cores; skipped when DIR already holds the scores): the members of the
shipped design (cues, lexical, embedding, finetuned; Makefile ``MODEL_PARAMS``) give their
out-of-fold scores on the train split, with the ensemble's own grouped folds (cv=2), and, fitted on
all of train, their scores on dev. Step 2 (seconds): combinations of those scores, each scored on
dev, and, as a check that does not read dev, within train over 5 grouped folds of the
out-of-fold scores (thresholds tuned inside the training folds). Last, a threshold diagnostic on
dev for the shipped row.

Every stacked row goes through the ensemble's own code (``_fit_combiner``, ``_combine``,
``tune_thresholds``), so the first row is the shipped design trained on train.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FILES = [ROOT / "corpora" / "annotations" / f"{lang}.jsonl" for lang in ("nl", "de", "zh", "da")]
MEMBERS = ("cues", "lexical", "embedding", "finetuned")
LANGS = ("nl", "de", "zh", "da")


def _scores(cache: Path, train, dev, member_params: dict | None = None):  # noqa: ANN001, ANN202
    """Members' out-of-fold train scores ``(n, k, m)`` and dev scores ``(n_dev, k, m)``."""
    from alignment_nlp.classify import as_inputs, make_classifier

    ens = make_classifier("ensemble", members=list(MEMBERS), cv=2, member_params=member_params)
    inputs, dev_inputs = as_inputs(train), as_inputs(dev)
    Y = _labels(train, ens.labels)
    oof, dev_scores = [], []
    for name in MEMBERS:
        path = cache / f"{name}.npz"
        if not path.exists():
            member = ens._new_member(name)
            o = member.out_of_fold_scores(inputs, Y)
            d = member.fit(inputs, Y)._scores(dev_inputs)
            np.savez(path, oof=o, dev=d)
            print(f"{name}: scores saved to {path}", flush=True)
        with np.load(path) as z:
            oof.append(z["oof"])
            dev_scores.append(z["dev"])
    return np.stack(oof, axis=2), np.stack(dev_scores, axis=2)


@dataclass
class Rows:
    """Passages as the combinations see them: member scores ``(n, k, m)``, gold labels (``None``
    where they are not given to the method), document ids and languages."""

    scores: np.ndarray
    Y: np.ndarray | None
    groups: np.ndarray
    langs: np.ndarray

    def take(self, idx: np.ndarray, labelled: bool = True) -> Rows:
        return Rows(self.scores[idx], self.Y[idx] if labelled else None, self.groups[idx],
                    self.langs[idx])


def _labels(rows, labels):  # noqa: ANN001, ANN202
    from alignment_nlp.classify import label_matrix

    return label_matrix([a.themes for a in rows], labels)


def _logit(scores: np.ndarray) -> np.ndarray:
    p = np.clip(scores, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def _stacked(members: Sequence[str], transform: Callable | None = None, **params) -> Callable:  # noqa: ANN003
    """Fit the ensemble's stacker on the out-of-fold scores of ``fit_rows`` (after ``transform``,
    if given); return its scores for ``rows`` and thresholds tuned on its own out-of-fold scores
    (as ``fit`` does)."""
    from alignment_nlp.classify import tune_thresholds

    cols = [MEMBERS.index(m) for m in members]

    def prep(r: Rows) -> np.ndarray:
        """The chosen members' columns and any column ``transform`` adds after the members."""
        a = transform(r) if transform else r.scores
        return a[:, :, cols + list(range(len(MEMBERS), a.shape[2]))]

    def method(fit_rows: Rows, rows: Rows):  # noqa: ANN202
        ens = _fitted_stacker(members, prep(fit_rows), fit_rows, **params)
        return ens._combine(prep(rows)), tune_thresholds(ens.oof_scores_, fit_rows.Y)
    return method


def _fitted_stacker(members: Sequence[str], scores: np.ndarray, fit_rows: Rows, **params):  # noqa: ANN003, ANN202
    """The ensemble's stacker fitted on ``scores`` (out-of-fold scores of ``fit_rows``), with its
    own out-of-fold stacked scores in ``oof_scores_``."""
    from alignment_nlp.classify import make_classifier
    from alignment_nlp.classify._base import Inputs

    ens = make_classifier("ensemble", members=list(members), cv=2, **params)
    n = len(fit_rows.Y)
    ens._fit_combiner(scores, fit_rows.Y,
                      Inputs([""] * n, ["und"] * n, [None] * n, list(fit_rows.groups)))
    return ens


def _per_language_thresholds(fit_rows: Rows, rows: Rows):  # noqa: ANN202
    """The shipped stacker, with its thresholds tuned per language (on that language's
    out-of-fold stacked scores)."""
    from alignment_nlp.classify import tune_thresholds

    ens = _fitted_stacker(MEMBERS, fit_rows.scores, fit_rows)
    th = np.zeros((len(rows.langs), fit_rows.Y.shape[1]))
    for lang in LANGS:
        fit_mask, mask = fit_rows.langs == lang, rows.langs == lang
        th[mask] = tune_thresholds(ens.oof_scores_[fit_mask], fit_rows.Y[fit_mask])
    return ens._combine(rows.scores), th


def _with_context(rows: Rows) -> np.ndarray:
    """The members' scores and a fifth column: the mean member score of the other passages of
    the same document (the passage's own when it is alone)."""
    mean = rows.scores.mean(axis=2)
    context = mean.copy()
    for doc in np.unique(rows.groups):
        idx = np.flatnonzero(rows.groups == doc)
        if len(idx) > 1:
            context[idx] = (mean[idx].sum(axis=0) - mean[idx]) / (len(idx) - 1)
    return np.concatenate([rows.scores, context[:, :, None]], axis=2)


def _mean(weights: Sequence[float]) -> Callable:
    """Weighted mean of the members' scores, per-theme thresholds tuned on the training rows."""
    from alignment_nlp.classify import tune_thresholds

    w = np.asarray(weights, dtype=float) / np.sum(weights)

    def method(fit_rows: Rows, rows: Rows):  # noqa: ANN202
        return ((rows.scores * w).sum(axis=2),
                tune_thresholds((fit_rows.scores * w).sum(axis=2), fit_rows.Y))
    return method


CANDIDATES = [
    ("stacked, all four members (shipped design)", _stacked(MEMBERS)),
    *[(f"stacked, without {m}", _stacked([x for x in MEMBERS if x != m])) for m in MEMBERS],
    ("finetuned alone (stacker = calibration)", _stacked(["finetuned"])),
    ("stacked, C=0.1", _stacked(MEMBERS, C=0.1)),
    ("stacked, C=10", _stacked(MEMBERS, C=10.0)),
    ("stacked, each theme reads every theme's scores", _stacked(MEMBERS, stack="all")),
    ("stacked on logits of the scores", _stacked(MEMBERS, transform=lambda r: _logit(r.scores))),
    ("stacked, with the mean score of the document's other passages", _stacked(
        MEMBERS, transform=_with_context)),
    ("stacked, thresholds per language", _per_language_thresholds),
    ("mean of the four scores", _mean([1, 1, 1, 1])),
    ("mean, finetuned weighted 3", _mean([1, 1, 1, 3])),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", required=True, help="folder for the members' scores")
    parser.add_argument("--member-params", default="{}",
                        help="the members' parameters for step 1, as the ensemble's "
                        "member_params (JSON), e.g. '{\"finetuned\": {\"runs\": 2}}'; use a "
                        "cache folder of its own for each setting")
    args = parser.parse_args()
    try:
        member_params = json.loads(args.member_params)
    except json.JSONDecodeError as exc:
        parser.error(f"--member-params is not valid JSON ({exc}); got {args.member_params!r}")
    sys.path.insert(0, str(ROOT / "src"))
    from sklearn.model_selection import GroupKFold

    from alignment_nlp.annotations import load_annotations
    from alignment_nlp.classify import make_classifier
    from alignment_nlp.classify._base import decide_labels
    from alignment_nlp.evaluate import compare_codings

    train, dev = load_annotations(FILES, split="train"), load_annotations(FILES, split="dev")
    labels = make_classifier("ensemble").labels
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    S, D = _scores(cache, train, dev, member_params)
    Y, DY = _labels(train, labels), _labels(dev, labels)
    fit = Rows(S, Y, np.array([a.doc for a in train]), np.array([a.lang for a in train]))
    scored = Rows(D, None, np.array([a.doc for a in dev]), np.array([a.lang for a in dev]))
    dev_langs, train_langs = list(scored.langs), list(fit.langs)
    print(f"train {len(train)} passages (out-of-fold member scores), dev {len(dev)}\n")
    cols = ("micro-F1", "macro-F1", "boilerplate F1", "themes alpha >= 0.667")
    print("| combination | " + " | ".join(f"dev {c}" for c in cols) + " | "
          + " | ".join(f"dev {x}" for x in LANGS) + " | "
          + " | ".join(f"train, 5 folds: {c}" for c in cols) + " |")
    print("|---|" + "---|" * (2 * len(cols) + len(LANGS)))
    shipped = None
    for name, method in CANDIDATES:
        scores, th = method(fit, scored)
        shipped = shipped or (scores, th)
        ev = compare_codings(DY, decide_labels(scores, th, labels), labels, dev_langs)
        inner = np.zeros(Y.shape, dtype=np.int8)
        for a, b in GroupKFold(n_splits=5).split(S, groups=fit.groups):
            sc, t = method(fit.take(a), fit.take(b, labelled=False))
            inner[b] = decide_labels(sc, t, labels)
        within = compare_codings(Y, inner, labels, train_langs)
        print(f"| {name} | {_cells(ev, labels)} | "
              + " | ".join(f"{ev.per_language[x]['micro_f1']:.3f}" for x in LANGS)
              + f" | {_cells(within, labels)} |", flush=True)
    _thresholds(*shipped, S, Y, D, DY, labels, dev_langs)


def _thresholds(scores, th, S, Y, D, DY, labels, langs) -> None:  # noqa: ANN001, N803
    """A diagnostic that reads dev (nothing is chosen from it): the shipped row (its dev
    ``scores`` and thresholds ``th``) with every
    threshold moved, with thresholds tuned on dev itself (an upper bound), and how confident the
    fine-tuned member fitted on all of train is against its half-data fold copies."""
    from alignment_nlp.classify import tune_thresholds
    from alignment_nlp.classify._base import decide_labels
    from alignment_nlp.evaluate import compare_codings

    def micro(scores, th) -> float:  # noqa: ANN001
        return compare_codings(DY, decide_labels(scores, th, labels), labels,
                               langs).summary["micro_f1"]

    print("\nshipped row, every threshold moved by: "
          + ", ".join(f"{d:+.2f} {micro(scores, np.clip(th + d, 0, 1)):.3f}"
                      for d in (-0.1, -0.05, 0.0, 0.05, 0.1)))
    print(f"thresholds tuned on dev itself (upper bound): "
          f"{micro(scores, tune_thresholds(scores, DY)):.3f}")
    coded = decide_labels(scores, th, labels).mean()
    print(f"labels per passage and label on dev: coded {coded:.3f}, gold {DY.mean():.3f}")
    f = MEMBERS.index("finetuned")
    ft = tune_thresholds(S[:, :, f], Y)
    print(f"finetuned mean score: out of fold {S[:, :, f].mean():.3f}, dev {D[:, :, f].mean():.3f};"
          f" share at its out-of-fold thresholds: {(S[:, :, f] >= ft).mean():.3f} / "
          f"{(D[:, :, f] >= ft).mean():.3f}")


def _cells(ev, labels) -> str:  # noqa: ANN001
    """micro-F1, macro-F1, boilerplate F1 and the number of themes at alpha >= 0.667."""
    s, per = ev.summary, ev.per_label.set_index("label")
    alpha = per.loc[[x for x in labels if x != "boilerplate"], "alpha"]
    return (f"{s['micro_f1']:.3f} | {s['macro_f1']:.3f} | {s['boilerplate_f1']:.3f} | "
            f"{int((alpha >= 0.667).sum())}")


if __name__ == "__main__":
    main()
