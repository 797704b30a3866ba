"""Build an HTML main-text extraction benchmark: news pages in 12 layouts, each with its reference body.

Run from anywhere: ``python tests/data/make_extract_eval.py`` writes the bundled 12-page set into
tests/data/extract-eval/ (beside this script); ``--out DIR --pages 150`` writes a larger set elsewhere.
Deterministic: the same inputs, --pages and --seed give the same bytes. Standard library only.

Text: the English items of tests/data/iptc-eval-*.jsonl (one paragraph each) and the original articles of
tests/data/stories-eval.jsonl (several paragraphs each). A page's body is one lead item (its title is the
headline) plus paragraphs of other items, those of the same label or story first. Everything else on the page
(menus, sidebars, comments, captions, notices) is built from templates and from items not in the body.

Output, in DIR: pNNN-<kind>.html (UTF-8) and references.jsonl, one line per page:
    {"file": ..., "url": ..., "body": paragraphs joined by a blank line, "kind": ...}
Conventions: a data table is one block of the body, one line per row (header row first), cells joined by one
space; a live blog's body is its updates' text in page order (newest first), without the timestamps.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from itertools import accumulate
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "extract-eval"
SEED = 20240611
KINDS = ("plain", "div-soup", "repeated-text", "table-layout", "table-article", "reprint-notice",
         "cookie-subscribe", "related-lines", "comments", "short-brief", "live-blog", "figure-captions")
SITES = (("dailyherald", "The Daily Herald"), ("metrowire", "Metro Wire"), ("northernpost", "The Northern Post"),
         ("ledger", "The Ledger"), ("citytribune", "City Tribune"), ("coastaltimes", "Coastal Times"),
         ("morningbulletin", "Morning Bulletin"), ("riversidenews", "Riverside News"))
SECTIONS = ("Home", "News", "World", "UK", "Business", "Markets", "Politics", "Sport", "Football", "Culture",
            "Science", "Technology", "Health", "Opinion", "Travel", "Lifestyle", "Weather", "Video", "Podcasts")
SUBSECTIONS = ("Europe", "Americas", "Asia", "Africa", "Middle East", "Economy", "Companies", "Personal finance",
               "Cricket", "Tennis", "Formula 1", "Rugby", "Film", "Music", "Books", "Climate", "Space", "Food")
FOOTER = ("About us", "Contact us", "Advertise", "Careers", "Privacy policy", "Cookie settings", "Terms of use",
          "Accessibility", "Sitemap", "RSS feeds")
FOOTER_MORE = ("Newsletters", "Podcasts", "Puzzles", "Archive", "Corrections", "Editorial standards", "Help centre",
               "Syndication", "Events", "Shop", "Jobs board", "Contributors", "Complaints", "Modern slavery statement")
AUTHORS = ("Ana Reis", "Tom Whitfield", "Priya Nair", "Lukas Berger", "Sofia Marin", "James Okafor", "Elena Petrova",
           "Daniel Hughes", "Mariam Haddad", "Chris Llewellyn")
USERS = ("riverrat77", "Margaret_H", "old_cynic", "TheRealDave", "sunny.side", "PolderPete", "anon4512",
         "kbrowne", "northern_lass", "Quietobserver", "jt_1984", "FactsFirst")
REACTIONS = ("Good piece.", "Not surprised at all.", "Interesting, but", "Well said.", "Meanwhile,", "Hmm.")
TEAMS = ("Ashford Rovers", "Kingsbridge City", "Millbrook United", "Harlow Athletic", "Eastport Wanderers",
         "Westfield Town", "Stanmoor Albion", "Redcastle FC", "Oakham Borough", "Lydney Rangers", "Brackley Villa",
         "Thornbury Celtic")
PARTIES = ("Social Democrats", "People's Alliance", "Green Left", "Liberal Union", "National Renewal",
           "Farmers' Party", "Independents")
SCRIPTS = ('<script src="/static/js/app.7f3a1c.js" defer></script>\n<script>(function(){var s=document.createElement'
           '("script");s.async=true;s.src="https://ads.example/tag.js";document.head.appendChild(s);})();</script>')
SHARE = ('<div class="share"><a href="#fb">Share on Facebook</a> <a href="#tw">Tweet</a> '
         '<a href="#wa">Share on WhatsApp</a> <a href="#mail">Email</a></div>')
DATE_PREFIX = re.compile(r"^date \d{4}-\d\d-\d\d\s+")


@dataclass(frozen=True)
class Item:
    key: str
    title: str
    paras: tuple[str, ...]
    group: str  # IPTC label, or "story:<slug>"


@dataclass
class Ctx:
    rng: random.Random
    lead: Item
    paras: list[str]
    others: list[Item]  # items not used in the body, for sidebars, comments, captions
    site: tuple[str, str]
    date: datetime
    author: str
    url: str = ""


def norm(text: str) -> str:
    return " ".join(text.split())


def nwords(paras: list[str] | tuple[str, ...]) -> int:
    return sum(len(p.split()) for p in paras)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[a-z0-9%)][.!?])\s+(?=[A-Z‘“\"'])", text) if s.strip()]


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def load_items() -> list[Item]:
    items = []
    for name in ("iptc-eval-tune.jsonl", "iptc-eval-heldout.jsonl"):
        for n, line in enumerate((HERE / name).read_text(encoding="utf-8").splitlines()):
            row = json.loads(line)
            if row["language"] == "en":
                items.append(Item(f"{name}:{n}", row["title"], (norm(row["text"]),), row["label"]))
    for line in (HERE / "stories-eval.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        labels = row["labels"]  # originals only; "solo-" stories are copies of the IPTC items
        if labels["duplicate_of"] or labels["story"].startswith("solo-") or len(row["text"].split()) < 40:
            continue
        paras = tuple(norm(p) for p in DATE_PREFIX.sub("", row["text"]).split("\n\n") if p.strip())
        items.append(Item(row["id"], row["title"], paras, "story:" + labels["story"]))
    return items


# --- shared page parts ---------------------------------------------------------------------------------------------

def ps(paras: list[str]) -> str:
    return "\n".join(f"<p>{escape(p)}</p>" for p in paras)


def take(ctx: Ctx, n: int) -> list[Item]:
    got, ctx.others[:n] = ctx.others[:n], []
    return got


def link(item: Item) -> str:
    return f'<a href="/news/{slug(item.title)}">{escape(item.title)}</a>'


def human(d: datetime) -> str:
    return f"{d.day} {d:%B %Y}, {d:%H:%M}"


def byline(ctx: Ctx) -> str:
    return (f'<p class="byline">By <a href="/profile/{slug(ctx.author)}">{ctx.author}</a></p>\n'
            f'<p class="dateline"><time datetime="{ctx.date:%Y-%m-%dT%H:%M}">{human(ctx.date)}</time></p>')


def head(ctx: Ctx) -> str:
    t, name = escape(ctx.lead.title), ctx.site[1]
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{t} | {name}</title>\n'
            f'<meta name="description" content="{escape(sentences(ctx.paras[0])[0])}">\n'
            f'<meta property="og:title" content="{t}">\n<meta property="og:url" content="{ctx.url}">\n'
            f'<link rel="canonical" href="{ctx.url}">\n<link rel="stylesheet" href="/static/css/main.c41e.css">\n'
            f'<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{"pageType":"article"}});</script>\n'
            "</head>\n")


def nav(ctx: Ctx, big: bool = False) -> str:
    secs = SECTIONS[:15] if big else ctx.rng.sample(SECTIONS, ctx.rng.randint(8, 15))
    items = "".join(f'<li><a href="/{slug(s)}/">{s}</a></li>' for s in secs)
    html = (f'<header class="site-header">\n<a class="logo" href="/">{ctx.site[1]}</a>\n'
            f'<nav aria-label="Main"><ul>{items}</ul></nav>\n'
            '<a class="btn" href="/subscribe">Subscribe</a> <a href="/login">Sign in</a>\n')
    if big:
        sub = "".join(f'<li><a href="/{slug(s)}/">{s}</a></li>' for s in SUBSECTIONS)
        trend = " · ".join(link(it) for it in take(ctx, 4))
        html += f'<nav class="mega-menu"><ul>{sub}</ul></nav>\n<div class="trending">Trending: {trend}</div>\n'
    return html + "</header>\n"


def sidebar(ctx: Ctx) -> str:
    most = "".join(f"<li>{link(it)}</li>" for it in take(ctx, 5))
    rel = "".join(f"<li>{link(it)}</li>" for it in take(ctx, 4))
    return (f'<aside class="sidebar">\n<section><h2>Most read</h2><ol>{most}</ol></section>\n'
            f"<section><h2>Related</h2><ul>{rel}</ul></section>\n</aside>\n")


def footer(ctx: Ctx, big: bool = False) -> str:
    names = FOOTER + FOOTER_MORE + SECTIONS if big else FOOTER
    items = "".join(f'<li><a href="/{slug(s)}">{s}</a></li>' for s in names)
    return (f'<footer class="site-footer">\n<ul>{items}</ul>\n'
            f"<p>© {ctx.date.year} {ctx.site[1]} Media Ltd. All rights reserved.</p>\n</footer>\n")


def frame(ctx: Ctx, main: str, big: bool = False, semantic: bool = True, before: str = "") -> str:
    page = (head(ctx) + "<body>\n" + before + nav(ctx, big) + '<div class="layout">\n<main id="main">\n' + main
            + "\n</main>\n" + sidebar(ctx) + "</div>\n" + footer(ctx, big) + SCRIPTS + "\n</body>\n</html>\n")
    if semantic:
        return page
    return re.sub(r"<(/?)(?:header|nav|main|aside|footer|section)\b", r"<\1div", page)


def article(ctx: Ctx, inner: str, kicker: str = "") -> str:
    k = f'<p class="kicker">{kicker}</p>\n' if kicker else ""
    return f'<article>\n{k}<h1>{escape(ctx.lead.title)}</h1>\n{byline(ctx)}\n{inner}\n</article>'


# --- one function per layout: (page HTML, reference blocks) -------------------------------------------------------

def plain(ctx: Ctx) -> tuple[str, list[str]]:
    return frame(ctx, article(ctx, ps(ctx.paras))), ctx.paras


def div_soup(ctx: Ctx) -> tuple[str, list[str]]:
    parts, i, paras = [], 0, ctx.paras
    while i < len(paras):
        if i + 1 < len(paras) and (i == 1 or ctx.rng.random() < 0.35):
            parts.append(f'<div class="c-x c-txt">{escape(paras[i])}<br><br>{escape(paras[i + 1])}</div>')
            i += 2
        else:
            depth = ctx.rng.randint(1, 3)
            parts.append('<div class="c-x">' * depth + escape(paras[i]) + "</div>" * depth)
            i += 1
    main = (f'<div class="c-x c-wrap">\n<div class="c-x c-hl"><span style="font-size:28px;font-weight:bold">'
            f'{escape(ctx.lead.title)}</span></div>\n<div class="c-x c-meta">{ctx.author} | {human(ctx.date)}</div>\n'
            '<div class="c-x c-tools">Share | Print | Email</div>\n' + "\n".join(parts) + "\n</div>")
    return frame(ctx, main, semantic=False), paras


def repeated_text(ctx: Ctx) -> tuple[str, list[str]]:
    paras, rng = ctx.paras, ctx.rng
    teaser = f'<div class="teaser">\n<h2>In brief</h2>\n{ps(paras[:3])}\n</div>\n'
    body = []
    for n, p in enumerate(paras):
        body.append(f"<p>{escape(p)}</p>")
        if n in (4, 10):
            quote = rng.choice(sentences(rng.choice(paras[n + 1:])))
            body.append(f'<blockquote class="pullquote"><p>“{escape(quote)}”</p></blockquote>')
    printed = (f'<div class="print-only" style="display:none" aria-hidden="true">\n<h1>{escape(ctx.lead.title)}</h1>\n'
               f"<p>By {ctx.author}</p>\n{ps(paras)}\n</div>")
    main = teaser + article(ctx, "\n".join(body), kicker="Feature") + "\n" + printed
    return frame(ctx, main), paras


def table_layout(ctx: Ctx) -> tuple[str, list[str]]:
    name, t = ctx.site[1], escape(ctx.lead.title)
    navlinks = "<br>\n".join(f'<a href="/{slug(s)}.html">{s}</a>' for s in ctx.rng.sample(SECTIONS, 12))
    most = "<br>\n".join(link(it) for it in take(ctx, 5))
    rel = "<br>\n".join(link(it) for it in take(ctx, 4))
    foot = " | ".join(f'<a href="/{slug(s)}.html">{s}</a>' for s in FOOTER)
    body = "\n".join(f'<p><font face="Verdana" size="2">{escape(p)}</font></p>' for p in ctx.paras)
    html = f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{name} - {t}</title><meta name="keywords" content="news, {escape(ctx.lead.group.removeprefix('story:'))}"></head>
<body bgcolor="#ffffff" topmargin="0" leftmargin="0">
<table width="100%" border="0" cellpadding="4" cellspacing="0">
<tr><td colspan="3" bgcolor="#003366"><font color="#ffffff" size="6"><b>{name}</b></font></td></tr>
<tr><td width="160" valign="top" bgcolor="#eeeeee"><font size="2"><b>Sections</b><br>\n{navlinks}</font></td>
<td valign="top"><table width="100%" cellpadding="8"><tr><td>
<font size="5"><b>{t}</b></font><br>
<font size="2"><i>By {ctx.author}</i> - {human(ctx.date)}</font>
{body}
<p><font size="1"><a href="/print.html">Printer-friendly version</a> | <a href="/mail.html">E-mail this story</a></font></p>
</td></tr></table></td>
<td width="200" valign="top" bgcolor="#f4f4f4"><font size="2"><b>Most read</b><br>\n{most}<br><br>
<b>Related</b><br>\n{rel}</font></td></tr>
<tr><td colspan="3" align="center"><font size="1">{foot}<br>
Copyright © {ctx.date.year} {name}. All rights reserved.</font></td></tr>
</table>
{SCRIPTS}
</body></html>
"""
    return html, ctx.paras


def standings(rng: random.Random) -> list[list[str]]:
    played, rows = rng.randint(18, 30), []
    for team in rng.sample(TEAMS, 10):
        won = rng.randint(played // 6, played * 2 // 3)
        drawn = rng.randint(0, (played - won) // 2)
        rows.append([team, played, won, drawn, played - won - drawn, 3 * won + drawn])
    rows.sort(key=lambda r: (-r[5], -r[2], r[0]))
    return [["Pos", "Team", "P", "W", "D", "L", "Pts"]] + [[str(n), *map(str, r)] for n, r in enumerate(rows, 1)]


def election(rng: random.Random) -> list[list[str]]:
    votes = sorted(((rng.randint(20, 900) * 1000 + rng.randint(0, 999), p) for p in rng.sample(PARTIES, 6)),
                   reverse=True)
    total, seats = sum(v for v, _ in votes), 650
    rows = [[p, f"{v:,}", f"{100 * v / total:.1f}", str(round(seats * v / total))] for v, p in votes]
    return [["Party", "Votes", "Share (%)", "Seats"]] + rows


def table_article(ctx: Ctx) -> tuple[str, list[str]]:
    rows = election(ctx.rng) if ctx.lead.group == "politics" else standings(ctx.rng)
    cells = ["".join(f"<th>{escape(c)}</th>" for c in rows[0])]
    cells += ["".join(f"<td>{escape(c)}</td>" for c in r) for r in rows[1:]]
    table = ('<table class="data-table">\n<thead><tr>' + cells[0] + "</tr></thead>\n<tbody>\n"
             + "\n".join(f"<tr>{c}</tr>" for c in cells[1:]) + "\n</tbody>\n</table>")
    block = "\n".join(" ".join(r) for r in rows)
    return frame(ctx, article(ctx, ps(ctx.paras) + "\n" + table)), [*ctx.paras, block]


def reprint_notice(ctx: Ctx) -> tuple[str, list[str]]:
    name, site = ctx.site[1], ctx.site[0]
    box = ('<div class="reprint-box"><p>This copy is for your personal, non-commercial use only. To order '
           "presentation-ready copies for distribution to your colleagues, clients or customers visit "
           f'<a href="https://reprints.{site}.example">https://reprints.{site}.example</a>.</p></div>')
    notices = (f'<p class="notice">Copyright © {ctx.date.year} {name}. All rights reserved. This material may not be '
               "published, broadcast, rewritten or redistributed without permission.</p>\n"
               '<p class="notice">Our Standards: <a href="/standards">The Trust Principles</a>.</p>\n'
               '<p class="notice"><a href="/licensing">Purchase licensing rights</a> | '
               '<a href="/corrections">Report an error</a></p>')
    inner = box + "\n" + ps(ctx.paras) + "\n" + notices
    return frame(ctx, article(ctx, inner)), ctx.paras


def cookie_subscribe(ctx: Ctx) -> tuple[str, list[str]]:
    cookie = ('<div id="cookie-consent" role="dialog" aria-label="Cookie consent"><p>We use cookies to improve your '
              "experience, to personalise content and ads and to analyse our traffic. By clicking Accept all you "
              'agree to the storing of cookies on your device.</p><button>Accept all</button> '
              "<button>Manage preferences</button> <a href=\"/cookies\">Cookie policy</a></div>\n")
    paywall = ('<div class="paywall"><h3>Subscribe to continue reading</h3><p>Get unlimited digital access for '
               '£1 a week for the first 3 months. Cancel anytime.</p><a class="btn" href="/subscribe">Subscribe now'
               '</a><p>Already a subscriber? <a href="/login">Sign in</a></p></div>')
    letter = ('<div class="newsletter"><p>Sign up for our newsletter</p><p>The day\'s top stories, every morning.'
              '</p><form><input type="email" placeholder="Your email address"><button>Sign up</button></form></div>')
    paras, parts = ctx.paras, []
    for n, p in enumerate(paras):
        parts.append(f"<p>{escape(p)}</p>")
        if n == 1:
            parts.append(paywall)
        if n == min(4, len(paras) - 2):
            parts.append(letter)
    return frame(ctx, article(ctx, "\n".join(parts)), before=cookie), paras


def related_lines(ctx: Ctx) -> tuple[str, list[str]]:
    parts, links = [SHARE], iter(take(ctx, len(ctx.paras)))
    for n, p in enumerate(ctx.paras):
        parts.append(f"<p>{escape(p)}</p>")
        if n % 2 == 1 and n < len(ctx.paras) - 1:
            label = "Related:" if n % 4 == 1 else "Read more:"
            parts.append(f'<p class="inline-link"><strong>{label}</strong> {link(next(links))}</p>')
    tags = ctx.rng.sample([*SECTIONS[4:], *ctx.lead.group.removeprefix("story:").split(", ")], 4)
    parts += [f'<p class="tags">Tags: {", ".join(tags)}</p>', SHARE]
    return frame(ctx, article(ctx, "\n".join(parts))), ctx.paras


def comments(ctx: Ctx) -> tuple[str, list[str]]:
    rng, out = ctx.rng, []
    for n, item in enumerate(take(ctx, rng.randint(5, 10))):
        said = sentences(item.paras[0])[: rng.randint(1, 2)]
        text = " ".join(([rng.choice(REACTIONS)] if rng.random() < 0.5 else []) + said)
        ago = f"{n + 1} hour{'s' if n else ''} ago"
        out.append(f'<li class="comment"><div class="meta"><b>{rng.choice(USERS)}</b> <time>{ago}</time></div>\n'
                   f'<p>{escape(text)}</p>\n<div class="actions">Reply · Like ({rng.randint(0, 90)}) · Report</div></li>')
    section = (f'<section id="comments"><h2>{len(out)} comments</h2>\n<p>Comments are moderated. Please read our '
               '<a href="/community">community guidelines</a>.</p>\n<ol>\n' + "\n".join(out) + "\n</ol></section>")
    return frame(ctx, article(ctx, ps(ctx.paras)) + "\n" + section), ctx.paras


def short_brief(ctx: Ctx) -> tuple[str, list[str]]:
    return frame(ctx, article(ctx, ps(ctx.paras), kicker="In brief"), big=True), ctx.paras


def live_blog(ctx: Ctx) -> tuple[str, list[str]]:
    gaps = [0] + [ctx.rng.randint(6, 40) for _ in ctx.paras[1:]]
    times = [ctx.date + timedelta(minutes=m) for m in accumulate(gaps)]
    shown = list(reversed(list(enumerate(ctx.paras))))  # newest first
    updates = "\n".join(f'<div class="update" id="u{n}"><time datetime="{times[n]:%Y-%m-%dT%H:%M}">'
                        f"{times[n]:%H:%M}</time>\n<p>{escape(p)}</p>\n<button>Share</button></div>" for n, p in shown)
    inner = (f'<p class="live-badge">LIVE</p>\n<p class="updated">Last updated {times[-1]:%H:%M}</p>\n'
             f'<div class="live-updates">\n{updates}\n</div>')
    return frame(ctx, article(ctx, inner)), [p for _, p in shown]


def figure_captions(ctx: Ctx) -> tuple[str, list[str]]:
    parts, rng = [], ctx.rng
    for n, p in enumerate(ctx.paras):
        if n in (0, 2, 5):
            cap = sentences(take(ctx, 1)[0].paras[0])[0]
            parts.append(f'<figure><img src="/img/{rng.randint(10000, 99999)}.jpg" alt="" width="800" height="450">'
                         f"<figcaption>{escape(cap)} Photograph: {rng.choice(AUTHORS)}/Agency</figcaption></figure>")
        if n in (2, 4):
            parts.append(f'<div class="ad-slot"><p class="ad-label">Advertisement</p><div id="gpt-ad-{n}"></div></div>')
        parts.append(f"<p>{escape(p)}</p>")
    return frame(ctx, article(ctx, "\n".join(parts))), ctx.paras


LAYOUTS = dict(zip(KINDS, (plain, div_soup, repeated_text, table_layout, table_article, reprint_notice,
                           cookie_subscribe, related_lines, comments, short_brief, live_blog, figure_captions),
                   strict=True))


# --- choosing text --------------------------------------------------------------------------------------------------

def eligible(kind: str, item: Item) -> bool:
    if kind == "table-article":
        return item.group in ("sport", "politics")
    if kind == "short-brief":
        return len(item.paras) == 1 and 60 <= nwords(item.paras) <= 120
    if kind == "live-blog":
        return item.group.startswith("story:")
    return True


def body_for(kind: str, lead: Item, rng: random.Random, pool: list[Item]) -> tuple[list[str], set[str]]:
    if kind == "short-brief":  # the lead alone, split in two paragraphs when it has 3+ sentences
        sents = sentences(lead.paras[0])
        half = (len(sents) + 1) // 2
        return ([" ".join(sents[:half]), " ".join(sents[half:])] if len(sents) >= 3 else list(lead.paras)), {lead.key}
    more, min_words = rng.randint(3, 8), 0
    if kind == "table-article":
        more = rng.randint(0, 1)
    elif kind == "repeated-text":
        more, min_words = max(3, 15 - len(lead.paras)), 1250
    same = [it for it in pool if it.group == lead.group and it.key != lead.key]
    rest = [it for it in pool if it.group != lead.group]
    groups = sorted({it.group for it in rest})
    rng.shuffle(same)
    rng.shuffle(rest)
    rng.shuffle(groups)
    rest.sort(key=lambda it: groups.index(it.group))  # top up one neighbouring topic at a time
    extra, used = [], {lead.key}
    for item in same + rest:
        if len(extra) >= more and nwords([*lead.paras, *extra]) >= min_words:
            break
        used.add(item.key)
        extra.extend(item.paras[: max(1, more - len(extra))])
    return [*lead.paras, *extra], used


def make_pages(n_pages: int, seed: int) -> list[tuple[dict, str]]:
    pool = load_items()
    order = pool[:]
    random.Random(seed).shuffle(order)
    used_leads: set[str] = set()
    pages = []
    for i in range(n_pages):
        kind, rng = KINDS[i % len(KINDS)], random.Random(f"{seed}:{i}")
        fits = [it for it in order if eligible(kind, it)]
        if kind == "table-article":  # leads about an election or a league first, to suit their tables
            fits.sort(key=lambda it: not re.search(r"election|league", " ".join(it.paras)))
        lead = next((it for it in fits if it.key not in used_leads), fits[i // len(KINDS) % len(fits)])
        used_leads.add(lead.key)
        paras, used = body_for(kind, lead, rng, pool)
        others = [it for it in pool if it.key not in used and it.group != lead.group]
        rng.shuffle(others)
        date = datetime(2024, 1, 1) + timedelta(days=rng.randint(0, 365), minutes=rng.randint(360, 1200))
        ctx = Ctx(rng, lead, paras, others, rng.choice(SITES), date, rng.choice(AUTHORS))
        section = slug(lead.group.split(",")[0]) if not lead.group.startswith("story:") else "news"
        ctx.url = f"https://{ctx.site[0]}.example/{section}/{date:%Y/%m/%d}/{slug(lead.title)}"
        html, blocks = LAYOUTS[kind](ctx)
        ref = {"file": f"p{i + 1:03d}-{kind}.html", "url": ctx.url, "body": "\n\n".join(blocks), "kind": kind}
        pages.append((ref, html))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write (default: extract-eval/ beside this)")
    parser.add_argument("--pages", type=int, default=12, help="number of pages (default 12)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for stale in args.out.glob("p[0-9]*-*.html"):  # pages of an earlier, larger run
        stale.unlink()
    lines = []
    for ref, html in make_pages(args.pages, args.seed):
        (args.out / ref["file"]).write_bytes(html.encode("utf-8"))
        lines.append(json.dumps(ref, ensure_ascii=False) + "\n")
    (args.out / "references.jsonl").write_bytes("".join(lines).encode("utf-8"))
    print(f"wrote {len(lines)} pages to {args.out}")


if __name__ == "__main__":
    main()
