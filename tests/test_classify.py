"""Theme classifiers: tiny models trained inside the tests, saved and reloaded without pickle,
scikit-learn's estimator checks, evidence, the transformers backend on a tiny model built here."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.utils import estimator_checks as ec

from alignment_nlp.annotations import load_annotations
from alignment_nlp.classify import (
    CueTermClassifier,
    EmbeddingThemeClassifier,
    EnsembleThemeClassifier,
    LexicalThemeClassifier,
    ModelError,
    ModelFolderError,
    as_inputs,
    get_classifier_class,
    label_matrix,
    load_model,
    make_classifier,
    register_classifier,
    registered_classifiers,
    save_model,
)
from alignment_nlp.codebook import load_codebook

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")

ANN = Path(__file__).resolve().parents[1] / "corpora" / "annotations"
LANGS = ("nl", "de", "zh", "da")
ESTIMATORS = [CueTermClassifier(), LexicalThemeClassifier(), EmbeddingThemeClassifier(),
              EnsembleThemeClassifier(members=("cues", "lexical"))]


@pytest.fixture(scope="module")
def small():
    """A small, fixed training set: the first 30 training passages of each language."""
    rows = []
    for lang in LANGS:
        rows += [a for a in load_annotations(ANN / f"{lang}.jsonl", split="train")][:30]
    return rows


@pytest.fixture(scope="module")
def probe():
    return [a for lang in LANGS for a in load_annotations(ANN / f"{lang}.jsonl", split="test")[:6]]


@ec.parametrize_with_checks(ESTIMATORS)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


API_CHECKS = [ec.check_no_attributes_set_in_init, ec.check_parameters_default_constructible,
              ec.check_get_params_invariance, ec.check_set_params, ec.check_estimator_repr,
              ec.check_valid_tag_types]


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("check", API_CHECKS, ids=lambda c: c.__name__)
def test_sklearn_api_checks_that_apply_to_text_input(estimator, check):
    check(type(estimator).__name__, clone(estimator))


@pytest.mark.parametrize("name", ["cues", "lexical", "embedding", "ensemble"])
def test_tiny_model_trains_saves_reloads_same_predictions(tmp_path, small, probe, name):
    params = {"members": ("cues", "lexical")} if name == "ensemble" else {}
    model = make_classifier(name, **params).fit(small, [a.themes for a in small])
    before = model.predict_proba(probe)
    assert before.shape == (len(probe), len(model.labels))
    assert ((before >= 0) & (before <= 1)).all()
    save_model(model, tmp_path / "m")
    files = sorted(p.name for p in (tmp_path / "m").iterdir())
    assert files == ["arrays.npz", "codebook.yaml", "model.json"]
    again = load_model(tmp_path / "m")
    assert type(again) is type(model)
    np.testing.assert_allclose(again.predict_proba(probe), before, atol=1e-6)
    np.testing.assert_array_equal(again.thresholds_, model.thresholds_)
    assert [p.to_dict() for p in again.classify(probe)] == [p.to_dict() for p in
                                                            model.classify(probe)]


def test_same_input_same_output(small, probe):
    a = LexicalThemeClassifier().fit(small, [x.themes for x in small]).predict_proba(probe)
    b = LexicalThemeClassifier().fit(small, [x.themes for x in small]).predict_proba(probe)
    np.testing.assert_array_equal(a, b)


def test_boilerplate_stands_alone(small):
    model = LexicalThemeClassifier(threshold=0.5).fit(small, [a.themes for a in small])
    scores = np.full((1, len(model.labels)), 0.9)
    pred = model.decide(scores)
    assert pred[0].tolist() == [0] * (len(model.labels) - 1) + [1]


@pytest.mark.parametrize(("lang", "text", "theme", "cue"), [
    ("nl", "Marketing en IT vertrouwden elkaar niet meer.", "trust", "vertrouwen"),
    ("de", "Die Budgetverantwortung liegt jetzt beim CMO.", "budget", None),
    ("zh", "市場部和資訊部之間缺乏信任。", "trust", "信任"),
    ("da", "Afdelingerne arbejder i siloer og deler ikke data.", "silos", None),
])
def test_cue_evidence_spans_point_into_the_text(lang, text, theme, cue):
    model = CueTermClassifier(threshold=0.3)
    pred = model.classify([{"id": "p", "text": text, "lang": lang}])[0]
    assert theme in pred.themes
    cues = pred.evidence[theme]["cues"]
    assert cues and all(text[c["start"]:c["end"]] == c["text"] for c in cues)
    if cue:
        assert cue in {c["cue"] for c in cues}


def test_chrome_text_scores_as_boilerplate():
    pred = CueTermClassifier(threshold=0.5).classify(["Deel dit artikel op LinkedIn"])[0]
    assert pred.boilerplate and pred.themes == ()


def test_evidence_from_each_member(small, probe):
    model = EnsembleThemeClassifier(members=("cues", "lexical", "embedding"), threshold=0.3)
    model.fit(small, [a.themes for a in small])
    kinds = set()
    for pred in model.classify(probe):
        for theme in pred.themes:
            kinds |= set(pred.evidence.get(theme, {}))
    assert {"features", "examples"} <= kinds
    theme = next(j for j in range(len(model.labels) - 1)
                 if any(a.themes and model.labels[j] in a.themes for a in small))
    near = model.members_[2].nearest_examples(as_inputs(probe[:1]), theme, k=2)
    assert len(near[0]) == 2 and near[0][0]["similarity"] >= near[0][1]["similarity"]


def test_user_codebook_with_nested_codes_trains(tmp_path, small):
    cb_path = tmp_path / "codes.yaml"
    cb_path.write_text(
        "id: mine\nlanguages: [nl, de, zh, da]\nthemes:\n"
        "  - id: money\n    name: Money\n    description: Money.\n"
        "    cues: {nl: [budget], de: [budget], zh: [预算], da: [budget]}\n"
        "    children:\n"
        "      - id: cuts\n        name: Cuts\n        description: Cuts.\n"
        "  - id: people\n    name: People\n    description: People.\n", encoding="utf-8")
    cb = load_codebook(cb_path)
    y = [("money",) if "budget" in a.themes else (("boilerplate",) if a.boilerplate else
                                                 (("people",) if "capacity" in a.themes else ()))
         for a in small]
    model = LexicalThemeClassifier(codebook=cb).fit(small, y)
    assert list(model.classes_) == ["money", "cuts", "people", "boilerplate"]
    save_model(model, tmp_path / "m")
    assert load_model(tmp_path / "m")._codebook().theme_ids == ("money", "cuts", "people")


def test_bad_parameters_and_names():
    with pytest.raises(ValueError, match=r"'threshold' parameter of LexicalThemeClassifier must be"
                                         r" 'tune' or a float in the range \(0, 1\). Got 1.5"):
        LexicalThemeClassifier(threshold=1.5).fit(["a"], [[]])
    with pytest.raises(KeyError, match="No classifier named 'bert'. Known classifiers: cues, "
                                       "embedding, ensemble, finetuned, lexical"):
        get_classifier_class("bert")
    assert set(registered_classifiers()) >= {"cues", "lexical", "embedding", "ensemble"}
    with pytest.raises(ValueError, match="unknown label 'budgte'"):
        LexicalThemeClassifier().fit(["a"], [["budgte"]])


def test_grid_search_works_on_a_classifier(small):
    grid = GridSearchCV(LexicalThemeClassifier(threshold=0.5), {"C": [1.0, 4.0]}, cv=2,
                        scoring="f1_micro")
    grid.fit(small, label_matrix([a.themes for a in small], LexicalThemeClassifier().labels))
    assert grid.best_params_["C"] in (1.0, 4.0)


def test_model_folder_errors(tmp_path):
    with pytest.raises(ModelError, match="no such model folder"):
        load_model(tmp_path / "missing")
    (tmp_path / "out.jsonl").write_text("{}\n", encoding="utf-8")
    with pytest.raises(ModelError, match="out.jsonl: is a file, not a model folder"):
        load_model(tmp_path / "out.jsonl")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="model.json is missing"):
        load_model(tmp_path / "empty")
    (tmp_path / "empty" / "model.json").write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(ModelError, match="not an alignment-nlp theme model"):
        load_model(tmp_path / "empty")


def test_loading_never_unpickles(tmp_path, small):
    model = LexicalThemeClassifier().fit(small, [a.themes for a in small])
    save_model(model, tmp_path / "m")
    # replace the arrays with an object array, which only pickle could restore
    with open(tmp_path / "m" / "arrays.npz", "wb") as fh:
        np.savez(fh, coef=np.array([object()], dtype=object))
    with pytest.raises(ModelError, match="without pickle"):
        load_model(tmp_path / "m")


def test_models_record_versioned_names_and_aliases_still_load(tmp_path, small):
    model = make_classifier("ensemble", members=("cues", "lexical")).fit(
        small, [a.themes for a in small])
    save_model(model, tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "model.json").read_text(encoding="utf-8"))
    assert meta["type"] == "alignment.Ensemble.v1"
    assert [m["type"] for m in meta["state"]["members"]] == ["alignment.Cues.v1",
                                                             "alignment.Lexical.v1"]
    # a folder written before the names were versioned records the short names
    meta["type"] = "ensemble"
    for member, short in zip(meta["state"]["members"], ("cues", "lexical"), strict=True):
        member["type"] = short
    (tmp_path / "m" / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    np.testing.assert_allclose(load_model(tmp_path / "m").predict_proba(small[:5]),
                               model.predict_proba(small[:5]))
    assert get_classifier_class("alignment.Lexical.v1") is LexicalThemeClassifier
    assert type(make_classifier("alignment.Cues.v1")) is CueTermClassifier
    with pytest.raises(ValueError, match="'lexical' is already registered"):
        register_classifier("mylab.Lexical.v1", alias="lexical")(type("Mine", (), {}))
    with pytest.raises(ValueError, match="an ensemble cannot contain an ensemble"):
        make_classifier("ensemble", members=("alignment.Ensemble.v1",)).fit(["a"], [[]])


# --------------------------------------------------------------------------- transformers backend


@pytest.fixture(scope="module")
def tiny_transformer(tmp_path_factory):
    """A tiny XLM-R-style encoder built offline: SentencePiece on our texts + a 2-layer config."""
    spm = pytest.importorskip("sentencepiece")
    transformers = pytest.importorskip("transformers")
    torch = pytest.importorskip("torch")
    folder = tmp_path_factory.mktemp("tiny-xlmr")
    texts = [a.text for lang in LANGS for a in load_annotations(ANN / f"{lang}.jsonl")[:80]]
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(texts), model_writer=buf,
                                   vocab_size=1200, model_type="bpe", character_coverage=0.98,
                                   bos_id=0, pad_id=1, eos_id=2, unk_id=3, minloglevel=2)
    (folder / "sentencepiece.bpe.model").write_bytes(buf.getvalue())
    torch.manual_seed(0)
    config = transformers.XLMRobertaConfig(vocab_size=1204, hidden_size=32, num_hidden_layers=2,
                                           num_attention_heads=2, intermediate_size=64,
                                           max_position_embeddings=300)
    transformers.XLMRobertaModel(config).save_pretrained(folder)
    return folder


def test_transformers_backend_trains_saves_reloads(tmp_path, tiny_transformer, small, probe):
    spec = f"transformers:{tiny_transformer}"
    model = EmbeddingThemeClassifier(backend=spec).fit(small, [a.themes for a in small])
    emb = model._embed(as_inputs(probe[:3]))
    assert emb.shape == (3, 32)
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, rtol=1e-5)
    save_model(model, tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "model.json").read_text(encoding="utf-8"))
    assert meta["params"]["backend"] == spec
    np.testing.assert_allclose(load_model(tmp_path / "m").predict_proba(probe),
                               model.predict_proba(probe), atol=1e-5)


def test_transformers_backend_folder_errors(tmp_path):
    from alignment_nlp.classify.backends import TransformersBackend

    with pytest.raises(ModelFolderError, match="no such model folder"):
        TransformersBackend(tmp_path / "nowhere")
    with pytest.raises(ModelFolderError, match="config.json is missing"):
        TransformersBackend(tmp_path)
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    (tmp_path / "pytorch_model.bin").write_bytes(b"\x80\x04")
    with pytest.raises(ModelFolderError, match="does not load pickled weights"):
        TransformersBackend(tmp_path)


@pytest.mark.parametrize("X", [
    pd.DataFrame({"text": ["Wie betaalt de app?", None]}),
    pd.DataFrame({"text": pd.Series(["Wie betaalt de app?", pd.NA], dtype="string")}),
    [{"id": "a", "text": "Wie betaalt de app?"}, {"id": "b"}],
    [{"id": "a", "text": "Wie betaalt de app?"}, {"id": "b", "text": float("nan")}],
])
def test_a_passage_without_text_is_an_error_not_the_string_none(X):
    with pytest.raises(ValueError, match=r"passage 1 \(counting from 0\), field 'text': expected"):
        as_inputs(X)
