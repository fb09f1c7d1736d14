"""Give every annotation line its fixed split (train / dev / test), grouped by document.

A document never straddles splits. Documents that already have a split keep it, so adding data
never moves a passage between splits; new documents (or all, with ``--reset``) are assigned one by
one, in SHA-256 order of their ids, to the split whose theme counts lag furthest behind its share
(60% train, 20% dev, 20% test), so every theme appears in dev and test of every language.

    python corpora/tools/assign_splits.py [--reset] corpora/annotations/{nl,de,zh,da}.jsonl
    python corpora/tools/assign_splits.py --new train corpora/annotations/*.jsonl

``--new SPLIT`` puts every document that has no split yet into SPLIT (used to grow the training
data while dev and test stay exactly as they were, so their figures stay comparable).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

SHARES = {"train": 0.6, "dev": 0.2, "test": 0.2}


def _key(doc: str) -> str:
    return hashlib.sha256(doc.encode("utf-8")).hexdigest()


def assign(rows: list[dict], reset: bool = False, new: str | None = None) -> None:
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_doc[row["doc"]].append(row)
    counts = {s: Counter() for s in SHARES}
    sizes = Counter()
    todo = []
    for doc, doc_rows in by_doc.items():
        split = None if reset else doc_rows[0].get("split")
        if split is None:
            todo.append(doc)
            continue
        sizes[split] += len(doc_rows)
        for r in doc_rows:
            counts[split].update(r["themes"] or ["<none>"])
    for doc in sorted(todo, key=_key):
        doc_rows = by_doc[doc]
        if new is not None:
            for r in doc_rows:
                r["split"] = new
            continue
        labels = Counter(t for r in doc_rows for t in (r["themes"] or ["<none>"]))
        total = {t: sum(counts[s][t] for s in SHARES) + n for t, n in labels.items()}

        def deficit(split: str) -> float:
            # how far below its share this split is, over the doc's labels and in passages
            d = sum(n * (SHARES[split] * total[t] - counts[split][t]) / total[t]
                    for t, n in labels.items())
            all_rows = sum(sizes.values()) + len(doc_rows)
            return d + (SHARES[split] * all_rows - sizes[split]) / max(all_rows, 1)

        best = max(SHARES, key=lambda s: (deficit(s), SHARES[s]))
        for r in doc_rows:
            r["split"] = best
        sizes[best] += len(doc_rows)
        counts[best].update(labels)


def main(argv: list[str]) -> None:
    reset = "--reset" in argv
    new = argv[argv.index("--new") + 1] if "--new" in argv else None
    if new is not None and new not in SHARES:
        raise SystemExit(f"--new must be one of {', '.join(SHARES)}; got {new!r}")
    skip = {"--reset", "--new", new}
    for path in (Path(a) for a in argv if a not in skip):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        assign(rows, reset=reset, new=new)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                        encoding="utf-8")
        print(path.name, dict(sorted(Counter(r["split"] for r in rows).items())))


if __name__ == "__main__":
    main(sys.argv[1:])
