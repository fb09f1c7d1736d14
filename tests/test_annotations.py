"""Our annotated corpus and the annotation format: size, coverage, the fixed grouped split, the
independent second coding, and errors that name file, line and field."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from alignment_nlp.annotations import AnnotationError, load_annotations, read_passages
from alignment_nlp.codebook import default_codebook

ANN = Path(__file__).resolve().parents[1] / "corpora" / "annotations"
LANGS = ("nl", "de", "zh", "da")


@pytest.fixture(scope="module")
def annotations():
    return {lang: load_annotations(ANN / f"{lang}.jsonl") for lang in LANGS}


@pytest.mark.parametrize("lang", LANGS)
def test_size_and_theme_coverage(annotations, lang):
    rows = annotations[lang]
    assert len(rows) >= 500
    assert all(a.lang == lang for a in rows)
    counts = Counter(t for a in rows for t in a.themes)
    for theme in default_codebook().labels:
        assert counts[theme] >= 15, theme
    multi = sum(len(a.themes) > 1 for a in rows)
    assert multi / len(rows) > 0.25
    assert sum(a.themes == () for a in rows) > 0


@pytest.mark.parametrize("lang", LANGS)
def test_split_is_fixed_and_grouped_by_document(annotations, lang):
    rows = annotations[lang]
    assert {a.split for a in rows} == {"train", "dev", "test"}
    by_doc: dict[str, set[str]] = {}
    for a in rows:
        by_doc.setdefault(a.doc, set()).add(a.split)
    assert all(len(s) == 1 for s in by_doc.values())
    for split in ("dev", "test"):
        counts = Counter(t for a in rows if a.split == split for t in a.themes)
        assert min(counts[t] for t in default_codebook().labels) >= 3, (split, counts)


def test_split_tool_keeps_existing_assignments():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "assign_splits", ANN.parents[0] / "tools" / "assign_splits.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rows = [json.loads(x) for x in (ANN / "nl.jsonl").open(encoding="utf-8")]
    before = [r["split"] for r in rows]
    mod.assign(rows)
    assert [r["split"] for r in rows] == before


def test_second_coding_covers_100_passages_independently():
    coder2 = [json.loads(x) for x in (ANN / "double" / "coder2.jsonl").open(encoding="utf-8")]
    assert len(coder2) >= 100
    assert Counter(r["lang"] for r in coder2) == {lang: 30 for lang in LANGS}
    ids = {a.id for lang in LANGS for a in load_annotations(ANN / f"{lang}.jsonl")}
    assert {r["id"] for r in coder2} <= ids
    valid = set(default_codebook().labels)
    assert all(set(r["themes"]) <= valid for r in coder2)


@pytest.mark.parametrize(("line", "field", "what"), [
    ('{"id": "a", "text": "x", "themes": ["budgets"]}', "themes", "unknown theme 'budgets'"),
    ('{"id": "a", "text": "x", "themes": "budget"}', "themes", "expected a list of theme ids"),
    ('{"id": "a", "text": "x", "themes": ["boilerplate", "budget"]}', "themes", "stands alone"),
    ('{"text": "x", "themes": []}', "id", "non-empty string id"),
    ('{"id": "a", "themes": []}', "text", "passage text as a string"),
    ('{"id": "a", "text": "x", "themes": [], "lang": "xx"}', "lang", "No language profile"),
    ('{"id": "a", "text": "x", "themes": [], "split": "val"}', "split", "train, dev, test"),
    ('{"id": "a", "text": "x", "themes": [}', None, "not valid JSON"),
])
def test_bad_annotation_line_names_file_line_field(tmp_path, line, field, what):
    path = tmp_path / "bad.jsonl"
    good = '{"id": "ok", "text": "Het budget ligt bij marketing.", "lang": "nl", "themes": []}'
    path.write_text(good + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=what) as info:
        load_annotations(path)
    assert (info.value.path, info.value.line, info.value.field) == (str(path), 3, field)


def test_duplicate_id_across_files(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text('{"id": "x", "text": "t", "lang": "nl", "themes": []}\n', encoding="utf-8")
    b.write_text('{"id": "x", "text": "u", "lang": "nl", "themes": []}\n', encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"duplicate id 'x' \(first at .*a.jsonl line 1\)"):
        load_annotations([a, b])


def test_missing_language_is_detected(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": 1, "text": "Afdelingerne stoler ikke på hinanden.", "themes": []}\n',
                    encoding="utf-8")
    assert load_annotations(path)[0].lang == "da"
    assert read_passages(path) == [{"id": "1", "text": "Afdelingerne stoler ikke på hinanden.",
                                    "lang": None}]
