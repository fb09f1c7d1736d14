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
import io
import zipfile
from pathlib import Path

from docx import Document

OUT = (
    Path(__file__).resolve().parent.parent / "de" / "interviews" / "brandtner-hausgeraete-cmo.docx"
)
FIXED = dt.datetime(2024, 1, 15, 9, 0, 0)
ZIP_DATE = (2024, 1, 15, 9, 0, 0)

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


def parse_transcript(text: str) -> list[tuple[str, list[str]]]:
    """Return (label, paragraphs) per turn from the TRANSCRIPT mini-format."""
    turns: list[tuple[str, list[str]]] = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        if lines[0].startswith("[") and lines[0].endswith("]"):
            turns.append((lines[0][1:-1], [" ".join(lines[1:])]))
        else:
            turns[-1][1].append(" ".join(lines))
    return turns


def build() -> bytes:
    doc = Document()
    doc.add_heading(TITLE, level=1)
    doc.add_paragraph(META)
    for label, paragraphs in parse_transcript(TRANSCRIPT):
        first = doc.add_paragraph()
        first.add_run(f"{label}:").bold = True
        first.add_run(f" {paragraphs[0]}")
        for extra in paragraphs[1:]:
            doc.add_paragraph(extra)
    props = doc.core_properties
    props.author = "alignment-nlp"
    props.last_modified_by = "alignment-nlp"
    props.title = TITLE
    props.language = "de-DE"
    props.created = FIXED
    props.modified = FIXED
    props.revision = 1
    raw = io.BytesIO()
    doc.save(raw)
    return _normalise_zip(raw.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the package with a fixed member date so the bytes never change."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(build())
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
