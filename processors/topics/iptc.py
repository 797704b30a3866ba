"""IPTC Media Topics, top level: the 17 categories, their codes, and a zero-shot lexicon classifier.

Why a lexicon. The classifier must work out of the box, offline, on CPU-only workers, with no
training data and without PyTorch (image size). Zero-shot methods that compare an article with
label descriptions need sentence embeddings (torch) or word vectors (the small spaCy pipelines
ship none). A curated lexicon is the method news agencies used before embeddings and it stays
the cheapest honest one: every category has 190 to 480 English and 140 to 340 French words and
multi-word expressions, each weighted by how specific it is to the category (3: nearly proof,
e.g. "ceasefire"; 2: typical, "troops"; 1: a hint that also occurs elsewhere, "attack"). Weights
are editorial judgements written from the IPTC scope notes and from how agency copy (Reuters, AP,
AFP, BBC, Le Monde) is worded, not fitted to a data set; a handful were adjusted on the tuning
half of tests/data/iptc-eval-*.jsonl, never on its held-out half.

How a text is scored (`LexiconClassifier.evidence`):
- Text is lower-cased and accent-folded; words are alphanumeric runs. A term matches its
  inflections too (plurals and, in French, feminines are generated from the written form).
- Longest match wins: "air strike" is counted once, for conflict, and never as a labour "strike";
  "Premier League" is sport and not a prime minister. Some expressions are neutral on purpose
  ("press conference") so that they hide their words.
- A term counts more in the title (x3) and in the lead (x1.5) than deep in the body: news is
  written as an inverted pyramid. Its frequency saturates (BM25, k=1.2), so ten "goal"s do not
  outweigh a handful of different football words.
- Scores in 0..1 (`scores`): the best category's score says how much evidence there is
  (1 - exp(-evidence / 6): one typical term gives 0.28, a typical sports report > 0.9), so it
  can be compared across articles; every other category scores that times the square of its
  evidence relative to the best, so only a strong second theme reaches the threshold.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

__all__ = [
    "LEXICON_VERSION",
    "MEDIA_TOPICS",
    "LexiconClassifier",
    "MediaTopic",
    "canonical_label",
    "category_term_counts",
    "compile_lexicon",
    "fold",
    "guess_language",
    "is_meaningful",
    "lexicon_classifier",
    "lexicon_languages",
    "scores_from_evidence",
    "tokens",
]

LEXICON_VERSION = "1.0"


@dataclass(frozen=True)
class MediaTopic:
    code: str  # IPTC QCode
    label: str  # IPTC prefLabel (en-GB)


ARTS = MediaTopic("medtop:01000000", "arts, culture, entertainment and media")
CRIME = MediaTopic("medtop:02000000", "crime, law and justice")
DISASTER = MediaTopic("medtop:03000000", "disaster, accident and emergency incident")
ECONOMY = MediaTopic("medtop:04000000", "economy, business and finance")
EDUCATION = MediaTopic("medtop:05000000", "education")
ENVIRONMENT = MediaTopic("medtop:06000000", "environment")
HEALTH = MediaTopic("medtop:07000000", "health")
HUMAN_INTEREST = MediaTopic("medtop:08000000", "human interest")
LABOUR = MediaTopic("medtop:09000000", "labour")
LIFESTYLE = MediaTopic("medtop:10000000", "lifestyle and leisure")
POLITICS = MediaTopic("medtop:11000000", "politics")
RELIGION = MediaTopic("medtop:12000000", "religion")
SCIENCE = MediaTopic("medtop:13000000", "science and technology")
SOCIETY = MediaTopic("medtop:14000000", "society")
SPORT = MediaTopic("medtop:15000000", "sport")
CONFLICT = MediaTopic("medtop:16000000", "conflict, war and peace")
WEATHER = MediaTopic("medtop:17000000", "weather")

MEDIA_TOPICS: tuple[MediaTopic, ...] = (
    ARTS, CRIME, DISASTER, ECONOMY, EDUCATION, ENVIRONMENT, HEALTH, HUMAN_INTEREST, LABOUR,
    LIFESTYLE, POLITICS, RELIGION, SCIENCE, SOCIETY, SPORT, CONFLICT, WEATHER,
)

# Labels other IPTC releases (or people) use for the same top-level concepts.
_ALIASES = {
    # IPTC's release of 2026-07 labels 11000000 "politics and government"; before 2023, 12000000
    # was "religion and belief". Data sets labelled with either still evaluate.
    "politics and government": POLITICS.label,
    "religion and belief": RELIGION.label,
}


def canonical_label(label: str) -> str | None:
    """The IPTC label for a label, a QCode (medtop:04000000) or a known alias; None if unknown."""
    wanted = " ".join(label.strip().lower().split())
    for topic in MEDIA_TOPICS:
        if wanted in (topic.label, topic.code, topic.code.removeprefix("medtop:")):
            return topic.label
    return _ALIASES.get(wanted)


# --- the lexicon ---------------------------------------------------------------------------------
# Per language, per category, terms by weight. Terms are comma-separated.
# Write singular forms: plurals (and French feminines) are generated.

_NEUTRAL = "neutral"  # expressions that only hide their words

_EN: dict[object, dict[int, str]] = {
    _NEUTRAL: {0: """
        press conference, news conference, told reporters, said in a statement, told a news conference, press release,
        press secretary, spokesperson, spokesman, spokeswoman, state media, state television, state news agency,
        news agency, according to, last week, next week, this week, last year, next year, this year, per cent, percent,
        in the wake of, state of the art, at the end of the day, first time, long time, the race to, race against time,
        game changer, world war i, world war ii, second world war, first world war, the war on, war of words,
        war chest, price war, talent war, turf war, culture war, school of thought, bill gates, soviet union,
        rock bottom, new york times, washington post, financial times, wall street journal,
        associated press, cnn, bbc, reuters, afp, guardian, fox news, sky news, al jazeera, bloomberg news,
        sunday times, daily mail, le monde, the independent, the times, the economist, local time, time zone,
        in terms of, in a post on, wrote on, posted on, follow us, sign up, newsletter, subscribe, read more,
        click here, all rights reserved, copyright, getty images, file photo, image caption, video caption,
        a couple of, set to, set up, set out, set off, go ahead, take place, took place, taking place, in place,
        on the ground, at stake, in charge, on track, in the face of, at least, more than, as well as,
        """},
    ARTS.code: {
        3: """
        film festival, box office, box-office, album, novelist, museum, art exhibition, exhibition, art gallery,
        opera, ballet, orchestra, symphony, concert, painter, sculptor, sculpture, oscar, academy award, grammy,
        emmy, golden globe, bafta, cannes film festival, berlinale, venice film festival, sundance, booker prize,
        pulitzer prize, nobel prize in literature, prix goncourt, hollywood, bollywood, filmmaker, screenplay,
        screenwriter, documentary, sitcom, tv series, television series, drama series, miniseries, season finale,
        sequel, prequel, blockbuster, premiere, film, movie, cinema, actor, actress, singer, songwriter,
        singer-songwriter, rapper, pop star, rock band, boy band, hip hop, hip-hop, jazz, classical music, composer,
        choreographer, choreography, dancer, musical, broadway, west end, theatre, theater, playwright, poet, poetry,
        literature, literary, bestseller, best-selling author, memoir, novel, paperback, publishing house,
        comic book, graphic novel, manga, anime, animated film, animation, pixar, netflix, hbo, streaming service,
        streaming platform, spotify, billboard chart, billboard hot 100, top of the charts, music video, world tour,
        concert tour, tour dates, headliner, glastonbury, coachella, eurovision, song contest, music festival,
        art fair, biennale, biennial, artwork, masterpiece, curator, auction house, sotheby, christie's, art collector,
        art market, world heritage, unesco, cultural heritage, heritage site, statue, monument, mural, street art,
        photographer, fashion designer, journalism, editor-in-chief, newsroom, press freedom, public broadcaster,
        television channel, tv channel, radio station, radio host, talk show, late-night show, tv host, reality show,
        reality tv, podcast, media outlet, news outlet, media group, cartoonist, film director, soundtrack,
        guitarist, drummer, pianist, violinist, tenor, soprano, recital, record label, vinyl, number one single,
        studio album, debut album, biopic, star wars, james bond, harry potter, game of thrones, superhero,
        horror film, comedian, stand-up comedy, red carpet, golden bear, palme d'or, golden lion, tony award,
        olivier award, mercury prize, brit award, literary prize, turner prize, louvre, british museum,
        metropolitan museum, moma, tate modern, guggenheim, prado, uffizi, rijksmuseum, national gallery,
        smithsonian, opera house, la scala, philharmonic, concert hall, artist, arts, painting,
        """,
        2: """
        director, producer, starring, audience, viewers, box office takings, performer, song, music, musician,
        tour, festival, book, writer, author of the novel, media, broadcaster, broadcasting, journalist,
        newspaper, magazine, tabloid, editor, studio, studios, entertainment, celebrity, culture, cultural,
        heritage, archaeology, collection, exhibit, restoration, architect, architecture, library, translation,
        dance, drama, comedy, thriller, theatre company, arts council, cultural centre, creative, creativity,
        adaptation, remake, trailer, streaming, viewership, band, conductor, choir, gig, episode, marvel, epic,
        retrospective, show, shows, gallery, galleries, cannes, television, tv, radio, podcasts, fans of the show,
        """,
        1: """
        award, prize, nominated, nomination, review, critic, critics, classic, icon, iconic, legendary, hit,
        video, content, youtube, tiktok, instagram, influencer, event, star, stage, cast, character, season,
        series, story, stories, press, history, historic, ancient, design, language, reading, readers, author,
        performance, single, chart, charts, headline, record, records, released, release,
        """,
    },
    CONFLICT.code: {
        3: """
        war, wars, warfare, troops, soldier, military, army, airstrike, air strike, drone strike, missile strike,
        missile attack, drone attack, shelling, artillery, ceasefire, cease-fire, truce, armistice, peace talks,
        peace deal, peace agreement, peace process, peace plan, peace negotiations, peacekeeping, peacekeeper,
        counteroffensive, counter-offensive, invasion, invade, invaded, invading, occupying forces, front line,
        frontline, front lines, battlefield, fighting, clashes, clashed, insurgent, insurgency, militant, militia,
        rebel, guerrilla, jihadist, terrorist, terrorism, terror attack, suicide bomber, suicide bombing, car bomb,
        roadside bomb, improvised explosive device, bombing, bombardment, hostage, siege, besieged, armed forces,
        defence ministry, defense ministry, defence minister, defense minister, defence secretary,
        defense secretary, pentagon, nato, warplane, fighter jet, weapon, weapons, arms supplies, arms shipments,
        ammunition, munitions, nuclear weapon, warhead, ballistic missile, cruise missile, hypersonic missile,
        air defence, air defense, anti-aircraft, rocket fire, missile, killed in fighting, war crimes, war crime,
        genocide, massacre, ethnic cleansing, coup, coup attempt, military junta, junta, martial law, civil war,
        uprising, armed group, paramilitary, hamas, hezbollah, houthi, taliban, islamic state, isis, isil,
        al-qaeda, al qaeda, al-shabaab, boko haram, wagner group, idf, israel defense forces, gaza strip,
        hostilities, combatants, brigade, battalion, regiment, navy, naval, air force, warship, submarine,
        aircraft carrier, marines, special forces, sniper, mortar, grenade, landmine, cluster munitions,
        chemical weapons, conscription, mobilisation, mobilization, mercenary, prisoner of war, prisoners of war,
        prisoner swap, prisoner exchange, annexation, annexed, occupied territories, territorial gains,
        troop withdrawal, military aid, humanitarian corridor, humanitarian pause, internally displaced,
        refugee camp, arms embargo, disarmament, arms control, non-proliferation, nuclear deterrent, missile test,
        military exercise, military drills, war games, air raid, air raid sirens, bomb shelter,
        civilian casualties, armed conflict, conflict zone, war zone, peace summit, peace envoy,
        demilitarised zone, demilitarized zone, buffer zone, border clashes, skirmish, ambush, shot down,
        military operation, special military operation, ground operation, ground offensive, incursion,
        cross-border attack, riot, riots, rioting, rioters, civil unrest, unrest, tear gas, water cannon,
        security forces, crackdown, sectarian violence, weapons of mass destruction, tanks, mass graves,
        """,
        2: """
        attack, attacks, attacked, killed, wounded, casualties, death toll, conflict, enemy, forces, armed, bomb,
        explosion, blast, gunfire, gunmen, fighters, refugee, humanitarian, aid convoy, kremlin, protest,
        protesters, demonstration, demonstrators, tension, tensions, threat, threats, retaliation, retaliate,
        veteran, ministry of defence, drone, drones, rocket, rockets, raid, raids, offensive, captured,
        recaptured, occupied, occupation, combat, commander, escalation, de-escalation, revolution, rebellion,
        displaced, mediators, mediation, negotiated settlement, intercepted, stormed, seized control, deterrence,
        tank, violence, violent, peace, sanctions against russia, security council resolution,
        """,
        1: """
        kill, killing, dead, deaths, injured, defence, defense, security, border, shot, shooting, fight, fighter,
        strike, mission, operation, soldiers, police, government, talks, negotiations, envoy, sanctions, crisis,
        regime, allies, alliance, ally, nuclear, intelligence, spy, espionage, hostile, aggression, ukraine,
        russia, russian, ukrainian, israel, israeli, palestinian, gaza, lebanon, syria, sudan, yemen, putin,
        zelensky, netanyahu, struck, west bank, donbas, kherson, zaporizhzhia, kyiv, kharkiv, crimea,
        """,
    },
    CRIME.code: {
        3: """
        arrested, arrest, charged with, indicted, indictment, prosecutor, prosecution, public prosecutor,
        district attorney, attorney general, court, trial, judge, jury, juror, verdict, sentenced, sentencing,
        jail, jailed, prison, imprisonment, imprisoned, prison sentence, years in prison, life sentence,
        life imprisonment, convicted, conviction, found guilty, pleaded guilty, pleaded not guilty, guilty plea,
        acquitted, acquittal, lawsuit, sued, suing, lawyer, attorney, defence lawyer, defense attorney, defendant,
        plaintiff, supreme court, high court, appeals court, court of appeal, appellate court, federal court,
        district court, crown court, magistrate, constitutional court, european court of human rights,
        international criminal court, court ruling, judicial, judiciary, justice department,
        department of justice, ministry of justice, justice minister, crime, criminal, murder, murdered, homicide,
        manslaughter, stabbing, stabbed, shot dead, gunman, robbery, robbed, theft, stolen, burglary, burglar, fraud,
        fraudster, scam, scammer, embezzlement, bribery, bribe, corruption, corrupt, money laundering, laundering,
        tax evasion, drug trafficking, drug trafficker, drug dealer, cartel, smuggling, smuggler,
        human trafficking, trafficking, kidnapping, kidnapped, abduction, abducted, assault, sexual assault,
        rape, raped, sexual abuse, child abuse, domestic violence, extradition, extradited, bail, remanded,
        suspect, investigators, police investigation, criminal investigation, fbi, interpol, europol,
        scotland yard, detective, forensic, police officer, policeman, police chief, police force, police station,
        sheriff, gang, organised crime, organized crime, mafia, hitman, cybercrime, hacker, hacking, ransomware,
        parole, probation, death penalty, death row, lethal injection, pardon, pardoned, clemency, litigation,
        class action, injunction, legal action, legal challenge, legal battle, testimony, testified, witness,
        cross-examination, courtroom, prosecute, prosecuted, law enforcement, offence, offense, offender,
        sex offender, crime scene, firearm, knife crime, gun crime, mass shooting, shooter, police shooting,
        arson, arsonist, vandalism, looting, looter, shoplifting, counterfeit, forgery, perjury, contempt of court,
        obstruction of justice, grand jury, plea deal, plea bargain, police said, charged,
        """,
        2: """
        police, officers, officer, custody, detained, detention, investigation, hearing, accused, alleged,
        allegedly, allegations, victim, shooting, illegal, illegally, unlawful, ruling, ruled that, appeal,
        appealed, justice, settlement, damages, misconduct, wrongdoing, drug, drugs, cocaine, heroin, fentanyl,
        knife, gun, guns, fine, fined, penalty, seized, seizure, raid, body, bodies, cops, executed, execution,
        statute, criminal code, penal code, harassment, legal, law, laws, inquiry, probe, watchdog, complaint,
        scandal, regulator, ban, banned,
        """,
        1: """
        violence, security, case, cases, sentence, released, freed, authorities, rules, order, dispute, dead,
        killed, missing, search, charge, charges, rights, lawmakers, legislation,
        """,
    },
    DISASTER.code: {
        3: """
        earthquake, quake, aftershock, magnitude, richter scale, epicentre, epicenter, seismic, tsunami,
        hurricane, typhoon, cyclone, tornado, tornadoes, twister, flood, flooding, flash flood, floodwaters,
        landslide, mudslide, avalanche, wildfire, bushfire, forest fire, brush fire, blaze, firefighter,
        fire brigade, fire crews, fire department, fire service, volcano, volcanic, eruption, erupted, lava,
        ash cloud, plane crash, air crash, helicopter crash, train crash, derailment, derailed, collision,
        collided, capsized, capsizing, shipwreck, sank, sinking, boat sank, gas explosion, building collapse,
        bridge collapse, mine collapse, mining accident, mine explosion, trapped, trapped under, rescuers,
        rescue workers, rescue teams, rescue operation, search and rescue, survivors, survivor, death toll,
        toll rose, toll climbed, bodies recovered, evacuated, evacuation, evacuate, evacuation orders, evacuee,
        emergency services, emergency crews, first responders, paramedics, natural disaster, disaster,
        catastrophe, accident, fatal accident, road accident, car crash, bus crash, traffic accident, pile-up,
        fatalities, red cross, red crescent, relief efforts, relief operations, disaster relief, aid workers,
        debris, rubble, stampede, chemical leak, gas leak, toxic leak, industrial accident, nuclear accident,
        radiation leak, fema, ntsb, air accident investigation, black box, flight recorder,
        cockpit voice recorder, coast guard, coastguard, lifeboat, drowned, drowning, missing at sea,
        destroyed homes, damaged homes, swept away, washed away, inundated, submerged, power outages,
        without power, without electricity, storm damage, dam burst, levee, storm surge, landfall,
        made landfall, derecho, inferno, disaster zone, relief aid, recovery efforts, insured losses,
        evacuation centre, evacuation center, rescue dogs, sniffer dogs, airlifted, crash, crashed, fire, fires,
        flames, collapse, collapsed,
        """,
        2: """
        explosion, explosions, blast, dead, died, killed, injured, injuries, missing, victims, fatal, casualties,
        emergency, emergencies, state of emergency, burning, burned, burnt, smoke, devastated, devastation,
        devastating, destruction, damage, damaged, tragedy, tragic, mourning, grieving, condolences, displaced,
        shelter, shelters, homeless after, stranded, cut off, rebuilding, reconstruction, blackout, razed,
        torrential, tropical storm, cyclonic, heat stroke, famine, drought, humanitarian aid, rescued, ferry,
        storm, storms, heavy rain, strong winds, heatwave, heat wave, hospitalised, hospitalized, crush,
        """,
        1: """
        rain, winds, weather, hospital, aid, relief, help, donations, insurance, insurers, safety, investigation,
        cause of, pilot, passengers, crew, flight, aircraft, plane, jet, train, bus, ship, vessel, boat, mine,
        miners, factory, infrastructure, roads, bridge, authorities, officials, residents, village, town,
        region, province, area,
        """,
    },
    ECONOMY.code: {
        3: """
        economy, economic growth, gross domestic product, gdp, inflation, deflation, stagflation, recession,
        economic slowdown, interest rate, rate hike, rate cut, central bank, federal reserve, ecb,
        european central bank, bank of england, bank of japan, people's bank of china, monetary policy,
        fiscal policy, quantitative easing, stock market, stock exchange, stocks, shares, share price, equities,
        wall street, nasdaq, dow jones, s&p 500, ftse, dax, cac 40, nikkei, hang seng, investor, investment,
        hedge fund, asset manager, private equity, venture capital, bond yields, treasury yields, treasuries,
        currency, dollar, euro zone, eurozone, yen, yuan, sterling, rouble, ruble, rupee, exchange rate, forex,
        trade deficit, trade surplus, current account, tariff, exports, imports, trade war, trade deal, free trade,
        wto, revenue, profit, earnings, quarterly results, quarterly earnings, net income, net profit,
        operating profit, pre-tax profit, turnover, shareholder, dividend, buyback, share buyback, market value,
        market capitalisation, market capitalization, valuation, merger, acquisition, takeover, takeover bid,
        buyout, antitrust, ipo, initial public offering, startup, start-up, unicorn, chief financial officer, cfo,
        board of directors, corporation, conglomerate,
        bankruptcy, bankrupt, insolvency, insolvent, creditors, debt crisis, loan, lending, lender, mortgage,
        credit rating, rating agency, moody's, fitch, standard & poor's, banking, banker, investment bank,
        goldman sachs, jpmorgan, morgan stanley, hsbc, barclays, imf, international monetary fund, world bank,
        crypto, cryptocurrency, bitcoin, ether, ethereum, stablecoin, crypto exchange, binance, coinbase, ftx,
        oil price, crude oil, brent, wti, opec, opec+, barrel, commodity, gold price, retail sales, retailer,
        consumer spending, consumer prices, consumer confidence, budget deficit, fiscal deficit, public debt,
        national debt, government bonds, finance minister, finance ministry, chancellor of the exchequer,
        treasury secretary, economist, analyst, markets rallied, sell-off, selloff, brokerage, fintech,
        manufacturing, manufacturer, factory output, industrial production, pmi, purchasing managers,
        supply chain, housing market, house prices, home sales, property market, real estate,
        commercial property, e-commerce, economic, bear market, bull market, profit warning, basis points,
        yield curve, productivity, trade balance, economic sanctions, energy prices, investors,
        sovereign wealth fund, pension fund, reinsurance, carmaker, automaker, car sales, inflationary,
        disinflation, stimulus, bailout, rescue package, austerity,
        """,
        2: """
        economies, interest rates, bond, bonds, yield, yields, fund, funds, treasury, loss, losses, sales,
        margin, guidance, outlook, forecasts, company, companies, firm, corporate, debt, default, credit,
        bank, banks, market, markets, rally, rallied, slump, slumped, plunge, plunged, soared, surged, tumbled,
        index, trading, trader, broker, payments, shortage, retail, consumer, consumers, demand, supply,
        growth, fiscal, monetary, budget, tax, taxes, taxation, tax cut, vat, corporate tax, subsidies, subsidy,
        deficit, surplus, billion, trillion, insurer, insurance, airline, business, businesses, industry, ceo,
        chief executive, chief executive officer,
        sector, entrepreneur, small businesses, price, prices, pricing, costs, cost, cost of living, price rises,
        wage growth, output, exporters, importers, trade, trade talks, sanctions, energy bills, energy company,
        utility, utilities, telecoms, oil prices, crude, commodities, copper, deal worth, chairman, developer,
        tesla, boeing, airbus, walmart, nvidia, toyota, volkswagen, exxon, chevron, aramco, contract,
        funding, capital, assets, financial, finance, brand, products, customers, clients, shop, supermarket,
        jobs, job cuts, layoffs, quarter, quarterly, annual, year-on-year, fiscal year, forecast,
        """,
        1: """
        deal, agreement, money, commercial, launch, store, stores, chain, group, owner, hiring, workforce,
        wages, energy, oil, gas, coal, electricity, power, pipeline, production, producer, points, increase,
        decrease, rise, fall, rose, fell, higher, lower, record high, record low, value, worth, paid, spend,
        spending, spent, income, fee, fees, rent, expensive, cheaper, cheap,
        """,
    },
    EDUCATION.code: {
        3: """
        school, pupil, student, teacher, teaching, university, college, campus, classroom, curriculum, curricula,
        exam, examination, exam results, tuition, tuition fees, student loan, student debt, scholarship,
        graduation, kindergarten, preschool, pre-school, nursery school, primary school, elementary school,
        secondary school, high school, middle school, boarding school, private school, state school,
        public school, charter school, academy trust, education, educational, educator, academic year,
        school year, school term, term time, semester, headteacher, head teacher, school principal,
        school board, school district, education ministry, education minister, education secretary,
        department for education, department of education, ministry of education, literacy, numeracy,
        illiteracy, enrolment, enrollment, dropout, homework, test scores, standardised test, standardized test,
        a-level, a-levels, gcse, baccalaureate, pisa, ofsted, school inspection, lecturer, professor, faculty,
        undergraduate, postgraduate, phd, doctoral, doctorate, master's degree, bachelor's degree, diploma,
        vocational training, apprenticeship, tutoring, tutor, school meals, free school meals, school lunch,
        school bus, home schooling, homeschooling, remote learning, online learning, distance learning,
        school closures, schools closed, reopen schools, university admissions, entrance exam, gaokao,
        ivy league, alumni, student union, students' union, teaching union, teachers' union, teacher shortage,
        class sizes, special educational needs, syllabus, textbook, school reform, education reform,
        education system, education budget, school funding, student visa, international students,
        foreign students, study abroad, university rankings, college admissions, truancy, school uniform,
        """,
        2: """
        graduate, learning, learner, lesson, lecture, dean, vice-chancellor, academic, academics, academia,
        grades, vocational, apprentice, trainee, admissions, harvard, oxford university, cambridge university,
        stanford, yale, princeton, sorbonne, erasmus, school shooting, enrolled, children, child, young people,
        youth, parents, taught, study, studies, studying, training, skills, qualification, knowledge, course,
        class, classes, institute, institution, maths, mathematics, research university,
        """,
        1: """
        learn, research, reading, writing, test, tests, results, grade, score, scores, reform, funding, budget,
        minister, ministry, degree, degrees,
        """,
    },
    ENVIRONMENT.code: {
        3: """
        climate change, global warming, climate crisis, climate emergency, climate action, climate policy,
        climate target, climate goals, climate finance, climate activist, climate scientist, climate summit,
        climate talks, climate conference, cop26, cop27, cop28, cop29, cop30, unfccc, ipcc, paris agreement,
        paris climate agreement, kyoto protocol, emissions, greenhouse gas, greenhouse gases, carbon dioxide,
        co2, carbon emissions, carbon footprint, net zero, net-zero, carbon neutral, carbon neutrality,
        decarbonisation, decarbonization, fossil fuel, coal-fired, coal plant, renewable, renewable energy,
        clean energy, green energy, solar power, solar panel, solar farm, wind power, wind farm, wind turbine,
        offshore wind, hydropower, geothermal, energy transition, biodiversity, endangered species, extinction,
        extinct, wildlife, conservationist, deforestation, reforestation, rainforest, amazon rainforest,
        logging, pollution, polluted, pollutant, air pollution, air quality, smog, plastic pollution,
        microplastics, recycling, recycled, landfill, oil spill, marine life, coral reef, great barrier reef,
        coral bleaching, sea level, sea-level rise, glacier, ice sheet, permafrost, environment, environmental,
        environmentalist, greenpeace, wwf, extinction rebellion, just stop oil, ecosystem, habitat, national park,
        nature reserve, protected area, sustainability, sustainable, eco-friendly, pesticide, herbicide,
        glyphosate, fertiliser, fertilizer, sewage, water pollution, river pollution, epa,
        environmental protection agency, environment agency, environment minister, environment ministry,
        carbon tax, carbon price, carbon market, emissions trading, carbon capture, methane, ozone layer,
        poaching, poacher, ivory, whaling, polar bear, pollinators, migratory birds, overfishing, fishing quotas,
        biodiversity loss, rewilding, wetlands, mangroves, desertification, water scarcity, hottest year,
        nuclear waste, fracking, deep-sea mining, green hydrogen, heat pump, energy efficiency, plastic bags,
        single-use plastic, packaging waste, circular economy, e-waste, wildlife trade, high seas treaty,
        environmental group, environmental campaigners, species, endangered, conservation, forest, forests,
        """,
        2: """
        emission, fossil fuels, renewables, plastic, plastics, waste, spill, ocean, oceans, coral, bleaching,
        glaciers, melting, arctic, antarctic, antarctica, green, greener, electric vehicle, evs, toxic,
        contamination, contaminated, drinking water, ozone, whale, elephant, rhino, tiger, bees, insects,
        fish stocks, drought, water shortage, heat records, warming, temperatures rising, climate, nature,
        natural resources, land use, soil, organic farming, oil drilling, drilling, mining, lithium mining,
        hydrogen, insulation, campaigners, activists, carbon, coal, river, rivers, trees, tree planting,
        wildfires, pollution levels, protected, protection, habitats, ecosystems, planet,
        """,
        1: """
        energy, oil, gas, water, lake, sea, coast, coastal, land, animals, birds, fish, farming, farmers,
        agriculture, heat, temperatures, flood, floods, wildfire, storms, rising, scientists, study, research,
        report, clean, cleaner, protect, summit, global, earth, future, generation, policy, target, targets,
        goals, zoo, pipeline,
        """,
    },
    HEALTH.code: {
        3: """
        health, healthcare, health care, hospital, patient, doctor, physician, nurse, nursing, medical, medicine,
        disease, virus, viral infection, outbreak, epidemic, pandemic, covid, covid-19, coronavirus, sars-cov-2,
        omicron, vaccine, vaccination, vaccinated, unvaccinated, jab, booster, immunisation, immunization, cancer,
        tumour, tumor, chemotherapy, radiotherapy, oncology, diabetes, obesity, obese, overweight, heart disease,
        cardiovascular, heart attack, dementia, alzheimer, alzheimer's, parkinson, parkinson's, hiv, malaria,
        tuberculosis, measles, polio, cholera, ebola, mpox, monkeypox, dengue, zika, flu, influenza, bird flu,
        avian flu, h5n1, rsv, hepatitis, infection, infectious, infected, contagious, world health organization,
        world health organisation, clinical trial, therapy, surgery, surgeon, mental health, psychiatric,
        psychiatrist, psychologist, nhs, national health service, fda, food and drug administration,
        european medicines agency, cdc, centers for disease control, pharmaceutical, pharma, drugmaker, pfizer,
        moderna, astrazeneca, novavax, novo nordisk, eli lilly, ozempic, wegovy, semaglutide, weight-loss drug,
        symptom, diagnosis, diagnosed, public health, health ministry, health minister, health secretary,
        health department, department of health, health officials, health authorities, health system,
        life expectancy, mortality rate, smoking, smoker, tobacco, vaping, e-cigarette, opioid, overdose,
        contraception, pregnancy, pregnant, maternity, maternal, midwife, midwives, newborn, infant mortality,
        childbirth, ivf, fertility treatment, gp, gps, general practitioner, clinic, icu, intensive care, a&e,
        emergency room, emergency department, hospital beds, waiting list, waiting times, malnutrition,
        blood pressure, cholesterol, antibiotic, antimicrobial resistance, superbug, organ transplant,
        transplant, medicare, medicaid, health insurance, obamacare, affordable care act, paediatric, pediatric,
        paediatrician, pediatrician, epidemiologist, epidemiology, immune system, antibodies, quarantine,
        lockdown, social distancing, face masks, pcr, positive test, hospitalisations, hospitalizations,
        fatality rate, illness, care home, prescription, pharmacy, pharmacist, generic drugs, drug prices,
        vaccine maker, gene therapy, stem cell, placebo, side effects, health risk, health warning, sugar tax,
        junk food, ultra-processed, the lancet, new england journal of medicine, bmj, jama, sexual health, hpv,
        cancer screening, mammogram, breast cancer, lung cancer, prostate cancer, bowel cancer, skin cancer,
        leukaemia, leukemia, junior doctors, medical staff, health workers, healthcare workers, stroke,
        dementia patients, alcohol abuse, binge drinking,
        """,
        2: """
        hospitalised, hospitalized, drug, drugs, treatment, depression, anxiety, suicide, self-harm, symptoms,
        abortion, alcohol, addiction, diet, nutrition, blood, immunity, masks, testing, cases of, new cases,
        deaths from, died of, sick, sickness, chronic, disorder, syndrome, autism, adhd, disability, social care,
        biotech, biotechnology, efficacy, healthy, unhealthy, wellbeing, well-being, screening, ward, wards,
        ambulance, mortality, transmission, infections, care, risk, study found, researchers found, linked to,
        risk of, fertility, organ, donor, aids,
        """,
        1: """
        researchers, research, scientists, body, brain, heart, lungs, liver, kidney, elderly, older people, deaths,
        cases, tested, positive, safety, pain, injury, recovery, recovered, spread, doses, dose, pills, exercise,
        sleep, food, sugar, salt, fat, weight, study, findings, data, experts, warning, operation, condition,
        conditions,
        """,
    },
    HUMAN_INTEREST.code: {
        3: """
        guinness world record, guinness world records, world's oldest, oldest person, oldest man, oldest woman,
        oldest living, centenarian, supercentenarian, 100th birthday, 101st birthday, 102nd birthday,
        105th birthday, 110th birthday, turns 100, turned 100, golden wedding, diamond wedding, wedding
        anniversary, celebrity couple, royal family, royal wedding, royal baby, buckingham palace,
        kensington palace, king charles, queen camilla, prince william, princess of wales, kate middleton,
        prince harry, meghan markle, duchess of sussex, duke of sussex, newlyweds, honeymoon, tied the knot,
        got engaged, marriage proposal, triplets, quadruplets, long-lost, heartwarming, went viral,
        internet sensation, video went viral, lottery, lotto, jackpot, powerball, euromillions, lottery winner,
        winning ticket, scratch card, metal detector, metal detectorist, time capsule, message in a bottle,
        good samaritan, act of kindness, random act of kindness, rescue dog, animal shelter, rspca, zookeeper,
        giant pumpkin, obituary, died aged, dies aged, has died at, rags to riches, paparazzi, lookalike,
        celebrity, celebrities, wedding, bride, groom, birthday, quirky, bizarre, pet, pets, puppy, kitten,
        celebrity wedding, secret ceremony, publicist, announced their engagement, engagement ring, a-list,
        showbiz, hollywood star, hollywood stars,
        """,
        2: """
        world's largest, world's biggest, world's smallest, world's tallest, world's longest, anniversary,
        royals, royal, prince, princess, duke, duchess, coronation, monarch, married, divorce, twins, baby,
        toddler, grandmother, grandfather, grandma, grandpa, grandparents, granddaughter, grandson,
        great-grandmother, reunited, reunion, touching, viral, social media users, netizens, strange, odd,
        oddly, weird, unusual, eccentric, hoax, prank, treasure, hoard, hero, heroes, heroic, heroism, bravery,
        brave, courage, kindness, generosity, donated, raised money, fundraiser, crowdfunding, gofundme,
        community rallied, dog, cat, hamster, parrot, pony, rabbit, tortoise, stray, zoo, panda, giraffe,
        penguin, gorilla, chimpanzee, sloth, otter, dolphin, raccoon, squirrel, owl, swan, crocodile,
        alligator, snake, spider, santa, santa claus, christmas lights, christmas jumper, easter egg hunt,
        halloween, passed away, tribute, tributes, paid tribute, life story, socialite, tycoon, billionaire,
        millionaire, heiress, tiktoker, youtuber, reality star, kardashian, taylor swift, beyonce, gossip,
        rumour, rumor, tattoo, overjoyed, miracle, miraculous, luckiest, coincidence, against all odds,
        survival story, record-breaking, feat, stunt, daredevil, adventurer, round-the-world, solo voyage,
        charity walk, charity challenge, knighted, knighthood, mbe, obe, award for bravery, accolade, fame,
        """,
        1: """
        year-old, aged, mystery, mysterious, curious, lucky, surprise, surprised, delighted, thrilled, emotional,
        tears, moving, inspiring, inspirational, survived, first-ever, youngest, oldest, largest, longest,
        tallest, heaviest, explorer, expedition, honour, honours, honoured, honored, award, awarded,
        recognised, recognized, celebrated, celebration, celebrations, guests, family, mother, father, mum, dad,
        son, daughter, sister, brother, wife, husband, kids, grandchildren, neighbour, neighbor, villagers, locals,
        man, woman, boy, girl, star, famous, fans, story, life, love, friends, friend, home, community, hometown,
        local, volunteer, charity, donation, animal, animals, rescued, saved, found, lost, photo, video,
        message, letter, gift, dream, horse, cow, sheep, goat, pig, bear, couple, influencer, fundraising,
        """,
    },
    LABOUR.code: {
        3: """
        strike, strikes, striking, striker, walkout, walked out, industrial action, general strike,
        national strike, strike action, strike ballot, strike vote, picket, picket line, trade union, labour union,
        labor union, unionised, unionized, unionisation, unionization, union members, union leader,
        union officials, union boss, tuc, afl-cio, teamsters, uaw, united auto workers, unite union, unison, gmb,
        rmt, aslef, nurses union, teachers union, employer, employment, unemployment, unemployed, jobless,
        jobless rate, unemployment rate, unemployment benefits, jobless claims, job losses, job cuts, layoffs,
        laid off, lay off, redundancies, redundancy, made redundant, furlough, furloughed, hiring freeze,
        job vacancies, labour market, labor market, labour shortage, labor shortage, worker shortage,
        staff shortage, workforce, wage, wages, salary, pay rise, pay raise, pay increase, pay deal, pay offer,
        pay dispute, pay talks, pay freeze, pay cut, minimum wage, living wage, real wages, wage growth,
        wage increases, collective bargaining, collective agreement, contract talks, tentative agreement,
        labour dispute, labor dispute, industrial dispute, pension reform, retirement age, working hours,
        working week, four-day week, four-day working week, overtime, night shift, workplace, workplace safety,
        occupational safety, gig economy, gig workers, zero-hours contracts, zero-hour contracts,
        contract workers, temporary workers, temp workers, agency workers, migrant workers, seasonal workers,
        foreign workers, work permit, work visa, labour law, labor law, employment law, labour code,
        labour ministry, labor department, department of labor, labour minister, labor secretary,
        work and pensions, jobcentre, jobseekers, job seekers, job market, job creation, jobs report,
        nonfarm payrolls, payrolls, payroll, apprentices, internship, child labour, child labor, forced labour,
        forced labor, modern slavery, sweatshop, workers' rights, employment rights, labour rights,
        labor rights, unfair dismissal, employment tribunal, equal pay, gender pay gap, remote work,
        remote working, working from home, work from home, return to office, hybrid working, sick leave,
        parental leave, maternity leave, paternity leave, annual leave, holiday pay, severance, severance pay,
        labour movement, labor movement, work stoppage, go-slow, work-to-rule, lockout, shop steward, wage talks,
        wage demands, labor, workers,
        """,
        2: """
        union, unions, employee, employees, employers, job, jobs, hiring, recruitment, vacancies, pension,
        pensions, retirement, retire, retirees, shifts, bonus, bonuses, dismissal, sacked, sacking, burnout,
        early retirement, bargaining, staffing, worker, labour, pay gap, exploitation of workers,
        discrimination at work, rail workers, postal workers, civil servants, dockers, factory workers,
        farmworkers, cleaners, nurses, teachers, drivers, pilots, negotiations with unions,
        """,
        1: """
        pay, staff, personnel, colleagues, work, working, worked, hours, career, skills, training, doctors,
        public sector, private sector, miners, contract, contracts, negotiations, talks, dispute, protest,
        protests, demands, benefits, conditions, company, companies, firm, business, industry, economy,
        government, minister, ministry,
        """,
    },
    LIFESTYLE.code: {
        3: """
        travel, traveller, traveler, tourism, tourist, holiday, holidaymakers, vacation, vacationers, resort,
        hotel, hostel, bed and breakfast, cruise, cruise ship, cruise line, sightseeing, backpacker, itinerary,
        airbnb, theme park, amusement park, disneyland, disney world, beach, camping, campsite, hiking, hiker,
        trekking, ski, skiing, ski resort, snowboarding, surfing, road trip, city break, weekend break, getaway,
        staycation, travel advice, restaurant, chef, cuisine, recipe, cooking, baking, bakery, dining, diner,
        michelin star, michelin guide, wine, winemaker, vineyard, champagne, brewery, craft beer, cocktail,
        coffee shop, vegan, vegetarian, plant-based, veganism, foodie, street food, gastronomy, gourmet, fashion,
        fashion week, fashion show, runway, catwalk, supermodel, couture, haute couture, clothing, clothes,
        outfit, stylish, streetwear, sneakers, handbag, luxury brand, gucci, chanel, louis vuitton, dior, prada,
        hermes, vogue, met gala, cosmetics, makeup, make-up, skincare, skin care, fragrance, perfume, hairstyle,
        fitness, gym, workout, yoga, pilates, jogging, wellness, self-care, mindfulness, meditation, dieting,
        healthy eating, hobby, pastime, leisure, lifestyle, gardening, gardener, houseplants, allotment, diy,
        home improvement, interior design, interiors, home decor, furniture, shopping, shoppers, black friday,
        gift guide, christmas shopping, christmas market, video game, gaming, gamer, esports, playstation, xbox,
        nintendo, board game, puzzle, crossword, wordle, chess, card game, poker, casino, bingo, dating app,
        valentine's day, motoring, classic car, cycling holiday, bike ride, outdoors, picnic, festival-goers,
        nightlife, clubbing, summer holidays, winter holidays, easter holidays, bank holiday, long weekend,
        half-term, budget airline, ryanair, easyjet, tui, expedia, tripadvisor, booking.com, tourist attraction,
        guided tour, tour operator, overtourism, tourist tax, cruise passengers, instagrammable, selfie,
        holidays, tourists, travellers, travelers, restaurants, recipes,
        """,
        2: """
        destination, booking, beer, cocktails, cafe, coffee, tea, chocolate, cheese, pizza, burger, dish, menu,
        food, foods, model, designer, collection, dress, style, trend, trends, trendy, luxury, beauty, hair,
        exercise, running, diet, wellbeing, garden, gardens, dating, romance, parenting, car, cars, outdoor,
        festival season, visitor, attraction, landmark, spa, weekend, relax, relaxing, trip, journey, taste,
        flavour, flavor, popular, favourite, favorite, kitchen, bedroom, living room, game, games, influencers,
        instagram, pub, bars, tickets, sale, sales season, consumers trends, social media trend, tiktok trend,
        """,
        1: """
        party, celebration, summer, flight, flights, airline, airlines, airport, visitors, parents, relationships,
        plants, sleep, bar, fun, enjoy, enjoyed, experience, visit, visited, visiting, guests, guest, season,
        seasonal, brand, brands, store, shop, shops, price, prices, cost, cheap, expensive, affordable, home,
        homes, house, houses, music festival, festival, concert, event, events, play, playing, sport, sports,
        club, clubs, people, family, friends, couple, best, top, tips, guide, ideas, advice, day, night,
        """,
    },
    POLITICS.code: {
        3: """
        election, electoral, vote, voted, voter, voting, ballot, polling station, opinion poll, exit poll,
        campaign trail, election campaign, campaigning, candidate, candidacy, nominee, primary election, primaries,
        caucus, runoff, run-off, turnout, constituency, electorate, landslide victory, parliament, parliamentary,
        lawmaker, legislator, legislature, legislative, mp, mps, member of parliament, senator, senate,
        congress, congressional, congressman, congresswoman, house of representatives, house speaker,
        speaker of the house, house of commons, house of lords, bundestag, national assembly, duma, knesset,
        european parliament, meps, mep, presidential, presidency, vice president, prime minister, chancellor,
        government, cabinet, cabinet minister, reshuffle, minister, ministry, secretary of state,
        foreign minister, foreign ministry, foreign secretary, foreign affairs, foreign policy, home secretary,
        interior minister, interior ministry, opposition, opposition leader, opposition party, ruling party,
        governing party, coalition, coalition government, political party, political, politics, politician,
        democrats, democrat, democratic party, republicans, republican party, gop, conservative party, tories,
        tory, labour party, labour leader, liberal democrats, lib dems, snp, reform uk, social democrats, spd,
        cdu, afd, green party, national rally, rassemblement national, la france insoumise, far-right, far right,
        far-left, far left, populist, populism, centre-left, center-left, centre-right, center-right, left-wing,
        right-wing, nationalist, referendum, constitutional amendment, impeachment, impeach, impeached,
        legislation, law passed, passed a law, draft law, veto, vetoed, policymakers, diplomatic, diplomacy,
        diplomat, ambassador, embassy, consulate, bilateral, multilateral, bilateral relations, bilateral ties,
        state visit, official visit, head of state, heads of state, head of government, g7, g20, brics,
        united nations, un general assembly, un security council, security council, european union, eu,
        european commission, european council, commission president, member states, african union, asean,
        white house, downing street, elysee, elysee palace, state department, government shutdown, debt ceiling,
        federal government, state government, governor, mayor, municipal, councillor, local elections, midterm,
        midterm elections, general election, presidential election, parliamentary election, snap election,
        by-election, inauguration, inaugurated, sworn in, took office, term in office, second term, re-election,
        reelection, re-elected, no-confidence vote, vote of no confidence, confidence vote, motion of censure,
        authoritarian, autocrat, autocracy, dictator, dictatorship, democracy, sovereignty, separatist,
        secession, territorial integrity, visa ban, asylum policy, immigration policy, border policy,
        political prisoner, dissident, opposition figure, propaganda, lobbying, lobbyist, campaign finance,
        super pac, political donations, memorandum of understanding, memorandums of understanding,
        strategic partnership, joint commission, intergovernmental, summit meeting, leaders' summit, statesman,
        geopolitical, geopolitics, sphere of influence, supreme leader, islamic revolution, islamic republic,
        revolutionary guards, kremlin, president, state of the union, crown prince, polls, poll, votes,
        """,
        2: """
        elections, ballots, polling, candidates, seats, majority, premier, governments, ministers, ministries,
        parties, party, policy, policies, reform, reforms, bill, bills, constitution, constitutional, summit,
        relations, ties, leaders, leader, brussels, council, resign, resigned, resignation, step down,
        stepped down, regime, democratic, independence, sanctions, sanction, immigration, deportation, deported,
        civil rights, human rights, censorship, press freedom, donors, agreements, cooperation, co-operation,
        influence, westerners, ayatollah, trump, biden, harris, obama, macron, starmer, sunak, scholz, merz,
        meloni, modi, xi jinping, erdogan, orban, lula, milei, khamenei, raisi, pezeshkian, tokayev, zelenskiy,
        administration, activist, conservatives, republican, greens, nationalists, populists, treaty,
        negotiators, envoy, diplomats, state, nation, federal, talks with, nominee, mandate, monarchy,
        """,
        1: """
        states, nations, national, country, countries, public, citizens, law, laws, rights, protest, protests,
        protesters, rally, crisis, debate, debated, scandal, investigation, inquiry, budget, tax, spending,
        welfare, deal, agreement, negotiations, talks, meeting, met, visit, cooperate, partnership, alliance,
        allies, security, war, peace, sovereign, union, regional, province, provincial, power, powers,
        authority, authorities, pledge, pledged, promise, promised, proposal, approve, approved, rejected,
        opposed, supporters, critics, criticised, criticized, official, officials, west, western,
        """,
    },
    RELIGION.code: {
        3: """
        church, catholic, roman catholic, catholic church, pope, pope francis, pope leo, pope benedict, papal,
        pontiff, vatican, holy see, bishop, archbishop, archbishop of canterbury, conclave, priest, priesthood,
        clergy, clergyman, cleric, clerical, synod, diocese, archdiocese, parish, parishioners, congregation,
        mosque, imam, mufti, muslim, islam, sunni, shia, shiite, sharia, jewish, jews, judaism, synagogue, rabbi,
        chief rabbi, hindu, hinduism, buddhist, buddhism, monk, nun, dalai lama, sikh, sikhism, gurdwara,
        christian, christianity, evangelical, protestant, lutheran, methodist, baptist, pentecostal, anglican,
        church of england, anglican communion, orthodox church, russian orthodox, greek orthodox, coptic, copts,
        patriarch, patriarchate, mormon, jehovah's witnesses, worshippers, worshipers, worship, prayer, religious,
        religion, interfaith, theology, theologian, bible, biblical, gospel, scripture, quran, koran, torah,
        talmud, ramadan, eid, eid al-fitr, eid al-adha, good friday, christmas mass, midnight mass, hanukkah,
        yom kippur, rosh hashanah, passover, pilgrimage, pilgrim, hajj, umrah, mecca, temple mount, al-aqsa,
        western wall, lourdes, santiago de compostela, blasphemy, apostasy, sermon, homily, preacher, pastor,
        minister of religion, vicar, chaplain, deacon, seminary, seminarian, monastery, convent, abbey,
        cathedral, chapel, basilica, shrine, canonisation, canonization, canonised, canonized, beatification,
        beatified, sainthood, atheist, atheism, agnostic, religious freedom, freedom of religion,
        religious minorities, religious leader, faith leaders, clergy abuse, church abuse, missionary,
        evangelism, baptism, baptised, baptized, excommunicated, excommunication, heresy, ecumenical,
        prophet muhammad, jesus christ, cardinals, muslims, christians, hindus, sikhs, buddhists, monks, nuns,
        """,
        2: """
        cardinal, islamic, temple, faith, faiths, faithful, believers, believer, pray, prayed, praying, prayers,
        easter, lent season, diwali, holi, medina, saint, saints, holy, sacred, divine, god, jesus, christ,
        prophet, allah, buddha, spiritual, spirituality, secular, secularism, sect, denomination,
        communion, miracle, relic, fasting, hijab, headscarf, burqa, niqab, kosher, halal, sabbath, circumcision,
        crucifix, rosary, vestments, hymn, orthodox, ayatollah, islamic philosopher, converts,
        """,
        1: """
        mass, soul, sin, grace, heaven, hell, afterlife, blessing, blessed, bless, choir, salvation, conversion,
        confession, doctrine, dogma, cult, leader, leaders, community, communities, tradition, traditions,
        traditional, moral, morality, values, ethics, ceremony, ceremonies, celebration, festival, christmas,
        charity, belief, beliefs, followers, devout, peace, hope,
        """,
    },
    SCIENCE.code: {
        3: """
        scientist, researcher, scientific, science, sciences, research team, study published,
        published in the journal, journal nature, journal science, peer-reviewed, peer review, preprint,
        laboratory, lab, experiment, experimental, physics, physicist, chemistry, chemist, biology, biologist,
        biochemistry, neuroscience, neuroscientist, genetics, geneticist, genome, genomic, gene, genetic,
        genetically, dna, rna, crispr, gene editing, protein, molecule, molecular, particle physics, cern,
        large hadron collider, quantum, quantum computing, quantum computer, artificial intelligence, ai,
        generative ai, ai model, machine learning, deep learning, neural network, large language model, llm,
        chatgpt, openai, anthropic, deepmind, chatbot, algorithm, software, hardware, computer, computing,
        supercomputer, microchip, semiconductor, chipmaker, tsmc, qualcomm, arm holdings, gpu, data centre,
        data center, cloud computing, smartphone, iphone, android, internet, broadband, 5g, 6g, wi-fi, starlink,
        cybersecurity, cyber security, cyberattack, cyber attack, data breach, encryption, data protection, gdpr,
        technology, technological, tech company, tech giant, tech firm, big tech, silicon valley, digitalisation,
        digitalization, innovation, invention, inventor, patent, engineering, robot, robotics, robotic,
        automation, self-driving, driverless, lithium-ion, solid-state battery, nuclear fusion, fusion energy,
        outer space, nasa, esa, european space agency, roscosmos, isro, jaxa, spacex, blue origin, rocket launch,
        launch pad, orbit, orbital, satellite, spacecraft, space station, international space station, astronaut,
        cosmonaut, spacewalk, moon landing, lunar, moon mission, mars rover, rover, jupiter, saturn, solar system,
        exoplanet, telescope, james webb, hubble, astronomer, astronomy, astrophysics, astrophysicist, galaxy,
        black hole, supernova, asteroid, comet, meteorite, dark matter, big bang, gravitational waves, fossil,
        fossilised, fossilized, dinosaur, palaeontologist, paleontologist, archaeologist, archaeology,
        archaeological, excavation, ancient dna, human ancestors, homo sapiens, neanderthal, evolutionary,
        new species, mathematician, theorem, nobel prize in physics, nobel prize in chemistry,
        nobel prize in medicine, nobel prize in physiology, nobel laureate, royal society, academy of sciences,
        national science foundation, research institute, institute of technology, max planck, cnrs,
        virtual reality, augmented reality, metaverse, 3d printing, nanotechnology, materials science,
        superconductor, microscope, scientists, researchers, chips, semiconductors, space agency, planet mars,
        red planet, chip, space, tech, telecommunications, mobile network, search engine, operating system,
        """,
        2: """
        cells, cell, molecules, particles, particle, app, apps, online platform, social media platform,
        digital, innovative, engineer, engineers, autonomous, battery, batteries, fusion, reactor, rocket,
        spacex's, mars, planet, universe, cosmic, fossils, dinosaurs, excavated, unearthed, evolution,
        discovery, discoveries, discovered, breakthrough, mathematics, findings, study, studies, data, dataset,
        simulation, telecom, network, website, web, browser, gadget, device, devices, wearable, smartwatch,
        headset, google, alphabet, microsoft, apple, meta, facebook, samsung, huawei, nvidia, intel, amd,
        processor, gpus, cloud, privacy, twitter, hackers, research, university, professor, phd, academic,
        journal, published, paper, technique, laboratory tests, moon, nuclear reactor, electric, electronics,
        """,
        1: """
        method, system, systems, tool, tools, test, tested, testing, developed, develop, development, project,
        launch, launched, mission, energy, power, machine, machines, users, user, platform, platforms, startup,
        model, models, online, update, world's first, future, company, companies,
        """,
    },
    SOCIETY.code: {
        3: """
        poverty, impoverished, homeless, homelessness, rough sleeping, rough sleeper, inequality,
        social inequality, income inequality, welfare state, social security, benefits system, universal credit,
        food stamps, food bank, food insecurity, hunger, malnourished, immigrant, migrant, migrants, migration,
        asylum seeker, asylum seekers, undocumented, illegal immigration, small boats, channel crossings,
        discrimination, racism, racist, racial, race relations, racial justice, black lives matter,
        antisemitism, islamophobia, xenophobia, hate crime, hate speech, gender equality, equal rights,
        women's rights, feminism, feminist, gender-based violence, violence against women, femicide, metoo,
        #metoo, sexism, misogyny, lgbt, lgbtq, lgbtq+, lgbtqi, gay, lesbian, bisexual, transgender, non-binary,
        same-sex, same-sex marriage, gay marriage, pride parade, pride march, pride month, homophobia, homophobic,
        transphobia, civil liberties, human rights groups, human rights watch, amnesty international,
        civil society, ngo, non-governmental, charities, charitable, volunteering, philanthropy, philanthropist,
        social issues, social problems, social cohesion, social services, social worker, foster care, orphan,
        orphanage, child protection, child poverty, child welfare, children's rights, teenagers, adolescents,
        generation z, gen z, millennials, pensioners, ageing population, aging population, loneliness,
        census, demographic, demographics, demography, birth rate, fertility rate, declining population,
        population growth, single parents, single mothers, parenthood, childcare, child care, affordable housing,
        housing crisis, social housing, council housing, public housing, renters, eviction, gentrification, slum,
        shanty town, drug addiction, alcoholism, gambling addiction, domestic abuse, suicide prevention,
        disability rights, disabled people, accessibility, wheelchair users, ethnic minorities, ethnic minority,
        indigenous, indigenous people, aboriginal, first nations, native american, caste, dalit, migrants' rights,
        diaspora, citizenship, naturalisation, naturalization, multiculturalism, cultural identity, screen time,
        online safety, cyberbullying, gun control, gun violence, gun laws, euthanasia, assisted dying,
        assisted suicide, abortion rights, right to abortion, pro-choice, pro-life, reproductive rights,
        free speech, freedom of speech, freedom of expression, protest movement, grassroots, activism,
        advocacy group, public opinion, sociologist, sociology, social scientists, think tank,
        cost of living crisis, cost-of-living crisis, living standards, standard of living, quality of life,
        social mobility, social justice, working class, middle class, wealth gap, rich and poor, marginalised,
        marginalized, social exclusion, homeless shelter, soup kitchen, street children, sex work, prostitution,
        polygamy, child marriage, forced marriage, honour killing, female genital mutilation, fgm, dowry, refugees,
        asylum, integration, diversity, equality, social care, care system,
        """,
        2: """
        poor, inequalities, welfare, social, society, societal, community, communities, community groups,
        neighbourhood, neighborhood, youth, young people, teenager, teens, elderly, older people, old age,
        isolation, population, marriage, divorce, housing, tenant, tenants, landlord, landlords, addiction,
        addicts, drug use, disability, disabled, wheelchair, deaf, blind, minority, minorities, ethnic,
        ethnicity, tribe, tribal, roma, gender, trans, charity, volunteer, volunteers, activists, campaigners,
        campaign group, advocacy, advocates, vulnerable, vulnerable people, inclusion, inclusive, exclusion,
        elite, elites, bullying, refugee, human rights, trafficking victims, surveys found, survey found,
        poll found, attitudes, households, household, immigration, immigrants, secularism,
        """,
        1: """
        women, men, girls, boys, children, kids, parents, residents, citizens, people, family, families, rent,
        rents, values, traditions, customs, identity, survey, surveys, public, local, life, lives, living,
        rights, help, support, care, aid, group, groups, campaign, protest, protests, statistics, figures,
        crisis, problem, problems, change, changes,
        """,
    },
    SPORT.code: {
        3: """
        scored, scorer, striker, midfielder, midfield, goalkeeper, goalie, head coach, football, footballer,
        soccer, premier league, la liga, serie a, bundesliga, ligue 1, eredivisie, mls, champions league,
        europa league, conference league, fa cup, league cup, carabao cup, copa del rey, dfb pokal,
        coupe de france, world cup, women's world cup, euro 2024, euro 2028, copa america,
        africa cup of nations, nations league, fifa, uefa, tournament, championship, title race, semi-final,
        semifinal, quarter-final, quarterfinal, round of 16, last 16, group stage, knockout stage, pre-season,
        teammate, tennis, wimbledon, us open, french open, roland garros, australian open, grand slam, atp, wta,
        davis cup, billie jean king cup, top seed, tie-break, tiebreak, break point, match point, golf, golfer,
        pga, pga tour, liv golf, ryder cup, open championship, birdie, bogey, hole-in-one, fairway, putt,
        cricket, cricketer, test match, test series, odi, t20, ipl, the ashes, wicket, innings, batsman, batter,
        bowler, run chase, rugby, rugby union, rugby league, six nations, rugby world cup, scored a try, scrum,
        lineout, basketball, nba, wnba, euroleague, nfl, super bowl, quarterback, touchdown, baseball, mlb,
        world series, home run, pitcher, nhl, ice hockey, hockey, stanley cup, olympics, olympic, olympic games,
        paralympics, paralympic, winter olympics, ioc, athlete, athletics, track and field, marathon, sprinter,
        hurdles, high jump, long jump, pole vault, javelin, decathlon, heptathlon, gold medal, silver medal,
        bronze medal, medallist, medalist, personal best, podium, formula one, formula 1, f1, grand prix,
        pole position, pit stop, motogp, nascar, indycar, le mans, cycling, cyclist, tour de france,
        giro d'italia, vuelta, peloton, stage win, yellow jersey, boxing, boxer, heavyweight, bout, knockout,
        ufc, mma, wrestling, judo, taekwondo, fencing, swimming, swimmer, freestyle, breaststroke, backstroke,
        rowing, america's cup, downhill, slalom, biathlon, figure skating, speed skating, gymnastics, gymnast,
        volleyball, handball, badminton, table tennis, darts, snooker, horse racing, jockey, grand national,
        kentucky derby, racecourse, stadium, referee, umpire, red card, yellow card, sent off, penalty shootout,
        free kick, equaliser, equalizer, stoppage time, extra time, injury time, half-time, halftime,
        first half, second half, kick-off, kickoff, clean sheet, hat-trick, hat trick, offside, transfer window,
        loan deal, loan spell, contract extension, release clause, transfer fee, record signing, substitute,
        starting line-up, relegation, relegated, playoff, play-off, standings, points clear, top of the table,
        bottom of the table, unbeaten, unbeaten run, winning streak, losing streak, scoreless, goalless,
        first leg, second leg, on aggregate, away goals, home side, world champion, world championship,
        european championship, sportsman, sportswoman, sport, sports, sporting, training ground, coaching staff,
        sacked as manager, appointed manager, messi, ronaldo, mbappe, haaland, salah, bellingham, lebron,
        lebron james, djokovic, nadal, federer, alcaraz, sinner, swiatek, sabalenka, gauff, serena williams,
        tiger woods, mcilroy, scheffler, verstappen, leclerc, pogacar, vingegaard, simone biles, guardiola, klopp,
        arteta, manchester united, manchester city, liverpool fc, arsenal, chelsea, tottenham, real madrid,
        barcelona fc, atletico madrid, bayern munich, borussia dortmund, juventus, inter milan, ac milan, napoli,
        psg, paris saint-germain, ajax, benfica, celtic, lakers, celtics, yankees, dodgers, all blacks,
        springboks, wallabies, matches, goals, players, fixture, fixtures, derby, footballers,
        """,
        2: """
        match, game, games, goal, forward, defender, keeper, coach, manager, cup, final, finals, league, season,
        club, clubs, team, teams, squad, player, captain, skipper, seed, seeded, ace, aces, masters, title,
        titles, champion, champions, stadiums, arena, pitch, fans, supporters, spectators, var,
        penalties, header, assist, assists, dribble, tackle, transfer, transfers, signing, debut, substitutes,
        lineup, line-up, tactics, promotion, promoted, win, wins, won, winning, victory, victories, defeat,
        defeats, defeated, beaten, lost to, score, scoreline, host nation,
        training session, race, races, racing, driver, rider, runner, event, competition,
        compete, competed, competing, qualify, qualified, qualification, points, ranked, ranking,
        world number one, fight, fighter, opponent, rival, rivalry, clash, showdown, relay, medal, medals, lap, laps,
        qualifying, sprint, diving, sailing race, esports tournament, schedule, ball, kick, shots,
        """,
        1: """
        draw, drew, drawn, injury, injured, hamstring, ruled out, sidelined, round, rounds, rank, top, court,
        field, course, lead, led, trailing, minute, minutes, second, side, sides, home, away, play, played,
        playing, plays, performance, last season, this season, next season, run, runs, shot, kane, hamilton,
        norris, bolt, liverpool, barcelona, marseille, porto, rangers, warriors, tie, beat, comeback, record,
        crowd, visitors, hosts,
        """,
    },
    WEATHER.code: {
        3: """
        weather, weather forecast, forecasters, forecaster, weather service, national weather service, met office,
        meteo-france, meteorological, meteorologist, meteorology, weather bureau, bureau of meteorology, noaa,
        national hurricane center, weather warning, weather alert, yellow warning, amber warning, red warning,
        orange alert, heat warning, heat advisory, flood warning, flood watch, severe weather, extreme weather,
        weather conditions, temperature, temperatures, degrees celsius, degrees fahrenheit, celsius, fahrenheit,
        heatwave, heat wave, heat dome, hot weather, hottest day, coldest night, cold snap, cold spell,
        cold weather, below freezing, frost, frosty, icy roads, black ice, snow, snowfall, snowstorm, blizzard,
        sleet, hail, hailstorm, hailstones, rainfall, rainy, heavy rain, heavy rainfall, downpour, showers,
        drizzle, thunderstorm, thunder, lightning, gale, gale-force winds, gusts, gusting, windy, wind speeds,
        mph, km/h, kilometres per hour, miles per hour, foggy, overcast, sunshine, sunny, dry spell, dry weather,
        humid, humidity, dew point, uv index, pollen count, air pressure, high pressure, low pressure,
        pressure system, jet stream, weather front, cold front, warm front, polar vortex, arctic blast,
        atmospheric river, el nino, la nina, monsoon, monsoon rains, hurricane season, tropical depression,
        typhoon season, named storm, storm warning, rainfall totals, inches of rain, millimetres of rain,
        centimetres of snow, inches of snow, snow depth, wind chill, heat index, record temperature,
        temperature record, hottest summer, warmest winter, mild weather, weekend weather, weather outlook,
        long-range forecast, weather map, average temperature, above average temperatures, met eireann, dwd,
        indian meteorological department, imd, environment canada, accuweather, weather channel, storm chasers,
        rain, forecast,
        """,
        2: """
        forecasts, storm, storms, wind, winds, fog, mist, haze, clouds, cloudy, freezing, ice, icy, raining,
        hottest, warmest, coldest, tropical storm, highs, lows, pollen, thermometer, heavy snow, flood warnings,
        above average, below average, degrees, drought, wildfire risk, fire danger, travel disruption,
        storm named, outlook, warmer, colder, cooler, mild, chilly,
        """,
        1: """
        spring, autumn, winter, summer, warm, hot, cold, cool, sun, season's first, flood, flooding, floods,
        disruption, roads closed, power cuts, conditions, expected, predicted, likely, chance of, morning,
        afternoon, evening, overnight, tonight, tomorrow, today, weekend, north, south, east, west, northern,
        southern, eastern, western, coastal, inland, parts of, breeze, sky, skies, warning, warnings, alert,
        """,
    },
}

_FR: dict[object, dict[int, str]] = {
    _NEUTRAL: {0: """
        conférence de presse, communiqué de presse, porte-parole, selon, a indiqué, a déclaré, a annoncé, a affirmé,
        a précisé, a expliqué, la semaine dernière, la semaine prochaine, l'an dernier, l'année dernière,
        l'année prochaine, cette année, cette semaine, pour cent, par ailleurs, en effet, afp, agence france-presse,
        le monde, le figaro, libération, france info, franceinfo, bfmtv, france télévisions, radio france,
        seconde guerre mondiale, première guerre mondiale, guerre froide, guerre des prix, abonnez-vous,
        lire aussi, lire la suite, newsletter, tous droits réservés, dans le but, pour but, a pour but, au cours de,
        au cours des, en cours, en tout cas, a été, ont été, avait été, aurait été, sera, serait, en temps réel,
        de temps en temps, en même temps, tout le temps, frais de, mise en place, en place, à l'heure actuelle,
        en tête, à la tête, tête de liste, hôtel de ville, hôtel de matignon, le long de,
        """},
    ARTS.code: {
        3: """
        festival de cannes, box-office, album, romancier, romancière, musée, exposition, galerie, opéra, ballet,
        orchestre, symphonie, concert, peintre, sculpteur, sculpture, césar, césars, goncourt, prix goncourt,
        renaudot, prix nobel de littérature, palme d'or, cinéaste, réalisateur, réalisatrice, scénario,
        scénariste, documentaire, série télévisée, film, cinéma, acteur, actrice, comédien, comédienne, chanteur,
        chanteuse, rappeur, groupe de rock, chanson, musique, musicien, musicienne, compositeur, chef d'orchestre,
        danseur, danseuse, chorégraphe, comédie musicale, théâtre, dramaturge, metteur en scène, mise en scène,
        poète, poésie, littérature, littéraire, roman, écrivain, écrivaine, maison d'édition, bande dessinée,
        manga, netflix, plateforme de streaming, spotify, festival d'avignon, fête de la musique, eurovision,
        artiste, œuvre d'art, oeuvre d'art, chef-d'œuvre, commissaire d'exposition, vente aux enchères,
        louvre, musée d'orsay, centre pompidou, unesco, patrimoine mondial, ministre de la culture,
        ministère de la culture, journalisme, liberté de la presse, chaîne de télévision, téléréalité, podcast,
        caricaturiste, salle de concert, philharmonie, comédie-française, victoires de la musique,
        bande originale, arts, peinture, oscar, oscars,
        """,
        2: """
        œuvre, oeuvre, œuvres, oeuvres, art, patrimoine, monument, culture, culturel, culturelle, journaliste,
        journalistes, médias, média, télévision, radio, animateur, animatrice, émission, magazine, festival,
        spectacle, scène, tournée, livre, livres, auteur, autrice, éditeur, animation, épisode, saison,
        série, séries, sortie en salles, spectateurs, téléspectateurs, vedette, récit, lecteurs, design,
        architecture, architecte, archéologie, divertissement, dessinateur, hebdomadaire, quotidien, clip, tube,
        rédaction, avignon,
        """,
        1: """
        prix, récompense, récompensé, nommé, lauréat, critique, critiques, succès, vidéo, contenu, événement,
        histoire, lecture, création, créateur, star, célèbre, public, journal,
        """,
    },
    CONFLICT.code: {
        3: """
        guerre, guerres, troupes, soldat, soldats, militaire, militaires, armée, armées, frappe aérienne,
        frappes aériennes, frappe de drone, frappes de drones, bombardement, bombardé, artillerie, cessez-le-feu,
        trêve, armistice, pourparlers de paix, négociations de paix, accord de paix, processus de paix,
        casques bleus, maintien de la paix, contre-offensive, invasion, envahi, ligne de front, champ de bataille,
        combats, affrontements, insurgés, insurrection, milice, rebelles, guérilla, djihadiste, jihadiste,
        terroriste, terrorisme, attentat, attentat-suicide, kamikaze, voiture piégée, engin explosif, otage,
        otages, assiégé, forces armées, ministère des armées, ministre des armées, ministère de la défense,
        ministre de la défense, état-major, otan, avion de chasse, chars, armes, armement, munitions,
        arme nucléaire, ogive, missile, crimes de guerre, crime de guerre, génocide, massacre,
        nettoyage ethnique, coup d'état, putsch, junte, loi martiale, guerre civile, groupe armé, groupes armés,
        paramilitaires, hamas, hezbollah, houthis, talibans, état islamique, daech, al-qaïda, wagner, tsahal,
        bande de gaza, hostilités, combattants, bataillon, régiment, marine nationale, armée de l'air,
        navire de guerre, sous-marin, porte-avions, forces spéciales, mercenaires, prisonniers de guerre,
        échange de prisonniers, annexion, territoires occupés, aide militaire, couloir humanitaire,
        camp de réfugiés, embargo sur les armes, désarmement, dissuasion nucléaire, exercices militaires,
        victimes civiles, conflit armé, zone de conflit, zone de guerre, émeutes, émeutiers, violences urbaines,
        gaz lacrymogène, opération militaire, roquettes, drones, frappes, bataille,
        """,
        2: """
        offensive, invasion, occupation, front, siège, roquette, drone, escalade, brigade, commandant,
        mobilisation, déplacés, sirènes, abri, répression, révolution, raid, tirs, abattu, intercepté, incursion,
        soulèvement, rébellion, militants armés, attaque, attaques, attaqué, tués, blessés, conflit, conflits,
        ennemi, forces, armé, armés, bombe, bombes, explosion, fusillade, combattant, réfugiés, humanitaire,
        manifestation, manifestations, manifestants, tensions, menace, menaces, représailles, vétérans, kremlin,
        paix, violence, violences, forces de l'ordre,
        """,
        1: """
        tué, morts, bilan, défense, sécurité, frontière, ukraine, russie, russe, russes, ukrainien, ukrainiens,
        israël, israélien, israéliens, palestinien, palestiniens, gaza, liban, syrie, soudan, yémen, poutine,
        zelensky, netanyahou, police, gouvernement, négociations, accord, émissaire, sanctions, crise, régime,
        dirigeant, alliés, alliance, nucléaire, renseignement, espionnage, cisjordanie, donbass, kiev, kyiv,
        kharkiv, crimée,
        """,
    },
    CRIME.code: {
        3: """
        interpellé, interpellation, arrêté, arrestation, mis en examen, mise en examen, inculpé, inculpation,
        procureur, procureure, parquet, parquet national financier, tribunal, tribunal correctionnel,
        cour d'assises, assises, procès, juge, juge d'instruction, jury, jurés, verdict, condamné, condamnation,
        peine de prison, ans de prison, prison, prison ferme, emprisonnement, détenu, garde à vue, réclusion,
        réclusion criminelle, perpétuité, coupable, reconnu coupable, acquitté, acquittement, relaxé, relaxe,
        plainte, porter plainte, avocat, avocate, prévenu, partie civile, cour de cassation, cour d'appel,
        cour pénale internationale, cpi, cour européenne des droits de l'homme, décision de justice, judiciaire,
        garde des sceaux, ministre de la justice, ministère de la justice, crime, criminel, criminalité,
        meurtre, meurtrier, homicide, assassinat, assassiné, poignardé, tué par balle, braquage,
        vol à main armée, cambriolage, escroquerie, escroc, arnaque, fraude, fraude fiscale, évasion fiscale,
        détournement de fonds, corruption, corrompu, pots-de-vin, blanchiment, blanchiment d'argent,
        trafic de drogue, trafic de stupéfiants, stupéfiants, narcotrafic, narcotrafiquant, trafiquant, cartel,
        contrebande, passeurs, traite des êtres humains, enlèvement, séquestration, agression, agression sexuelle,
        viol, violeur, abus sexuels, pédocriminalité, inceste, violences conjugales, féminicide, extradition,
        extradé, liberté conditionnelle, suspect, enquêteurs, information judiciaire, police judiciaire,
        gendarmerie, gendarme, policier, commissariat, préfet de police, interpol, europol, brigade criminelle,
        police scientifique, crime organisé, mafia, règlement de comptes, cybercriminalité, pirate informatique,
        rançongiciel, délit, infraction, délinquance, délinquant, arme à feu, tireur, incendie criminel,
        vandalisme, pillage, contrefaçon, usage de faux, abus de biens sociaux, témoin, témoignage,
        réquisitoire, réquisitions, plaidoirie, faire appel, mandat d'arrêt, justice,
        """,
        2: """
        enquête, enquêtes, jugement, juridiction, poursuites, poursuivi, accusation, accusations, mis en cause,
        présumé, soupçonné, accusé, victime, victimes, amende, amendes, illégal, illégalement, illicite, caution,
        gang, gangs, bande, police, forces de l'ordre, corps, perquisition, saisie, saisi, drogue, drogues, cocaïne,
        cannabis, héroïne, couteau, arme, scandale, affaire, harcèlement, détention, audience, tribunaux,
        """,
        1: """
        défense, vol, vols, loi, lois, légal, sanctionné, mort, morts, tué, disparu, droits, interdiction,
        interdit, affaires, violence, sécurité, dossier, libéré, autorités, règles, litige, armes,
        """,
    },
    DISASTER.code: {
        3: """
        séisme, tremblement de terre, réplique, magnitude, échelle de richter, épicentre, sismique, tsunami,
        ouragan, typhon, cyclone, tornade, inondation, inondé, crue, crue éclair, glissement de terrain,
        glissements de terrain, coulée de boue, avalanche, incendie, feu de forêt, feux de forêt, mégafeu,
        pompier, sapeurs-pompiers, soldats du feu, volcan, volcanique, éruption, lave, accident d'avion,
        catastrophe aérienne, accident ferroviaire, déraillement, déraillé, collision, chaviré, naufrage,
        naufragés, explosion de gaz, immeuble effondré, coup de grisou, sauveteurs, secouristes,
        équipes de secours, secours, opération de sauvetage, rescapés, survivants, survivant, bilan s'alourdit,
        évacué, évacuation, services d'urgence, samu, catastrophe naturelle, catastrophe, catastrophique,
        accident, accident de la route, accident mortel, carambolage, croix-rouge, croissant-rouge, décombres,
        bousculade, fuite de gaz, fuite chimique, accident industriel, seveso, accident nucléaire, boîte noire,
        boîtes noires, garde-côtes, sauvetage en mer, noyade, noyé, sinistrés, pluies torrentielles,
        coupures de courant, privés d'électricité, flammes, rupture de barrage, submersion, brasier,
        cellule de crise, état de catastrophe naturelle,
        """,
        2: """
        bilan, morts, décès, tués, blessés, disparus, victimes, urgence, état d'urgence, débris, aide humanitaire,
        sinistre, dégâts, dommages, détruit, dévasté, ravagé, emporté, submergé, brûlé, hectares, tragédie,
        drame, deuil, deuil national, condoléances, digue, tempête tropicale, canicule, sécheresse, famine,
        reconstruction, effondrement, effondré, crash, écrasé, explosion, mortel, tempête, tempêtes,
        vents violents, inondations, crues,
        """,
        1: """
        pluie, pluies, météo, hôpital, hospitalisé, aide, dons, assurance, assureurs, sécurité, enquête sur,
        cause, pilote, passagers, équipage, avion, train, bus, navire, bateau, mine, mineurs, usine, routes, pont,
        autorités, préfecture, préfet, habitants, familles, village, commune, région, département, zone,
        sans-abri, a coulé,
        """,
    },
    ECONOMY.code: {
        3: """
        économie, croissance économique, produit intérieur brut, pib, inflation, déflation, récession,
        ralentissement économique, taux d'intérêt, taux directeur, taux directeurs, hausse des taux,
        baisse des taux, banque centrale, bce, banque centrale européenne, réserve fédérale, banque de france,
        politique monétaire, bourse de paris, marché boursier, marchés financiers, actionnaire, cac 40,
        wall street, nasdaq, dow jones, investisseur, investissement, fonds d'investissement, capital-risque,
        taux obligataires, dette publique, déficit public, devise, taux de change, balance commerciale,
        déficit commercial, droits de douane, tarifs douaniers, exportations, importations, guerre commerciale,
        accord commercial, libre-échange, omc, chiffre d'affaires, bénéfice, bénéfice net, résultat net,
        dividende, rachat d'actions, capitalisation boursière, valorisation, fusion, acquisition,
        offre publique d'achat, opa, introduction en bourse, start-up, licorne, pdg, président-directeur général,
        directeur général, directeur financier, conseil d'administration, faillite, redressement judiciaire,
        liquidation judiciaire, créanciers, crédit immobilier, prix de l'immobilier, fmi,
        fonds monétaire international, banque mondiale, cryptomonnaie, bitcoin, prix du pétrole, baril, opep,
        matières premières, cours de l'or, pouvoir d'achat, hausse des prix, coût de la vie, loi de finances,
        ministre de l'économie, ministère de l'économie, bercy, économiste, analyste, production industrielle,
        chaîne d'approvisionnement, commerce en ligne, compagnie aérienne, constructeur automobile,
        ventes de voitures, insee, prix de l'énergie, coupes budgétaires, milliards d'euros, millions d'euros,
        milliards de dollars, millions de dollars, zone euro, bourse,
        """,
        2: """
        économies, actions, obligation, obligations, dette, dettes, déficit, déficits, dollar, euro, yen, yuan,
        livre sterling, bénéfices, perte, pertes, ventes, marge, marges, dividendes, fusions, acquisitions,
        rachat, entreprise, entreprises, firme, prêt, prêts, crédit, crédits, emprunt, emprunts, immobilier,
        banque, banques, bancaire, banquier, cryptomonnaies, blockchain, pétrole, brut, barils, consommation,
        consommateurs, prix, budget, budgétaire, impôt, impôts, fiscalité, fiscal, taxe, taxes, tva, subvention,
        subventions, plan de relance, austérité, économistes, analystes, marché, marchés, indice, secteur,
        secteurs, industrie, industriel, industrielle, pénurie, pénuries, croissance, économique, économiques,
        financier, financière, finance, finances, milliard, milliards, assureur, trimestre, trimestriel,
        facture, factures, tarif, tarifs, commerce, commerçants, investisseurs, investissements, fonds,
        contrat, contrats, financement, levée de fonds, capital, actifs, clients, client, enseigne, emplois,
        suppressions d'emplois, économie mondiale, producteur, producteurs,
        """,
        1: """
        chute, s'envole, recul, hausse, baisse, prévisions, perspectives, énergie, accord, argent, commercial,
        commerciale, marque, marques, produit, produits, magasin, magasins, supermarché, propriétaire,
        électricité, gaz, charbon, production, augmentation, diminution, record, valeur, payer, payé, dépenses,
        revenu, revenus, loyer, loyers, société, sociétés,
        """,
    },
    EDUCATION.code: {
        3: """
        école, élève, écolier, collégien, lycéen, étudiant, étudiante, enseignant, enseignante, enseignement,
        professeur, instituteur, institutrice, université, universitaire, faculté, campus, salle de classe,
        programme scolaire, programmes scolaires, examen, baccalauréat, parcoursup, frais de scolarité,
        bourse étudiante, bourses étudiantes, diplôme, diplômé, maternelle, école maternelle, école primaire,
        collège, lycée, lycée professionnel, grande école, grandes écoles, éducation, éducation nationale,
        éducatif, éducative, rentrée scolaire, année scolaire, directeur d'école, proviseur,
        ministère de l'éducation, ministre de l'éducation, recteur, rectorat, alphabétisation, illettrisme,
        décrochage scolaire, décrocheurs, pisa, apprentis, formation professionnelle, alternance, pédagogie,
        pédagogique, doctorat, doctorant, sorbonne, sciences po, polytechnique, harcèlement scolaire,
        cantine scolaire, carte scolaire, uniforme scolaire, réforme du lycée, réforme scolaire,
        vacances scolaires, scolaire, scolarité, scolarisé, périscolaire, internat, élèves, étudiants,
        enseignants, écoles, universités, cours en ligne, salles de classe,
        """,
        2: """
        prof, profs, classe, classes, examens, bac, brevet des collèges, diplômes, rentrée, semestre, académie,
        inscriptions, apprentissage, apprenti, stage, stagiaire, master, thèse, cantine, crèche, crèches,
        enfants, enfant, jeunes, jeunesse, parents, apprendre, enseigner, étudier, études, formation,
        compétences, qualification, connaissances, institut, établissement, établissements, mathématiques, maths,
        """,
        1: """
        primaire, notes, bulletin, évaluations, leçon, leçons, licence, brevet, devoirs, recherche, lecture,
        écriture, test, tests, résultats, réforme, budget, ministre, ministère,
        """,
    },
    ENVIRONMENT.code: {
        3: """
        changement climatique, dérèglement climatique, réchauffement climatique, crise climatique,
        urgence climatique, climatique, politique climatique, objectifs climatiques, militant écologiste,
        sommet sur le climat, cop26, cop27, cop28, cop29, cop30, giec, accord de paris, gaz à effet de serre,
        dioxyde de carbone, co2, émissions de carbone, empreinte carbone, neutralité carbone, zéro émission nette,
        décarbonation, énergies fossiles, combustibles fossiles, centrale à charbon, énergies renouvelables,
        énergie renouvelable, renouvelables, énergie solaire, panneaux solaires, éolien, éoliennes, parc éolien,
        éolien en mer, hydroélectricité, transition énergétique, transition écologique, biodiversité,
        espèces menacées, en voie de disparition, faune sauvage, déforestation, reboisement, forêt amazonienne,
        amazonie, pollution, pollué, polluants, pollution de l'air, qualité de l'air, particules fines,
        microplastiques, recyclage, recyclé, marée noire, récif corallien, coraux, niveau de la mer,
        montée des eaux, glacier, banquise, calotte glaciaire, fonte des glaces, permafrost, environnement,
        environnemental, environnementale, environnementaux, écologie, écologique, écologiste, greenpeace, wwf,
        extinction rebellion, écosystème, habitat naturel, parc national, réserve naturelle, aire protégée,
        développement durable, durabilité, pesticide, glyphosate, pollution de l'eau, eaux usées, ademe,
        ministre de la transition écologique, ministère de la transition écologique, taxe carbone,
        marché du carbone, captage du carbone, méthane, couche d'ozone, braconnage, ivoire, pollinisateurs,
        oiseaux migrateurs, surpêche, zones humides, mangroves, désertification, pénurie d'eau,
        ressources en eau, bassines, mégabassines, déchets nucléaires, fracturation hydraulique,
        hydrogène vert, pompe à chaleur, rénovation énergétique, sobriété énergétique, efficacité énergétique,
        plastique à usage unique, économie circulaire, climat, émissions,
        """,
        2: """
        émission, espèce, espèces, extinction, faune, flore, conservation, forêt, forêts, plastique, plastiques,
        déchets, décharge, océan, océans, glaciers, arctique, antarctique, écologiques, écologistes, vert, verte,
        verts, durable, véhicule électrique, voitures électriques, pesticides, engrais, toxique, contamination,
        contaminé, eau potable, ozone, baleine, éléphant, loup, abeilles, insectes, sécheresse, forage, forages,
        exploitation minière, isolation, emballages, nature, ressources naturelles, sols, agriculture biologique,
        bio, carbone, arbres, planète,
        """,
        1: """
        nucléaire, militants, activistes, énergie, pétrole, gaz, charbon, eau, rivière, fleuve, lac, mer,
        littoral, côtes, terre, arbre, animaux, oiseaux, poissons, agriculture, agriculteurs, chaleur,
        températures, inondations, incendies, feux, tempêtes, scientifiques, étude, rapport, protéger,
        protection, protégé, sommet, mondial, avenir, générations, objectif, objectifs, ours,
        """,
    },
    HEALTH.code: {
        3: """
        santé, santé publique, soins, hôpital, hôpitaux, hospitalier, hospitalière, patient, médecin, soignant,
        infirmier, infirmière, médical, médicale, médicaux, médecine, maladie, virus, épidémie, pandémie, covid,
        covid-19, coronavirus, vaccin, vaccination, vacciné, non vaccinés, dose de rappel, cancer, tumeur,
        chimiothérapie, radiothérapie, diabète, obésité, surpoids, maladie cardiaque, cardiovasculaire,
        crise cardiaque, infarctus, avc, accident vasculaire cérébral, démence, alzheimer, parkinson, vih, sida,
        paludisme, tuberculose, rougeole, choléra, ebola, variole du singe, mpox, dengue, grippe, grippe aviaire,
        bronchiolite, hépatite, infection, infectieux, infectieuse, contagieux, contagion,
        organisation mondiale de la santé, oms, essai clinique, essais cliniques, médicament, thérapie,
        chirurgie, chirurgien, santé mentale, psychiatrie, psychiatrique, psychiatre, psychologue,
        assurance maladie, sécurité sociale, haute autorité de santé, ansm, agence régionale de santé,
        santé publique france, laboratoire pharmaceutique, laboratoires pharmaceutiques,
        industrie pharmaceutique, sanofi, pfizer, moderna, astrazeneca, symptômes, diagnostic, diagnostiqué,
        ministre de la santé, ministère de la santé, espérance de vie, tabac, tabagisme, fumeurs,
        cigarette électronique, vapotage, alcoolisme, opioïdes, overdose, ivg, contraception, grossesse,
        enceinte, maternité, sage-femme, sages-femmes, nouveau-né, pma, fertilité, généraliste, médecin traitant,
        déserts médicaux, désert médical, clinique, réanimation, soins intensifs, urgences, service des urgences,
        lits d'hôpital, malnutrition, tension artérielle, cholestérol, antibiotique, antibiorésistance, greffe,
        don d'organes, pédiatre, pédiatrie, pédiatrique, épidémiologiste, épidémiologie, anticorps, quarantaine,
        confinement, gestes barrières, test pcr, dépistage, hospitalisations, taux de mortalité, malade,
        pathologie, ehpad, ordonnance, pharmacie, pharmacien, thérapie génique, cellules souches, placebo,
        effets secondaires, effets indésirables, risques sanitaires, sanitaire, crise sanitaire, the lancet,
        cancer du sein, cancer du poumon, dépistage du cancer, leucémie, grève des médecins, personnel soignant,
        professionnels de santé, patients, médecins, soignants, infirmiers, infirmières, maladies, vaccins,
        médicaments, malades,
        """,
        2: """
        traitement, traitements, dépression, anxiété, suicide, has, ars, mortalité, alcool, addiction,
        avortement, lits, liste d'attente, ambulance, nutrition, régime alimentaire, sang, mutuelle, immunité,
        masque, masques, cas positifs, nouveaux cas, hospitalisé, décès liés, mort de, chronique, syndrome,
        autisme, handicap, maisons de retraite, prescription, biotechnologie, bien-être, étude publiée, soin,
        risque, risques, transmission, infections,
        """,
        1: """
        opération, opéré, trouble, troubles, efficacité, étude, chercheurs, recherche, scientifiques, corps,
        cerveau, cœur, coeur, poumons, foie, rein, enfants, personnes âgées, décès, morts, cas, test, tests,
        testé, positif, négatif, sécurité, douleur, blessure, blessures, guérison, guéri, propagation, doses,
        dose, pilule, comprimés, sommeil, alimentation, sucre, sel, graisses, poids, résultats, données, rapport,
        taux, hausse, augmentation, experts, expert, alerte,
        """,
    },
    HUMAN_INTEREST.code: {
        3: """
        livre guinness des records, plus vieux du monde, plus vieille du monde, doyenne des français,
        supercentenaire, 100e anniversaire, fête ses 100 ans, noces d'or, noces de diamant, mariage royal,
        lune de miel, demande en mariage, jeunes mariés, détecteur de métaux, capsule temporelle,
        bouteille à la mer, ticket gagnant, animal de compagnie, animaux de compagnie, citrouille géante,
        nécrologie, décédé à l'âge, mort à l'âge, s'est éteint, s'est éteinte, insolite, insolites, célébrité,
        célébrités, famille royale, anniversaire, centenaire, mariage, chiot, chaton, loto, euromillions,
        jackpot, paparazzi, sosie, cagnotte en ligne, buckingham, roi charles, couronnement,
        """,
        2: """
        record du monde, guinness, doyenne, doyen, centenaires, 100 ans, people, reine, prince, princesse,
        monarque, monarchie, mariée, marié, fiançailles, fiancé, fiancée, jumeaux, jumelles, triplés, bébé,
        nourrisson, grand-mère, grand-père, grands-parents, petite-fille, petit-fils, arrière-grand-mère,
        retrouvailles, émouvant, émouvante, touchant, touchante, viral, virale, buzz, internautes, étrange,
        bizarre, canular, héros, héroïque, bravoure, générosité, cagnotte, dons, animal, animaux, chien, chiens,
        chat, chats, chiots, chatons, lapin, tortue, refuge, spa, zoo, soigneur, panda, girafe, pingouin, manchot,
        gorille, loutre, dauphin, écureuil, hibou, crocodile, serpent, araignée, déguisement, père noël,
        illuminations, hommage, rendu hommage, histoire de vie, milliardaire, millionnaire, héritière,
        influenceur, influenceuse, youtubeur, rumeur, rumeurs, tatouage, larmes, miracle, miraculé, miraculée,
        exploit, aventurier, aventurière, tour du monde, en solitaire, légion d'honneur, décoré, décorée,
        """,
        1: """
        mystère, mystérieux, mystérieuse, curieux, curieuse, gagnant, gagnante, trésor, courage, courageux,
        solidarité, cheval, chevaux, chèvre, cochon, vache, mouton, ours, hommages, souvenirs, star, stars,
        célèbre, gloire, surprise, ému, émue, émotion, chanceux, chanceuse, coïncidence, survécu, le plus jeune,
        la plus jeune, explorateur, expédition, traversée, distinction, honoré, honorée, célébré, célébration,
        fête, fêtes, invités, famille, familles, mère, père, maman, papa, fils, fille, sœur, soeur, frère,
        épouse, époux, femme, mari, petits-enfants, voisin, voisins, voisine, villageois, habitants, habitant,
        habitante, histoire, vie, amour, amis, ami, amie, maison, communauté, bénévole, bénévoles, association,
        sauvé, sauvée, sauvetage, trouvé, trouvée, perdu, perdue, disparu, fans, photo, photos, vidéo, message,
        lettre, cadeau, cadeaux, rêve, âgé, âgée, ans, divorce, couple, couples, réseaux sociaux, retrouvé,
        retrouvée,
        """,
    },
    LABOUR.code: {
        3: """
        grève, grèves, gréviste, en grève, appel à la grève, préavis de grève, grève générale, mouvement social,
        mouvements sociaux, journée de mobilisation, intersyndicale, piquet de grève, débrayage, syndicat,
        syndical, syndicale, syndicaux, syndicaliste, cgt, cfdt, force ouvrière, sud-rail, unsa, cfe-cgc,
        medef, cpme, partenaires sociaux, dialogue social, salarié, salariée, travailleur, travailleuse,
        employeur, emploi, chômage, chômeur, demandeurs d'emploi, taux de chômage, assurance chômage,
        france travail, pôle emploi, suppressions d'emplois, suppression d'emplois, plan social,
        plan de sauvegarde de l'emploi, licenciement, licencié, chômage partiel, chômage technique, embauche,
        recrutement, offres d'emploi, marché du travail, pénurie de main-d'œuvre, main-d'œuvre, main-d'oeuvre,
        salaire, rémunération, augmentation de salaire, hausse des salaires, revalorisation salariale, smic,
        salaire minimum, négociations salariales, négociation annuelle obligatoire, accord collectif,
        convention collective, conflit social, réforme des retraites, âge de départ, âge légal,
        départ à la retraite, temps de travail, durée du travail, 35 heures, semaine de quatre jours,
        heures supplémentaires, travail de nuit, conditions de travail, lieu de travail, santé au travail,
        sécurité au travail, accident du travail, accidents du travail, médecine du travail, ubérisation,
        travailleurs des plateformes, intérim, intérimaire, cdd, cdi, contrat de travail,
        travailleurs saisonniers, travailleurs étrangers, travailleurs immigrés, métiers en tension,
        droit du travail, code du travail, inspection du travail, ministre du travail, ministère du travail,
        prud'hommes, conseil de prud'hommes, travail des enfants, travail forcé, travail dissimulé, télétravail,
        burn-out, arrêt maladie, arrêts maladie, congé maternité, congé paternité, congé parental,
        congés payés, rupture conventionnelle, préretraite, cheminots, contrôleurs aériens, syndicats,
        salariés, travailleurs, grévistes, emplois,
        """,
        2: """
        fo, fsu, employé, employés, employeurs, chômeurs, licenciements, licenciés, embauches, recrutements,
        effectifs, salaires, rémunérations, retraite, retraites, retraité, retraités, pension, pensions,
        livreurs, saisonniers, prime, primes, indemnités, routiers, dockers, fonctionnaires, fonction publique,
        travail, travailler, mobilisation, ouvriers, ouvrier, ouvrière, revendications,
        """,
        1: """
        agents, personnel, personnels, carrière, compétences, formation, infirmières, médecins, enseignants,
        conducteurs, pilotes, usine, secteur public, secteur privé, contrat, contrats, négociations,
        manifestation, manifestations, avantages, entreprise, entreprises, industrie, économie, gouvernement,
        ministre, ministère, patronat,
        """,
    },
    LIFESTYLE.code: {
        3: """
        voyage, voyageur, voyageuse, tourisme, touristique, touriste, vacances, vacancier, station balnéaire,
        station de ski, hôtellerie, camping, croisière, paquebot, visite guidée, airbnb, parc d'attractions,
        disneyland, puy du fou, randonnée, randonneur, ski, skieurs, surf, road trip, week-end prolongé,
        escapade, restaurant, restaurateur, chef cuisinier, cuisine, recette, cuisiner, pâtisserie, pâtissier,
        boulangerie, boulanger, gastronomie, gastronomique, étoile michelin, étoiles michelin, guide michelin,
        vin, vigneron, vignoble, champagne, bière, cocktail, végan, vegan, végétarien, végétarienne,
        street food, fashion week, semaine de la mode, défilé de mode, mannequin, couturier, créateur de mode,
        haute couture, vêtements, sac à main, marque de luxe, chanel, louis vuitton, dior, hermès, gucci,
        cosmétiques, maquillage, soins de la peau, parfum, coiffure, fitness, salle de sport, musculation, yoga,
        pilates, course à pied, jogging, méditation, loisir, loisirs, passe-temps, jardinage, jardinier,
        potager, bricolage, décoration intérieure, meubles, shopping, soldes, black friday, marché de noël,
        fêtes de fin d'année, réveillon, jeu vidéo, jeux vidéo, gaming, esport, playstation, xbox, nintendo,
        jeu de société, jeux de société, puzzle, mots croisés, échecs, poker, application de rencontre,
        rencontres en ligne, parentalité, pique-nique, festivaliers, vie nocturne, grandes vacances,
        vacances d'été, vacances de printemps, surtourisme, taxe de séjour, touristes, voyageurs, restaurants,
        """,
        2: """
        séjour, séjours, hôtel, hôtels, croisières, destination, destinations, itinéraire, réservation,
        réservations, plage, plages, randonnées, voile, chefs, recettes, plat, plats, menu, vins, bières,
        cocktails, bar, bars, café, cafés, chocolat, fromage, fromages, pizza, mode, défilé, défilés, mannequins,
        collection, robe, robes, style, tendance, luxe, beauté, parfums, bien-être, jardin, jardins, plantes,
        décoration, mobilier, casino, voiture, voitures, automobile, moto, vélo, balade, balades, attraction,
        attractions, sites touristiques, influenceurs, instagram, selfie, week-end, plaisir, profiter, détente,
        excursion, sortie, sorties, spa, goût, saveur, boutique, boutiques, abordable, appartement, jeu, jeux,
        """,
        1: """
        vol, vols, couple, soirée, soirées, fête, pont, tendances, restauration, joueurs, monument, visiteurs,
        visiteur, aéroport, aéroports, compagnie aérienne, low cost, expérience, expériences, visite, visiter,
        invités, saison, marque, marques, magasin, prix, populaire, maison, maisons, festival, concert,
        événement, événements, gens, famille, amis, nouveau, nouvelle, meilleur, meilleurs, conseils, idées,
        guide, jour, jours, nuit, chef,
        """,
    },
    POLITICS.code: {
        3: """
        élection, électoral, électorale, élections législatives, législatives, élection présidentielle,
        présidentielle, élections municipales, municipales, élections européennes, européennes, régionales,
        sénatoriales, scrutin, voter, électeur, électeurs, électrices, bulletin de vote, bureau de vote,
        bureaux de vote, sortie des urnes, urnes, campagne électorale, candidat, candidate, candidature,
        second tour, premier tour, abstention, circonscription, majorité absolue, majorité relative, parlement,
        parlementaire, assemblée nationale, sénat, sénateur, sénatrice, député, députée, hémicycle,
        commission des lois, proposition de loi, projet de loi, texte de loi, amendement, 49.3,
        motion de censure, président de la république, chef de l'état, élysée, matignon, premier ministre,
        première ministre, chef du gouvernement, gouvernement, gouvernemental, conseil des ministres,
        remaniement, ministre, secrétaire d'état, ministre des affaires étrangères, quai d'orsay, diplomatie,
        diplomatique, diplomate, ambassadeur, ambassade, consulat, bilatéral, bilatérale, bilatéraux,
        relations bilatérales, visite d'état, visite officielle, chef d'état, chefs d'état, g7, g20,
        nations unies, onu, assemblée générale de l'onu, conseil de sécurité, union européenne, ue,
        commission européenne, conseil européen, parlement européen, eurodéputé, états membres,
        maison blanche, downing street, département d'état, opposition, parti politique, politique,
        homme politique, femme politique, responsables politiques, rassemblement national, la france insoumise,
        lfi, les républicains, parti socialiste, europe écologie, eelv, nouveau front populaire, nfp, modem,
        reconquête, extrême droite, extrême gauche, centre droit, centre gauche, populiste, populisme,
        nationaliste, référendum, révision constitutionnelle, destitution, législation, veto,
        politique étrangère, souveraineté, séparatiste, loi immigration, prisonnier politique, opposant,
        dissident, propagande, lobbying, mémorandum d'entente, partenariat stratégique, commission mixte,
        géopolitique, sphère d'influence, guide suprême, révolution islamique, république islamique,
        gardiens de la révolution, maire, conseil municipal, conseil régional, investiture, autoritaire,
        dictateur, dictature, démocratie, élections, candidats, députés, sénateurs, ministres, partis,
        sondage, sondages, vote, votes, voté,
        """,
        2: """
        électoraux, électorales, participation, circonscriptions, siège, sièges, majorité, parlementaires,
        président, présidente, présidentiel, gouvernements, ministère, ministères, diplomatiques, diplomates,
        ambassadeurs, ambassades, relations, sommet, sommets, dirigeants, dirigeant, bruxelles, kremlin, parti,
        partis, politiques, renaissance, rn, lr, ps, écologistes, droite, gauche, populistes, nationalistes,
        constitution, constitutionnel, constitutionnelle, loi, lois, réforme, réformes, sanctions, immigration,
        droits de l'homme, censure, accords, coopération, occidentaux, occident, ayatollah, macron, le pen,
        bardella, mélenchon, attal, barnier, bayrou, lecornu, retailleau, trump, biden, harris, poutine,
        xi jinping, erdogan, orban, meloni, scholz, merz, starmer, modi, lula, milei, khamenei, raïssi, tokaïev,
        maires, municipal, municipale, conseiller, conseillers, élu, élus, élue, élues, mandat, démission,
        démissionne, démissionné, régime, démocratique, démocratiques, indépendance, séparatistes, opposants,
        lobby, influence, état, états, nation, nations, traité, négociateurs, pourparlers, administration,
        expulsions, préfet,
        """,
        1: """
        national, nationale, pays, public, citoyens, citoyen, droits, manifestation, manifestations,
        manifestants, crise, débat, débats, scandale, enquête, budget, impôts, dépenses, retraites, accord,
        négociations, réunion, rencontre, rencontré, visite, coopérer, partenariat, alliance, alliés, sécurité,
        guerre, paix, souverain, indépendant, union, fédéral, régional, pouvoir, pouvoirs, autorité, autorités,
        promesse, promis, proposition, approuvé, rejeté, opposé, soutien, partisans, critiqué,
        """,
    },
    RELIGION.code: {
        3: """
        église, catholique, église catholique, pape, pape françois, pape léon, pontife, souverain pontife,
        papal, vatican, saint-siège, évêque, archevêque, conclave, prêtre, clergé, ecclésiastique, religieux,
        religieuse, synode, diocèse, archidiocèse, paroisse, paroissiens, mosquée, imam, mufti, musulman,
        musulmane, islam, sunnite, chiite, charia, juif, juive, judaïsme, synagogue, rabbin, grand rabbin,
        hindou, hindouisme, bouddhiste, bouddhisme, moine, nonne, dalaï-lama, sikh, chrétien, chrétienne,
        christianisme, évangélique, protestant, protestante, luthérien, anglican, église anglicane,
        église orthodoxe, copte, patriarche, patriarcat, témoins de jéhovah, croyant, croyante, prière,
        religion, interreligieux, théologie, théologien, bible, biblique, évangile, coran, torah, talmud,
        ramadan, aïd, aïd el-fitr, aïd el-kébir, vendredi saint, carême, messe, messe de minuit, hanoukka,
        yom kippour, pessah, pèlerinage, pèlerin, hajj, la mecque, esplanade des mosquées, mont du temple,
        al-aqsa, mur des lamentations, saint-jacques-de-compostelle, blasphème, apostasie, sermon, homélie,
        prédicateur, aumônier, diacre, monastère, cathédrale, basilique, canonisation, canonisé, béatification,
        béatifié, athée, athéisme, dérives sectaires, liberté religieuse, liberté de culte, minorités religieuses,
        responsables religieux, chefs religieux, abus sexuels dans l'église, ciase, missionnaire, baptême,
        baptisé, excommunié, hérésie, œcuménique, musulmans, juifs, chrétiens, catholiques, cardinaux, églises,
        mosquées, prêtres, évêques, fidèles catholiques, fidèles musulmans, religions,
        """,
        2: """
        cardinal, fidèles, islamique, islamiques, orthodoxe, foi, culte, cultes, prières, prier, prié, pâques,
        diwali, médine, lourdes, pasteur, pasteurs, séminaristes, couvent, abbaye, chapelle, sanctuaire,
        miracle, reliques, sacré, sacrée, divin, dieu, jésus, christ, prophète, mahomet, allah, bouddha,
        spirituel, spirituelle, spiritualité, laïcité, laïque, secte, sectes, communion, voile islamique,
        foulard, burqa, niqab, abaya, casher, halal, sabbat, jeûne, circoncision, crucifix, chapelet, temple,
        temples, notre-dame, ayatollah, converti, convertis,
        """,
        1: """
        saint, saints, sainte, séminaire, âme, enfer, confession, confessions, doctrine, dogme, conversion,
        bénédiction, cantique, péché, voile, communauté, communautés, tradition, traditions, traditionnel,
        morale, valeurs, éthique, cérémonie, cérémonies, célébration, célébrations, fête, noël, charité,
        croyance, croyances, paix, espoir,
        """,
    },
    SCIENCE.code: {
        3: """
        scientifique, chercheur, chercheuse, équipe de chercheurs, science, sciences, étude publiée,
        publiée dans la revue, revue nature, revue science, laboratoire, physique, physicien, chimie, chimiste,
        biologie, biologiste, neurosciences, génétique, génome, gène, adn, arn, crispr, protéine, molécule,
        moléculaire, cern, quantique, ordinateur quantique, intelligence artificielle, ia, ia générative,
        apprentissage automatique, réseau de neurones, modèle de langage, chatgpt, openai, mistral ai, chatbot,
        algorithme, logiciel, ordinateur, informatique, supercalculateur, semi-conducteur, processeur,
        centre de données, centres de données, smartphone, iphone, android, haut débit, 5g, cybersécurité,
        cyberattaque, fuite de données, piratage, données personnelles, rgpd, cnil, technologie, technologique,
        géant du numérique, géants du numérique, gafam, silicon valley, innovation, invention, inventeur,
        brevet, ingénierie, ingénieur, robot, robotique, automatisation, voiture autonome, fusion nucléaire,
        spatial, spatiale, nasa, esa, agence spatiale européenne, cnes, spacex, fusée, ariane 6, orbite,
        satellite, station spatiale, station spatiale internationale, astronaute, spationaute, thomas pesquet,
        lunaire, planète mars, planète rouge, rover, système solaire, exoplanète, télescope, james webb, hubble,
        astronome, astronomie, astrophysique, astrophysicien, galaxie, trou noir, trous noirs, supernova,
        astéroïde, comète, météorite, matière noire, big bang, ondes gravitationnelles, dinosaure, paléontologue,
        archéologue, archéologie, archéologique, fouilles archéologiques, néandertal, homo sapiens,
        nouvelle espèce, mathématicien, théorème, prix nobel de physique, prix nobel de chimie,
        prix nobel de médecine, académie des sciences, cnrs, inserm, inrae, cea, institut pasteur,
        recherche scientifique, télécommunications, moteur de recherche, système d'exploitation,
        objets connectés, réalité virtuelle, réalité augmentée, métavers, impression 3d, nanotechnologies,
        microscope, scientifiques, chercheurs, chercheuses, laboratoires, puces, puce, semi-conducteurs,
        tech, technologies, technologiques, numérique,
        """,
        2: """
        expérimental, cellule, cellules, molécules, particule, particules, algorithmes, logiciels, ordinateurs,
        cloud, smartphones, internet, fibre, wifi, cyberattaques, google, microsoft, apple, meta, facebook,
        samsung, huawei, innovations, innovant, brevets, ingénieurs, robots, autonome, batterie, batteries,
        réacteur, fusée, fusées, ariane, satellites, vaisseau, iss, astronautes, lune, jupiter, saturne, planète,
        planètes, exoplanètes, astronomes, galaxies, astéroïdes, univers, cosmique, fossile, fossiles,
        dinosaures, paléontologues, archéologues, fouilles, fouille, exhumé, mathématiques, recherche, étude,
        études, données, université, professeur, doctorat, revue, publié, publiée, technique, méthode,
        développé, électronique, utilisateurs, télécoms, réseaux sociaux, tiktok, twitter, laser, découverte,
        découvertes,
        """,
        1: """
        expérience, expériences, application, applications, plateforme, plateformes, réseau, réseaux, en ligne,
        lancement, espace, amazon, découvert, percée, modèle, modèles, simulation, opérateur, site web,
        navigateur, mise à jour, académique, article, système, systèmes, outil, outils, test, testé,
        développement, projet, mission, énergie, électrique, machine, machines, utilisateur, entreprise,
        start-up, nouveau, nouvelle, avenir, monde, millions,
        """,
    },
    SOCIETY.code: {
        3: """
        pauvreté, précarité, sans-abri, sans domicile fixe, sdf, mal-logement, inégalités, aide sociale,
        aides sociales, prestations sociales, rsa, allocations familiales, restos du cœur, restos du coeur,
        banque alimentaire, banques alimentaires, aide alimentaire, insécurité alimentaire, immigré, migrant,
        migrants, migratoire, migratoires, exilés, demandeur d'asile, demandeurs d'asile, réfugié, sans-papiers,
        traversées de la manche, discrimination, discriminations, racisme, raciste, antisémitisme, islamophobie,
        xénophobie, crime de haine, discours de haine, égalité femmes-hommes,
        égalité entre les femmes et les hommes, droits des femmes, féminisme, féministe,
        violences faites aux femmes, violences sexistes, féminicide, metoo, sexisme, misogynie, lgbt, lgbtq,
        lgbtqia+, homosexuel, homosexualité, lesbienne, bisexuel, transgenre, personnes trans, non-binaire,
        mariage pour tous, mariage homosexuel, marche des fiertés, homophobie, homophobe, transphobie,
        libertés publiques, droits humains, ligue des droits de l'homme, amnesty international,
        human rights watch, société civile, ong, bénévolat, philanthropie, quartiers populaires,
        cohésion sociale, services sociaux, travailleur social, travailleurs sociaux,
        aide sociale à l'enfance, protection de l'enfance, famille d'accueil, orphelinat, pauvreté infantile,
        droits de l'enfant, génération z, vieillissement, solitude, démographie, démographique, recensement,
        natalité, taux de natalité, fécondité, indice de fécondité, familles monoparentales, parentalité,
        garde d'enfants, crise du logement, logement social, logements sociaux, hlm, expulsion locative,
        gentrification, bidonville, toxicomanie, violences conjugales, violences intrafamiliales,
        prévention du suicide, personnes handicapées, personnes en situation de handicap, accessibilité,
        peuples autochtones, gens du voyage, naturalisation, multiculturalisme, temps d'écran,
        cyberharcèlement, fin de vie, aide à mourir, euthanasie, suicide assisté, droit à l'avortement,
        liberté d'expression, militantisme, sociologue, sociologie, think tank, niveau de vie, qualité de vie,
        ascenseur social, mobilité sociale, justice sociale, classes populaires, classe moyenne,
        classes moyennes, prostitution, travail du sexe, mariage forcé, excision, mutilations génitales,
        identité de genre, réfugiés, asile, immigration, intégration, égalité, diversité, pauvres, précaires,
        """,
        2: """
        pauvre, précaire, inégalité, allocations, caf, faim, immigrés, immigrée, migrante, migrations, exilé,
        clandestins, racial, raciale, féministes, féminicides, homosexuels, transgenres, associations,
        associatif, associative, caritatif, caritative, bénévole, bénévoles, mécène, communauté, communautés,
        quartiers, banlieue, banlieues, social, sociale, sociaux, sociales, sociétal, sociétale, sociétaux,
        questions de société, fait de société, foyer, adoption, orphelin, orphelins, jeunes, jeunesse,
        adolescents, adolescent, adolescente, ados, personnes âgées, seniors, aînés, population, mariage,
        divorce, ménage, ménages, logement, logements, locataire, locataires, addiction, handicap, handicapé,
        handicapés, fauteuil roulant, sourds, aveugles, minorité, minorités, ethnique, ethniques, autochtones,
        tribu, tribus, roms, diaspora, nationalité, laïcité, cyberharcèlement, harcèlement, armes à feu,
        militant, militante, militants, association, plaidoyer, inclusion, inclusif, inclusive, exclusion,
        marginalisés, vulnérables, personnes vulnérables, coût de la vie, société,
        """,
        1: """
        femmes, hommes, filles, garçons, enfants, parents, habitants, citoyens, famille, familles, foyers,
        loyer, loyers, propriétaire, propriétaires, dépendance, identité, valeurs, traditions, écrans, drogue,
        alcoolisme, collectif, collectifs, enquête d'opinion, sondage, sondages, riches, élite, élites, quartier,
        public, locale, vie, vies, droits, aide, soutien, groupe, groupes, campagne, manifestation, rapport,
        étude, enquête, statistiques, chiffres, taux, crise, problème, problèmes, changement, réforme,
        """,
    },
    SPORT.code: {
        3: """
        buteur, buteurs, attaquant, milieu de terrain, gardien de but, entraîneur, sélectionneur, football,
        footballeur, ligue 1, ligue 2, ligue des champions, ligue europa, ligue conférence, premier league,
        liga, serie a, bundesliga, coupe de france, coupe du monde, euro 2024, euro 2028, championnat d'europe,
        fifa, uefa, fff, tournoi, championnat, demi-finale, quart de finale, quarts de finale,
        huitièmes de finale, huitième de finale, phase de groupes, équipe de france, les bleus, coéquipier,
        joueur, joueuse, tennis, roland-garros, roland garros, wimbledon, us open, open d'australie,
        grand chelem, atp, wta, coupe davis, jeu décisif, balle de match, golf, golfeur, ryder cup, rugby,
        rugby à xv, top 14, pro d2, tournoi des six nations, six nations, coupe du monde de rugby, mêlée,
        xv de france, basket, basket-ball, nba, euroligue, handball, volley, volley-ball, nfl, super bowl,
        baseball, hockey sur glace, nhl, jeux olympiques, jo, olympique, jeux paralympiques, paralympique, cio,
        athlète, athlétisme, marathon, sprinteur, saut en hauteur, saut en longueur, saut à la perche, javelot,
        décathlon, médaille d'or, médaille d'argent, médaille de bronze, médaillé, record personnel, podium,
        formule 1, f1, grand prix, pole position, motogp, rallye, 24 heures du mans, cyclisme, cycliste,
        tour de france, giro, vuelta, peloton, maillot jaune, boxe, boxeur, poids lourds, ufc, mma, judo, judoka,
        taekwondo, escrime, natation, nageur, nageuse, nage libre, aviron, vendée globe, route du rhum,
        ski alpin, slalom, biathlon, snowboard, patinage artistique, gymnastique, gymnaste, badminton,
        tennis de table, fléchettes, hippisme, jockey, prix de l'arc de triomphe, stade, stade de france,
        parc des princes, supporters, supporteurs, carton rouge, carton jaune, penalty, tirs au but, coup franc,
        égalisation, temps additionnel, prolongations, mi-temps, coup d'envoi, passe décisive, passes décisives,
        hors-jeu, mercato, clause libératoire, relégation, relégué, match nul, match aller, match retour,
        champion du monde, championne du monde, championnat du monde, championnats du monde, sportif, sportive,
        centre d'entraînement, nommé entraîneur, psg, paris saint-germain, olympique de marseille,
        olympique lyonnais, losc, as monaco, real madrid, barça, bayern munich, manchester city, juventus,
        mbappé, messi, ronaldo, dembélé, griezmann, zidane, deschamps, djokovic, nadal, alcaraz, sinner,
        wembanyama, antoine dupont, pogacar, léon marchand, teddy riner, buts, matchs, joueurs, joueuses,
        sportifs, sportives, sport, sports, footballeurs, cyclistes, nageurs, athlètes, médailles,
        """,
        2: """
        match, but, défenseur, défenseurs, gardien, portier, coach, foot, coupe, coupes, champion, champions,
        championne, championnats, finale, finales, demi-finales, ligue, saison, club, clubs, équipe, équipes,
        bleues, coéquipiers, effectif, capitaine, essai, essais, hockey, olympiques, sprint, relais, médaillée,
        record du monde, pilote, pilotes, étape, étapes, combat, lutte sportive, plongeon, descente, stades,
        arène, pelouse, spectateurs, arbitre, arbitres, arbitrage, penaltys, corner, prolongation,
        première période, seconde période, doublé, triplé, transfert, transferts, recrue, recrues, remplaçant,
        remplaçants, titulaire, titulaires, classement, invaincu, série de victoires, victoire, victoires,
        défaite, défaites, battu, battue, s'impose, s'est imposé, s'est imposée, score, entraînement, om, ol,
        barcelone, liverpool, course, courses, coureur, coureurs, manche, manches, épreuve, épreuves,
        compétition, compétitions, qualifié, qualifiée, qualification, qualifications, points, classé,
        classement mondial, numéro un mondial, adversaire, adversaires, rival, rivaux, derby, affiche,
        calendrier, terrain, ballon, record, records,
        """,
        1: """
        titre, titres, tour, bat, forfait, débuts, tactique, limogé, monaco, rennes, nice, lens, choc,
        jouer, joué, joue, jouent, performance, la saison dernière, cette saison, rencontre, tête,
        """,
    },
    WEATHER.code: {
        3: """
        météo, météorologique, météorologiques, météo-france, prévisions météo, prévisionniste, bulletin météo,
        vigilance orange, vigilance rouge, vigilance jaune, alerte météo, épisode cévenol, épisode méditerranéen,
        intempéries, température, températures, degrés celsius, fortes chaleurs, vague de chaleur, canicule,
        épisode caniculaire, dôme de chaleur, records de chaleur, record de chaleur, journée la plus chaude,
        vague de froid, grand froid, gelées, verglas, neige, chutes de neige, flocons, tempête de neige,
        blizzard, grésil, grêle, grêlons, pluvieux, fortes pluies, averse, bruine, orage, orageux, orageuse,
        tonnerre, foudre, coup de vent, rafales, km/h, brouillard, nuageux, ciel couvert, ensoleillé,
        ensoleillement, éclaircies, temps sec, humidité, indice uv, pollens, pression atmosphérique, anticyclone,
        courant-jet, front froid, front chaud, vortex polaire, el niño, la niña, mousson, saison des ouragans,
        dépression tropicale, cumuls de pluie, millimètres de pluie, centimètres de neige, température ressentie,
        record de température, normales de saison, au-dessus des normales, en dessous des normales, prévisions,
        prévisionnistes, orages, averses,
        """,
        2: """
        vigilance, alerte orange, alerte rouge, degrés, celsius, chaleur, plus chaud, plus chaude, plus froid,
        plus froide, froid, pluie, pluies, tempête, tempêtes, rafale, vent, vents, venteux, brume, nuages,
        soleil, humide, dépression, ressenti, printemps, automne, hiver, prévision, éclairs, sécheresse,
        inondations, crues, redoux,
        """,
        1: """
        gel, doux, douceur, fraîcheur, chaud, chaude, risque d'incendie, perturbations, routes coupées,
        écoles fermées, coupures d'électricité, conditions, attendu, attendus, prévu, prévue, probable,
        risque de, matin, après-midi, soirée, nuit, demain, aujourd'hui, week-end, semaine, nord, sud, ouest,
        régions, région, départements, littoral, côtes, jour, jours, nuits, alerte, alertes, ciel,
        """,
    },
}

_LEXICONS: dict[str, dict[object, dict[int, str]]] = {"en": _EN, "fr": _FR}

# Function words that tell English from French when an article's language is unknown.
_LANGUAGE_MARKERS = {
    "en": frozenset("the of and to in is was for that with on as by it at from are be this have has said".split()),
    "fr": frozenset("le la les des du de et est une un dans pour que qui sur au aux pas par ont été sont cette".split()),
}


# --- text ------------------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+(?:[&+][a-z0-9]+)*")


def fold(text: str) -> str:
    """Lower-case without accents, typographic apostrophes made plain: how terms and texts compare."""
    plain = text.lower().replace("\u2019", "'").replace("\u0153", "oe").replace("\u00e6", "ae")
    decomposed = unicodedata.normalize("NFKD", plain)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """The words of a text as the lexicon sees them (folded, alphanumeric runs; "s&p" stays one)."""
    return _WORD.findall(fold(text))


def guess_language(words: Sequence[str]) -> str:
    """English or French, from function words; English when it cannot tell (the common case)."""
    counts = {lang: sum(1 for w in words if w in markers) for lang, markers in _LANGUAGE_MARKERS.items()}
    return "fr" if counts["fr"] > counts["en"] else "en"


# --- compiling the lexicon ------------------------------------------------------------------------


def _forms(word: str, language: str) -> set[str]:
    """A word and its regular inflections (plural; in French also feminine), so terms are written once."""
    forms = {word, word + "s"}
    if language == "en":
        forms.add(word + "es")
        if word.endswith("y") and len(word) > 3:
            forms.add(word[:-1] + "ies")
    else:
        forms |= {word + "x", word + "e", word + "es"}
        if word.endswith("al"):
            forms.add(word[:-2] + "aux")
    return forms


# A term is a tuple of base words; a word of a text matches a base word when it is one of its forms.
_Term = tuple[str, ...]


@dataclass
class _Compiled:
    language: str
    forms: dict[str, set[str]]  # word as written (folded) -> the base words it is a form of
    terms_by_first: dict[str, list[_Term]]  # first base word -> terms starting with it, longest first
    weights: dict[_Term, dict[str, float]]  # term -> category code -> weight (empty: neutral)


def _split_terms(block: str) -> Iterable[str]:
    # Terms are separated by commas only, so a long expression may wrap onto the next line.
    for raw in block.split(","):
        term = " ".join(raw.split())
        if term:
            yield term


def compile_lexicon(language: str, lexicon: Mapping[object, Mapping[int, str]]) -> _Compiled:
    weights: dict[_Term, dict[str, float]] = defaultdict(dict)
    for category, by_weight in lexicon.items():
        for weight, block in by_weight.items():
            for text in _split_terms(block):
                term = tuple(tokens(text))
                if not term:
                    continue
                per_category = weights[term]
                if category != _NEUTRAL:
                    # The same term listed twice in a category keeps its highest weight.
                    per_category[str(category)] = max(per_category.get(str(category), 0.0), float(weight))
    forms: dict[str, set[str]] = defaultdict(set)
    terms_by_first: dict[str, list[_Term]] = defaultdict(list)
    for term in weights:
        for word in term:
            for form in _forms(word, language):
                forms[form].add(word)
        terms_by_first[term[0]].append(term)
    for terms in terms_by_first.values():
        terms.sort(key=len, reverse=True)
    return _Compiled(language, dict(forms), dict(terms_by_first), dict(weights))


# --- classifying ------------------------------------------------------------------------------------

TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 1.5
LEAD_WORDS = 60
SATURATION_K = 1.2
EVIDENCE_SCALE = 6.0  # evidence at which the best score is 1 - 1/e
RELATIVE_POWER = 2.0
MEANINGFUL_EVIDENCE = 2.0  # one typical term, or two hints
_NOTHING: frozenset[str] = frozenset()


class LexiconClassifier:
    """Scores a text against the IPTC top-level categories with one language's lexicon."""

    def __init__(self, compiled: _Compiled) -> None:
        self._lexicon = compiled
        self._lexicon_forms = {form: frozenset(bases) for form, bases in compiled.forms.items()}
        self.language = compiled.language

    def _bases(self, word: str) -> frozenset[str]:
        return self._lexicon_forms.get(word, _NOTHING)

    def _matches(self, words: Sequence[str]) -> Iterable[tuple[int, frozenset[_Term]]]:
        """(position, terms) for every match in `words`, longest first, without overlaps. Several
        terms of the same length can match at once ("soldiers" is "soldier" inflected and a term
        of its own): they form one match, whatever order sets iterate in."""
        bases = [self._bases(w) for w in words]
        i = 0
        while i < len(words):
            found: list[_Term] = []
            for first in bases[i]:
                for term in self._lexicon.terms_by_first.get(first, ()):
                    if found and len(term) < len(found[0]):
                        break
                    if i + len(term) <= len(words) and all(term[j] in bases[i + j] for j in range(1, len(term))):
                        if found and len(term) > len(found[0]):
                            found.clear()
                        found.append(term)
                        break
            if not found:
                i += 1
                continue
            longest = max(len(t) for t in found)
            yield i, frozenset(t for t in found if len(t) == longest)
            i += longest

    def term_frequencies(self, title: str, text: str) -> dict[frozenset[_Term], float]:
        """Position-weighted counts of every lexicon match in the title and the text."""
        frequencies: Counter[frozenset[_Term]] = Counter()
        for _, terms in self._matches(tokens(title)):
            frequencies[terms] += TITLE_WEIGHT
        for position, terms in self._matches(tokens(text)):
            frequencies[terms] += LEAD_WEIGHT if position < LEAD_WORDS else 1.0
        return dict(frequencies)

    def _weights(self, terms: frozenset[_Term]) -> dict[str, float]:
        merged: dict[str, float] = {}
        for term in terms:
            for category, weight in self._lexicon.weights[term].items():
                merged[category] = max(merged.get(category, 0.0), weight)
        return merged

    def evidence(self, title: str, text: str) -> dict[str, float]:
        """Category code -> evidence (sum over terms of weight x saturated frequency)."""
        totals: dict[str, float] = defaultdict(float)
        for terms, frequency in self.term_frequencies(title, text).items():
            saturated = frequency * (SATURATION_K + 1) / (frequency + SATURATION_K)
            for category, weight in self._weights(terms).items():
                totals[category] += weight * saturated
        return dict(totals)

    def scores(self, title: str, text: str) -> list[tuple[str, float]]:
        """(IPTC label, score in 0..1) for every category with evidence, best first."""
        return scores_from_evidence(self.evidence(title, text))

    def explain(self, title: str, text: str, code: str, top: int = 15) -> list[tuple[str, float]]:
        """The terms that gave a category its evidence, strongest first (for debugging a lexicon)."""
        found = []
        for terms, frequency in self.term_frequencies(title, text).items():
            weight = self._weights(terms).get(code)
            if weight:
                name = " | ".join(sorted(" ".join(t) for t in terms))
                found.append((name, weight * frequency))
        return sorted(found, key=lambda item: -item[1])[:top]


_LABELS = {topic.code: topic.label for topic in MEDIA_TOPICS}


def scores_from_evidence(evidence: Mapping[str, float]) -> list[tuple[str, float]]:
    """Evidence per category code -> (label, score) best first: the best scores how much evidence
    there is, the others that times the square of their share of the best's evidence."""
    ranked = sorted(((e, c) for c, e in evidence.items() if e > 0), reverse=True)
    if not ranked:
        return []
    best = ranked[0][0]
    confidence = 1.0 - math.exp(-best / EVIDENCE_SCALE)
    return [(_LABELS[code], round(confidence * (e / best) ** RELATIVE_POWER, 4)) for e, code in ranked]


def is_meaningful(evidence: Mapping[str, float]) -> bool:
    return max(evidence.values(), default=0.0) >= MEANINGFUL_EVIDENCE


@cache
def lexicon_classifier(language: str) -> LexiconClassifier | None:
    """The built-in classifier for `language` (en, fr), compiled once; None for other languages."""
    lexicon = _LEXICONS.get(language)
    return LexiconClassifier(compile_lexicon(language, lexicon)) if lexicon is not None else None


def lexicon_languages() -> tuple[str, ...]:
    return tuple(_LEXICONS)


def category_term_counts(language: str) -> dict[str, int]:
    """How many distinct terms (expressions, before inflection) each category has in a language."""
    counts: dict[str, int] = {}
    for weights in compile_lexicon(language, _LEXICONS[language]).weights.values():
        for code in weights:
            counts[code] = counts.get(code, 0) + 1
    return counts
