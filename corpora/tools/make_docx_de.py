"""Build the German docx interview transcript of the bundled corpus.

Run with the project venv from the repository root::

    .venv/bin/python corpora/tools/make_docx_de.py

The output is byte-for-byte deterministic: the core properties carry a fixed
timestamp and author, and the zip members are rewritten with a fixed date.
Each turn is a paragraph that starts with the speaker label in bold
("Interviewerin:"); a turn may continue in following paragraphs without a label.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from _docx_common import add_bold_label_turns, parse_transcript, save_reproducibly
from docx import Document

OUT = (
    Path(__file__).resolve().parent.parent / "de" / "interviews" / "brandtner-hausgeraete-cmo.docx"
)
FIXED = dt.datetime(2024, 1, 15, 9, 0, 0)

TITLE = "Interview mit der CMO der Brandtner Hausgeräte GmbH"
META = (
    "Gespräch vom 23. Januar 2024, geführt per Videokonferenz aus Stuttgart, Dauer etwa 35 Minuten"
)

# One block per paragraph, blocks separated by a blank line. A block that starts with
# "[Label]" opens a new turn; a block without it continues the previous turn in a new
# paragraph (no speaker label), as transcribers do for long answers.
TRANSCRIPT = """\
[Interviewerin]
Frau Hoffmann, vielen Dank für Ihre Zeit. Vielleicht beginnen wir mit Ihrer Rolle bei
Brandtner.

[Anna Hoffmann]
Sehr gern. Ich bin seit 2021 Chief Marketing Officer, äh, und verantworte Marke,
Kommunikation und seit letztem Jahr auch den Direktvertrieb über unseren Onlineshop. Das ist
für ein Unternehmen wie unseres, das jahrzehntelang nur über den Fachhandel verkauft hat,
eine ziemlich große Veränderung.

[Interviewerin]
Welche Rolle spielt die IT bei dieser Veränderung?

[Anna Hoffmann]
Eine zentrale, ehrlich gesagt. Ohne die IT hätten wir keinen einzigen Kunden direkt
erreicht. Aber am Anfang, ähm, haben wir das unterschätzt. Wir dachten, so einen Shop setzt
man mit einer Agentur in drei Monaten auf und gut ist.

Dann kam die Frage, wie die Bestellungen ins ERP kommen, wie Retouren laufen, wie wir die
Garantiedaten aus der Produktregistrierung mit dem Shop verbinden. Und plötzlich saßen wir
jede Woche mit der IT zusammen, weil ohne deren Know-how gar nichts ging.

[Interviewerin]
Wie haben Sie die Zusammenarbeit mit Ihrem CIO erlebt?

[Anna Hoffmann]
Gemischt, würde ich sagen. Also, persönlich verstehen wir uns gut. Aber wir haben sehr
unterschiedliche Vorstellungen von Geschwindigkeit. Ich denke in Saisons und Kampagnen, er
denkt in Releases und Wartungsfenstern. Und beides hat seine Berechtigung, das hab ich
inzwischen gelernt.

[Interviewerin]
Gab es dabei auch konkrete Konflikte zwischen Ihnen?

[Anna Hoffmann]
Ja, beim Budget vor allem. Der Shop lief offiziell als Marketingprojekt, also kam das Geld
aus meinem Budget. Aber Betrieb und Wartung lagen bei der IT, die dafür keinen Cent
zusätzlich bekommen hat. Das hat, ähm, verständlicherweise für Unmut gesorgt. Inzwischen
haben wir das mit der Geschäftsführung neu geregelt, mit einem gemeinsamen Digitalbudget.

[Interviewerin]
Wie wird dieses gemeinsame Budget gesteuert?

[Anna Hoffmann]
Über einen Lenkungskreis, in dem der CIO, ich und unser kaufmännischer Geschäftsführer
sitzen. Wir treffen uns jedes Quartal und priorisieren die Vorhaben. Jede Initiative braucht
einen kurzen Business Case, nicht fünfzig Seiten, sondern eine Seite, aber mit klaren
Zahlen.

[Interviewerin]
Und was hat sich in der Kultur Ihres Teams verändert?

[Anna Hoffmann]
Mein Team ist viel datengetriebener geworden. Früher haben wir Kampagnen nach Bauchgefühl
gemacht. Heute testen wir zwei Varianten und schauen, was funktioniert. Und
interessanterweise kam der Anstoß dazu gar nicht von mir, sondern von einem Entwickler aus
der IT, der einfach mal gefragt hat, warum wir das eigentlich nicht messen.

[Interviewerin]
Was wünschen Sie sich für die nächsten Jahre?

[Anna Hoffmann]
Dass wir nicht mehr von Marketingprojekten und IT-Projekten sprechen, sondern nur noch von
Kundenprojekten. Da sind wir noch nicht, aber wir sind auf einem guten Weg.

[Interviewerin]
Vielen Dank für das offene Gespräch, Frau Hoffmann.
"""


def main() -> None:
    doc = Document()
    doc.add_heading(TITLE, level=1)
    doc.add_paragraph(META)
    add_bold_label_turns(doc, parse_transcript(TRANSCRIPT))
    save_reproducibly(doc, OUT, title=TITLE, language="de-DE", when=FIXED)


if __name__ == "__main__":
    main()
