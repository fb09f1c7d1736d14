"""Fine-tuning multilingual-e5-small in torch (imported only when a ``finetuned`` model is trained).

The module mirrors :func:`alignment_nlp.classify._e5.forward` layer for layer; the word, position
and token-type embeddings stay frozen (they are not saved), the 12 layers, the embedding LayerNorm
and the output layer are trained with AdamW and a one-cycle schedule. Optional dropout sits where
BERT's encoder has it (after the embeddings, on the attention weights, and on each sublayer's
output before its residual sum; not before the output layer); it is active only while training,
so the numpy forward pass needs none.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ._e5 import LAYER_PARAMS, E5Weights, batches_by_length, pad_batch

__all__ = ["average_encoders", "train_encoder"]

logger = logging.getLogger(__name__)

def _modules(torch: Any, weights: E5Weights, dropout: float) -> Any:
    nn = torch.nn
    h = weights.hidden
    ffn = weights.arrays["l0.fi.w"].shape[0]

    class Layer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.q, self.k, self.v, self.ao = (nn.Linear(h, h) for _ in range(4))
            self.fi, self.fo = nn.Linear(h, ffn), nn.Linear(ffn, h)
            self.aln = nn.LayerNorm(h, eps=weights.eps)
            self.oln = nn.LayerNorm(h, eps=weights.eps)
            self.drop = nn.Dropout(dropout)

        def forward(self, x, mask):  # noqa: ANN001, ANN202
            n, length, _ = x.shape
            heads = weights.heads

            def split(t):  # noqa: ANN001, ANN202
                return t.view(n, length, heads, h // heads).transpose(1, 2)

            ctx = nn.functional.scaled_dot_product_attention(
                split(self.q(x)), split(self.k(x)), split(self.v(x)), attn_mask=mask,
                dropout_p=dropout if self.training else 0.0)
            x = self.aln(x + self.drop(self.ao(ctx.transpose(1, 2).reshape(n, length, h))))
            return self.oln(x + self.drop(self.fo(nn.functional.gelu(self.fi(x)))))

    class Encoder(nn.Module):
        def __init__(self, n_labels: int) -> None:
            super().__init__()
            self.eln = nn.LayerNorm(h, eps=weights.eps)
            self.layers = nn.ModuleList(Layer() for _ in range(weights.layers))
            self.head = nn.Linear(h, n_labels)
            self.drop = nn.Dropout(dropout)
            with torch.no_grad():
                self.eln.weight.copy_(torch.from_numpy(weights.arrays["emb.ln.w"]))
                self.eln.bias.copy_(torch.from_numpy(weights.arrays["emb.ln.b"]))
                for i, layer in enumerate(self.layers):
                    for name, value in weights.layer(i).items():
                        module, kind = name.split(".")
                        param = getattr(getattr(layer, module), "weight" if kind == "w" else "bias")
                        param.copy_(torch.from_numpy(np.ascontiguousarray(value)))
            self.register_buffer("pos", torch.from_numpy(weights.arrays["emb.pos"]))
            self.register_buffer("token_type", torch.from_numpy(weights.arrays["emb.type"]))

        def forward(self, words, mask):  # noqa: ANN001, ANN202
            x = self.drop(self.eln(words + self.pos[: words.shape[1]] + self.token_type))
            attn = mask[:, None, None, :]
            for layer in self.layers:
                x = layer(x, attn)
            m = mask.unsqueeze(-1).float()
            return self.head((x * m).sum(1) / m.sum(1))

    return Encoder

def _predictor(torch: Any, model: Any, weights: E5Weights) -> Callable[[list[list[int]]], np.ndarray]:
    """Sigmoid scores of token id sequences from ``model`` in eval mode (dropout off)."""

    def predict(sequences: list[list[int]]) -> np.ndarray:
        was_training = model.training
        model.eval()
        out = np.zeros((len(sequences), model.head.out_features))
        with torch.no_grad():
            for rows in batches_by_length(sequences):
                ids, mask = pad_batch([sequences[i] for i in rows], weights.specials["pad"])
                logits = model(torch.from_numpy(weights.word_vectors(ids)),
                               torch.from_numpy(mask.astype(bool)))
                out[rows] = torch.sigmoid(logits).numpy()
        model.train(was_training)
        return out

    return predict


def train_encoder(torch: Any, weights: E5Weights, sequences: list[list[int]], Y: np.ndarray, *,
                  epochs: int, learning_rate: float, head_learning_rate: float, batch_size: int,
                  dropout: float, seed: int, order_seed: int | None = None,
                  on_epoch: Callable[[int, Callable[[list[list[int]]], np.ndarray]], None]
                  | None = None) -> dict[str, Any]:
    """Fine-tune on token id sequences and label matrix ``Y``; returns numpy weights:
    ``layers`` (one dict per layer, ``LAYER_PARAMS`` names), ``embedding_norm`` and ``head``.

    ``seed`` seeds the output layer's initialisation, ``order_seed`` (default: ``seed``) the batch
    order: runs with one ``seed`` and different ``order_seed`` start from the same weights, so their
    weights can be averaged (:func:`average_encoders`). ``dropout`` is the rate while training (0
    for none). ``on_epoch(epoch, predict)``, if given, is
    called after every epoch with a function that scores token id sequences with the model as it
    stands (a diagnostic: ``benchmarks/finetune_epochs.py``)."""
    from tqdm.auto import tqdm

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed if order_seed is None else order_seed)
    model = _modules(torch, weights, dropout)(Y.shape[1])
    # a passage's word vectors are frozen: dequantise them once
    words = [torch.from_numpy(weights.word_vectors(np.asarray(s))) for s in sequences]
    lengths = np.array([len(s) for s in sequences])
    steps_per_epoch = int(np.ceil(len(sequences) / batch_size))
    encoder_params = [p for n, p in model.named_parameters() if not n.startswith("head.")]
    opt = torch.optim.AdamW([{"params": encoder_params, "lr": learning_rate},
                             {"params": model.head.parameters(), "lr": head_learning_rate}],
                            weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=[learning_rate, head_learning_rate], total_steps=epochs * steps_per_epoch,
        pct_start=0.1, anneal_strategy="linear")
    loss_fn = torch.nn.BCEWithLogitsLoss()
    targets = torch.from_numpy(Y)
    hidden = weights.hidden
    model.train()
    for epoch in tqdm(range(epochs), desc="fine-tuning", unit="epoch", disable=None):
        # batches of similar length (less padding), in random order
        order = rng.permutation(len(sequences))
        batches = []
        for c in range(0, len(order), batch_size * 50):
            chunk = sorted(order[c:c + batch_size * 50], key=lambda i: lengths[i])
            batches += [chunk[j:j + batch_size] for j in range(0, len(chunk), batch_size)]
        total = 0.0
        started = time.perf_counter()
        for b in (batches[i] for i in rng.permutation(len(batches))):
            longest = int(lengths[b].max())
            x = torch.zeros(len(b), longest, hidden)
            mask = torch.zeros(len(b), longest, dtype=torch.bool)
            for row, i in enumerate(b):
                x[row, : lengths[i]] = words[i]
                mask[row, : lengths[i]] = True
            loss = loss_fn(model(x, mask), targets[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach())
        logger.info("fine-tuning epoch %d/%d: mean loss %.4f, %.0f s", epoch + 1, epochs,
                    total / max(len(batches), 1), time.perf_counter() - started)
        if on_epoch is not None:
            on_epoch(epoch + 1, _predictor(torch, model, weights))
    layers = []
    for layer in model.layers:
        out = {}
        for name in LAYER_PARAMS:
            module, kind = name.split(".")
            param = getattr(getattr(layer, module), "weight" if kind == "w" else "bias")
            out[name] = param.detach().numpy().astype(np.float32)
        layers.append(out)
    return {"layers": layers,
            "embedding_norm": (model.eln.weight.detach().numpy().astype(np.float32),
                               model.eln.bias.detach().numpy().astype(np.float32)),
            "head": (model.head.weight.detach().numpy().astype(np.float64),
                     model.head.bias.detach().numpy().astype(np.float64))}


def average_encoders(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Weight by weight mean of :func:`train_encoder` results (a "model soup", Wortsman et al.
    2022): meaningful only for runs that started from the same weights (the same ``seed``)."""
    if len(runs) == 1:
        return runs[0]

    def mean(values: list[np.ndarray]) -> np.ndarray:
        return np.mean(values, axis=0).astype(values[0].dtype)

    return {"layers": [{name: mean([r["layers"][i][name] for r in runs])
                        for name in runs[0]["layers"][i]}
                       for i in range(len(runs[0]["layers"]))],
            "embedding_norm": tuple(mean([r["embedding_norm"][j] for r in runs])
                                    for j in range(2)),
            "head": tuple(mean([r["head"][j] for r in runs]) for j in range(2))}
