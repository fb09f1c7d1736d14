"""REFI-QDA export and import: a real analysis of one file per language exported as .qdpx and
.qdc, validated against the REFI schemas, positions checked against the stored text, read back
without loss; projects as other tools write them (inner file named after the project, inline
text, CRLF, several coders, codes named in other languages); and errors that name the file, the
line and the fix."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from defusedxml.ElementTree import fromstring

import alignment_nlp as an
from alignment_nlp.annotations import load_annotations
from alignment_nlp.codebook import BOILERPLATE, default_codebook, parse_codebook
from alignment_nlp.ingest._decode import normalize_text
from alignment_nlp.pipeline import AnalysisResult
from alignment_nlp.refi import (
    QdpxError,
    _normalise_with_offsets,
    code_guid,
    export_qdc,
    export_qdpx,
    import_qdpx,
    load_mapping,
    write_imported,
)
from alignment_nlp.schema import empty_frame, to_frame

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora"
REFI = ROOT.parent / "shared" / "refi-qda"
NS = "{urn:QDA-XML:project:1.0}"
LANGS = ("nl", "de", "zh", "da")
FILES = {  # one per language: an article with page chrome and three transcripts with speakers
    "nl": CORPUS / "nl" / "articles" / "marketing-it-van-wantrouwen-naar-gedeelde-agenda.html",
    "de": CORPUS / "de" / "interviews" / "heidrich-bau-zeitstempel.txt",
    "zh": CORPUS / "zh" / "interviews" / "retail_cio.txt",
    "da": CORPUS / "da" / "interviews" / "havbryg_teams.vtt",
}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def result() -> AnalysisResult:
    return an.analyze(list(FILES.values()), show_progress=False)


@pytest.fixture(scope="module")
def qdpx(result, tmp_path_factory) -> Path:
    return export_qdpx(result, tmp_path_factory.mktemp("export") / "alignment.qdpx")


@pytest.fixture(scope="module")
def project(qdpx):
    with zipfile.ZipFile(qdpx) as zf:
        return fromstring(zf.read("project.qde"))


def _schema(name: str):
    xmlschema = pytest.importorskip("xmlschema")
    if not (REFI / name).is_file():
        pytest.skip("../shared/refi-qda is not present")
    return xmlschema.XMLSchema(str(REFI / name))


def _expected(result) -> set[tuple[str, str]]:
    """(passage_id, theme) the export must carry: the model's codings plus chrome boilerplate."""
    pairs = set(zip(result.codings["passage_id"], result.codings["theme"], strict=True))
    chrome = result.passages[result.passages["boilerplate"].astype(bool)]
    return pairs | {(pid, BOILERPLATE) for pid in chrome["passage_id"]}


def _lang_of(result) -> dict[str, str]:
    return {lang: result.documents.loc[result.documents["path"] == str(path), "doc_id"].item()
            for lang, path in FILES.items()}


# --------------------------------------------------------------------------- export


def test_the_analysis_covers_four_languages_with_codings_chrome_and_speakers(result):
    assert set(result.documents["lang"]) == set(LANGS)
    assert len(result.codings) > 20
    assert result.passages["boilerplate"].astype(bool).any()
    assert result.passages["speaker"].notna().sum() > 10


def test_zip_layout(qdpx, project):
    with zipfile.ZipFile(qdpx) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names[0] == "project.qde"
        assert [n for n in names if n.endswith(".qde")] == ["project.qde"]
        assert all(n == "project.qde" or n.startswith("sources/") for n in names)
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
        paths = {s.get("plainTextPath") for s in project.iter(f"{NS}TextSource")}
        files = {n for n in names if n.startswith("sources/") and not n.endswith("/")}
        assert {f"internal://{n[len('sources/'):]}" for n in files} == paths
        for name in files:
            data = zf.read(name)
            assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
            guid = name[len("sources/"):-len(".txt")]
            assert len(guid) == 36 and guid.count("-") == 4


def test_project_validates_against_the_refi_schema(qdpx):
    schema = _schema("Project-mrt2019.xsd")
    with zipfile.ZipFile(qdpx) as zf:
        schema.validate(zf.read("project.qde").decode("utf-8"))


@pytest.mark.parametrize("lang", LANGS)
def test_selection_positions_slice_the_passage_out_of_the_stored_text(result, qdpx, project, lang):
    doc_id = _lang_of(result)[lang]
    src = next(s for s in project.iter(f"{NS}TextSource") if s.get("name") == doc_id)
    with zipfile.ZipFile(qdpx) as zf:
        stored = zf.read("sources/" + src.get("plainTextPath")[len("internal://"):]).decode("utf-8")
    assert stored == result.documents.set_index("doc_id").loc[doc_id, "text"]
    passages = result.passages[result.passages["doc_id"] == doc_id].set_index("passage_id")
    selections = list(src.iter(f"{NS}PlainTextSelection"))
    coded = {pid for pid, _ in _expected(result) if pid in passages.index}
    assert {s.get("name") for s in selections} == coded and coded
    for sel in selections:
        start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        row = passages.loc[sel.get("name")]
        assert (start, end) == (row["start"], row["end"])
        assert stored[start:end] == row["text"]


def test_codes_users_and_codings(result, project):
    cb = default_codebook()
    users = list(project.iter(f"{NS}User"))
    assert [u.get("name") for u in users] == ["alignment-nlp"]
    machine = users[0].get("guid")
    codes = {c.get("guid"): c for c in project.iter(f"{NS}Code")}
    assert [c.get("name") for c in codes.values()] == [t.label("en") for t in cb.themes] + [
        "Boilerplate"]
    assert set(codes) == {code_guid(cb, t) for t in cb.labels}
    assert all(c.get("color").startswith("#") and c.find(f"{NS}Description").text
               for c in codes.values())
    pairs = set()
    for sel in project.iter(f"{NS}PlainTextSelection"):
        assert sel.get("creatingUser") == machine
        assert sel.find(f"{NS}Description").text.startswith("Coded by alignment-nlp")
        for coding in sel.iter(f"{NS}Coding"):
            assert coding.get("creatingUser") == machine
            pairs.add((sel.get("name"), codes[coding.find(f"{NS}CodeRef").get("targetGUID")]))
    id_of = {t.label("en"): t.id for t in cb.themes} | {"Boilerplate": BOILERPLATE}
    assert {(p, id_of[c.get("name")]) for p, c in pairs} == _expected(result)
    scored = next(s for s in project.iter(f"{NS}PlainTextSelection")
                  if "score" in s.find(f"{NS}Description").text)
    assert "nearest examples" in scored.find(f"{NS}Description").text


def test_language_variables_and_one_case_per_speaker(result, project):
    variables = {v.get("name"): v.get("guid") for v in project.iter(f"{NS}Variable")}
    assert set(variables) == {"language", "speaker", "role"}
    for src in project.iter(f"{NS}TextSource"):
        values = {vv.find(f"{NS}VariableRef").get("targetGUID"): vv.find(f"{NS}TextValue").text
                  for vv in src.findall(f"{NS}VariableValue")}
        doc_lang = result.documents.set_index("doc_id").loc[src.get("name"), "lang"]
        assert values == {variables["language"]: doc_lang}
    turns = result.passages[result.passages["speaker"].notna()]
    speakers = set(zip(turns["doc_id"], turns["speaker"], strict=True))
    cases = list(project.iter(f"{NS}Case"))
    assert len(cases) == len(speakers) >= 7
    selections = {s.get("guid") for s in project.iter(f"{NS}PlainTextSelection")}
    for case in cases:
        values = {vv.find(f"{NS}VariableRef").get("targetGUID"): vv.find(f"{NS}TextValue").text
                  for vv in case.findall(f"{NS}VariableValue")}
        assert values[variables["speaker"]] in case.get("name")
        assert values[variables["role"]] in {"interviewer", "respondent"}
        assert values[variables["language"]] in LANGS
        assert all(r.get("targetGUID") in selections for r in case.findall(f"{NS}SelectionRef"))


def test_same_input_same_bytes_from_result_or_results_folder(result, qdpx, tmp_path):
    again = export_qdpx(result, tmp_path / "a" / "alignment.qdpx")
    assert again.read_bytes() == qdpx.read_bytes()
    for fmt in ("parquet", "csv"):
        folder = tmp_path / fmt
        an.write_tables(result, folder, fmt=fmt)
        from_folder = export_qdpx(folder, tmp_path / f"from-{fmt}" / "alignment.qdpx")
        assert from_folder.read_bytes() == qdpx.read_bytes(), fmt


def test_qdc_validates_and_keeps_nested_codes(tmp_path):
    schema = _schema("Codebook.xsd")
    out = export_qdc(None, tmp_path / "codes.qdc")
    schema.validate(str(out))
    nested = export_qdc(_nested_codebook(), tmp_path / "nested.qdc")
    schema.validate(str(nested))
    root = fromstring(nested.read_bytes())
    cns = "{urn:QDA-XML:codebook:1.0}"
    top = root.find(f"{cns}Codes").findall(f"{cns}Code")
    assert [c.get("name") for c in top] == ["Trust", "Budget", "Boilerplate"]
    assert [c.get("name") for c in top[0].findall(f"{cns}Code")] == ["Distrust"]
    assert top[0].find(f"{cns}Code").get("guid") == code_guid(_nested_codebook(), "distrust")


# --------------------------------------------------------------------------- round trip


def test_round_trip_with_passages_loses_nothing(result, qdpx):
    records = import_qdpx(qdpx, passages=result.passages)
    assert {r["coder"] for r in records} == {"alignment-nlp"}
    assert {(r["id"], t) for r in records for t in r["themes"]} == _expected(result)
    passages = result.passages.set_index("passage_id")
    for r in records:
        assert r["text"] == passages.loc[r["id"], "text"]
        assert r["doc"] == passages.loc[r["id"], "doc_id"]
        assert r["lang"] == passages.loc[r["id"], "lang"]
        assert list(r) == ["id", "text", "lang", "themes", "doc", "coder"]


def test_round_trip_without_passages_gives_the_same_spans(result, qdpx):
    records = import_qdpx(qdpx)
    assert {(r["id"], t) for r in records for t in r["themes"]} == _expected(result)
    texts = dict(zip(result.passages["passage_id"], result.passages["text"], strict=True))
    langs = dict(zip(result.passages["passage_id"], result.passages["lang"], strict=True))
    assert all(r["text"] == texts[r["id"]] for r in records)
    assert all(r["lang"] == langs[r["id"]] for r in records)  # turn languages survive too


def test_imported_records_load_as_annotations(result, qdpx, tmp_path):
    records = import_qdpx(qdpx, passages=result.passages)
    [path] = write_imported(records, tmp_path / "machine.jsonl")
    loaded = load_annotations(path)
    assert [a.id for a in loaded] == [r["id"] for r in records]
    assert all(a.coder == "alignment-nlp" for a in loaded)


def test_uncoded_passages_come_back_empty_when_asked(result, qdpx):
    records = import_qdpx(qdpx, passages=result.passages, uncoded=True)
    assert len(records) == len(result.passages)
    coded = {pid for pid, _ in _expected(result)}
    empty = {r["id"] for r in records if not r["themes"]}
    assert empty == set(result.passages["passage_id"]) - coded


# --------------------------------------------------------------------------- synthetic projects

TEXT_A = "Titel\nDe CMO vertrouwt de CIO niet.\nHet budget is krap en gedeeld.\nSlot."
TEXT_B = "主持人：预算谁说了算？\n受访者：我们一起决定预算。"


def _nested_codebook():
    return parse_codebook(
        "id: nested\nlanguages: [nl, zh]\nthemes:\n"
        "  - id: trust\n    name: {en: Trust, nl: Vertrouwen, de: Vertrauen}\n"
        "    description: {en: Trust.}\n    children:\n"
        "      - id: distrust\n        name: {en: Distrust, nl: Wantrouwen}\n"
        "        description: {en: Distrust.}\n"
        "  - id: budget\n    name: {en: Budget, zh: 预算}\n    description: {en: Money.}\n")


def _passages(doc_id: str, text: str) -> list[dict]:
    rows, pos = [], 0
    for line in text.split("\n"):
        start = text.index(line, pos)
        rows.append({"doc_id": doc_id, "passage_id": f"{doc_id}:{start}-{start + len(line)}",
                     "start": start, "end": start + len(line), "text": line, "lang": "nl"})
        pos = start + len(line)
    return rows


PASSAGES = pd.DataFrame(_passages("doc-a", TEXT_A) + _passages("doc-b", TEXT_B))


def _project(sources: str, codes: str = "", users: str = "") -> str:
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<Project xmlns="urn:QDA-XML:project:1.0" name="Team">\n'
            f'<Users>{users}</Users>\n<CodeBook><Codes>{codes}</Codes></CodeBook>\n'
            f'<Sources>{sources}</Sources>\n</Project>\n')


U1, U2 = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
C_TRUST, C_BUDGET, C_OTHER = ("aaaaaaaa-0000-0000-0000-00000000000" + str(i) for i in (1, 2, 3))
USERS = f'<User guid="{U1}" name="Anna"/><User guid="{U2}" name="Bo"/>'
CODES = (f'<Code guid="{C_TRUST}" name="Vertrauen" isCodable="true">'
         f'<Code guid="{C_OTHER}" name="Memo" isCodable="true"/></Code>'
         f'<Code guid="{C_BUDGET}" name="预算与投资" isCodable="true"/>')


def _sel(start: int, end: int, code: str, user: str, n: int, name: str = "") -> str:
    return (f'<PlainTextSelection guid="bbbbbbbb-0000-0000-0000-{n:012d}" name="{name}" '
            f'startPosition="{start}" endPosition="{end}" creatingUser="{user}"><Coding '
            f'guid="cccccccc-0000-0000-0000-{n:012d}" creatingUser="{user}"><CodeRef '
            f'targetGUID="{code}"/></Coding></PlainTextSelection>')


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _write(path: Path, qde: str, files: dict[str, bytes] | None = None,
           qde_name: str = "project.qde") -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(qde_name, qde.encode("utf-8"))
        for name, data in (files or {}).items():
            zf.writestr(name, data)
    return path


def _team_project(tmp_path: Path, *, inline: bool = False, crlf: bool = False,
                  qde_name: str = "project.qde", codes: str = CODES, counted_on: str = "stored",
                  bom: bool = False, named: bool = False) -> Path:
    """Two coders, two sources; positions counted on the text as stored (CRLF if asked), or, as
    some tools do, on the text with LF line endings or with the byte-order mark counted (those
    tools write the selected text as the selection's name)."""
    a = TEXT_A.replace("\n", "\r\n") if crlf else TEXT_A
    b = TEXT_B
    count = {"stored": a, "lf": TEXT_A, "bom": "\ufeff" + a}[counted_on]
    q1, q2, q3 = "De CMO vertrouwt de CIO niet.", "budget is krap en gedeeld", "我们一起决定预算。"
    s1, s2, s3 = _span(count, q1), _span(count, q2), _span(b, q3)
    names = named or counted_on != "stored"
    sels_a = (_sel(*s1, C_TRUST, U1, 1, q1 * names) + _sel(*s2, C_BUDGET, U1, 2, q2 * names)
              + _sel(*s1, C_TRUST, U2, 3, q1 * names))
    sels_b = _sel(*s3, C_BUDGET, U2, 4)
    if inline:
        # XML reads a literal CR LF as LF: a tool that keeps CR in inline text writes &#13;.
        sources = (f'<TextSource guid="{"d" * 8}-0000-0000-0000-000000000001" name="doc-a">'
                   f'<PlainTextContent>{a.replace(chr(13), "&#13;")}</PlainTextContent>'
                   f'{sels_a}</TextSource>'
                   f'<TextSource guid="{"d" * 8}-0000-0000-0000-000000000002" name="Interview B">'
                   f'<PlainTextContent>{b}</PlainTextContent>{sels_b}</TextSource>')
        files = {}
    else:
        sources = (f'<TextSource guid="{"d" * 8}-0000-0000-0000-000000000001" name="doc-a" '
                   f'plainTextPath="internal://A.txt">{sels_a}</TextSource>'
                   f'<TextSource guid="{"d" * 8}-0000-0000-0000-000000000002" name="Interview B" '
                   f'plainTextPath="internal://B.txt">{sels_b}</TextSource>')
        files = {"sources/A.txt": b"\xef\xbb\xbf" * bom + a.encode("utf-8"),
                 "sources/B.txt": b.encode("utf-8")}
    return _write(tmp_path / "team.qdpx", _project(sources, codes, USERS), files, qde_name)


def _by_coder(records) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for r in records:
        out.setdefault(r["coder"], {})[r["id"]] = r["themes"]
    return out


EXPECTED_TEAM = {  # codes named in German and Chinese map by the theme names in any language
    "Anna": {"doc-a:6-35": ["trust"], "doc-a:36-66": ["budget"]},
    "Bo": {"doc-a:6-35": ["trust"], "doc-b:12-25": ["budget"]},
}


@pytest.mark.parametrize("variant", ["plain", "named-after-project", "inline", "crlf",
                                     "inline-crlf", "bom-crlf", "crlf-named",
                                     "crlf-counted-on-lf", "bom-counted"])
def test_variants_real_tools_write(tmp_path, variant, caplog):
    path = _team_project(tmp_path, inline="inline" in variant, crlf="crlf" in variant,
                         qde_name="Team Project.qde" if variant == "named-after-project"
                         else "project.qde", bom="bom" in variant, named="named" in variant,
                         counted_on="lf" if variant.endswith("on-lf") else
                         "bom" if variant == "bom-counted" else "stored")
    records = import_qdpx(path, passages=PASSAGES)
    assert _by_coder(records) == EXPECTED_TEAM
    switched = [r.getMessage() for r in caplog.records if "counts positions" in r.getMessage()]
    assert bool(switched) == (variant in ("crlf-counted-on-lf", "bom-counted"))
    texts = dict(zip(PASSAGES["passage_id"], PASSAGES["text"], strict=True))
    assert all(r["text"] == texts[r["id"]] for r in records)
    assert {r["doc"] for r in records} == {"doc-a", "doc-b"}  # doc-b matched by its text
    spans = import_qdpx(path)
    assert [(r["coder"], r["id"], r["text"]) for r in spans][:2] == [
        ("Anna", "doc-a:6-35", "De CMO vertrouwt de CIO niet."),
        ("Anna", "doc-a:40-65", "budget is krap en gedeeld")]
    assert "\r" not in "".join(r["text"] for r in spans)


def test_a_selection_codes_passages_it_covers_more_than_half_of(tmp_path):
    text = "aaaaaaaaaa\nbbbbbbbbbb\ncccccccccc"
    passages = pd.DataFrame(_passages("doc-x", text))
    # 6 of 10 characters of line 1 and 3 of line 2: codes line 1 only; two adjacent selections
    # of one code (5 + 2 characters of line 3) count together.
    sels = (_sel(4, 14, C_TRUST, U1, 1) + _sel(22, 27, C_BUDGET, U1, 2)
            + _sel(27, 29, C_BUDGET, U1, 3))
    src = (f'<TextSource guid="{"d" * 8}-0000-0000-0000-000000000009" name="doc-x">'
           f'<PlainTextContent>{text}</PlainTextContent>{sels}</TextSource>')
    path = _write(tmp_path / "half.qdpx", _project(src, CODES, USERS))
    records = import_qdpx(path, passages=passages)
    assert {r["id"]: r["themes"] for r in records} == {"doc-x:0-10": ["trust"],
                                                       "doc-x:22-32": ["budget"]}


def test_bom_nfd_and_astral_characters_count_as_code_points(tmp_path):
    raw = "\ufeffCafe\u0301 😀 vertrouwen\r\nbudget"
    text, offsets = _normalise_with_offsets(raw)
    assert text == normalize_text(raw) == "Café 😀 vertrouwen\nbudget"
    start = raw.index("vertrouwen")
    assert text[offsets[start]:offsets[start + len("vertrouwen")]] == "vertrouwen"
    stored = raw[1:]  # a byte-order mark is not text: positions count from the first character
    start = stored.index("vertrouwen")
    src = (f'<TextSource guid="{"d" * 8}-0000-0000-0000-000000000007" name="doc-e" '
           f'plainTextPath="internal://E.txt">{_sel(start, start + 10, C_TRUST, U1, 1)}'
           f'{_sel(stored.index("budget"), len(stored), C_BUDGET, U1, 2)}</TextSource>')
    path = _write(tmp_path / "e.qdpx", _project(src, CODES, USERS),
                  {"sources/E.txt": raw.encode("utf-8")})
    records = import_qdpx(path)
    assert [(r["text"], r["themes"]) for r in records] == [("vertrouwen", ["trust"]),
                                                          ("budget", ["budget"])]
    assert records[0]["id"] == "doc-e:7-17"


def test_export_of_astral_text_and_nested_codes_round_trips(tmp_path):
    text = "😀 Vertrouwen eerst.\n\n🚀 Geld: het budget.\n"
    rows = _passages("doc-z", text)
    rows = [r for r in rows if r["text"]]
    docs = to_frame("documents", [{"doc_id": "doc-z", "path": "z.txt", "text": text,
                                   "lang": "nl"}])
    passages = to_frame("passages", [{**r, "boilerplate": False, "kind": "paragraph"}
                                     for r in rows])
    codings = to_frame("codings", [
        {"doc_id": "doc-z", "passage_id": rows[0]["passage_id"], "theme": "distrust",
         "score": 0.9, "evidence": "{}", "model": ""},
        {"doc_id": "doc-z", "passage_id": rows[1]["passage_id"], "theme": "budget",
         "score": 0.7, "evidence": "not json", "model": ""}])
    res = AnalysisResult(documents=docs, passages=passages, sentences=empty_frame("sentences"),
                         manifest=empty_frame("manifest"), codings=codings)
    out = export_qdpx(res, tmp_path / "z.qdpx", _nested_codebook(), user_name="robot")
    with zipfile.ZipFile(out) as zf:
        qde = zf.read("project.qde")
    _schema("Project-mrt2019.xsd").validate(qde.decode("utf-8"))
    sel = next(fromstring(qde).iter(f"{NS}PlainTextSelection"))
    assert (sel.get("startPosition"), sel.get("endPosition")) == ("0", "19")  # code points
    records = import_qdpx(out, _nested_codebook())
    assert [(r["id"], r["themes"], r["coder"], r["lang"]) for r in records] == [
        (rows[0]["passage_id"], ["distrust"], "robot", "nl"),
        (rows[1]["passage_id"], ["budget"], "robot", "nl")]


def test_a_coding_of_the_whole_source_codes_every_passage(tmp_path):
    src = (f'<TextSource guid="{"d" * 8}-0000-0000-0000-000000000001" name="doc-a" '
           f'creatingUser="{U2}"><PlainTextContent>{TEXT_A}</PlainTextContent>'
           f'<Coding guid="{"e" * 8}-0000-0000-0000-000000000001"><CodeRef targetGUID="{C_TRUST}"/>'
           f'</Coding></TextSource>')
    path = _write(tmp_path / "w.qdpx", _project(src, CODES, USERS))
    records = import_qdpx(path, passages=PASSAGES)
    assert [(r["coder"], r["themes"]) for r in records] == [("Bo", ["trust"])] * 4
    [whole] = import_qdpx(path)
    assert (whole["id"], whole["text"]) == (f"doc-a:0-{len(TEXT_A)}", TEXT_A)


def test_mapping_by_name_or_guid_and_null_skips(tmp_path):
    codes = (f'<Code guid="{C_TRUST}" name="Confidence" isCodable="true"/>'
             f'<Code guid="{C_BUDGET}" name="Money talk" isCodable="true"/>')
    path = _team_project(tmp_path, codes=codes)
    records = import_qdpx(path, mapping={"confidence": "trust", "{" + C_BUDGET.upper() + "}": None})
    assert {(r["coder"], r["id"]): r["themes"] for r in records} == {
        ("Anna", "doc-a:6-35"): ["trust"], ("Bo", "doc-a:6-35"): ["trust"]}


def test_load_mapping_and_its_errors(tmp_path):
    good = tmp_path / "map.yaml"
    good.write_text("Confidence: trust\n\"Money talk\": budget\nMemo: null\n", encoding="utf-8")
    assert load_mapping(good) == {"Confidence": "trust", "Money talk": "budget", "Memo": None}
    as_json = tmp_path / "map.json"
    as_json.write_text(json.dumps({"Confidence": "trust"}), encoding="utf-8")
    assert load_mapping(as_json) == {"Confidence": "trust"}
    bad = tmp_path / "bad.yaml"
    bad.write_text("Confidence: trust\nMoney: [budget]\n", encoding="utf-8")
    with pytest.raises(QdpxError, match=r"bad\.yaml, line 2.*expected `code name: theme id`"):
        load_mapping(bad)
    with pytest.raises(QdpxError, match="no such file"):
        load_mapping(tmp_path / "missing.yaml")


def test_several_coders_are_written_to_one_file_each(tmp_path):
    records = import_qdpx(_team_project(tmp_path), passages=PASSAGES)
    paths = write_imported(records, tmp_path / "out" / "team.jsonl")
    assert [p.name for p in paths] == ["team.anna.jsonl", "team.bo.jsonl"]
    for p, coder in zip(paths, ("Anna", "Bo"), strict=True):
        loaded = load_annotations(p)
        assert {a.coder for a in loaded} == {coder}
        assert {a.id: list(a.themes) for a in loaded} == EXPECTED_TEAM[coder]


# --------------------------------------------------------------------------- errors


def test_error_not_a_zip(tmp_path):
    path = tmp_path / "project.qdpx"
    path.write_text("<Project/>", encoding="utf-8")
    with pytest.raises(QdpxError, match=r"project\.qdpx: not a ZIP archive.*REFI-QDA project"):
        import_qdpx(path)


def test_error_no_qde_inside(tmp_path):
    path = _write(tmp_path / "x.qdpx", "", {"sources/a.txt": b"text"}, qde_name="notes.txt")
    with pytest.raises(QdpxError, match=r"x\.qdpx: no project\.qde .*sources/a\.txt"):
        import_qdpx(path)


def test_error_invalid_xml_names_the_line(tmp_path):
    path = _write(tmp_path / "x.qdpx", '<?xml version="1.0"?>\n<Project name="a">\n<Users>\n'
                                       '</Project>\n')
    with pytest.raises(QdpxError, match=r"x\.qdpx!project\.qde, line 4: not well-formed XML"):
        import_qdpx(path)


def test_error_entities_are_refused(tmp_path):
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
            '<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>\n')
    with pytest.raises(QdpxError, match="entities or external references"):
        import_qdpx(_write(tmp_path / "x.qdpx", bomb))


def test_error_unmapped_codes_are_listed_with_how_to_map(tmp_path):
    codes = (f'<Code guid="{C_TRUST}" name="Confidence" isCodable="true"/>'
             f'<Code guid="{C_BUDGET}" name="Money talk" isCodable="true"/>')
    path = _team_project(tmp_path, codes=codes)
    with pytest.raises(QdpxError, match=r"team\.qdpx, field 'CodeBook': 2 code\(s\) .*"
                                        r"'Confidence', 'Money talk'.*--mapping FILE"):
        import_qdpx(path)
    with pytest.raises(QdpxError, match=r"sends code 'Confidence' to 'trusting'.*valid: trust"):
        import_qdpx(path, mapping={"Confidence": "trusting"})


def test_error_selection_outside_the_text_names_the_line(tmp_path):
    src = (f'<TextSource guid="{"d" * 8}-0000-0000-0000-000000000001" name="doc-a">\n'
           f'<PlainTextContent>short</PlainTextContent>\n{_sel(2, 40, C_TRUST, U1, 1)}'
           f'</TextSource>')
    path = _write(tmp_path / "x.qdpx", _project(src, CODES, USERS))
    with pytest.raises(QdpxError, match=r"project\.qde, line 7, field 'startPosition': selection "
                                        r"2-40 .* outside its text of 5"):
        import_qdpx(path)


def test_error_source_text_outside_the_archive(tmp_path):
    src = (f'<TextSource guid="{"d" * 8}-0000-0000-0000-000000000001" name="doc-a" '
           f'plainTextPath="relative:///Users/anna/a.txt">{_sel(0, 3, C_TRUST, U1, 1)}'
           f'</TextSource>')
    path = _write(tmp_path / "x.qdpx", _project(src, CODES, USERS))
    with pytest.raises(QdpxError, match=r"source 'doc-a' is coded but its text cannot be read: "
                                        r"plainTextPath='relative://.*sources embedded"):
        import_qdpx(path)


def test_error_source_that_matches_no_document(tmp_path):
    path = _team_project(tmp_path)
    with pytest.raises(QdpxError, match=r"1 coded source\(s\) match no document.*'Interview B'"):
        import_qdpx(path, passages=PASSAGES[PASSAGES["doc_id"] == "doc-a"])
    with pytest.raises(ValueError, match="must have the columns doc_id, start, end and text"):
        import_qdpx(path, passages=PASSAGES.drop(columns=["start"]))


def test_error_export_with_a_theme_the_codebook_lacks(result, tmp_path):
    with pytest.raises(QdpxError, match=r"with theme '\w+', which codebook 'nested' does not have"):
        export_qdpx(result, tmp_path / "x.qdpx", _nested_codebook())
    assert not (tmp_path / "x.qdpx").exists()


def test_cli_round_trip(tmp_path, capsys):
    """analyze --qdpx, then import-qdpx onto the same passages: every coding comes back."""
    from alignment_nlp.cli import main

    out = tmp_path / "run"
    corpus = Path(__file__).resolve().parents[1] / "corpora" / "da" / "articles"
    assert main(["analyze", str(corpus), "--out", str(out), "--qdpx", str(out / "p.qdpx"),
                 "-q"]) == 0
    assert main(["import-qdpx", str(out / "p.qdpx"), "--out", str(tmp_path / "imp.jsonl"),
                 "--passages", str(out)]) == 0
    imported = load_annotations(tmp_path / "imp.jsonl")
    codings = pd.read_parquet(out / "codings.parquet")
    passages = pd.read_parquet(out / "passages.parquet")
    expected = {(r.passage_id, r.theme) for r in codings.itertuples()}
    expected |= {(r.passage_id, BOILERPLATE) for r in passages.itertuples() if r.boilerplate}
    got = {(a.id, t) for a in imported for t in a.themes}
    assert got == expected
    assert {a.coder for a in imported} == {"alignment-nlp"}
    # uncoded passages come back with no theme, so agreement counts them; --coded-only drops them
    assert sorted(a.id for a in imported) == sorted(passages["passage_id"])
    uncoded = set(passages["passage_id"]) - {pid for pid, _ in expected}
    assert uncoded and {a.id for a in imported if not a.themes} == uncoded
    assert main(["import-qdpx", str(out / "p.qdpx"), "--out", str(tmp_path / "coded.jsonl"),
                 "--passages", str(out), "--coded-only"]) == 0
    coded = load_annotations(tmp_path / "coded.jsonl")
    assert {a.id for a in coded} == {pid for pid, _ in expected}
    assert main(["export-qdpx", str(out), "--out", str(out / "p.qdpx")]) == 2
    assert "output exists" in capsys.readouterr().err


def test_coders_whose_names_differ_only_in_case_get_separate_files(tmp_path):
    records = [{"id": "1", "text": "x", "lang": "nl", "themes": ["budget"], "coder": "Anna"},
               {"id": "1", "text": "x", "lang": "nl", "themes": [], "coder": "anna"}]
    written = write_imported(records, tmp_path / "t.jsonl")
    assert len(set(written)) == 2
    assert sorted(len(p.read_text(encoding="utf-8").splitlines()) for p in written) == [1, 1]
