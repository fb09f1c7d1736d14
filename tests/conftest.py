"""Shared fixtures. Tests are offline, small and deterministic; they run real files through the
real stages. The seeds are read from ../shared/seeds when that folder exists (skipped otherwise)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora"
SEEDS = ROOT.parent / "shared" / "seeds"
LANGS = ("nl", "de", "da", "zh")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    return SEEDS


@pytest.fixture(scope="session")
def corpus_result():
    """The bundled corpus analysed once for the whole session."""
    import alignment_nlp as an

    return an.analyze([CORPUS / lang for lang in LANGS], show_progress=False)


def assert_offsets(documents, passages) -> None:
    """Every passage's offsets slice exactly its text out of its document's stored text."""
    texts = dict(zip(documents["doc_id"], documents["text"]))
    for row in passages.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text, row.passage_id
