"""The five real documents the project was born from (../shared/seeds, read in place and never
copied into the repository): passages a coder would mark, chrome flagged, languages right."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import assert_offsets

import alignment_nlp as an

pytestmark = pytest.mark.seeds


CODED = Path(__file__).resolve().parents[1] / "corpora" / "annotations" / "seeds"


@pytest.fixture(scope="module")
def seeds_result(seeds_dir):
    result = an.analyze(sorted(seeds_dir.glob("0*.txt")), show_progress=False)
    assert_offsets(result.documents, result.passages)
    return result


@pytest.fixture(scope="module")
def seeds(seeds_result):
    result = seeds_result
    by_file = {}
    for doc in result.documents.itertuples():
        name = doc.path.rsplit("/", 1)[-1][:3]
        by_file[name] = (doc, result.passages[result.passages["doc_id"] == doc.doc_id]
                         .reset_index(drop=True))
    return by_file


def _flagged(passages):
    return [i for i, b in enumerate(passages["boilerplate"]) if b]


@pytest.mark.parametrize(("seed", "lang", "script"), [("000", "nl", "Latn"), ("001", "de", "Latn"),
                                                      ("002", "zh", "Hans"), ("003", "da", "Latn"),
                                                      ("004", "nl", "Latn")])
def test_document_language(seeds, seed, lang, script):
    doc, passages = seeds[seed]
    assert (doc.lang, doc.script) == (lang, script)
    content = passages[~passages["boilerplate"]]
    assert (content["lang"] == lang).mean() >= 0.95


def test_000_numbered_points_bullets_and_related_block(seeds):
    _, p = seeds["000"]
    assert len(p) == 23
    assert p["kind"][0] == "heading"
    numbered = [t for t, k in zip(p["text"], p["kind"]) if k == "list_item" and t[1:2] == "/"]
    bullets = [t for t, k in zip(p["text"], p["kind"]) if k == "list_item" and t.startswith("•")]
    assert (len(numbered), len(bullets)) == (4, 3)
    # the call to follow on social media and the whole related-news block are chrome, nothing before
    assert _flagged(p) == list(range(12, 23))
    assert set(p["boilerplate_reason"][13:22]) == {"related"}


def test_001_one_paragraph_per_line_with_bare_headings_and_author_bio(seeds):
    _, p = seeds["001"]
    assert len(p) == 15
    assert (p["kind"] == "heading").sum() == 2
    assert (p["kind"] == "paragraph").sum() == 13
    assert _flagged(p) == [14] and p["boilerplate_reason"][14] == "author_bio"


def test_002_chinese_headings_byline_and_disclaimer(seeds):
    _, p = seeds["002"]
    assert (p["kind"] == "heading").sum() >= 9
    assert _flagged(p) == [0, len(p) - 1]
    assert p["boilerplate_reason"][0] == "byline"
    assert (p["script"] == "Hans").all()
    assert p["n_tokens"].sum() < p["text"].str.len().sum() * 0.8  # jieba words, not characters


def test_003_english_wordpress_footer_and_soft_wrapped_spam_comment(seeds):
    _, p = seeds["003"]
    assert len(p) == 14
    assert _flagged(p) == list(range(8, 14))
    # the footer is English; "One Response to <Danish title>" (9) is mostly the Danish title
    assert [p["lang"][i] for i in (8, 10, 11, 12, 13)] == ["en"] * 5
    assert (p["lang"][:8] == "da").all()
    comment = p["text"][11]
    assert comment.count("\n") == 2  # three soft-wrapped lines joined into one passage


def test_004_numbers_alone_quote_attribution_and_repeated_questions(seeds):
    _, p = seeds["004"]
    assert len(p) == 19
    number_items = [i for i, t in enumerate(p["text"]) if t[:1].isdigit() and t[1:3] == "\n\n"]
    assert len(number_items) == 6
    assert all(p["kind"][i] == "list_item" for i in number_items)
    first, second = number_items[:3], number_items[3:]
    assert [p["duplicate_of"][i] for i in second] == [p["passage_id"][i] for i in first]
    assert p["duplicate_of"][first].isna().all()
    assert (p["kind"] == "heading").sum() == 2  # the attribution under the quote is no heading
    assert _flagged(p) == [15]  # the "click below" navigation line


# ------------------------------------------------------------- themes on real passages
# corpora/annotations/seeds holds our coding of every seed passage (ids and themes, no text): two
# coders and their adjudicated coding (docs/annotation-guide.md, "Real passages").


def test_our_coding_covers_every_seed_passage(seeds_result):
    from alignment_nlp.evaluate import load_codings

    ids = set(seeds_result.passages["passage_id"])
    for name in ("coder1", "coder2", "gold"):
        coding, _ = load_codings(CODED / f"{name}.jsonl")
        assert set(coding) == ids, name  # a change of segmentation shows here


def test_shipped_model_on_real_passages(seeds_result):
    """The whole pipeline against the adjudicated coding (figures: docs/benchmarks.md; these
    floors sit below them and catch a broken stage, they are not the targets)."""
    ev = an.evaluate_passages(seeds_result.passages, CODED / "gold.jsonl")
    assert ev.summary["n"] == len(seeds_result.passages)
    assert ev.summary["micro_f1"] >= 0.65 and ev.summary["macro_f1"] >= 0.6
    assert ev.summary["boilerplate_f1"] >= 0.9
