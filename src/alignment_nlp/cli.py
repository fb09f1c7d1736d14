"""The ``alignment-nlp`` command line. Each command only parses its options and calls the library."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from typing import TextIO

from . import __version__
from .errors import AlignmentError

__all__ = ["main", "build_parser"]


def _cmd_analyze(args: argparse.Namespace) -> int:
    from .output import check_writable, write_tables
    from .pipeline import AnalysisOptions, analyze

    check_writable(args.out, args.format, args.force)  # fail before the work, not after
    options = AnalysisOptions(
        candidates=tuple(args.languages.split(",")) if args.languages else None,
        context_strength=args.context_strength,
    )
    result = analyze(args.paths, options, show_progress=None if not args.quiet else False)
    written = write_tables(result, args.out, fmt=args.format, force=args.force)
    s = result.summary()
    if not args.quiet:
        langs = ", ".join(f"{k} {v}" for k, v in s["languages"].items()) or "-"
        print(f"files: {s['files']} ({s['ok']} ok, {s['skipped']} skipped, {s['failed']} failed)")
        print(f"documents: {s['documents']}  passages: {s['passages']}  "
              f"boilerplate: {s['boilerplate']}  duplicates: {s['duplicates']}")
        print(f"languages (content passages): {langs}")
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
        with open(args.input, encoding="utf-8-sig") as f:
            lines = _read_lines(f)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alignment-nlp",
        description="Multilingual articles and interview transcripts to coded passages.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", required=True)

    a = sub.add_parser("analyze", help="read files and folders; write documents, passages, "
                                       "sentences and manifest tables")
    a.add_argument("paths", nargs="+", help="files or folders (read recursively)")
    a.add_argument("--out", required=True, help="output folder")
    a.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    a.add_argument("--force", action="store_true", help="overwrite existing output files")
    a.add_argument("--languages", help="comma-separated candidate languages for detection "
                                       "(default: nl,de,da,zh and their usual confusers)")
    a.add_argument("--context-strength", type=float, default=0.6,
                   help="weight of the document language as prior for its passages (0 = off)")
    a.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    a.set_defaults(func=_cmd_analyze)

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
    try:
        return int(args.func(args))
    except (AlignmentError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
