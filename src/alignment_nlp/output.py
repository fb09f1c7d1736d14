"""Writing the tables: Parquet (default) or CSV, each file written atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import OutputExistsError

__all__ = ["FORMATS", "atomic_write", "write_tables", "table_paths", "check_writable",
           "load_results"]

FORMATS = ("parquet", "csv")
_UMASK = os.umask(0)
os.umask(_UMASK)

TABLE_NAMES = ("documents", "passages", "sentences", "codings", "manifest")


def table_paths(out_dir: str | os.PathLike[str], fmt: str) -> dict[str, Path]:
    if fmt not in FORMATS:
        raise ValueError(f"The 'format' parameter must be one of {FORMATS}. Got {fmt!r} instead.")
    return {name: Path(out_dir) / f"{name}.{fmt}" for name in TABLE_NAMES}


def atomic_write(path: Path, write: Any) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp creates 0600; give the file the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_writable(out_dir: str | os.PathLike[str], fmt: str, force: bool) -> dict[str, Path]:
    """The output paths; raises OutputExistsError when one exists and ``force`` is false.

    Call it before a long run so the error comes before the work, not after.
    """
    paths = table_paths(out_dir, fmt)
    existing = [str(p) for p in paths.values() if p.exists()]
    if existing and not force:
        raise OutputExistsError(
            f"output exists: {', '.join(existing)}. Pass --force (force=True) to overwrite, or "
            "choose another --out folder."
        )
    return paths


def write_tables(result: Any, out_dir: str | os.PathLike[str], *, fmt: str = "parquet",
                 force: bool = False) -> dict[str, Path]:
    """Write ``result``'s tables to ``out_dir`` (created if needed); return the paths written.

    Raises:
        OutputExistsError: an output file exists and ``force`` is false; nothing is written.
    """
    paths = check_writable(out_dir, fmt, force)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    for name, path in paths.items():
        frame = getattr(result, name)
        if fmt == "parquet":
            atomic_write(path, lambda tmp, f=frame: f.to_parquet(tmp, index=False))
        else:
            atomic_write(path, lambda tmp, f=frame: f.to_csv(tmp, index=False, encoding="utf-8"))
    return paths


_REQUIRED = ("documents", "passages")


def load_results(path: str | os.PathLike[str]) -> Any:
    """Read a results folder written by ``alignment-nlp analyze --out DIR`` back into an
    :class:`~alignment_nlp.pipeline.AnalysisResult`.

    Each table is read from ``<name>.parquet`` or, failing that, ``<name>.csv``, and given the
    column types of :mod:`alignment_nlp.schema` (in CSV an empty cell reads as null, except a
    coded passage's empty ``themes``, which reads as ``""``).
    ``sentences``, ``codings`` and ``manifest`` may be absent (an empty table is used).

    Raises:
        InputError: the folder does not exist or lacks ``documents`` or ``passages``.
    """
    import pandas as pd

    from .errors import InputError
    from .pipeline import AnalysisResult
    from .schema import empty_frame

    folder = Path(path)
    if not folder.is_dir():
        raise InputError("no such folder; give the --out folder of `alignment-nlp analyze`.",
                         path=str(folder))
    frames: dict[str, Any] = {}
    for name in TABLE_NAMES:
        parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
        if parquet.is_file():
            frame = pd.read_parquet(parquet)
        elif csv.is_file():
            frame = pd.read_csv(csv, dtype=str, keep_default_na=False, na_values=[""],
                                encoding="utf-8")
            if name == "passages" and "themes" in frame.columns and frame["themes"].notna().any():
                # CSV writes "no theme" ("") and "not coded" (null) alike; chrome is never coded
                uncoded = frame["themes"].isna() & (frame["boilerplate"].str.lower() != "true")
                frame.loc[uncoded, "themes"] = ""
        elif name in _REQUIRED:
            raise InputError(
                f"no {name}.parquet or {name}.csv; give the --out folder of `alignment-nlp "
                "analyze`, which holds documents, passages, sentences, codings and manifest.",
                path=str(folder))
        else:
            frame = empty_frame(name)
        frames[name] = _typed(name, frame)
    return AnalysisResult(**frames)


def _typed(table: str, frame: Any) -> Any:
    """Give ``frame`` the schema's dtypes (CSV reads everything as text)."""
    import pandas as pd

    from .schema import TABLES

    for col in TABLES[table]:
        if col.name not in frame.columns:
            frame[col.name] = pd.Series([None] * len(frame), dtype=col.dtype, index=frame.index)
            continue
        s = frame[col.name]
        if str(s.dtype) == col.dtype:
            continue
        if col.dtype == "boolean" and s.dtype == object:
            s = s.map(lambda v: v.strip().lower() == "true" if isinstance(v, str) else v)
        elif col.dtype in ("Int64", "float64") and s.dtype == object:
            s = pd.to_numeric(s, errors="coerce")
        frame[col.name] = s.astype(col.dtype)
    return frame
