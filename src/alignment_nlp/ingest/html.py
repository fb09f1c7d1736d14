"""HTML: visible text as blocks, with the page chrome kept and marked.

Block-level elements become blocks (``<h1>``-``<h6>`` headings, ``<li>`` list items, the rest
paragraphs for the segmenter). Blocks inside ``<nav>``, ``<footer>``, ``<aside>``, ``<form>``, a page
``<header>`` outside the article, or an element whose class or id names chrome (related, comments,
share, cookie, byline, author bio, ...) are marked with their chrome category; nothing is dropped.
"""

from __future__ import annotations

import re

from ..errors import CorruptFileError, EmptyDocumentError
from . import register_reader
from ._builder import TextBuilder
from ._decode import decode_bytes
from ._model import Document

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "thead", "tfoot", "tr", "td", "th", "ul", "caption", "label", "button", "option", "select",
    "textarea", "html",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object",
              "canvas", "meta", "link", "input"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

# Class / id words -> chrome category. Checked on whole words of the attribute (split on -_ space).
_CHROME_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("cookie", frozenset({"cookie", "cookies", "consent", "gdpr"})),
    ("comments", frozenset({"comment", "comments", "respond", "reply", "replies", "discussion",
                            "reacties", "kommentare", "kommentarer"})),
    ("related", frozenset({"related", "recommended", "popular", "more", "further", "readmore",
                           "teaser", "teasers"})),
    ("share", frozenset({"share", "sharing", "social", "sharebar"})),
    ("author_bio", frozenset({"bio", "authorbio", "author", "about"})),
    ("byline", frozenset({"byline", "meta", "postmeta", "dateline", "posted", "date", "tags",
                          "categories", "breadcrumb", "breadcrumbs"})),
    ("navigation", frozenset({"nav", "navigation", "menu", "navbar", "sidebar", "skip", "pagination",
                              "newsletter", "subscribe", "widget", "banner", "ad", "ads", "advert",
                              "promo"})),
    ("copyright", frozenset({"footer", "copyright", "colophon", "legal", "disclaimer"})),
)
_TAG_CHROME = {"nav": "navigation", "footer": "copyright", "aside": "related",
               "form": "comment_form"}
_SPLIT = re.compile(r"[\s\-_]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_WS = re.compile(r"[ \t\r\f\v\n]+")


def _chrome_of(el, inside_article: bool) -> str | None:  # noqa: ANN001
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _TAG_CHROME:
        return _TAG_CHROME[tag]
    if tag == "header" and not inside_article:
        return "navigation"
    words = set()
    for attr in ("class", "id", "role"):
        value = el.get(attr)
        if value:
            words.update(w.lower() for w in _SPLIT.split(value) if w)
    if "contentinfo" in words:
        return "copyright"
    for category, vocab in _CHROME_WORDS:
        if words & vocab:
            return category
    return None


class _Walker:
    def __init__(self) -> None:
        self.builder = TextBuilder()
        self.buf: list[str] = []
        self.kind: str | None = None
        self.chrome: str | None = None

    def flush(self) -> None:
        text = "".join(self.buf)
        self.buf = []
        lines = [_WS.sub(" ", line).strip() for line in text.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            self.builder.add(text, kind=self.kind, chrome=self.chrome)

    def walk(self, el, kind: str | None, chrome: str | None, inside_article: bool) -> None:  # noqa: ANN001
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP_TAGS or not isinstance(el.tag, str):
            if el.tail:
                self.buf.append(el.tail)
            return
        own = _chrome_of(el, inside_article)
        chrome = chrome or own
        inside_article = inside_article or tag in {"article", "main"}
        is_block = tag in _BLOCK_TAGS
        if is_block:
            self.flush()
            if tag in _HEADINGS:
                kind = "heading"
            elif tag == "li":
                kind = "list_item"
            elif tag in {"p", "blockquote", "pre", "td", "th", "dd", "dt", "figcaption"}:
                kind = kind if kind == "list_item" else None
            self.kind, self.chrome = kind, chrome
        if tag == "br":
            self.buf.append("\n")
        if el.text:
            self.buf.append(el.text)
        for child in el:
            self.walk(child, kind, chrome, inside_article)
            if is_block:
                self.kind, self.chrome = kind, chrome
        if is_block:
            self.flush()
        if el.tail:
            self.buf.append(el.tail)


@register_reader(".html", ".htm", ".xhtml", format="html")
def read_html(path: str, data: bytes) -> Document:
    import lxml.html
    from lxml.etree import ParserError

    m = _META_CHARSET.search(data[:4096])
    text, encoding = decode_bytes(data, path, declared=m.group(1).decode("ascii") if m else None)
    try:
        root = lxml.html.document_fromstring(text)
    except (ParserError, ValueError) as exc:
        raise CorruptFileError(f"could not parse the HTML ({exc}); expected an HTML page.",
                               path=path) from exc
    title = root.findtext(".//title")
    walker = _Walker()
    body = root.find("body")
    walker.walk(body if body is not None else root, None, None, False)
    walker.flush()
    doc = walker.builder.build(path, "html", encoding,
                               meta={"title": _WS.sub(" ", title).strip()} if title else {})
    if not doc.text.strip():
        raise EmptyDocumentError("the HTML page has no visible text.", path=path)
    return doc
