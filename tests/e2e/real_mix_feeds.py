"""A multi-language feed set shaped like the real mix that issue 22 was found on: seven feeds in
RSS 2.0, Atom, RDF and JSON Feed; English, German, Portuguese, Italian and French; declared
language tags as feeds write them ("en-US", "en-gb", "de-DE", "IT-it", "pt-BR", an English blog
tagged "kn", none at all); German localised dates; undated items; same-event reports from one
outlet and from two outlets, backlog items published two months ago, and a listing re-published
with one word changed.

Dates are relative to `now` so that trending (the last 24 h) has something to find. Every item
says what the pipeline must make of it (`Item`), so the test asserts against the data, not
against figures copied from a run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

__all__ = ["Feed", "Item", "real_mix"]

_DE_DAYS = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"]
_DE_MONTHS = ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"]


@dataclass(frozen=True)
class Item:
    link: str
    title: str
    text: str
    language: str  # the normalised language the article must get
    published: datetime | None  # None: no date in the feed
    event: str | None = None  # items of the same event must share a story
    duplicate_of: str | None = None  # the link of the item this one re-publishes


@dataclass(frozen=True)
class Feed:
    path: str
    content_type: str
    body: bytes
    items: tuple[Item, ...]


def _ago(now: datetime, **delta: float) -> datetime:
    return (now - timedelta(**delta)).replace(microsecond=0)


# -- the news ------------------------------------------------------------------------------------

# Same-event reports are written apart, as different outlets (or one outlet's follow-ups) write
# them: they share the names and the key terms, not the sentences, so they are a story, not
# duplicates.
_ARDERN = [
    "Former New Zealand prime minister Jacinda Ardern opened the Hellisheidi geothermal extension "
    "outside Reykjavik on Saturday. The plant will supply hot water to forty thousand homes, and "
    "Reykjavik Energy said it was finished on budget. The crowd applauded when the first valve opened.",
    "In a speech at the new geothermal plant near Reykjavik, Jacinda Ardern told engineers that "
    "Iceland shows how a small country can heat its homes from the ground beneath it. She praised "
    "the crews who drilled the wells through the winter and called geothermal heat the future.",
    "Reykjavik Energy's geothermal extension at Hellisheidi is open: Jacinda Ardern cut the ribbon "
    "this weekend. The utility says the extension cost less than planned and adds heating for "
    "forty thousand households in the Icelandic capital.",
    "Jacinda Ardern was the guest of honour as Iceland opened a geothermal extension near Reykjavik. "
    "Engineers from Bengaluru who worked on the turbines were in the audience; Ardern said small "
    "countries could lead on clean heating.",
]
_STRIKE = [
    "Dockworkers at the port of Rotterdam walked out on Monday in a dispute over automation, "
    "leaving container ships waiting at anchor in the North Sea. The FNV union said the strike "
    "would last forty-eight hours unless Hutchison Ports withdrew its plan to automate two "
    "terminals at the Maasvlakte. Shipping lines warned of delays across Europe.",
    "Container traffic at Rotterdam stopped on Monday as the FNV union called a two-day strike "
    "against automation at the Maasvlakte terminals. Hutchison Ports said automated terminals would "
    "create new jobs; ships queued in the North Sea while the port of Rotterdam stood still.",
]
_LISTING = (
    "Senior data engineer wanted for the Northwind newsroom in Manchester. You will build the "
    "pipelines that bring agency copy, photographs and video into our publishing system, work "
    "with editors on search, and keep the archive of three million articles {word}. Salary "
    "depends on experience; applications close at the end of the month."
)
_EAUTO = [
    "Volkswagen hat in Wolfsburg ein neues Elektroauto vorgestellt, das weniger als "
    "fünfundzwanzigtausend Euro kosten soll. Konzernchef Oliver Blume sprach von einem Auto für alle; "
    "die Reichweite soll bei vierhundert Kilometern liegen.",
    "Das günstige Elektroauto von Volkswagen soll ab dem kommenden Jahr in Zwickau gebaut werden. "
    "Die Gewerkschaft begrüßte, dass das Werk den Auftrag erhält; in Wolfsburg hatte der Konzern den "
    "Wagen für unter fünfundzwanzigtausend Euro angekündigt.",
]


def _english(now: datetime) -> list[Item]:
    w = "https://northwind.example/"
    return [
        Item(w + "ardern-opens-geothermal-plant", "Ardern opens geothermal plant near Reykjavik",
             _ARDERN[0], "en",
             _ago(now, hours=3), event="ardern"),
        Item(w + "ardern-speech-reykjavik", "Ardern in Reykjavik: geothermal heat is the future",
             _ARDERN[1], "en", _ago(now, hours=2), event="ardern"),
        Item(w + "rotterdam-port-strike", "Rotterdam port strike halts container traffic",
             _STRIKE[0], "en",
             _ago(now, days=60), event="strike"),
        Item(w + "jobs/data-engineer", "Job: senior data engineer, Manchester",
             _LISTING.format(word="searchable"), "en", _ago(now, days=60, hours=-1)),
        Item(w + "jobs/data-engineer-2", "Job: senior data engineer, Manchester",
             _LISTING.format(word="findable"), "en", _ago(now, days=60, hours=-2),
             duplicate_of=w + "jobs/data-engineer"),
        Item(w + "editorial-libraries", "Editorial: why public libraries still matter",
             "Public libraries lend more than books. In towns without a bank, a cinema or a post office "
             "they are the last warm room that asks nothing of the people who come in, and the budget "
             "cuts proposed this winter would close a third of them.", "en", None),
    ]


def _harbour_tech(now: datetime) -> list[Item]:
    h = "https://harbourtech.example/"
    return [
        Item(h + "rotterdam-dockworkers-walk-out", "Dockworkers walk out at Rotterdam over automation",
             _STRIKE[1], "en",
             _ago(now, days=60, hours=-3), event="strike"),
        Item(h + "reykjavik-geothermal", "Jacinda Ardern opens Reykjavik geothermal extension",
             _ARDERN[2],
             "en", _ago(now, hours=5), event="ardern"),
        Item(h + "gmail-offline", "Gmail adds an offline mode for the web",
             "Google is rolling out an offline mode for Gmail on the web. Messages from the last thirty days "
             "are stored in the browser, and replies written on a train without signal are sent when the "
             "connection returns. Workspace administrators can switch the feature off.", "en",
             _ago(now, days=20)),
    ]


def _german(now: datetime) -> list[Item]:
    d = "https://wirtschaft.example/"
    return [
        Item(d + "vw-elektroauto", "Volkswagen stellt günstiges Elektroauto vor",
             _EAUTO[0], "de",
             _ago(now, days=40), event="eauto"),
        Item(d + "vw-elektroauto-zwickau", "Neues Elektroauto von Volkswagen soll aus Zwickau kommen",
             _EAUTO[1], "de",
             _ago(now, days=40, hours=-2), event="eauto"),
        Item(d + "kommentar-bahn", "Kommentar: Die Bahn braucht mehr als neue Züge",
             "Wer in diesem Winter mit der Bahn gefahren ist, weiß, dass neue Züge allein nicht helfen. Die "
             "Stellwerke sind alt, die Brücken marode, und das Geld für die Sanierung reicht nicht einmal für "
             "die dringendsten Strecken im Süden des Landes.", "de", None),
    ]


def _portuguese(now: datetime) -> list[Item]:
    p = "https://noticias.example/"
    return [
        Item(p + "bolsonaro-depoimento", "Bolsonaro presta depoimento à Polícia Federal em Brasília",
             "O ex-presidente Jair Bolsonaro prestou depoimento nesta quarta-feira na sede da Polícia Federal "
             "em Brasília. Os advogados disseram que ele respondeu a todas as perguntas e que a defesa vai "
             "pedir acesso aos documentos do inquérito.", "pt", _ago(now, days=15)),
        Item(p + "chuvas-sao-paulo", "Chuvas fortes alagam ruas de São Paulo",
             "As chuvas fortes da noite de ontem alagaram ruas e avenidas da zona leste de São Paulo. A "
             "Defesa Civil pediu que os moradores evitem as áreas de risco e informou que o volume de chuva "
             "foi o maior do mês em apenas três horas.", "pt", _ago(now, days=1, hours=2)),
    ]


def _italian(now: datetime) -> list[Item]:
    i = "https://notizie.example/"
    return [
        Item(i + "venezia-acqua-alta", "Acqua alta a Venezia, il Mose alzato di nuovo",
             "Il sistema di paratoie del Mose è stato alzato di nuovo questa mattina per proteggere Venezia "
             "dall'acqua alta. Il sindaco ha detto che la marea avrebbe superato i centotrenta centimetri e "
             "che senza le barriere piazza San Marco sarebbe stata allagata.", "it", _ago(now, days=3)),
        Item(i + "treni-sciopero", "Sciopero dei treni venerdì in tutta Italia",
             "I sindacati dei trasporti hanno confermato lo sciopero dei treni di venerdì. Le ferrovie hanno "
             "pubblicato l'elenco dei treni garantiti nelle fasce di maggiore affluenza e consigliano ai "
             "viaggiatori di verificare la situazione prima di partire.", "it", _ago(now, days=2)),
    ]


def _kn_blog(now: datetime) -> list[Item]:
    k = "https://kannada-tech.example/"  # the feed says "kn"; it writes in English
    return [
        Item(k + "ardern-geothermal", "Jacinda Ardern and the geothermal plant in Reykjavik",
             _ARDERN[3], "en", _ago(now, hours=4), event="ardern"),
        Item(k + "monsoon-startups", "What the late monsoon means for farm start-ups",
             "The monsoon arrived three weeks late this year, and the start-ups that sell weather insurance to "
             "farmers paid out more claims than in any season before. Investors say the model still works if "
             "the payouts are priced from ten years of rainfall data.", "en", _ago(now, days=9)),
    ]


def _french(now: datetime) -> list[Item]:
    f = "https://actu.example/"  # no language declared
    return [
        Item(f + "lyon-tramway", "Lyon inaugure une nouvelle ligne de tramway",
             "La métropole de Lyon a inauguré samedi une nouvelle ligne de tramway qui relie la gare de "
             "Perrache au quartier de Gerland. Les élus espèrent que la ligne transportera trente mille "
             "voyageurs par jour et réduira la circulation automobile dans le centre.", "fr", _ago(now, days=6)),
        Item(f + "boulangeries", "Les boulangeries face au prix de l'énergie",
             "Les boulangers de plusieurs régions disent ne plus pouvoir payer leurs factures d'électricité. "
             "Certains ont réduit leurs horaires d'ouverture, d'autres ont augmenté le prix de la baguette, et "
             "la fédération demande au gouvernement un tarif réglementé pour les artisans.", "fr", None),
    ]


# -- the formats ---------------------------------------------------------------------------------

def _german_date(moment: datetime) -> str:
    """An RFC 822 date with German day and month names, as German feeds write them."""
    local = moment.astimezone(UTC)
    return (f"{_DE_DAYS[local.weekday()]}, {local.day:02d} {_DE_MONTHS[local.month - 1]} {local.year} "
            f"{local:%H:%M:%S} +0000")


def _rss(title: str, language: str | None, items: list[Item], *, date=format_datetime) -> bytes:
    lang = f"<language>{language}</language>" if language else ""
    entries = "".join(
        f"<item><title>{escape(i.title)}</title><link>{escape(i.link)}</link><guid>{escape(i.link)}</guid>"
        f"<description>{escape(i.text)}</description>"
        + (f"<pubDate>{date(i.published)}</pubDate>" if i.published else "") + "</item>"
        for i in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>https://{title.lower().replace(' ', '')}.example/</link>{lang}{entries}</channel></rss>").encode()


def _atom(title: str, language: str, items: list[Item]) -> bytes:
    entries = "".join(
        f"<entry><title>{escape(i.title)}</title><link href=\"{escape(i.link)}\"/><id>{escape(i.link)}</id>"
        f"<updated>{i.published.isoformat()}</updated><summary>{escape(i.text)}</summary></entry>"
        for i in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{language}">'
            f"<title>{escape(title)}</title><id>urn:harbourtech</id><updated>{items[0].published.isoformat()}</updated>"
            f"{entries}</feed>").encode()


def _rdf(title: str, language: str, items: list[Item]) -> bytes:
    entries = "".join(
        f'<item rdf:about="{escape(i.link)}"><title>{escape(i.title)}</title><link>{escape(i.link)}</link>'
        f"<description>{escape(i.text)}</description><dc:date>{i.published.isoformat()}</dc:date></item>"
        for i in items
    )
    return ('<?xml version="1.0" encoding="utf-8"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<channel rdf:about="https://notizie.example/"><title>{escape(title)}</title>'
            f"<link>https://notizie.example/</link><dc:language>{language}</dc:language></channel>"
            f"{entries}</rdf:RDF>").encode()


def _json_feed(title: str, language: str, items: list[Item]) -> bytes:
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": title, "language": language,
        "home_page_url": "https://noticias.example/",
        "items": [{"id": i.link, "url": i.link, "title": i.title, "content_text": i.text,
                   "date_published": i.published.isoformat()} for i in items],
    }, ensure_ascii=False).encode()


def real_mix(now: datetime) -> list[Feed]:
    """The seven feeds, their bodies built for `now`."""
    english, harbour, german = _english(now), _harbour_tech(now), _german(now)
    portuguese, italian, kn, french = _portuguese(now), _italian(now), _kn_blog(now), _french(now)
    return [
        Feed("/world-en.xml", "application/rss+xml", _rss("Northwind World", "en-US", english), tuple(english)),
        Feed("/harbour-tech.atom", "application/atom+xml", _atom("Harbour Tech Weekly", "en-gb", harbour), tuple(harbour)),
        Feed("/wirtschaft-de.xml", "application/rss+xml", _rss("Wirtschaft Heute", "de-DE", german, date=_german_date),
             tuple(german)),
        Feed("/noticias-pt.json", "application/feed+json", _json_feed("Notícias do Dia", "pt-BR", portuguese),
             tuple(portuguese)),
        Feed("/notizie-it.rdf", "application/rdf+xml", _rdf("Notizie Oggi", "IT-it", italian), tuple(italian)),
        Feed("/blog-kn.xml", "application/rss+xml", _rss("Kannada Tech", "kn", kn), tuple(kn)),
        Feed("/actu-fr.xml", "application/rss+xml", _rss("Actu Locale", None, french), tuple(french)),
    ]
