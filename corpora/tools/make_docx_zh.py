"""Build the Chinese interview transcript corpora/zh/interviews/manufacturing_table.docx.

The transcript is a 3-column table (时间 | 发言人 | 内容) with a header row and one row per
speaker turn, below a title paragraph. The output is deterministic: fixed core properties
and fixed timestamps inside the zip container.

Run with:  .venv/bin/python corpora/tools/make_docx_zh.py
"""

# ruff: noqa: E501  (transcript lines are data; wrapping them would hurt readability)
from __future__ import annotations

import datetime as dt
from pathlib import Path

from _docx_common import save_reproducibly
from docx import Document
from docx.oxml.ns import qn

OUT = Path(__file__).resolve().parent.parent / "zh" / "interviews" / "manufacturing_table.docx"
FIXED = dt.datetime(2024, 4, 18, 9, 30, 0)
TITLE = "访谈记录：远航精密制造 CMO 与 CIO 谈数字化协作"
HEADER = ("时间", "发言人", "内容")

# (time, speaker, text): one row per turn.
TURNS: list[tuple[str, str, str]] = [
    (
        "00:00:05",
        "访谈人",
        "两位好，嗯，今天想聊一聊远航精密在数字化转型当中，市场和IT是怎么合作的。先请孙总说说吧。",
    ),
    (
        "00:00:18",
        "孙浩",
        "好。我们是做工业零部件的，那个，客户基本上都是企业客户，就是B2B。以前IT的主要工作就是ERP和生产系统，跟市场部的交集其实不多。",
    ),
    (
        "00:00:41",
        "何雪",
        "对，以前市场部做的就是展会、样册，嗯，跟IT打交道最多的可能就是官网改版。",
    ),
    ("00:00:55", "访谈人", "那这个情况是从什么时候开始变化的？"),
    (
        "00:01:01",
        "何雪",
        "大概是三年前吧。疫情期间展会都停了，我们就是说，必须得把获客搬到线上去。那时候才发现，我们连一个像样的客户数据库都没有。",
    ),
    (
        "00:01:24",
        "孙浩",
        "客户数据其实是有的，但是散在ERP、销售的Excel表、还有代理商那里。那个，各处的数据口径都不一样。",
    ),
    ("00:01:43", "访谈人", "那你们是怎么开始合作的？有没有遇到阻力？"),
    (
        "00:01:50",
        "何雪",
        "阻力肯定有。嗯，一开始我提了一个CRM的需求，IT说要先做数据治理，我们觉得这样太慢了，双方就僵住了差不多两个月。",
    ),
    (
        "00:02:12",
        "孙浩",
        "我那时候的想法是，如果数据底子不打好，上什么系统都是浪费钱。但是我后来也反思，就是说，我没有把这个道理讲清楚，只是一味地说不行。",
    ),
    ("00:02:38", "访谈人", "后来是怎么打破僵局的？"),
    (
        "00:02:43",
        "何雪",
        "我们总经理让我们俩一起做一个方案，嗯，而且明确说了，这个项目的KPI由两个部门共同承担。这样一来，大家的目标就一致了。",
    ),
    (
        "00:03:05",
        "孙浩",
        "对，我们把项目拆成了几个阶段，先用三个月把核心客户的数据清洗出来，同时市场部先用一个轻量的SaaS工具做线索管理。两边都不用等。",
    ),
    ("00:03:31", "访谈人", "听起来是一个比较务实的做法。那预算是怎么分的？"),
    (
        "00:03:38",
        "孙浩",
        "数据治理那部分走IT的预算，营销工具走市场部的预算，嗯，但是所有的采购都要经过IT做技术评估。",
    ),
    (
        "00:03:57",
        "何雪",
        "这一点我现在是非常认同的。因为我们自己确实不懂那些接口啊、安全啊，有IT把关，心里踏实很多。",
    ),
    ("00:04:15", "访谈人", "最后，两位觉得对于制造企业来说，市场和IT合作最需要的是什么？"),
    ("00:04:24", "孙浩", "耐心吧。制造企业的文化比较保守，那个，很多变化都需要时间。"),
    (
        "00:04:35",
        "何雪",
        "还有就是要从客户出发。我们所有的讨论最后都回到一个问题，就是这件事能不能让客户更方便地找到我们、买到我们的产品。",
    ),
]


def main() -> None:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "SimSun"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")

    doc.add_heading(TITLE, level=1)
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(label).bold = True
    for time, speaker, text in TURNS:
        cells = table.add_row().cells
        cells[0].text = time
        cells[1].text = speaker
        cells[2].text = text
    save_reproducibly(doc, OUT, title=TITLE, language="zh-CN", when=FIXED)


if __name__ == "__main__":
    main()
