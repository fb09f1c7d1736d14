"""Dev micro-F1 of the fine-tuned encoder after every epoch (a diagnostic for choosing the recipe).

    python benchmarks/finetune_epochs.py [--params '{"dropout": 0.1}'] [--data DIR] [--layers K]

Trains ``finetuned`` on the train split (``--data``: a folder with ``{nl,de,zh,da}.jsonl``, by
default corpora/annotations) and, after each epoch, scores the dev split with the model as it
stands (torch, eval mode: the same function as the numpy encoder it is saved as, up to the int8
storage of the weight changes) at one global threshold of 0.3, 0.4 and 0.5, decided as
``ThemeClassifier.decide`` does (a passage scored as boilerplate gets no theme) and counted as
``compare_codings`` counts. The epoch's training time is logged. About 3 min per epoch for 5,000
passages on 2 cores. With ``--params '{"runs": 2}'`` every run is reported epoch by epoch, and
last the encoder that is kept: the runs' weights averaged (scored by the numpy encoder).
``--layers K`` (a capacity check, not a model option) fine-tunes and scores only the encoder's
first K of its 12 layers, as if the model ended there.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("nl", "de", "zh", "da")
THRESHOLDS = (0.3, 0.4, 0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--params", default="{}",
                        help="FineTunedThemeClassifier parameters (JSON object), e.g. "
                        "'{\"dropout\": 0.1, \"epochs\": 8}'")
    parser.add_argument("--data", default=str(ROOT / "corpora" / "annotations"))
    parser.add_argument("--layers", type=int, default=None,
                        help="fine-tune only the first K layers of the encoder (capacity check)")
    args = parser.parse_args()
    try:
        params = json.loads(args.params)
    except json.JSONDecodeError as exc:
        parser.error(f"--params is not valid JSON ({exc}); got {args.params!r}")
    if not isinstance(params, dict) or "threshold" in params:
        parser.error(f"--params must be a JSON object of FineTunedThemeClassifier parameters "
                     f"other than 'threshold' (the thresholds here are {THRESHOLDS}); "
                     f"got {args.params!r}")
    sys.path.insert(0, str(ROOT / "src"))
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from alignment_nlp.annotations import load_annotations
    from alignment_nlp.classify import as_inputs, label_matrix, make_classifier
    from alignment_nlp.evaluate import compare_codings

    if args.layers is not None:
        _cut_encoder(args.layers, parser)

    files = [Path(args.data) / f"{lang}.jsonl" for lang in LANGS]
    train, dev = (load_annotations(files, split=s) for s in ("train", "dev"))
    model = make_classifier("finetuned", threshold=0.5, **params)
    model._scores_only = True  # no evidence vectors: only the scores are read here
    dev_ids = model._tokens([a.text for a in dev])
    gold = label_matrix([a.themes for a in dev], model.labels)

    runs = int(params.get("runs", 1))
    seen = {"epochs": 0}

    def report(epoch: int, predict) -> None:  # noqa: ANN001
        seen["epochs"] += 1
        run = (seen["epochs"] - 1) // int(model.epochs) + 1
        show(f"run {run}, epoch {epoch}" if runs > 1 else str(epoch), predict(dev_ids))

    def show(row: str, scores: np.ndarray) -> None:
        cells = []
        for t in THRESHOLDS:
            model.threshold = t  # no thresholds_ yet: decide() reads the parameter
            cells.append(compare_codings(gold, model.decide(scores), model.labels)
                         .summary["micro_f1"])
        model.threshold = 0.5
        print(f"| {row} | " + " | ".join(f"{f:.3f}" for f in cells) + " |", flush=True)

    model.__dict__["_on_epoch"] = report
    print(f"train {len(train)}, dev {len(dev)}, params {params}")
    print("| epoch | " + " | ".join(f"dev micro-F1 at {t}" for t in THRESHOLDS) + " |")
    print("|---|" + "---|" * len(THRESHOLDS))
    model.fit(train, [a.themes for a in train])
    if runs > 1:  # the kept encoder: the runs' weights averaged, stored as int8 changes
        del model.thresholds_
        show(f"weights of the {runs} runs averaged", model._scores(as_inputs(dev)))


def _cut_encoder(k: int, parser: argparse.ArgumentParser) -> None:
    """Make ``finetuned`` see an encoder of only its first ``k`` layers."""
    import dataclasses

    from alignment_nlp.classify import finetuned

    full = finetuned.read_e5
    if not 1 <= k <= full().layers:
        parser.error(f"--layers must be between 1 and {full().layers}; got {k}")
    finetuned.read_e5 = lambda path=None: dataclasses.replace(full(path), layers=k)
    print(f"encoder cut to its first {k} of {full().layers} layers")


if __name__ == "__main__":
    main()
