"""Pipeline throughput on the bundled corpus (figures for docs/benchmarks.md).

    .venv/bin/python benchmarks/throughput_bench.py [--repeat 3] [--no-themes]

Runs `analyze` over corpora/{nl,de,zh,da} (warm: models loaded by a first run) and reports files
and passages per second in one process, and the peak resident memory. With theme coding (the
default) the encoding caches are emptied before every run, so each passage is encoded every time.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    import alignment_nlp as an

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-themes", action="store_true", help="skip theme coding")
    args = ap.parse_args(argv)
    from alignment_nlp.classify import clear_caches, get_model

    options = an.AnalysisOptions(themes=not args.no_themes)
    paths = [ROOT / "corpora" / lang for lang in ("nl", "de", "zh", "da")]
    t = time.perf_counter()
    first = an.analyze(paths, options, show_progress=False)
    cold = time.perf_counter() - t
    best = float("inf")
    for _ in range(args.repeat):
        clear_caches(*([] if args.no_themes else [get_model(None)]))
        t = time.perf_counter()
        an.analyze(paths, options, show_progress=False)
        best = min(best, time.perf_counter() - t)
    report = {
        "themes": not args.no_themes,
        "files": len(first.manifest), "passages": len(first.passages),
        "cold_seconds": round(cold, 2), "warm_seconds": round(best, 2),
        "files_per_s": round(len(first.manifest) / best, 1),
        "passages_per_s": round(len(first.passages) / best),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
