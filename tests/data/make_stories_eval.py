"""Build tests/data/stories-eval.jsonl: a labelled set for near-duplicate detection and story clustering.

Run from anywhere: ``python tests/data/make_stories_eval.py`` (writes the file beside this script;
``--out FILE`` writes elsewhere). Deterministic: the same inputs give the same bytes.

Inputs: the product owner's seed article (../shared/fixtures/seed-article.txt, found as
tests/conftest.py finds it), the hand-written articles below and the one-paragraph articles of
tests/data/iptc-eval-*.jsonl. One article per line, in published order::

    {"id": ..., "source": ..., "published": "2022-06-19T09:30:00+00:00", "title": ..., "text": ...,
     "labels": {"duplicate_of": null or the original's id, "story": "tokayev-tehran"}}

What is in it:
- Events: the seed article's meeting and 13 made-up events, each told by 3-4 outlets in their own
  words (same people and places, different sentences). The events, outlets and people are invented
  (places and a few institutions are real, as in news): test material, not reporting. Some events are chosen to be confused with
  another: the same airline's takeover and its pilots' strike two days later, a football club's cup
  final and its coach leaving, the Tehran meeting and Kazakhstan's wheat exports.
- Unrelated articles: the paragraphs of the IPTC evaluation sets, one article each, every one its
  own story. Several are about the same kind of event as one of ours (a wildfire, a rail strike, a
  measles outbreak, an Ariane launch, a dinosaur fossil) but not the same event.
- Short briefs (under 30 words): two different market closes and an exact copy of one.
- Generated variants of some articles, each a duplicate of its original and in its story: edited
  (words replaced, sentences swapped or dropped), truncated (the first ~60%), wrapped in another
  site's byline and footer, re-titled, and combinations; plus verbatim copies under another title.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tests.conftest import find_shared_dir  # noqa: E402  (the same lookup as the tests)

OUT = HERE / "stories-eval.jsonl"
IPTC_FILES = ("iptc-eval-tune.jsonl", "iptc-eval-heldout.jsonl")
SEED = 20220619


@dataclass(frozen=True)
class Piece:
    source: str
    hours: float  # after the event's start
    title: str
    text: str


@dataclass(frozen=True)
class Event:
    slug: str
    start: datetime
    pieces: tuple[Piece, ...]


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2022, 6, day, hour, minute, tzinfo=UTC)


def _text(block: str) -> str:
    """Paragraphs separated by blank lines; lines inside a paragraph joined."""
    paragraphs = [" ".join(line.strip() for line in p.strip().splitlines()) for p in block.strip().split("\n\n")]
    return "\n\n".join(paragraphs)


# --- hand-written events -------------------------------------------------------------------------------------------

EVENTS: tuple[Event, ...] = (
    Event("tokayev-tehran", _at(19, 9, 30), (
        # The seed article itself is piece 0 (read from the shared fixtures).
        Piece("Steppe News Agency", 3.0, "Tokayev holds talks with Iran's supreme leader on ties and Ukraine", _text("""
Kazakh President Kassym-Jomart Tokayev was received by Iran's Supreme Leader Ayatollah Ali Khamenei in Tehran on
Sunday, during a state visit that officials in Nur-Sultan described as an important step for relations between the
two Caspian neighbours.

According to the Akorda press service, Tokayev thanked his host for the welcome and said the memorandums of
understanding signed with President Ebrahim Raisi could open the way to broader cooperation between Kazakhstan and
Iran.

Khamenei, for his part, called for the joint commission of the two governments to be revived so that the agreements
would not remain on paper. He proposed a joint academic committee devoted to the work of Al-Farabi, the medieval
philosopher of Kazakh origin whose writings have long been studied in Iran.

The conversation also turned to the war in Ukraine. The Iranian leader accused Western countries of expanding NATO
and of seeking influence across East and West Asia, while Tokayev set out his view of regional issues and briefed
Khamenei on the situation in Kazakhstan after the unrest of January.

Raisi attended the meeting, the Iranian side said.
""")),
        Piece("Caspian Herald", 6.0, "Iran and Kazakhstan pledge to revive joint commission during Tokayev visit", _text("""
TEHRAN — Iran and Kazakhstan should put their joint commission back to work and turn a series of new memorandums into
real projects, Ayatollah Ali Khamenei told the visiting Kazakh leader Kassym-Jomart Tokayev on Sunday.

The meeting in the Iranian capital came after Tokayev held talks with Iranian President Ebrahim Raisi, who was also
present when the two leaders sat down with Khamenei. Tokayev said the documents signed by both parties could pave the
way for wider relations.

Khamenei praised what he called the deep historical and cultural bonds between the two nations and suggested that
scholars from both sides study the legacy of Al-Farabi together, through an academic committee of the two countries.
Tokayev welcomed the idea, calling the cultural similarities between Iran and Kazakhstan deep.

On foreign policy Khamenei repeated his criticism of the United States and its allies, saying the main problem in
Ukraine was the Western drive to enlarge NATO. Tokayev, whose country has avoided taking sides in the conflict, spoke
about regional matters and about Kazakhstan since the failed coup attempt in January.
""")),
        Piece("Gulf Observer", 20.0, "Khamenei urges Kazakhstan to deepen cooperation, warns of NATO expansion", _text("""
Iran's supreme leader used a meeting with Kazakhstan's president to call for closer economic and cultural ties and
to restate his opposition to NATO's eastward growth, Iranian state media reported on Monday.

Ayatollah Ali Khamenei met Kassym-Jomart Tokayev in Tehran on Sunday afternoon. He told the Kazakh leader that
coordination on political and economic questions was essential for relations between Tehran and Nur-Sultan and that
the intergovernmental commission of the two countries needed to be reactivated.

Khamenei suggested a joint committee of academics based on the thought of the philosopher Al-Farabi. Turning to the
conflict in Ukraine, he said Westerners would not hesitate to expand their influence wherever they could, and urged
vigilance.

Tokayev, accompanied at the meeting by Iranian President Ebrahim Raisi, said the talks in Tehran had been very good
and described the memorandums signed during the visit as a basis for expanding relations.
""")),
    )),
    Event("kazakh-wheat", _at(21, 7, 0), (
        Piece("Steppe News Agency", 0.0, "Kazakhstan extends wheat export quota until autumn", _text("""
Kazakhstan will keep a quota on wheat exports until the end of September, the agriculture ministry said in
Nur-Sultan on Tuesday, in an effort to protect domestic flour mills and bread prices before the new harvest.

Under the rules, traders may ship no more than 1 million tonnes of wheat and 300,000 tonnes of flour abroad over the
period. The quota was first introduced in April, when world grain prices jumped after the start of the war in
Ukraine.

The Steppe Grain Exporters' Association criticised the decision, saying farmers were holding large stocks
that they could not sell at a fair price. Its chairman, Yerlan Dosmukhanov, said the limit was hurting exporters
who had contracts with buyers in Uzbekistan, Afghanistan and Iran.

The ministry said the measure would be reviewed in August, when the size of this year's harvest would be clearer.
""")),
        Piece("Central Asia Business Review", 5.0, "Grain exporters attack Nur-Sultan's decision to keep wheat export cap",
              _text("""
Exporters in Kazakhstan reacted angrily on Tuesday after the government said it would keep its cap on wheat sales
abroad in place until the end of September.

The agriculture ministry said the quota, 1 million tonnes of wheat and 300,000 tonnes of flour, was needed to keep
bread affordable until the harvest. Officials said domestic prices of flour had risen by a fifth since the spring.

Yerlan Dosmukhanov, who chairs the Steppe Grain Exporters' Association, said the cap left farmers sitting on grain
they could not sell. "Our buyers in Uzbekistan and Afghanistan are turning to Russian wheat," he said, adding that the union would
ask the government to lift the limit in August.

Kazakhstan is one of the world's largest exporters of wheat flour, most of it sold to Central Asian neighbours and
Afghanistan, with smaller volumes going by rail to Iran.
""")),
        Piece("Eurasia Markets", 26.0, "Kazakh wheat quota stays, flour prices in focus", _text("""
The Kazakh government has decided to prolong its wheat export quota to the end of September, keeping a limit of 1
million tonnes on grain shipments and 300,000 tonnes on flour.

The agriculture ministry in Nur-Sultan argued that the cap was needed to stabilise flour and bread prices at home
ahead of the harvest, which usually starts in August in the north of the country.

Traders said the extension would weigh on prices paid to farmers. The Steppe Grain Exporters' Association and its
chairman Yerlan Dosmukhanov have repeatedly asked for the quota to be scrapped, arguing that the country has more
than enough grain in store. Buyers in Uzbekistan, Afghanistan and Iran may look elsewhere, analysts said.
""")),
    )),
    Event("valencia-wildfire", _at(20, 14, 0), (
        Piece("Levante Today", 0.0, "Wildfire forces evacuation of two villages in Sierra de Espadán", _text("""
A wildfire that broke out on Monday morning in the Sierra de Espadán natural park forced the evacuation of about 900
residents from the villages of Eslida and Aín, in the province of Castellón, regional authorities said.

The fire started near a forest track above Eslida at around 10.30 and spread quickly through pine and cork oak,
driven by gusts of up to 60 kilometres an hour. By the afternoon it had burned about 1,500 hectares.

Ana Roig, head of the Valencian emergency service, said 14 aircraft and more than 200 firefighters were working on
the blaze. "The wind is making our work very difficult and the next hours will be decisive," she told reporters in
Eslida.

Residents were taken to a sports hall in the town of Vall d'Uixó. No injuries have been reported. The mayor of Eslida,
Josep Ferrer, said several houses on the edge of the village were threatened.

Temperatures above 38 degrees and very low humidity had raised the risk of fire across the Valencia region this
week.
""")),
        Piece("Spain Report", 2.5, "Hundreds flee as forest fire races through Castellón natural park", _text("""
Around 900 people have been evacuated from Eslida and Aín after a forest fire spread through the Sierra de Espadán,
a protected area of cork oaks north of Valencia.

Emergency chief Ana Roig said the flames had consumed some 1,500 hectares by Monday afternoon and that the fire was
not under control. Fourteen water-dropping planes and helicopters and over 200 firefighters had been deployed.

Josep Ferrer, the mayor of Eslida, said people had left with little more than their documents. "We saw the smoke
coming down the hill and there was no time," he said. Evacuees spent the night at a sports centre in Vall d'Uixó.

Regional officials said the cause of the fire was being investigated. Castellón has been under an extreme heat
warning since the weekend.
""")),
        Piece("Iberian Daily", 20.0, "Espadán fire stabilised after burning 2,300 hectares, residents allowed home", _text("""
Firefighters stabilised the wildfire in the Sierra de Espadán on Tuesday morning after a night in which a change in
the wind pushed the flames away from the village of Aín, the Valencian emergency service said.

The blaze has burned about 2,300 hectares of pine and cork oak forest in the province of Castellón. Ana Roig, who
heads the emergency service, said crews would stay on the ground for several days to put out hot spots.

Residents of Eslida and Aín who spent the night in Vall d'Uixó were allowed to return from midday. Josep Ferrer,
the mayor of Eslida, thanked the firefighters and said two farm buildings had been destroyed but no homes had been
lost.

The Guardia Civil is investigating whether the fire was started by sparks from farm machinery near a forest track.
""")),
        Piece("Mediterranean Post", 27.0, "What we know about the Sierra de Espadán wildfire", _text("""
The fire in the Sierra de Espadán, one of the largest cork oak forests in Spain, began on Monday above the village of
Eslida in Castellón and was declared stabilised on Tuesday.

Some 900 people from Eslida and Aín were evacuated to Vall d'Uixó and have now gone home. About 2,300 hectares burned.
More than 200 firefighters and 14 aircraft took part, according to the regional emergency chief, Ana Roig.

Investigators from the Guardia Civil are looking at farm machinery as a possible cause. Mayor Josep Ferrer said the
village would need help to restore paths and water pipes damaged by the flames. The Valencia region remains on alert
for high temperatures.
""")),
    )),
    Event("arequipa-quake", _at(21, 22, 40), (
        Piece("Andes Wire", 1.0, "Magnitude 6.1 earthquake shakes southern Peru near Arequipa", _text("""
A magnitude 6.1 earthquake struck southern Peru late on Tuesday, damaging old adobe houses in the Colca valley and
sending frightened residents of Arequipa into the streets, the Geophysical Institute of Peru said.

The quake was centred 20 kilometres north of the town of Chivay at a depth of 12 kilometres. It was felt strongly in
Arequipa, Peru's second city, and as far away as Moquegua and Puno.

Carlos Mendoza, head of civil defence in the Arequipa region, said two people had been killed in the village of
Maca when a wall collapsed, and at least 23 were injured. Several churches in the valley, some dating back to the
colonial era, were cracked.

The road from Arequipa to Chivay was blocked by landslides in two places, and power was cut in parts of the province
of Caylloma.
""")),
        Piece("Lima Journal", 10.0, "Two dead, churches damaged as quake hits Colca valley", _text("""
Rescue teams reached the villages of the Colca valley on Wednesday morning after a strong earthquake overnight killed
two people and damaged dozens of homes, according to Peru's civil defence agency.

The Geophysical Institute measured the quake at 6.1 and located it near Chivay, in the province of Caylloma. Carlos
Mendoza, the regional civil defence chief, said the victims were an elderly couple whose adobe house collapsed in
Maca. Twenty-three people were being treated for injuries in Chivay and Arequipa.

The colonial church of Maca, already damaged in earlier quakes, lost part of its bell tower. Landslides closed the
Arequipa-Chivay highway for several hours before machinery reopened one lane. Tourists visiting the Colca canyon were
told to stay in their hotels.
""")),
        Piece("South America Now", 30.0, "Peru sends aid to Colca valley after deadly quake", _text("""
Peru's government sent tents, blankets and food to the Colca valley on Wednesday after an earthquake of magnitude
6.1 left two dead and 23 injured around Chivay, in the Arequipa region.

Regional civil defence chief Carlos Mendoza said more than 300 houses had been damaged, most of them built of adobe,
and that engineers were inspecting schools before classes could resume. Aftershocks continued through the day.

The Arequipa-Chivay road was reopened to traffic, and electricity was restored in most of the province of Caylloma.
The historic churches of the valley, a draw for tourists heading to the Colca canyon, suffered cracks in walls and
towers.
""")),
    )),
    Event("aeronord-takeover", _at(21, 8, 0), (
        Piece("Baltic Business Daily", 0.0, "Skyline Group agrees to buy Latvian airline AeroNord for 480 million euros",
              _text("""
Skyline Group, the Frankfurt-based aviation holding, has agreed to buy Latvian carrier AeroNord for 480 million euros,
the two companies said on Tuesday, in the largest airline deal in the Baltic states for a decade.

Skyline will pay cash for the 80 percent stake held by investors and offer the same price to the Latvian state, which
owns the rest. AeroNord, based at Riga airport, flies 34 aircraft to more than 70 destinations and carried 4.1 million
passengers last year.

Skyline chief executive Martin Haller said the deal would give the group a hub in northern Europe and access to
routes to Scandinavia and Central Asia. AeroNord chief executive Ilze Kalnina will remain in charge of the airline,
which will keep its brand.

The transaction needs the approval of the European Commission and is expected to close early next year. Latvia's
economy ministry said it would study the offer for the state's shares.
""")),
        Piece("Riga Times", 3.0, "AeroNord to join Skyline in 480-million-euro deal", _text("""
Riga-based airline AeroNord will become part of Germany's Skyline Group, the companies announced, ending months of
speculation about the future of Latvia's national carrier.

Skyline is valuing AeroNord at 480 million euros. The deal covers the shares of private investors, about 80 percent
of the company; the government in Riga, which owns the remaining stake, has been offered the same terms.

Ilze Kalnina, AeroNord's chief executive, told staff the airline's headquarters and its base at Riga airport would
stay in Latvia. "Our brand, our crews and our network are staying," she said. Martin Haller, who heads Skyline, said
AeroNord's fleet of 34 aircraft would help the group grow on routes to Scandinavia.

Unions said they wanted guarantees on jobs and pay. The European Commission will review the takeover.
""")),
        Piece("Air Transport Insider", 9.0, "Skyline's AeroNord buy gives German group a Baltic hub", _text("""
Germany's Skyline Group is buying Latvian airline AeroNord in a 480 million euro deal that analysts say gives it a
foothold in the Baltic market and a hub in Riga for flights to the Nordic countries.

AeroNord carried 4.1 million passengers in 2021 with a fleet of 34 aircraft. Chief executive Martin Haller said
Skyline would invest in new aircraft for AeroNord and keep its brand and management under Ilze Kalnina.

The deal, subject to European Commission approval, includes an offer for the Latvian state's minority stake. Analysts
at Nordic Capital Markets said the price, about nine times AeroNord's operating profit, was generous but reflected the
airline's strong position at Riga airport.
""")),
    )),
    Event("aeronord-strike", _at(23, 5, 0), (
        Piece("Riga Times", 0.0, "AeroNord pilots strike, grounding flights from Riga", _text("""
Pilots at AeroNord went on a 48-hour strike on Thursday, forcing the Latvian airline to cancel 120 flights from Riga
and leaving about 15,000 passengers stranded at the start of the summer holidays.

The Latvian Airline Pilots Association said talks on a new pay agreement had broken down after the airline refused to
restore salaries cut during the pandemic. Its president, Andris Ozols, said pilots had lost a fifth of their income
since 2020.

AeroNord said it had offered a pay rise of 6 percent and called the strike irresponsible. The airline advised
passengers to check the status of their flights and offered refunds or rebooking.

The strike comes two days after AeroNord agreed to be taken over by Germany's Skyline Group. Ozols said the deal had
nothing to do with the dispute but that pilots wanted their contract settled before any change of owner.
""")),
        Piece("Baltic Business Daily", 4.0, "Walkout by AeroNord pilots cancels 120 flights", _text("""
A strike by pilots grounded most of AeroNord's fleet on Thursday, with 120 flights cancelled at Riga airport on the
first of two days of action over pay.

Andris Ozols, who leads the Latvian Airline Pilots Association, said the union had rejected the airline's offer of a
6 percent raise because it did not make up for cuts made in 2020. "Our members are tired of promises," Ozols told
reporters outside the terminal.

Around 15,000 passengers were affected, AeroNord said, adding that it was trying to find seats for them on other
airlines. Queues formed at the airline's desks at Riga airport from early morning.

Latvia's transport minister urged both sides to return to talks.
""")),
        Piece("Air Transport Insider", 26.0, "AeroNord strike enters second day as union and airline trade blame", _text("""
AeroNord cancelled another 115 flights on Friday as its pilots' strike went into a second day, with neither the
airline nor the union showing signs of compromise.

The Latvian Airline Pilots Association wants salaries restored to their level before the pandemic, while AeroNord has
offered a rise of 6 percent. Union president Andris Ozols accused the management of stalling until the airline's sale
to Skyline Group is complete.

AeroNord said the two days of strikes would cost it about 4 million euros and that 30,000 passengers had been hit.
Mediation talks at Latvia's labour ministry are planned for Monday in Riga.
""")),
    )),
    Event("cup-final", _at(22, 19, 45), (
        Piece("Lusa Sports", 2.5, "Porto Vale beat Atlético Norte to win the Portuguese Cup", _text("""
Porto Vale won the Portuguese Cup for the first time in 31 years on Wednesday, beating Atlético Norte 2-1 at the
Estádio Nacional in Oeiras with a late goal from Rui Tavares.

Atlético Norte took the lead after 23 minutes when Nuno Falcão headed in a corner. Porto Vale equalised five minutes
after half-time through Diogo Matos, who shot from the edge of the box after a pass from Tavares.

With the final heading for extra time, Tavares ran onto a long ball in the 88th minute and lifted it over the
goalkeeper. Thousands of Porto Vale fans invaded the pitch at the final whistle.

"This is for the city and for everyone who suffered with this club," said coach Henrique Sá, who took over the team
two seasons ago when it was fighting relegation.
""")),
        Piece("Football Iberia", 3.0, "Tavares strikes late as Porto Vale lift the Taça", _text("""
Rui Tavares scored two minutes from time to give Porto Vale a 2-1 victory over Atlético Norte in the cup final in
Oeiras and end a wait of more than three decades for a major trophy.

Atlético Norte were the better side in the first half and went ahead through a Nuno Falcão header. But Henrique Sá's
side came out stronger after the break, and Diogo Matos levelled with a low shot.

Tavares, 22, who had set up the equaliser, then beat the defence to a long clearance and chipped the keeper. "I
dreamed of this moment since I was a kid," he said.

Porto Vale will play in the Europa League next season.
""")),
        Piece("Portugal Sport Daily", 14.0, "Porto Vale celebrate cup triumph with parade", _text("""
Tens of thousands of supporters lined the streets on Thursday as Porto Vale paraded the Portuguese Cup through the
city, a day after beating Atlético Norte 2-1 in the final at the Estádio Nacional.

The players, on an open-top bus, were led by coach Henrique Sá and by Rui Tavares, whose goal in the 88th minute won
the match after Diogo Matos had cancelled out Nuno Falcão's opener for Atlético Norte.

Club president Álvaro Pinheiro said the win was the greatest day in the history of the club since its league title in
1991 and promised to keep the squad together for the European campaign.
""")),
        Piece("European Football Weekly", 30.0, "Henrique Sá's Porto Vale complete fairytale with cup win", _text("""
Two years ago Porto Vale were bottom of the table and fearing relegation. On Wednesday evening in Oeiras they beat
Atlético Norte 2-1 to win the Portuguese Cup, their first major trophy since 1991.

Much of the credit goes to Henrique Sá, a former school teacher who rebuilt the team around young players such as Rui
Tavares and Diogo Matos. Both scored in the final: Matos with an equaliser early in the second half and Tavares with
the winner two minutes before the end, after Nuno Falcão had put Atlético Norte ahead.

The victory earns Porto Vale a place in the Europa League group stage.
""")),
    )),
    Event("porto-vale-coach", _at(25, 11, 0), (
        Piece("Lusa Sports", 0.0, "Henrique Sá leaves Porto Vale days after cup win", _text("""
Henrique Sá has left Porto Vale three days after leading the club to victory in the Portuguese Cup, the club said on
Saturday, confirming that the coach had accepted an offer from Saudi side Al-Qadisiya.

Porto Vale said Al-Qadisiya had paid the release clause in Sá's contract, reported to be 3 million euros. Club
president Álvaro Pinheiro said he was disappointed but understood the decision. "He gave us the best years of our
recent history," Pinheiro said.

Sá, 46, arrived at Porto Vale in 2020 with the team near the bottom of the league. Under him it finished fifth this
season and beat Atlético Norte in the cup final.

The club said it would name a new coach before the squad returns for pre-season training on July 4.
""")),
        Piece("Football Iberia", 6.0, "Porto Vale turn to Spaniard Javier Olmedo after losing Sá to Saudi Arabia", _text("""
Porto Vale are in advanced talks with Spanish coach Javier Olmedo to replace Henrique Sá, who has joined Al-Qadisiya
in Saudi Arabia, sources close to the club said on Saturday.

Olmedo, 51, has coached in Spain's second division and spent last season at Greek side Aris. President Álvaro
Pinheiro wants a coach who can keep the young squad, including Rui Tavares and Diogo Matos, competitive in the Europa
League.

Sá's departure, days after the cup final win, was a blow to supporters, some of whom left angry messages on the
club's social media pages. Al-Qadisiya paid the release clause of about 3 million euros.
""")),
        Piece("Portugal Sport Daily", 28.0, "Olmedo named Porto Vale coach on two-year deal", _text("""
Porto Vale appointed Javier Olmedo as head coach on Sunday, signing the Spaniard to a two-year contract a day after
Henrique Sá left for Saudi club Al-Qadisiya.

Olmedo, presented at the club's stadium by president Álvaro Pinheiro, said he had watched the cup final against
Atlético Norte and was excited to work with players such as Rui Tavares. "The foundations are here. We want to
compete in Europe without fear," he said.

Olmedo will bring two assistants from Spain. Pre-season training begins on July 4.
""")),
    )),
    Event("hartwells-breach", _at(22, 10, 0), (
        Piece("Manchester Evening Star", 0.0, "Hartwell's says hackers stole data of 2.1 million customers", _text("""
Manchester-based retailer Hartwell's said on Wednesday that hackers had stolen the names, addresses, email addresses
and order histories of about 2.1 million customers, in one of the largest data breaches at a British retailer.

The company said the attackers gained access to a customer database through a supplier's computer systems in early
June. Payment card details were not affected, it said, because they are held by a separate payment provider.

Chief executive Sarah Quinlan apologised to customers and said the company had reported the breach to the
Information Commissioner's Office and was working with the National Cyber Security Centre. "We are deeply sorry. We
have closed the route the attackers used," she said.

Customers were told to watch out for phishing emails and to change their passwords. Hartwell's shares fell 6 percent
in London.
""")),
        Piece("UK Tech Review", 4.0, "Hartwell's breach: supplier link blamed as ICO opens inquiry", _text("""
The Information Commissioner's Office has opened an inquiry into Hartwell's after the department store chain revealed
that personal data of 2.1 million customers had been stolen by cyber criminals.

Hartwell's said the hackers broke in through systems of an IT supplier that manages its online orders. Security
researchers said the group behind the attack had advertised the stolen data for sale on a criminal forum.

Sarah Quinlan, chief executive of Hartwell's, said no passwords or bank details had been taken and that the retailer
had hired outside experts. The National Cyber Security Centre said it was supporting the company.

Under data protection law the ICO can fine companies up to 4 percent of their global turnover.
""")),
        Piece("Retail Week Online", 8.0, "Shares in Hartwell's slide after cyber attack on customer data", _text("""
Shares in Hartwell's closed 6 percent lower on Wednesday after the Manchester retailer disclosed that customer details
had been stolen in a cyber attack.

The breach affects around 2.1 million customers who shopped online with the chain. Hartwell's said card data was
safe. Chief executive Sarah Quinlan said the company had informed the Information Commissioner's Office and that
customers would receive emails explaining what had happened.

Analysts said the attack could dent sales in the important summer season and that the costs of the investigation and
of any fine from the regulator would weigh on profits.
""")),
        Piece("Northern Business Post", 26.0, "Hartwell's customers targeted by scam emails after data theft", _text("""
Customers of Hartwell's have begun receiving fake emails that use details stolen in this week's data breach, the
retailer warned on Thursday, urging shoppers not to click on links asking for payment.

The Manchester company said 2.1 million customers' names, addresses and order histories were taken when criminals
broke into the systems of one of its suppliers. Sarah Quinlan, the chief executive, said Hartwell's would never ask
customers for bank details by email.

The National Cyber Security Centre and the Information Commissioner's Office are investigating. Action Fraud said it
had received more than 400 reports of suspicious messages mentioning Hartwell's.
""")),
    )),
    Event("belgian-rail-strike", _at(23, 4, 0), (
        Piece("Brussels Bulletin", 1.0, "Belgian rail strike halts most trains", _text("""
Most trains in Belgium were cancelled on Thursday as rail unions staged a 24-hour strike over staff shortages and
pay, leaving commuters in Brussels, Antwerp and Liège scrambling for alternatives.

The national railway company SNCB said it could run only about one train in four on the main lines and none on many
regional routes. International Eurostar and Thalys trains were also disrupted at Brussels-Midi.

Luc Verbeke, spokesman for the joint union front, said railway workers were exhausted by years of hiring freezes. "We
are short of 1,500 train drivers and guards. Trains are cancelled every day because there is nobody to drive them,"
he said.

SNCB said it regretted the strike and had offered to hire 1,000 staff this year. Traffic jams around Brussels were
longer than usual during the morning rush.
""")),
        Piece("Flanders News", 3.0, "Commuters stranded as unions shut down Belgian railways", _text("""
Belgian railway staff walked out for 24 hours on Thursday, and the SNCB managed to run only a fraction of its usual
services, with stations in Brussels, Antwerp and Liège largely deserted.

The unions are demanding more hiring and a pay rise to compensate for inflation. Luc Verbeke of the joint union
front said the railway was 1,500 workers short. "This strike is a warning," he said outside Brussels-Midi station.

SNCB management said it had already offered to recruit 1,000 people and called on the unions to return to
negotiations. Eurostar and Thalys cancelled some trains between Brussels, Paris and London.
""")),
        Piece("Benelux Times", 22.0, "Belgian trains back to normal after strike; unions threaten more action", _text("""
Rail traffic in Belgium returned to normal on Friday after a 24-hour strike that cancelled three quarters of trains,
but unions said they could strike again in September if their demands were not met.

Luc Verbeke, who speaks for the joint union front, said the SNCB had to hire at least 1,500 drivers and guards and
raise wages. The company has offered 1,000 recruitments.

The strike on Thursday left thousands of commuters in Brussels, Antwerp and Liège without trains, and disrupted
Eurostar and Thalys services at Brussels-Midi. The mobility minister said he would meet both sides next week.
""")),
    )),
    Event("patagonia-dinosaur", _at(24, 15, 0), (
        Piece("Science Today", 0.0, "Giant titanosaur discovered in Patagonia", _text("""
Palaeontologists in Argentina have described a new species of giant long-necked dinosaur from fossils found in the
province of Neuquén, in northern Patagonia, they reported in the journal Cretaceous Research on Friday.

The animal, named Kawsaysaurus paynensis, lived about 90 million years ago and measured up to 30 metres from head to
tail, said Sofía Quiroga of the Carmen Funes Museum in Plaza Huincul, who led the study.

The team recovered vertebrae, a thigh bone 1.9 metres long and part of the pelvis from rocks near the town of
Rincón de los Sauces. "The thigh bone alone tells us this was one of the biggest animals ever to walk on land,"
Quiroga said.

Kawsaysaurus belongs to the titanosaurs, a group of plant-eating sauropods that includes Argentinosaurus, also found
in Neuquén.
""")),
        Piece("Buenos Aires Herald Online", 5.0, "Neuquén fossils reveal 30-metre dinosaur", _text("""
Researchers from the Carmen Funes Museum in Plaza Huincul have identified a new titanosaur, Kawsaysaurus paynensis,
from bones dug out of the ground near Rincón de los Sauces in Neuquén province.

Sofía Quiroga, the palaeontologist who led the excavation, said the dinosaur lived in the Late Cretaceous, about 90
million years ago, and could have reached 30 metres in length. The find includes a femur almost two metres long.

The species name honours the Payunia volcanic region. The study was published in Cretaceous Research. The bones will
be shown to the public at the museum from next month.
""")),
        Piece("Earth & Fossil News", 30.0, "Kawsaysaurus: what a new Patagonian giant tells us about titanosaurs", _text("""
The description of Kawsaysaurus paynensis, a titanosaur from Neuquén in Argentina, adds another giant to the list of
sauropods found in Patagonia, home to Argentinosaurus and Patagotitan.

Sofía Quiroga and colleagues at the Carmen Funes Museum in Plaza Huincul say the animal lived some 90 million years
ago and was up to 30 metres long, judging from a thigh bone of 1.9 metres. Their paper in Cretaceous Research argues
that titanosaurs of this size evolved several times in South America.

The fossils were found near Rincón de los Sauces by a farm worker in 2018. Excavation took three seasons.
""")),
    )),
    Event("bucharest-measles", _at(24, 9, 0), (
        Piece("Romania Insider Daily", 0.0, "Measles outbreak in Bucharest schools: 86 cases confirmed", _text("""
Health authorities in Bucharest have confirmed 86 cases of measles linked to four schools in the city's Sector 3
and Sector 4, and have asked parents of unvaccinated children to keep them at home.

Mihai Popescu, director of the Bucharest public health directorate, said 19 children had been admitted to the Victor
Babes hospital, two of them with pneumonia. Most of the patients had not received the MMR vaccine.

The directorate has opened vaccination centres at the four schools and will offer free doses to children and adults
born after 1980. Popescu said vaccination coverage in some neighbourhoods was below 70 percent.

Romania had one of the largest measles epidemics in Europe between 2016 and 2020, when more than 60 children died.
""")),
        Piece("Balkan Health Watch", 7.0, "Bucharest opens school vaccination centres as measles spreads", _text("""
Bucharest's public health directorate has set up vaccination points in four schools after a measles outbreak that has
infected 86 people, most of them children, in the capital's Sector 3 and Sector 4.

Directorate head Mihai Popescu said 19 patients were in hospital at Victor Babes, and that the virus was spreading
among families who had refused vaccination. "Measles is not a mild disease," he said, recalling the epidemic that
killed dozens of children in Romania a few years ago.

Parents can bring children to the school centres without an appointment. The health ministry said it would send
extra doses of MMR vaccine to the city.
""")),
        Piece("Eastern Europe Report", 28.0, "Romania: measles cases in Bucharest rise to 97", _text("""
The number of measles cases linked to an outbreak in Bucharest schools rose to 97 on Saturday, the city's public
health directorate said, with 23 patients now treated at the Victor Babes hospital.

Mihai Popescu, the director, said more than 1,200 children and adults had been vaccinated at the four schools in
Sector 3 and Sector 4 since Friday. He urged family doctors to check the vaccination records of all children.

Low MMR coverage in Romania has led to repeated outbreaks over the past decade.
""")),
    )),
    Event("meteostar-launch", _at(26, 20, 30), (
        Piece("Space Flight Daily", 0.5, "Ariane 5 launches MeteoStar-3 weather satellite from Kourou", _text("""
An Ariane 5 rocket lifted off from the Guiana Space Centre in Kourou on Sunday evening and placed the MeteoStar-3
weather satellite into orbit for EUMETSAT, the European organisation for meteorological satellites.

The satellite separated from the rocket 33 minutes after launch and sent its first signal to the ground station in
Darmstadt shortly afterwards. It will be moved to a geostationary position above the equator over the next two weeks.

Claire Dumont, the Arianespace launch director, said the flight had gone perfectly. MeteoStar-3 carries an imager that
takes a picture of Europe and Africa every 10 minutes and an instrument to detect lightning.

EUMETSAT said the satellite would improve forecasts of storms and heavy rain once it starts operating next year.
""")),
        Piece("European Space News", 2.0, "EUMETSAT's MeteoStar-3 in orbit after flawless Ariane 5 flight", _text("""
EUMETSAT's newest weather satellite, MeteoStar-3, is in orbit after a launch on an Ariane 5 from Kourou in French
Guiana on Sunday.

Controllers in Darmstadt confirmed contact with the spacecraft, which will drift to its geostationary slot in the
coming days. Launch director Claire Dumont of Arianespace called it a perfect mission.

MeteoStar-3's imager will scan Europe and Africa every 10 minutes, and its lightning detector will help forecasters
spot thunderstorms as they form. The satellite is designed to work for 15 years.
""")),
        Piece("Aerospace Europe", 20.0, "MeteoStar-3 deploys solar arrays as EUMETSAT celebrates launch", _text("""
The MeteoStar-3 weather satellite has unfolded its solar panels and is healthy, EUMETSAT said on Monday, a day after
it was launched on an Ariane 5 rocket from the Guiana Space Centre.

Engineers in Darmstadt will spend several months testing its imager and lightning sensor before it starts sending
data to weather services. Claire Dumont, who directed the launch for Arianespace in Kourou, said the Ariane 5 had
placed the satellite very precisely.

MeteoStar-3 is one of the last payloads to fly on the Ariane 5, which is being replaced by Ariane 6.
""")),
    )),
    Event("ghent-painting-theft", _at(25, 7, 0), (
        Piece("Flanders News", 0.0, "Thieves steal 17th-century still life from Ghent museum", _text("""
Thieves broke into the Museum of Fine Arts in Ghent overnight and stole a 17th-century still life by the Flemish
painter Joris Verhaeghe, police said on Saturday.

The painting, Still Life with Oysters and a Silver Cup, measures about 50 by 40 centimetres and is valued at several
million euros. The thieves forced a back door and were inside for less than five minutes, police spokeswoman Els De
Smet said.

An alarm went off at 3.12 a.m. but the thieves had fled by the time a patrol arrived. Police are studying footage
from security cameras in the Citadel Park, where the museum stands.

Museum director Pieter Claes said the loss was a shock. "This is one of the jewels of our collection," he said.
""")),
        Piece("Brussels Bulletin", 5.0, "Police hunt thieves who took Verhaeghe painting from Ghent's fine arts museum", _text("""
Police in Ghent have launched a search for thieves who stole Joris Verhaeghe's Still Life with Oysters and a Silver
Cup from the city's Museum of Fine Arts early on Saturday.

Spokeswoman Els De Smet said at least two people took part in the raid, which lasted under five minutes. The thieves
went through a service entrance at the back of the building, which stands in the Citadel Park, and cut the painting's
security cables.

Director Pieter Claes said the work had been insured but was impossible to sell on the open market. Art crime experts
said such paintings were sometimes stolen to order for private collectors.
""")),
        Piece("Art Market Gazette", 27.0, "Stolen Verhaeghe still life added to international art loss register", _text("""
The still life by Joris Verhaeghe stolen from the Museum of Fine Arts in Ghent at the weekend has been added to the
international Art Loss Register and to Interpol's database of stolen works of art.

Still Life with Oysters and a Silver Cup, painted around 1640, was taken in a night raid that Ghent police say lasted
less than five minutes. Police spokeswoman Els De Smet said investigators had identified a van seen near the Citadel
Park.

Museum director Pieter Claes appealed to the thieves to take care of the painting, which is on oak panel and
sensitive to damp.
""")),
    )),
)

# --- short briefs (under 30 words: duplicates only as exact copies) ----------------------------------------------

SHORTS = (
    ("brief-ftse-1", "City Wire", _at(20, 16, 40), "FTSE 100 closes higher",
     "London's FTSE 100 closed up 0.8 per cent at 7,121 points on Monday, led by mining shares. The pound rose against"
     " the dollar.", "brief-ftse-1"),
    ("brief-ftse-2", "City Wire", _at(21, 16, 40), "FTSE 100 closes lower",
     "London's FTSE 100 closed down 0.3 per cent at 7,099 points on Tuesday, dragged by bank shares. The pound fell"
     " against the dollar.", "brief-ftse-2"),
)

# --- generated variants -------------------------------------------------------------------------------------------

REPLACEMENTS = {
    "said": "stated", "says": "states", "told": "informed", "about": "around", "large": "big", "largest": "biggest",
    "began": "started", "started": "began", "help": "assist", "quickly": "rapidly", "during": "in",
    "children": "youngsters", "company": "firm", "airline": "carrier", "added": "noted", "while": "whereas",
    "several": "a number of", "could": "might", "would": "will", "urged": "called on", "warned": "cautioned",
    "deal": "agreement", "road": "highway", "strong": "powerful", "fire": "blaze", "blaze": "fire",
    "evacuated": "moved out", "reported": "said", "stolen": "taken", "thieves": "robbers", "hit": "affected",
    "team": "squad", "city": "town", "big": "large", "new": "fresh", "main": "principal", "officials": "authorities",
}

BYLINES = (
    "By Staff Reporter | Updated {time} GMT",
    "By Maria Lopes, Correspondent\nPublished {time}",
    "NEWS DESK — {time}",
)

FOOTERS = (
    "Follow us on Twitter and Facebook for the latest updates.\n\n© 2022 {source}. All rights reserved. This material "
    "may not be published, broadcast, rewritten or redistributed without permission.",
    "Related: More stories from our world desk\n\nRead more\n\nSign up for our morning briefing and get the top stories "
    "in your inbox every day.",
    "Have a news tip? Contact our newsroom.\n\n{source} is not responsible for the content of external sites. "
    "Copyright 2022.",
)

OUTLETS = ("World News Network", "Daily Aggregator", "News Now 24", "The Morning Digest", "Global Times Wire",
           "Newsline Syndicate", "Metro Headlines", "Regional Press Service")

# (original id, kinds of variants to generate, hours later, new title when re-titled: None makes one
# from the start of the text, as aggregators do)
VARIANT_PLAN: tuple[tuple[str, tuple[str, ...], float, str | None], ...] = (
    ("tokayev-tehran-0", ("boilerplate",), 1.5, None),
    ("tokayev-tehran-0", ("truncated", "retitled"), 5.0, "Tokayev, Khamenei discuss ties and Ukraine in Tehran"),
    ("tokayev-tehran-0", ("edited",), 12.0, None),
    ("tokayev-tehran-1", ("exact", "retitled"), 2.0, "Kazakh president in Tehran: talks with Khamenei"),
    ("tokayev-tehran-2", ("edited", "boilerplate"), 8.0, None),
    ("kazakh-wheat-0", ("truncated",), 3.0, None),
    ("kazakh-wheat-1", ("edited", "retitled"), 6.0, "Kazakh exporters angry over grain cap"),
    ("kazakh-wheat-2", ("boilerplate",), 2.0, None),
    ("valencia-wildfire-0", ("boilerplate",), 0.75, None),
    ("valencia-wildfire-0", ("edited",), 4.0, None),
    ("valencia-wildfire-0", ("truncated", "boilerplate"), 9.0, None),
    ("valencia-wildfire-1", ("retitled", "boilerplate"), 1.0, "Castellón fire: 900 evacuated"),
    ("valencia-wildfire-2", ("edited", "retitled"), 3.0, "Residents return home as Espadán blaze is brought under control"),
    ("arequipa-quake-0", ("exact",), 0.5, None),
    ("arequipa-quake-0", ("truncated",), 2.0, None),
    ("arequipa-quake-1", ("edited", "boilerplate"), 5.0, None),
    ("arequipa-quake-2", ("edited", "retitled"), 3.0, "Tents and blankets for quake-hit Colca valley"),
    ("aeronord-takeover-0", ("boilerplate",), 0.5, None),
    ("aeronord-takeover-0", ("edited", "retitled"), 2.0, "German group Skyline to take over AeroNord"),
    ("aeronord-takeover-1", ("truncated", "retitled"), 4.0, "AeroNord sold to Skyline"),
    ("aeronord-strike-0", ("edited",), 1.0, None),
    ("aeronord-strike-0", ("truncated", "boilerplate"), 3.0, None),
    ("aeronord-strike-1", ("boilerplate", "retitled"), 2.0, "Pilots' walkout: chaos at Riga airport"),
    ("cup-final-0", ("boilerplate",), 0.5, None),
    ("cup-final-0", ("edited", "retitled"), 3.0, "Cup glory for Porto Vale"),
    ("cup-final-1", ("truncated",), 1.0, None),
    ("cup-final-2", ("exact", "retitled"), 2.0, "Porto Vale parade the cup"),
    ("porto-vale-coach-0", ("edited",), 2.0, None),
    ("porto-vale-coach-1", ("truncated", "boilerplate"), 3.0, None),
    ("porto-vale-coach-2", ("boilerplate",), 1.0, None),
    ("hartwells-breach-0", ("boilerplate", "retitled"), 0.5, "Data of 2.1m Hartwell's shoppers stolen in hack"),
    ("hartwells-breach-0", ("edited",), 1.5, None),
    ("hartwells-breach-0", ("truncated",), 6.0, None),
    ("hartwells-breach-1", ("edited", "boilerplate"), 2.0, None),
    ("belgian-rail-strike-0", ("boilerplate",), 0.5, None),
    ("belgian-rail-strike-0", ("edited", "retitled"), 2.0, "Strike paralyses Belgian railways"),
    ("belgian-rail-strike-1", ("truncated",), 4.0, None),
    ("patagonia-dinosaur-0", ("boilerplate", "retitled"), 1.0, "Scientists unveil Kawsaysaurus, a Patagonian giant"),
    ("patagonia-dinosaur-0", ("truncated",), 8.0, None),
    ("patagonia-dinosaur-1", ("edited",), 3.0, None),
    ("patagonia-dinosaur-2", ("exact", "retitled"), 4.0, "A new giant from Neuquén"),
    ("bucharest-measles-0", ("edited", "boilerplate"), 1.0, None),
    ("bucharest-measles-0", ("truncated", "retitled"), 5.0, "86 measles cases in Bucharest"),
    ("bucharest-measles-1", ("truncated",), 2.0, None),
    ("meteostar-launch-0", ("boilerplate",), 0.5, None),
    ("meteostar-launch-0", ("edited", "retitled"), 2.0, "New European weather satellite reaches orbit"),
    ("meteostar-launch-1", ("truncated",), 3.0, None),
    ("ghent-painting-theft-0", ("boilerplate", "retitled"), 0.5, "Art heist at Ghent museum"),
    ("ghent-painting-theft-0", ("edited",), 3.0, None),
    ("ghent-painting-theft-1", ("truncated", "boilerplate"), 4.0, None),
    ("solo-01", ("boilerplate",), 2.0, None),
    ("solo-04", ("exact", "retitled"), 1.0, None),
    ("solo-05", ("boilerplate",), 1.0, None),
    ("solo-07", ("edited",), 3.0, None),
    ("solo-10", ("truncated",), 2.0, None),
    ("solo-13", ("boilerplate", "retitled"), 4.0, None),
    ("solo-16", ("edited", "boilerplate"), 1.0, None),
    ("solo-19", ("boilerplate",), 6.0, None),
    ("solo-22", ("exact",), 1.0, None),
    ("solo-25", ("truncated", "boilerplate"), 2.0, None),
    ("solo-28", ("edited",), 5.0, None),
    ("solo-23", ("edited",), 2.0, None),
    ("solo-31", ("boilerplate", "retitled"), 2.0, None),
    ("solo-34", ("boilerplate",), 3.0, None),
    ("brief-ftse-1", ("exact",), 0.25, None),
)

# One-paragraph articles of the IPTC sets used as unrelated articles, every one its own story. These
# are about the same kind of event as one of ours and are published while it is in the news: a story
# must not take them in for sharing a topic (or a rocket, or a country).
LOOKALIKES = (
    ("Thousands evacuated as wildfire races towards town", _at(20, 18, 0)),
    ("Drinks giant agrees $12 billion takeover of rival", _at(21, 12, 0)),
    ("Earthquake death toll passes 2,000 as rescuers search rubble", _at(22, 2, 0)),
    ("Europol dismantles ransomware gang behind hospital attacks", _at(22, 15, 0)),
    ("Rail workers stage nationwide strike over pay", _at(23, 10, 0)),
    ("Measles outbreak spreads as vaccination rates fall", _at(24, 14, 0)),
    ("Fossil of feathered dinosaur found in Mongolia", _at(24, 20, 0)),
    ("Club agrees record fee for Brazilian winger", _at(25, 13, 0)),
    ("Le lanceur Ariane 6 réussit son deuxième vol", _at(26, 22, 0)),
    ("Spacecraft launches on six-year mission to Jupiter's icy moons", _at(27, 9, 0)),
)
# ...and others, every third paragraph of the files, spread over the ten days.
UNRELATED = 40
UNRELATED_START = _at(19, 6, 0)
UNRELATED_SPAN_HOURS = 9 * 24


@dataclass(frozen=True)
class Row:
    id: str
    source: str
    published: datetime
    title: str
    text: str
    duplicate_of: str | None
    story: str

    def to_json(self) -> str:
        return json.dumps({"id": self.id, "source": self.source, "published": self.published.isoformat(),
                           "title": self.title, "text": self.text,
                           "labels": {"duplicate_of": self.duplicate_of, "story": self.story}}, ensure_ascii=False)


def seed_row() -> Row:
    path = find_shared_dir() / "fixtures" / "seed-article.txt"
    text = path.read_text(encoding="utf-8").strip()
    day = re.search(r"(\d{4})-(\d{2})-(\d{2})", text.splitlines()[0])
    published = datetime(int(day[1]), int(day[2]), int(day[3]), 9, 30, tzinfo=UTC)
    return Row("tokayev-tehran-0", "Tehran Desk", published, "Ayatollah Khamenei receives Kazakhstan's President Tokayev",
               text, None, "tokayev-tehran")


def event_rows() -> list[Row]:
    rows = [seed_row()]
    for event in EVENTS:
        first = 1 if event.slug == "tokayev-tehran" else 0
        for number, piece in enumerate(event.pieces, start=first):
            rows.append(Row(f"{event.slug}-{number}", piece.source, event.start + timedelta(hours=piece.hours),
                            piece.title, piece.text, None, event.slug))
    return rows


def unrelated_rows() -> list[Row]:
    paragraphs = []
    for name in IPTC_FILES:
        with (HERE / name).open(encoding="utf-8") as lines:
            paragraphs.extend(json.loads(line) for line in lines if line.strip())
    by_title = {p["title"]: p for p in paragraphs}
    chosen = [(by_title[title], published) for title, published in LOOKALIKES]
    others = [p for p in paragraphs[::3] if p["title"] not in dict(LOOKALIKES)][: UNRELATED - len(chosen)]
    step = UNRELATED_SPAN_HOURS / len(others)
    chosen += [(p, UNRELATED_START + timedelta(hours=round(n * step, 2))) for n, p in enumerate(others, start=1)]
    chosen.sort(key=lambda pair: pair[1])
    return [Row(f"solo-{n:02d}", OUTLETS[n % len(OUTLETS)], published, p["title"], p["text"], None, f"solo-{n:02d}")
            for n, (p, published) in enumerate(chosen, start=1)]


def short_rows() -> list[Row]:
    return [Row(i, source, published, title, text, None, story) for i, source, published, title, text, story in SHORTS]


# --- variant generators (pure, seeded) -----------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?\"”])\s+(?=[A-Z“\"])")


def _sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(paragraph) if s]


def _quoted(sentence: str) -> bool:
    return any(mark in sentence for mark in "\"“”")


def edited(text: str, rng: random.Random) -> str:
    """About 4% of the words replaced, two sentences swapped in one paragraph, one sentence dropped
    (never inside a quotation, whose sentences the naive splitter cannot keep together)."""
    paragraphs = [_sentences(p) for p in text.split("\n\n")]
    swappable = [(i, j) for i, p in enumerate(paragraphs) for j in range(len(p) - 1)
                 if not _quoted(p[j]) and not _quoted(p[j + 1])]
    if swappable:
        i, j = rng.choice(swappable)
        paragraphs[i][j], paragraphs[i][j + 1] = paragraphs[i][j + 1], paragraphs[i][j]
    droppable = [(i, j) for i, p in enumerate(paragraphs) if i > 0 and len(p) >= 2 for j in range(len(p))
                 if not _quoted(p[j])]
    if droppable:
        i, j = rng.choice(droppable)
        del paragraphs[i][j]
    words = "\n\n".join(" ".join(p) for p in paragraphs if p).split(" ")
    replaceable = [k for k, w in enumerate(words) if w in REPLACEMENTS]
    budget = max(1, round(len(words) * 0.04))
    for k in sorted(rng.sample(replaceable, min(budget, len(replaceable)))):
        words[k] = REPLACEMENTS[words[k]]
    return " ".join(words)


def truncated(text: str, rng: random.Random) -> str:
    """The first 55-65% of the words, ended at a sentence when one ends near there."""
    words = text.split(" ")
    keep = round(len(words) * rng.uniform(0.55, 0.65))
    cut = " ".join(words[:keep])
    end = max(cut.rfind(". "), cut.rfind(".\n"))
    if end > len(cut) * 0.8:
        return cut[: end + 1]
    return cut + " …"


def with_boilerplate(text: str, rng: random.Random, source: str, published: datetime, *,
                     bylines: tuple[str, ...] = BYLINES, footers: tuple[str, ...] = FOOTERS) -> str:
    byline = rng.choice(bylines).format(time=published.strftime("%d %B %Y %H:%M"))
    footer = rng.choice(footers).format(source=source)
    return f"{byline}\n\n{text}\n\n{footer}"


def variant_rows(originals: dict[str, Row], plan: tuple[tuple[str, tuple[str, ...], float, str | None], ...] = VARIANT_PLAN,
                 *, seed: int = SEED, outlets: tuple[str, ...] = OUTLETS, bylines: tuple[str, ...] = BYLINES,
                 footers: tuple[str, ...] = FOOTERS) -> list[Row]:
    """The variants of `plan` (by default this set's). The held-out set
    (make_stories_eval_heldout.py) passes its own plan, outlets and site furniture."""
    rng = random.Random(seed)
    rows = []
    for number, (original_id, kinds, hours, new_title) in enumerate(plan):
        original = originals[original_id]
        source = outlets[(number * 3) % len(outlets)]
        published = original.published + timedelta(hours=hours)
        text = original.text
        if "edited" in kinds:
            text = edited(text, rng)
        if "truncated" in kinds:
            text = truncated(text, rng)
        if "boilerplate" in kinds:
            text = with_boilerplate(text, rng, source, published, bylines=bylines, footers=footers)
        title = original.title
        if "retitled" in kinds:
            title = new_title or " ".join(_sentences(original.text)[0].split()[:9]).rstrip(",.;:")
        rows.append(Row(f"{original_id}~{'+'.join(kinds)}", source, published, title, text, original_id,
                        original.story))
    return rows


def build() -> list[Row]:
    rows = event_rows() + unrelated_rows() + short_rows()
    rows += variant_rows({r.id: r for r in rows})
    ids = [r.id for r in rows]
    if len(ids) != len(set(ids)):
        raise SystemExit("duplicate ids in the evaluation set")
    return sorted(rows, key=lambda r: (r.published, r.id))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default {OUT.name} beside this script)")
    args = parser.parse_args()
    rows = build()
    args.out.write_text("".join(r.to_json() + "\n" for r in rows), encoding="utf-8")
    stories = {r.story for r in rows}
    duplicates = sum(r.duplicate_of is not None for r in rows)
    print(f"wrote {args.out}: {len(rows)} articles, {len(stories)} stories, {duplicates} duplicates")


if __name__ == "__main__":
    main()
