"""Theme coding end to end: the shipped default model on per-language cases for every theme, the
classify / train / evaluate commands, codings in analyze, and the agreement figures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alignment_nlp.classify import default_model
from alignment_nlp.cli import main
from alignment_nlp.codebook import default_codebook
from alignment_nlp.errors import InputError
from alignment_nlp.evaluate import cohen_kappa, compare_codings, krippendorff_alpha

ANN = Path(__file__).resolve().parents[1] / "corpora" / "annotations"
LANGS = ("nl", "de", "zh", "da")


@pytest.fixture(scope="module")
def example_predictions():
    """The default model on the codebook's example passages (not part of its training data)."""
    model = default_model()
    out = {}
    for lang in LANGS:
        items = [{"id": f"{t.id}/{i}", "text": ex, "lang": lang}
                 for t in default_codebook() for i, ex in enumerate(t.examples[lang])]
        out[lang] = {p.id: p for p in model.classify(items)}
    return out


@pytest.mark.parametrize("theme", default_codebook().theme_ids)
@pytest.mark.parametrize("lang", LANGS)
def test_default_model_codes_each_theme_in_each_language(example_predictions, lang, theme):
    preds = [p for pid, p in example_predictions[lang].items() if pid.startswith(theme + "/")]
    assert any(theme in p.themes for p in preds), [(p.themes, dict(p.scores)) for p in preds]
    for p in preds:
        assert p.lang == lang and not p.boilerplate
        for t in p.themes:
            assert p.evidence.get(t), f"{t} predicted without evidence"


def test_default_model_loads_without_pickle_and_is_described():
    model = default_model()
    meta = model.metadata_
    assert meta["splits"] == ["dev", "train"] and meta["n_passages"] >= 2000
    assert set(meta["languages"]) == set(LANGS)


def _write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def test_classify_command(tmp_path, capsys):
    rows = [
        {"id": "a", "text": "Het budget voor de klantapp komt volledig uit het marketingbudget."},
        {"id": "b", "text": "Die IT-Abteilung und das Marketing arbeiten in getrennten Silos.",
         "extra": 1},
        {"id": "c", "text": "市场部和信息部门之间缺乏信任。", "lang": "zh"},
        {"id": "d", "text": "Del artiklen på Facebook", "lang": "da"},
    ]
    src = _write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    assert main(["classify", "--input", str(src), "--output", str(out)]) == 0
    got = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [g["id"] for g in got] == ["a", "b", "c", "d"]
    assert [g["lang"] for g in got] == ["nl", "de", "zh", "da"]
    assert set(got[0]) == {"id", "lang", "boilerplate", "themes", "scores", "evidence"}
    assert "budget" in got[0]["themes"]
    assert "silos" in got[1]["themes"]
    assert "trust" in got[2]["themes"]
    assert got[3]["boilerplate"] is True and got[3]["themes"] == []
    assert set(got[0]["scores"]) == set(default_codebook().labels)
    for g in got:  # evidence comes in the order of the themes
        assert list(g["evidence"])[:len(g["themes"])] == g["themes"]
    assert main(["classify", "--input", str(src), "--output", str(out)]) == 2
    assert "output exists" in capsys.readouterr().err


def test_classify_bad_line_names_file_line_field(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "ok"}\n{"id": "b", "txt": "typo"}\n', encoding="utf-8")
    assert main(["classify", "--input", str(src), "--output", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err
    assert f"{src}, line 2, field 'text'" in err
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.parametrize("content, where, what", [
    (b"", "", "holds no passages"),
    (b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "\xf0\x28 x"}\n', ", line 2",
     "not UTF-8 text (byte 22 of the line, 0xf0"),
])
def test_classify_unreadable_input_names_the_file(tmp_path, capsys, content, where, what):
    src = tmp_path / "in.jsonl"
    src.write_bytes(content)
    assert main(["classify", "--input", str(src), "--output", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err
    assert f"{src}{where}: {what}" in err
    assert not (tmp_path / "o.jsonl").exists()


def test_classify_nothing_gives_nothing():
    assert default_model().classify([]) == []


def test_evaluate_with_a_split_the_gold_lacks_says_where_the_passages_are(tmp_path, capsys):
    rows = [json.loads(x) for x in (ANN / "nl.jsonl").read_text(encoding="utf-8").splitlines()]
    gold = _write_jsonl(tmp_path / "gold.jsonl", [r for r in rows if r["split"] == "test"][:3])
    assert main(["evaluate", "--gold", str(gold), "--split", "dev"]) == 2
    err = capsys.readouterr().err
    assert f"no gold passages to evaluate on in {gold} for splits ['dev']" in err
    assert "its 3 passages are in splits test: 3" in err


def test_training_on_too_few_passages_warns(tmp_path, caplog):
    rows = [json.loads(x) for x in (ANN / "de.jsonl").read_text(encoding="utf-8").splitlines()]
    data = _write_jsonl(tmp_path / "few.jsonl", rows[:30])
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "m"), "--classifier",
                 "lexical", "-q"]) == 0
    [warning] = [r for r in caplog.records if r.name == "alignment_nlp.training"
                 and r.levelname == "WARNING"]
    assert "few training passages for 14 of 14 labels (trust 2," in warning.getMessage()
    assert "Code at least 10 passages per label" in warning.getMessage()


def test_train_then_evaluate_commands(tmp_path, capsys):
    rows = []
    for lang in LANGS:
        lines = (ANN / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines()
        rows += [json.loads(x) for x in lines[:40]]
    data = _write_jsonl(tmp_path / "train.jsonl", rows[:120])
    gold = _write_jsonl(tmp_path / "gold.jsonl", rows[120:])
    model_dir = tmp_path / "model"
    assert main(["train", "--data", str(data), "--out", str(model_dir), "--classifier", "lexical",
                 "-q"]) == 0
    meta = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
    assert meta["type"] == "alignment.Lexical.v1" and meta["metadata"]["n_passages"] == 120
    report = tmp_path / "eval.json"
    assert main(["evaluate", "--gold", str(gold), "--model", str(model_dir), "--json",
                 str(report)]) == 0
    text = capsys.readouterr().out
    assert "micro P/R/F1" in text and "alpha" in text
    figures = json.loads(report.read_text(encoding="utf-8"))
    assert figures["summary"]["n"] == 40
    assert {row["label"] for row in figures["per_label"]} == set(default_codebook().labels)
    assert set(figures["per_language"]) == {"da"}


def test_train_with_unknown_theme_names_the_line(tmp_path, capsys):
    data = tmp_path / "bad.jsonl"
    data.write_text('{"id": "a", "text": "x", "lang": "nl", "themes": ["trust"]}\n'
                    '{"id": "b", "text": "y", "lang": "nl", "themes": ["trst"]}\n',
                    encoding="utf-8")
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "m")]) == 2
    assert f"{data}, line 2, field 'themes': unknown theme 'trst'" in capsys.readouterr().err


def test_analyze_writes_codings(corpus_result):
    passages, codings = corpus_result.passages, corpus_result.codings
    content = passages[~passages["boilerplate"].astype(bool)]
    chrome = passages[passages["boilerplate"].astype(bool)]
    judged_chrome = set(codings.loc[codings["theme"] == "boilerplate", "passage_id"])
    uncoded = content[content["themes"].isna()]
    assert set(uncoded["passage_id"]) == judged_chrome  # null themes only where the model saw chrome
    assert chrome["themes"].isna().all()
    assert (content["themes"] != "").mean() > 0.5
    assert set(codings["passage_id"]) <= set(content["passage_id"])
    assert set(codings["theme"]) <= set(default_codebook().labels)
    by_id = content.set_index("passage_id")
    for row in codings.head(200).itertuples():
        evidence = json.loads(row.evidence)
        for cue in evidence.get("cues", []):
            assert by_id.loc[row.passage_id, "text"][cue["start"]:cue["end"]] == cue["text"]
        if row.theme != "boilerplate":
            assert row.theme in by_id.loc[row.passage_id, "themes"].split(";")
        else:
            assert pd.isna(by_id.loc[row.passage_id, "themes"])
    # every language in the corpus gets themes
    coded = content[content["themes"] != ""]
    assert set(coded["lang"]) >= set(LANGS)


def test_analyze_without_themes(corpus_dir, tmp_path):
    from alignment_nlp import AnalysisOptions, analyze

    result = analyze([corpus_dir / "da" / "articles"], AnalysisOptions(themes=False),
                     show_progress=False)
    assert result.passages["themes"].isna().all() and len(result.codings) == 0
    out = tmp_path / "out"
    assert main(["analyze", str(corpus_dir / "da" / "articles"), "--out", str(out), "--no-themes",
                 "--model", str(tmp_path / "m"), "-q"]) == 2
    assert not out.exists()  # refused before any work


# --------------------------------------------------------------------------- agreement figures


def test_krippendorff_alpha_reference_value():
    nan = np.nan
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal example: 0.743
    data = np.array([[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
                     [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
                     [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
                     [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]])
    assert krippendorff_alpha(data) == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha(np.array([[1, 1, 1], [1, 1, 1]])) != krippendorff_alpha(
        np.array([[1, 1, 1], [1, 1, 1]]))  # undefined (nan) without variation


def test_cohen_kappa_and_compare():
    a = [1, 1, 0, 0, 1, 0, 1, 0]
    b = [1, 0, 0, 0, 1, 0, 1, 1]
    assert cohen_kappa(a, b) == pytest.approx(0.5)
    ev = compare_codings(np.array([a, b]).T, np.array([b, a]).T, ["x", "boilerplate"])
    row = ev.per_label.set_index("label").loc["x"]
    assert (row.tp, row.fp, row.fn) == (3, 1, 1)
    assert ev.summary["micro_f1"] == pytest.approx(0.75)
    assert isinstance(ev.per_label, pd.DataFrame)


def test_agreement_command(tmp_path, capsys):
    a = _write_jsonl(tmp_path / "a.jsonl", [
        {"id": "1", "text": "x", "lang": "nl", "themes": ["budget"]},
        {"id": "2", "text": "y", "lang": "nl", "themes": ["budget", "trust"]},
        {"id": "3", "text": "z", "lang": "nl", "themes": []},
        {"id": "4", "text": "w", "lang": "nl", "themes": ["boilerplate"]},
    ])
    b = _write_jsonl(tmp_path / "b.jsonl", [  # classify output style, one extra id
        {"id": "1", "themes": ["budget"], "boilerplate": False},
        {"id": "2", "themes": ["budget"], "boilerplate": False},
        {"id": "3", "themes": ["trust"], "boilerplate": False},
        {"id": "4", "themes": [], "boilerplate": True},
        {"id": "5", "lang": "und", "themes": [], "boilerplate": False},  # text too short
    ])
    out = tmp_path / "agree.json"
    assert main(["agreement", str(a), str(b), "--json", str(out)]) == 0
    assert "passages coded in both: 4 (only in A: 0, only in B: 1)" in capsys.readouterr().out
    figures = json.loads(out.read_text(encoding="utf-8"))
    rows = {r["label"]: r for r in figures["per_label"]}
    assert rows["budget"]["alpha"] == pytest.approx(1.0) and rows["budget"]["tp"] == 2
    assert (rows["trust"]["tp"], rows["trust"]["fp"], rows["trust"]["fn"]) == (0, 1, 1)
    assert rows["boilerplate"]["kappa"] == pytest.approx(1.0)


def test_evaluate_passages_reads_the_analysis_coding(corpus_result, tmp_path):
    from alignment_nlp import evaluate_passages
    from alignment_nlp.evaluate import passage_codings

    passages = corpus_result.passages
    coding = passage_codings(passages)
    assert set(coding) == set(passages["passage_id"])
    chrome = passages.loc[passages["boilerplate"].astype(bool), "passage_id"]
    assert all(coding[pid] == ("boilerplate",) for pid in chrome)
    # a gold file equal to the analysis' own coding agrees perfectly; one changed passage counts
    sample = passages[~passages["boilerplate"].astype(bool) & passages["themes"].notna()].head(40)
    rows = [{"id": pid, "themes": list(coding[pid])} for pid in sample["passage_id"]]
    missed = next(t for t in default_codebook().theme_ids if t not in rows[0]["themes"])
    rows[0]["themes"] = [*rows[0]["themes"], missed]  # one theme the model did not give
    gold = _write_jsonl(tmp_path / "gold.jsonl", rows)
    ev = evaluate_passages(passages, gold)
    assert ev.summary["n"] == 40
    assert int(ev.per_label["fn"].sum()) == 1 and ev.summary["micro_f1"] < 1
    # ids from other files (segmented differently) are an error that names them
    stale = _write_jsonl(tmp_path / "stale.jsonl", [{"id": "doc-x:0-10", "themes": []}])
    with pytest.raises(InputError, match=r"stale.jsonl, field 'id': 1 of its 1 .*doc-x:0-10"):
        evaluate_passages(passages, stale)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_agreement_command_reads_a_results_folder(corpus_result, tmp_path, capsys, fmt):
    from alignment_nlp import write_tables
    from alignment_nlp.evaluate import passage_codings

    write_tables(corpus_result, tmp_path / "out", fmt=fmt)
    passages, codings = corpus_result.passages, corpus_result.codings
    coding = passage_codings(passages, codings)
    judged = set(codings.loc[codings["theme"] == "boilerplate", "passage_id"])
    assert judged and not passages.set_index("passage_id").loc[list(judged), "boilerplate"].any()
    # the passages the model judged to be chrome read as chrome from the folder too (in CSV their
    # themes come back as "", and only the codings table tells them apart)
    assert all(coding[pid] == ("boilerplate",) for pid in judged)
    gold = _write_jsonl(tmp_path / "gold.jsonl", [{"id": k, "themes": list(v)}
                                                  for k, v in coding.items()])
    assert main(["agreement", str(gold), str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert f"passages coded in both: {len(coding)} (only in A: 0, only in B: 0)" in out
    assert "micro P/R/F1 1.000 / 1.000 / 1.000" in out and "boilerplate F1 1.000" in out


def test_evaluate_passages_needs_theme_coding(corpus_dir, tmp_path):
    from alignment_nlp import AnalysisOptions, analyze, evaluate_passages

    result = analyze([corpus_dir / "da" / "articles"], AnalysisOptions(themes=False),
                     show_progress=False)
    gold = _write_jsonl(tmp_path / "gold.jsonl", [{"id": result.passages["passage_id"][0],
                                                   "themes": []}])
    with pytest.raises(ValueError, match="no theme coding.*--no-themes"):
        evaluate_passages(result.passages, gold)


def test_no_figure_when_there_is_nothing_to_count():
    gold = np.array([[0, 1], [0, 1]])  # two passages of page chrome: no theme in either coding
    ev = compare_codings(gold, gold, ["budget", "boilerplate"], ["en", "en"])
    assert ev.summary["micro_f1"] is None and ev.summary["macro_f1"] is None
    assert ev.summary["boilerplate_f1"] == pytest.approx(1.0)
    assert "micro F1   -    macro F1   -" in ev.to_text()


@pytest.mark.parametrize(("lang", "text", "theme"), [
    ("nl", "Het budget voor de klantapp komt volledig uit het marketingbudget.", "budget"),
    ("de", "Der Vorstand steht voll hinter dem Projekt und hat einen Lenkungsausschuss "
           "eingesetzt.", "executive_sponsorship"),
    ("da", "Vi har ingen tillid til, at IT-afdelingen kan levere det, de lover.", "trust"),
    ("zh", "市场部和信息部门之间缺乏信任。", "trust"),
])
def test_spacy_component(lang, text, theme):
    import spacy

    nlp = spacy.blank(lang)
    nlp.add_pipe("alignment_themes")  # found through the spacy_factories entry point
    doc = nlp(text)
    assert theme in doc._.alignment_themes
    assert set(doc.cats) == set(default_codebook().labels) and doc.cats[theme] >= 0.5
    spans = doc.spans["alignment_themes"]
    assert spans and all(s.label_ in doc._.alignment_themes for s in spans)
    docs = list(nlp.pipe([text, text]))
    assert docs[0].cats == docs[1].cats == doc.cats


def test_pipeline_object_reuses_its_model(corpus_dir):
    import alignment_nlp as an

    pipe = an.Pipeline()
    result = pipe.analyze([corpus_dir / "nl" / "articles"], show_progress=False)
    assert len(result.codings) and result.codings["model"].str.endswith("default").all()
    assert pipe.model is pipe.model
    assert "budget" in pipe.code(["Het budget voor de klantapp komt uit het marketingbudget."]
                                 )[0].themes


def test_a_model_trained_and_saved_in_memory_names_its_folder_in_the_codings(corpus_dir, tmp_path):
    from alignment_nlp import AnalysisOptions, analyze, train

    rows = [json.loads(x) for x in (ANN / "nl.jsonl").read_text(encoding="utf-8").splitlines()]
    data = _write_jsonl(tmp_path / "mine.jsonl", rows[:40])
    model = train(data, classifier="lexical", out=tmp_path / "mine")
    result = analyze([corpus_dir / "da" / "articles"], AnalysisOptions(sentences=False),
                     show_progress=False, model=model)
    assert len(result.codings) and set(result.codings["model"]) == {str(tmp_path / "mine")}
