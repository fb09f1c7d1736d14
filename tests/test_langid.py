"""Language identification: the four languages at three lengths, confusers, Chinese scripts, the
document prior, and the detect-language command's contract."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import alignment_nlp as an
from alignment_nlp.langid import LanguageDetector, context_prior

CASES = {
    "nl": {
        "sentence": "Volgende week gaan we met de hele familie naar zee, als het weer meezit.",
        "pair": "klantbeleving verbeteren",
        "word": "samenwerking",
    },
    "de": {
        "sentence": "Am Wochenende wollen wir mit den Kindern in den Bergen wandern gehen.",
        "pair": "gemeinsame Verantwortung",
        "word": "Zusammenarbeit",
    },
    "da": {
        "sentence": "Vi skal have frokost sammen på fredag, hvis du stadig har tid til det.",
        "pair": "hvad synes",
        "word": "virksomheden",
    },
    "zh": {
        "sentence": "这个周末我们打算带孩子去公园散步。",
        "pair": "营销预算",
        "word": "合作",
    },
}


@pytest.mark.parametrize("lang", sorted(CASES))
@pytest.mark.parametrize("length", ["sentence", "pair", "word"])
def test_four_languages_at_three_lengths(lang, length):
    result = an.detect_language(CASES[lang][length])
    assert result.lang == lang
    assert 0.0 <= result.confidence <= 1.0


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "We are planning to visit my grandparents in the countryside next weekend."),
        ("af", "Ons gaan volgende naweek by my ouma en oupa op die plaas kuier."),
        ("nb", "Vi skal besøke besteforeldrene mine på landet neste helg, tror jeg."),
        ("sv", "Vi ska hälsa på mina morföräldrar på landet nästa helg, tror jag."),
        ("ja", "来週末は田舎の祖父母を訪ねる予定です。"),
    ],
)
def test_confusers_are_recognised_as_themselves(lang, sentence):
    assert an.detect_language(sentence).lang == lang


@pytest.mark.parametrize(
    ("text", "script"),
    [("数字化转型需要首席信息官的支持。", "Hans"), ("數位轉型需要資訊長的支持。", "Hant")],
)
def test_chinese_script_is_reported(text, script):
    result = an.detect_language(text)
    assert (result.lang, result.script) == ("zh", script)


@pytest.mark.parametrize("text", ["CIO的角色", "IT部门与营销部门", "CMO和CIO必须合作", "KPI"])
def test_latin_acronyms_do_not_make_chinese_english(text):
    expected = "und" if text == "KPI" else "zh"
    assert an.detect_language(text).lang == expected


@pytest.mark.parametrize("text", ["", "   ", "12345", "2024-03-12", "CIO", "!!!", "https://example.com"])
def test_too_little_evidence_is_und(text):
    result = an.detect_language(text)
    assert (result.lang, result.script) == ("und", None)


def test_document_prior_decides_ambiguous_short_text_but_not_clear_text():
    detector = LanguageDetector()
    prior = context_prior("da", 0.6)
    assert detector.detect("Budget", prior).lang == "da"
    english = "Thank you for sharing this post, I will forward it to my colleagues."
    assert detector.detect(english, prior).lang == "en"


def test_candidates_are_configurable():
    detector = LanguageDetector(["nl", "de"])
    assert detector.detect("Vi skal have frokost sammen på fredag.").lang in {"nl", "de"}
    with pytest.raises(an.UnknownLanguageError, match=r"No language profile for 'xx'"):
        LanguageDetector(["nl", "xx"])


def test_same_input_same_output():
    texts = [CASES[lang][k] for lang in CASES for k in CASES[lang]] * 3
    first = an.detect_languages(texts)
    assert first == an.detect_languages(texts)
    assert [r.lang for r in first] == [LanguageDetector().detect(t).lang for t in texts]


def _cli(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "alignment_nlp.cli", *args], input=stdin,
                          capture_output=True, text=True, encoding="utf-8", check=False)


def test_detect_language_cli_prints_one_code_per_line():
    lines = [CASES["nl"]["sentence"], "", CASES["zh"]["pair"], CASES["da"]["pair"], "1234"]
    proc = _cli("detect-language", stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["nl", "und", "zh", "da", "und"]


def test_detect_language_cli_jsonl_and_input_file(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text(CASES["de"]["sentence"] + "\n數位轉型\n", encoding="utf-8")
    proc = _cli("detect-language", "--input", str(path), "--format", "jsonl")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(r["lang"], r["script"]) for r in rows] == [("de", "Latn"), ("zh", "Hant")]
    assert all(set(r) == {"lang", "confidence", "script"} for r in rows)
