"""The ``alignment-nlp`` command line. Each command only parses its options and calls the library."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import __version__
from .errors import AlignmentError, OutputExistsError

__all__ = ["main", "build_parser"]


def _cmd_analyze(args: argparse.Namespace) -> int:
    from .output import check_writable, write_tables
    from .pipeline import AnalysisOptions, analyze

    options = AnalysisOptions(  # bad options fail before the work, not after
        candidates=tuple(args.languages.split(",")) if args.languages else None,
        context_strength=args.context_strength,
        themes=not args.no_themes,
        model=args.model,
    )
    check_writable(args.out, args.format, args.force)
    for extra in (args.qdpx, args.report):
        if extra and Path(extra).exists() and not args.force:
            raise OutputExistsError(f"output exists: {extra}. Pass --force to overwrite.")
    result = analyze(args.paths, options, show_progress=None if not args.quiet else False)
    written = write_tables(result, args.out, fmt=args.format, force=args.force)
    if args.qdpx:
        from .refi import export_qdpx

        written["qdpx"] = export_qdpx(result, args.qdpx)
    if args.report:
        from .report import write_report

        written["report"] = write_report(result, args.report)
    s = result.summary()
    if not args.quiet:
        langs = ", ".join(f"{k} {v}" for k, v in s["languages"].items()) or "-"
        print(f"files: {s['files']} ({s['ok']} ok, {s['skipped']} skipped, {s['failed']} failed)")
        print(f"documents: {s['documents']}  passages: {s['passages']}  "
              f"boilerplate: {s['boilerplate']}  duplicates: {s['duplicates']}")
        print(f"languages (content passages): {langs}")
        if len(result.codings):
            counts = result.codings["theme"].value_counts()
            print("themes: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        for row in result.manifest.itertuples():
            if row.status != "ok":
                print(f"{row.status}: {row.error}", file=sys.stderr)
        print(f"wrote: {', '.join(str(p) for p in written.values())}")
    return 1 if s["failed"] else 0


def _read_lines(stream: TextIO) -> list[str]:
    return [line.rstrip("\r\n") for line in stream]


def _cmd_detect_language(args: argparse.Namespace) -> int:
    from .langid import LanguageDetector

    if args.input and args.input != "-":
        from .annotations import iter_text_lines

        lines = [line.rstrip("\r\n")
                 for _, line in iter_text_lines(args.input, "a file of one text per line")]
    else:
        sys.stdin.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]
        lines = _read_lines(sys.stdin)
    detector = LanguageDetector(args.languages.split(",") if args.languages else None)
    out = sys.stdout
    for result in detector.detect_many(lines):
        if args.format == "jsonl":
            out.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
        else:
            out.write(result.lang + "\n")
    return 0


def _load_model(path: str | None):  # noqa: ANN202
    from .classify import get_model

    return get_model(path)


def _cmd_classify(args: argparse.Namespace) -> int:
    from .annotations import read_passages
    from .output import atomic_write

    passages = read_passages(args.input)
    out = Path(args.output)
    if out.exists() and not args.force:
        raise OutputExistsError(f"output exists: {out}. Pass --force to overwrite.")
    model = _load_model(args.model)
    predictions = model.classify(passages, evidence=not args.no_evidence)

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as fh:
            for pred in predictions:
                fh.write(json.dumps(pred.to_dict(), ensure_ascii=False) + "\n")

    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, write)
    if not args.quiet:
        n_bp = sum(p.boilerplate for p in predictions)
        n_none = sum(not p.themes and not p.boilerplate for p in predictions)
        print(f"classified {len(predictions)} passages ({n_bp} boilerplate, {n_none} without "
              f"theme) -> {out}")
    return 0


def _cmd_train(args: argparse.Namespace) -> int:
    from .training import train

    try:
        params = json.loads(args.params) if args.params else None
    except json.JSONDecodeError as exc:
        raise ValueError(f"--params is not valid JSON ({exc.msg} at column {exc.colno}); give an "
                         f"object such as '{{\"C\": 2.0}}'.") from None
    if params is not None and not isinstance(params, dict):
        raise ValueError(f"--params must be a JSON object; got {args.params!r}.")
    model = train(args.data, codebook=args.codebook, classifier=args.classifier, params=params,
                  splits=args.split or None, out=args.out)
    if not args.quiet:
        meta = getattr(model, "metadata_", None)
        print(f"trained {args.classifier} on {len(model.classes_)} labels -> {args.out}"
              + (f" ({meta})" if meta else ""))
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .training import evaluate

    result = evaluate(args.gold, model=args.model, splits=args.split or None)
    print(result.to_text())
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result.to_dict(), fh, ensure_ascii=False, indent=1)
    return 0


def _refuse_existing(path: str, force: bool) -> None:
    if Path(path).exists() and not force:
        raise OutputExistsError(f"output exists: {path}. Pass --force to overwrite.")


def _cmd_export_qdpx(args: argparse.Namespace) -> int:
    from .refi import export_qdpx

    _refuse_existing(args.out, args.force)
    out = export_qdpx(args.results_dir, args.out, args.codebook or None)
    print(f"wrote {out}")
    return 0


def _cmd_export_qdc(args: argparse.Namespace) -> int:
    from .refi import export_qdc

    _refuse_existing(args.out, args.force)
    codebook = args.codebook or (str(Path(args.model) / "codebook.yaml") if args.model else None)
    print(f"wrote {export_qdc(codebook, args.out)}")
    return 0


def _cmd_import_qdpx(args: argparse.Namespace) -> int:
    from .refi import import_qdpx, load_mapping, load_results, write_imported

    _refuse_existing(args.out, args.force)
    mapping = load_mapping(args.mapping) if args.mapping else None
    passages = load_results(args.passages).passages if args.passages else None
    records = import_qdpx(args.file, args.codebook or None, mapping=mapping, passages=passages,
                          uncoded=passages is not None and not args.coded_only)
    for path in write_imported(records, args.out):
        print(f"wrote {path}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .report import write_report

    _refuse_existing(args.out, args.force)
    out = write_report(args.results_dir, args.out, codebook=args.codebook, title=args.title)
    print(f"wrote {out}")
    return 0


def _cmd_agreement(args: argparse.Namespace) -> int:
    from .codebook import load_codebook
    from .evaluate import agreement

    codebook = load_codebook(args.codebook) if args.codebook else None
    result, counts = agreement(args.a, args.b, codebook)
    print(f"passages coded in both: {counts['common']} (only in A: {counts['only_a']}, only in "
          f"B: {counts['only_b']}); A is the reference for P and R")
    print(result.to_text())
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({**result.to_dict(), "counts": counts}, fh, ensure_ascii=False, indent=1)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alignment-nlp",
        description="Multilingual articles and interview transcripts to coded passages.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", required=True)

    a = sub.add_parser("analyze", help="read files and folders; write documents, passages, "
                                       "sentences, codings and manifest tables")
    a.add_argument("paths", nargs="+", help="files or folders (read recursively)")
    a.add_argument("--out", required=True, help="output folder")
    a.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    a.add_argument("--force", action="store_true", help="overwrite existing output files")
    a.add_argument("--languages", help="comma-separated candidate languages for detection "
                                       "(default: nl,de,da,zh and their usual confusers)")
    a.add_argument("--context-strength", type=float, default=0.6,
                   help="weight of the document language as prior for its passages (0 = off)")
    a.add_argument("--model", help="theme model folder (default: the model in models/default)")
    a.add_argument("--no-themes", action="store_true", help="skip theme coding")
    a.add_argument("--report", help="also write a self-contained HTML report")
    a.add_argument("--qdpx", help="also write a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, "
                                  "MAXQDA, QualCoder")
    a.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    a.set_defaults(func=_cmd_analyze)

    c = sub.add_parser("classify", help="code passages from a JSON-lines file with themes")
    c.add_argument("--input", required=True, help='JSON lines, each with "id" and "text"')
    c.add_argument("--output", required=True, help="JSON lines: id, lang, boilerplate, themes, "
                                                   "scores, evidence (same order as the input)")
    c.add_argument("--model", help="model folder (default: models/default)")
    c.add_argument("--no-evidence", action="store_true", help="leave the evidence out (faster)")
    c.add_argument("--force", action="store_true", help="overwrite the output file")
    c.add_argument("-q", "--quiet", action="store_true")
    c.set_defaults(func=_cmd_classify)

    t = sub.add_parser("train", help="train a theme model on annotated passages")
    t.add_argument("--data", nargs="+", required=True, help="annotation files (JSON lines)")
    t.add_argument("--out", required=True, help="folder to write the model to")
    t.add_argument("--codebook", help="codebook YAML (default: the default codebook)")
    t.add_argument("--classifier", default="ensemble",
                   help="ensemble (default), lexical, embedding, finetuned or cues")
    t.add_argument("--params", help='classifier parameters as JSON, e.g. \'{"C": 2.0}\'')
    t.add_argument("--split", action="append", choices=("train", "dev", "test"),
                   help="use only lines of this split (repeatable; default: all lines)")
    t.add_argument("-q", "--quiet", action="store_true")
    t.set_defaults(func=_cmd_train)

    e = sub.add_parser("evaluate", help="compare a model's coding with gold annotations")
    e.add_argument("--gold", nargs="+", required=True, help="annotation files (JSON lines)")
    e.add_argument("--model", help="model folder (default: models/default)")
    e.add_argument("--split", action="append", choices=("train", "dev", "test"),
                   help="use only gold lines of this split (repeatable)")
    e.add_argument("--json", help="also write the figures as JSON to this file")
    e.set_defaults(func=_cmd_evaluate)

    g = sub.add_parser("agreement", help="agreement between two codings of the same passages "
                                         "(alpha and kappa per theme)")
    g.add_argument("a", help="coding A (annotation lines, classify output, or a results folder "
                   "of analyze), the reference")
    g.add_argument("b", help="coding B (the same kinds)")
    g.add_argument("--codebook", help="codebook YAML (default: the default codebook)")
    g.add_argument("--json", help="also write the figures as JSON to this file")
    g.set_defaults(func=_cmd_agreement)

    r = sub.add_parser("report", help="write a self-contained HTML report of a results folder")
    r.add_argument("results_dir", help="folder written by analyze")
    r.add_argument("--out", required=True, help="the .html file to write")
    r.add_argument("--codebook", help="codebook YAML (default: the model's, else the default)")
    r.add_argument("--title", help="title of the report")
    r.add_argument("--force", action="store_true", help="overwrite the output file")
    r.set_defaults(func=_cmd_report)

    x = sub.add_parser("export-qdpx", help="write a results folder as a REFI-QDA project")
    x.add_argument("results_dir", help="folder written by analyze")
    x.add_argument("--out", required=True, help="the .qdpx file to write")
    x.add_argument("--codebook", help="codebook YAML (default: the model's, else the default)")
    x.add_argument("--force", action="store_true", help="overwrite the output file")
    x.set_defaults(func=_cmd_export_qdpx)

    q = sub.add_parser("export-qdc", help="write the codebook alone as REFI-QDA (.qdc)")
    q.add_argument("--out", required=True, help="the .qdc file to write")
    q.add_argument("--codebook", help="codebook YAML (default: the default codebook)")
    q.add_argument("--model", help="use this model folder's codebook")
    q.add_argument("--force", action="store_true", help="overwrite the output file")
    q.set_defaults(func=_cmd_export_qdc)

    m = sub.add_parser("import-qdpx", help="turn a human-coded REFI-QDA project into "
                                           "annotation lines (one file per coder)")
    m.add_argument("file", help="the .qdpx project")
    m.add_argument("--out", required=True, help="JSON-lines file (several coders: "
                                                "<stem>.<coder>.jsonl each)")
    m.add_argument("--mapping", help="YAML/JSON {code name or GUID: theme id or null}")
    m.add_argument("--passages", help="results folder of analyze: map selections onto its "
                                      "passages (else each selection is a passage)")
    m.add_argument("--coded-only", action="store_true",
                   help="with --passages, leave out the passages a coder left without a code "
                        "(by default they are written with \"themes\": [], as agreement needs)")
    m.add_argument("--codebook", help="codebook YAML (default: the default codebook)")
    m.add_argument("--force", action="store_true", help="overwrite the output file")
    m.set_defaults(func=_cmd_import_qdpx)

    d = sub.add_parser("detect-language", help="one language code per input line")
    d.add_argument("--input", help="file with one text per line (default: standard input)")
    d.add_argument("--format", choices=("text", "jsonl"), default="text")
    d.add_argument("--languages", help="comma-separated candidate languages")
    d.set_defaults(func=_cmd_detect_language)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR,
                        format="%(levelname)s %(name)s: %(message)s")
    if not args.verbose:  # what an import had to skip or guess must reach the user
        for name in ("alignment_nlp.refi", "alignment_nlp.training"):
            logging.getLogger(name).setLevel(logging.WARNING)
    try:
        return int(args.func(args))
    except (AlignmentError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
