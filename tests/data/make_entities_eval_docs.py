"""Hand-written, hand-labelled news documents for make_entities_eval.py (markup described there).

The first line of a document is its headline, the second its dateline, one sentence a line.
TUNING_DOCS and HELDOUT_DOCS share no story.
"""

from __future__ import annotations

TUNING_DOCS = [
    """
RUGBY UNION - [LOC ENGLAND] NAME [PER JOHNSON] CAPTAIN FOR [LOC ITALY] TEST .
[LOC LONDON] 1998-11-10
[LOC England] coach [PER Clive Woodward] named [PER Martin Johnson] as captain on Tuesday for Saturday's test against [LOC Italy] at [LOC Twickenham].
[PER Johnson], the [ORG Leicester] lock, takes over from [PER Lawrence Dallaglio], who withdrew with a knee injury.
"He has the respect of every player in the squad," [PER Woodward] told reporters.
[LOC Italy] beat [LOC Scotland] in [LOC Treviso] last month and will be without their [MISC Argentine]-born fly-half [PER Diego Dominguez].
""",
    """
[LOC RUSSIA] SAYS ISLAND TALKS WITH [LOC JAPAN] MAKE PROGRESS .
[LOC MOSCOW] 1997-04-22
[LOC Russia] and [LOC Japan] made progress in talks on a disputed island chain but no deal is expected this year, the [ORG Foreign Ministry] said on Tuesday.
Ministry spokesman [PER Gennady Tarasov] told a news briefing that Deputy Foreign Minister [PER Grigory Karasin] had held two days of talks in [LOC Tokyo].
The islands, known in [LOC Japan] as the [LOC Northern Territories] and in [LOC Russia] as the southern [LOC Kuriles], were seized by [MISC Soviet] troops in 1945.
[MISC Japanese] Prime Minister [PER Ryutaro Hashimoto] is due to meet President [PER Boris Yeltsin] in [LOC Denver] in June.
""",
    """
[ORG BRITISH AIRWAYS] PROFIT RISES 12 PCT , SHARES FIRM .
[LOC LONDON] 1997-05-20
[ORG British Airways Plc] said on Tuesday its pretax profit rose 12 percent to 640 million pounds in the year to March, helped by strong transatlantic traffic.
Chief executive [PER Bob Ayling] said the airline would press ahead with its alliance with [ORG American Airlines] despite opposition from regulators in [LOC Brussels] and [LOC Washington].
Shares in [ORG BA] rose eight pence to 652 pence on the [ORG London Stock Exchange].
Analysts at [ORG Salomon Brothers] had forecast a profit of 625 million pounds.
""",
    """
[ORG Apple] unveils new [MISC iPhone] models with satellite messaging
[LOC CUPERTINO], [LOC California] 2022-09-07
[ORG Apple Inc] on Wednesday unveiled four new [MISC iPhone] models that can send emergency text messages by satellite, a service it will offer free for two years in the [LOC United States] and [LOC Canada].
Chief executive [PER Tim Cook] showed the devices at the company's headquarters, its first launch event with an audience since the pandemic.
The satellite service runs on the network of [ORG Globalstar], which said [ORG Apple] would pay for most of the cost of new satellites.
""",
    """
CRICKET - [LOC PAKISTAN] WIN SERIES AFTER [PER SAQLAIN] TAKES FIVE .
[LOC KARACHI] 1998-10-27
Off-spinner [PER Saqlain Mushtaq] took five wickets for 35 as [LOC Pakistan] beat [LOC Zimbabwe] by eight wickets on Tuesday to win the three-match series 2-0.
[LOC Zimbabwe], put in to bat, were dismissed for 178 in 46.2 overs with captain [PER Alistair Campbell] top-scoring with 51.
[PER Saeed Anwar] hit an unbeaten 87 to steer [LOC Pakistan] home with 41 balls to spare.
The final match will be played in [LOC Lahore] on Friday.
""",
    """
SOCCER - [ORG JUVENTUS] HELD AT HOME BY [ORG UDINESE] .
[LOC TURIN], [LOC Italy] 1996-11-03
[MISC European] champions [ORG Juventus] were held to a 1-1 draw at home by [ORG Udinese] in [MISC Serie A] on Sunday.
[MISC Croatian] striker [PER Alen Boksic] gave [ORG Juventus] the lead after 23 minutes but [MISC German] forward [PER Oliver Bierhoff] equalised with a header five minutes from time.
[ORG Juventus] coach [PER Marcello Lippi] said his side had lacked concentration.
[ORG Inter Milan] moved top after a 2-0 win over [ORG Parma] at the [LOC San Siro].
""",
    """
Earthquake kills at least 60 in eastern [LOC Turkey]
[LOC ANKARA] 2011-10-23
A powerful earthquake struck eastern [LOC Turkey] on Sunday, killing at least 60 people and bringing down dozens of buildings in the city of [LOC Van] and the nearby town of [LOC Ercis], officials said.
The [ORG Kandilli Observatory] in [LOC Istanbul] put the magnitude at 7.2.
Prime Minister [PER Tayyip Erdogan] flew to the region, and the [ORG Red Crescent] sent tents and blankets.
[LOC Israel] and [LOC Armenia] were among the countries that offered help, the [ORG Foreign Ministry] said.
""",
    """
[MISC Booker Prize] goes to [MISC Indian] first novelist [PER Arundhati Roy]
[LOC LONDON] 1997-10-14
First-time novelist [PER Arundhati Roy] won [LOC Britain]'s top literary award, the [MISC Booker Prize], on Tuesday for "[MISC The God of Small Things]".
The book, set in the southern [MISC Indian] state of [LOC Kerala], has sold more than 350,000 copies in hardback.
The chairman of the judges, [PER Gillian Beer], called it a work of extraordinary linguistic inventiveness.
[PER Roy], 36, receives a cheque for 20,000 pounds.
""",
    """
[LOC BRAZIL] 'S [PER CARDOSO] WINS SECOND TERM IN FIRST ROUND .
[LOC BRASILIA] 1998-10-05
President [PER Fernando Henrique Cardoso] won re-election in the first round of [LOC Brazil]'s presidential vote, official results showed on Monday.
With most votes counted, [PER Cardoso] had 53 percent against 32 percent for [ORG Workers Party] candidate [PER Luiz Inacio Lula da Silva].
The result was welcomed by the [ORG International Monetary Fund], which is negotiating a rescue package for [LOC Latin America]'s largest economy.
The [LOC Sao Paulo] stock market rose four percent on the news.
""",
    """
TENNIS - [PER SELES] BEATS [PER HINGIS] TO REACH FINAL .
[LOC TOKYO] 1997-02-01
Second seed [PER Monica Seles] beat top seed [PER Martina Hingis] of [LOC Switzerland] 6-4 7-5 on Saturday to reach the final of the [MISC Pan Pacific Open].
[PER Seles] will meet [MISC American] [PER Lindsay Davenport] in Sunday's final.
[PER Hingis] had won her last three matches against the former world number one.
""",
    """
MOTOR RACING - [PER SCHUMACHER] TAKES POLE IN [LOC MONACO] .
[LOC MONTE CARLO] 1997-05-10
[MISC German] [PER Michael Schumacher] took pole position for Sunday's [MISC Monaco Grand Prix] in his [ORG Ferrari], edging out [ORG Williams] driver [PER Heinz-Harald Frentzen] by a tenth of a second.
Championship leader [PER Jacques Villeneuve] of [LOC Canada] will start third.
[PER Schumacher] said he expected rain on race day.
""",
    """
GOLF - [PER ELS] LEADS BY TWO AT [MISC U.S. OPEN] .
[LOC BETHESDA], [LOC Maryland] 1997-06-14
[MISC South African] [PER Ernie Els] shot a two-under-par 69 on Saturday to take a two-stroke lead into the final round of the [MISC U.S. Open].
[PER Tom Lehman] and [PER Colin Montgomerie] of [LOC Scotland] are tied for second.
[PER Tiger Woods], the [MISC Masters] champion, slipped to 10th place after a 72.
""",
    """
[MISC Israeli] troops kill two [MISC Palestinians] in [LOC Hebron] clashes
[LOC JERUSALEM] 2002-03-08
[MISC Israeli] troops shot dead two [MISC Palestinians] during clashes in the [LOC West Bank] city of [LOC Hebron] on Friday, [MISC Palestinian] medical sources said.
The [MISC Israeli] army said soldiers opened fire after a crowd threw petrol bombs at a checkpoint.
[MISC Palestinian] President [PER Yasser Arafat] condemned the killings and called on the [ORG United Nations] to send observers.
[LOC U.S.] envoy [PER Anthony Zinni] is due in the region next week.
""",
    """
[LOC INDIA] TEA PRICES FIRM AT [LOC CALCUTTA] AUCTION .
[LOC CALCUTTA] 1996-09-18
Prices of most grades of tea were firm at this week's auction in [LOC Calcutta] on strong demand from [MISC Russian] and [MISC Pakistani] buyers, brokers said.
[ORG J. Thomas and Co] said about 2.1 million kg were offered, of which 90 percent was sold.
Orthodox teas from [LOC Assam] fetched up to 120 rupees a kg.
The next auction will be held on September 25.
""",
    """
Former [ORG Enron] chief [PER Jeffrey Skilling] sentenced to 24 years
[LOC HOUSTON] 2006-10-23
A federal judge in [LOC Houston] sentenced former [ORG Enron Corp] chief executive [PER Jeffrey Skilling] to 24 years and four months in prison on Monday for his role in the energy company's collapse.
[PER Skilling], 52, was convicted in May of fraud, conspiracy and insider trading.
His lawyer [PER Daniel Petrocelli] said he would appeal to the [ORG Fifth Circuit Court of Appeals] in [LOC New Orleans].
[ORG Enron] founder [PER Kenneth Lay] died of heart disease in July.
""",
    """
[ORG WHO] declares end of outbreak in [LOC Sierra Leone]
[LOC FREETOWN] 2015-11-07
The [ORG World Health Organization] declared [LOC Sierra Leone] free of the virus on Saturday after 42 days without a new case, a milestone for a country where nearly 4,000 people died.
Crowds celebrated in the streets of [LOC Freetown] as President [PER Ernest Bai Koroma] thanked health workers.
Neighbouring [LOC Guinea] still reports new cases, the agency said in [LOC Geneva].
""",
    """
[ORG EU] ministers agree on farm reform after all-night talks
[LOC LUXEMBOURG] 2003-06-26
[ORG European Union] farm ministers agreed early on Thursday to overhaul the bloc's costly subsidy system after three weeks of negotiations in [LOC Luxembourg].
[MISC French] Agriculture Minister [PER Herve Gaymard] said [LOC France] had secured guarantees for its farmers.
[ORG EU] Farm Commissioner [PER Franz Fischler] called the deal a new beginning.
The reform should help the [ORG EU] in talks at the [ORG World Trade Organisation], due to resume in [LOC Cancun], [LOC Mexico], in September.
""",
    """
ATHLETICS - [PER JOHNSON] SETS 200 METRES WORLD RECORD .
[LOC ATLANTA] 1996-08-01
[MISC American] [PER Michael Johnson] smashed the 200 metres world record on Thursday, clocking 19.32 seconds to complete a unique [MISC Olympic] double.
[PER Frankie Fredericks] of [LOC Namibia] took silver and [PER Ato Boldon] of [LOC Trinidad] the bronze.
[PER Johnson], who won the 400 metres on Monday, said he had dreamt of the double since 1992.
""",
    """
[ORG OPEC] agrees to cut output by 1.5 million barrels a day
[LOC VIENNA] 2008-10-24
The [ORG Organization of the Petroleum Exporting Countries] agreed on Friday to cut oil production by 1.5 million barrels a day from November to halt a slide in prices.
[ORG OPEC] President [PER Chakib Khelil] of [LOC Algeria] said the group could cut again at its next meeting in [LOC Angola] in December.
[MISC Saudi] Oil Minister [PER Ali al-Naimi] told reporters the kingdom would comply fully.
[LOC U.S.] crude futures fell five percent on the [ORG New York Mercantile Exchange].
""",
    """
[ORG Microsoft] to buy [ORG LinkedIn] for $26.2 billion
[LOC REDMOND], [LOC Washington] 2016-06-13
[ORG Microsoft Corp] agreed on Monday to buy the professional networking site [ORG LinkedIn] for $26.2 billion in cash, its biggest acquisition by far.
[ORG LinkedIn] will keep its brand, and chief executive [PER Jeff Weiner] will report to [ORG Microsoft] chief [PER Satya Nadella].
[ORG LinkedIn] shares jumped 47 percent on the [ORG New York Stock Exchange] while [ORG Microsoft] fell three percent on the [ORG Nasdaq].
""",
    """
[LOC KENYA] OPPOSITION REJECTS ELECTION RESULT .
[LOC NAIROBI] 2007-12-30
[LOC Kenya]'s opposition leader [PER Raila Odinga] rejected the official result of the presidential election on Sunday after the [ORG Electoral Commission] declared President [PER Mwai Kibaki] the winner.
Riots broke out in the [LOC Kibera] slum of [LOC Nairobi] and in the western city of [LOC Kisumu], witnesses said.
[PER Odinga]'s [ORG Orange Democratic Movement] said the vote had been rigged.
The [ORG European Union] observer mission said the count lacked credibility.
""",
    """
BASKETBALL - [ORG BULLS] BEAT [ORG JAZZ] TO WIN FIFTH TITLE .
[LOC CHICAGO] 1997-06-13
[PER Michael Jordan] scored 39 points as the [ORG Chicago Bulls] beat the [ORG Utah Jazz] 90-86 on Friday to win the [ORG NBA] finals 4-2.
[PER Steve Kerr] hit the winning basket with five seconds left after [PER Jordan] passed to him out of a double team.
[PER Karl Malone] led [ORG Utah] with 32 points.
""",
    """
[PER BLAIR] PROMISES REFERENDUM ON [MISC SCOTTISH] PARLIAMENT .
[LOC EDINBURGH] 1997-07-24
Prime Minister [PER Tony Blair] promised [MISC Scots] on Thursday a referendum on a [MISC Scottish] parliament with tax-raising powers, to be held on September 11.
[ORG Labour]'s plans were attacked by the [ORG Conservatives], who said they would break up the [LOC United Kingdom].
[ORG Scottish National Party] leader [PER Alex Salmond] said he would campaign for a yes vote.
""",
    """
[LOC THAILAND] FLOATS BAHT , CURRENCY PLUNGES .
[LOC BANGKOK] 1997-07-02
[LOC Thailand] let its currency float on Wednesday, and the baht fell as much as 18 percent against the dollar in early trade.
The [ORG Bank of Thailand] said the move was needed to defend its foreign reserves after weeks of attacks by speculators.
Finance Minister [PER Thanong Bidaya] said the government would seek help from [LOC Japan] and the [ORG IMF] if needed.
Shares on the [ORG Stock Exchange of Thailand] rose eight percent.
""",
    """
CYCLING - [PER ULLRICH] TAKES YELLOW JERSEY IN [LOC PYRENEES] .
[LOC ANDORRA] 1997-07-15
[PER Jan Ullrich] of [LOC Germany] took the leader's yellow jersey in the [MISC Tour de France] on Tuesday after winning the 10th stage, a mountain climb to [LOC Arcalis] in [LOC Andorra].
The [ORG Telekom] rider finished more than a minute ahead of [PER Marco Pantani] of [LOC Italy] and [PER Richard Virenque] of [LOC France].
Team-mate [PER Bjarne Riis], last year's winner, lost more than three minutes.
""",
    """
[LOC QUEBEC] VOTES NARROWLY TO STAY IN [LOC CANADA] .
[LOC MONTREAL] 1995-10-31
Voters in [LOC Quebec] narrowly rejected independence from [LOC Canada] in a referendum on Monday, with 50.6 percent voting no.
[LOC Quebec] Premier [PER Jacques Parizeau], leader of the [ORG Parti Quebecois], blamed money and the ethnic vote for the defeat.
Prime Minister [PER Jean Chretien] said [MISC Canadians] wanted unity.
The [MISC Canadian] dollar rose sharply in [LOC New York] trading.
""",
    """
ICE HOCKEY - [ORG RED WINGS] SWEEP [ORG FLYERS] TO WIN [MISC STANLEY CUP] .
[LOC DETROIT] 1997-06-07
The [ORG Detroit Red Wings] won the [MISC Stanley Cup] for the first time in 42 years on Saturday, beating the [ORG Philadelphia Flyers] 2-1 to complete a four-game sweep.
[PER Darren McCarty] scored the winning goal and goaltender [PER Mike Vernon] was named the most valuable player of the playoffs.
[PER Eric Lindros] scored the [ORG Flyers]' only goal with 15 seconds left.
""",
    """
[MISC European] space probe reaches comet after 10-year trip
[LOC DARMSTADT], [LOC Germany] 2014-08-06
The [ORG European Space Agency]'s [MISC Rosetta] probe reached its target comet on Wednesday, a decade after it was launched from [LOC French Guiana].
Scientists at the mission control centre in [LOC Darmstadt] cheered as the craft fired its thrusters for the last time.
[ORG ESA] director general [PER Jean-Jacques Dordain] called it a historic moment for [LOC Europe].
""",
    """
SOCCER - [LOC BRAZIL] CRUSH [LOC CHILE] IN [MISC WORLD CUP] QUALIFIER .
[LOC SAO PAULO] 2000-07-27
[LOC Brazil] beat [LOC Chile] 3-0 in a [MISC World Cup] qualifier on Wednesday, lifting the pressure on coach [PER Vanderlei Luxemburgo].
[PER Rivaldo] scored twice and [PER Romario] added a third from the penalty spot.
[LOC Chile], without the injured [PER Marcelo Salas], rarely threatened.
[LOC Argentina] lead the [MISC South American] group after beating [LOC Ecuador] 2-0 in [LOC Buenos Aires].
""",
    """
[LOC CHINA] , [LOC TAIWAN] TRADE WORDS OVER MISSILE TESTS .
[LOC BEIJING] 1996-03-09
[LOC China] said on Saturday its missile tests off [LOC Taiwan] were a warning to those who want independence for the island, and rejected criticism from [LOC Washington].
[LOC Taiwan]'s President [PER Lee Teng-hui] urged calm and said the island's defences were strong.
The [LOC U.S.] Navy has sent the aircraft carrier [MISC Independence] to waters near [LOC Taiwan], officials in [LOC Washington] said.
[MISC Chinese] Foreign Ministry spokesman [PER Shen Guofang] said the exercises were an internal affair.
""",
    """
[ORG Volkswagen] admits 11 million cars fitted with cheat software
[LOC BERLIN] 2015-09-22
[ORG Volkswagen] said on Tuesday that 11 million of its diesel cars worldwide were fitted with software used to cheat emissions tests, and set aside 6.5 billion euros to cover the costs.
Chief executive [PER Martin Winterkorn] apologised but said he would not resign.
[MISC German] Transport Minister [PER Alexander Dobrindt] said investigators would check all [ORG Volkswagen] models sold in [LOC Germany].
Shares in the [LOC Wolfsburg]-based carmaker fell 20 percent in [LOC Frankfurt].
""",
    """
Music festival draws record crowds to [LOC Glastonbury]
[LOC PILTON], [LOC England] 2019-06-30
More than 200,000 people attended the [MISC Glastonbury Festival] this weekend, organisers said, as [PER Stormzy] became the first black [MISC British] solo artist to headline the [MISC Pyramid Stage].
Founder [PER Michael Eavis] said the event would take a year off in 2020.
[PER Paul McCartney] and [PER Kylie Minogue] also played to packed fields in [LOC Somerset].
""",
    """
[ORG NATO] FOREIGN MINISTERS BACK EXPANSION TO THE EAST .
[LOC BRUSSELS] 1996-12-10
[ORG NATO] foreign ministers agreed on Tuesday to invite some former [ORG Warsaw Pact] countries to join the alliance at a summit next July.
[LOC U.S.] Secretary of State [PER Warren Christopher] said the move posed no threat to [LOC Russia].
[MISC Russian] Foreign Minister [PER Yevgeny Primakov] repeated [LOC Moscow]'s opposition in talks with [ORG NATO] Secretary-General [PER Javier Solana].
[LOC Poland], [LOC Hungary] and the [LOC Czech Republic] are seen as the leading candidates.
""",
]

HELDOUT_DOCS = [
    """
TENNIS - [PER GRAF] BEATS [PER SANCHEZ VICARIO] IN THREE-SET [LOC WIMBLEDON] FINAL .
[LOC WIMBLEDON], [LOC England] 1996-07-06
Top seed [PER Steffi Graf] won her seventh [LOC Wimbledon] title on Saturday, beating [PER Arantxa Sanchez Vicario] of [LOC Spain] 6-3 7-5 in a final interrupted twice by rain.
The [MISC German] dropped only one set in the tournament.
"I never felt safe until the last point," [PER Graf] said.
[PER Sanchez Vicario] will partner [PER Jana Novotna] of the [LOC Czech Republic] in the women's doubles final on Sunday.
""",
    """
[LOC GERMANY] 'S [PER KOHL] LOSES POWER AFTER 16 YEARS .
[LOC BONN] 1998-09-27
[PER Gerhard Schroeder]'s [ORG Social Democrats] won [LOC Germany]'s general election on Sunday, ending 16 years of rule by Chancellor [PER Helmut Kohl].
Exit polls gave the [ORG SPD] 41 percent against 35 percent for [PER Kohl]'s [ORG Christian Democrats].
[PER Schroeder] is expected to form a coalition with the [ORG Greens], led by [PER Joschka Fischer].
Markets in [LOC Frankfurt] were expected to open steady on Monday.
""",
    """
[ORG BP] to pay $20 billion into spill compensation fund
[LOC WASHINGTON] 2010-06-16
[ORG BP Plc] agreed on Wednesday to set up a $20 billion fund to pay for damage caused by the oil spill in the [LOC Gulf of Mexico], after four hours of talks at the [LOC White House].
President [PER Barack Obama] said the fund would be run by an independent administrator, [PER Kenneth Feinberg].
[ORG BP] chairman [PER Carl-Henric Svanberg] apologised to the [MISC American] people and said the company would suspend its dividend.
Fishermen in [LOC Louisiana] and [LOC Alabama] have lost much of their season.
""",
    """
Scientists at [ORG CERN] find particle thought to be [MISC Higgs] boson
[LOC GENEVA] 2012-07-04
Physicists at [ORG CERN], the [MISC European] particle physics laboratory near [LOC Geneva], said on Wednesday they had found a new particle consistent with the long-sought [MISC Higgs] boson.
[PER Peter Higgs], the [MISC British] physicist who predicted the particle in 1964, wiped away tears in the auditorium.
[ORG CERN] director general [PER Rolf Heuer] said: "As a layman, I would say we have it."
The results come from the [MISC Large Hadron Collider], a 27 km ring beneath the [MISC French]-[MISC Swiss] border.
""",
    """
SOCCER - [ORG BORUSSIA DORTMUND] WIN [MISC CHAMPIONS LEAGUE] .
[LOC MUNICH] 1997-05-28
[ORG Borussia Dortmund] beat holders [ORG Juventus] 3-1 in the [MISC European Cup] final on Wednesday, with [PER Karlheinz Riedle] scoring twice in the first half.
Substitute [PER Lars Ricken] chipped a third with his first touch after [PER Alessandro Del Piero] had pulled one back for the [MISC Italians].
Coach [PER Ottmar Hitzfeld] said the win was the greatest moment in the club's history.
More than 59,000 fans watched at the [LOC Olympic Stadium].
""",
    """
[MISC Nobel] literature prize goes to [MISC Portuguese] writer [PER Saramago]
[LOC STOCKHOLM] 1998-10-08
[MISC Portuguese] novelist [PER Jose Saramago] won the 1998 [MISC Nobel Prize] for Literature on Thursday, the first writer in the [MISC Portuguese] language to receive it.
The [ORG Swedish Academy] praised his parables sustained by imagination, compassion and irony.
[PER Saramago], 75, heard the news at [LOC Frankfurt] airport on his way home to the [MISC Spanish] island of [LOC Lanzarote].
[LOC Portugal]'s Prime Minister [PER Antonio Guterres] called it a great day for the nation.
""",
    """
Floods leave millions homeless in [LOC Bangladesh]
[LOC DHAKA] 1998-09-10
Floods that have covered two thirds of [LOC Bangladesh] have left more than 20 million people homeless, the government said on Thursday.
Prime Minister [PER Sheikh Hasina] appealed for food aid and said rice stocks would last only weeks.
The [ORG World Food Programme] said it would fly in supplies from [LOC Calcutta].
Water levels on the [LOC Brahmaputra] and [LOC Ganges] rivers were starting to fall, officials said.
""",
    """
[ORG Fed] raises rates for first time in nearly a decade
[LOC WASHINGTON] 2015-12-16
The [ORG Federal Reserve] raised interest rates on Wednesday for the first time since 2006, saying the [LOC U.S.] economy had largely recovered from the financial crisis.
[ORG Fed] Chair [PER Janet Yellen] told reporters future increases would be gradual.
Stocks on [ORG Wall Street] rose after the decision, with the [MISC Dow Jones] industrial average up 1.3 percent.
Central banks in [LOC Hong Kong], [LOC Saudi Arabia] and [LOC Kuwait] followed with increases of their own.
""",
    """
BOXING - [PER HOLYFIELD] STOPS [PER TYSON] IN 11TH ROUND .
[LOC LAS VEGAS] 1996-11-09
[PER Evander Holyfield] stunned [PER Mike Tyson] on Saturday, stopping him in the 11th round to take the [ORG WBA] heavyweight title at the [LOC MGM Grand].
Referee [PER Mitch Halpern] stopped the fight after [PER Holyfield] rocked [PER Tyson] with a series of punches.
Promoter [PER Don King] said a rematch would be held next year.
""",
    """
[LOC INDIA] TESTS NUCLEAR DEVICES , [LOC PAKISTAN] VOWS RESPONSE .
[LOC NEW DELHI] 1998-05-11
[LOC India] carried out three underground nuclear tests on Monday in the desert state of [LOC Rajasthan], Prime Minister [PER Atal Behari Vajpayee] said.
[LOC Pakistan]'s Foreign Minister [PER Gohar Ayub Khan] said his country would take all measures to safeguard its security.
The [ORG White House] said President [PER Bill Clinton] was deeply disappointed, and [LOC Japan] said it would freeze aid.
[ORG U.N.] Secretary-General [PER Kofi Annan] expressed regret.
""",
    """
[MISC Cannes] jury gives top prize to [MISC Iranian] director
[LOC CANNES], [LOC France] 1997-05-18
[MISC Iranian] director [PER Abbas Kiarostami] and [MISC Japanese] film-maker [PER Shohei Imamura] shared the [MISC Palme d'Or] at the [MISC Cannes Film Festival] on Sunday.
Jury president [PER Isabelle Adjani] read out the winners at the [LOC Palais des Festivals].
[PER Kiarostami] won for "[MISC Taste of Cherry]", which was entered in the competition only at the last minute.
""",
    """
[ORG Google] fined 2.4 billion euros by [ORG EU] over shopping searches
[LOC BRUSSELS] 2017-06-27
The [ORG European Commission] fined [ORG Google] a record 2.42 billion euros on Tuesday for favouring its own shopping service in search results.
Competition Commissioner [PER Margrethe Vestager] gave the company 90 days to change its practices or face further penalties.
[ORG Google]'s general counsel [PER Kent Walker] said the company would consider an appeal.
The [ORG Alphabet] unit has faced complaints from rivals in [LOC Britain], [LOC Germany] and [LOC France].
""",
    """
MOTOR RACING - [PER HILL] WINS TITLE AS [PER VILLENEUVE] SPINS OUT .
[LOC SUZUKA], [LOC Japan] 1996-10-13
[PER Damon Hill] won the [MISC Japanese Grand Prix] on Sunday to clinch the world drivers' championship after his [ORG Williams] team-mate and only rival [PER Jacques Villeneuve] lost a wheel.
[PER Hill], 36, is the first son of a world champion to win the title; his father [PER Graham] won it in 1962 and 1968.
[PER Michael Schumacher] was second for [ORG Ferrari] and [PER Mika Hakkinen] third for [ORG McLaren].
""",
    """
[LOC SUDAN] , REBELS AGREE CEASEFIRE IN TALKS IN [LOC KENYA] .
[LOC NAIROBI] 2002-10-15
[LOC Sudan]'s government and the [ORG Sudan People's Liberation Army] agreed on Tuesday to a ceasefire across the country while peace talks continue in [LOC Kenya].
Mediator [PER Lazaro Sumbeiywo], a retired [MISC Kenyan] general, said the truce would be monitored by an international team.
Rebel leader [PER John Garang] said the south wanted a referendum on self-determination.
The [LOC United States] and [LOC Britain] welcomed the deal.
""",
    """
GOLF - [MISC EUROPE] RETAIN [MISC RYDER CUP] AT [LOC VALDERRAMA] .
[LOC SOTOGRANDE], [LOC Spain] 1997-09-28
[LOC Europe] held on to the [MISC Ryder Cup] on Sunday, beating the [LOC United States] 14-1/2 to 13-1/2 at [LOC Valderrama].
Captain [PER Seve Ballesteros] hugged [PER Colin Montgomerie], whose half with [PER Scott Hoch] secured the cup.
[MISC American] captain [PER Tom Kite] said his side had been beaten by a better team.
""",
    """
[MISC Dutch] court jails former [MISC Liberian] leader [PER Taylor] for 50 years
[LOC THE HAGUE] 2012-05-30
A [ORG U.N.]-backed court sentenced former [MISC Liberian] President [PER Charles Taylor] to 50 years in prison on Wednesday for aiding rebels in neighbouring [LOC Sierra Leone].
Presiding judge [PER Richard Lussick] said the crimes were of the utmost gravity.
The [ORG Special Court for Sierra Leone] sits in [LOC Leidschendam], near [LOC The Hague], for security reasons.
[PER Taylor]'s lawyer [PER Courtenay Griffiths] said he would appeal.
""",
    """
[ORG Boeing] to buy [ORG McDonnell Douglas] for $13.3 billion
[LOC SEATTLE] 1996-12-15
[ORG Boeing Co] said on Sunday it would buy [ORG McDonnell Douglas Corp] for $13.3 billion in stock, creating the world's biggest aerospace company.
[ORG Boeing] chairman [PER Philip Condit] will head the combined group, and [ORG McDonnell Douglas] chief [PER Harry Stonecipher] will be president.
The deal leaves [ORG Airbus Industrie], the [MISC European] consortium based in [LOC Toulouse], as [ORG Boeing]'s only rival in large airliners.
[ORG European Commission] officials said they would study the merger closely.
""",
    """
RUGBY LEAGUE - [ORG WIGAN] THRASH [ORG ST HELENS] .
[LOC WIGAN], [LOC England] 1996-08-26
[ORG Wigan] beat [ORG St Helens] 66-12 on Monday in the [MISC Super League], with winger [PER Jason Robinson] scoring four tries.
[ORG St Helens] still lead the table by two points with two games left.
[PER Henry Paul] kicked nine goals for [ORG Wigan] before a crowd of 18,500 at [LOC Central Park].
""",
    """
[LOC ARGENTINA] DEFAULTS ON DEBT , NEW PRESIDENT SAYS .
[LOC BUENOS AIRES] 2001-12-23
[LOC Argentina]'s new President [PER Adolfo Rodriguez Saa] announced on Sunday that the country would suspend payments on its $132 billion public debt, the biggest sovereign default in history.
[PER Rodriguez Saa], of the [ORG Peronist] party, took office after [PER Fernando de la Rua] resigned amid riots in which 27 people died.
The [ORG International Monetary Fund] said it would work with the new government.
Banks in [LOC Buenos Aires] remained closed.
""",
    """
Hurricane leaves trail of destruction across [LOC Caribbean]
[LOC SAN JUAN], [LOC Puerto Rico] 2017-09-21
A powerful hurricane knocked out power to all of [LOC Puerto Rico] on Wednesday, tearing roofs off houses and flooding streets in [LOC San Juan].
Governor [PER Ricardo Rossello] imposed a curfew and said restoring electricity could take months.
The storm earlier killed at least seven people on [LOC Dominica], Prime Minister [PER Roosevelt Skerrit] said.
The [ORG National Hurricane Center] in [LOC Miami] said it was moving towards the [LOC Dominican Republic].
""",
    """
CRICKET - [PER TENDULKAR] HUNDRED STEERS [LOC INDIA] TO VICTORY .
[LOC SHARJAH] 1998-04-24
[PER Sachin Tendulkar] hit 134 as [LOC India] beat [LOC Australia] by six wickets on Friday to win the [MISC Coca-Cola Cup] in [LOC Sharjah].
[LOC Australia] made 272 for nine after captain [PER Steve Waugh] won the toss, with [PER Darren Lehmann] scoring 70.
[PER Tendulkar], celebrating his 25th birthday, was named man of the match.
""",
    """
[ORG Sony] to cut 10,000 jobs as losses mount
[LOC TOKYO] 2012-04-12
[ORG Sony Corp] said on Thursday it would cut 10,000 jobs, about six percent of its workforce, as new chief executive [PER Kazuo Hirai] tries to revive the struggling electronics maker.
The company expects a record annual loss of 520 billion yen, hit by its television business and floods in [LOC Thailand].
[PER Hirai] said [ORG Sony] would focus on games, digital imaging and mobile devices.
Shares rose two percent in [LOC Tokyo], outperforming the [MISC Nikkei] average.
""",
    """
[LOC YUGOSLAVIA] PROTESTERS STORM PARLIAMENT , [PER MILOSEVIC] ISOLATED .
[LOC BELGRADE] 2000-10-05
Hundreds of thousands of protesters stormed the federal parliament in [LOC Belgrade] on Thursday, demanding that [PER Slobodan Milosevic] accept defeat in last month's presidential election.
Opposition candidate [PER Vojislav Kostunica] told the crowd that [LOC Serbia] had been liberated.
State television went off the air after the building was set on fire.
[MISC Russian] Foreign Minister [PER Igor Ivanov] was due in [LOC Belgrade] on Friday.
""",
    """
ATHLETICS - [PER GEBRSELASSIE] BREAKS 10,000 METRES RECORD .
[LOC HENGELO], [LOC Netherlands] 1998-06-01
[MISC Ethiopian] [PER Haile Gebrselassie] broke the 10,000 metres world record on Monday, clocking 26 minutes 22.75 seconds at the [MISC Fanny Blankers-Koen] meeting.
[PER Gebrselassie] took more than seven seconds off the record set by [PER Paul Tergat] of [LOC Kenya] last year.
He said he would now run the 5,000 metres in [LOC Helsinki].
""",
    """
[MISC Chinese] e-commerce giant [ORG Alibaba] raises $25 billion in record listing
[LOC NEW YORK] 2014-09-19
[ORG Alibaba Group Holding Ltd] raised $25 billion in the biggest initial public offering ever on Friday, and its shares jumped 38 percent on their debut on the [ORG New York Stock Exchange].
Founder [PER Jack Ma], a former English teacher from [LOC Hangzhou], rang the opening bell with customers of the company.
[ORG SoftBank], which owns a third of [ORG Alibaba], gained billions on paper.
""",
    """
[LOC HONG KONG] RETURNS TO [MISC CHINESE] RULE .
[LOC HONG KONG] 1997-07-01
[LOC Hong Kong] returned to [MISC Chinese] sovereignty at midnight, ending 156 years of [MISC British] colonial rule.
Prince [PER Charles] and Governor [PER Chris Patten] left aboard the royal yacht [MISC Britannia] after the handover ceremony.
[MISC Chinese] President [PER Jiang Zemin] said the return was a festival for the [MISC Chinese] nation.
[PER Tung Chee-hwa] was sworn in as the territory's first chief executive.
""",
    """
SOCCER - [LOC NIGERIA] WIN [MISC OLYMPIC] GOLD .
[LOC ATHENS], [LOC Georgia] 1996-08-03
[LOC Nigeria] became the first [MISC African] nation to win the [MISC Olympic] soccer title on Saturday, beating [LOC Argentina] 3-2 in the final.
[PER Emmanuel Amunike] scored the winner in the 90th minute after [PER Daniel Amokachi] had equalised.
[LOC Argentina] led through goals by [PER Claudio Lopez] and [PER Hernan Crespo].
[LOC Brazil] took the bronze medal by beating [LOC Portugal] 5-0.
""",
    """
[ORG Tesla] shares soar as [PER Musk] promises cheaper cars
[LOC AUSTIN], [LOC Texas] 2023-03-02
[ORG Tesla Inc] chief executive [PER Elon Musk] said on Wednesday the company would halve the cost of making its next generation of cars, and unveiled plans for a factory in [LOC Mexico].
[MISC Mexican] President [PER Andres Manuel Lopez Obrador] said the plant would be built near [LOC Monterrey].
Analysts at [ORG Morgan Stanley] said investors had hoped for more detail.
""",
    """
[LOC PERU] HOSTAGE SIEGE ENDS IN COMMANDO RAID .
[LOC LIMA] 1997-04-22
[MISC Peruvian] commandos stormed the [MISC Japanese] ambassador's residence in [LOC Lima] on Tuesday, freeing 71 hostages held for four months by [ORG Tupac Amaru] rebels.
All 14 rebels, including their leader [PER Nestor Cerpa], were killed, President [PER Alberto Fujimori] said.
One hostage, Supreme Court judge [PER Carlos Giusti], died of a heart attack during the raid.
[LOC Japan]'s Prime Minister [PER Ryutaro Hashimoto] thanked [PER Fujimori] but said he regretted the loss of life.
""",
    """
Marathon - [MISC Kenyan] [PER Kipchoge] wins in [LOC Berlin]
[LOC BERLIN] 2022-09-25
[PER Eliud Kipchoge] of [LOC Kenya] won the [MISC Berlin Marathon] on Sunday in two hours, one minute and nine seconds, lowering his own world record by 30 seconds.
[PER Kipchoge], 37, ran alone for the last 15 km under clear skies.
[MISC Ethiopian] [PER Tigist Assefa] won the women's race.
""",
    """
[ORG IAEA] SAYS [LOC IRAQ] HID NUCLEAR PROGRAMME .
[LOC VIENNA] 1995-08-25
The [ORG International Atomic Energy Agency] said on Friday that [LOC Iraq] had concealed a crash programme to build a nuclear weapon before the [MISC Gulf War].
Agency director [PER Hans Blix] said inspectors would return to [LOC Baghdad] next week.
The disclosure followed the defection to [LOC Jordan] of [PER Hussein Kamel], a son-in-law of President [PER Saddam Hussein].
""",
]
