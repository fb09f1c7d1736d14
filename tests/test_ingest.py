"""Readers: one per format, real files written with the real libraries, every language."""

from __future__ import annotations

import json

import pytest

import alignment_nlp as an
from alignment_nlp.ingest import read_document, reader_for, register_reader
from alignment_nlp.segment import segment

SAMPLES = {
    "nl": "De CIO en de CMO werken eindelijk samen aan één digitale strategie voor de klant.",
    "de": "Der CIO und die CMO planen gemeinsam das Budget für die Customer Journey.",
    "da": "Marketingchefen og IT-direktøren mødes nu hver uge for at aftale prioriteterne.",
    "zh": "首席信息官和首席营销官终于开始共同制定数字化战略。",
}
LANGS = list(SAMPLES)


def _passage_texts(path):
    doc = read_document(path)
    return doc, [p.text for p in segment(doc)]


ENCODINGS = [(lang, enc) for lang in LANGS for enc in ("utf-8", "utf-8-sig", "utf-16")] + [
    ("nl", "cp1252"), ("de", "cp1252"), ("da", "cp1252"), ("zh", "gb18030"), ("zh", "gbk"),
    ("zh", "big5"),
]


@pytest.mark.parametrize(("lang", "encoding"), ENCODINGS)
def test_text_encodings_are_detected(tmp_path, lang, encoding):
    text = f"Titel\r\n\r\n{SAMPLES[lang]}\r\n"
    if encoding == "big5":
        text = text.replace(SAMPLES["zh"], "首席資訊長和行銷長終於開始共同制定數位轉型策略。")
    data = text.encode(encoding)
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    doc, texts = _passage_texts(path)
    assert "\r" not in doc.text and not doc.text.startswith("\ufeff")
    assert texts[-1] == text.strip().split("\r\n")[-1]


def test_undecodable_binary_is_a_clear_error(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(an.DecodeError, match=r"image\.txt: the file looks binary"):
        read_document(path)


def test_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.md"
    path.write_text("  \n\n")
    with pytest.raises(an.EmptyDocumentError, match=r"empty\.md: the file is empty"):
        read_document(path)


def test_unknown_suffix_lists_known_ones(tmp_path):
    with pytest.raises(an.UnsupportedFormatError, match=r"no reader for suffix '\.rtf'.*\.docx"):
        reader_for(tmp_path / "notes.rtf")


def test_user_can_register_a_reader(tmp_path):
    @register_reader(".shout", format="shout")
    def read_shout(path: str, data: bytes) -> an.Document:
        text = data.decode("utf-8").lower()
        return an.Document(path=path, format="shout", text=text, blocks=(an.Block(0, len(text)),))

    path = tmp_path / "x.shout"
    path.write_text("DIT IS DE TEKST.")
    assert read_document(path).text == "dit is de tekst."


@pytest.mark.parametrize("lang", LANGS)
def test_html_marks_chrome_and_keeps_structure(tmp_path, lang):
    html = f"""<!doctype html><html><head><meta charset="utf-8"><title>T</title>
    <style>p {{color: red}}</style><script>var x = 1;</script></head><body>
    <nav><ul><li>Home</li><li>Blog</li></ul></nav>
    <article><h1>Kop</h1><p>{SAMPLES[lang]}</p><ul><li>punt een</li><li>punt twee</li></ul>
    <p>Regel een<br>regel twee</p></article>
    <aside class="related-posts"><h3>Meer</h3><p>Iets anders</p></aside>
    <div class="cookie-notice">Cookies!</div><footer>© 2024 Voorbeeld</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    doc = read_document(path)
    assert "var x" not in doc.text and "color: red" not in doc.text
    passages = segment(doc)
    by_text = {p.text: p for p in passages}
    assert by_text["Kop"].kind == "heading" and by_text["Kop"].chrome is None
    assert by_text[SAMPLES[lang]].kind == "paragraph"
    assert by_text["punt een"].kind == "list_item"
    assert by_text["Home"].chrome == "navigation"
    assert by_text["Iets anders"].chrome == "related"
    assert by_text["Cookies!"].chrome == "cookie"
    assert by_text["© 2024 Voorbeeld"].chrome == "copyright"
    assert "Regel een\nregel twee" in by_text


def test_html_declared_gbk_is_decoded(tmp_path):
    html = f'<html><head><meta charset="gbk"></head><body><p>{SAMPLES["zh"]}</p></body></html>'
    path = tmp_path / "gbk.htm"
    path.write_bytes(html.encode("gbk"))
    doc = read_document(path)
    assert SAMPLES["zh"] in doc.text and doc.encoding in {"gbk", "gb18030"}


def _make_docx(path, lang):
    import docx

    d = docx.Document()
    d.add_heading("Interview", level=1)
    p = d.add_paragraph()
    p.add_run("Interviewer:").bold = True
    p.add_run(" Hoe gaat het?")
    p = d.add_paragraph()
    p.add_run("Anna:").bold = True
    p.add_run(" " + SAMPLES[lang])
    d.add_paragraph("Tweede alinea van dezelfde beurt.")
    d.add_paragraph("Een punt", style="List Bullet")
    t = d.add_table(rows=3, cols=3)
    for cell, value in zip(t.rows[0].cells, ["Time", "Speaker", "Text"]):
        cell.text = value
    for row, (ts, sp, tx) in zip(t.rows[1:], [("00:01:00", "Interviewer", "En nu?"),
                                              ("00:01:10", "Anna", SAMPLES[lang])]):
        for cell, value in zip(row.cells, [ts, sp, tx]):
            cell.text = value
    d.save(path)


@pytest.mark.parametrize("lang", LANGS)
def test_docx_bold_speakers_and_transcript_tables(tmp_path, lang):
    path = tmp_path / "interview.docx"
    _make_docx(path, lang)
    doc = read_document(path)
    passages = segment(doc)
    turns = [p for p in passages if p.kind == "turn"]
    assert [t.speaker for t in turns] == ["Interviewer", "Anna", "Interviewer", "Anna"]
    # a turn runs until the next speaker, over paragraphs and list items
    assert turns[1].text == SAMPLES[lang] + "\n\nTweede alinea van dezelfde beurt.\n\nEen punt"
    assert turns[3].timestamp == "00:01:10" and turns[3].text == SAMPLES[lang]
    assert passages[0].kind == "heading"
    assert turns[0].role == "interviewer" and turns[1].role == "respondent"


def test_corrupt_docx_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(an.CorruptFileError, match=r"broken\.docx: not a readable \.docx"):
        read_document(path)


@pytest.mark.parametrize("lang", ["nl", "de", "da"])
def test_pdf_text_layer_is_read(tmp_path, lang):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, "Kop van het stuk\n\n" + SAMPLES[lang])
    path = tmp_path / "doc.pdf"
    pdf.output(str(path))
    doc = read_document(path)
    assert doc.format == "pdf"
    joined = " ".join(p.text.replace("\n", " ") for p in segment(doc))
    assert SAMPLES[lang].split()[-1] in joined


def test_scanned_pdf_without_text_is_reported(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 100, style="F")
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(an.EmptyDocumentError, match=r"scan\.pdf: the PDF has 1 page\(s\) but no text layer"):
        read_document(path)


def test_corrupt_pdf_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.4\n garbage without objects")
    with pytest.raises((an.CorruptFileError, an.EmptyDocumentError), match=r"bad\.pdf"):
        read_document(path)


@pytest.mark.parametrize("lang", LANGS)
def test_vtt_voice_tags_merge_cues_into_turns(tmp_path, lang):
    vtt = ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\n<v Jan de Vries>Goedemorgen, hoe begon het?</v>\n\n"
           f"2\n00:00:03.500 --> 00:00:06.000\n<v Anna Berg>{SAMPLES[lang]}</v>\n\n"
           "3\n00:00:06.500 --> 00:00:08.000\n<v Anna Berg>En nog een cue.</v>\n\n"
           "4\n00:00:08.500 --> 00:00:09.000\n<v Jan de Vries>Dank je?</v>\n")
    path = tmp_path / "teams.vtt"
    path.write_text(vtt, encoding="utf-8")
    turns = segment(read_document(path))
    assert [t.speaker for t in turns] == ["Jan de Vries", "Anna Berg", "Jan de Vries"]
    assert turns[1].text == SAMPLES[lang] + "\nEn nog een cue."
    assert turns[1].timestamp == "00:00:03.500" and turns[1].meta == {"end": "00:00:08.000"}
    assert turns[0].role == "interviewer" and turns[1].role == "respondent"


@pytest.mark.parametrize("colon", [":", "："])
def test_zoom_names_inside_cues_and_srt(tmp_path, colon):
    srt = (f"1\n00:00:01,000 --> 00:00:02,000\n主持人{colon}欢迎。\n\n"
           f"2\n00:00:02,500 --> 00:00:04,000\n王丽{colon}{SAMPLES['zh']}\n\n"
           "3\n00:00:04,500 --> 00:00:06,000\n我们每周开会。\n\n"
           f"4\n00:00:06,500 --> 00:00:08,000\n主持人{colon}好的？\n")
    path = tmp_path / "zoom.srt"
    path.write_text(srt, encoding="utf-8")
    turns = segment(read_document(path))
    assert [t.speaker for t in turns] == ["主持人", "王丽", "主持人"]
    assert turns[1].text == SAMPLES["zh"] + "\n我们每周开会。"
    assert turns[0].role == "interviewer"


@pytest.mark.parametrize("lang", LANGS)
def test_srt_without_speakers_paragraphs_keep_their_own_times(tmp_path, lang):
    srt = (f"1\n00:00:01,000 --> 00:00:04,000\n{SAMPLES[lang]}\n\n"
           "2\n00:00:05,000 --> 00:00:07,000\nEen tweede zin\n\n"
           "3\n00:00:07,500 --> 00:00:09,000\nloopt door.\n")
    path = tmp_path / "talk.srt"
    path.write_text(srt, encoding="utf-8")
    doc = read_document(path)
    assert [(b.timestamp, b.meta["end"]) for b in doc.blocks] == [
        ("00:00:01.000", "00:00:04.000"), ("00:00:05.000", "00:00:09.000")]


@pytest.mark.parametrize("fmt, text, line", [
    ("vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nAnna: Goedemorgen.\n\n"
            "00:00:05.000 -> 00:00:08.000\nBen: Dit viel weg.\n\nNOTE geen tekst\n", 6),
    ("srt", "1\n00:00:01,000 --> 00:00:04,000\nGoedemorgen.\n\n"
            "2\n00:00:05.000 --> 00:00:08,000\nDit viel weg.\n", 5),
])
def test_a_cue_with_a_broken_timing_line_is_reported_not_lost(tmp_path, fmt, text, line):
    path = tmp_path / f"broken.{fmt}"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    assert "viel weg" not in doc.text
    [warning] = doc.warnings
    assert warning.startswith(f"line {line}: not read as a cue, its text is left out")
    result = an.analyze([path], an.AnalysisOptions(themes=False), show_progress=False)
    assert f"line {line}: not read as a cue" in result.manifest.loc[0, "warnings"]
    only_broken = tmp_path / f"only.{fmt}"
    only_broken.write_text(text.split("\n\n")[0] + "\n\n" + text.split("\n\n")[2] + "\n"
                           if fmt == "vtt" else text.split("\n\n")[1] + "\n", encoding="utf-8")
    with pytest.raises(an.EmptyDocumentError, match=r"has no cues; line \d+ .* is not a cue"):
        read_document(only_broken)


def test_malformed_vtt_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.vtt"
    path.write_text("this is not webvtt\n00:00 -> nothing\n")
    with pytest.raises(an.CorruptFileError, match=r"bad\.vtt: malformed VTT file"):
        read_document(path)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_tables_text_column_and_metadata(tmp_path, fmt):
    import pandas as pd

    rows = [{"id": i, "respondent": f"R{i}", "text": SAMPLES[lang], "lang_hint": lang}
            for i, lang in enumerate(LANGS)]
    rows.append({"id": 9, "respondent": "R9", "text": "", "lang_hint": "nl"})
    path = tmp_path / f"survey.{fmt}"
    frame = pd.DataFrame(rows)
    if fmt == "csv":
        frame.to_csv(path, index=False)
    elif fmt == "jsonl":
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    else:
        frame.to_parquet(path, index=False)
    doc = read_document(path)
    passages = segment(doc)
    assert [p.text for p in passages] == [SAMPLES[lang] for lang in LANGS]
    assert str(passages[0].meta["respondent"]) == "R0" and passages[0].meta["row"] == 1
    assert doc.warnings and "row 5" in doc.warnings[0]


def test_jsonl_bad_line_names_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok"}\n{"text": oops}\n', encoding="utf-8")
    with pytest.raises(an.InputError, match=r"bad\.jsonl, line 2: not valid JSON"):
        read_document(path)
