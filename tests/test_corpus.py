"""The bundled corpus through the whole pipeline, checked against what its authors recorded in
corpora/index/<lang>.yaml: language, encoding, speakers, turn counts, language switches, page
chrome and repeated blocks."""

from __future__ import annotations

import pytest
import yaml
from conftest import CORPUS, LANGS, assert_offsets


def _entries():
    out = []
    for lang in LANGS:
        index = CORPUS / "index" / f"{lang}.yaml"
        for entry in yaml.safe_load(index.read_text(encoding="utf-8")):
            out.append(pytest.param(entry, id=entry["file"]))
    return out


ENTRIES = _entries()


def _norm(s: str) -> str:
    return " ".join(s.split())


def _doc(corpus_result, entry):
    path = str(CORPUS / entry["file"])
    docs = corpus_result.documents
    row = docs[docs["path"] == path]
    assert len(row) == 1, f"{path} not analysed: {corpus_result.manifest[corpus_result.manifest['path'] == path]['error'].tolist()}"
    passages = corpus_result.passages[corpus_result.passages["doc_id"] == row["doc_id"].iloc[0]]
    return row.iloc[0], passages


def test_every_corpus_file_is_indexed_and_read(corpus_result):
    indexed = {str(CORPUS / e.values[0]["file"]) for e in ENTRIES}
    files = {str(p) for lang in LANGS for p in (CORPUS / lang).rglob("*") if p.is_file()}
    assert files == indexed
    assert set(corpus_result.manifest["status"]) == {"ok"}
    assert_offsets(corpus_result.documents, corpus_result.passages)


def test_corpus_covers_formats_and_languages():
    kinds = {(e.values[0]["lang"], e.values[0]["type"]) for e in ENTRIES}
    formats = {(e.values[0]["lang"], e.values[0]["format"]) for e in ENTRIES}
    for lang in LANGS:
        assert sum(1 for e in ENTRIES if e.values[0]["lang"] == lang and e.values[0]["type"] == "article") >= 3
        assert sum(1 for e in ENTRIES if e.values[0]["lang"] == lang and e.values[0]["type"] == "interview") >= 3
        assert {(lang, "vtt"), (lang, "srt"), (lang, "docx")} <= formats
        assert (lang, "article") in kinds


@pytest.mark.parametrize("entry", ENTRIES)
def test_language_and_encoding(corpus_result, entry):
    doc, _ = _doc(corpus_result, entry)
    assert doc["lang"] == entry["lang"]
    if entry.get("script"):
        assert doc["script"] == entry["script"]
    if entry["encoding"] != "binary":
        expected = entry["encoding"].lower().replace("-", "").replace("_", "")
        assert str(doc["encoding"]).replace("-", "").replace("_", "") in {expected, {"gbk": "gb18030"}.get(expected, expected)}


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.values[0]["type"] == "interview"])
def test_interview_turns_speakers_and_switches(corpus_result, entry):
    _, passages = _doc(corpus_result, entry)
    turns = passages[passages["kind"] == "turn"]
    assert len(turns) == entry["turns"]
    assert set(turns["speaker"]) == {s.strip("@[]:：") for s in entry["speakers"]}
    assert set(turns["role"].dropna()) <= {"interviewer", "respondent"}
    langs = turns["lang"].tolist()
    for switch in entry.get("switches") or []:
        assert langs[switch["turn"]] == switch["lang"], switch
    switched = {s["turn"] for s in entry.get("switches") or []}
    others = [lang for i, lang in enumerate(langs) if i not in switched]
    assert sum(lang == entry["lang"] for lang in others) >= 0.9 * len(others)


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.values[0]["boilerplate"]])
def test_page_chrome_is_flagged(corpus_result, entry):
    _, passages = _doc(corpus_result, entry)
    texts = [(_norm(t), b) for t, b in zip(passages["text"], passages["boilerplate"])]
    missing = []
    for prefix in entry["boilerplate"]:
        prefix = _norm(prefix)
        hits = [b for t, b in texts if t.startswith(prefix) or (len(t) >= 2 and prefix.startswith(t))]
        if not hits or not all(hits):
            missing.append(prefix)
    assert not missing, f"not flagged as boilerplate: {missing}"


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.values[0].get("duplicates")])
def test_repeated_blocks_are_flagged(corpus_result, entry):
    _, passages = _doc(corpus_result, entry)
    for prefix in entry["duplicates"]:
        rows = passages[passages["text"].map(_norm).str.contains(_norm(prefix), regex=False)]
        assert len(rows) >= 2, prefix
        assert rows["duplicate_of"].iloc[1:].notna().all(), prefix
        assert rows["duplicate_of"].iloc[1] == rows["passage_id"].iloc[0]


@pytest.mark.parametrize("entry", ENTRIES)
def test_content_is_mostly_not_boilerplate(corpus_result, entry):
    """Passages that the index does not list as chrome, outside related/comment blocks, stay content."""
    _, passages = _doc(corpus_result, entry)
    claims = [_norm(p) for p in entry["boilerplate"]]
    wrongly = [
        t for t, b, r in zip(passages["text"], passages["boilerplate"], passages["boilerplate_reason"])
        if b and r not in ("related", "comments")
        and not any(_norm(t).startswith(c) or c.startswith(_norm(t)) for c in claims)
    ]
    assert len(wrongly) <= 1 + 0.05 * len(passages), wrongly
