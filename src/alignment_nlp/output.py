"""Writing the tables: Parquet (default) or CSV, each file written atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import OutputExistsError

__all__ = ["FORMATS", "atomic_write", "write_tables", "table_paths", "check_writable"]

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
