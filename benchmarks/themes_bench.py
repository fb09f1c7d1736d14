"""Theme-coding benchmarks on our annotated corpus (corpora/annotations, fixed train/dev/test
split).

    python benchmarks/themes_bench.py select        # candidates trained on train, scored on dev
    python benchmarks/themes_bench.py test          # the shipped model (models/default) on test
    python benchmarks/themes_bench.py human         # agreement of the two human codings (ceiling)
    python benchmarks/themes_bench.py crosslingual  # train on one language, test on the others
        (--train-langs zh da: only those rows)
    python benchmarks/themes_bench.py curve         # dev F1 against training size
        (crosslingual and curve: --classifier NAME [--params JSON] picks the candidate)
    python benchmarks/themes_bench.py speed         # passages per second on one core
    python benchmarks/themes_bench.py real          # the whole pipeline on the real seed
        documents (../shared/seeds) against our coding of their passages

Add ``--json FILE`` to keep the figures. Tune on dev only; test is read by ``test``,
``crosslingual`` and ``speed``; the real passages by ``real`` only, and never to choose anything.
Figures and the commands that produced them go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANN = ROOT / "corpora" / "annotations"
SEEDS = ROOT.parent / "shared" / "seeds"
LANGS = ("nl", "de", "zh", "da")
FILES = [ANN / f"{lang}.jsonl" for lang in LANGS]

# Candidates compared on dev (name, registry name, parameters).
EMB = {"embedding": {"C": 8.0}}
CANDIDATES = [
    ("cues", "cues", {}),
    ("lexical", "lexical", {}),
    ("embedding", "embedding", {"C": 8.0}),
    ("ensemble: lexical+embedding", "ensemble", {"members": ["lexical", "embedding"],
                                                 "member_params": EMB}),
    ("ensemble: cues+lexical+embedding", "ensemble", {"member_params": EMB}),
    # needs torch; about 15 min on 2 cores with 3,700 training passages
    ("finetuned", "finetuned", {}),
    # the shipped default (Makefile MODEL_PARAMS); about an hour on 2 cores
    ("ensemble: cues+lexical+embedding+finetuned", "ensemble",
     {"members": ["cues", "lexical", "embedding", "finetuned"], "cv": 2, "member_params": EMB}),
]


def _load(split):  # noqa: ANN001, ANN202
    from alignment_nlp.annotations import load_annotations

    return load_annotations(FILES, split=split)


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"  # None: nothing to count (no theme in either coding)


def _row(name: str, ev, extra: str = "") -> str:  # noqa: ANN001
    s = ev.summary
    langs = " | ".join(_f(ev.per_language[lang]["micro_f1"]) for lang in LANGS
                       if lang in ev.per_language)
    return (f"| {name} | {_f(s['micro_f1'])} | {_f(s['macro_f1'])} | {langs} | "
            f"{s['boilerplate_f1'] if s['boilerplate_f1'] is not None else '-'} |{extra}")


def cmd_select(args) -> dict:  # noqa: ANN001
    from alignment_nlp.classify import make_classifier
    from alignment_nlp.evaluate import evaluate_model

    train, dev = _load("train"), _load("dev")
    print(f"train {len(train)} passages, dev {len(dev)}")
    print("| candidate | micro-F1 | macro-F1 | nl | de | zh | da | boilerplate F1 | fit s |")
    print("|---|---|---|---|---|---|---|---|---|")
    out = {}
    for name, kind, params in CANDIDATES:
        t = time.perf_counter()
        model = make_classifier(kind, **params).fit(train, [a.themes for a in train])
        fit_s = time.perf_counter() - t
        ev = evaluate_model(model, dev)
        print(_row(name, ev, f" {fit_s:.0f} |"), flush=True)
        out[name] = {"summary": ev.summary, "per_language": ev.per_language, "fit_s": fit_s}
    return out


def cmd_test(args) -> dict:  # noqa: ANN001
    from alignment_nlp.training import evaluate

    ev = evaluate(FILES, model=args.model, splits=["test"])
    print(ev.to_text())
    return ev.to_dict()


def cmd_human(args) -> dict:  # noqa: ANN001
    from alignment_nlp.annotations import load_annotations
    from alignment_nlp.classify import label_matrix
    from alignment_nlp.codebook import default_codebook
    from alignment_nlp.evaluate import compare_codings

    cb = default_codebook()
    first = {a.id: a for a in load_annotations(FILES)}
    rows = [json.loads(x) for x in (ANN / "double" / "coder2.jsonl").open(encoding="utf-8")]
    g = label_matrix([first[r["id"]].themes for r in rows], cb.labels)
    p = label_matrix([r["themes"] for r in rows], cb.labels)
    ev = compare_codings(g, p, cb.labels, [r["lang"] for r in rows])
    print(ev.to_text())
    return ev.to_dict()


def cmd_crosslingual(args) -> dict:  # noqa: ANN001
    from alignment_nlp.classify import make_classifier
    from alignment_nlp.evaluate import evaluate_model

    train, test = _load("train"), _load("test")
    kind, params = _candidate(args.classifier, args.params)
    print(f"| trained on | {' | '.join('test ' + lang for lang in LANGS)} |")
    print("|---|" + "---|" * len(LANGS))
    out = {}
    for src in args.train_langs:
        part = [a for a in train if a.lang == src]
        model = make_classifier(kind, **params).fit(part, [a.themes for a in part])
        ev = evaluate_model(model, test)
        cells = [_f(ev.per_language[lang]["micro_f1"]) + (" (same)" if lang == src else "")
                 for lang in LANGS]
        print(f"| {src} ({len(part)}) | {' | '.join(cells)} |", flush=True)
        out[src] = ev.per_language
    return out


def _candidate(name: str, extra: str = "{}") -> tuple[str, dict]:
    """A candidate's registry name and parameters; ``--params`` (a JSON object) replaces whole
    values (giving ``member_params`` replaces the candidate's ``member_params``)."""
    try:
        override = json.loads(extra)
    except json.JSONDecodeError as exc:
        raise SystemExit(f"--params is not valid JSON ({exc}); got {extra!r}") from None
    if not isinstance(override, dict):
        raise SystemExit(f"--params must be a JSON object such as '{{\"threshold\": 0.4}}'; "
                         f"got {extra!r}")
    for cname, kind, params in CANDIDATES:
        if cname == name or kind == name:
            return kind, {**params, **override}
    raise SystemExit(f"unknown candidate {name!r}; known: {[c[0] for c in CANDIDATES]}")


def cmd_curve(args) -> dict:  # noqa: ANN001
    from alignment_nlp.classify import make_classifier
    from alignment_nlp.evaluate import evaluate_model

    train, dev = _load("train"), _load("dev")
    kind, params = _candidate(args.classifier, args.params)
    docs = sorted({a.doc for a in train})
    random.Random(0).shuffle(docs)
    print("| training passages (all languages) | dev micro-F1 | dev macro-F1 |")
    print("|---|---|---|")
    out = {}
    for frac in args.fractions:
        keep = set(docs[: max(1, round(frac * len(docs)))])
        part = [a for a in train if a.doc in keep]
        model = make_classifier(kind, **params).fit(part, [a.themes for a in part])
        ev = evaluate_model(model, dev)
        print(f"| {len(part)} | {_f(ev.summary['micro_f1'])} | {_f(ev.summary['macro_f1'])} |",
              flush=True)
        out[len(part)] = ev.summary
    return out


def _speed_models(args, train):  # noqa: ANN001, ANN202
    """The candidates, each trained on train; or only the model folder given with --model."""
    from alignment_nlp.classify import load_model, make_classifier

    if args.model:
        yield args.model, load_model(args.model)
        return
    for name, kind, params in CANDIDATES:
        model = make_classifier(kind, threshold=0.5, **params)
        yield name, model.fit(train, [a.themes for a in train])


def cmd_speed(args) -> dict:  # noqa: ANN001
    from alignment_nlp.classify import clear_caches

    train, test, dev = _load("train"), _load("test"), _load("dev")
    texts = [{"id": a.id, "text": a.text, "lang": a.lang} for a in test]
    warm = [{"id": a.id, "text": a.text, "lang": a.lang} for a in dev[::20]]
    print(f"one core (sched_setaffinity), {len(texts)} test passages, languages given; "
          f"warmed up on {len(warm)} dev passages; embedding caches emptied before each timing")
    print("| classifier | passages/s | with evidence |")
    print("|---|---|---|")
    out = {}
    for name, model in _speed_models(args, train):
        model.classify(warm)  # load lemma tables, matchers, the embedding model
        rates = []
        for evidence in (False, True):
            clear_caches(model)  # cold caches: every passage is encoded
            t = time.perf_counter()
            model.classify(texts, evidence=evidence)
            rates.append(len(texts) / (time.perf_counter() - t))
        print(f"| {name} | {rates[0]:.0f} | {rates[1]:.0f} |", flush=True)
        out[name] = rates
    return out


def cmd_real(args) -> dict:  # noqa: ANN001
    """Segmentation, chrome, language and themes on real text, scored against two human coders'
    adjudicated coding of the same passages (the text stays in ../shared/seeds)."""
    import alignment_nlp as an

    coded = ANN / "seeds"
    files = sorted(Path(args.seeds).glob("0*.txt"))
    if not files:
        raise SystemExit(f"no seed documents (0*.txt) in {args.seeds}; give --seeds DIR.")
    human, counts = an.agreement(coded / "coder1.jsonl", coded / "coder2.jsonl")
    result = an.analyze(files, show_progress=False,
                        options=an.AnalysisOptions(model=args.model))
    ev = an.evaluate_passages(result.passages, coded / "gold.jsonl")
    print(f"model ({args.model or 'models/default'}) against the adjudicated coding, "
          f"{ev.summary['n']} passages\n{ev.to_text()}\n")
    print(f"coder 1 against coder 2 ({counts['common']} passages)\n{human.to_text()}")
    return {"model": ev.to_dict(), "human": human.to_dict()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=("select", "test", "human", "crosslingual", "curve",
                                         "speed", "real"))
    parser.add_argument("--model", help="model folder for 'test' and 'real' (default: "
                        "models/default) and 'speed' (default: train each candidate)")
    parser.add_argument("--seeds", default=str(SEEDS), help="folder of the seed documents "
                        "for 'real'")
    parser.add_argument("--classifier", default="ensemble: cues+lexical+embedding",
                        help="candidate for crosslingual/curve")
    parser.add_argument("--params", default="{}",
                        help="crosslingual/curve only: parameters (JSON object) that replace the "
                        "candidate's, e.g. '{\"threshold\": 0.4}' (a fixed threshold skips the "
                        "out-of-fold tuning)")
    parser.add_argument("--train-langs", nargs="+", choices=LANGS, default=list(LANGS),
                        help="crosslingual only: the languages to train on, one row each "
                        "(default: all four)")
    parser.add_argument("--fractions", type=float, nargs="+",
                        default=[0.1, 0.2, 0.35, 0.5, 0.75, 1.0],
                        help="shares of the training documents for 'curve'")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    if args.what == "speed":
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    sys.path.insert(0, str(ROOT / "src"))
    result = globals()[f"cmd_{args.what}"](args)
    if args.json:
        if args.what in ("crosslingual", "curve"):
            result = {"classifier": args.classifier, "params": _candidate(args.classifier,
                                                                          args.params)[1],
                      "figures": result}
        Path(args.json).write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
