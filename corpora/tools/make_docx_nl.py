"""Build the Dutch docx interview transcript of the bundled corpus.

Run with the project venv from the repository root::

    .venv/bin/python corpora/tools/make_docx_nl.py

The output is byte-for-byte deterministic: the core properties carry a fixed
timestamp and author, and the zip members are rewritten with a fixed date.
Each turn is a paragraph that starts with the speaker label in bold
("Interviewer:"); a turn may continue in following paragraphs without a label.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from _docx_common import add_bold_label_turns, parse_transcript, save_reproducibly
from docx import Document

OUT = (
    Path(__file__).resolve().parent.parent
    / "nl"
    / "interviews"
    / "holtmeijer-zorgverzekeringen-cio.docx"
)
FIXED = dt.datetime(2024, 1, 15, 9, 0, 0)

TITLE = "Transcript interview CIO Holtmeijer Zorgverzekeringen"
META = (
    "Interview afgenomen op 7 november 2023 in Zwolle, op het hoofdkantoor van "
    "Holtmeijer, duur ongeveer 40 minuten"
)

# One block per paragraph, blocks separated by a blank line. A block that starts with
# "[Label]" opens a new turn; a block without it continues the previous turn in a new
# paragraph (no speaker label), as transcribers do for long answers.
TRANSCRIPT = """\
[Interviewer]
Dank u wel dat u tijd wilde maken. Kunt u om te beginnen iets vertellen over uw rol binnen
Holtmeijer?

[Femke de Graaf]
Ja, natuurlijk. Ik ben sinds 2019 CIO bij Holtmeijer Zorgverzekeringen. Eh, we hebben zo'n
negenhonderd medewerkers en ongeveer een miljoen verzekerden. Mijn afdeling doet eigenlijk
alles, van de werkplekken tot de, eh, de kernsystemen voor polissen en declaraties.

[Interviewer]
In de voorbereiding noemde u de samenwerking met marketing complex maar onmisbaar. Wat
bedoelt u daarmee?

[Femke de Graaf]
Nou, complex omdat wij als verzekeraar natuurlijk enorm gereguleerd zijn. Alles wat met
medische gegevens te maken heeft, daar mag gewoon niks mee misgaan. Dus als marketing zegt,
we willen een campagne op basis van, eh, zorggebruik, dan gaan bij mij alle alarmbellen af.

Maar onmisbaar, omdat klanten ons tegenwoordig beoordelen op de app en de website. Niet op
de polis zelf, want die is bij iedereen ongeveer hetzelfde. Dus de klantervaring, daar
moeten we het verschil maken, en daar heb ik marketing gewoon bij nodig. En zij mij.

[Interviewer]
Hoe gaan jullie om met dat spanningsveld tussen wat marketing wil en wat er mag?

[Femke de Graaf]
We hebben een, eh, een gezamenlijk privacyoverleg ingericht, elke twee weken. Daar zitten
marketing, IT, de privacy officer en juridische zaken. Elk nieuw idee waarbij klantgegevens
worden gebruikt, komt daar langs voordat er ook maar een regel code wordt geschreven. In het
begin vond marketing dat vreselijk bureaucratisch. Nu zien ze het eerder als een soort, eh,
verzekering. Ja, dat is in ons geval een beetje een flauwe woordgrap.

[Interviewer]
Hoe is de verhouding met uw collega, de CMO?

[Femke de Graaf]
Goed. Echt goed, inmiddels. Maar dat is niet vanzelf gegaan. Hij kwam van buiten, uit de
retail, en had een veel hoger tempo dan wij gewend waren. De eerste maanden hadden we
eigenlijk bij elk project ruzie over de planning. Wat heeft geholpen... eh, we hebben een
keer samen een dag met klanten doorgebracht in het servicecentrum. Toen zagen we allebei hoe
frustrerend het voor mensen is als iets niet werkt. Dat heeft veel gedaan voor het
wederzijds begrip.

[Interviewer]
Speelt de raad van bestuur daarin ook een rol?

[Femke de Graaf]
Ja, zeker. Onze bestuursvoorzitter heeft digitale dienstverlening benoemd als een van de
drie strategische pijlers. En hij heeft er ook bij gezegd dat de CMO en ik samen
verantwoordelijk zijn voor die pijler. Dat klinkt als een detail, maar het betekent dat we
elk kwartaal samen rapporteren. Je kunt dus niet meer naar de ander wijzen.

[Interviewer]
Is er ooit gesproken over een chief digital officer?

[Femke de Graaf]
Dat is besproken, ja. Eh, een paar jaar geleden. Uiteindelijk is er bewust voor gekozen om
dat niet te doen. Het idee was dat je dan een derde partij krijgt die tussen ons in gaat
zitten, en dat de verantwoordelijkheid nog diffuser wordt. Ik denk achteraf dat dat de
juiste keuze was, maar ik kan me voorstellen dat het in andere organisaties anders uitpakt.

[Interviewer]
Tot slot, waar maakt u zich voor de komende jaren de meeste zorgen over?

[Femke de Graaf]
Mensen. Gewoon, goede mensen vinden. Data-engineers, securityspecialisten, die zijn
ontzettend schaars, en wij concurreren met banken en techbedrijven die meer betalen. We
leiden nu zelf mensen op, zij-instromers, maar dat kost tijd. En ondertussen willen
marketing en de klant natuurlijk niet wachten.

[Interviewer]
Dan wil ik u hartelijk bedanken voor dit openhartige gesprek.
"""


def main() -> None:
    doc = Document()
    doc.add_heading(TITLE, level=1)
    doc.add_paragraph(META)
    add_bold_label_turns(doc, parse_transcript(TRANSCRIPT))
    save_reproducibly(doc, OUT, title=TITLE, language="nl-NL", when=FIXED)


if __name__ == "__main__":
    main()
