"""Template documents for make_entities_eval.py: agency results tables, leaderboards and briefs,
filled from pools of names. Tuning and held-out templates differ in kind, wording and names."""

from __future__ import annotations

import random

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _date(rng: random.Random, years: tuple[int, int]) -> str:
    return f"{rng.randint(*years)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _caps_loc(place: str) -> str:
    return f"[LOC {place.upper()}]"


# --- tuning pools ------------------------------------------------------------------------------

ENGLISH_CLUBS = ["Arsenal", "Chelsea", "Liverpool", "Everton", "Newcastle", "Aston Villa", "Leeds", "Sheffield Wednesday",
                 "Coventry", "Southampton", "Derby", "Leicester", "Middlesbrough", "Nottingham Forest", "Sunderland",
                 "Wimbledon", "West Ham", "Tottenham", "Blackburn", "Manchester United"]
GERMAN_CLUBS = ["Bayern Munich", "Borussia Dortmund", "Schalke", "Werder Bremen", "Hamburg", "Kaiserslautern",
                "Bayer Leverkusen", "VfB Stuttgart", "Karlsruhe", "Freiburg", "Hansa Rostock", "Cologne", "Bochum", "Duisburg"]
SCOTTISH_CLUBS = ["Celtic", "Rangers", "Hearts", "Hibernian", "Aberdeen", "Motherwell", "Kilmarnock", "Dundee United",
                  "Dunfermline", "Raith"]
LEAGUES = [("ENGLISH", "English", "premier league", ENGLISH_CLUBS, "LONDON"),
           ("GERMAN", "German", "first division", GERMAN_CLUBS, "BONN"),
           ("SCOTTISH", "Scottish", "premier division", SCOTTISH_CLUBS, "GLASGOW")]
SCORERS = ["Alan Shearer", "Les Ferdinand", "Ian Wright", "Robbie Fowler", "Juergen Klinsmann", "Fredi Bobic",
           "Ulf Kirsten", "Paul Gascoigne", "Brian Laudrup", "Pierre van Hooijdonk", "Dwight Yorke", "Matt Le Tissier",
           "Stan Collymore", "Andreas Moeller", "Mario Basler", "Gianfranco Zola"]
TENNIS_MEN = [("Pete Sampras", "U.S."), ("Andre Agassi", "U.S."), ("Tim Henman", "Britain"), ("Boris Becker", "Germany"),
              ("Yevgeny Kafelnikov", "Russia"), ("Goran Ivanisevic", "Croatia"), ("Thomas Muster", "Austria"),
              ("Michael Chang", "U.S."), ("Richard Krajicek", "Netherlands"), ("Marcelo Rios", "Chile"),
              ("Carlos Moya", "Spain"), ("Cedric Pioline", "France"), ("Petr Korda", "Czech Republic"),
              ("Greg Rusedski", "Britain"), ("Magnus Larsson", "Sweden"), ("Wayne Ferreira", "South Africa"),
              ("Thomas Enqvist", "Sweden"), ("Alex Corretja", "Spain"), ("Mark Philippoussis", "Australia"),
              ("Jonas Bjorkman", "Sweden")]
TENNIS_EVENTS = [("ITALIAN OPEN", "Italian Open", "ROME"), ("ATP TOUR WORLD CHAMPIONSHIP", "ATP Tour World Championship", "HANOVER"),
                 ("LIPTON CHAMPIONSHIPS", "Lipton Championships", "KEY BISCAYNE"), ("PARIS OPEN", "Paris Open", "PARIS"),
                 ("QUEEN 'S CLUB", "Stella Artois Championships", "LONDON")]
GOLFERS = [("Ernie Els", "South Africa"), ("Nick Faldo", "Britain"), ("Colin Montgomerie", "Scotland"),
           ("Greg Norman", "Australia"), ("Vijay Singh", "Fiji"), ("Jose Maria Olazabal", "Spain"),
           ("Bernhard Langer", "Germany"), ("Fred Couples", "U.S."), ("Davis Love", "U.S."), ("Nick Price", "Zimbabwe"),
           ("Steve Elkington", "Australia"), ("Costantino Rocca", "Italy"), ("Ian Woosnam", "Wales"),
           ("Jesper Parnevik", "Sweden"), ("Lee Westwood", "England"), ("Darren Clarke", "Northern Ireland")]
GOLF_EVENTS = [("BRITISH OPEN", "British Open", "TROON", "Britain"), ("GERMAN MASTERS", "German Masters", "BERLIN", "Germany"),
               ("DUBAI DESERT CLASSIC", "Dubai Desert Classic", "DUBAI", "United Arab Emirates"),
               ("AUSTRALIAN OPEN", "Australian Open", "SYDNEY", "Australia")]
RIDERS = [("Jan Ullrich", "Germany", "Telekom"), ("Richard Virenque", "France", "Festina"),
          ("Marco Pantani", "Italy", "Mercatone Uno"), ("Abraham Olano", "Spain", "Banesto"),
          ("Laurent Jalabert", "France", "ONCE"), ("Alex Zulle", "Switzerland", "ONCE"), ("Erik Zabel", "Germany", "Telekom"),
          ("Mario Cipollini", "Italy", "Saeco"), ("Johan Museeuw", "Belgium", "Mapei"), ("Bjarne Riis", "Denmark", "Telekom"),
          ("Fernando Escartin", "Spain", "Kelme"), ("Laurent Dufaux", "Switzerland", "Festina"),
          ("Michael Boogerd", "Netherlands", "Rabobank"), ("Frank Vandenbroucke", "Belgium", "Mapei")]
STAGE_TOWNS = ["Bordeaux", "Pau", "Morzine", "Courchevel", "Saint-Etienne", "Colmar", "Montpellier", "Dijon", "Rouen", "Plumelec"]
MARKETS = [("Siemens", "Frankfurt", "marks", "Heinrich von Pierer"), ("Daimler-Benz", "Frankfurt", "marks", "Juergen Schrempp"),
           ("Deutsche Bank", "Frankfurt", "marks", "Hilmar Kopper"), ("Alcatel Alsthom", "Paris", "francs", "Serge Tchuruk"),
           ("Elf Aquitaine", "Paris", "francs", "Philippe Jaffre"), ("Nestle", "Zurich", "Swiss francs", "Helmut Maucher"),
           ("Philips", "Amsterdam", "guilders", "Cor Boonstra"), ("Unilever", "Amsterdam", "guilders", "Morris Tabaksblat"),
           ("Glaxo Wellcome", "London", "pence", "Richard Sykes"), ("British Petroleum", "London", "pence", "John Browne"),
           ("Ericsson", "Stockholm", "crowns", "Lars Ramqvist"), ("Nokia", "Helsinki", "markka", "Jorma Ollila"),
           ("Fiat", "Milan", "lire", "Cesare Romiti"), ("Olivetti", "Milan", "lire", "Roberto Colaninno"),
           ("Sony", "Tokyo", "yen", "Nobuyuki Idei"), ("Toyota", "Tokyo", "yen", "Hiroshi Okuda")]
BROKERS = ["Merrill Lynch", "Goldman Sachs", "UBS", "Deutsche Morgan Grenfell", "Paribas", "Nomura", "BZW", "Credit Suisse First Boston"]
DIPLOMATS = [("Germany", "Bonn", "German", "Klaus Kinkel"), ("France", "Paris", "French", "Herve de Charette"),
             ("Britain", "London", "British", "Malcolm Rifkind"), ("Italy", "Rome", "Italian", "Lamberto Dini"),
             ("Spain", "Madrid", "Spanish", "Abel Matutes"), ("Turkey", "Ankara", "Turkish", "Tansu Ciller"),
             ("Greece", "Athens", "Greek", "Theodoros Pangalos"), ("Egypt", "Cairo", "Egyptian", "Amr Moussa"),
             ("Jordan", "Amman", "Jordanian", "Abdul-Karim al-Kabariti"), ("Syria", "Damascus", "Syrian", "Farouq al-Shara"),
             ("Iran", "Tehran", "Iranian", "Ali Akbar Velayati"), ("China", "Beijing", "Chinese", "Qian Qichen"),
             ("Japan", "Tokyo", "Japanese", "Yukihiko Ikeda"), ("Poland", "Warsaw", "Polish", "Dariusz Rosati"),
             ("Ukraine", "Kiev", "Ukrainian", "Hennadiy Udovenko"), ("Kazakhstan", "Almaty", "Kazakh", "Kassymzhomart Tokayev")]
SUBJECTS = ["trade and investment", "regional security", "the peace process", "energy cooperation", "fishing rights",
            "visa rules", "a new gas pipeline"]
COUNTIES = [("Leicestershire", "Leicester"), ("Somerset", "Taunton"), ("Surrey", "The Oval"), ("Essex", "Chelmsford"),
            ("Kent", "Canterbury"), ("Yorkshire", "Headingley"), ("Lancashire", "Old Trafford"), ("Warwickshire", "Edgbaston"),
            ("Derbyshire", "Derby"), ("Durham", "Chester-le-Street"), ("Glamorgan", "Cardiff"), ("Hampshire", "Southampton"),
            ("Middlesex", "Lord's"), ("Nottinghamshire", "Trent Bridge"), ("Sussex", "Hove"), ("Worcestershire", "Worcester")]
CRICKETERS = ["Vince Wells", "James Whitaker", "Alan Mullally", "Graham Rose", "Alec Stewart", "Graham Thorpe", "Nasser Hussain",
              "Ronnie Irani", "Mark Ealham", "Michael Vaughan", "Darren Gough", "Mike Atherton", "Nick Knight", "Dominic Cork",
              "Kim Barnett", "John Morris", "Hugh Morris", "Steve James", "Robin Smith", "Mark Ramprakash", "Tim Robinson",
              "Chris Adams", "Graeme Hick", "Tom Moody"]
MLB = {"Eastern": ["New York", "Baltimore", "Boston", "Toronto", "Detroit"],
       "Central": ["Cleveland", "Chicago", "Minnesota", "Milwaukee", "Kansas City"],
       "Western": ["Texas", "Seattle", "Oakland", "California"]}


def soccer_results(rng: random.Random) -> str:
    caps, adjective, division, clubs, city = rng.choice(LEAGUES)
    day = rng.choice(["Saturday", "Sunday", "Wednesday"])
    teams = rng.sample(clubs, 8)
    lines = [f"SOCCER - [MISC {caps}] LEAGUE RESULTS .", f"{_caps_loc(city.title())} {_date(rng, (1995, 1998))}",
             f"Results of [MISC {adjective}] {division} matches on {day} :"]
    for home, away in zip(teams[::2], teams[1::2], strict=True):
        lines.append(f"[ORG {home}] {rng.randint(0, 4)} [ORG {away}] {rng.randint(0, 3)}")
    if rng.random() < 0.7:
        lines.append("Standings ( tabulate under played , won , drawn , lost , goals for , against , points ) :")
        for club in rng.sample(clubs, 6):
            won, drawn, lost = rng.randint(0, 8), rng.randint(0, 5), rng.randint(0, 6)
            lines.append(f"[ORG {club}] {won + drawn + lost} {won} {drawn} {lost} {rng.randint(5, 25)} {rng.randint(5, 20)} {3 * won + drawn}")
    else:
        scorer = rng.choice(SCORERS)
        lines.append(f"[PER {scorer}] scored twice as [ORG {teams[0]}] beat [ORG {teams[1]}] to move up the table.")
    return "\n".join(lines)


def tennis_results(rng: random.Random) -> str:
    caps, name, city = rng.choice(TENNIS_EVENTS)
    players = rng.sample(TENNIS_MEN, 8)
    lines = [f"TENNIS - RESULTS AT [MISC {caps}] .", f"{_caps_loc(city.title())} {_date(rng, (1995, 1999))}",
             f"Results from the [MISC {name}] on {rng.choice(DAYS)} ( prefix number denotes seeding ) :",
             rng.choice(["Men 's singles , second round", "Men 's singles , quarter-finals", "Singles , third round"])]
    for i in range(0, 8, 2):
        (a, ac), (b, bc) = players[i], players[i + 1]
        seed = f"{rng.randint(1, 8)} - " if rng.random() < 0.5 else ""
        lines.append(f"{seed}[PER {a}] ( [LOC {ac}] ) beat [PER {b}] ( [LOC {bc}] ) {rng.randint(6, 7)}-{rng.randint(1, 4)} {rng.randint(6, 7)}-{rng.randint(2, 5)}")
    return "\n".join(lines)


def golf_leaderboard(rng: random.Random) -> str:
    caps, name, city, country = rng.choice(GOLF_EVENTS)
    rnd = rng.choice(["first", "second", "third"])
    lines = [f"GOLF - LEADING SCORES AT [MISC {caps}] .", f"{_caps_loc(city.title())} , [LOC {country}] {_date(rng, (1994, 1998))}",
             f"Leading scores after the {rnd} round of the [MISC {name}] on {rng.choice(DAYS)} ( [MISC British] unless stated ) :"]
    total = rng.randint(130, 140)
    for player, nation in rng.sample(GOLFERS, 7):
        a = rng.randint(64, 72)
        lines.append(f"{total} [PER {player}] ( [LOC {nation}] ) {a} {total - a}")
        total += rng.randint(0, 2)
    return "\n".join(lines)


def cycling_stage(rng: random.Random) -> str:
    town = rng.choice(STAGE_TOWNS)
    stage = rng.randint(2, 20)
    lines = [f"CYCLING - [MISC TOUR DE FRANCE] STAGE {stage} RESULTS .", f"{_caps_loc(town)} , [LOC France] {_date(rng, (1995, 1999))}",
             f"Leading results of the {stage}th stage of the [MISC Tour de France] , a {rng.randint(150, 240)} km ride to [LOC {town}] :"]
    for place, (rider, nation, team) in enumerate(rng.sample(RIDERS, 6), 1):
        time = f"{rng.randint(4, 6)}:{rng.randint(10, 59)}:{rng.randint(10, 59)}" if place == 1 else "same time"
        lines.append(f"{place}. [PER {rider}] ( [LOC {nation}] ) [ORG {team}] {time}")
    leader, nation, team = rng.choice(RIDERS)
    lines.append(f"Overall leader : [PER {leader}] ( [LOC {nation}] ) [ORG {team}]")
    return "\n".join(lines)


def market_report(rng: random.Random) -> str:
    company, city, currency, boss = rng.choice(MARKETS)
    broker = rng.choice(BROKERS)
    move = rng.choice(["rose", "fell", "jumped", "slipped"])
    lines = [f"[ORG {company.upper()}] SHARES {move.upper()} ON RESULTS .", f"{_caps_loc(city)} {_date(rng, (1996, 2004))}",
             f"Shares in [ORG {company}] {move} {rng.randint(1, 9)}.{rng.randint(1, 9)} percent to {rng.randint(20, 900)} {currency} in [LOC {city}] on {rng.choice(DAYS[:5])} after the group reported half-year results.",
             f"Chairman [PER {boss}] said the outlook for the second half was {rng.choice(['cautious', 'good', 'uncertain'])}.",
             f"An analyst at [ORG {broker}] said the figures were {rng.choice(['in line with', 'above', 'below'])} expectations."]
    other, other_city, _, _ = rng.choice([m for m in MARKETS if m[0] != company])
    lines.append(f"Rival [ORG {other}] , which reports next week , was little changed in [LOC {other_city}] .")
    return "\n".join(lines)


def diplomatic_brief(rng: random.Random) -> str:
    (c1, cap1, dem1, fm1), (c2, cap2, dem2, fm2) = rng.sample(DIPLOMATS, 2)
    subject = rng.choice(SUBJECTS)
    lines = [f"[LOC {c1.upper()}] MINISTER TO VISIT [LOC {c2.upper()}] .", f"{_caps_loc(cap1)} {_date(rng, (1995, 1999))}",
             f"[PER {fm1}] , [LOC {c1}] 's foreign minister , will visit [LOC {cap2}] next week for talks on {subject} with his [MISC {dem2}] counterpart [PER {fm2}] , the [ORG Foreign Ministry] said on {rng.choice(DAYS[:5])} .",
             f"It will be the first visit to [LOC {c2}] by a [MISC {dem1}] foreign minister since {rng.randint(1985, 1994)} ."]
    if rng.random() < 0.5:
        lines.append(f"[PER {fm1.split()[-1]}] will also meet President [PER {rng.choice(['Bill Clinton', 'Boris Yeltsin', 'Jacques Chirac', 'Hosni Mubarak', 'Jiang Zemin'])}] 's envoy in [LOC {cap2}] .")
    return "\n".join(lines)


def cricket_scores(rng: random.Random) -> str:
    lines = ["CRICKET - [MISC ENGLISH] COUNTY CHAMPIONSHIP SCORES .", f"[LOC LONDON] {_date(rng, (1995, 1998))}",
             f"Close of play scores in four-day [MISC English] county championship cricket matches on {rng.choice(DAYS)} :"]
    for (home, ground), (away, _) in zip(*[iter(rng.sample(COUNTIES, 6))] * 2, strict=True):
        batsman, bowler = rng.sample(CRICKETERS, 2)
        lines.append(f"At [LOC {ground}] : [ORG {home}] {rng.randint(150, 450)} ( [PER {batsman}] {rng.randint(50, 150)} ; "
                     f"[PER {bowler}] {rng.randint(3, 6)}-{rng.randint(30, 90)} ) and {rng.randint(20, 200)}-{rng.randint(1, 5)} . "
                     f"[ORG {away}] {rng.randint(100, 400)} .")
    return "\n".join(lines)


def baseball_standings(rng: random.Random) -> str:
    day = rng.choice(DAYS)
    lines = [f"BASEBALL - MAJOR LEAGUE STANDINGS AFTER {day.upper()} 'S GAMES .", f"[LOC NEW YORK] {_date(rng, (1996, 1998))}",
             f"[ORG Major League Baseball] standings after games played on {day} ( tabulate under won , lost , winning percentage and games behind ) :"]
    for division, teams in MLB.items():
        lines.append(f"{division.upper()} DIVISION")
        lines.append("W L PCT GB")
        won = rng.randint(70, 85)
        for team in teams:
            lost = rng.randint(50, 70)
            lines.append(f"[ORG {team.upper()}] {won} {lost} .{rng.randint(400, 620)} {rng.randint(0, 15)}")
            won -= rng.randint(1, 5)
    lines.append(f"{day.upper()} 'S RESULTS")
    pool = [t for teams in MLB.values() for t in teams]
    for _ in range(3):
        away, home = rng.sample(pool, 2)
        lines.append(f"[ORG {away}] {rng.randint(0, 9)} [ORG {home.upper()}] {rng.randint(0, 9)}")
    return "\n".join(lines)


def tuning_templated(rng: random.Random) -> list[str]:
    makers = [(soccer_results, 7), (tennis_results, 5), (golf_leaderboard, 4), (cycling_stage, 4), (market_report, 5),
              (diplomatic_brief, 5), (cricket_scores, 3), (baseball_standings, 2)]
    return [make(rng) for make, count in makers for _ in range(count)]


# --- held-out pools and templates ---------------------------------------------------------------

SPANISH_CLUBS = ["Barcelona", "Real Madrid", "Deportivo Coruna", "Valencia", "Atletico Madrid", "Real Betis", "Sevilla",
                 "Athletic Bilbao", "Espanyol", "Real Zaragoza", "Celta Vigo", "Tenerife", "Racing Santander", "Oviedo"]
ITALIAN_CLUBS = ["Milan", "Lazio", "Roma", "Fiorentina", "Sampdoria", "Bologna", "Vicenza", "Napoli", "Atalanta",
                 "Piacenza", "Cagliari", "Perugia", "Reggiana", "Verona"]
DUTCH_CLUBS = ["Ajax", "PSV Eindhoven", "Feyenoord", "Vitesse Arnhem", "Twente Enschede", "Heerenveen", "Roda JC",
               "NAC Breda", "Utrecht", "Groningen", "Sparta Rotterdam", "Willem II"]
FRENCH_CLUBS = ["Paris St Germain", "Monaco", "Bordeaux", "Auxerre", "Nantes", "Lens", "Marseille", "Metz", "Strasbourg",
                "Lyon", "Rennes", "Guingamp"]
HELDOUT_SCORERS = ["Ronaldo", "Davor Suker", "Predrag Mijatovic", "Gabriel Batistuta", "Roberto Baggio", "George Weah",
                   "Luc Nilis", "Jari Litmanen", "Youri Djorkaeff", "Marco Simone", "Hernan Crespo", "Fernando Morientes",
                   "Alfonso Perez", "Kiko", "Christian Vieri", "Ronald de Boer"]
HELDOUT_LEAGUES = [("Spanish", SPANISH_CLUBS, "MADRID"), ("Italian", ITALIAN_CLUBS, "ROME"),
                   ("Dutch", DUTCH_CLUBS, "AMSTERDAM"), ("French", FRENCH_CLUBS, "PARIS")]
SPRINTERS = [("Merlene Ottey", "Jamaica"), ("Gail Devers", "U.S."), ("Gwen Torrence", "U.S."), ("Irina Privalova", "Russia"),
             ("Marie-Jose Perec", "France"), ("Juliet Cuthbert", "Jamaica"), ("Mary Onyali", "Nigeria"),
             ("Zhanna Pintusevich", "Ukraine"), ("Chandra Sturrup", "Bahamas"), ("Christy Opara-Thompson", "Nigeria"),
             ("Ekaterini Thanou", "Greece"), ("Melinda Gainsford-Taylor", "Australia")]
MEETINGS = [("ZURICH", "Weltklasse", "Zurich", "Switzerland"), ("OSLO", "Bislett Games", "Oslo", "Norway"),
            ("BRUSSELS", "Ivo Van Damme Memorial", "Brussels", "Belgium"), ("MONACO", "Herculis", "Monaco", "Monaco")]
SKIERS = [("Michael von Gruenigen", "Switzerland"), ("Alberto Tomba", "Italy"), ("Lasse Kjus", "Norway"),
          ("Kjetil Andre Aamodt", "Norway"), ("Hermann Maier", "Austria"), ("Josef Strobl", "Austria"),
          ("Luc Alphand", "France"), ("Urs Kaelin", "Switzerland"), ("Hans Knauss", "Austria"), ("Mario Reiter", "Austria"),
          ("Thomas Sykora", "Austria"), ("Fredrik Nyberg", "Sweden"), ("Tom Stiansen", "Norway"), ("Christian Mayer", "Austria")]
SKI_VENUES = [("Soelden", "Austria"), ("Val d'Isere", "France"), ("Kitzbuehel", "Austria"), ("Wengen", "Switzerland"),
              ("Kranjska Gora", "Slovenia"), ("Alta Badia", "Italy"), ("Garmisch-Partenkirchen", "Germany")]
NBA = ["Houston", "Sacramento", "Phoenix", "Seattle", "Denver", "Orlando", "Miami", "Boston", "Atlanta", "Portland",
       "Indiana", "Charlotte", "Milwaukee", "Toronto", "Vancouver", "Dallas"]
NBA_PLAYERS = ["Hakeem Olajuwon", "Shaquille O'Neal", "Gary Payton", "Shawn Kemp", "Charles Barkley", "Reggie Miller",
               "Alonzo Mourning", "Tim Hardaway", "Glen Rice", "Clyde Drexler", "Mitch Richmond", "Grant Hill",
               "Glenn Robinson", "Damon Stoudamire", "Jason Kidd", "Anfernee Hardaway"]
EARNERS = [("General Motors", "Detroit", "John Smith"), ("Ford Motor Co", "Dearborn", "Alex Trotman"),
           ("International Business Machines", "Armonk", "Louis Gerstner"), ("Intel Corp", "Santa Clara", "Andrew Grove"),
           ("Coca-Cola Co", "Atlanta", "Roberto Goizueta"), ("Boeing Co", "Seattle", "Philip Condit"),
           ("Procter & Gamble", "Cincinnati", "John Pepper"), ("Hewlett-Packard", "Palo Alto", "Lewis Platt"),
           ("Chrysler Corp", "Auburn Hills", "Robert Eaton"), ("Walt Disney Co", "Burbank", "Michael Eisner"),
           ("Merck & Co", "Whitehouse Station", "Raymond Gilmartin"), ("Xerox Corp", "Stamford", "Paul Allaire")]
ELECTIONS = [("Austria", "VIENNA", [("Social Democrats", "Franz Vranitzky"), ("People 's Party", "Wolfgang Schuessel"),
                                   ("Freedom Party", "Joerg Haider"), ("Greens", None)]),
             ("Israel", "JERUSALEM", [("Likud", "Benjamin Netanyahu"), ("Labour", "Shimon Peres"), ("Shas", None)]),
             ("Spain", "MADRID", [("Popular Party", "Jose Maria Aznar"), ("Socialists", "Felipe Gonzalez"),
                                  ("United Left", "Julio Anguita")]),
             ("India", "NEW DELHI", [("Bharatiya Janata Party", "Atal Behari Vajpayee"), ("Congress", "Narasimha Rao"),
                                     ("Janata Dal", "H.D. Deve Gowda")]),
             ("Romania", "BUCHAREST", [("Democratic Convention", "Emil Constantinescu"), ("Social Democracy Party", "Ion Iliescu"),
                                       ("Social Democratic Union", "Petre Roman")])]


def heldout_soccer(rng: random.Random) -> str:
    adjective, clubs, city = rng.choice(HELDOUT_LEAGUES)
    teams = rng.sample(clubs, 6)
    lines = [f"SOCCER - [MISC {adjective.upper()}] FIRST DIVISION SUMMARIES .", f"{_caps_loc(city.title())} {_date(rng, (1996, 1999))}",
             f"Summaries of [MISC {adjective}] first division matches played on {rng.choice(['Saturday', 'Sunday'])} :"]
    for home, away in zip(teams[::2], teams[1::2], strict=True):
        goals = rng.randint(1, 3)
        lines.append(f"[ORG {home}] {goals} ( [PER {rng.choice(HELDOUT_SCORERS)}] {rng.randint(5, 89)} ) [ORG {away}] {rng.randint(0, goals)}")
        lines.append(f"Attendance : {rng.randint(8, 90)},{rng.randint(100, 999)}")
    lines.append("Leading positions :")
    for club in rng.sample(clubs, 4):
        lines.append(f"[ORG {club}] {rng.randint(10, 20)} {rng.randint(5, 12)} {rng.randint(1, 5)} {rng.randint(0, 5)} {rng.randint(15, 35)} {rng.randint(5, 20)} {rng.randint(18, 40)}")
    return "\n".join(lines)


def athletics_meeting(rng: random.Random) -> str:
    city_caps, meeting, city, country = rng.choice(MEETINGS)
    lines = [f"ATHLETICS - RESULTS FROM [MISC {meeting.upper()}] MEETING .", f"[LOC {city_caps}] {_date(rng, (1995, 1999))}",
             f"Leading results at the [MISC {meeting}] athletics meeting in [LOC {city}] on {rng.choice(DAYS)} :",
             rng.choice(["Women 's 100 metres", "Women 's 200 metres"])]
    for place, (runner, nation) in enumerate(rng.sample(SPRINTERS, 5), 1):
        lines.append(f"{place}. [PER {runner}] ( [LOC {nation}] ) {rng.randint(10, 11)}.{rng.randint(10, 99)}")
    return "\n".join(lines)


def ski_results(rng: random.Random) -> str:
    venue, country = rng.choice(SKI_VENUES)
    race = rng.choice(["giant slalom", "slalom", "downhill", "super-G"])
    lines = [f"ALPINE SKIING - MEN 'S [MISC WORLD CUP] {race.upper()} RESULTS .", f"{_caps_loc(venue)} , [LOC {country}] {_date(rng, (1995, 1999))}",
             f"Results of a men 's [MISC World Cup] {race} in [LOC {venue}] on {rng.choice(DAYS)} :"]
    for place, (skier, nation) in enumerate(rng.sample(SKIERS, 5), 1):
        lines.append(f"{place}. [PER {skier}] ( [LOC {nation}] ) {rng.randint(1, 2)}:{rng.randint(10, 59)}.{rng.randint(10, 99)}")
    leader, nation = rng.choice(SKIERS)
    lines.append(f"[MISC World Cup] standings : 1. [PER {leader}] ( [LOC {nation}] ) {rng.randint(300, 900)} points")
    return "\n".join(lines)


def nba_results(rng: random.Random) -> str:
    day = rng.choice(DAYS)
    teams = rng.sample(NBA, 8)
    lines = ["BASKETBALL - [ORG NBA] RESULTS .", f"[LOC NEW YORK] {_date(rng, (1996, 1999))}",
             f"Results of [ORG National Basketball Association] games on {day} ( home team in CAPS ) :"]
    for away, home in zip(teams[::2], teams[1::2], strict=True):
        lines.append(f"[ORG {away}] {rng.randint(80, 120)} [ORG {home.upper()}] {rng.randint(80, 120)}")
    star = rng.choice(NBA_PLAYERS)
    lines.append(f"[PER {star}] had {rng.randint(20, 45)} points and {rng.randint(5, 18)} rebounds to lead [ORG {teams[1]}] .")
    return "\n".join(lines)


def earnings_brief(rng: random.Random) -> str:
    company, town, boss = rng.choice(EARNERS)
    quarter = rng.choice(["first", "second", "third", "fourth"])
    lines = [f"[ORG {company}] {quarter}-quarter profit {rng.choice(['up', 'down'])} {rng.randint(3, 30)} pct",
             f"{_caps_loc(town)} {_date(rng, (1996, 2001))}",
             f"[ORG {company}] said on {rng.choice(DAYS[:5])} its {quarter}-quarter net profit was ${rng.randint(100, 2000)} million , or ${rng.randint(1, 4)}.{rng.randint(10, 99)} a share .",
             f"Chairman [PER {boss}] said demand in [LOC {rng.choice(['Europe', 'Asia', 'Latin America', 'Japan', 'China'])}] had been {rng.choice(['weak', 'strong', 'mixed'])} .",
             f"The results were {rng.choice(['above', 'below', 'in line with'])} the consensus forecast compiled by [ORG {rng.choice(['First Call', 'IBES', 'Zacks Investment Research'])}] .",
             f"Its shares closed {rng.choice(['up', 'down'])} {rng.randint(1, 3)} at {rng.randint(20, 140)} on the [ORG New York Stock Exchange] ."]
    return "\n".join(lines)


def election_results(rng: random.Random) -> str:
    country, capital, parties = rng.choice(ELECTIONS)
    lines = [f"[LOC {country.upper()}] ELECTION - PARTY RESULTS .", f"[LOC {capital}] {_date(rng, (1994, 1998))}",
             f"Following are provisional results of {rng.choice(DAYS)} 's general election in [LOC {country}] , according to the electoral commission :"]
    share = 100.0
    for party, leader in parties:
        got = round(rng.uniform(5, share / 2), 1)
        share -= got
        led = f" ( led by [PER {leader}] )" if leader else ""
        lines.append(f"[ORG {party}]{led} {got} percent , {rng.randint(5, 150)} seats")
    return "\n".join(lines)


def heldout_templated(rng: random.Random) -> list[str]:
    makers = [(heldout_soccer, 6), (athletics_meeting, 5), (ski_results, 5), (nba_results, 4), (earnings_brief, 6),
              (election_results, 4)]
    return [make(rng) for make, count in makers for _ in range(count)]
