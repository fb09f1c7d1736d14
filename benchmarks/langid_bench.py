"""Language-identification benchmark (figures for docs/benchmarks.md).

    .venv/bin/python benchmarks/langid_bench.py [--split test] [--json OUT]

1. Short text: accuracy on benchmarks/langid/data/<split>/<lang>.{sentences,pairs,words}.txt for
   nl/de/da/zh, macro-averaged over the 4 languages x 3 lengths; and the share of en/af/nb/sv
   sentences NOT labelled as one of the four.
2. Passages: the bundled corpus (truth: the document language, or the language recorded for a
   switched interview turn) and the seeds' content passages (truth: the document language), via
   the full pipeline with the document prior. Page chrome is left out (its language is mixed).
3. Throughput: short lines per second in one process (Lingua alone, restricted to the same
   candidates, as the baseline).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "langid" / "data"
TARGETS = ("nl", "de", "da", "zh")
CONFUSERS = ("en", "af", "nb", "sv")
LENGTHS = ("sentences", "pairs", "words")


def _lines(path: Path) -> list[str]:
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def short_text(split: str, detector) -> dict:
    out: dict = {"accuracy": {}, "n": {}}
    cells = []
    for lang in TARGETS:
        for length in LENGTHS:
            path = DATA / split / f"{lang}.{length}.txt"
            if not path.exists():
                continue
            lines = _lines(path)
            pred = [r.lang for r in detector.detect_many(lines)]
            acc = sum(p == lang for p in pred) / len(lines)
            out["accuracy"][f"{lang}.{length}"] = round(acc, 4)
            out["n"][f"{lang}.{length}"] = len(lines)
            cells.append(acc)
    out["macro"] = round(sum(cells) / len(cells), 4) if cells else None
    out["confusers_not_target"] = {}
    for lang in CONFUSERS:
        path = DATA / split / f"{lang}.sentences.txt"
        if path.exists():
            lines = _lines(path)
            pred = [r.lang for r in detector.detect_many(lines)]
            out["confusers_not_target"][lang] = round(sum(p not in TARGETS for p in pred) / len(lines), 4)
            out["n"][f"{lang}.sentences"] = len(lines)
    return out


def passages() -> dict:
    import alignment_nlp as an

    result: dict = {}
    truth_rows = []
    corpus = an.analyze([ROOT / "corpora" / lang for lang in TARGETS], show_progress=False)
    for lang in TARGETS:
        for entry in yaml.safe_load((ROOT / "corpora" / "index" / f"{lang}.yaml").read_text("utf-8")):
            path = str(ROOT / "corpora" / entry["file"])
            doc_id = corpus.documents.loc[corpus.documents["path"] == path, "doc_id"].iloc[0]
            p = corpus.passages[(corpus.passages["doc_id"] == doc_id)]
            switches = {s["turn"]: s["lang"] for s in entry.get("switches") or []}
            turn_no = -1
            for row in p.itertuples():
                if row.kind == "turn":
                    turn_no += 1
                if row.boilerplate:
                    continue
                truth = switches.get(turn_no, entry["lang"]) if row.kind == "turn" else entry["lang"]
                truth_rows.append(("corpus", truth, row.lang))
    seeds_dir = ROOT.parent / "shared" / "seeds"
    if seeds_dir.is_dir():
        seeds = an.analyze(sorted(seeds_dir.glob("0*.txt")), show_progress=False)
        doc_lang = dict(zip(seeds.documents["doc_id"], seeds.documents["lang"]))
        expected = {"000": "nl", "001": "de", "002": "zh", "003": "da", "004": "nl"}
        path_of = dict(zip(seeds.documents["doc_id"], seeds.documents["path"]))
        for row in seeds.passages.itertuples():
            if row.boilerplate:
                continue
            truth = expected[Path(path_of[row.doc_id]).name[:3]]
            assert doc_lang[row.doc_id] == truth
            truth_rows.append(("seeds", truth, row.lang))
    for source in ("corpus", "seeds", "all"):
        rows = [r for r in truth_rows if source == "all" or r[0] == source]
        if rows:
            result[source] = {"n": len(rows),
                              "accuracy": round(sum(t == p for _, t, p in rows) / len(rows), 4)}
    result["errors"] = [(s, t, p) for s, t, p in truth_rows if t != p][:30]
    return result


def throughput(detector, lines: list[str], repeat: int = 3) -> dict:
    from lingua import Language, LanguageDetectorBuilder

    from alignment_nlp.languages import PROFILES

    detector.detect_many(lines[:10])  # load models
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        detector.detect_many(lines)
        best = min(best, time.perf_counter() - t)
    langs = [getattr(Language, PROFILES[c].lingua) for c in detector.candidates]
    lingua = LanguageDetectorBuilder.from_languages(*langs).with_preloaded_language_models().build()
    lingua.detect_languages_in_parallel_of(lines[:10])
    lbest = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        lingua.detect_languages_in_parallel_of(lines)
        lbest = min(lbest, time.perf_counter() - t)
    return {"lines": len(lines), "lines_per_s": round(len(lines) / best),
            "lingua_alone_lines_per_s": round(len(lines) / lbest)}


def main(argv: list[str] | None = None) -> int:
    from alignment_nlp.langid import LanguageDetector

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="test", choices=("dev", "test"))
    ap.add_argument("--json", help="write the figures here as JSON")
    args = ap.parse_args(argv)
    detector = LanguageDetector()
    report = {"split": args.split, "short_text": short_text(args.split, detector),
              "passages": passages()}
    short_lines = [ln for lang in TARGETS + CONFUSERS for length in LENGTHS
                   for ln in (_lines(DATA / args.split / f"{lang}.{length}.txt")
                              if (DATA / args.split / f"{lang}.{length}.txt").exists() else [])]
    if short_lines:
        reps = max(1, 20000 // len(short_lines))
        report["throughput"] = throughput(detector, short_lines * reps)
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
