"""`news.keyphrases.v1`: a few key phrases per article, by counting, with no model.

Why not yake: on the product owner's sample article (347 words) it takes ~14 ms, and
its top phrases straddle names and verbs ("Revolution Ayatollah Ali", "Kassym-Jomart Tokayev
met"). This method is RAKE-like and about ten times faster:

- Candidates are runs of content words between stop words, numbers and punctuation (1 to 3 words;
  longer runs give their 1-3 word pieces). News-specific stop words cut runs where RAKE's generic
  lists do not: reporting verbs ("said", "met"), days and months, and in English lower-case
  words ending in -ed/-ing/-ly, which are mostly verbs and adverbs. "of" ("Bank of England",
  "de" in French) may join two capitalised words.
- A candidate scores how often it is mentioned (a title mention counts double), times a
  specificity factor: names (words mostly capitalised mid-sentence) and multi-word phrases count
  more, single lower-case words less ("ties" alone is weak), and words such as "president" or
  "year" never stand alone. Mentions near the start weigh a little more (inverted pyramid).
- A candidate must occur in the body (headline-only word strings are mostly verb phrases:
  "drama wins"), and a multi-word one twice (a title mention counts double) unless the article
  is short and it is a whole run: a phrase seen once is mostly an accident of word order.
- Near-duplicates are dropped while picking best first: a phrase whose words (crudely stemmed)
  overlap half or more with an already chosen one, or contain it, is skipped.

English and French have lists of their own; other languages use spaCy's stop-word list for the
language when it ships one, otherwise the step writes no key phrases and a note.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from newsflow.settings import ProcessorSettings
from processors.base import Draft, register_step

__all__ = ["KeyphrasesStep", "extract_keyphrases", "stopwords_for"]

STEP = "news.keyphrases.v1"
MAX_WORDS = 3
SHORT_ARTICLE_WORDS = 150  # below this, a phrase seen once may be a key phrase

_EN_STOPWORDS = """
a about above across after afterwards again against ago all almost alone along already also although always am
among amongst an and another any anybody anyhow anyone anything anyway anywhere are around as at away back be
became because become becomes becoming been before beforehand behind being below beside besides between beyond
both but by can cannot could did do does doing done down due during each either else elsewhere enough etc even
ever every everyone everything everywhere except few for former formerly from further had has have having he hence
her here hereafter hereby herein hers herself him himself his how however i if in indeed into is it its itself just
last latter least less like many may me meanwhile might mine more moreover most mostly much must my myself namely
neither never nevertheless next no nobody none noone nor not nothing now nowhere of off often on once one only onto
or other others otherwise our ours ourselves out over own per perhaps please rather same several she should since so
some somehow someone something sometime sometimes somewhere still such than that the their theirs them themselves
then thence there thereafter thereby therefore therein thereupon these they this those though through throughout thru
thus to together too toward towards under until up upon us very via was we well were what whatever when whence
whenever where whereafter whereas whereby wherein whereupon wherever whether which while whither who whoever whole
whom whose why will with within without would yet you your yours yourself yourselves s t don doesn didn isn wasn
aren weren won wouldn couldn shouldn ll ve re d m o y mr mrs ms dr st
said says say saying told tell tells met meet meets added adds add noted notes stated states stressed stresses
emphasised emphasized emphasises emphasizes remarked remarks expressed expresses explained explains described
describes welcomed welcomes discussed discusses reiterated reiterates suggested suggests pointed signed called
calls asked asks urged urges warned warns announced announces according including included includes also
reported reports believes believed think thinks thought want wants wanted need needs needed seem seems seemed
make makes made get gets got go goes went gone take takes took taken give gives gave given come comes came see
sees saw seen know knows knew known use uses used find finds found show shows showed shown put puts keep keeps
kept let lets become set sets try tries tried look looks looked leave leaves left mean means meant hold holds held
bring brings brought begin begins began run runs ran turn turns turned move moves moved live lives lived believe
happen happens happened provide provides provided allow allows allowed continue continues continued remain remains
remained appear appears appeared expect expects expected consider considers considered seek seeks sought
can could may might must shall should will would
monday tuesday wednesday thursday friday saturday sunday january february march april june july august
september october november december today yesterday tomorrow tonight morning afternoon evening night week weeks
month months year years day days date time times hour hours minute minutes decade decades
first second third fourth fifth last next new old many much more most several various different certain other
two three four five six seven eight nine ten hundred hundreds thousand thousands million millions billion
billions per cent percent
way ways thing things lot lots kind part parts number numbers case cases fact facts point points issue issues
matter matters people person man woman men women worth top
rose fell grew won lost hit cut led paid sold bought spent sent built drew wrote spoke broke chose fled fought
struck stood sat threw began became took gave saw told held kept left brought ran met
highest lowest largest biggest smallest best worst latest earliest longest greatest oldest youngest
"""

_FR_STOPWORDS = """
a à afin ai aie aient ainsi alors après as assez au aucun aucune aujourd aujourd'hui auquel aura aurait aussi autre
autres aux auxquelles auxquels avaient avais avait avant avec avoir ayant bien c ça car ce ceci cela celle celles
celui cependant certain certaine certaines certains ces cet cette ceux chacun chaque chez ci comme comment d dans de
depuis des dès désormais donc dont du elle elles en encore entre es est et été étaient était étant être eu eux fait
faire fois font hors il ils j jamais je jusqu jusque l la là le lequel les lesquelles lesquels leur leurs lors
lorsque lui m ma mais me même mêmes mes moi moins mon n ne ni nos notre nous on ont ou où par parce parmi pas peu
peut peuvent plus plusieurs pour pourquoi pourtant puis qu quand que quel quelle quelles quels qui quoi s sa sans se
selon ses si sien sinon soi soit son sont sous sur t ta tandis tant te tes toi ton tous tout toute toutes très trop
tu un une unes uns vers voici voilà vos votre vous y
a dit dit déclaré a déclaré affirmé indiqué précisé expliqué souligné ajouté estimé annoncé assuré rappelé
jugé selon notamment également ainsi toujours déjà aussi encore fait faire été avoir être sera seront serait
lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin juillet août septembre
octobre novembre décembre aujourd'hui hier demain matin soir soirée nuit semaine semaines mois an ans année
années jour jours heure heures fois
premier première deuxième dernier dernière nouveau nouvelle nouveaux nouvelles plusieurs nombreux nombreuses
deux trois quatre cinq six sept huit neuf dix cent cents mille million millions milliard milliards pour cent
chose choses façon manière partie nombre cas question questions gens personne personnes homme hommes femme femmes
"""

# Words that are no key phrase on their own, though they may open one ("President Tokayev").
_GENERIC = """
president leader minister prime government official officials country countries state states city region nation
nations world group groups company companies side sides talks meeting statement report news source sources
spokesman spokeswoman spokesperson authorities police team problem situation development relations cooperation
président dirigeant ministre gouvernement responsable pays état ville région monde groupe société entreprise
réunion déclaration rapport source sources porte-parole autorités police équipe problème situation relations
"""

_CONNECTORS = {"en": frozenset({"of"}), "fr": frozenset({"de", "du", "des", "d'"})}
# French builds noun phrases with "de" ("taux de chômage"), English only names ("Bank of England").
_CONNECTS_LOWER_CASE = frozenset({"fr"})
# French verb endings that are (almost) never nouns: futures, conditionals, imperfects, past historic.
_FR_VERB_ENDINGS = ("ront", "raient", "rait", "aient", "èrent", "issent")

# Words (letters first; inner apostrophes and hyphens kept), numbers, runs of punctuation, newlines.
_TOKEN = re.compile(
    r"[^\W\d_](?:[\w'\u2019-]*[^\W_])?"
    r"|\d[\d.,]*"
    r"|[.,;:!?()\[\]\"\u201c\u201d\u00ab\u00bb\u2014\u2013\u2026/|]+"
    r"|\n"
)
_ELISION = re.compile(r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu)['\u2019]", re.IGNORECASE)


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


@cache
def stopwords_for(language: str) -> frozenset[str] | None:
    """Stop words for `language`: our own for English and French (news verbs, dates), spaCy's
    list for the other languages it ships one for, None when there is none."""
    if language == "en":
        return _words(_EN_STOPWORDS)
    if language == "fr":
        return _words(_FR_STOPWORDS)
    if not re.fullmatch(r"[a-z]{2,3}", language or ""):
        return None
    try:
        module = importlib.import_module(f"spacy.lang.{language}.stop_words")
    except ImportError:
        return None
    words = frozenset(w.lower() for w in getattr(module, "STOP_WORDS", ()))
    return words or None


_GENERIC_WORDS = _words(_GENERIC)


# --- candidates ----------------------------------------------------------------------------------------


@dataclass
class _Candidate:
    words: tuple[str, ...]  # lower-case
    whole_run: bool  # seen as a whole run, not only as a piece of a longer one
    count: float = 0.0  # title mentions count double
    in_body: int = 0
    first: int = 1 << 30  # token position of the first mention in the body
    surfaces: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class _Token:
    text: str
    position: int
    sentence_start: bool


def _fragments(text: str, language: str) -> list[list[_Token | None]]:
    """Sentences as token lists; None marks what breaks a run (punctuation, numbers, quotes)."""
    sentences: list[list[_Token | None]] = [[]]
    position = 0
    started = False  # a word has been seen in the current sentence
    for match in _TOKEN.finditer(text):
        raw = match.group()
        first = raw[0]
        if raw == "\n" or first in ".!?\u2026":
            sentences.append([])
            started = False
            continue
        if not first.isalpha():
            sentences[-1].append(None)
            continue
        possessive = language == "en" and raw.endswith(("'s", "\u2019s", "'S", "\u2019S"))
        word = raw[:-2] if possessive else raw
        elided = _ELISION.match(word) if language == "fr" else None
        if elided:
            # "d'Avignon" keeps its "d'" as a connector; "l'", "qu'"... are stop words.
            article = elided.group().lower().replace("\u2019", "'")
            sentences[-1].append(_Token("d'", position, False) if article == "d'" else None)
            word = word[elided.end():]
        sentences[-1].append(_Token(word, position, not started) if word else None)
        started = True
        if possessive:
            sentences[-1].append(None)  # "Kazakhstan's President": two runs
        position += 1
    return sentences


def _is_break(token: _Token, stopwords: frozenset[str], language: str) -> bool:
    lower = token.text.lower()
    if lower in stopwords or len(lower) < 2:
        return True
    if language == "en" and ("'" in lower or "\u2019" in lower):
        return True  # contractions: "don't", "we're"
    # Lower-case -ed/-ing/-ly words are mostly verbs and adverbs in English: no key phrase material.
    if language == "en":
        return token.text.islower() and len(lower) > 4 and lower.endswith(("ed", "ing", "ly"))
    return language == "fr" and token.text.islower() and len(lower) > 5 and lower.endswith(_FR_VERB_ENDINGS)


def _runs(sentence: list[_Token | None], stopwords: frozenset[str], connectors: frozenset[str],
          language: str) -> list[list[_Token]]:
    runs: list[list[_Token]] = [[]]
    for i, token in enumerate(sentence):
        if token is None:
            runs.append([])
            continue
        lower = token.text.lower()
        if lower in connectors and runs[-1] and runs[-1][-1].text.lower() not in connectors:
            following = sentence[i + 1] if i + 1 < len(sentence) else None
            names = runs[-1][-1].text[:1].isupper() and following is not None and following.text[:1].isupper()
            if following is not None and (names or language in _CONNECTS_LOWER_CASE) \
                    and not _is_break(following, stopwords, language):
                runs[-1].append(token)  # "Bank of England", "taux de chômage"
                continue
        if _is_break(token, stopwords, language):
            runs.append([])
        else:
            runs[-1].append(token)
    return [r for r in runs if r]


def _pieces(run: list[_Token], connectors: frozenset[str]) -> list[list[_Token]]:
    """The pieces of a run with 1..MAX_WORDS content words that neither start nor end with a
    connector (connectors do not count: "motion de censure" has two words)."""
    pieces = []
    for start in range(len(run)):
        if run[start].text.lower() in connectors:
            continue
        words = 0
        for end in range(start, len(run)):
            if run[end].text.lower() in connectors:
                continue
            words += 1
            if words > MAX_WORDS:
                break
            pieces.append(run[start:end + 1])
    return pieces


def _surface(piece: list[_Token]) -> str:
    return " ".join(t.text for t in piece).replace("d' ", "d'")


def _capitalised_share(sentences: list[list[_Token | None]]) -> dict[str, float]:
    """Per lower-case word, how often it is capitalised where capitals are not forced (mid-sentence)."""
    seen: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for sentence in sentences:
        for token in sentence:
            if token is not None and not token.sentence_start:
                counts = seen[token.text.lower()]
                counts[0] += token.text[:1].isupper()
                counts[1] += 1
    return {word: up / total for word, (up, total) in seen.items()}


# --- scoring and picking ---------------------------------------------------------------------------------


def _stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ies", "es", "s"):
        if len(word) > 4 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def _specificity(words: tuple[str, ...], capitalised: dict[str, float]) -> float:
    proper = all(capitalised.get(w, 0.0) >= 0.5 for w in words)
    parts = sum(len(w.split("-")) for w in words)  # "al-farabi" is a two-part name
    factor = 1.0 + 0.5 * (min(parts, 3) - 1)
    if proper:
        factor *= 1.5
    elif len(words) == 1:
        factor *= 0.5  # a lone common noun ("ties") says little
    return factor


def _score(candidate: _Candidate, capitalised: dict[str, float], total: int) -> float:
    earliness = 1.0 - candidate.first / max(total, 1)
    return candidate.count * _specificity(candidate.words, capitalised) * (1.0 + 0.3 * earliness)


def _overlaps(stems: frozenset[str], chosen: list[frozenset[str]]) -> bool:
    for other in chosen:
        shared = len(stems & other)
        if shared and (stems <= other or other <= stems or shared / len(stems | other) >= 0.5):
            return True
    return False


def _candidates(title_sentences: list[list[_Token | None]], body_sentences: list[list[_Token | None]],
                stopwords: frozenset[str], connectors: frozenset[str], language: str) -> dict[tuple[str, ...], _Candidate]:
    candidates: dict[tuple[str, ...], _Candidate] = {}
    for in_title, sentences in ((True, title_sentences), (False, body_sentences)):
        for sentence in sentences:
            for run in _runs(sentence, stopwords, connectors, language):
                for piece in _pieces(run, connectors):
                    key = tuple(t.text.lower() for t in piece)
                    candidate = candidates.get(key)
                    if candidate is None:
                        candidate = candidates[key] = _Candidate(key, whole_run=len(piece) == len(run))
                    candidate.whole_run = candidate.whole_run or len(piece) == len(run)
                    candidate.count += 2.0 if in_title else 1.0
                    if not in_title:
                        candidate.in_body += 1
                        candidate.first = min(candidate.first, piece[0].position)
                    candidate.surfaces[_surface(piece)] += 1
    return candidates


def _eligible(candidate: _Candidate, short: bool) -> bool:
    if candidate.in_body == 0:
        return False  # headline-only word strings are mostly verb phrases ("drama wins")
    if len(candidate.words) == 1:
        return candidate.words[0] not in _GENERIC_WORDS
    return candidate.count >= 2 or (short and candidate.whole_run)


def extract_keyphrases(title: str, text: str, language: str, limit: int) -> list[str] | None:
    """Up to `limit` key phrases, best first, in their most common spelling; None when there are
    no stop words for `language`."""
    stopwords = stopwords_for(language)
    if stopwords is None:
        return None
    if limit <= 0:
        return []
    connectors = _CONNECTORS.get(language, frozenset())
    title_sentences = _fragments(title, language) if title else []
    body_sentences = _fragments(text, language)
    capitalised = _capitalised_share(body_sentences)  # not the title: many outlets Title-Case it
    candidates = _candidates(title_sentences, body_sentences, stopwords, connectors, language)
    total = sum(1 for sentence in body_sentences for token in sentence if token is not None)
    short = total < SHORT_ARTICLE_WORDS
    ranked = sorted(
        (c for c in candidates.values() if _eligible(c, short)),
        key=lambda c: (-_score(c, capitalised, total), -len(c.words), c.first),
    )
    chosen: list[frozenset[str]] = []
    phrases: list[str] = []
    for candidate in ranked:
        stems = frozenset(_stem(w) for w in candidate.words if w not in connectors)
        if _overlaps(stems, chosen):
            continue
        chosen.append(stems)
        phrases.append(candidate.surfaces.most_common(1)[0][0])
        if len(phrases) == limit:
            break
    return phrases


# --- the step -------------------------------------------------------------------------------------------------


@register_step(STEP)
class KeyphrasesStep:
    reads = ("title", "text", "detected_language")
    writes = ("keyphrases", "notes")

    def __init__(self, *, settings: ProcessorSettings) -> None:
        self._limit = settings.keyphrases
        self._max_chars = settings.max_text_chars

    def run(self, drafts: Sequence[Draft]) -> list[dict[str, Any]]:
        return [self._one(d) for d in drafts]

    def _one(self, draft: Draft) -> dict[str, Any]:
        language = (draft.get("detected_language") or "en").split("-")[0].lower()
        text = (draft.get("text") or "")[: self._max_chars]
        phrases = extract_keyphrases(draft.get("title") or "", text, language, self._limit)
        if phrases is None:
            return {"keyphrases": (), "notes": (f"{STEP}: no stop words for language {language!r}",)}
        return {"keyphrases": tuple(phrases)}

    def provenance(self) -> dict[str, str]:
        return {}

