"""Dev micro-F1 of the fine-tuned encoder after every epoch (a diagnostic for choosing the recipe).

    python benchmarks/finetune_epochs.py [--params '{"dropout": 0.1}'] [--data DIR]

Trains ``finetuned`` on the train split (``--data``: a folder with ``{nl,de,zh,da}.jsonl``, by
default corpora/annotations) and, after each epoch, scores the dev split with the torch model in
eval mode (the same function as the numpy model that is saved; tests/test_finetuned.py checks
that), at fixed thresholds 0.3, 0.4 and 0.5. Each epoch's figure comes from the same run, so the
learning-rate schedule is that of the full run. About 3 min per epoch for 5,000 passages on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("nl", "de", "zh", "da")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--params", default="{}", help="FineTunedThemeClassifier parameters, JSON")
    parser.add_argument("--data", default=str(ROOT / "corpora" / "annotations"))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    import torch
    import tqdm.auto

    from alignment_nlp.annotations import load_annotations
    from alignment_nlp.classify import _e5_torch, label_matrix, make_classifier
    from alignment_nlp.classify._e5 import get_tokenizer, pad_batch, read_e5

    files = [Path(args.data) / f"{lang}.jsonl" for lang in LANGS]
    train, dev = (load_annotations(files, split=s) for s in ("train", "dev"))
    model = make_classifier("finetuned", threshold=0.5, **json.loads(args.params))
    model._scores_only = True  # no evidence vectors: only the scores are read here
    weights = read_e5()
    dev_ids = [get_tokenizer().encode(a.text, "query: ", int(model.max_tokens)) for a in dev]
    gold = label_matrix([a.themes for a in dev], model.labels)[:, :-1].astype(bool)

    networks = []  # the torch module that train_encoder builds
    build = _e5_torch._modules

    def recording_modules(*a, **k):  # noqa: ANN002, ANN003, ANN202
        cls = build(*a, **k)

        class Recorded(cls):
            def __init__(self, *a, **k) -> None:  # noqa: ANN002, ANN003
                super().__init__(*a, **k)
                networks.append(self)

        return Recorded

    def dev_f1() -> list[tuple[float, float]]:
        net = networks[-1].eval()
        scores = np.zeros((len(dev), gold.shape[1] + 1))
        order = np.argsort([len(s) for s in dev_ids])
        with torch.no_grad():
            for start in range(0, len(order), 32):
                rows = order[start:start + 32]
                ids, mask = pad_batch([dev_ids[i] for i in rows], weights.specials["pad"])
                logits = net(torch.from_numpy(weights.word_vectors(ids)),
                             torch.from_numpy(mask.astype(bool)))
                scores[rows] = torch.sigmoid(logits).numpy()
        net.train()
        out = []
        for t in (0.3, 0.4, 0.5):
            hit = scores[:, :-1] >= t
            out.append((t, round(float(2 * (hit & gold).sum() / (hit.sum() + gold.sum())), 3)))
        return out

    class EpochReport:  # stands in for tqdm over the epochs: scores dev between epochs
        def __init__(self, epochs, **kwargs) -> None:  # noqa: ANN001, ANN003
            self.epochs = epochs

        def __iter__(self):  # noqa: ANN204
            start = time.perf_counter()
            for n, epoch in enumerate(self.epochs):
                if n:
                    self.report(n, start)
                yield epoch
            self.report(n + 1, start)

        @staticmethod
        def report(n: int, start: float) -> None:
            cells = " | ".join(f"{f:.3f}" for _, f in dev_f1())
            print(f"| {n} | {cells} | {time.perf_counter() - start:.0f} |", flush=True)

    _e5_torch._modules = recording_modules
    tqdm.auto.tqdm = EpochReport
    print(f"train {len(train)}, dev {len(dev)}, params {args.params}")
    print("| epoch | dev micro-F1 at 0.3 | at 0.4 | at 0.5 | seconds |")
    print("|---|---|---|---|---|")
    model.fit(train, [a.themes for a in train])


if __name__ == "__main__":
    main()
