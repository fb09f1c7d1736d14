"""Page chrome: flag navigation, related-article blocks, comments, share/cookie/copyright notices,
bylines and author bios as boilerplate (kept, never dropped), and repeated blocks as duplicates.

Evidence, strongest first:

1. the reader's structural mark (an HTML ``<nav>``, ``class="related-posts"``);
2. a passage matching a chrome pattern (the tables below: per language plus English, as data);
3. position: after a "related articles" or comments heading near the end of a page, every
   non-turn passage down to the end is the same block of chrome.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from .segment import Passage

__all__ = ["ChromeFlags", "flag_chrome", "chrome_category", "CHROME_PATTERNS", "SECTION_PATTERNS"]

# Category -> patterns matched at the start of a passage (case-insensitive). English first, then
# nl, de, da, zh. Patterns are data: add a language by adding its phrases.
CHROME_PATTERNS: dict[str, tuple[str, ...]] = {
    "comments": (
        r"(?:one|\d+) (?:response|comment|reply|replies|responses|comments|thoughts?) (?:to|on)\b",
        r"\S.{0,40}\b(?:says|said|schreef|schreibt|skriver|siger|zegt):?$",
        r"leave a (?:reply|comment)\b", r"(?:post|submit) (?:a )?comment\b",
        r"(?:laat een reactie achter|plaats een reactie|reageer\b|\d+ reacties?\b|reacties\b)",
        r"(?:hinterlasse(?:n sie)? einen kommentar|schreibe(?:n sie)? einen kommentar|\d+ kommentare?\b|kommentare\b)",
        r"(?:skriv en kommentar|efterlad en kommentar|læg en kommentar|\d+ kommentarer?\b|kommentarer\b)",
        r"(?:发表评论|网友评论|评论区|留言板|發表評論|網友評論|评论\s*[（(]?\d*)",
    ),
    "comment_form": (
        r"your email address will not be published", r"required fields are marked",
        r"save my name, email", r"(?:name|naam|navn|e-?mail|website|webside|kommentar|comment)\s*\*",
        r"je e-?mailadres wordt niet gepubliceerd", r"ihre e-?mail-?adresse wird nicht veröffentlicht",
        r"din e-?mail(?:adresse)? (?:vil ikke blive|bliver ikke) (?:publiceret|offentliggjort)",
        r"(?:您的电子邮箱地址不会被公开|必填项已用)",
    ),
    "wordpress": (
        r"this entry was posted in\b", r"bookmark the permalink", r"posted in .{0,80} tagged",
        r"filed under\b", r"dit bericht werd geplaatst in", r"dieser eintrag wurde veröffentlicht",
        r"dette indlæg blev udgivet",
    ),
    "related": (
        r"(?:related|similar) (?:articles?|posts?|news|stories|content|reading)\b",
        r"(?:read|see) (?:also|more)\b", r"you (?:may|might) also (?:like|enjoy)",
        r"gerelateerd(?:e)? (?:nieuws|artikels?|artikelen|berichten)\b", r"lees (?:ook|meer)\b",
        r"meer (?:lezen|artikels|artikelen|nieuws)\b", r"ook interessant\b",
        r"verwandte (?:artikel|beiträge|themen|nachrichten)\b",
        r"das könnte (?:sie|dich) auch interessieren", r"(?:lesen sie|lies) (?:auch|mehr)\b",
        r"weitere (?:artikel|beiträge)\b", r"mehr zum thema\b",
        r"relaterede (?:artikler|indlæg|nyheder)\b", r"læs (?:også|mere)\b",
        r"du vil (?:måske )?også kunne lide", r"flere (?:artikler|nyheder)\b",
        r"(?:相关|相關)(?:文章|阅读|閱讀|新闻|新聞|推荐|推薦|资讯)", r"(?:推荐|推薦|延伸)(?:阅读|閱讀)",
        r"(?:datum|date|datum|dato|日期|发布时间|發布時間)\s*[:：]",
        r"(?:categorie|category|categories|kategorie|kategori|分类|分類|标签|標籤|tags?)\s*[:：]",
    ),
    "share": (
        r"share (?:this|on|via)\b", r"(?:deel|delen) (?:dit|via|op)\b", r"(?:artikel )?teilen\b",
        r"(?:del|dele) (?:artiklen|denne|på|via)\b", r"(?:分享到|分享至|转发到)",
        r"(?:facebook|twitter|linkedin|whatsapp|e-?mail|x|xing|pinterest|微信|微博)(?:[\s|,·/]+(?:facebook|twitter|linkedin|whatsapp|e-?mail|x|xing|pinterest|微信|微博|print|drucken|printen|udskriv))+\s*$",
    ),
    "cookie": (
        r".{0,80}\bcookies?\b", r".{0,40}使用\s*cookie",
    ),
    "disclaimer": (
        r"disclaimer\b", r"haftungsausschluss\b", r"ansvarsfraskrivelse\b",
        r"(?:声明|聲明|免责声明|免責聲明)\s*[:：]", r".{0,60}(?:转载|轉載)(?:请|請|须|須|目的)",
        r".{0,60}文章内容仅代表作者", r"本文(?:出自|来自|來自|转载自|轉載自|首发于|首發於)",
        r".{0,80}(?:未经|未經)(?:授权|授權|许可|許可|同意)",
    ),
    "copyright": (
        r"©", r"\(c\)\s*\d{4}", r"copyright\b", r"all rights reserved",
        r"alle rechten voorbehouden", r"alle rechte vorbehalten", r"alle rettigheder forbeholdes",
        r".{0,40}(?:版权所有|版權所有|版权归|版權歸)",
    ),
    "byline": (
        r"(?:door|by|von|af|text|tekst|foto|photo)\s+[A-ZÀ-Þ][\w.\-]+(?:\s+[\w.\-]+){0,3}\s*(?:[|,·–—-]|\d|$)",
        r"(?:geplaatst|gepubliceerd|gepost|veröffentlicht|publiziert|posted|published|udgivet|publiceret|skrevet)\s+(?:op|am|on|den|d\.|by|door|von|af)\b",
        r"(?:作者|文|编辑|編輯|责任编辑|責任編輯|來源|来源|撰文者?|记者|記者|采访|採訪)\s*[:：/／]", r"\S{2,12}(?:/\S{2,12})?(?:编译|編譯|整理|撰文|报道|報導)$",
    ),
    "author_bio": (
        r"(?:over de (?:auteur|schrijver)|über (?:den autor|die autorin)|about the author|om (?:forfatteren|skribenten)|(?:作者简介|作者簡介|关于作者|關於作者))",
    ),
    "navigation": (
        r"(?:home|menu|start|forside|startseite|首页|首頁)(?:\s*[>»/|›]\s*\S.*)?$",
        r"(?:klik|click|klicken sie|klikk|klik her|klik hier|click here|hier klicken|点击|點擊)\b.*",
        r"(?:alle (?:artikels|artikelen|artikel|nyheder|beiträge|news))\s*$",
        r"(?:terug naar|zurück zu|tilbage til|back to|返回)\b",
        r"(?:volg ons|folgen sie uns|følg os|follow us|关注我们|關注我們)\b",
        r"(?:schrijf je in|abonneer|newsletter|nieuwsbrief|tilmeld dig|subscribe|订阅|訂閱)\b",
        r"(?:vorige|volgende|previous|next|vorheriger|nächster|forrige|næste)\s+(?:artikel|bericht|post|beitrag|indlæg)\b",
        r"(?:上一篇|下一篇)",
        r".{0,200}\b(?:volg ons|follow us|folgen sie uns|følg os) (?:op|on|auf|på)\b",
    ),
}

#: Headings that open a block of chrome running to the end of the page.
SECTION_PATTERNS: tuple[str, ...] = (
    "related", "comments", "wordpress",
)

_COMPILED = {cat: re.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE)
             for cat, pats in CHROME_PATTERNS.items()}
_SHORT_ONLY = {"navigation", "share", "byline", "related", "comments", "comment_form"}
_DUP_MIN_CHARS = 20
_NORM = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class ChromeFlags:
    """Chrome verdict for one passage: ``reason`` (a category) when boilerplate, and the index of
    the first passage this one repeats (``duplicate_of``), if any."""

    reason: str | None
    duplicate_of: int | None


def _words(text: str) -> int:
    return len(text.split()) if not re.search(r"[\u3400-\u9fff]", text) else len(text) // 3


def chrome_category(text: str) -> str | None:
    """The chrome category a passage's text matches by pattern alone (``"share"``, ``"byline"``,
    ...), or ``None``. Position and HTML structure are judged by :func:`flag_chrome`."""
    head = text.strip().lstrip("*_>#~ \t")[:300]  # Markdown emphasis around a byline
    for category, rx in _COMPILED.items():
        if rx.match(head):
            if category in _SHORT_ONLY and _words(head) > 40 and category != "comments":
                continue
            return category
    return None


def _norm(text: str) -> str:
    return _NORM.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def flag_chrome(passages: Sequence[Passage]) -> list[ChromeFlags]:
    """Decide boilerplate and duplicates for the passages of one document (in order)."""
    reasons: list[str | None] = []
    for p in passages:
        reason = p.chrome
        if reason is None:
            found = chrome_category(p.text)
            # interview turns are speech: only notices pasted into them count as chrome
            if p.kind != "turn" or found in ("copyright", "cookie"):
                reason = found
        reasons.append(reason)

    # A related / comments heading in the last part of a page opens a chrome block to the end.
    n = len(passages)
    for i, p in enumerate(passages):
        if reasons[i] in SECTION_PATTERNS and p.kind != "turn" and _words(p.text) <= 12 \
                and i >= n * 0.4:
            for j in range(i + 1, n):
                if passages[j].kind != "turn" and reasons[j] is None:
                    reasons[j] = reasons[i]
            break

    duplicates: list[int | None] = [None] * n
    seen: dict[str, int] = {}
    keys = [_norm(p.text) for p in passages]
    for i, key in enumerate(keys):
        if len(key) < _DUP_MIN_CHARS:
            continue
        if key in seen:
            duplicates[i] = seen[key]
            continue
        for j in range(i):
            other = keys[j]
            if len(other) < _DUP_MIN_CHARS or abs(len(other) - len(key)) > 0.2 * len(key):
                continue
            sm = SequenceMatcher(None, other, key, autojunk=False)
            if sm.real_quick_ratio() >= 0.9 and sm.quick_ratio() >= 0.9 and sm.ratio() >= 0.9:
                duplicates[i] = duplicates[j] if duplicates[j] is not None else j
                break
        if duplicates[i] is None:
            seen[key] = i
    return [ChromeFlags(r, d) for r, d in zip(reasons, duplicates)]
