"""Passages from plain text: paragraph styles, lists, headings, interview turns, sentences."""

from __future__ import annotations

import pytest

from alignment_nlp.ingest import Block, Document
from alignment_nlp.segment import segment, split_sentences


def _segment(text: str):
    doc = Document(path="mem.txt", format="txt", text=text, blocks=(Block(0, len(text)),))
    passages = segment(doc)
    for p in passages:
        assert text[p.start:p.end] == p.text
    return passages


def _kinds(text):
    return [(p.kind, p.text) for p in _segment(text)]


def test_blank_line_paragraphs_headings_and_numbered_points():
    text = ("Wie is aan zet?\n\nEerste alinea met een volledige zin. Nog een zin.\n\n"
            "1/ De CMO wil budget. Dat is duidelijk.\n\n2/ De CIO wil zekerheid.\n")
    assert _kinds(text) == [
        ("heading", "Wie is aan zet?"),
        ("paragraph", "Eerste alinea met een volledige zin. Nog een zin."),
        ("list_item", "1/ De CMO wil budget. Dat is duidelijk."),
        ("list_item", "2/ De CIO wil zekerheid."),
    ]


def test_one_paragraph_per_line_with_bare_headings():
    text = ("Der CMO und der CIO arbeiten zusammen, und das ist gut so.\n"
            "Grauzonen zwischen Marketing und IT\n"
            "Doch wie gelingt das? Mit klaren Rollen und einem gemeinsamen Budget.\n")
    assert [k for k, _ in _kinds(text)] == ["paragraph", "heading", "paragraph"]


def test_soft_wrapped_lines_are_joined():
    text = ("Hey! This post could not be written any better! Reading it reminds me of my old room\n"
            "mate! He always kept chatting about this. I will forward this article to\n"
            "him. Pretty sure he will have a good read.\n\nNext paragraph.")
    passages = _segment(text)
    assert len(passages) == 2
    assert passages[0].text.count("\n") == 2 and passages[0].kind == "paragraph"


@pytest.mark.parametrize("bullet", ["•", "-", "*", "–", "1.", "2)", "a)"])
def test_list_items(bullet):
    text = f"Drie valkuilen:\n  {bullet} Je verliest de focus\n  {bullet} Je mensen haken af\n"
    kinds = _kinds(text)
    assert kinds[0] == ("paragraph", "Drie valkuilen:")
    assert [k for k, _ in kinds[1:]] == ["list_item", "list_item"]


def test_number_alone_on_its_line_joins_the_item_text():
    text = "Pijler 1\n\n1\n\nWaar wil je heen?\n\n2\n\nWie helpt mee?\n"
    kinds = _kinds(text)
    assert kinds == [("heading", "Pijler 1"), ("list_item", "1\n\nWaar wil je heen?"),
                     ("list_item", "2\n\nWie helpt mee?")]


def test_markdown_headings():
    assert _kinds("# Titel\n\nTekst hier.\n\n## Deel twee\n")[0] == ("heading", "# Titel")


CONVENTIONS = {
    "named": ("Interviewer: {q}\nAnna Berg: {a}\nwith a second line.\nInterviewer: {q}\nAnna Berg: {a}",
              ["Interviewer", "Anna Berg", "Interviewer", "Anna Berg"]),
    "codes": ("I: {q}\nR1: {a}\n\nR2: {a}\nI: {q}", ["I", "R1", "R2", "I"]),
    "qa": ("Q: {q}\nA: {a}\nQ: {q}\nA: {a}", ["Q", "A", "Q", "A"]),
    "at": ("@Jan: {q}\n@Lotte: {a}\n@Jan: {q}", ["Jan", "Lotte", "Jan"]),
    "brackets": ("[Jan] {q}\n[Lotte] {a}\n[Jan] {q}", ["Jan", "Lotte", "Jan"]),
    "caps": ("INTERVIEWER: {q}\nPETRA: {a}\nINTERVIEWER: {q}\nPETRA: {a}",
             ["INTERVIEWER", "PETRA", "INTERVIEWER", "PETRA"]),
    "fullwidth": ("主持人：{q}\n受访者：{a}\n主持人：{q}", ["主持人", "受访者", "主持人"]),
    "ts_before": ("[00:01:23] Interviewer: {q}\n[00:01:40] Jan: {a}\n[00:02:05] Interviewer: {q}",
                  ["Interviewer", "Jan", "Interviewer"]),
    "ts_after": ("Interviewer (01:23): {q}\nJan (01:40): {a}\nInterviewer (02:05): {q}",
                 ["Interviewer", "Jan", "Interviewer"]),
    "ts_hash": ("#00:01:23.456# I: {q}\n#00:01:40.000# B: {a}", ["I", "B"]),
}


@pytest.mark.parametrize("name", sorted(CONVENTIONS))
def test_interview_turn_conventions(name):
    template, speakers = CONVENTIONS[name]
    text = template.format(q="Hoe begon de samenwerking?", a="Eerst met wantrouwen, eerlijk gezegd.")
    passages = _segment(text)
    assert [p.kind for p in passages] == ["turn"] * len(speakers)
    assert [p.speaker for p in passages] == speakers
    assert all(not p.text.startswith(("Interviewer", "[", "@", "主持人", "#")) for p in passages)
    if name.startswith("ts_"):
        assert all(p.timestamp for p in passages)


def test_turn_runs_until_next_speaker_over_lines_and_paragraphs():
    text = ("Interviewer: Wat was het probleem?\n\nLotte: Nou, kijk.\nHet budget lag bij IT.\n\n"
            "En niemand sprak met elkaar.\n\nInterviewer: En nu?\n")
    passages = _segment(text)
    assert [p.speaker for p in passages] == ["Interviewer", "Lotte", "Interviewer"]
    assert passages[1].text == "Nou, kijk.\nHet budget lag bij IT.\n\nEn niemand sprak met elkaar."
    assert [p.role for p in passages] == ["interviewer", "respondent", "interviewer"]


def test_label_alone_on_its_line():
    text = "Interviewer:\nHoe ging het?\n\nJan:\nGoed, dank je.\n\nInterviewer:\nEn verder?"
    passages = _segment(text)
    assert [(p.speaker, p.text) for p in passages] == [
        ("Interviewer", "Hoe ging het?"), ("Jan", "Goed, dank je."), ("Interviewer", "En verder?")]


def test_metadata_labels_in_articles_are_not_speakers():
    text = ("Gerelateerd nieuws\n\n1. Digitalisering in zes stappen\n\nDatum: 05-06-2018\n"
            "Categorie: Opinie\nEen korte samenvatting van het stuk.\n\n"
            "2. Wendbare strategie\n\nDatum: 24-04-2018\nCategorie: Opinie\n")
    assert not any(p.kind == "turn" for p in _segment(text))


def test_single_quoted_label_in_an_article_is_not_a_turn():
    text = "Een lange alinea over samenwerking tussen marketing en IT.\n\nConclusie: praat met elkaar.\n"
    assert [p.kind for p in _segment(text)] == ["paragraph", "paragraph"]


@pytest.mark.parametrize(
    ("lang", "text", "n"),
    [
        ("nl", "De CMO wil budget. De CIO wil zekerheid! Wie beslist?", 3),
        ("de", "Der CMO will Budget. Der CIO will Sicherheit! Wer entscheidet?", 3),
        ("da", "CMO'en vil have budget. CIO'en vil have sikkerhed! Hvem bestemmer?", 3),
        ("zh", "营销部门需要预算。技术部门需要稳定！谁来决定？", 3),
    ],
)
def test_sentences_per_language(lang, text, n):
    sentences = split_sentences(text, lang)
    assert len(sentences) == n
    assert all(text[s.start:s.end].strip() == text[s.start:s.end] for s in sentences)


def test_chinese_words_are_segmented_with_jieba():
    (sentence,) = split_sentences("营销部门和技术部门需要共同的预算。", "zh")
    assert 4 <= sentence.n_tokens <= 10  # words, not characters (16 characters)
