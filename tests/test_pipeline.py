"""The orchestrator and the analyze command: tables, ids, bad input, output files."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from conftest import assert_offsets

import alignment_nlp as an
from alignment_nlp.schema import TABLES

GOOD = {
    "nl.txt": "Samenwerking tussen marketing en IT\n\nDe CMO en de CIO delen nu één budget en één doel.\n",
    "da.md": "# Tillid\n\nMarketingchefen og IT-direktøren mødes hver uge og taler om kunderne.\n",
}


def _write_batch(folder):
    for name, text in GOOD.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "broken.docx").write_bytes(b"not a zip at all")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\nnothing here")
    (folder / "notes.rtf").write_text("{\\rtf1 hello}")
    (folder / ".hidden.txt").write_text("ignored hidden file")


def test_a_batch_survives_bad_files(tmp_path):
    _write_batch(tmp_path)
    result = an.analyze([tmp_path], show_progress=False)
    status = dict(zip(result.manifest["path"].map(lambda p: p.rsplit("/", 1)[-1]),
                      result.manifest["status"]))
    assert status == {"binary.txt": "failed", "broken.docx": "failed", "broken.pdf": "failed",
                      "da.md": "ok", "empty.txt": "failed", "nl.txt": "ok", "notes.rtf": "skipped"}
    errors = result.manifest.set_index(result.manifest["path"].map(lambda p: p.rsplit("/", 1)[-1]))["error"]
    assert "empty.txt: the file is empty" in errors["empty.txt"]
    assert "binary.txt: the file looks binary" in errors["binary.txt"]
    assert "broken.docx: not a readable .docx" in errors["broken.docx"]
    assert "broken.pdf" in errors["broken.pdf"]
    assert "no reader for suffix '.rtf'" in errors["notes.rtf"]
    assert pd.isna(errors["nl.txt"])
    assert set(result.documents["lang"]) == {"nl", "da"}
    assert result.failed == 4


def test_tables_follow_the_schema_and_offsets_slice_the_text(tmp_path):
    _write_batch(tmp_path)
    result = an.analyze([tmp_path], show_progress=False)
    for name, cols in TABLES.items():
        frame = getattr(result, name)
        assert list(frame.columns) == [c.name for c in cols]
        assert [str(t) for t in frame.dtypes] == [c.dtype for c in cols]
    assert_offsets(result.documents, result.passages)
    texts = dict(zip(result.documents["doc_id"], result.documents["text"]))
    for row in result.sentences.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text


def test_ids_are_stable_across_runs_and_unique(tmp_path):
    _write_batch(tmp_path)
    first = an.analyze([tmp_path], show_progress=False)
    second = an.analyze([tmp_path], show_progress=False)
    pd.testing.assert_frame_equal(first.passages, second.passages)
    pd.testing.assert_frame_equal(first.documents, second.documents)
    assert first.passages["passage_id"].is_unique
    # the same file under two names in one run keeps unique document ids
    copy = tmp_path / "sub"
    copy.mkdir()
    (copy / "nl.txt").write_text(GOOD["nl.txt"], encoding="utf-8")
    third = an.analyze([tmp_path], show_progress=False)
    assert third.documents["doc_id"].is_unique and third.passages["passage_id"].is_unique


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "alignment_nlp.cli", *args], capture_output=True,
                          text=True, check=False)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_analyze_cli_writes_tables_and_exit_status_reports_failures(tmp_path, fmt):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name, text in GOOD.items():
        (inputs / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    proc = _cli("analyze", str(inputs), "--out", str(out), "--format", fmt)
    assert proc.returncode == 0, proc.stderr
    assert "files: 2 (2 ok, 0 skipped, 0 failed)" in proc.stdout
    assert "languages (content passages):" in proc.stdout
    read = pd.read_parquet if fmt == "parquet" else pd.read_csv
    passages = read(out / f"passages.{fmt}")
    assert {"doc_id", "passage_id", "text", "start", "end", "kind", "speaker", "role", "timestamp",
            "lang", "lang_confidence", "boilerplate", "duplicate_of"} <= set(passages.columns)
    assert set(read(out / f"manifest.{fmt}")["status"]) == {"ok"}
    assert not list(out.glob(".*tmp"))  # atomic writes leave no temp files

    # existing output is not overwritten without --force
    again = _cli("analyze", str(inputs), "--out", str(out), "--format", fmt)
    assert again.returncode == 2 and "Pass --force" in again.stderr
    (inputs / "empty.txt").write_bytes(b"")
    forced = _cli("analyze", str(inputs), "--out", str(out), "--format", fmt, "--force")
    assert forced.returncode == 1  # a file failed
    assert "failed: " in forced.stderr and "empty.txt: the file is empty" in forced.stderr


def test_write_tables_refuses_to_overwrite(tmp_path):
    result = an.analyze([], show_progress=False)
    an.write_tables(result, tmp_path)
    with pytest.raises(an.OutputExistsError, match="Pass --force"):
        an.write_tables(result, tmp_path)
    an.write_tables(result, tmp_path, force=True)


def test_missing_path_is_reported_and_the_batch_goes_on(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("De CMO en de CIO zitten elke week samen om het budget te bespreken.\n",
                    encoding="utf-8")
    result = an.analyze([tmp_path / "no-such-folder", good], show_progress=False,
                        options=an.AnalysisOptions(themes=False))
    rows = result.manifest.set_index("path")
    missing = rows.loc[str(tmp_path / "no-such-folder")]
    assert missing["status"] == "failed"
    assert "no-such-folder: no such file or folder; check the path" in missing["error"]
    assert rows.loc[str(good), "status"] == "ok"
    assert len(result.passages) >= 1


def test_schema_documentation_is_current():
    from pathlib import Path

    from alignment_nlp.schema import schema_markdown

    doc = (Path(__file__).resolve().parents[1] / "docs" / "schema.md").read_text(encoding="utf-8")
    assert doc.endswith(schema_markdown()), "regenerate docs/schema.md from alignment_nlp.schema"
