"""The codebook as data: the default loads, a user's own (nested) codebook works, bad files say
where and what."""

from __future__ import annotations

from pathlib import Path

import pytest

from alignment_nlp.codebook import BOILERPLATE, CodebookError, default_codebook, load_codebook
from alignment_nlp.lemmas import lemma_sequence
from alignment_nlp.refi import QdpxError, load_mapping

LANGS = ("nl", "de", "zh", "da")
THEMES = ("trust", "budget", "silos", "executive_sponsorship", "collaboration", "communication",
          "customer_focus", "strategy", "culture", "agility", "governance", "decision_rights",
          "capacity")

NESTED = """\
id: team-codes
languages: [nl, da]
themes:
  - id: money
    name: {en: Money, nl: Geld}
    description: Anything about money.
    cues: {nl: [geld, budget], da: [penge]}
    children:
      - id: cuts
        name: Cuts
        description: Spending cuts.
        cues: {nl: [bezuiniging], da: [besparelse]}
  - id: people
    name: People
    description: Staff and skills.
"""


def test_default_codebook_has_the_thirteen_themes_in_five_languages():
    cb = default_codebook()
    assert cb.theme_ids == THEMES
    assert cb.labels[-1] == BOILERPLATE
    for theme in cb:
        assert set(theme.name) >= {"en", *LANGS} and set(theme.description) >= {"en", *LANGS}
        assert theme.color.startswith("#") and theme.include


@pytest.mark.parametrize("lang", LANGS)
def test_default_codebook_cues_and_examples_per_language(lang):
    cb = default_codebook()
    for theme in cb:
        assert len(theme.cues[lang]) >= 20, theme.id
        assert len(theme.examples[lang]) >= 2, theme.id
        # every cue lemmatises to something the matcher can look for
        assert all(lemma_sequence(c, lang) for c in theme.cues[lang]), theme.id


def test_nested_user_codebook(tmp_path: Path):
    path = tmp_path / "codes.yaml"
    path.write_text(NESTED, encoding="utf-8")
    cb = load_codebook(path)
    assert cb.theme_ids == ("money", "cuts", "people")
    assert cb["cuts"].parent == "money" and cb["money"].children == ("cuts",)
    assert [t.id for t in cb.roots] == ["money", "people"]
    assert cb["money"].label("nl") == "Geld" and cb["people"].label("nl") == "People"
    # round trip through YAML keeps the tree
    cb.dump(tmp_path / "again.yaml")
    again = load_codebook(tmp_path / "again.yaml")
    assert again.theme_ids == cb.theme_ids and again["cuts"].parent == "money"


@pytest.mark.parametrize(("text", "line", "field", "what"), [
    ("id: x\nthemes:\n  - id: a\n    name: A\n", 3, "themes[0]", "no 'description'"),
    ("id: x\nthemes:\n  - id: a\n    name: A\n    description: d\n  - id: a\n    name: B\n"
     "    description: d\n", 6, "themes[1].id", "duplicate theme id 'a'"),
    ("id: x\nthemes:\n  - id: A-1\n    name: A\n    description: d\n", 3, "themes[0].id",
     "snake_case id"),
    ("id: x\nthemes:\n  - id: a\n    name: A\n    description: d\n    colour: red\n", 6,
     "themes[0].colour", "unknown theme key 'colour'"),
    ("id: x\nthemes:\n  - id: a\n    name: A\n    description: d\n    color: red\n", 6,
     "themes[0].color", "expected a colour"),
    ("id: x\nlanguages: [da]\nthemes:\n  - id: a\n    name: A\n    description: d\n"
     "    cues:\n      da: [ja, no]\n", 8, "themes[0].cues.da[1]",
     r"got False \(YAML reads yes, no, on and off as booleans"),
    ("id: x\nlanguages: [xx]\nthemes: []\n", 2, "languages[0]", "unknown language code 'xx'"),
    ("id: x\nthemes:\n  - id: boilerplate\n    name: B\n    description: d\n", 3,
     "themes[0].id", "'boilerplate' is reserved"),
    ("id: x\nthemes: [\n", 3, None, "not valid YAML"),
    ("id: x\n", 1, None, "missing field 'themes'"),
])
def test_bad_codebook_names_file_line_field(tmp_path: Path, text, line, field, what):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError, match=what) as info:
        load_codebook(path)
    err = info.value
    assert err.path == str(path)
    assert err.line == line
    assert err.field == field
    assert str(path) in str(err)


def test_missing_codebook_file(tmp_path: Path):
    with pytest.raises(CodebookError, match="no such file"):
        load_codebook(tmp_path / "nope.yaml")


@pytest.mark.parametrize(("read", "error", "expected"), [
    (load_codebook, CodebookError, "the codebook"),
    (load_mapping, QdpxError, "the mapping"),
])
def test_missing_or_non_utf8_user_file_is_named(tmp_path: Path, read, error, expected):
    with pytest.raises(error, match=r"nope\.yaml: no such file; give "):
        read(tmp_path / "nope.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("Vertrauen: trust # Gr\u00fc\u00dfe".encode("latin-1"))
    with pytest.raises(error, match=rf"latin\.yaml: not UTF-8 text; save {expected} as UTF-8"):
        read(latin)
