"""Build the Danish interview transcript corpora/da/interviews/nordlys_energi.docx.

Layout: a title paragraph (Heading 1), then one paragraph per speaker turn that starts with the
speaker label in bold ("Interviewer:", "Camilla Dahl:", "Henrik Møller:") followed by the turn
text in a normal run. The output is deterministic: fixed core properties and fixed timestamps
inside the zip container.

Run with:  .venv/bin/python corpora/tools/make_docx_da.py
"""

# ruff: noqa: E501  (transcript lines are data; wrapping them would hurt readability)
from __future__ import annotations

import datetime as dt
from pathlib import Path

from _docx_common import add_bold_label_turns, save_reproducibly
from docx import Document

OUT = Path(__file__).resolve().parent.parent / "da" / "interviews" / "nordlys_energi.docx"
FIXED = dt.datetime(2024, 4, 18, 13, 0, 0)
TITLE = "Interview med CMO og CIO i Nordlys Energi"

INT, CMO, CIO = "Interviewer", "Camilla Dahl", "Henrik Møller"

# (speaker, text): one paragraph per turn.
TURNS: list[tuple[str, str]] = [
    (
        INT,
        "Tak fordi I tog jer tid. Øh, kan I starte med at fortælle lidt om, hvad I hver især har ansvaret for?",
    ),
    (
        CMO,
        "Ja. Jeg er CMO i Nordlys Energi, og jeg har ansvaret for brand, kommunikation og hele den digitale kunderejse, altså fra kunden besøger vores hjemmeside, til de er blevet kunde.",
    ),
    (
        CIO,
        "Og jeg er CIO. Jeg har ansvaret for vores it-platforme, infrastruktur og informationssikkerhed. Og så er jeg, øh, også den, der bliver ringet op, når noget går ned.",
    ),
    (
        INT,
        "Energibranchen har været igennem store forandringer. Hvordan har det påvirket jeres samarbejde?",
    ),
    (
        CMO,
        "Meget. Kunderne er blevet langt mere bevidste om deres forbrug, og de forventer at kunne følge det i en app. Det kan vi ikke levere uden et tæt samarbejde med it, ikke?",
    ),
    (
        CIO,
        "Nej, og de data kommer jo fra vores målere og afregningssystemer. Det er nogle af de mest kritiske systemer, vi har. Så vi skal være meget påpasselige med, hvem der får adgang til hvad.",
    ),
    (INT, "Har det givet anledning til uenigheder?"),
    (
        CMO,
        "Ja, altså, i starten følte jeg, at it brugte sikkerhed som en undskyldning for ikke at gøre noget. Det var nok ikke helt fair, men det var sådan, det føltes.",
    ),
    (
        CIO,
        "Og jeg følte, at marketing ikke tog risikoen alvorligt. Vi havde en sag, hvor en kampagneside var sat op hos en ekstern leverandør, uden at vi vidste det, og den indsamlede kundedata. Det var ikke sjovt.",
    ),
    (INT, "Hvordan kom I videre derfra?"),
    (
        CMO,
        "Vi satte os ned og lavede en fælles aftale om, hvordan vi vælger leverandører. Marketing må gerne foreslå værktøjer, men it skal godkende dem, og it har lovet at svare inden for ti arbejdsdage.",
    ),
    (
        CIO,
        "Den frist var vigtig. Det viste, at vi tog marketings behov for hastighed alvorligt. Og vi har faktisk overholdt den i stort set alle tilfælde.",
    ),
    (INT, "Hvem træffer beslutningerne, når I ikke kan blive enige?"),
    (
        CIO,
        "Det gør vores administrerende direktør. Men det sker sjældent. Øh, jeg tror, vi har været oppe hos hende to gange det sidste år.",
    ),
    (
        CMO,
        "Og begge gange handlede det om prioritering, ikke om hvem der havde ret. Det er en vigtig forskel.",
    ),
    (INT, "Hvad er den næste store udfordring for jer?"),
    (
        CMO,
        "Kompetencer. Vi skal bruge flere folk, der kan arbejde med data og automatisering, og det gælder både i marketing og i it.",
    ),
    (
        CIO,
        "Enig. Og vi skal blive bedre til at arbejde agilt på tværs. Vi er godt i gang, men der er stadig for mange overdragelser mellem afdelingerne.",
    ),
    (INT, "Tusind tak for en god snak."),
]


def main() -> None:
    doc = Document()
    doc.add_heading(TITLE, level=1)
    add_bold_label_turns(doc, [(speaker, [text]) for speaker, text in TURNS])
    save_reproducibly(doc, OUT, title=TITLE, language="da-DK", when=FIXED)


if __name__ == "__main__":
    main()
