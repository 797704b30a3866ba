"""Build tests/data/stories-eval-heldout.jsonl: a HELD-OUT labelled set for near-duplicate detection and
story clustering, built as tests/data/stories-eval.jsonl is but from other events.

Run from anywhere: ``python tests/data/make_stories_eval_heldout.py`` (writes the file beside this
script; ``--out FILE`` writes elsewhere). Deterministic: the same inputs give the same bytes.

Why a second set: the thresholds of processors/stories (near-duplicate Jaccard and containment,
story similarity, silence discount, furniture lines) were tuned on stories-eval.jsonl. A figure
measured on the data it was tuned on says little about new data, so this set is never used to tune
anything: `newsflow eval stories` reports it beside the tuning set. Change a threshold because of
this set and it is no longer held out.

Same line format as the tuning set (see make_stories_eval.py), one article per line in published
order::

    {"id": ..., "source": ..., "published": "2023-09-18T06:00:00+00:00", "title": ..., "text": ...,
     "labels": {"duplicate_of": null or the original's id, "story": "szeged-flood"}}

What is in it (nothing shared with the tuning set: other events, people, outlets, kinds of event,
dates from 18 September to 1 October 2023 instead of June 2022, and no undated item, as the
tuning set has none):
- Events: 13 made-up events, each told by 3-4 outlets in their own words (same people and places,
  different sentences). The events, outlets, companies and people are invented (places and a few
  institutions are real, as in news): test material, not reporting. Three pairs are chosen to be
  confused: the same carmaker's recall and its job cuts two days later, two incidents in Gdańsk
  two days apart (a shipyard crane collapse, a market hall fire), and a basketball club's Supercup
  win then its star player's doping suspension.
- Unrelated articles, every one its own story: the long hand-written items of the IPTC held-out set
  (tests/data/iptc-news-heldout.jsonl, never used for the stories thresholds), short hand-written
  items of it about the same kind of event as ours (floods, a San Sebastián Golden Shell, a recall,
  a drug case), and five short articles written here about another event of the same kind (a ferry
  fire, a cocaine seizure, a coin hoard, a network outage, a lorry recall).
- Short briefs (under 30 words): two different oil-price closes and an exact copy of one.
- Generated variants, each a duplicate of its original and in its story, made by the generators of
  make_stories_eval.py (imported, not copied): edited, truncated (~60%), wrapped in a site's byline
  and footer, re-titled, verbatim copies under another title, and combinations. The bylines and
  footers are other ones than the tuning set's, as another site's would be.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

# The tuning set's building blocks and variant generators: one implementation for both sets.
from tests.data.make_stories_eval import Event, Piece, Row, _text, variant_rows  # noqa: E402

OUT = HERE / "stories-eval-heldout.jsonl"
IPTC_FILE = HERE / "iptc-news-heldout.jsonl"
SEED = 20230918


def _at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2023, month, day, hour, minute, tzinfo=UTC)


# --- hand-written events -------------------------------------------------------------------------------------------

EVENTS: tuple[Event, ...] = (
    Event("szeged-flood", _at(9, 18, 6, 0), (
        Piece("Hungary Today Wire", 0.0, "Tisza reaches record level in Szeged, 1,200 evacuated", _text("""
The River Tisza rose to a record 10.2 metres in Szeged early on Monday after days of heavy rain in western Romania
and eastern Hungary, and about 1,200 residents of the low-lying Tápé district were moved out of their homes
overnight, city officials said.

Mayor Gábor Kertes said soldiers and volunteers had filled more than 300,000 sandbags to raise the embankment along
the northern edge of the city. "The next 36 hours will decide whether the dikes hold," he told reporters at the Tápé
flood barrier.

Ágnes Varga, head of the Lower Tisza Water Directorate, said the river was still rising by about three centimetres an
hour and was expected to peak on Tuesday evening. The previous record, 10.09 metres, was set in 2006.

Evacuated families are staying in school gymnasiums in the city centre. Trains between Szeged and Hódmezővásárhely
were suspended after water reached the railway bridge.
""")),
        Piece("Central Europe Monitor", 4.0, "Szeged fights rising Tisza as soldiers reinforce dikes", _text("""
Hundreds of soldiers joined firefighters and volunteers on the banks of the Tisza in Szeged on Monday, stacking
sandbags as the river climbed past its highest level on record.

Gábor Kertes, the mayor, said the evacuation of Tápé, a former fishing village that is now part of the city, had gone
calmly, with 1,200 people taken to schools and a sports hall. Pensioners who refused to leave were visited by police
every few hours.

The Lower Tisza Water Directorate, led by Ágnes Varga, said rainfall of up to 150 millimetres in three days across the
Romanian border had fed the Maros and the Tisza at the same time. Varga expects the river to crest at about 10.4
metres on Tuesday.

Rail services to Hódmezővásárhely were halted and several roads in the south of Csongrád-Csanád county were closed.
""")),
        Piece("Danube Post", 34.0, "Tisza peaks at 10.38 metres as Szeged's dikes hold", _text("""
The Tisza crested at 10.38 metres in Szeged on Tuesday afternoon, a new record, but the embankments protecting the
city held, the Lower Tisza Water Directorate said.

Ágnes Varga, the directorate's head, said the water would fall only slowly and that the dikes, soaked after three
days under pressure, would be watched around the clock for at least a week. Small leaks near Tápé were sealed
overnight with sandbags by soldiers.

Mayor Gábor Kertes said the 1,200 residents of Tápé who had been evacuated could not go home before Thursday. "We
were lucky, but that luck was built by thousands of people with sandbags," he said.

Trains between Szeged and Hódmezővásárhely remain suspended while engineers check the railway bridge.

The government's flood committee said the Tisza was also at record levels further downstream, at Mindszent and
Csongrád, where villages were on alert.
""")),
        Piece("Pannonia Herald", 78.0, "Tápé residents return home after record Tisza flood", _text("""
Residents of Tápé, the district of Szeged evacuated as the Tisza rose to a record 10.38 metres, began returning to
their homes on Thursday as the river fell below nine metres.

Most houses stayed dry behind the embankment, but cellars and gardens near the flood barrier were under water, and
the city said it would pay for the pumping. Mayor Gábor Kertes put the cost of the flood defence at about 900 million
forints.

Ágnes Varga of the Lower Tisza Water Directorate said the record showed that the dikes raised after the 2006 flood
had been high enough, but only just, and asked the government to fund another half metre.

Rail traffic between Szeged and Hódmezővásárhely resumed on Thursday morning.
""")),
    )),
    Event("lofoten-ferry", _at(9, 19, 19, 40), (
        Piece("Nordic Wire", 1.5, "Ferry runs aground off Lofoten with 231 people on board", _text("""
A car ferry carrying 212 passengers and 19 crew ran aground shortly after leaving Moskenes in the Lofoten islands on
Tuesday evening, and rescuers began taking people off the ship, the Joint Rescue Coordination Centre of North Norway
said.

The MF Reinefjord, operated by the ferry company Nordferje, was sailing to Bodø when it struck rocks near the village
of Sørvågen at about 19.40. The ship was listing slightly but was not taking on much water, the rescue centre said.

Fishing boats and two rescue vessels came alongside, and a helicopter from Bodø was on standby. No injuries had been
reported.

Nordferje chief executive Kari Hovland said the company was in contact with the captain. "Our priority is to get
everyone ashore safely," she said.
""")),
        Piece("Arctic Coast News", 5.0, "All passengers taken ashore after Lofoten ferry grounding", _text("""
All 231 people on board the ferry MF Reinefjord were brought ashore in Moskenes by midnight after the ship ran aground
near Sørvågen on its way to Bodø, rescuers said.

Passengers described a loud bang and a shudder before the ferry stopped. "Cups flew off the tables, then the crew
told us to put on life jackets," one passenger from Tromsø told local radio. Rescue boats and fishermen ferried them
to the harbour, where the municipality opened the school for the night.

Kari Hovland, who heads the operator Nordferje, said the crew had followed the emergency plan and thanked the
volunteers. Police in Nordland said the captain had taken a breath test, which was negative.

The Norwegian Coastal Administration said a small amount of diesel had leaked from the ship.
""")),
        Piece("Scandinavia Daily", 16.0, "Oil booms laid around grounded Lofoten ferry as investigators arrive", _text("""
The Norwegian Coastal Administration laid oil booms around the MF Reinefjord on Wednesday morning, a day after the
ferry ran aground near Sørvågen with 231 people on board, to stop a diesel leak from reaching the shore.

Investigators from the Norwegian Safety Investigation Authority flew to Lofoten to question the crew and read the
ship's data recorder. Nordferje, the operator, said it would cooperate fully.

Kari Hovland, the company's chief executive, said the Bodø-Moskenes route would be served by a smaller replacement
ship from Thursday, with fewer sailings. Passengers who spent the night in Moskenes were taken to Bodø on fishing
and charter boats.

Divers found a tear about four metres long in the hull, the Coastal Administration said. Environmental
groups said the leak was small but asked for the fuel to be pumped out before any attempt to move the ship.
""")),
        Piece("Maritime Europe", 40.0, "Reinefjord refloated as investigators look at steering and route", _text("""
Salvage tugs refloated the ferry MF Reinefjord on Thursday, two days after it ran aground off Moskenes in Lofoten, and
towed it to a shipyard in Bodø for repairs.

The Norwegian Safety Investigation Authority said it was examining whether a fault in the steering gear or a change
of course to avoid a fishing boat had brought the ship onto the rocks near Sørvågen. All 212 passengers and 19 crew
were rescued without injuries.

Nordferje chief executive Kari Hovland said the ship would be out of service for at least six weeks. The Norwegian
Coastal Administration said the diesel leak had been contained and that no oil had reached the beaches.

Passengers who left cars and luggage on board will be compensated, the company said, and the vehicles will be
unloaded in Bodø once the ship is in dry dock.
""")),
    )),
    Event("kestrel-recall", _at(9, 20, 8, 0), (
        Piece("Alpine Business News", 0.0, "Kestrel Motors recalls 184,000 Alto SUVs over brake hose fault", _text("""
Austrian carmaker Kestrel Motors is recalling 184,000 of its Alto sport utility vehicles built between 2020 and 2022
because a brake hose can rub against the wheel arch and leak fluid, the company said in Graz on Wednesday.

The fault has been linked to 11 minor accidents in Germany and Austria, none of them causing injuries. Owners will be
asked to take their cars to a dealer, where a clip holding the hose will be replaced in about 40 minutes.

Chief executive Johanna Reiter said the company had found the problem through customer complaints and its own tests.
"Safety comes first, whatever it costs," she said. Kestrel put the cost of the recall at about 95 million euros.

Most of the cars were sold in Germany, Austria and Italy. Germany's Federal Motor Transport Authority approved the
repair.
""")),
        Piece("Auto Industry Week", 3.0, "Kestrel's Alto recall: what owners need to know", _text("""
Kestrel Motors will write to the owners of 184,000 Alto SUVs in the coming weeks after discovering that a front brake
hose on cars made from 2020 to 2022 may chafe and start to leak.

The Graz-based company said drivers would notice a soft brake pedal or a warning light before the brakes lost power,
and that 11 accidents, all minor, had been reported. Dealers will fit a new retaining clip free of charge.

Johanna Reiter, Kestrel's chief executive, told journalists the recall would cost about 95 million euros and would
not change the company's profit forecast. The Alto is Kestrel's best-selling model.

The recall was approved by Germany's Federal Motor Transport Authority and will also apply to cars sold in Italy,
Switzerland and Scandinavia.
""")),
        Piece("Vienna Markets Report", 9.0, "Kestrel shares slip after brake recall", _text("""
Shares in Kestrel Motors fell 4 percent in Vienna on Wednesday after the carmaker announced the recall of 184,000 Alto
SUVs to replace a faulty brake hose clip.

Analysts said the cost, which Kestrel estimated at 95 million euros, was manageable but that the recall came at a bad
time for a company already under pressure from high energy prices and weak demand in Germany.

Chief executive Johanna Reiter said the problem had been fixed on cars built since late 2022. Kestrel's plant in Graz
employs about 6,200 people.

Trading volumes were high, and the shares of two of Kestrel's suppliers of brake parts also fell. One analyst at a
Vienna bank said investors would look closely at the company's results in November for signs of further costs,
including claims from owners whose cars had been in accidents.
""")),
    )),
    Event("kestrel-job-cuts", _at(9, 22, 10, 0), (
        Piece("Alpine Business News", 0.0, "Kestrel Motors to cut 1,400 jobs in Graz, move Alto production to Slovakia",
              _text("""
Kestrel Motors will cut 1,400 of the 6,200 jobs at its plant in Graz by the end of 2025 and move production of its
Alto SUV to a new factory in Košice, in eastern Slovakia, the carmaker said on Friday.

Chief executive Johanna Reiter said high energy and labour costs in Austria had made the plant uncompetitive for its
largest model. Graz will keep building Kestrel's electric models and its engineering centre.

Stefan Haberl, chairman of the works council, called the decision a betrayal of the workforce. "Two days ago they were
telling us that safety comes first. Now they tell us that jobs come last," he said.

Reiter said the cuts had nothing to do with the recall of 184,000 Alto cars announced on Wednesday.
""")),
        Piece("Styria Today", 2.0, "Shock in Graz as Kestrel announces 1,400 job losses", _text("""
Workers at the Kestrel Motors plant in Graz gathered outside the factory gates on Friday after the company said it
would shed 1,400 jobs and build its Alto SUV in Slovakia from 2025.

Works council chairman Stefan Haberl said the union PRO-GE would fight the plan and did not rule out strikes. Many
families in Styria depend on the plant and its suppliers, he said.

Johanna Reiter, the chief executive, said the company would try to avoid forced redundancies through early retirement
and voluntary departures. The new plant in Košice will employ about 2,000 people.

The regional government of Styria asked Kestrel for talks and said it would offer help with training for workers who
lose their jobs.

Kestrel's shares rose 2 percent in Vienna after the announcement. Analysts said investors welcomed the lower costs.
""")),
        Piece("Auto Industry Week", 26.0, "Why Kestrel is moving the Alto to Košice", _text("""
Kestrel Motors' decision to move production of the Alto SUV from Graz to Košice follows a path taken by many European
carmakers: building cheaper models in lower-cost countries and keeping electric and premium work at home.

The company says wages and energy cost about a third less in Slovakia. It plans to invest 800 million euros in the
Košice plant, which will build 150,000 cars a year from 2025. In Graz, 1,400 of 6,200 jobs will go.

Chief executive Johanna Reiter faces a hard week: the job cuts came two days after the recall of 184,000 Alto cars for a
brake hose fault. Works council leader Stefan Haberl has called a meeting of staff for Monday. Slovakia already
builds more cars per head of population than any other country.
""")),
    )),
    Event("gdansk-crane", _at(9, 21, 13, 20), (
        Piece("Baltic Coast Radio", 1.0, "Crane collapses at Gdańsk shipyard, one worker killed", _text("""
A tower crane collapsed at the Baltic Hull Works shipyard in Gdańsk on Thursday afternoon, killing one worker and
injuring three, the fire service said.

The crane, about 60 metres tall, fell across a dock where a ferry hull was under construction. The dead man was a
41-year-old welder who was working on the deck of the hull. Three other workers were taken to the University Clinical
Centre in Gdańsk with broken bones.

Shipyard president Piotr Malinowski said work had been stopped across the yard. "This is the darkest day in our
company's history," he said. The National Labour Inspectorate sent inspectors to the site.

Witnesses said the wind was not strong at the time of the accident. The shipyard, which builds ferries and offshore
vessels, is one of the largest employers in the Pomeranian region.
""")),
        Piece("Poland Daily News", 4.0, "Prosecutors investigate deadly crane collapse at Baltic Hull Works", _text("""
Prosecutors in Gdańsk have opened an investigation into the collapse of a crane at the Baltic Hull Works shipyard that
killed a welder and left three of his colleagues in hospital.

Marta Wiśniewska, spokeswoman for the district prosecutor's office, said investigators would examine the crane's
maintenance records and whether it had been overloaded. The crane was lifting a steel section of a ferry hull when its
jib buckled, workers said.

Piotr Malinowski, the president of the shipyard, said the crane had passed an inspection in May. The company, which
employs about 1,800 people in Gdańsk, builds ferries and offshore vessels.

The three injured workers are in a stable condition, the hospital said. Relatives of the dead welder gathered at the
shipyard gate on Thursday evening, where colleagues laid flowers and lit candles.
""")),
        Piece("Shipbuilding Review", 22.0, "Baltic Hull Works halts work after fatal crane accident", _text("""
Work remained suspended at the Baltic Hull Works in Gdańsk on Friday, a day after a tower crane collapsed onto a ferry
under construction, killing a welder and injuring three other workers.

Inspectors from the National Labour Inspectorate and experts appointed by the prosecutor's office examined the
wreckage. Spokeswoman Marta Wiśniewska said no one had been charged so far.

President Piotr Malinowski said the yard would reopen on Monday, except for the damaged dock, and that the ferry hull
would be checked for damage. The ferry is due for delivery to a Norwegian operator next year.

Unions at the yard called for all cranes older than 20 years to be replaced. Piotr Malinowski said the welder's family
would receive support from the company and that a memorial service would be held at the yard.
""")),
    )),
    Event("gdansk-market-fire", _at(9, 23, 2, 40), (
        Piece("Poland Daily News", 3.0, "Fire destroys roof of Gdańsk's historic market hall", _text("""
A fire tore through the 19th-century market hall in the Old Town of Gdańsk overnight, destroying part of its roof and
about 40 stalls, the fire service said on Saturday. No one was hurt.

The alarm was raised at about 2.40 a.m. by a night watchman. More than 120 firefighters fought the flames for five
hours. Fire brigade commander Tomasz Zieliński said the brick walls had saved the building from total collapse.

The hall, opened in 1896, houses butchers, bakers, flower sellers and a small museum of medieval remains found under
its floor. Deputy mayor Ewa Kowalczyk said the city would help the traders to find temporary stalls.

Investigators suspect an electrical fault in a bakery stall. Firefighters from Gdynia and Sopot were called in to
help, and trams through the Old Town were diverted until the morning.
""")),
        Piece("Baltic Coast Radio", 5.0, "Traders in shock after fire in Gdańsk market hall", _text("""
Stallholders stood in the rain on Saturday morning outside the blackened market hall in Gdańsk, where a fire during
the night had destroyed about 40 stalls and part of the roof.

"Thirty years of my life were in there," said a woman who sold cheese near the entrance. The fire service, led by
commander Tomasz Zieliński, brought the blaze under control by 7.30 a.m.; nobody was inside when it started.

Deputy mayor Ewa Kowalczyk said the city would set up a temporary market in the square outside within two weeks and
that the hall, built in 1896, would be rebuilt. The remains of the medieval Dominican church displayed under the hall
were not damaged, she said.

Several traders said they had no insurance and asked the city for compensation.
""")),
        Piece("Tricity Observer", 30.0, "Gdańsk market hall fire probably caused by faulty wiring", _text("""
The fire that gutted part of the market hall in Gdańsk's Old Town on Saturday was probably caused by faulty wiring in
a bakery stall, fire brigade commander Tomasz Zieliński said on Sunday.

About 40 stalls and a third of the roof were destroyed. Engineers said the brick walls of the 1896 building were
sound. Deputy mayor Ewa Kowalczyk said rebuilding the roof would cost about 15 million zlotys and take a year.

It was a hard week for Gdańsk: the fire came two days after a crane collapse killed a worker at the Baltic Hull Works
shipyard. Traders will move to temporary stalls in the square outside the hall. The traders' association said many stallholders
had lost their stock and equipment and would need loans to start again.
""")),
    )),
    Event("zmaj-supercup", _at(9, 24, 19, 30), (
        Piece("Slovenia Sport", 2.5, "Vidmar's late three gives Zmaj the Supercup", _text("""
KK Zmaj Ljubljana won the Slovenian basketball Supercup on Sunday, beating KK Rudar Velenje 84-79 at Arena Stožice
thanks to a three-pointer by Luka Vidmar with 40 seconds left.

Rudar, the league runners-up, led for most of the second half behind their centre Jure Hribar, who scored 21 points
and took 12 rebounds. Zmaj were six points down with three minutes to play before Vidmar, the 24-year-old point
guard, scored eight points in a row.

Vidmar finished with 27 points and was named the most valuable player. "We never stopped believing," he said.

It was the first trophy for coach Andrej Kos, who took over Zmaj in the summer. About 9,000 fans watched the game. Rudar
coach Marko Potočnik said his team had paid for its missed free throws at the end.
""")),
        Piece("Adriatic Basketball", 3.0, "Zmaj edge Rudar 84-79 in Supercup thriller", _text("""
Luka Vidmar hit the decisive three with 40 seconds on the clock as Zmaj Ljubljana came from behind to beat Rudar
Velenje 84-79 in the Supercup final in Ljubljana.

The guard scored 27 points, eight of them in a three-minute run at the end, and earned the MVP award. Rudar's Jure
Hribar was dominant inside, with 21 points and 12 rebounds, but missed two free throws in the final minute.

Coach Andrej Kos, in his first competitive game in charge of Zmaj, praised his team's defence in the last quarter.
"Rudar played better for 35 minutes. We played better for the five that mattered," Kos said.

The league season starts next weekend. Zmaj shot 11 of 24 from three-point range, while Rudar won the rebounding
battle 41-33. It was
Zmaj's first Supercup since 2017.
""")),
        Piece("Ljubljana Times", 14.0, "Zmaj fans celebrate Supercup as Kos wins first trophy", _text("""
Supporters of Zmaj Ljubljana celebrated in the city centre late into Sunday night after their team won the Supercup,
beating Rudar Velenje 84-79 at Stožice.

The hero was Luka Vidmar, a local player who came through the club's youth teams. His three-pointer 40 seconds from
the end turned the game, and he finished with 27 points. Rudar's Jure Hribar scored 21.

For Andrej Kos, hired in June after two seasons in Croatia, the trophy came in his first official game. Club director
Matej Zupan said the win was a good sign for the season, in which Zmaj hope to return to the ABA League.

Hundreds of fans gathered in Prešeren Square, where the players showed the trophy from a balcony shortly before
midnight. Police said the celebrations were peaceful.
""")),
        Piece("EuroHoops Weekly", 28.0, "Luka Vidmar, the point guard Ljubljana has been waiting for", _text("""
Luka Vidmar's 27 points in Sunday's Supercup final, including the three-pointer that sealed an 84-79 win over Rudar
Velenje, confirmed what scouts in Slovenia have said for two years: Zmaj Ljubljana have a guard who can decide games.

The 24-year-old, who averaged 14 points last season, was named MVP at Arena Stožice. Coach Andrej Kos has built the
team's attack around him, and Vidmar's late run of eight straight points turned a six-point deficit into the club's
first trophy under Kos.

Rudar's Jure Hribar, with 21 points and 12 rebounds, remains the league's best centre. The two teams meet again in
the league in October.

Scouts from several EuroLeague clubs were at Stožice, and Vidmar's agent said there had been interest from Spain and
Turkey, although the player has a contract with Zmaj until 2025.
""")),
    )),
    Event("zmaj-doping", _at(9, 27, 11, 0), (
        Piece("Slovenia Sport", 0.0, "Zmaj guard Luka Vidmar suspended after positive doping test", _text("""
Luka Vidmar, the Zmaj Ljubljana point guard who won the Supercup for his team on Sunday, has been provisionally
suspended after a sample taken after the final tested positive for a banned stimulant, the Slovenian Anti-Doping
Organisation said on Wednesday.

Vidmar, 24, denied taking any banned substance and asked for his B sample to be tested. "I have never cheated and I
will prove it," he said in a statement posted by his lawyer.

Zmaj said it supported its player but respected the rules. Club director Matej Zupan said Vidmar would not train with
the team until the case was settled. If the result is confirmed, he faces a ban of up to four years.

Vidmar scored 27 points in the Supercup final against Rudar Velenje and was named its most valuable player.
""")),
        Piece("Ljubljana Times", 4.0, "Doping case casts shadow over Zmaj's Supercup win", _text("""
Three days after Luka Vidmar was carried off the court at Stožice as the hero of the Supercup, Zmaj Ljubljana's star
guard is suspended and facing a long ban.

The Slovenian Anti-Doping Organisation said a test taken after Sunday's final against Rudar Velenje had found a
stimulant on the banned list. Vidmar says he may have taken it in a contaminated food supplement.

Coach Andrej Kos said the team was shocked. "Luka is like a son to me. We will wait for the facts," Kos said. Zmaj's
director Matej Zupan said the club would not appeal the provisional suspension.

The Basketball Federation of Slovenia said the Supercup result would stand unless a ban is confirmed. Fans left
messages of support for Vidmar on the club's social media pages, while others called for the trophy to be handed
back.
""")),
        Piece("Adriatic Basketball", 27.0, "Vidmar's B sample to be tested next week", _text("""
The B sample of Zmaj Ljubljana guard Luka Vidmar will be analysed at the anti-doping laboratory in Seibersdorf,
Austria, next week, his lawyer said on Thursday, after the player tested positive for a stimulant after the Supercup
final.

Vidmar, suspended since Wednesday, has handed the Slovenian Anti-Doping Organisation a list of the supplements he
took. Club director Matej Zupan said Zmaj had also asked its nutrition supplier for samples.

Without Vidmar, coach Andrej Kos must rebuild his backcourt before the league opener on Saturday. If the positive
test is confirmed, Zmaj could also lose the Supercup title won against Rudar Velenje.

The Slovenian Anti-Doping Organisation said a hearing would be held within six weeks of the B sample result.
Vidmar's lawyer said the player was training alone and remained confident.
""")),
    )),
    Event("ploce-verdict", _at(9, 25, 10, 0), (
        Piece("Adriatic Wire", 1.0, "Former Ploče port chief jailed for six years for bribery", _text("""
A court in Zagreb on Monday sentenced Damir Perić, the former director of the Port of Ploče Authority, to six years in
prison for taking 1.2 million euros in bribes to steer a dredging contract to a friend's company.

Judge Vesna Marić of the Zagreb County Court said Perić had rigged a 2019 tender worth 38 million euros so that the
only valid bid came from a firm owned by businessman Zoran Babić. Babić was sentenced to four years for paying the
bribes.

Prosecutors from USKOK, Croatia's anti-corruption office, had asked for eight years. Perić's lawyer said his client
was innocent and would appeal to the Supreme Court.

The court ordered Perić to repay the 1.2 million euros. The port of Ploče, at the mouth of the Neretva river,
is Croatia's second-largest cargo port.
""")),
        Piece("Zagreb Daily", 3.0, "Six years for Perić over rigged Ploče dredging tender", _text("""
Damir Perić, who ran the Port of Ploče Authority from 2016 to 2020, was found guilty of bribery on Monday and sentenced
to six years in prison, in one of the biggest corruption cases to reach a Croatian court this year.

The Zagreb County Court found that Perić had accepted 1.2 million euros from Zoran Babić, whose company won a 38
million euro contract to deepen the port's channel. Babić received four years.

Judge Vesna Marić said the evidence, including recorded phone calls, left no doubt. Both men remain free pending
appeal. The anti-corruption office USKOK said it was satisfied with the verdict.

The case began in 2020, when USKOK investigators arrested both men after a tip-off from a rival bidder. Perić was
dismissed as port director the same week.
""")),
        Piece("Balkan Justice Report", 24.0, "Ploče verdict: what the court found", _text("""
The conviction of Damir Perić, former head of the Port of Ploče Authority, rested on recorded phone calls, bank
transfers through a company in Slovenia, and the testimony of a former port engineer, according to the judgement
read in Zagreb on Monday.

Judge Vesna Marić said Perić had written the conditions of a 38 million euro dredging tender so that only the firm of
Zoran Babić could meet them, and received 1.2 million euros in return. Perić was sentenced to six years and Babić to
four.

USKOK prosecutors said they were studying whether to appeal for longer sentences. Perić's defence has already said it
will go to the Supreme Court. The judge also barred Perić from holding a public post for five years, and Babić's
company was fined 400,000 euros.
""")),
    )),
    Event("koper-cocaine", _at(9, 26, 9, 0), (
        Piece("Adriatic Wire", 2.0, "Slovenia seizes 1.6 tonnes of cocaine hidden in bananas at Koper", _text("""
Slovenian police and customs officers have seized 1.6 tonnes of cocaine hidden in a shipment of bananas from Ecuador
at the Port of Koper, the largest drug seizure in the country's history, police said on Tuesday.

The drugs were packed in 62 sports bags placed among banana boxes in a refrigerated container that arrived from
Guayaquil last week. Police estimate their street value at about 120 million euros.

Igor Kranjc, head of the criminal police directorate, said three men had been arrested when they tried to collect the
container at a warehouse near Ljubljana. The bananas were declared for a fruit importer in Austria, which police
believe was unaware of the drugs.

The operation was carried out with help from police in Ecuador and Italy.
""")),
        Piece("Alpe-Adria News", 5.0, "Record cocaine haul at Koper: three arrested", _text("""
Three men are in custody in Slovenia after customs officers at the Port of Koper found 1.6 tonnes of cocaine in a
container of Ecuadorian bananas, police said.

Criminal police chief Igor Kranjc told a press conference in Ljubljana that the container had been flagged by a risk
analysis and scanned on arrival. Officers found 62 bags of cocaine bricks behind the banana boxes. "This is a blow to
a network that uses Koper as a door to Central Europe," he said.

The suspects, aged between 29 and 51, were arrested at a warehouse when they came to pick up the container. The drugs
would have sold for about 120 million euros on the streets of Europe.

The Financial Administration, which runs customs, said it had stepped up checks on containers from South America
this year.
""")),
        Piece("Crime & Justice Europe", 28.0, "Koper seizure shows cocaine routes shifting to the Adriatic", _text("""
The seizure of 1.6 tonnes of cocaine at the Slovenian port of Koper this week shows traffickers moving away from
northern ports such as Antwerp and Rotterdam, where controls have been tightened, investigators say.

The cocaine, hidden among bananas shipped from Guayaquil in Ecuador, was worth about 120 million euros, according to
Slovenia's criminal police chief Igor Kranjc. Three men arrested near Ljubljana were remanded in custody for a month
on Wednesday.

Kranjc said the container's paperwork named an Austrian fruit importer that had no link to the gang. Police in Italy,
which helped with the investigation, made two further arrests in Trieste. Koper, Slovenia's only cargo port, handles
about a million containers a year, many of them bound for Austria, Hungary and southern Germany. The drugs will be
destroyed.
""")),
    )),
    Event("ribe-hoard", _at(9, 28, 9, 0), (
        Piece("Scandinavian Science", 0.0, "Metal detectorist finds Bronze Age gold hoard near Ribe", _text("""
A hobby metal detectorist has found a hoard of 14 gold arm rings and a large gold neck ring buried in a field near
Ribe, in south-west Jutland, archaeologists said on Thursday, calling it one of the richest Bronze Age finds in
Denmark.

The rings, which weigh about 1.1 kilograms together, were made around 900 BC, said Mette Lund, an archaeologist at the
Museum of Southwest Jutland. They were packed tightly in a small pit, probably as an offering to the gods.

Henrik Dahl, a 58-year-old electrician from Esbjerg, made the find in August while searching a field he had permission
to explore. "At first I thought it was a brass tap," he said.

Under Danish law the hoard belongs to the state. Dahl will receive a reward set by the National Museum.
""")),
        Piece("Danish News Service", 4.0, "Ribe gold: 14 arm rings and a neck ring from 900 BC", _text("""
Archaeologists from the Museum of Southwest Jutland have presented a hoard of Bronze Age gold found by a metal
detectorist in a field near Ribe: 14 arm rings and a neck ring, weighing 1.1 kilograms in all.

Henrik Dahl, an electrician from Esbjerg, reported the find immediately, which allowed archaeologists to excavate the
pit and record how the rings had been laid. Mette Lund, who led the dig, said they were placed in a circle around the
neck ring.

The National Museum in Copenhagen will decide the finder's reward, which could reach several hundred thousand kroner.
The rings will be shown in Ribe from next spring. The field has been ploughed for centuries, and archaeologists
believe the rings survived because they lay deeper than the plough reached. Dahl said he had been detecting for 12
years.
""")),
        Piece("Archaeology Now", 30.0, "Why the Ribe hoard matters for the Nordic Bronze Age", _text("""
The gold hoard found near Ribe in Jutland, 14 arm rings and a neck ring buried about 900 BC, adds to evidence that
south-west Denmark was a rich centre of the Nordic Bronze Age, according to Mette Lund of the Museum of Southwest
Jutland.

The rings were found by Henrik Dahl, an amateur detectorist from Esbjerg, and dug out by archaeologists in a careful
excavation that recorded their position. Lund said the circular arrangement suggested a ritual offering rather than
hidden savings.

Gold of this period often came from as far away as Ireland or Cornwall, and analysis of the metal should show where
the Ribe gold was mined. The National Museum will set a reward for the finder. The rings are now being cleaned at the
conservation laboratory of
the National Museum.
""")),
    )),
    Event("saimaa-outage", _at(9, 29, 4, 10), (
        Piece("Helsinki Wire", 2.0, "Saimaa Mobile outage cuts calls and data for millions in Finland", _text("""
Customers of Saimaa Mobile across Finland were unable to make calls or use mobile data from early on Friday morning,
after a fault in the operator's core network, the company said.

The outage began at about 4.10 a.m. and affected about 2.3 million subscribers. The Emergency Response Centre Agency
said some calls to the emergency number 112 from Saimaa phones had failed, and advised people to use a landline or
another person's phone in an emergency.

Saimaa Mobile chief executive Mikko Laine said engineers were working to restore service and that the fault was not
caused by a cyber attack. The regulator Traficom said it was following the situation.

Shops reported problems with card terminals connected through Saimaa's network, and several taxi companies said
their drivers could not receive bookings.
""")),
        Piece("Nordic Tech Review", 6.0, "Software update blamed for Saimaa Mobile network failure", _text("""
A faulty software update installed overnight in Saimaa Mobile's core network caused the outage that left 2.3 million
Finns without mobile service on Friday, the operator said.

Chief executive Mikko Laine said the update, supplied by an equipment vendor, had been tested but caused the systems
that register phones on the network to crash when traffic rose in the morning. Engineers were rolling it back one
region at a time.

Card payments in shops, taxi apps and some alarm systems that rely on Saimaa's network were also disrupted. The
Emergency Response Centre Agency said calls to 112 were again reaching its centres from most of the country.

Traficom, the communications regulator, asked Saimaa for a full report within two weeks.
""")),
        Piece("Finland Business Daily", 12.0, "Saimaa restores service after nine-hour outage, promises compensation", _text("""
Saimaa Mobile restored calls and data to all its customers by 1.30 p.m. on Friday, more than nine hours after a failed
software update in its core network cut off 2.3 million subscribers.

Mikko Laine, the chief executive, apologised and said customers would not pay their monthly fee for October. "We let
our customers down, and we let down people who needed to call for help," he said.

The regulator Traficom will examine why calls to the emergency number 112 failed during the outage. The Emergency
Response Centre Agency said it had not yet found any case in which help arrived late because of it.

Saimaa's shares fell 3 percent in Helsinki. Traficom can fine operators that fail to keep emergency calls working. Saimaa is
the third-largest mobile operator in Finland.
""")),
        Piece("Baltic & Nordic Report", 30.0, "Finland asks whether one operator's outage can block emergency calls", _text("""
Finland's government said on Saturday it would look at requiring phones to switch to another network automatically
when calls to 112 fail, after an outage at Saimaa Mobile left 2.3 million people without mobile service for nine
hours on Friday.

The regulator Traficom has ordered Saimaa to explain why its network could not route emergency calls to other
operators. Chief executive Mikko Laine said a software update had crashed the core network and that the company would
change how updates are tested.

The Emergency Response Centre Agency said it received about a third fewer calls than usual on Friday morning. Ministers
will meet the three mobile operators next week, and opposition MPs called for a hearing in parliament. Saimaa has
promised to waive its customers' fee for October.
""")),
    )),
    Event("sansebastian-shell", _at(9, 30, 20, 0), (
        Piece("Festival Daily", 1.0, "Romania's Irina Dobre wins Golden Shell in San Sebastián", _text("""
The Salt Roads, a drama about a family of salt miners in Transylvania by the Romanian director Irina Dobre, won the
Golden Shell for best film at the San Sebastián International Film Festival on Saturday.

The jury, presided over by French actress Claire Vautrin, gave the Silver Shell for best director to the Argentine
Tomás Ferreyra for Río Abajo, a story of two brothers travelling down the Paraná river. The Spanish actress Lucía
Ortega won the prize for best leading performance for her role in Ferreyra's film.

Dobre, 39, thanked the miners of Praid, where the film was shot, some of whom play themselves. "They taught us how to
work in the dark," she said at the ceremony in the Kursaal.

It is Dobre's second feature film.
""")),
        Piece("Cinema Europe", 3.0, "The Salt Roads takes top prize at San Sebastián", _text("""
Irina Dobre's The Salt Roads was named best film at the 71st San Sebastián festival on Saturday night, the first
Romanian film to win the Golden Shell in more than a decade.

Shot in and under the salt mine of Praid with a cast of professional actors and miners, the film follows three
generations of a family as the mine faces closure. Jury president Claire Vautrin called it "a film of enormous
patience and tenderness".

Argentina's Tomás Ferreyra took the Silver Shell for best director for Río Abajo, whose star Lucía Ortega also won the
leading performance award. The audience award went to a Basque documentary.

Dobre, whose first film was shown at festivals but barely released in cinemas, said the prize would make it easier
to find money for her next project, set on the Black Sea coast.
""")),
        Piece("Bucharest Culture Wire", 16.0, "Romanian cinema celebrates Irina Dobre's Golden Shell", _text("""
Romania's culture minister congratulated Irina Dobre on Sunday after her film The Salt Roads won the Golden Shell at
the San Sebastián festival, the top prize of one of Europe's oldest film festivals.

Dobre spent four years making the film in Praid, the Transylvanian town known for its salt mine, and cast local miners
alongside actors from Bucharest and Cluj. She said she hoped the prize would help the film reach cinemas across
Europe.

The jury in San Sebastián, led by Claire Vautrin, also honoured the Argentine director Tomás Ferreyra and the actress
Lucía Ortega. The Salt Roads opens in Romanian cinemas in November. Film critics in Bucharest said the award showed that Romanian
cinema remained strong after a decade of festival successes, despite small budgets and few cinemas outside the big
cities.
""")),
    )),
)

# --- unrelated articles -------------------------------------------------------------------------------------------

# Hand-written items of the IPTC held-out set about the same kind of event as one of ours (a flood, a
# Golden Shell, a recall, a drug case, a strike of firefighters), published while ours is in the
# news: a story must not take them in for sharing a topic, a festival or a country.
IPTC_LOOKALIKES = (
    ("Hurricane Katrina floods New Orleans", _at(9, 18, 15, 0)),
    ("Alluvione in Emilia-Romagna", _at(9, 19, 9, 0)),
    ("Flood warnings as storm hits", _at(9, 20, 7, 30)),
    ("Samsung recalls phones over battery fires", _at(9, 20, 16, 0)),
    ("La dana deja más de 200 muertos", _at(9, 21, 8, 0)),
    ("Firefighters begin national strike", _at(9, 23, 12, 0)),
    ("Tennis star wins appeal over doping ban", _at(9, 27, 18, 0)),
    ("Cyclist stripped of titles", _at(9, 28, 10, 0)),
    ("Drug lord extradited to US", _at(9, 26, 16, 0)),
    ("Festival de Cine de San Sebastián", _at(9, 30, 22, 30)),
    ("Cannes jury picks South Korean satire", _at(10, 1, 9, 0)),
    ("Film festival opens amid funding cuts", _at(9, 29, 17, 0)),
    ("Car industry warns over tariffs", _at(9, 22, 15, 0)),
    ("Studio cuts jobs as streaming bites", _at(9, 22, 18, 30)),
)
# ...and the other long hand-written items of that set (five to seven sentences), spread over the two weeks.
IPTC_LONG_WORDS = 80
UNRELATED_START = _at(9, 18, 5, 0)
UNRELATED_SPAN_HOURS = 13 * 24

# Written here: another event of the same kind as one of ours, days apart or at once.
OWN_LOOKALIKES = (
    ("Hellenic Wire", _at(9, 20, 10, 0), "Fire on ferry near Corfu: 300 passengers evacuated", _text("""
Around 300 passengers and 40 crew were taken off a ferry after a fire broke out on its car deck shortly after it left
Igoumenitsa for Corfu on Wednesday morning, the Greek coast guard said. The blaze was put out by the crew and nobody
was hurt, though two lorry drivers were treated for smoke inhalation. The ship was towed back to Igoumenitsa, where
investigators will examine a refrigerated truck suspected of starting the fire. Ferry services to Corfu were delayed
for several hours.
""")),
    ("Nordic Industry News", _at(9, 21, 11, 0), "Vikström Trucks recalls 12,000 lorries over steering bolt", _text("""
Swedish truck maker Vikström Trucks is recalling about 12,000 heavy lorries built in 2021 because a bolt in the
steering column may work loose, the company said in Eskilstuna on Thursday. No accidents have been linked to the
fault, which was found during routine checks. Owners will be asked to bring their vehicles to a workshop, where the
bolt will be replaced in about an hour at no cost. The recall covers lorries sold in 31 countries, most of them in
Europe.
""")),
    ("Hanseatic News", _at(9, 27, 15, 0), "Cocaine hidden in coffee sacks seized in Hamburg", _text("""
German customs officers have found 900 kilograms of cocaine hidden in sacks of coffee beans from Colombia in the port
of Hamburg, prosecutors said on Wednesday. The drugs, with a street value of about 70 million euros, were discovered
during an X-ray check of two containers bound for a roasting company near Bremen, which is not suspected of
involvement. Two men were arrested when they tried to collect the containers. Hamburg has become one of Europe's main
gateways for cocaine, along with Rotterdam and Antwerp.
""")),
    ("Alpine Science Wire", _at(9, 29, 12, 0), "Roman coin hoard unearthed in Swiss orchard", _text("""
A farmer planting cherry trees near Aarau in northern Switzerland has found more than 1,200 Roman silver and bronze
coins buried in a clay pot, the cantonal archaeology service of Aargau said on Friday. The coins date from the third
century, a time of unrest when people often hid their savings. Archaeologists said the pot had been buried at the edge
of a Roman farmstead whose foundations were discovered in the 1950s. The coins will be cleaned and shown at a museum in
Brugg next year.
""")),
    ("Iberia Tech News", _at(9, 30, 9, 0), "Broadband outage leaves Lisbon homes offline", _text("""
Tens of thousands of homes in Lisbon and its suburbs lost internet and television service for most of Friday after a
fibre cable was cut during roadworks in Loures, the operator said. Engineers worked through the night to splice the
cable, and service was restored to all customers by Saturday morning. The company said customers would get a discount
on their next bill. The national communications regulator asked for a report on why traffic had not been rerouted
through other cables.
""")),
)

# --- short briefs (under 30 words: duplicates only as exact copies) ----------------------------------------------

SHORTS = (
    ("brief-brent-1", "Energy Desk", _at(9, 19, 19, 45), "Brent crude settles higher",
     "Brent crude settled up 1.2 per cent at $94.43 a barrel on Tuesday, as Saudi and Russian output cuts tightened"
     " supply. US crude rose 1.1 per cent.", "brief-brent-1"),
    ("brief-brent-2", "Energy Desk", _at(9, 20, 19, 45), "Brent crude settles lower",
     "Brent crude settled down 0.9 per cent at $93.58 a barrel on Wednesday, as a stronger dollar weighed on demand."
     " US crude fell 0.8 per cent.", "brief-brent-2"),
)

# --- generated variants -------------------------------------------------------------------------------------------

# Other sites than the tuning set's: other bylines and footers (what a copy is wrapped in).
BYLINES = (
    "By Jonas Berg | {time} UTC",
    "Reporting by Ana Pereira; editing by Tom Walsh\nLast updated {time}",
    "{time} — FROM OUR CORRESPONDENTS",
)

FOOTERS = (
    "Share this article\n\n© 2023 {source}. Reproduction in whole or in part without written permission is prohibited.",
    "More on this story\n\nGet the evening briefing: the day's main news in your inbox. Subscribe now, it's free.",
    "Spotted an error? Write to the editors.\n\nArticles from partner agencies are republished by {source} under "
    "licence and are not edited by our newsroom.",
)

OUTLETS = ("NewsHub Europe", "Daily Feed", "Headlines 24/7", "The Evening Roundup", "Continental Wire",
           "Press Digest", "City Headlines", "Syndicated News Service")

# (original id, kinds of variants, hours later, new title when re-titled: None makes one from the
# start of the text, as aggregators do)
EVENT_VARIANTS: tuple[tuple[str, tuple[str, ...], float, str | None], ...] = (
    ("szeged-flood-0", ("boilerplate",), 1.0, None),
    ("szeged-flood-0", ("edited", "retitled"), 3.0, "Record Tisza flood forces 1,200 from homes in Szeged"),
    ("szeged-flood-0", ("truncated",), 6.0, None),
    ("szeged-flood-1", ("exact", "retitled"), 2.0, "Sandbags and soldiers: Szeged braces for the Tisza crest"),
    ("szeged-flood-2", ("truncated", "boilerplate"), 4.0, None),
    ("szeged-flood-3", ("edited",), 5.0, None),
    ("lofoten-ferry-0", ("boilerplate",), 0.5, None),
    ("lofoten-ferry-0", ("truncated", "retitled"), 2.0, "231 rescued as ferry hits rocks near Moskenes"),
    ("lofoten-ferry-0", ("edited",), 8.0, None),
    ("lofoten-ferry-1", ("edited", "boilerplate"), 3.0, None),
    ("lofoten-ferry-2", ("exact",), 1.0, None),
    ("lofoten-ferry-3", ("truncated",), 4.0, None),
    ("kestrel-recall-0", ("edited",), 1.0, None),
    ("kestrel-recall-0", ("boilerplate", "retitled"), 2.0, "Kestrel recalls Alto SUVs over brake hoses"),
    ("kestrel-recall-0", ("truncated",), 5.0, None),
    ("kestrel-recall-1", ("truncated", "boilerplate"), 3.0, None),
    ("kestrel-recall-2", ("edited", "retitled"), 2.0, None),
    ("kestrel-job-cuts-0", ("boilerplate",), 0.5, None),
    ("kestrel-job-cuts-0", ("edited", "retitled"), 3.0, "Graz to lose 1,400 car jobs as Kestrel moves Alto to Slovakia"),
    ("kestrel-job-cuts-1", ("truncated",), 2.0, None),
    ("kestrel-job-cuts-2", ("exact", "retitled"), 1.0, "Kestrel job cuts: the union vows to fight"),
    ("gdansk-crane-0", ("boilerplate",), 0.5, None),
    ("gdansk-crane-0", ("truncated",), 3.0, None),
    ("gdansk-crane-0", ("edited", "boilerplate"), 6.0, None),
    ("gdansk-crane-1", ("edited",), 2.0, None),
    ("gdansk-crane-2", ("boilerplate", "retitled"), 1.0, "Gdańsk shipyard crane collapse: prosecutors investigate"),
    ("gdansk-market-fire-0", ("edited",), 1.0, None),
    ("gdansk-market-fire-0", ("truncated", "retitled"), 4.0, "Fire guts Gdańsk market hall"),
    ("gdansk-market-fire-1", ("boilerplate",), 1.0, None),
    ("gdansk-market-fire-2", ("exact",), 2.0, None),
    ("zmaj-supercup-0", ("boilerplate",), 0.5, None),
    ("zmaj-supercup-0", ("edited", "retitled"), 2.0, "Vidmar's late three wins the Supercup for Zmaj"),
    ("zmaj-supercup-1", ("truncated",), 1.0, None),
    ("zmaj-supercup-2", ("edited", "boilerplate"), 3.0, None),
    ("zmaj-supercup-3", ("truncated", "retitled"), 2.0, None),
    ("zmaj-doping-0", ("boilerplate",), 0.5, None),
    ("zmaj-doping-0", ("edited",), 2.0, None),
    ("zmaj-doping-0", ("truncated", "boilerplate"), 6.0, None),
    ("zmaj-doping-1", ("exact", "retitled"), 1.0, "Zmaj star Vidmar suspended"),
    ("zmaj-doping-2", ("truncated",), 3.0, None),
    ("ploce-verdict-0", ("edited",), 1.0, None),
    ("ploce-verdict-0", ("boilerplate", "retitled"), 2.0, "Ex-Ploče port chief gets six years"),
    ("ploce-verdict-1", ("truncated",), 4.0, None),
    ("ploce-verdict-2", ("edited", "retitled"), 3.0, None),
    ("koper-cocaine-0", ("boilerplate",), 0.75, None),
    ("koper-cocaine-0", ("truncated",), 3.0, None),
    ("koper-cocaine-0", ("edited", "retitled"), 5.0, "Slovenia's biggest cocaine haul found among bananas"),
    ("koper-cocaine-1", ("exact",), 1.0, None),
    ("koper-cocaine-2", ("edited", "boilerplate"), 2.0, None),
    ("ribe-hoard-0", ("boilerplate", "retitled"), 1.0, "Gold rings from 900 BC found in a Danish field"),
    ("ribe-hoard-0", ("edited",), 3.0, None),
    ("ribe-hoard-1", ("truncated",), 2.0, None),
    ("ribe-hoard-2", ("exact", "retitled"), 4.0, "A Bronze Age treasure from Ribe"),
    ("saimaa-outage-0", ("boilerplate",), 0.5, None),
    ("saimaa-outage-0", ("edited", "retitled"), 1.0, "Millions cut off in Finnish mobile outage"),
    ("saimaa-outage-0", ("truncated", "boilerplate"), 4.0, None),
    ("saimaa-outage-1", ("edited",), 2.0, None),
    ("saimaa-outage-2", ("truncated",), 3.0, None),
    ("saimaa-outage-3", ("boilerplate",), 2.0, None),
    ("sansebastian-shell-0", ("boilerplate",), 0.5, None),
    ("sansebastian-shell-0", ("edited", "retitled"), 2.0, "Golden Shell goes to Romania's Irina Dobre"),
    ("sansebastian-shell-1", ("truncated",), 3.0, None),
    ("sansebastian-shell-2", ("exact",), 1.0, None),
    ("brief-brent-1", ("exact",), 0.25, None),
)

# Variants of unrelated articles, named by title (their ids follow from the publication order).
UNRELATED_VARIANTS: tuple[tuple[str, tuple[str, ...], float, str | None], ...] = (
    ("Coffee prices soar after poor harvest", ("boilerplate",), 2.0, None),
    ("Beatles catalogue finally goes online", ("exact", "retitled"), 1.0, None),
    ("Scientists map the human brain in detail", ("edited",), 3.0, None),
    ("Chip shortage hits electronics makers", ("truncated",), 2.0, None),
    ("Brewers agree mega-merger", ("boilerplate", "retitled"), 4.0, None),
    ("Phone makers battle over patents", ("edited", "boilerplate"), 1.0, None),
    ("Online retailer opens vast warehouse", ("truncated", "boilerplate"), 2.0, None),
    ("Tennis star wins appeal over doping ban", ("edited",), 5.0, None),
    ("Cocaine hidden in coffee sacks seized in Hamburg", ("boilerplate",), 1.0, None),
    ("Fire on ferry near Corfu: 300 passengers evacuated", ("exact",), 1.0, None),
)


def event_rows() -> list[Row]:
    return [Row(f"{event.slug}-{number}", piece.source, event.start + timedelta(hours=piece.hours), piece.title,
                piece.text, None, event.slug)
            for event in EVENTS for number, piece in enumerate(event.pieces)]


def unrelated_rows() -> list[Row]:
    """IPTC held-out items (the lookalikes and the long ones) and our own lookalikes, numbered in
    published order, each its own story."""
    with IPTC_FILE.open(encoding="utf-8") as lines:
        items = [json.loads(line) for line in lines if line.strip()]
    by_title = {item["title"]: item for item in items}
    pinned = dict(IPTC_LOOKALIKES)
    chosen = [("", by_title[title]["title"], by_title[title]["text"], published) for title, published in IPTC_LOOKALIKES]
    long_items = [i for i in items if len(i["text"].split()) >= IPTC_LONG_WORDS and i["title"] not in pinned]
    step = UNRELATED_SPAN_HOURS / len(long_items)
    chosen += [("", item["title"], item["text"], UNRELATED_START + timedelta(hours=round(n * step, 2)))
               for n, item in enumerate(long_items)]
    chosen += [(source, title, text, published) for source, published, title, text in OWN_LOOKALIKES]
    chosen.sort(key=lambda row: (row[3], row[1]))
    return [Row(f"single-{n:02d}", source or OUTLETS[n % len(OUTLETS)], published, title, text, None, f"single-{n:02d}")
            for n, (source, title, text, published) in enumerate(chosen, start=1)]


def short_rows() -> list[Row]:
    return [Row(i, source, published, title, text, None, story) for i, source, published, title, text, story in SHORTS]


def variant_plan(unrelated: list[Row]) -> tuple[tuple[str, tuple[str, ...], float, str | None], ...]:
    id_of = {row.title: row.id for row in unrelated}
    return EVENT_VARIANTS + tuple((id_of[title], kinds, hours, title_) for title, kinds, hours, title_ in UNRELATED_VARIANTS)


def build() -> list[Row]:
    unrelated = unrelated_rows()
    rows = event_rows() + unrelated + short_rows()
    rows += variant_rows({r.id: r for r in rows}, variant_plan(unrelated), seed=SEED, outlets=OUTLETS,
                         bylines=BYLINES, footers=FOOTERS)
    ids = [r.id for r in rows]
    if len(ids) != len(set(ids)):
        raise SystemExit("duplicate ids in the evaluation set")
    return sorted(rows, key=lambda r: (r.published, r.id))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default {OUT.name} beside this script)")
    args = parser.parse_args(argv)
    rows = build()
    args.out.write_text("".join(r.to_json() + "\n" for r in rows), encoding="utf-8")
    stories = {r.story for r in rows}
    duplicates = sum(r.duplicate_of is not None for r in rows)
    print(f"wrote {args.out}: {len(rows)} articles, {len(stories)} stories, {duplicates} duplicates")


if __name__ == "__main__":
    main()
