"""The HTML report: its data, its self-containedness, and the page itself in headless Chromium.

The run is real (a few files of the bundled corpus per language through ``analyze`` with the shipped
theme model); the browser tests drive Debian's ``chromium`` with Playwright and skip only when no
Chromium binary is found. Expected counts are computed here from the tables, not from the report.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import alignment_nlp as an
from alignment_nlp.errors import InputError
from alignment_nlp.pipeline import AnalysisResult
from alignment_nlp.report import load_results, render_report, report_data, write_report
from alignment_nlp.schema import to_frame

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora"
FILES = (
    "nl/articles/gedeelde-kpis-marketing-en-it.md",
    "nl/interviews/van-achteren-logistiek-i-r1-r2.txt",
    "de/articles/cmo-cio-gemeinsam-statt-nebeneinander.html",
    "zh/articles/cmo_cio_budget_kpi.html",
    "zh/interviews/retail_cio.txt",
    "da/articles/marketing_it_wordpress.txt",
)
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
PAGE_SIZE = 200  # passages the browser renders before "Show more" (report.js PAGE)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> AnalysisResult:
    """A small real run: six corpus files (nl, de, zh, da) plus one file no reader takes."""
    extra = tmp_path_factory.mktemp("inputs") / "notes.xyz"
    extra.write_text("not a supported format", encoding="utf-8")
    return an.analyze([CORPUS / f for f in FILES] + [extra], show_progress=False)


@pytest.fixture(scope="module")
def report_path(result, tmp_path_factory) -> Path:
    return write_report(result, tmp_path_factory.mktemp("report") / "report.html")


def _content(result: AnalysisResult) -> pd.DataFrame:
    p = result.passages
    return p[~p["boilerplate"].astype(bool)]


def _has_theme(frame: pd.DataFrame, theme: str) -> pd.Series:
    return frame["themes"].fillna("").map(lambda v: theme in v.split(";"))


def _embedded_json(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    assert m, "no embedded report data"
    return json.loads(m.group(1))


def _tiny_result(text: str) -> AnalysisResult:
    """A hand-made run of one document whose passage text tries to break out of the page."""
    doc_id = "evil-00000000"
    pid = f"{doc_id}:0-{len(text)}"
    documents = to_frame("documents", [{"doc_id": doc_id, "path": "evil.txt", "format": "txt",
                                        "lang": "nl", "title": "<b>evil</b>", "n_chars": len(text),
                                        "n_passages": 1, "n_boilerplate": 0, "text": text}])
    passages = to_frame("passages", [{"doc_id": doc_id, "passage_id": pid, "index": 0,
                                      "text": text, "start": 0, "end": len(text),
                                      "kind": "paragraph", "lang": "nl", "boilerplate": False,
                                      "themes": "trust"}])
    start = text.index("vertrouwen")
    evidence = {"cues": [{"cue": "vertrouwen", "text": "vertrouwen", "start": start,
                          "end": start + len("vertrouwen")}], "features": ["vertrouwen"],
                "examples": [{"id": "x-1", "text": "</script><script>alert(2)</script>",
                              "similarity": 0.5}]}
    codings = to_frame("codings", [{"doc_id": doc_id, "passage_id": pid, "theme": "trust",
                                    "score": 0.75, "evidence": json.dumps(evidence),
                                    "model": "none"}])
    manifest = to_frame("manifest", [{"path": "evil.txt", "status": "ok", "doc_id": doc_id,
                                      "n_passages": 1, "n_boilerplate": 0, "lang": "nl"}])
    return AnalysisResult(documents=documents, passages=passages,
                          sentences=to_frame("sentences", []), manifest=manifest, codings=codings)


EVIL = ("</script><script>alert(1)</script> <!-- <script> & 𝔘 vertrouwen </SCRIPT > "
        "\u2028 end")


# --------------------------------------------------------------------------- data and file


def test_report_data_counts_match_the_tables(result):
    data = report_data(result)
    content = _content(result)
    assert data["summary"]["passages"] == len(result.passages)
    assert data["summary"]["boilerplate"] == int(result.passages["boilerplate"].sum())
    assert data["summary"]["files"] == len(FILES) + 1
    assert data["summary"]["skipped"] == 1
    assert [i["status"] for i in data["issues"]] == ["skipped"]
    assert set(data["languages"]) == {"nl", "de", "zh", "da"}
    for lang in data["languages"]:
        in_lang = content[content["lang"] == lang]
        assert data["prevalence"]["n"][lang] == len(in_lang)
        for theme in data["cooccurrence"]["themes"]:
            assert data["prevalence"]["count"][theme][lang] == int(_has_theme(in_lang, theme).sum())
    ids = data["cooccurrence"]["themes"]
    matrix = data["cooccurrence"]["matrix"]
    for i, a in enumerate(ids):
        assert matrix[i][i] == int(_has_theme(content, a).sum())
        for j, b in enumerate(ids):
            assert matrix[i][j] == matrix[j][i]
            assert matrix[i][j] == int((_has_theme(content, a) & _has_theme(content, b)).sum())


def test_cue_offsets_become_utf16_offsets():
    data = report_data(_tiny_result(EVIL))
    (cue,) = data["passages"][0]["cues"]
    start, end, theme, text = cue
    # '𝔘' is one code point but two UTF-16 units: JavaScript's offsets are one further on.
    assert EVIL.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le") == "vertrouwen"
    assert (theme, text) == ("trust", "vertrouwen")


def test_report_is_self_contained_and_deterministic(result, report_path, tmp_path):
    page = report_path.read_text(encoding="utf-8")
    again = write_report(result, tmp_path / "again.html").read_text(encoding="utf-8")
    assert page == again
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"""\b(src|href)\s*=""", page, re.I), "the page must load nothing"
    assert not re.search(r"@import|url\(", page)
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg"}, urls  # the SVG namespace name, not a load
    assert page.count("</script>") == 2
    data = _embedded_json(page)
    assert data == json.loads(json.dumps(report_data(result)))


def test_passage_text_cannot_break_out_of_the_data_tag(tmp_path):
    page = render_report(_tiny_result(EVIL))
    assert page.count("</script>") == 2
    assert "<script>alert" not in page and "<!--" not in page
    data = _embedded_json(page)
    assert data["passages"][0]["text"] == EVIL
    assert data["examples"]["x-1"] == "</script><script>alert(2)</script>"
    assert data["documents"][0]["label"] == "<b>evil</b>"


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_load_results_reads_an_analyze_folder(result, tmp_path, fmt):
    an.write_tables(result, tmp_path / "out", fmt=fmt)
    loaded = load_results(tmp_path / "out")
    assert len(loaded.passages) == len(result.passages)
    assert loaded.passages["boilerplate"].dtype == "boolean"
    assert loaded.passages["index"].dtype == "Int64"
    a, b = report_data(result), report_data(loaded)
    for key in ("summary", "prevalence", "cooccurrence", "languages", "issues"):
        assert a[key] == b[key], key
    assert [p["text"] for p in a["passages"]] == [p["text"] for p in b["passages"]]
    assert [p["cues"] for p in a["passages"]] == [p["cues"] for p in b["passages"]]
    if fmt == "parquet":
        from_dir = write_report(tmp_path / "out", tmp_path / "from-dir.html")
        from_result = write_report(result, tmp_path / "from-result.html")
        assert from_dir.read_bytes() == from_result.read_bytes()


def test_load_results_errors(tmp_path):
    with pytest.raises(InputError, match=r"no such folder; give the --out folder"):
        load_results(tmp_path / "missing")
    (tmp_path / "half").mkdir()
    with pytest.raises(InputError, match=r"no documents\.parquet or documents\.csv"):
        load_results(tmp_path / "half")
    with pytest.raises(TypeError, match=r"must be an AnalysisResult or a results folder path"):
        write_report(42, tmp_path / "x.html")  # type: ignore[arg-type]


def test_title_is_escaped(result):
    page = render_report(result, title="Q3 <review> & notes")
    assert "<title>Q3 &lt;review&gt; &amp; notes</title>" in page


# --------------------------------------------------------------------------- in the browser


def _chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser",
                      "google-chrome", "google-chrome-stable"):
        if candidate and (path := shutil.which(candidate)):
            return path
    return None


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    executable = _chromium()
    if executable is None:
        pytest.skip("no Chromium binary found (apt-get install chromium, or set CHROMIUM=path)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - a missing dev dependency must not pass silently
        pytest.fail("the Python package 'playwright' is missing: pip install -e '.[dev]'")
    with sync_playwright() as pw:
        # A fresh profile (--user-data-dir) for every run; Playwright adds --headless itself.
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=executable,
            headless=True, args=CHROMIUM_FLAGS, viewport={"width": 1280, "height": 900},
            service_workers="block")
        yield context
        context.close()


class Page:
    """A report opened in the browser, with the console errors and requests it caused."""

    def __init__(self, context, path: Path) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = context.new_page()
        self.page.on("console",
                     lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector("html[data-ready=true]", timeout=15000)

    def count(self) -> int:
        return int(self.page.get_attribute("#count", "data-count"))

    def cards(self) -> int:
        return self.page.locator("#passages article.passage").count()

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def page(browser_context, report_path):
    p = Page(browser_context, report_path)
    yield p
    p.close()


def test_page_loads_offline_with_charts(page, result, tmp_path):
    data = report_data(result)
    n_themes, n_langs = len(data["themes"]), len(data["languages"])
    pg = page.page
    assert pg.locator("#prevalence-svg rect.bar").count() == n_themes * n_langs
    assert pg.locator("#cooccurrence-svg rect.cell").count() == n_themes ** 2
    assert pg.locator("#docmap-rows .strip").count() == len(result.documents)
    assert pg.locator("#docmap-rows .seg").count() == len(result.passages)
    n_chrome = int(result.passages["boilerplate"].sum())
    assert pg.locator("#docmap-rows .seg.chrome").count() == n_chrome
    assert pg.text_content("#fig-passages .value") == str(len(result.passages))
    assert pg.text_content("#fig-documents .value") == str(len(result.documents))
    assert pg.locator("#figures .issues li").count() == 1
    assert page.count() == len(_content(result)) == page.cards()
    # Chinese text is shown as stored, with a language tag for the right glyphs.
    zh_text = _content(result).query("lang == 'zh'")["text"].iloc[0]
    assert pg.locator("p.ptext[lang='zh-Hans']").first.text_content() == zh_text
    shot = tmp_path / "report.png"
    pg.screenshot(path=str(shot), clip={"x": 0, "y": 0, "width": 1280, "height": 2000},
                  full_page=True)
    assert shot.stat().st_size > 20_000
    assert page.errors == []
    assert page.dialogs == []
    assert page.requests and all(u.startswith("file://") for u in page.requests), page.requests


def test_filters_show_the_expected_passages(page, result):
    content = _content(result)
    pg = page.page
    pg.select_option("#f-theme", "budget")
    expected = int(_has_theme(content, "budget").sum())
    assert 0 < expected < len(content)
    assert page.count() == expected == page.cards()
    pg.select_option("#f-lang", "zh")
    expected = int((_has_theme(content, "budget") & (content["lang"] == "zh")).sum())
    assert page.count() == expected == page.cards()
    pg.click("#reset")
    assert page.count() == len(content)
    pg.fill("#q", "Marketing")
    hits = content["text"].str.contains("marketing", case=False, regex=False)
    assert 0 < hits.sum() < len(content)
    assert page.count() == int(hits.sum()) == page.cards()
    assert pg.locator("#passages mark.hit").first.text_content().lower() == "marketing"
    pg.fill("#q", "预算")
    assert page.count() == int(content["text"].str.contains("预算", regex=False).sum()) > 0
    pg.fill("#q", "")
    pg.select_option("#f-role", "respondent")
    assert page.count() == int((content["role"] == "respondent").sum()) > 0
    pg.select_option("#f-role", "")
    doc_id = result.documents["doc_id"].iloc[2]
    pg.select_option("#f-doc", "2")
    assert page.count() == int((content["doc_id"] == doc_id).sum())
    pg.select_option("#f-show", "all")
    assert page.count() == int((result.passages["doc_id"] == doc_id).sum())
    pg.select_option("#f-show", "chrome")
    assert page.count() == int(((result.passages["doc_id"] == doc_id)
                                & result.passages["boilerplate"].astype(bool)).sum())
    assert page.errors == []


def test_evidence_cues_are_marked_and_scores_shown(page, result):
    codings = result.codings
    with_cues = codings[codings["evidence"].str.contains('"cues"', regex=False)]
    row = with_cues.iloc[0]
    cue = json.loads(row["evidence"])["cues"][0]
    pg = page.page
    pg.select_option("#f-show", "all")
    card = pg.locator(f"article.passage[data-passage-id='{row['passage_id']}']")
    marks = card.locator(f"mark.cue[data-themes~='{row['theme']}']")
    assert cue["text"] in marks.all_text_contents()
    chip = card.locator(f".chip[data-theme='{row['theme']}'] .score")
    assert chip.text_content() == f"{row['score']:.2f}"


def test_chart_clicks_filter_the_browser(page, result):
    content = _content(result)
    pg = page.page
    pg.click("#prevalence-svg rect.bar[data-theme='collaboration'][data-lang='nl']")
    expected = int((_has_theme(content, "collaboration") & (content["lang"] == "nl")).sum())
    assert page.count() == expected > 0
    assert pg.input_value("#f-theme") == "collaboration" and pg.input_value("#f-lang") == "nl"
    data = report_data(result)
    ids = data["cooccurrence"]["themes"]
    i, j = ids.index("collaboration"), ids.index("communication")
    pg.click(f"#cooccurrence-svg rect.cell[data-i='{i}'][data-j='{j}']")
    both = _has_theme(content, "collaboration") & _has_theme(content, "communication")
    assert page.count() == int(both.sum()) == data["cooccurrence"]["matrix"][i][j]
    k = pg.locator("#docmap-rows .seg.chrome").first.get_attribute("data-k")
    pg.locator(f"#docmap-rows .seg[data-k='{k}']").click()
    assert pg.locator(f"#p-{k}").is_visible()
    assert page.errors == []


def test_theme_names_switch_language(page):
    pg = page.page
    pg.select_option("#names-lang", "zh")
    assert "信任" in pg.locator("#prevalence-svg").text_content()
    assert pg.locator("#f-theme option[value='trust']").text_content() == "信任"


def test_hostile_text_is_shown_as_text(browser_context, tmp_path):
    path = write_report(_tiny_result(EVIL), tmp_path / "evil.html")
    page = Page(browser_context, path)
    try:
        assert page.page.locator("p.ptext").text_content() == EVIL
        assert page.page.locator("mark.cue").text_content() == "vertrouwen"
        assert page.dialogs == [] and page.errors == []
    finally:
        page.close()


def test_run_without_theme_model(browser_context, result, tmp_path):
    """``analyze --no-themes`` leaves codings empty and themes null: the page says so, no errors."""
    from alignment_nlp.schema import empty_frame

    plain = AnalysisResult(documents=result.documents, sentences=result.sentences,
                           passages=result.passages.assign(themes=pd.NA),
                           manifest=result.manifest, codings=empty_frame("codings"))
    path = write_report(plain, tmp_path / "plain.html")
    page = Page(browser_context, path)
    try:
        assert "No theme codings" in page.page.text_content("#prevalence-chart")
        assert page.page.locator("#docmap-rows .seg").count() == len(result.passages)
        assert page.count() == len(_content(result))
        assert page.errors == []
    finally:
        page.close()
