"""Build tests/data/stories-eval-realmix.jsonl: a labelled set shaped like a real crawl (issue 22).

Run from anywhere: ``python tests/data/make_stories_realmix.py`` (writes the file beside this
script; ``--out FILE`` writes elsewhere). Deterministic: the same inputs give the same bytes.

Where tests/data/stories-eval.jsonl is fresh news published over one week, and fetched as it was
published, this set is what the first crawl of real feeds looks like (67 captured feeds, issue 22):
feeds fetched one after another on one morning (`CRAWL`), each handing over its backlog, dated
weeks and months before, mixed with items that carry no date at all. Those have
``"date_source": "fetched"`` and their fetch time as ``published``, as the producer records them
(newsflow/contract/schema.py RawArticle). Every line has ``fetched_at``; the format is otherwise the
one `newsflow eval stories` reads (tests/data/make_stories_eval.py)::

    {"id": ..., "source": ..., "published": ..., "fetched_at": ..., "date_source": "feed" | "fetched",
     "title": ..., "text": ..., "labels": {"duplicate_of": null or the original's id, "story": label}}

What is in it (the outlets, people and products are invented; places are real, as in news):
- One outlet's five reports of the same speech (a mayor's budget address): a live report, the
  address in full, reactions, a fact check, and one of them republished in another section with
  a new headline (a duplicate). One of the five is undated.
- Two outlets' reports of the same product (a German e-reader launch), in their own words, and
  the same maker's recall of another product two months earlier: another story.
- Two job listings of one French recruiter differing by one word (duplicates), and another
  listing of the same recruiter that is another job.
- Two outlets on one warehouse fire near Lyon, one of them undated; two outlets on a new metro
  line in Porto, with an undated syndicated copy of one (a duplicate); a Spanish event told twice.
- Unrelated items in every language, dated and undated, some about the same places.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "stories-eval-realmix.jsonl"
CRAWL = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)  # the first crawl: every feed once, in FEEDS order
FEED_SPACING = timedelta(minutes=6)


@dataclass(frozen=True)
class Item:
    id: str
    published: datetime | None  # None: the feed gave no date (the fetch time stands in)
    title: str
    text: str
    story: str
    duplicate_of: str | None = None


def _d(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _text(block: str) -> str:
    """Paragraphs separated by blank lines; lines inside a paragraph joined."""
    return "\n\n".join(" ".join(line.strip() for line in p.strip().splitlines()) for p in block.strip().split("\n\n"))


SPEECH_FULL = _text("""
Mayor Helen Okafor presented the city's 2027 budget to the council on Thursday evening, promising to
freeze property taxes for a second year while spending 48 million dollars more on road repairs and
public transport in Riverside.

"We will not balance this budget on the backs of homeowners," Okafor told councillors in a speech of
almost an hour. She said the city would fund the extra spending by selling the old harbour depot and
by cutting the number of outside consultants by a third.

The budget sets aside 12 million dollars for a new bus line between the university and the harbour
district, and 6 million for the library renovation that has been delayed since 2024. Okafor also
announced a hiring freeze at city hall, except for bus drivers and road crews.

Council finance chair Marcus Delaney said the depot sale was "a one-off that cannot pay for
recurring costs". The council will vote on the budget on September 3.
""")

RIVERSIDE = (
    Item("rg-speech-live", _d(8, 13, 23, 5), "Live: Mayor Okafor presents the 2027 budget", _text("""
    Mayor Helen Okafor has begun her budget address to the Riverside city council. Follow our live report.

    Okafor opened by saying property taxes will stay frozen for a second year. "We will not balance
    this budget on the backs of homeowners," she said to applause from the public gallery.

    The mayor says road repairs and public transport get 48 million dollars more next year, paid for by
    selling the old harbour depot and cutting outside consultants by a third.

    A new bus line between the university and the harbour district is in the budget, Okafor said. The
    council votes on September 3.
    """), "riverside-budget"),
    Item("rg-speech-full", _d(8, 14, 1, 30), "Okafor freezes property taxes, adds 48 million for roads and buses", SPEECH_FULL,
         "riverside-budget"),
    Item("rg-speech-reactions", _d(8, 14, 10, 0), "Budget speech: councillors split over harbour depot sale", _text("""
    Reactions to Mayor Helen Okafor's budget address divided the Riverside council on Friday, a day after
    she promised a second year of frozen property taxes.

    Finance chair Marcus Delaney repeated that selling the harbour depot was a one-off. "You cannot pay
    bus drivers every year with a building you sell once," he said. Two councillors of the mayor's own
    group asked for the hiring freeze at city hall to spare the planning office.

    The homeowners' association welcomed the tax freeze, while the transit union praised the new bus
    line to the harbour district. The council votes on the budget on September 3.
    """), "riverside-budget"),
    Item("rg-speech-factcheck", None, "Fact check: five claims from the mayor's budget speech", _text("""
    In her budget address to the Riverside council, Mayor Helen Okafor made several claims about the
    city's finances. We checked five of them.

    Property taxes frozen for a second year: true, the 2027 budget keeps the rate of 2025. Road repairs
    and public transport get 48 million dollars more: true, though 20 million of it comes from the one-off
    sale of the harbour depot. Consultants cut by a third: the city spent 9 million on consultants last
    year, and the budget plans 6 million.

    The library renovation "delayed since 2024": the works were first budgeted in 2023. The new bus line
    between the university and the harbour district: funded, but with no date for the first bus.
    """), "riverside-budget"),
    # The same report republished in the politics section: a new headline, the section's furniture.
    Item("rg-speech-politics", _d(8, 14, 6, 15), "Mayor's budget: what the tax freeze means for you",
         "By Gazette Staff | Updated 14 August 2026\n\n" + SPEECH_FULL + "\n\nRead more: Politics | Budget 2027",
         "riverside-budget", duplicate_of="rg-speech-full"),
    Item("rg-library", _d(7, 2, 8, 0), "Central library closes for the summer as roof works begin", _text("""
    Riverside's central library closed its doors on Wednesday for roof works expected to last until
    October. Readers can borrow and return books at the two branch libraries in the harbour district and
    in Northfield, which will open on Sundays during the works.

    The library's summer reading programme for children moves to the community centre on Elm Street.
    """), "rg-library"),
    Item("rg-roadworks", None, "Weekend road closures", _text("""
    Bridge Street will be closed between the station and Market Square from Friday 8 pm until Monday 5 am
    for resurfacing. Buses 4 and 11 are diverted via Canal Road. Cyclists and pedestrians can still use
    the bridge. The council apologises for the disruption and asks drivers to avoid the town centre.
    """), "rg-roadworks"),
)

TECHNIK = (
    Item("tn-lumora-x2", _d(9, 3, 10, 0), "Lumora X2: E-Reader mit Farbdisplay und Stift für 249 Euro", _text("""
    Der Hamburger Hersteller Lumora hat am Donnerstag den E-Reader Lumora X2 vorgestellt. Das Gerät hat ein
    farbiges E-Ink-Display mit 7,8 Zoll, unterstützt einen Eingabestift für Notizen und soll ab Oktober für
    249 Euro in den Handel kommen.

    Der Akku des Lumora X2 soll bis zu sechs Wochen halten. Neben EPUB und PDF liest das Gerät auch
    Comics im CBZ-Format. Ein Ladegerät liegt nicht bei, geladen wird über USB-C.

    Lumora-Chefin Katrin Vogt sagte bei der Vorstellung in Hamburg, der X2 solle vor allem Studierende
    ansprechen, die Skripte lesen und direkt darin Notizen machen wollen.
    """), "lumora-x2"),
    Item("tn-lumora-recall", _d(7, 8, 14, 0), "Lumora ruft Ladegeräte des X1 zurück", _text("""
    Der E-Reader-Hersteller Lumora ruft rund 40.000 Ladegeräte zurück, die bis Mai mit dem Lumora X1
    verkauft wurden. Bei einigen Geräten könne sich das Gehäuse erhitzen, teilte das Hamburger Unternehmen
    mit. Verletzt worden sei niemand.

    Kundinnen und Kunden sollen das Ladegerät nicht mehr verwenden und bekommen ein neues kostenlos per
    Post. Der E-Reader selbst sei nicht betroffen und könne mit jedem USB-Ladegerät geladen werden.
    """), "lumora-recall"),
    Item("tn-kiel-radweg", None, "Kiel baut Radschnellweg nach Eckernförde weiter", _text("""
    Die Stadt Kiel hat den zweiten Abschnitt des Radschnellwegs Richtung Eckernförde freigegeben. Auf vier
    Kilometern können Radfahrerinnen und Radfahrer nun getrennt vom Autoverkehr fahren. Der dritte
    Abschnitt soll 2028 folgen, wenn die Förderung durch das Land bestätigt ist.
    """), "tn-kiel-radweg"),
)

DIGITAL = (
    Item("dh-lumora-x2", _d(9, 4, 7, 30), "Farbiger E-Reader mit Stift: Lumora X2 kommt im Oktober", _text("""
    Mit dem X2 bringt Lumora im Oktober einen E-Reader mit farbigem 7,8-Zoll-Display und Stifteingabe auf
    den Markt. Der Preis liegt bei 249 Euro, wie das Unternehmen aus Hamburg am Donnerstag mitteilte.

    Mit dem Stift lassen sich Notizen direkt in Dokumenten und PDF-Dateien machen. Der Akku soll bis zu
    sechs Wochen durchhalten, geladen wird per USB-C. Unternehmenschefin Katrin Vogt nannte Studierende
    als wichtigste Zielgruppe des Lumora X2.

    Im Sommer hatte Lumora Ladegeräte des Vorgängers X1 zurückrufen müssen.
    """), "lumora-x2"),
    Item("dh-energiepreise", _d(10, 12, 6, 0), "Strompreise sinken im Herbst leicht", _text("""
    Haushalte in Deutschland zahlen im Herbst im Schnitt etwas weniger für Strom als im Frühjahr. Nach
    Angaben des Vergleichsportals sank der durchschnittliche Preis für Neukunden um zwei Cent je
    Kilowattstunde. Bestandskunden profitieren davon aber oft erst mit Verzögerung, warnen
    Verbraucherschützer.
    """), "dh-energiepreise"),
)

LISTING = _text("""
Notre client, éditeur de logiciels pour la logistique basé à Lyon (Part-Dieu), recrute un développeur
Python {level} (H/F) en CDI. Vous rejoindrez une équipe de huit personnes chargée de la plateforme de
suivi des expéditions. Missions : concevoir et maintenir les services en Python et Django, écrire les
tests, participer aux revues de code et à l'astreinte. Profil : cinq ans d'expérience, maîtrise de
PostgreSQL et de Docker, anglais technique. Salaire de 48 000 à 55 000 euros selon expérience, deux jours
de télétravail par semaine, tickets restaurant. Candidature : envoyez votre CV à recrutement@exemple.fr
en précisant la référence LYO-PY-114.
""")

EMPLOIS = (
    Item("el-python-1", _d(10, 1, 8, 0), "Développeur Python confirmé (H/F) – Lyon", LISTING.format(level="confirmé"),
         "el-python"),
    Item("el-python-2", _d(10, 8, 8, 0), "Développeur Python senior (H/F) – Lyon", LISTING.format(level="senior"),
         "el-python", duplicate_of="el-python-1"),
    Item("el-comptable", _d(10, 2, 8, 0), "Comptable fournisseurs (H/F) – Villeurbanne", _text("""
    Notre client, groupe de distribution basé à Villeurbanne, recrute un comptable fournisseurs (H/F) en
    CDD de six mois. Missions : saisie et contrôle des factures, rapprochements bancaires, relances et
    préparation des clôtures mensuelles. Profil : BTS ou DUT comptabilité, deux ans d'expérience, maîtrise
    de SAP. Salaire de 30 000 euros annuels. Candidature : envoyez votre CV à recrutement@exemple.fr en
    précisant la référence VIL-CF-087.
    """), "el-comptable"),
)

PROGRES = (
    Item("lp-fire", _d(9, 22, 5, 40), "Vénissieux : un entrepôt de pneus ravagé par un incendie", _text("""
    Un important incendie a détruit dans la nuit de lundi à mardi un entrepôt de pneus de 3 000 mètres
    carrés dans la zone industrielle de Vénissieux, au sud de Lyon. Une centaine de sapeurs-pompiers ont
    été mobilisés pour maîtriser le feu, qui a dégagé une épaisse fumée noire visible depuis Lyon.

    Aucun blessé n'est à déplorer. La préfecture du Rhône a demandé aux habitants de Vénissieux et de
    Saint-Fons de garder leurs fenêtres fermées. Une enquête a été ouverte pour déterminer l'origine du
    sinistre.
    """), "venissieux-fire"),
    Item("lp-tram", _d(8, 28, 6, 0), "Lyon : la ligne de tram T10 ouvrira en 2027", _text("""
    Le Sytral a confirmé que la ligne de tramway T10 entre la gare de Vénissieux et Gerland ouvrira au
    printemps 2027. Les travaux de pose des rails sont terminés sur la moitié du tracé. La ligne desservira
    quinze stations et doit transporter 25 000 voyageurs par jour.
    """), "lp-tram"),
)

LYON_INFO = (
    Item("li-fire", None, "Incendie à Vénissieux : fumée noire sur l'agglomération lyonnaise", _text("""
    Les pompiers du Rhône ont lutté toute la nuit contre l'incendie d'un entrepôt de stockage de pneus dans
    la zone industrielle de Vénissieux. Le bâtiment de 3 000 mètres carrés est entièrement détruit.

    La fumée noire, visible depuis le centre de Lyon, a conduit la préfecture à recommander aux habitants de
    Vénissieux et de Saint-Fons de rester chez eux fenêtres fermées. Il n'y a pas de blessé. L'origine du
    feu reste inconnue et une enquête est en cours.
    """), "venissieux-fire"),
    Item("li-marche", None, "Le marché de Noël de Lyon ouvrira le 28 novembre", _text("""
    Cent vingt chalets s'installeront place Carnot du 28 novembre au 24 décembre. Les organisateurs
    annoncent des nocturnes le vendredi et le samedi jusqu'à 22 heures, et un espace réservé aux artisans
    de la région.
    """), "li-marche"),
)

METRO_FULL = _text("""
A Metro do Porto inaugurou nesta segunda-feira a Linha Rosa, que liga São Bento à Casa da Música em
cerca de seis minutos. A nova linha tem quatro estações, duas delas novas, no Hospital de Santo António
e na Praça da Galiza.

A obra custou 300 milhões de euros e sofreu dois anos de atraso. Segundo a empresa, a Linha Rosa deverá
transportar 13 milhões de passageiros por ano e aliviar a estação da Trindade.

O presidente da Metro do Porto, Tiago Braga, disse na cerimónia que os comboios vão circular de cinco
em cinco minutos nas horas de ponta.
""")

JORNAL = (
    Item("jp-metro", _d(7, 20, 11, 0), "Linha Rosa do Metro do Porto abre ao público", METRO_FULL, "porto-linha-rosa"),
    Item("jp-incendio", _d(8, 10, 16, 0), "Incêndio florestal em Arouca obriga a cortar estradas", _text("""
    Um incêndio florestal que deflagrou na tarde de domingo em Arouca mobilizou mais de 200 operacionais e
    obrigou ao corte de duas estradas nacionais. A Proteção Civil não registou feridos, mas duas aldeias
    foram evacuadas por precaução durante a noite.
    """), "jp-incendio"),
)

NORTE = (
    Item("nn-metro", _d(7, 20, 15, 30), "Porto: nova Linha Rosa liga São Bento à Casa da Música", _text("""
    Já está a funcionar a Linha Rosa do Metro do Porto. A ligação entre São Bento e a Casa da Música faz-se
    em seis minutos, com paragens no Hospital de Santo António e na Praça da Galiza.

    Com dois anos de atraso e um custo de 300 milhões de euros, a linha deverá servir 13 milhões de
    passageiros por ano, disse Tiago Braga, presidente da Metro do Porto, na inauguração. Nas horas de ponta
    haverá um comboio a cada cinco minutos.
    """), "porto-linha-rosa"),
    Item("nn-metro-copy", None, "Metro do Porto: Linha Rosa inaugurada", METRO_FULL, "porto-linha-rosa",
         duplicate_of="jp-metro"),
    Item("nn-vinho", None, "Vindima no Douro começa mais cedo", _text("""
    Os produtores do Douro começaram a vindima duas semanas mais cedo do que é habitual, por causa do calor
    de agosto. A produção deverá ser menor, mas a qualidade das uvas é considerada muito boa.
    """), "nn-vinho"),
)

LEVANTE = (
    Item("ld-dana", _d(10, 29, 9, 0), "Valencia recuerda a las víctimas de la dana dos años después", _text("""
    Miles de personas se concentraron el miércoles en Valencia para recordar a las víctimas de la dana de
    octubre de 2024. Las asociaciones de afectados pidieron que se terminen las obras de los barrancos de
    Paiporta y Catarroja y que las ayudas lleguen a todas las familias.

    El acto terminó con un minuto de silencio frente al Ayuntamiento de Valencia.
    """), "valencia-dana"),
    Item("ld-dana-2", _d(10, 29, 19, 0), "Minuto de silencio en Valencia por las víctimas de la dana", _text("""
    Un minuto de silencio frente al Ayuntamiento de Valencia cerró el miércoles el homenaje a las víctimas de
    la dana de 2024, dos años después de la riada. Miles de personas asistieron al acto convocado por las
    asociaciones de afectados, que reclamaron el fin de las obras en los barrancos de Paiporta y Catarroja
    y ayudas para todas las familias.
    """), "valencia-dana"),
    Item("ld-naranjas", None, "La campaña de la naranja arranca con precios más altos", _text("""
    Los agricultores valencianos empiezan la recogida de las primeras variedades de naranja con precios un
    15 % superiores a los del año pasado, debido a una cosecha más corta en toda la Comunitat Valenciana.
    """), "ld-naranjas"),
)

WIRE = (
    Item("wn-okafor-profile", _d(5, 11, 12, 0), "Who is Helen Okafor, Riverside's first-term mayor?", _text("""
    Helen Okafor, a former transit planner, was elected mayor of Riverside last November on a promise to
    fix the city's buses. Six months in, she has replaced the head of the transit authority and opened
    talks on selling the old harbour depot. Her critics on the council, led by Marcus Delaney, say she has
    yet to show how she will pay for her plans.
    """), "wn-okafor-profile"),
    Item("wn-storm", None, "Storm warning for the east coast this weekend", _text("""
    Forecasters issued a storm warning for the east coast from Saturday morning, with gusts of up to 110
    km/h and heavy rain expected. Ferry services may be cancelled and coastal roads closed. Residents are
    advised to secure garden furniture and avoid the seafront.
    """), "wn-storm"),
    Item("wn-chess", _d(11, 2, 18, 0), "Teenager wins national chess championship", _text("""
    A 16-year-old from Leeds won the national chess championship on Sunday after a tense final round
    against the defending champion. She becomes the youngest winner in the event's history and qualifies
    for the European championship in the spring.
    """), "wn-chess"),
)

# (outlet, its items): the feeds in the order the crawl fetched them.
FEEDS: tuple[tuple[str, tuple[Item, ...]], ...] = (
    ("Riverside Gazette", RIVERSIDE),
    ("Technikblog Nord", TECHNIK),
    ("Emplois Rhône", EMPLOIS),
    ("Le Progrès Exemple", PROGRES),
    ("Jornal do Porto Exemplo", JORNAL),
    ("Wire News Exemplar", WIRE),
    ("Digital Heute", DIGITAL),
    ("Lyon Info Express", LYON_INFO),
    ("Notícias do Norte", NORTE),
    ("Levante Diario Ejemplo", LEVANTE),
)


def rows() -> list[dict]:
    """One row per item, feed by feed in crawl order (each feed's items share its fetch time)."""
    out = []
    for number, (source, items) in enumerate(FEEDS):
        fetched_at = CRAWL + number * FEED_SPACING
        for item in items:
            out.append({
                "id": item.id, "source": source,
                "published": (item.published or fetched_at).isoformat(), "fetched_at": fetched_at.isoformat(),
                "date_source": "feed" if item.published else "fetched",
                "title": item.title, "text": item.text,
                "labels": {"duplicate_of": item.duplicate_of, "story": item.story},
            })
    ids = [r["id"] for r in out]
    if len(ids) != len(set(ids)):
        raise SystemExit("duplicate ids in the real-mix set")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default {OUT.name} beside this script)")
    args = parser.parse_args()
    written = rows()
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in written), encoding="utf-8")
    stories = {r["labels"]["story"] for r in written}
    duplicates = sum(r["labels"]["duplicate_of"] is not None for r in written)
    undated = sum(r["date_source"] == "fetched" for r in written)
    print(f"wrote {args.out}: {len(written)} articles, {len(stories)} stories, {duplicates} duplicates, {undated} undated")


if __name__ == "__main__":
    main()
