"""Page chrome flagged as boilerplate (kept, never dropped) and repeated blocks as duplicates."""

from __future__ import annotations

import pytest

from alignment_nlp.chrome import flag_chrome
from alignment_nlp.ingest import Block, Document
from alignment_nlp.segment import segment

BODY = {
    "nl": "De CIO en de CMO moeten samen beslissen over het budget voor digitale innovatie.",
    "de": "Der CIO und der CMO müssen gemeinsam über das Budget für digitale Innovation entscheiden.",
    "da": "CIO'en og CMO'en skal sammen beslutte budgettet for digital innovation i virksomheden.",
    "zh": "首席信息官和首席营销官必须共同决定数字创新的预算，并且定期沟通进展。",
}
CHROME = {
    "nl": ["Door Jan Peeters | 12 maart 2024", "Deel dit artikel", "Lees ook", "© 2024 Voorbeeld nv",
           "Over de auteur: Jan is consultant.", "Laat een reactie achter",
           "Wij gebruiken cookies om de site te verbeteren."],
    "de": ["Von Anna Schmidt | 12. März 2024", "Artikel teilen", "Das könnte Sie auch interessieren",
           "Alle Rechte vorbehalten.", "Über den Autor: Anna ist Beraterin.",
           "Hinterlasse einen Kommentar", "Wir verwenden Cookies, um die Seite zu verbessern."],
    "da": ["Af Mette Holm | 12. marts 2024", "Del artiklen", "Læs også",
           "Alle rettigheder forbeholdes.", "Om forfatteren: Mette er konsulent.",
           "Skriv en kommentar", "Vi bruger cookies til at forbedre siden."],
    "zh": ["作者：王丽 2024-03-12", "分享到：微信 微博", "相关文章", "版权所有 © 2024",
           "作者简介：王丽是一名顾问。", "发表评论", "声明：本文来自网络，版权归作者所有。"],
}


def _flags(text):
    doc = Document(path="mem.txt", format="txt", text=text, blocks=(Block(0, len(text)),))
    passages = segment(doc)
    return passages, flag_chrome(passages)


@pytest.mark.parametrize("lang", sorted(CHROME))
def test_chrome_lines_are_flagged_and_content_is_not(lang):
    chrome = CHROME[lang]
    text = "\n\n".join([BODY[lang], *chrome[:2], BODY[lang].replace("budget", "plan"), *chrome[2:]])
    passages, flags = _flags(text)
    verdict = {p.text: f.reason for p, f in zip(passages, flags)}
    assert verdict[BODY[lang]] is None
    for line in chrome:
        assert verdict[line] is not None, line


def test_english_wordpress_footer_in_danish_page():
    text = (BODY["da"] + "\n\nThis entry was posted in Ledelse. Bookmark the permalink.\n\n"
            "One Response to Digitalisering\n\n  1. Kim says:\n\n    Great post, I will share it with\n"
            "    my colleagues right away.\n\nLeave a Reply\n\n"
            "Your email address will not be published. Required fields are marked *\n")
    passages, flags = _flags(text)
    assert flags[0].reason is None
    assert all(f.reason for f in flags[1:])
    assert len(passages) == 7
    assert passages[4].text.count("\n") == 1  # the soft-wrapped comment is one passage


def test_repeated_block_points_to_first_occurrence():
    q = "Waar wil je heen met je organisatie en welke rol speelt digitalisering hierin?"
    text = f"{q}\n\n{BODY['nl']}\n\n{q}\n\n{q.replace('hierin', 'daarin')}\n\nKort.\n\nKort."
    passages, flags = _flags(text)
    assert [f.duplicate_of for f in flags] == [None, None, 0, 0, None, None]
