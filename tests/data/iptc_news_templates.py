"""Templates and slot values for tests/data/make_iptc_news.py (see its docstring).

A template is (language, label key, title, text, set). In a template, {slot} is a value of
SLOTS[slot] (the same within one item; the tuning set draws from even positions, the held-out set
from odd ones), {n:3-90} a number in a range, {pct} a percentage figure, {year} a year 2004-2026,
[a|b|c] one of the alternatives and ((...)) an optional sentence or phrase.
"""

from __future__ import annotations

SLOTS: dict[str, list[str]] = {
    "techco": ["Microsoft", "Apple", "Google", "Nokia", "Sony", "Intel", "IBM", "Samsung", "Yahoo", "Amazon",
               "Motorola", "Nvidia", "AMD", "Dell", "Hewlett-Packard", "Oracle", "Ericsson", "Research In Motion",
               "Huawei", "Xiaomi", "Meta", "Qualcomm", "Cisco", "Lenovo", "Toshiba", "Palm", "Adobe", "Tencent",
               "Baidu", "Sun Microsystems", "Logitech", "Sharp"],
    "gadget": ["smartphone", "handset", "laptop", "tablet computer", "games console", "portable music player",
               "digital camera", "smartwatch", "e-book reader", "set-top box", "virtual reality headset",
               "pair of wireless earbuds", "netbook", "smart speaker", "camera phone", "handheld games machine"],
    "feature": ["a longer-lasting battery", "a folding screen", "a built-in camera and MP3 player", "face recognition",
                "a faster processor", "satellite messaging", "an on-device AI assistant", "a high-definition display",
                "wi-fi and Bluetooth", "a touch screen", "gesture controls", "twice the memory of its predecessor"],
    "software": ["Windows", "its web browser", "the Office suite", "its e-mail program", "its mobile operating system",
                 "its search engine", "its cloud storage service", "its video-calling app", "its photo-sharing app",
                 "its instant messaging software", "its media player", "its smartphone app store"],
    "secfirm": ["Sophos", "Symantec", "F-Secure", "Kaspersky Lab", "McAfee", "Trend Micro", "Check Point", "ESET",
                "CrowdStrike", "Mandiant", "Panda Software", "Bitdefender"],
    "worm": ["Kelvir", "Lorbex", "Zorak", "Tamsin", "Brontok", "Quaver", "Vexa", "Hollis", "Murdock", "Ostrava"],
    "university": ["the University of Cambridge", "MIT", "Stanford University", "Imperial College London", "ETH Zurich",
                   "the University of Tokyo", "Caltech", "the University of Manchester", "Harvard",
                   "the Max Planck Institute", "the University of Edinburgh", "Delft University of Technology", "KAIST",
                   "the University of Toronto", "University College London", "the University of Sydney"],
    "journal": ["Nature", "Science", "Physical Review Letters", "Nature Physics", "PNAS", "Nature Materials",
                "the Astrophysical Journal", "Nature Electronics"],
    "agency": ["Nasa", "The European Space Agency", "China's space agency", "India's space agency", "Japan's space agency",
               "SpaceX", "Russia's space agency", "The UK Space Agency"],
    "target": ["Mars", "Saturn's moon Titan", "the asteroid Bennu", "Jupiter's icy moon Europa", "a comet",
               "the far side of the Moon", "Mercury", "Venus", "the Moon's south pole", "a near-Earth asteroid"],
    "game": ["Shadow Circuit", "Kingdom Forge 3", "Turbo League", "Star Nomad", "Ironfall", "Dragon Coast",
             "Metro Rush", "Pixel Knights", "Hollow Stars", "Grid Racer 2"],
    "console": ["PlayStation", "Xbox", "Nintendo Switch", "Wii", "PlayStation Portable", "Nintendo DS", "Xbox 360",
                "PlayStation 5"],
    "firm": ["BP, the oil major,", "Tesco, Britain's biggest supermarket chain,", "Unilever, the consumer goods group,",
             "General Motors, the largest US carmaker,", "Nestle, the Swiss food group,", "HSBC, Europe's biggest bank,",
             "Walmart, the world's largest retailer,", "Carrefour, the French supermarket group,",
             "Rio Tinto, the mining group,", "Deutsche Bank, Germany's biggest lender,", "Heineken, the Dutch brewer,",
             "Inditex, the owner of Zara,", "Allianz, the German insurer,", "Diageo, the drinks group,",
             "ArcelorMittal, the steelmaker,", "Boeing, the US planemaker,", "Marks & Spencer, the high street retailer,",
             "Citigroup, the US bank,", "Royal Dutch Shell", "Toyota, the Japanese carmaker,",
             "Vodafone, the mobile phone operator,", "Siemens, the German engineering group,"],
    "bidder": ["a US private equity group", "its larger rival", "a consortium of pension funds", "a Chinese state-backed firm",
               "the Qatari sovereign wealth fund", "a French conglomerate", "an American buyout firm", "a Japanese trading house"],
    "cb": ["The Bank of England", "The US Federal Reserve", "The European Central Bank", "The Bank of Japan",
           "The Reserve Bank of Australia", "The Swiss National Bank", "Brazil's central bank", "The Bank of Canada",
           "Sweden's Riksbank", "The Reserve Bank of India"],
    "currency": ["the pound", "the euro", "the yen", "the dollar", "the Swiss franc", "the rouble", "the rand",
                 "the Turkish lira", "the Australian dollar", "the Mexican peso"],
    "index": ["The FTSE 100", "The Dow Jones Industrial Average", "Tokyo's Nikkei", "Germany's Dax", "The S&P 500",
              "France's Cac 40", "Hong Kong's Hang Seng", "The Nasdaq composite"],
    "airline": ["British Airways", "Lufthansa", "Ryanair", "easyJet", "Air France-KLM", "Delta Air Lines",
                "United Airlines", "Qantas", "US Airways", "Alitalia", "Iberia", "Virgin Atlantic"],
    "carmaker": ["General Motors", "Ford", "Toyota", "Volkswagen", "Fiat", "Renault", "Nissan", "BMW", "Daimler",
                 "Peugeot", "Hyundai", "Honda"],
    "country": ["Germany", "Japan", "China", "India", "Brazil", "France", "Italy", "Spain", "Britain", "the US",
                "Russia", "Mexico", "Canada", "Australia", "South Korea", "Turkey", "Indonesia", "Poland", "Argentina",
                "South Africa"],
    "month": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"],
    "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Monday", "Tuesday", "Wednesday"],
    "money": ["$2.3bn", "£450m", "€1.2bn", "$780m", "£3.1bn", "€640m", "$12bn", "£95m", "$5.4bn", "€7bn", "£1.7bn", "$310m"],
    "actor": ["Kate Harlow", "Daniel Marsh", "Julia Renner", "Tom Aldridge", "Nadia Costa", "Ben Okafor", "Lena Vogt",
              "Marcus Reid", "Elena Sava", "Oliver Quint", "Priya Nair", "Sam Whitaker", "Rosa Delgado", "Hugh Penrose"],
    "film": ["The Quiet Harbour", "Midnight Line", "Iron Meadow", "The Last Ferryman", "Paper Crowns",
             "Northern Lights Hotel", "Blue Hour", "The Glass Orchard", "Saltwater Kings", "A Winter in Lyon",
             "Dust and Thunder", "The Cartographer's Daughter"],
    "band": ["The Hollow Pines", "Neon Parade", "Velvet Static", "Kestrel", "The Marlowes", "Silver Arcade",
             "Cold Harbour", "Paper Tigers", "The Lantern Club", "Glasshouse", "Ruby Engines", "The Drift"],
    "singer": ["Mia Castell", "Jay Rowan", "Adele-style balladeer Nora Quinn", "rapper K-Vantage", "Lily Brennan",
               "soul singer Marcus Bell", "Tess Monroe", "DJ Halvard", "Carla Vieira", "Danny Fenwick"],
    "channel": ["BBC One", "ITV", "Channel 4", "HBO", "Netflix", "Sky Atlantic", "CBS", "NBC", "Channel 5",
                "Amazon Prime Video", "BBC Two", "Apple TV+"],
    "club": ["Chelsea", "Arsenal", "Manchester United", "Liverpool", "Everton", "Newcastle", "Aston Villa",
             "Tottenham", "Celtic", "Rangers", "Real Madrid", "Barcelona", "Juventus", "AC Milan", "Bayern Munich",
             "Porto", "Ajax", "Lyon", "Marseille", "Benfica", "Leeds", "West Ham", "Bolton", "Blackburn"],
    "usteam": ["the New England Patriots", "the Boston Red Sox", "the Los Angeles Lakers", "the Pittsburgh Steelers",
               "the New York Yankees", "the San Antonio Spurs", "the Green Bay Packers", "the St. Louis Cardinals",
               "the Detroit Pistons", "the Philadelphia Eagles", "the Chicago Cubs", "the Miami Heat"],
    "player": ["Andre Kovac", "Lucas Moreau", "Tomas Berdan", "Elise Maret", "Anna Petrova", "Maria Lind",
               "Jonas Ekberg", "Sofia Ruiz", "Karl Hanley", "Yuki Tanaka", "Dmitri Orlov", "Chloe Banner"],
    "surname": ["Hale", "Whitmore", "Crane", "Burke", "Lang", "Kendall", "Ashby", "Fielding", "Ellery", "Tolan",
                "Marsden", "Okoye", "Brandt", "Quigley"],
    "party": ["Labour", "the Conservatives", "the Liberal Democrats", "the SNP", "the Social Democrats",
              "the Christian Democrats", "the Greens", "the Republicans", "the Democrats", "the Tories"],
    "city": ["London", "Paris", "Berlin", "Madrid", "Rome", "Tokyo", "Washington", "Beijing", "Moscow", "Brussels",
             "New Delhi", "Sydney", "Toronto", "Nairobi", "Cairo", "Manchester", "Glasgow", "Chicago", "Lagos", "Seoul"],
    "town": ["Carlisle", "Dundee", "Truro", "Hereford", "Stirling", "Wrexham", "Inverness", "Barnstaple", "Ipswich",
             "Lancaster"],
    # German, Spanish, Italian, Portuguese fillers
    "de_firma": ["Siemens", "BASF", "Volkswagen", "die Deutsche Bank", "Bayer", "Daimler", "die Lufthansa", "Adidas",
                 "SAP", "Henkel", "Thyssenkrupp", "die Commerzbank"],
    "de_verein": ["Bayern München", "Borussia Dortmund", "Werder Bremen", "der Hamburger SV", "Schalke 04",
                  "der VfB Stuttgart", "Eintracht Frankfurt", "Bayer Leverkusen", "der 1. FC Köln", "Hertha BSC"],
    "de_stadt": ["Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Stuttgart", "Leipzig", "Dresden", "Hannover",
                 "Bremen"],
    "es_empresa": ["Telefónica", "el Santander", "BBVA", "Iberdrola", "Repsol", "Inditex", "Mapfre", "Endesa",
                   "Ferrovial", "CaixaBank", "Mercadona", "Acciona"],
    "es_equipo": ["el Real Madrid", "el Barcelona", "el Atlético de Madrid", "el Sevilla", "el Valencia",
                  "el Villarreal", "el Betis", "el Athletic de Bilbao", "la Real Sociedad", "el Celta"],
    "es_ciudad": ["Madrid", "Barcelona", "Sevilla", "Valencia", "Bilbao", "Buenos Aires", "Ciudad de México", "Lima",
                  "Bogotá", "Santiago de Chile"],
    "it_azienda": ["Eni", "Enel", "Fiat", "Telecom Italia", "UniCredit", "Intesa Sanpaolo", "Generali", "Leonardo",
                   "Pirelli", "Luxottica", "Ferrari", "Mediobanca"],
    "it_squadra": ["la Juventus", "il Milan", "l'Inter", "la Roma", "la Lazio", "il Napoli", "la Fiorentina",
                   "l'Atalanta", "il Torino", "il Bologna"],
    "it_citta": ["Roma", "Milano", "Napoli", "Torino", "Firenze", "Bologna", "Genova", "Palermo", "Venezia", "Bari"],
    "pt_empresa": ["a Petrobras", "a Vale", "o Itaú", "o Bradesco", "a EDP", "a Galp", "a Embraer", "a Ambev",
                   "o Banco do Brasil", "a Sonae", "a Natura", "a Jerónimo Martins"],
    "pt_clube": ["o Benfica", "o Porto", "o Sporting", "o Flamengo", "o Corinthians", "o Palmeiras", "o São Paulo",
                 "o Braga", "o Santos", "o Grêmio"],
    "pt_cidade": ["Lisboa", "São Paulo", "Rio de Janeiro", "Porto", "Brasília", "Belo Horizonte", "Coimbra",
                  "Salvador", "Recife", "Braga"],
    "de_month": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober"],
    "de_weekday": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Montag"],
    "es_month": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "septiembre", "octubre", "noviembre"],
    "es_weekday": ["lunes", "martes", "miércoles", "jueves", "viernes", "lunes"],
    "it_month": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre", "novembre"],
    "it_weekday": ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "lunedì"],
    "pt_month": ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "setembro", "outubro", "novembro"],
    "pt_weekday": ["segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "segunda-feira"],
}

# fmt: off
TEMPLATES: list[tuple[str, str, str, str, str]] = [
    # ==================================================================== English, tuning set
    ("en", "sci", "{techco} unveils [slimmer|cheaper|faster] {gadget}",
     "{techco} on {weekday} showed off a {gadget} with {feature}, as it tries to win back customers from rivals. "
     "((The device goes on sale in {month} in Europe and the US.)) ((Analysts said the design was a bold bet "
     "in a crowded market.))", "tune"),
    ("en", "sci", "[New|Fast-spreading|Mass-mailing] worm hits PCs via e-mail",
     "A computer worm known as {worm} is spreading through e-mail attachments and has infected thousands of PCs, "
     "anti-virus firm {secfirm} warned. ((The program opens a back door that lets hackers take control of the "
     "machine.)) Users are urged to update their virus software and not to open unexpected attachments.", "tune"),
    ("en", "sci", "{techco} fixes {n:3-40} flaws in {software}",
     "{techco} has released patches for {n:3-40} security holes in {software}, {n:1-5} of them rated critical. "
     "((Security experts said attackers could use the bugs to run code on a victim's computer simply by luring them "
     "to a booby-trapped web page.))", "tune"),
    ("en", "sci", "Scientists [build|create|demonstrate] [tiny|record-breaking|flexible] [transistor|laser|battery|sensor]",
     "Researchers at {university} say they have made a device that could lead to [faster computers|cheaper solar "
     "cells|longer-lasting phone batteries]. ((The work is published in the journal {journal}.)) ((The team "
     "expects a working prototype within {n:2-6} years.))", "tune"),
    ("en", "sci", "{agency} probe [reaches|sends back images from|lands on] {target}",
     "A probe launched by {agency} in {year} has [reached|landed on|sent back its first pictures of] {target}, "
     "mission controllers said. ((Scientists hope the data will show whether the surface holds frozen water.)) "
     "((The craft travelled for years to get there.))", "tune"),
    ("en", "sci", "Broadband [take-up soars|users double|speeds rise] in {country}",
     "The number of homes with broadband internet in {country} rose {pct}% last year, [regulator|industry] "
     "figures show, as cheaper packages and faster lines lured people away from dial-up. ((Mobile data use "
     "grew even faster.))", "tune"),
    ("en", "sci", "'{game}' [leads|tops] video games chart",
     "{game}, a [racing|fantasy|shooting|football] game for the {console}, has [gone straight to number one in|"
     "topped] the UK games chart in its first week. ((Publishers expect sales of games and consoles to hit a "
     "record this Christmas.))", "tune"),
    ("en", "sci", "{techco} builds AI [assistant|chatbot] into {software}",
     "{techco} will add a generative AI assistant to {software}, letting users [summarise documents|write e-mails|"
     "search their files] by typing questions. ((The tool runs on a large language model trained in its own data "
     "centres.)) ((Privacy groups have asked how user data will be handled.))", "tune"),
    ("en", "sci", "Mobile operators [race|rush] to switch on {n:3-6}G networks",
     "[Phone networks|Mobile operators] in {country} have begun switching on faster {n:3-6}G services, promising "
     "download speeds that rival home broadband. ((Handset makers are launching compatible phones this month.))",
     "tune"),
    ("en", "sci", "Spam [now|] makes up {n:60-95}% of all e-mail",
     "Junk e-mail now accounts for {n:60-95}% of all messages sent, according to e-mail filtering firm {secfirm}, "
     "with most of it sent from hijacked home computers. ((Spammers are increasingly using images to slip past "
     "filters.))", "tune"),
    ("en", "sci", "{techco} [opens|launches] [online music store|video download service|app store] in {country}",
     "{techco} has launched its [download|streaming] service in {country}, letting users [buy songs|rent films|pay for apps] "
     "over the internet. ((The company said its catalogue holds more than {n:1-9} million titles.))", "tune"),
    ("en", "econ", "{firm} [profits|earnings] [rise|jump|fall|slump] {pct}%",
     "{firm} reported a {pct}% [rise|fall] in [first-quarter|half-year|full-year|third-quarter] net profit to "
     "{money}, [beating|missing] analysts' forecasts. ((Its shares [rose|fell] {n:1-9}% in early trading.)) "
     "((The group kept its outlook for the year unchanged.))", "tune"),
    ("en", "econ", "{cb} [holds|raises|cuts] interest rates",
     "{cb} [left its key interest rate unchanged at|raised its main rate to|cut borrowing costs to] {n:1-6}."
     "{n:0-9}% on {weekday}, saying inflation [remained stubborn|was easing|was close to target]. ((Markets had "
     "expected the move.)) ((The decision was backed by {n:5-9} of the policymakers.))", "tune"),
    ("en", "econ", "Oil [climbs above|falls below|jumps past] ${n:40-120} a barrel",
     "Oil prices [rose|fell] on {weekday}, with US crude [topping|dropping below] ${n:40-120} a barrel, amid "
     "[worries about supplies|signs of weaker demand|talk of an Opec output cut]. ((Brent crude traded "
     "slightly higher in London.))", "tune"),
    ("en", "econ", "[Buyout|Takeover] battle for {firm}",
     "{firm} said it had received a {money} takeover approach from {bidder} and was in talks over a possible "
     "offer. ((The company's shares jumped {n:8-30}% on the news.)) ((Shareholders would receive a premium of "
     "about a third.))", "tune"),
    ("en", "econ", "{currency} [slides|rebounds|hits a low] against the dollar",
     "{currency} [fell|rose] to its [weakest|strongest] level against the dollar in {n:2-11} months as traders "
     "[bet on higher interest rates|worried about the trade deficit|reacted to the latest economic data]. "
     "((Exporters welcomed the move.))", "tune"),
    ("en", "econ", "{airline} [cuts flights|warns on profits|raises fares] as fuel costs bite",
     "{airline} said it would [cut capacity by {n:3-12}% this winter|raise fuel surcharges on long-haul "
     "tickets|miss its profit target] because of the soaring price of jet fuel. ((Its shares fell {n:2-9}%.))",
     "tune"),
    ("en", "econ", "{country} economy [grows|shrinks|expands] {pct}%",
     "{country}'s economy [grew|contracted|expanded] by {pct}% in the [first|second|third|fourth] quarter, "
     "official figures show, [driven by consumer spending|as exports slowed|helped by strong investment]. "
     "((Economists said growth was likely to slow next year.))", "tune"),
    ("en", "econ", "{carmaker} [sales|output] [slump|surge] in {month}",
     "{carmaker} said its [car sales|vehicle deliveries] [fell|rose] {pct}% in {month} from a year earlier, "
     "[hit by weak demand in Europe|helped by new models|as buyers waited for price cuts]. ((Dealers offered "
     "discounts and cheap finance to clear stock.))", "tune"),
    ("en", "econ", "[Stocks|Shares] [rally|slide] [as|after] [results|data|Fed remarks]",
     "{index} [closed|ended] {n:1-3}.{n:0-9}% [higher|lower] on {weekday} after [strong results from banks|weak "
     "retail sales figures|comments from the Federal Reserve chairman]. ((Mining shares led the [gains|losses].))",
     "tune"),
    ("en", "econ", "Retail sales [rise|dip|surge] in {month}",
     "Shoppers in {country} [spent more|cut back] in {month}, with retail sales [up|down] {pct}% on the year, "
     "official data showed. ((Clothing and household goods sold well, while food sales were flat.))", "tune"),
    ("en", "arts", "'{film}' [tops box office|wins top prize at film festival]",
     "{film}, starring {actor}, [took {money} at the box office in its opening weekend|won the top prize at the "
     "[Venice|Berlin|Toronto] film festival]. ((Critics praised the director's patient storytelling.))", "tune"),
    ("en", "arts", "{band} [top the charts|announce reunion tour|win best album]",
     "{band} have [gone straight to number one in the album chart|announced a {n:12-40}-date reunion tour|won best "
     "album at the music awards] with their [fourth|debut|latest] record. ((The band's singer thanked fans "
     "for sticking with them.))", "tune"),
    ("en", "arts", "{actor} to star in [new|] {channel} drama",
     "{actor} has signed to play the lead in a new {n:6-10}-part drama for {channel}, based on the best-selling "
     "novel. ((Filming begins in {month}.)) ((The series will be shown next year.))", "tune"),
    ("en", "arts", "{singer} [leads|dominates] award nominations",
     "{singer} has [received {n:4-9} nominations|been nominated in {n:4-9} categories] for this year's music "
     "awards, including best single and best album. ((The ceremony takes place in London in February.))", "tune"),
    ("en", "arts", "West End [show|musical|play] [to close|breaks records|transfers to Broadway]",
     "The [hit musical|stage adaptation|comedy] about {film} [will close in {month} after {n:2-9} years|has "
     "broken the record for ticket sales|will transfer to Broadway next year], its producers said. ((The "
     "show's cast recording also reached the charts.))", "tune"),
    ("en", "arts", "Rare [painting|manuscript|sculpture] [sells for|fetches] {money}",
     "A [painting|sculpture|portrait] by a 17th-century Dutch master [sold|fetched] {money} at auction in "
     "[London|New York], a record for the artist. ((It had hung in a private collection for decades.))", "tune"),
    ("en", "arts", "[Comedy|Crime drama|Talent show] [pulls in|wins] {n:5-12} million viewers",
     "The [final|first episode|Christmas special] of the {channel} [comedy|crime drama|talent show] was watched by "
     "{n:5-12} million viewers, making it the most-watched programme of the [week|year]. ((Its star has hinted "
     "at a new series.))", "tune"),
    ("en", "sport", "{club} [beat|edge|thrash] {club} [in|at] [league|cup] [clash|tie]",
     "[A late goal|Two goals in the second half|A penalty from their captain] gave {club} a [2-1|3-0|1-0|4-2] win "
     "over their rivals on {weekday}. ((The manager praised his side's character after a difficult week.)) "
     "((The result lifts them into the top four.))", "tune"),
    ("en", "sport", "{player} [reaches|wins|crashes out of] [quarter-finals|the final|the first round]",
     "[Top seed|Defending champion|Unseeded] {player} [beat|lost to] the world number {n:3-40} in [straight "
     "sets|a five-set thriller|three sets] at the [Australian Open|US Open|French Open|Wimbledon]. ((The "
     "match lasted more than three hours.))", "tune"),
    ("en", "sport", "{usteam} [rally|hold on] to beat rivals",
     "{usteam} [scored twice in the final period|came back from a {n:8-20}-point deficit|hit {n:2-4} home runs] "
     "to beat their rivals on {weekday} night. ((The win kept their play-off hopes alive.))", "tune"),
    ("en", "sport", "England [name|recall] [squad|captain] for [Ashes|Six Nations|World Cup]",
     "England have [recalled|named] [a veteran fast bowler|an uncapped fly-half|a teenage striker] in their "
     "squad for the [Ashes series|Six Nations|qualifiers]. ((The coach said form in county and club games "
     "had earned the call-up.))", "tune"),
    ("en", "sport", "[Sprinter|Swimmer|Cyclist] [breaks|sets] world record",
     "[The Jamaican sprinter|The Australian swimmer|The British cyclist] [broke the world record|set a world "
     "record] in the [100m|400m freestyle|individual pursuit] at the {year} [world championships|Olympic "
     "Games|Commonwealth Games]. ((The crowd gave a standing ovation.))", "tune"),
    ("en", "sport", "{club} [sack|appoint] manager after [poor run|relegation]",
     "{club} have [sacked|parted company with] their manager after a run of {n:4-9} games without a win, "
     "leaving the club [in the relegation zone|outside the play-off places]. ((A former player will take "
     "charge of the team for Saturday's game.))", "tune"),
    ("en", "sport", "[Golfer|Driver|Jockey] [wins|takes] [Open|Grand Prix|Derby] [title|]",
     "[The Northern Irish golfer|The Finnish driver|An Irish jockey] [won the title|took victory|came from "
     "behind to win] on {weekday}, [finishing {n:2-6} shots clear|ahead of his team-mate|by a length]. "
     "((It was his {n:2-9}th win of the season.))", "tune"),
    ("en", "sport", "{usteam} [sign|trade] star [quarterback|pitcher|point guard]",
     "{usteam} have agreed a {n:2-6}-year contract with the [quarterback|pitcher|point guard] worth a reported "
     "{money}, the team said. ((The deal makes him one of the best-paid players in the league.))", "tune"),
    ("en", "pol", "{party} [pledge|promise] [tax cuts|more police|NHS funding] in manifesto",
     "{party} have promised [tax cuts for families|extra spending on schools and hospitals|a referendum on "
     "Europe] in their election manifesto, launched by their leader on {weekday}. ((Opponents said the "
     "sums did not add up.)) ((Polls suggest a close race.))", "tune"),
    ("en", "pol", "Minister {surname} [resigns|quits] over [row|scandal|expenses]",
     "[Transport|Home Office|Education|Defence] minister {surname} has resigned after [days of pressure over "
     "expenses claims|a row over a leaked memo|criticism of his handling of a contract], Downing Street said. "
     "((The prime minister thanked him for his service.))", "tune"),
    ("en", "pol", "MPs [back|reject] [bill|plans] on [ID cards|immigration|smoking ban]",
     "MPs have voted by {n:100-400} votes to {n:100-400} to [back|reject] government plans on [identity "
     "cards|immigration|a smoking ban in pubs] after a heated Commons debate. ((A number of backbenchers "
     "rebelled against the whips.))", "tune"),
    ("en", "pol", "[President|Chancellor|Prime minister] wins [second term|election] in {country}",
     "[Voters in {country} have re-elected the incumbent|The opposition leader has won the presidential "
     "election in {country}] with {n:40-65}% of the vote, according to official results. ((Turnout was about "
     "{n:50-80}%.)) ((Observers said the vote was largely free and fair.))", "tune"),
    ("en", "pol", "[EU leaders|Foreign ministers] [fail to agree|strike deal] on [budget|sanctions|treaty]",
     "[European Union leaders|Foreign ministers] meeting in {city} [failed to agree|reached a deal] on [the "
     "bloc's budget|new sanctions|a reform treaty] after {n:2-3} days of talks. ((Diplomats said divisions "
     "remained.))", "tune"),
    ("en", "pol", "Poll puts {party} {n:2-12} points ahead",
     "{party} [have opened a lead|are {n:2-12} points ahead] in the latest opinion poll, with the election "
     "expected [in the spring|next year]. ((The poll also shows voters unhappy with the government's record on "
     "the economy.))", "tune"),
    ("en", "pol", "[Governor|Mayor] {surname} [launches|drops] bid for [Senate|presidency|party leadership]",
     "{surname} [announced|ended] a campaign for the [party leadership|Senate seat|presidential nomination] on "
     "{weekday}, telling supporters [the country needed a fresh start|it was time to unite the party]. "
     "((Rivals are expected to enter the race soon.))", "tune"),
    ("en", "pol", "[Leaders|Ministers] [meet|sign pact] in {city} [summit|talks]",
     "Leaders of {country} and {country} [signed a cooperation agreement|held talks on trade and security] in "
     "{city} on {weekday}, pledging to [deepen relations|resolve their border dispute]. ((It was the first "
     "official visit in {n:5-20} years.))", "tune"),
    ("en", "crime", "[Man|Woman|Teenager] jailed for [fraud|murder|armed robbery]",
     "A [{n:19-60}-year-old man|former accountant|teenager] has been jailed for {n:3-18} years at {town} Crown "
     "Court for [a fraud worth {money}|the murder of a neighbour|a string of armed robberies]. ((The judge said "
     "the offences were carefully planned.))", "tune"),
    ("en", "crime", "Police [arrest|charge] {n:2-9} over [drugs ring|killing|burglaries]",
     "Detectives have arrested {n:2-9} people in raids across {town} as part of an investigation into [a drugs "
     "gang|the killing of a shopkeeper|a series of burglaries]. ((They have been charged and will appear before "
     "magistrates on {weekday}.))", "tune"),
    ("en", "war", "[Troops|Rebels] [clash|fight] [near|in] [border town|capital]",
     "At least {n:5-40} people were killed when [government troops|rebel fighters] clashed [near a border "
     "town|in the capital's suburbs], the army said. ((A ceasefire agreed last month appears to have "
     "collapsed.))", "tune"),
    ("en", "war", "Peace talks [resume|stall] [as|after] [shelling|air strikes] continue",
     "Negotiators from both sides resumed peace talks in {city} on {weekday}, even as [artillery shelling|air "
     "strikes] continued in the east. ((Mediators hope to secure a prisoner exchange.))", "tune"),
    ("en", "disaster", "[Earthquake|Floods|Landslide] [kills|leaves] {n:10-200} [dead|people dead]",
     "[A magnitude {n:5-7}.{n:1-9} earthquake|Flash floods|A landslide] killed at least {n:10-200} people in "
     "[northern|southern] {country}, rescue workers said, and hundreds more are missing. ((Emergency teams "
     "were searching the rubble.))", "tune"),
    ("en", "health", "[Hospital waiting lists|Flu cases|Measles cases] [rise|fall] [sharply|]",
     "[The number of patients waiting for treatment|Cases of flu|Measles cases] [rose|fell] by {pct}% last "
     "month, health officials said, [urging people to get vaccinated|as hospitals cleared backlogs]. ((Doctors "
     "warned that winter pressures were building.))", "tune"),
    ("en", "env", "[Emissions|Forest loss|Sea ice] [at|hits] record [high|low]",
     "[Global carbon emissions|Deforestation in the Amazon|Arctic sea ice] [reached a record|hit a new] "
     "[high|low] in {year}, scientists and campaigners said, [urging governments to act|warning of faster "
     "climate change]. ((The figures were released ahead of climate talks.))", "tune"),
    ("en", "labour", "[Rail|Postal|Airport] workers [to strike|vote for strike] over pay",
     "[Rail|Postal|Airport] workers will stage a {n:24-72}-hour strike from {weekday} after talks over pay and "
     "conditions broke down, their union said. ((Employers said the offer was fair.))", "tune"),
    ("en", "edu", "[Exam results|School league tables|University applications] [improve|fall|published]",
     "[Pass rates at GCSE|University applications|Results in national tests] [rose|fell] for the {n:2-9}th year "
     "running, figures show, [as schools focused on maths and English|amid concern over tuition fees]. ((Head "
     "teachers welcomed the news.))", "tune"),
    ("en", "weather", "[Snow|Storms|Heatwave] [bring|cause] [disruption|chaos] across {country}",
     "[Heavy snow|Gale-force winds|Temperatures above {n:33-42}C] [closed roads and schools|cut power to thousands "
     "of homes|brought warnings] across {country} on {weekday}, forecasters said. ((More of the same is "
     "expected this weekend.))", "tune"),
    ("en", "life", "[Holidaymakers|Tourists] [flock to|shun] [beaches|ski resorts|city breaks]",
     "[Tour operators|Travel agents] say bookings for [beach holidays|ski trips|city breaks] are up {pct}% this "
     "[summer|winter], with [Spain|the Alps|Lisbon] the favourite destination. ((Budget hotels are filling "
     "up fastest.))", "tune"),
    ("en", "rel", "[Pope|Archbishop|Church leaders] [calls for|warns over] [peace|poverty|unity]",
     "[The Pope|The Archbishop of Canterbury|Church leaders] used [a Christmas|an Easter|a Sunday] sermon to "
     "[call for peace|warn about poverty|urge unity among Christians], speaking to worshippers in {city}. "
     "((Thousands gathered for the service.))", "tune"),
    ("en", "soc", "[Homelessness|Child poverty|Loneliness] [rises|grows] [sharply|]",
     "[The number of people sleeping rough|Child poverty|Loneliness among older people] has risen by {pct}% in "
     "{n:2-5} years, a charity report says, [calling for more social housing|urging action on benefits]. "
     "((Ministers said they were investing in support.))", "tune"),
    ("en", "hi", "[Dog|Cat|Parrot] [returns home|found] after {n:2-9} years",
     "A [dog|cat|parrot] that went missing from a family home in {town} has been reunited with its owners "
     "{n:2-9} years later, thanks to a microchip. ((The family said they had never given up hope.))", "tune"),

    # ==================================================================== English, held-out set
    ("en", "sci", "[Hands on|First look]: {techco}'s new {gadget}",
     "The latest {gadget} from {techco} packs {feature} into a thinner body, but early reviewers found "
     "[the software buggy|battery life disappointing|the price steep]. ((It will compete with models from "
     "Asian manufacturers.))", "heldout"),
    ("en", "sci", "Hackers [exploit|target] [bug|hole] in {software}",
     "Criminal hackers are exploiting an unpatched flaw in {software} to plant spyware on PCs, {secfirm} "
     "said, advising users to [switch browsers|turn off scripting|install an emergency fix] until {techco} "
     "releases an update. ((The hole affects all current versions.))", "heldout"),
    ("en", "sci", "{agency} [rocket|mission] [lifts off|blasts off] for {target}",
     "A rocket carrying a {agency} [orbiter|lander|sample-return craft] blasted off on {weekday}, beginning a "
     "journey to {target}. ((Engineers confirmed the solar panels had unfolded.)) ((Arrival is expected in "
     "{n:2-7} years.))", "heldout"),
    ("en", "sci", "[Chipmaker|Processor maker] {techco} [shows|unveils] [new|next-generation] chip",
     "{techco} has shown a processor with {n:2-64} cores built on a smaller manufacturing process, which it says "
     "will make laptops and servers [faster and cooler|cheaper to run]. ((The first computers using it will "
     "ship next year.))", "heldout"),
    ("en", "sci", "[Online|Net] [gamers|players] [flock to|queue for] '{game}'",
     "More than {n:1-9} million people have played the online game {game} since it went live on {console} and "
     "PC, its developer said. ((The servers struggled to cope on launch day.))", "heldout"),
    ("en", "sci", "Web [search|video] [battle|war] [heats up|intensifies]",
     "{techco} is [adding video|revamping its search results|offering free storage] to lure web users, in a "
     "battle with rivals for internet advertising money. ((Analysts say younger users now start their searches "
     "on social media apps.))", "heldout"),
    ("en", "sci", "[Quantum|Robot|Gene-editing] [breakthrough|advance] [claimed|reported] by {university}",
     "A team at {university} reports [a quantum processor that corrects its own errors|a robot hand that "
     "learns to grip by trial and error|a gene-editing tool that makes fewer unwanted cuts]. ((Other scientists "
     "called it an important step.))", "heldout"),
    ("en", "sci", "{techco} [to stop making|revives] {gadget}",
     "{techco} [will stop making its {gadget} next year|is bringing back its {gadget}], it said on {weekday}, "
     "citing [slow sales and rapid advances in mobile technology|demand from loyal users]. ((Software updates will "
     "continue for two years.))", "heldout"),
    ("en", "sci", "[Satellite|Telescope] [spots|captures] [distant galaxy|new planet|black hole]",
     "Astronomers using a [space telescope|ground-based observatory] have [spotted a galaxy|found a planet "
     "orbiting a nearby star|imaged the surroundings of a black hole] [billions of light years away|in the habitable "
     "zone]. ((The findings appear in {journal}.))", "heldout"),
    ("en", "sci", "[Music|Movie] download [sales|services] [take off|grow]",
     "Legal downloads of [songs|films] [tripled|doubled] in {year}, an industry body said, as [cheap players|"
     "fast broadband] made buying online easier. ((File-sharing networks remain popular, it added.))", "heldout"),
    ("en", "sci", "[Social network|Messaging app] [passes|reaches] {n:100-900} million users",
     "The [social network|messaging app] owned by {techco} now has {n:100-900} million active users, the "
     "company said, [most of them on mobile phones|with growth fastest in Asia]. ((It plans to add encrypted "
     "group video calls.))", "heldout"),
    ("en", "econ", "{firm} [posts|reports] [record|lower] [profit|sales]",
     "{firm} said [profits|sales] for the year [rose|fell] to {money}, [helped by cost cuts|hurt by a strong "
     "currency|as demand in Asia slowed], and raised its dividend. ((The shares closed {n:1-6}% higher in "
     "London.))", "heldout"),
    ("en", "econ", "{firm} to [buy|sell] [unit|rival|division] for {money}",
     "{firm} has agreed to [buy a smaller rival|sell its packaging division|acquire a US competitor] in a deal "
     "worth {money}, creating [the sector's second-biggest player|a more focused company]. ((Competition "
     "regulators will review the merger.))", "heldout"),
    ("en", "econ", "Inflation [rises|falls|eases] to {n:1-9}.{n:0-9}%",
     "Consumer price inflation in {country} [rose|fell] to {n:1-9}.{n:0-9}% in {month}, driven by [food and "
     "energy costs|cheaper petrol|higher rents], official data showed. ((The figure was [above|below] forecasts, "
     "adding to pressure on the central bank.))", "heldout"),
    ("en", "econ", "[Bank|Lender] [fined|hit] [as bad loans rise|by mortgage losses]",
     "[Shares in the bank|The lender's shares] slid {n:5-25}% after it set aside {money} for [bad loans|losses "
     "on mortgage securities] and cut its profit forecast. ((Other financial stocks also fell.))", "heldout"),
    ("en", "econ", "[Trade deficit|Current account gap] [widens|narrows] in {country}",
     "{country}'s trade deficit [widened|narrowed] to {money} in {month} as [imports of oil rose|exports of cars "
     "and machinery recovered]. ((The currency weakened after the figures.))", "heldout"),
    ("en", "econ", "{airline} [in merger talks|to buy stake in rival|files for bankruptcy protection]",
     "{airline} [confirmed it was in merger talks with a European rival|agreed to buy a {n:10-49}% stake in a "
     "regional carrier|filed for bankruptcy protection], [blaming high fuel costs|to gain more routes]. "
     "((Flights will continue as normal.))", "heldout"),
    ("en", "econ", "[House prices|Mortgage lending] [fall|rise] for {n:2-9}th month",
     "[Average house prices|Mortgage approvals] in {country} [fell|rose] for the {n:2-9}th month running in "
     "{month}, according to [a lender|a property website], [as higher rates deter buyers|as first-time buyers "
     "return]. ((Economists expect a slowdown.))", "heldout"),
    ("en", "econ", "[Steel|Copper|Gold] price [hits|reaches] [record|six-year high]",
     "The price of [copper|gold|steel] hit a record on {weekday}, driven by [strong demand from China|investors "
     "seeking a safe haven|supply problems at mines]. ((Mining companies' shares rallied.))", "heldout"),
    ("en", "econ", "{carmaker} to [cut|add] jobs and [close|open] plant",
     "{carmaker} plans to [close a factory|build a new plant] in {country} as it [restructures its loss-making "
     "European arm|expands production of electric vehicles], costing {money}. ((Unions said they would fight "
     "the cuts.))", "heldout"),
    ("en", "econ", "[Wall Street|European shares|Asian markets] [fall|rise] [on|after] [jobs data|rate fears]",
     "[US stocks|European shares|Asian markets] [fell|rose] on {weekday} [as investors fretted about interest "
     "rates|after upbeat jobs figures|on hopes of a trade deal], with {index} [down|up] {n:1-3}.{n:0-9}%. "
     "((Bond yields moved higher.))", "heldout"),
    ("en", "arts", "[Director|Actor] {actor} [honoured|wins lifetime award]",
     "{actor} will receive a lifetime achievement award at [this year's Baftas|the Venice film festival|the "
     "Golden Globes] in recognition of a career spanning {n:20-50} years. ((Organisers called the star one "
     "of cinema's great talents.))", "heldout"),
    ("en", "arts", "{band} [cancel|postpone] [tour|gigs] [after|due to] [illness|row]",
     "{band} have [cancelled|postponed] the rest of their [European tour|summer festival dates] after [their "
     "singer lost his voice|a falling-out between members], their record label said. ((Fans will be offered "
     "refunds.))", "heldout"),
    ("en", "arts", "'{film}' [sequel|remake] [gets green light|begins filming]",
     "A [sequel to|remake of] {film} [has been given the go-ahead|starts shooting in {month}], with {actor} "
     "returning in the lead role. ((The original was a surprise hit at cinemas.))", "heldout"),
    ("en", "arts", "[Novel|Memoir|Poetry collection] [wins|shortlisted for] literary prize",
     "A [debut novel|memoir|first poetry collection] by a former [nurse|journalist|teacher] has [won|been "
     "shortlisted for] a leading literary prize worth £{n:10-50},000. ((The judges praised its honesty.))",
     "heldout"),
    ("en", "arts", "{channel} [orders|axes] [soap|drama|quiz show] after [ratings|complaints]",
     "{channel} has [axed its long-running soap|ordered a second series of its spy drama|dropped a quiz "
     "show] after [ratings fell to {n:1-4} million|strong reviews|viewer complaints]. ((The cast were told on "
     "{weekday}.))", "heldout"),
    ("en", "arts", "{singer} [album|single] [goes platinum|breaks streaming record]",
     "{singer}'s new [album|single] has [gone platinum in {n:2-6} weeks|been streamed a record {n:50-300} "
     "million times in its first week], the record company said. ((A stadium tour begins in {month}.))",
     "heldout"),
    ("en", "sport", "[Late|Injury-time] [winner|equaliser] [for|rescues] {club}",
     "{club} [snatched a 2-2 draw|won 1-0] [in stoppage time|with a header from a corner] against {club} on "
     "{weekday}. ((Their goalkeeper also saved a penalty in the first half.))", "heldout"),
    ("en", "sport", "{player} [takes|claims] [indoor|clay-court|grass-court] title",
     "{player} won [a first title of the season|the tournament for a third time] with a [6-3 6-4|7-6 6-2|6-1 3-6 "
     "6-4] victory in the final, [saving {n:2-5} match points|without dropping a set]. ((The win lifts the "
     "player to a career-high ranking.))", "heldout"),
    ("en", "sport", "{usteam} [clinch|lose] [division|series|championship]",
     "{usteam} [clinched the division title|were eliminated from the play-offs|won the series] on {weekday} "
     "[after a {n:3-9}-{n:0-2} win|with a touchdown in overtime|on a walk-off single]. ((The coach said the "
     "team had grown up this season.))", "heldout"),
    ("en", "sport", "[Marathon|Triathlon|Half marathon] [won|dominated] by [Kenyan|Ethiopian|British] runner",
     "A [Kenyan|Ethiopian|British] athlete won the [city marathon|half marathon] in {n:2-3} hours {n:1-59} "
     "minutes, [breaking the course record|pulling away in the final mile]. ((More than {n:10-40},000 runners "
     "took part.))", "heldout"),
    ("en", "sport", "[Cricket|Rugby]: [series|test] [levelled|won] in {city}",
     "[The touring side|The hosts] [levelled the series|won the test by {n:3-9} wickets|beat the visitors by "
     "{n:3-25} points] in {city}, with [a century from the opener|two late tries|five wickets for the spinner]. "
     "((The deciding match is next week.))", "heldout"),
    ("en", "sport", "{club} [seal|complete] [transfer|move] for [striker|defender|midfielder]",
     "{club} have [signed|completed the signing of] a [striker|defender|midfielder] from {club} for a fee "
     "of {money}, on a {n:3-5}-year contract. ((He will go straight into the squad for the weekend.))",
     "heldout"),
    ("en", "sport", "[Olympic|World] champion [retires|announces comeback]",
     "[A double Olympic champion|A former world champion] in [rowing|the heptathlon|judo] has [announced "
     "retirement|announced a comeback] at the age of {n:26-38}, [citing injuries|aiming for the next Games]. "
     "((Team-mates paid tribute.))", "heldout"),
    ("en", "pol", "[Chancellor|Finance minister] [unveils|defends] budget",
     "[The chancellor|The finance minister] set out a budget of [tax rises and spending cuts|extra spending "
     "on health and defence] in parliament, saying it would [restore the public finances|support growth]. "
     "((Opposition parties called it a missed opportunity.))", "heldout"),
    ("en", "pol", "[Senator|MP|Deputy] {surname} [defects|switches] to {party}",
     "{surname}, a [veteran|first-term] lawmaker, has defected to {party}, dealing a blow to [the government's "
     "slim majority|the party leader] ahead of a crucial vote. ((Party officials called it a betrayal.))",
     "heldout"),
    ("en", "pol", "[Coalition|Government] [collapses|survives] [in|after] [confidence vote|row]",
     "The government of {country} [survived a confidence vote|collapsed] on {weekday} after [a junior partner "
     "withdrew from the coalition|weeks of infighting over the budget], [paving the way for early elections|"
     "by a margin of {n:2-20} votes]. ((The president will consult party leaders.))", "heldout"),
    ("en", "pol", "[Referendum|Vote] on [independence|electoral reform|EU treaty] [set|called]",
     "[The government|Parliament] has [set a date|agreed] for a referendum on [independence|changing the voting "
     "system|the new European treaty], to be held in {month}. ((Campaigners on both sides began canvassing "
     "immediately.))", "heldout"),
    ("en", "pol", "[Ambassador|Envoy] [recalled|summoned] in [diplomatic row|spy row]",
     "{country} has [recalled its ambassador|summoned the ambassador] of {country} in a deepening diplomatic "
     "row over [espionage claims|a border dispute|comments by a minister]. ((The foreign ministry called the "
     "remarks unacceptable.))", "heldout"),
    ("en", "pol", "{party} [choose|elect] new leader",
     "{party} have elected {surname} as their new leader with {n:51-70}% of members' votes, after the previous "
     "leader stood down following [an election defeat|a poor showing in local elections]. ((The new leader "
     "promised to unite the party.))", "heldout"),
    ("en", "pol", "[White House|Downing Street|Elysee] [denies|confirms] [rift|reshuffle]",
     "[Officials|Aides] [denied reports of a rift|confirmed a cabinet reshuffle] on {weekday}, as the "
     "[president|prime minister] tried to regain control of the political agenda ahead of [the midterms|local "
     "elections]. ((Several ministers are expected to change jobs.))", "heldout"),
    ("en", "crime", "[Trial|Jury] [hears|told] of [bank raid|fatal stabbing|fraud scheme]",
     "A jury at {town} Crown Court has heard how [a gang of four raided a bank|a man was stabbed outside a "
     "nightclub|investors lost {money} in a fraud scheme]. ((The defendants deny the charges and the trial "
     "continues.))", "heldout"),
    ("en", "crime", "[Gang|Ring] [smashed|broken up] in [raids|police operation]",
     "Officers [seized drugs and cash|recovered stolen cars] worth {money} after raids on {n:5-30} addresses, "
     "[breaking up a smuggling ring|arresting suspected gang members]. ((Prosecutors said more charges were "
     "likely.))", "heldout"),
    ("en", "war", "[Suicide bomber|Car bomb|Roadside bomb] kills {n:3-60}",
     "A [suicide bomber|car bomb|roadside bomb] killed at least {n:3-60} people at [a checkpoint|a market|a "
     "military convoy], officials said, in the deadliest attack in [weeks|months]. ((No group has claimed "
     "responsibility.))", "heldout"),
    ("en", "war", "[Ceasefire|Truce] [declared|holding] in [eastern|southern] [region|province]",
     "A ceasefire [announced|brokered by mediators] on {weekday} appeared to be holding in the [east|south], "
     "with [soldiers pulling back from front lines|fewer reports of shelling]. ((Aid convoys were waiting to "
     "reach civilians.))", "heldout"),
    ("en", "disaster", "[Ferry|Train|Bus] [crash|sinking] [kills|leaves] {n:5-90}",
     "At least {n:5-90} people died when a [ferry capsized|train derailed|bus plunged off a mountain road] in "
     "{country}, [officials|rescuers] said. ((An investigation into the cause has begun.))", "heldout"),
    ("en", "health", "[New|Cheaper] [drug|vaccine|treatment] [approved|recommended] for [cancer|malaria|dementia]",
     "[Regulators|Health authorities] have approved a [drug|vaccine] for [breast cancer|malaria|early "
     "dementia] after trials showed it [cut deaths|slowed the disease] in patients. ((Doctors welcomed the "
     "decision.))", "heldout"),
    ("en", "env", "[Rare|Endangered] [species|birds|turtles] [return|decline] [as|despite] [conservation|pollution]",
     "Numbers of [an endangered seabird|sea turtles|wild salmon] have [recovered|fallen sharply] along the "
     "coast, conservationists said, [thanks to a ban on fishing nets|blaming plastic pollution]. ((The wildlife "
     "group wants more protected areas.))", "heldout"),
    ("en", "labour", "[Union|Workers] [accept|reject] [pay deal|offer]",
     "Members of the [teachers'|nurses'|dockers'] union have [accepted|rejected] a pay offer of {pct}% over two "
     "years, [ending|prolonging] a dispute that led to [walkouts|strikes] in {month}. ((Employers urged staff to "
     "return to talks.))", "heldout"),
    ("en", "edu", "[Tuition fees|School funding|Class sizes] [row|plan] [sparks protest|approved]",
     "[Students|Teachers|Parents] protested in {city} against plans to [raise university tuition fees|cut school "
     "budgets|close village schools], [waving banners outside the education ministry|marching to parliament]. "
     "((The education secretary said the reforms were needed.))", "heldout"),
    ("en", "weather", "[Floods|Storm|Cold snap] [warning|alert] issued",
     "Forecasters have issued [a flood warning|an amber alert for wind|a cold weather alert] for {country}, "
     "with [heavy rain|gusts of {n:60-110}mph|temperatures of minus {n:5-20}C] expected over {n:2-4} days. "
     "((Drivers were told to avoid unnecessary journeys.))", "heldout"),
    ("en", "life", "[Restaurant|Chef|Wine] [tops|named best in] [world list|guide]",
     "[A tiny restaurant in {city}|A self-taught chef|A family vineyard] has been [named the best in the "
     "world|awarded three stars] by [a leading food guide|a panel of critics]. ((Bookings are now full for "
     "months.))", "heldout"),
    ("en", "rel", "[Pilgrims|Worshippers|Faithful] [gather|flock] for [festival|pilgrimage]",
     "[Hundreds of thousands of pilgrims|Millions of worshippers] gathered [in Mecca for the hajj|on the banks "
     "of the Ganges|in St Peter's Square] on {weekday}, [praying for peace|amid tight security]. ((Religious "
     "leaders called for tolerance.))", "heldout"),
    ("en", "soc", "[Pensioners|Families|Young people] [struggle|priced out] [as|amid] [rents|bills] rise",
     "[One in {n:3-9} young adults|Thousands of pensioners|Many low-income families] now [live with their "
     "parents|skip meals to pay bills], a [think-tank|charity] found, [calling for higher benefits|urging more "
     "affordable homes]. ((Campaigners said inequality was widening.))", "heldout"),
    ("en", "hi", "[Couple|Twins|Grandmother] [celebrate|marks] [{n:60-80}th anniversary|100th birthday]",
     "[A couple from {town}|Twin sisters|A grandmother] [celebrated their {n:60-80}th wedding anniversary|marked "
     "a 100th birthday] with a party for family and neighbours, [sharing the secret of a long life|receiving "
     "a card from the King]. ((Local children sang for them.))", "heldout"),

    # ==================================================================== German
    ("de", "econ", "{de_firma} [steigert|senkt] Gewinn [deutlich|leicht]",
     "{de_firma} hat im [ersten|zweiten|dritten] Quartal [mehr|weniger] verdient als erwartet. Der Überschuss "
     "[stieg|sank] um {n:3-30} Prozent, die Aktie [legte|gab] im frühen Handel [zu|nach]. ((Der Vorstand "
     "bestätigte die Prognose für das Gesamtjahr.))", "tune"),
    ("de", "econ", "EZB [lässt Leitzins unverändert|erhöht die Zinsen|senkt die Zinsen]",
     "Die Europäische Zentralbank hat ihren Leitzins [bei|auf] {n:1-4} Prozent [belassen|angehoben|gesenkt]. "
     "((Die Inflation im Euroraum liegt weiter über dem Ziel von zwei Prozent.))", "heldout"),
    ("de", "sport", "{de_verein} [gewinnt|verliert] gegen {de_verein}",
     "{de_verein} hat am Samstag mit {n:1-4}:{n:0-2} [gewonnen|verloren]. ((Der Trainer lobte die Moral seiner "
     "Mannschaft nach dem Spiel.)) In der Tabelle der Bundesliga [rückt das Team auf Platz {n:2-6} vor|bleibt "
     "das Team im Mittelfeld].", "tune"),
    ("de", "sport", "[Stürmer|Torwart|Kapitän] verlängert bei {de_verein}",
     "[Der Stürmer|Der Torwart|Der Kapitän] hat seinen Vertrag bei {de_verein} bis {n:2026-2030} verlängert, "
     "teilte der Verein mit. ((Auch andere Klubs hatten Interesse an dem Nationalspieler gezeigt.))", "heldout"),
    ("de", "sci", "[Neues|Günstigeres] Smartphone von {techco}",
     "{techco} hat ein neues Smartphone mit [größerem Akku|besserer Kamera|eigenem KI-Assistenten] vorgestellt. "
     "((Das Gerät kommt im {de_month} in den Handel.)) Experten erwarten einen harten Wettbewerb mit anderen "
     "Herstellern.", "tune"),
    ("de", "sci", "Forscher [entwickeln|testen] [neuen Akku|schnelleren Chip|Quantencomputer]",
     "Wissenschaftler [in {de_stadt}|eines Forschungsinstituts] haben [einen Akku|einen Chip|einen Prototyp] "
     "entwickelt, der [doppelt so lange hält|deutlich weniger Strom verbraucht]. ((Die Ergebnisse erscheinen "
     "in der Fachzeitschrift {journal}.))", "heldout"),
    ("de", "pol", "[Landtag|Bundestag] beschließt [Gesetz|Reform] zu [Rente|Migration|Klimaschutz]",
     "Der [Bundestag|Landtag] hat mit den Stimmen der Koalition ein Gesetz zur [Rente|Migration|Energiepolitik] "
     "beschlossen. Die Opposition kritisierte den Entwurf ((als unausgegoren)).", "tune"),
    ("de", "pol", "[SPD|CDU|Grüne|FDP] [legen in Umfrage zu|verlieren in Umfrage]",
     "Die [SPD|Union|Grünen|FDP] [kommt|kommen] in einer neuen Umfrage auf {n:5-35} Prozent. ((Bis zur "
     "Wahl sind es noch {n:3-11} Monate.))", "heldout"),
    ("de", "arts", "[Film|Roman|Album] [gewinnt|erhält] [Preis|Auszeichnung]",
     "[Der neue Film von Regisseurin Anna Keller|Der Debütroman einer jungen Autorin|Das Album der Band "
     "Nordlicht] wurde [in {de_stadt}|bei der Gala] ausgezeichnet. ((Die Jury lobte die Geschichte als mutig "
     "und berührend.))", "tune"),
    ("de", "arts", "[Konzert|Tournee|Festival] [ausverkauft|abgesagt]",
     "[Das Konzert|Die Tournee|Das Festival] [in {de_stadt}|im Sommer] ist [innerhalb weniger Minuten "
     "ausverkauft|abgesagt worden]. ((Fans reagierten enttäuscht.))", "heldout"),

    # ==================================================================== Spanish
    ("es", "econ", "{es_empresa} [gana|eleva su beneficio|reduce su beneficio] un {n:3-30}%",
     "{es_empresa} obtuvo un beneficio neto de {n:200-3000} millones de euros en el [primer|segundo|tercer] "
     "trimestre, un {n:3-30}% [más|menos] que hace un año. ((Sus acciones [subieron|cayeron] en la Bolsa de "
     "Madrid.))", "tune"),
    ("es", "econ", "El Ibex 35 [sube|cae] un {n:1-3},{n:1-9}%",
     "La Bolsa española [cerró con subidas|cerró con pérdidas] el {es_weekday}, arrastrada por [los bancos|las "
     "eléctricas], mientras los inversores esperan la decisión del Banco Central Europeo sobre los tipos de "
     "interés.", "heldout"),
    ("es", "sport", "{es_equipo} [vence|golea|empata con] {es_equipo}",
     "{es_equipo} [ganó|empató] {n:1-4}-{n:0-2} en la jornada {n:3-36} de LaLiga. ((El entrenador destacó el "
     "trabajo del equipo en la segunda parte.)) ((Con este resultado, se sitúa en la zona alta de la "
     "clasificación.))", "tune"),
    ("es", "sport", "[Delantero|Portero|Centrocampista] [renueva|ficha] por {es_equipo}",
     "El [delantero|portero|centrocampista] internacional ha firmado un contrato con {es_equipo} hasta {n:2026-2030}, "
     "informó el club. ((El jugador se incorporará a la pretemporada la próxima semana.))", "heldout"),
    ("es", "sci", "{techco} presenta [un nuevo móvil|un portátil|unas gafas de realidad virtual]",
     "{techco} presentó [un teléfono móvil|un ordenador portátil|unas gafas de realidad virtual] con "
     "[inteligencia artificial integrada|una batería de mayor duración|un procesador más rápido]. ((El "
     "dispositivo saldrá a la venta en {es_month}.))", "tune"),
    ("es", "sci", "[Científicos|Investigadores] [descubren|desarrollan] [un nuevo material|una técnica|un algoritmo]",
     "Un equipo de investigadores [de {es_ciudad}|de una universidad española] ha desarrollado [un material|un "
     "algoritmo|una técnica] que podría [abaratar las baterías|acelerar los ordenadores cuánticos]. ((El "
     "estudio se publica en la revista {journal}.))", "heldout"),
    ("es", "pol", "El Congreso [aprueba|rechaza] la [reforma|ley] [de pensiones|de vivienda|electoral]",
     "El Congreso de los Diputados [aprobó|rechazó] la [reforma|ley] con los votos de [los grupos que apoyan al "
     "Gobierno|la oposición]. ((El texto pasará ahora al Senado.))", "tune"),
    ("es", "pol", "[Encuesta|Sondeo]: [el PSOE|el PP|Vox] [sube|baja]",
     "Una encuesta publicada el {es_weekday} sitúa [al PSOE|al PP|a Vox] con un {n:10-35}% de intención de voto, "
     "a {n:3-12} meses de las elecciones generales. ((El presidente del Gobierno descartó adelantar los "
     "comicios.))", "heldout"),
    ("es", "arts", "[Película|Novela|Disco] [gana|arrasa en] [los Goya|el premio|las listas]",
     "[La película de la directora Lucía Ferrán|La nueva novela de un autor gallego|El último disco del grupo "
     "Marea Alta] [ganó el premio principal|llegó al número uno|arrasó en la gala]. ((La crítica elogió su "
     "originalidad.))", "tune"),
    ("es", "arts", "[Concierto|Gira|Festival] [agota entradas|se cancela] en {es_ciudad}",
     "[El concierto de la cantante|La gira del grupo|El festival de cine] en {es_ciudad} [agotó las entradas "
     "en horas|fue cancelado por la organización]. ((Los fans podrán pedir el reembolso.))", "heldout"),

    # ==================================================================== Italian
    ("it", "econ", "{it_azienda} [chiude il trimestre in utile|taglia le stime|aumenta il fatturato]",
     "{it_azienda} ha registrato un utile netto di {n:100-2000} milioni di euro nel [primo|secondo|terzo] "
     "trimestre, [in crescita|in calo] del {n:3-30}%. ((Il titolo ha [guadagnato|perso] il {n:1-6}% a Piazza "
     "Affari.))", "tune"),
    ("it", "econ", "Borsa: Milano [chiude in rialzo|chiude in calo]",
     "Piazza Affari ha chiuso la seduta [in rialzo|in calo] dell'{n:1-3},{n:1-9}%, con [le banche|i titoli "
     "energetici] in evidenza, mentre lo spread tra Btp e Bund [si è ridotto|è salito]. ((Gli investitori "
     "attendono la Bce.))", "heldout"),
    ("it", "sport", "{it_squadra} [batte|pareggia con] {it_squadra}",
     "{it_squadra} ha [vinto|pareggiato] {n:1-4}-{n:0-2} nella {n:3-36}ª giornata di Serie A. ((L'allenatore "
     "ha elogiato la squadra nel dopo partita.)) ((In classifica la corsa al titolo resta aperta.))", "tune"),
    ("it", "sport", "[Attaccante|Portiere|Centrocampista] [rinnova con|passa a] {it_squadra}",
     "[L'attaccante|Il portiere|Il centrocampista] della nazionale ha firmato con {it_squadra} fino al "
     "{n:2026-2030}, ha annunciato la società. ((Il calciatore sarà presentato ai tifosi allo stadio.))",
     "heldout"),
    ("it", "sci", "{techco} presenta [un nuovo smartphone|un visore|un computer portatile]",
     "{techco} ha presentato [uno smartphone|un visore per la realtà virtuale|un computer portatile] con [un "
     "processore più veloce|l'intelligenza artificiale integrata|una batteria più capiente]. ((Il dispositivo "
     "arriverà nei negozi a {it_month}.))", "tune"),
    ("it", "sci", "[Ricercatori|Scienziati] italiani [scoprono|sviluppano] [un nuovo materiale|un algoritmo]",
     "Un gruppo di ricercatori [di {it_citta}|del Cnr] ha sviluppato [un materiale|un algoritmo|un sensore] che "
     "potrebbe [rendere più efficienti i pannelli solari|accelerare i computer quantistici]. ((Lo studio è "
     "pubblicato sulla rivista {journal}.))", "heldout"),
    ("it", "pol", "Il Senato [approva|boccia] la [riforma|legge] [elettorale|sulla giustizia|di bilancio]",
     "L'aula del Senato ha [approvato|respinto] il [disegno di legge|decreto] con i voti della [maggioranza|"
     "opposizione]. ((Il testo passa ora alla Camera dei deputati.))", "tune"),
    ("it", "pol", "[Sondaggio|Elezioni]: [Fratelli d'Italia|il Pd|la Lega] [in crescita|in calo]",
     "[Fratelli d'Italia|Il Partito democratico|La Lega] si attesta al {n:8-32}% secondo un sondaggio diffuso "
     "il {it_weekday}. ((Il presidente del Consiglio ha escluso elezioni anticipate.))", "heldout"),
    ("it", "arts", "[Film|Romanzo|Album] [vince|trionfa a] [il festival|il premio]",
     "[Il film del regista Paolo Senni|Il romanzo d'esordio di una giovane scrittrice|L'album della band "
     "Onde Corte] ha [vinto il premio principale|conquistato il pubblico|trionfato alla cerimonia]. ((La giuria "
     "ne ha lodato la delicatezza.))", "tune"),
    ("it", "arts", "[Concerto|Tournée|Mostra] [sold out|annullato|prorogata] a {it_citta}",
     "[Il concerto del cantautore|La tournée della band|La mostra dedicata al pittore] a {it_citta} [è andato "
     "sold out in poche ore|è stata annullata|è stata prorogata fino a {it_month}]. ((Gli organizzatori "
     "annunciano nuove date.))", "heldout"),

    # ==================================================================== Portuguese
    ("pt", "econ", "{pt_empresa} [tem lucro|registra prejuízo|aumenta receitas] no trimestre",
     "{pt_empresa} registrou um lucro líquido de {n:100-5000} milhões no [primeiro|segundo|terceiro] "
     "trimestre, [alta|queda] de {n:3-30}% em relação ao ano anterior. ((As ações [subiram|caíram] na "
     "bolsa.))", "tune"),
    ("pt", "econ", "[Bolsa|Ibovespa|PSI] [fecha em alta|fecha em queda]",
     "A bolsa [fechou em alta|fechou em queda] de {n:1-3},{n:1-9}% nesta {pt_weekday}, puxada pelas ações de "
     "[bancos|petroleiras], enquanto o dólar [recuou|avançou] frente ao real. ((Os investidores aguardam "
     "a decisão sobre a taxa de juros.))", "heldout"),
    ("pt", "sport", "{pt_clube} [vence|empata com] {pt_clube}",
     "{pt_clube} [venceu|empatou] por {n:1-4} a {n:0-2} na {n:3-34}ª rodada do campeonato. ((O treinador "
     "elogiou a equipa depois do jogo.)) ((Com o resultado, o clube sobe na classificação.))", "tune"),
    ("pt", "sport", "[Avançado|Goleiro|Médio] [renova com|assina com] {pt_clube}",
     "O [atacante|goleiro|meio-campista] da seleção assinou contrato com {pt_clube} até {n:2026-2030}, "
     "anunciou o clube. ((O jogador será apresentado aos adeptos no estádio.))", "heldout"),
    ("pt", "sci", "{techco} lança [novo celular|computador portátil|óculos de realidade virtual]",
     "{techco} apresentou [um novo smartphone|um computador portátil|óculos de realidade virtual] com "
     "[inteligência artificial integrada|bateria de maior duração|processador mais rápido]. ((O aparelho chega "
     "às lojas em {pt_month}.))", "tune"),
    ("pt", "sci", "[Cientistas|Pesquisadores] [descobrem|desenvolvem] [novo material|algoritmo|vacina de mRNA]",
     "Uma equipa de investigadores [em {pt_cidade}|de uma universidade brasileira] desenvolveu [um material|um "
     "algoritmo|um sensor] capaz de [tornar as baterias mais baratas|acelerar computadores quânticos]. ((O "
     "estudo foi publicado na revista {journal}.))", "heldout"),
    ("pt", "pol", "[Câmara|Parlamento|Senado] aprova [reforma|projeto de lei] [tributária|da previdência|eleitoral]",
     "O [Parlamento|Senado|plenário da Câmara dos Deputados] aprovou o projeto com os votos da [base do "
     "governo|maioria], apesar das críticas da oposição. ((O texto segue agora para sanção presidencial.))",
     "tune"),
    ("pt", "pol", "[Pesquisa|Sondagem] mostra [presidente|primeiro-ministro] [em alta|em queda]",
     "Uma [pesquisa|sondagem] divulgada nesta {pt_weekday} mostra que {n:25-60}% dos eleitores aprovam o "
     "[governo do presidente|trabalho do primeiro-ministro], a {n:3-12} meses das eleições. ((A oposição "
     "ainda não escolheu o seu candidato.))", "heldout"),
    ("pt", "arts", "[Filme|Romance|Álbum] [vence|conquista] [prêmio|festival]",
     "[O filme da realizadora Inês Valente|O romance de estreia de um jovem escritor|O novo álbum da banda "
     "Maré Alta] [venceu o prémio principal|conquistou o público|chegou ao topo das paradas]. ((A crítica "
     "elogiou a obra.))", "tune"),
    ("pt", "arts", "[Show|Turnê|Exposição] [esgota|é cancelada] em {pt_cidade}",
     "[O show da cantora|A turnê da banda|A exposição do pintor] em {pt_cidade} [esgotou em poucas horas|foi "
     "cancelada pelos organizadores]. ((Os fãs poderão pedir reembolso.))", "heldout"),
]
# fmt: on
