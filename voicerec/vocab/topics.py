"""What a title can be about. A topic the person asks for is a constraint: the results must show
evidence of it (its words in the title or description), ranked by meaning; its genres only lean.

Each topic: the spoken forms that name it, the evidence words (matched stemmed, so "robbery"
also finds "robberies"), the genres it leans to, and a sentence of what it means for the
embedding ranker. Subjects not listed here still work: the words after "about", "with" or
"involving" become evidence words of their own (understand/rules.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    key: str
    forms: str  # regular expression over lower-case words
    evidence: tuple[str, ...]  # words or phrases, any of which in title/description shows the topic
    lean: tuple[str, ...] = ()  # genres ranked up
    meaning: str = ""


def _t(key: str, forms: str, evidence: str, lean: str = "", meaning: str = "") -> Topic:
    return Topic(key, forms, tuple(e.strip() for e in evidence.split(",")), tuple(lean.split()),
                 meaning or f"a story about {key}")


TOPICS: tuple[Topic, ...] = (
    _t("heists", r"heists?|robber(?:y|ies)|bank (?:jobs?|robber(?:y|ies)|robbers?)|robbing|burglar(?:y|ies|s)?"
       r"|thie(?:f|ves)|capers?|con (?:artists?|men|jobs?)|stealing|steal", "heist, robbery, robbers, rob, robbing, "
       "steal, stealing, thief, thieves, burglar, caper, con artist, vault, bank job", "crime thriller action",
       "a heist: a crew of thieves plans and pulls off a robbery"),
    _t("zombies", r"zombies?|undead|walking dead", "zombie, zombies, undead, infected, walkers", "horror",
       "zombies and the undead overrun the world"),
    _t("vampires", r"vampires?|vampiric|dracula|bloodsuckers?", "vampire, vampires, dracula", "horror fantasy",
       "vampires who drink blood"),
    _t("werewolves", r"werewol(?:f|ves)|lycanthrop\w*", "werewolf, werewolves", "horror fantasy"),
    _t("ghosts", r"ghosts?|haunted(?: houses?)?|hauntings?|poltergeists?|spirits?",
       "ghost, ghosts, haunted, haunting, poltergeist, spirit", "horror", "a ghost story in a haunted house"),
    _t("aliens", r"aliens?|extraterrestrials?|ufos?|alien invasions?|first contact",
       "alien, aliens, extraterrestrial, ufo, invasion", "scifi", "aliens from another world"),
    _t("space", r"(?:outer )?space(?: travel| exploration| stations?| ships?)?|astronauts?|spaceships?|galax(?:y|ies)"
       r"|planets?|mars|the moon|nasa", "space, astronaut, astronauts, spaceship, galaxy, planet, mars, nasa, "
       "spacecraft, orbit, starship", "scifi adventure", "astronauts on a journey through outer space"),
    _t("time travel", r"time[\s-]travel(?:l?ing|l?ers?)?|time machines?|time loops?|travel(?:s|ling)? (?:back )?in time",
       "time travel, time machine, time loop, back in time, timeline, through time, in time", "scifi",
       "a time traveler changes the past and the future"),
    _t("dinosaurs", r"dinosaurs?|dinos?|jurassic|t[\s-]?rex|prehistoric", "dinosaur, dinosaurs, jurassic, prehistoric",
       "adventure scifi", "dinosaurs"),
    _t("sharks", r"sharks?", "shark, sharks", "horror thriller", "a killer shark attacks"),
    _t("superheroes", r"super[\s-]?hero(?:es|s)?|super[\s-]?powers?|marvel|avengers|dc comics|comic[\s-]book movies?",
       "superhero, superheroes, superpowers, marvel, avengers, batman, superman, spider-man, x-men, mutant, "
       "vigilante, super hero", "action scifi fantasy adventure", "superheroes with powers save the world"),
    _t("spies", r"spy|spies|espionage|secret agents?|cia|mi6|kgb|007|james bond",
       "spy, spies, espionage, secret agent, cia, mi6, kgb, undercover, agent", "thriller action",
       "a spy on a secret espionage mission"),
    _t("courtroom", r"courtroom|court cases?|legal dramas?|trials?|lawyers?|attorneys?|law firms?",
       "courtroom, trial, lawyer, attorney, jury, court, judge, law firm, defense", "drama crime",
       "a courtroom trial with lawyers and a jury"),
    _t("prison", r"prisons?|jails?|inmates?|behind bars|prison breaks?|escapes? from prison",
       "prison, jail, inmate, inmates, prisoner, convict, penitentiary", "drama crime", "life in prison"),
    _t("world war ii", r"world war (?:ii|2|two)|ww ?(?:ii|2)|second world war|nazis?|hitler|holocaust|d[\s-]day",
       "world war ii, wwii, nazi, nazis, hitler, holocaust, 1940s, world war 2", "war history drama",
       "soldiers fighting in world war two"),
    _t("vietnam war", r"vietnam war|the vietnam", "vietnam", "war history", "the vietnam war"),
    _t("cooking", r"cooking|cooks?|chefs?|food|cuisine|culinary|restaurants?|kitchens?|baking|bakers?|recipes?",
       "chef, chefs, cooking, cook, food, restaurant, kitchen, baking, culinary, cuisine, bake, recipe, baker, bakery, "
       "cake, pastry, bread",
       "documentary reality", "chefs cooking food in a restaurant kitchen"),
    _t("music bands", r"bands?|rock (?:bands?|stars?|and roll|n roll)|musicians?|singers?|rappers?|hip[\s-]?hop|rock music",
       "band, musician, musicians, singer, rock, rapper, hip hop, concert, song, songs, album, tour", "music",
       "musicians and a band on tour"),
    _t("dance", r"danc(?:e|es|ing|ers?)|ballet|ballerinas?", "dance, dancer, dancers, dancing, ballet", "music",
       "dancers and dance competitions"),
    _t("road trips", r"road[\s-]?trips?|cross[\s-]country (?:trips?|drives?)|on the road",
       "road trip, road, cross-country, drive, journey, trip", "comedy adventure drama",
       "friends on a road trip across the country"),
    _t("coming of age", r"coming[\s-]of[\s-]age|growing up|adolescen\w+|teen(?:age|ager)?s?(?= (?:life|years|dramas?|shows?"
       r"|movies?|films?|flicks?|series|sitcoms?|comedy|comedies|romance|romcoms?|horror|slashers?|thrillers?|musicals?|mystery|mysteries))|teenagers",
       "coming of age, coming-of-age, growing up, teenager, teen, adolescence, high school, teenage",
       "drama comedy", "a teenager growing up and coming of age"),
    _t("high school", r"high[\s-]?school(?:ers)?|prom|teachers?|classrooms?",
       "high school, school, student, students, teacher, prom, classmates", "comedy drama",
       "teenagers in high school"),
    _t("college", r"college|universit(?:y|ies)|campus|frat(?:ernity|ernities|s)?|sororit(?:y|ies)",
       "college, university, campus, fraternity, sorority, student", "comedy drama"),
    _t("football", r"(?:american )?football|nfl|quarterbacks?|super bowl", "football, nfl, quarterback, super bowl", "sport"),
    _t("soccer", r"soccer|premier league|world cup", "soccer, football, world cup, premier league", "sport"),
    _t("basketball", r"basketball|nba", "basketball, nba", "sport"),
    _t("baseball", r"baseball|mlb", "baseball", "sport"),
    _t("boxing", r"boxing|boxers?|prize ?fight\w*", "boxing, boxer, boxers, fight, fighter, ring", "sport drama"),
    _t("hockey", r"(?:ice )?hockey|nhl", "hockey, nhl", "sport"),
    _t("racing", r"(?:car )?racing|race cars?|formula (?:1|one)|f1|nascar|drag racing",
       "racing, race, racer, formula, nascar, driver, grand prix", "sport action"),
    _t("martial arts", r"martial arts?|kung[\s-]?fu|karate|judo|taekwondo|mma|ufc",
       "martial arts, kung fu, karate, fighter, fight, mma", "action"),
    _t("wrestling", r"wrestl(?:ing|ers?)|wwe", "wrestling, wrestler, wwe", "sport"),
    _t("surfing", r"surf(?:ing|ers?)", "surf, surfing, surfer", "sport"),
    _t("dogs", r"dogs?|pupp(?:y|ies)|doggos?", "dog, dogs, puppy, puppies", "family", "a story about a dog"),
    _t("cats", r"cats?|kittens?", "cat, cats, kitten", "family"),
    _t("horses", r"horses?|ponies|pony", "horse, horses, pony", "family drama"),
    _t("animals", r"animals?|wildlife|nature", "animal, animals, wildlife, nature, wild", "documentary family",
       "wild animals in nature"),
    _t("christmas", r"christmas|xmas|santa|holiday season", "christmas, santa, xmas, holiday", "family comedy romance",
       "a christmas holiday story"),
    _t("halloween", r"halloween|trick or treat", "halloween", "horror family"),
    _t("pirates", r"pirates?", "pirate, pirates", "adventure action"),
    _t("mafia", r"mafia|mob(?:sters?)?|gangsters?|organi[sz]ed crime|the mob|cartels?|gangs?",
       "mafia, mob, mobster, gangster, gangsters, cartel, crime family, organized crime, gang", "crime drama",
       "gangsters and the mafia"),
    _t("drugs", r"drugs?|narcotics?|cocaine|heroin|meth|cartels?|drug (?:lords?|dealers?|trade)",
       "drug, drugs, cartel, cocaine, narcotics, dealer, heroin, meth, trafficking, narco", "crime"),
    _t("game shows", r"game shows?|quiz(?:zes| shows?)?|contestants?|competition shows?",
       "game show, contestant, contestants, quiz, compete, competition, prize", "reality", "contestants compete in a game show"),
    _t("murder", r"murders?|killings?|killers?|homicides?", "murder, murders, killer, killing, homicide, murdered",
       "crime thriller mystery", "a murder investigation"),
    _t("serial killers", r"serial killers?|murderers?|psychopaths?|killing sprees?",
       "serial killer, killer, murderer, murders, psychopath", "crime thriller horror"),
    _t("detectives", r"detectives?|sleuths?|private (?:eyes?|investigators?)|investigators?",
       "detective, investigator, sleuth, investigation, private eye", "mystery crime"),
    _t("police", r"cops?|police(?:men|man)?|procedurals?|precincts?|law enforcement",
       "police, cop, cops, detective, officer, precinct, sheriff", "crime"),
    _t("robots", r"robots?|androids?|artificial intelligence|a\.?i\.?|cyborgs?",
       "robot, robots, android, artificial intelligence, ai, cyborg, machine", "scifi"),
    _t("apocalypse", r"(?:post[\s-])?apocalyp\w+|end of the world|doomsday|dystopia\w*",
       "apocalypse, post-apocalyptic, end of the world, survivors, dystopian, doomsday", "scifi action",
       "survivors after the end of the world"),
    _t("disasters", r"disasters?|earthquakes?|tsunamis?|volcano(?:es)?|hurricanes?|tornado(?:es)?",
       "disaster, earthquake, tsunami, volcano, storm, hurricane, tornado", "action thriller"),
    _t("witches and wizards", r"wizards?|witch(?:es|craft)?|sorcer(?:er|ers|y|ess)|magicians?|magic|spells?",
       "wizard, wizards, witch, witches, magic, sorcerer, spell, spells, magical", "fantasy",
       "wizards and witches with magic"),
    _t("dragons", r"dragons?", "dragon, dragons", "fantasy adventure", "dragons"),
    _t("fairy tales", r"fairy[\s-]?tales?|princess(?:es)?|fairies|fairy godmother",
       "fairy tale, princess, prince, kingdom, fairy, enchanted", "fantasy family animation"),
    _t("monsters", r"monsters?|creatures?|beasts?|kaiju|godzilla", "monster, monsters, creature, beast, kaiju",
       "horror scifi"),
    _t("mythology", r"myth(?:s|ology|ological)?|greek gods|norse|gods and goddesses",
       "myth, mythology, gods, god, greek, norse, legend", "fantasy adventure"),
    _t("medieval", r"medieval|knights?|castles?|middle ages|kingdoms?",
       "medieval, knight, knights, castle, kingdom, king", "history adventure fantasy"),
    _t("vikings", r"vikings?", "viking, vikings", "history action"),
    _t("samurai", r"samurai|ninjas?|shogun", "samurai, ninja, shogun", "action history"),
    _t("royalty", r"royal(?:s|ty)?|monarch(?:s|y)?|kings? and queens?|the crown|queens?",
       "royal, queen, king, prince, princess, monarchy, crown", "history drama"),
    _t("politics", r"politic(?:s|al|ians?)|presidents?|elections?|the white house|senators?|congress",
       "politics, political, politician, president, election, white house, senator", "drama"),
    _t("journalism", r"journalis(?:m|ts?)|reporters?|newspapers?|newsrooms?",
       "journalist, reporter, newspaper, journalism, newsroom", "drama"),
    _t("finance", r"wall street|stock (?:market|brokers?)|bankers?|finance|financial|hedge funds?",
       "wall street, stock, banker, finance, financial, broker, money", "drama"),
    _t("hackers", r"hack(?:ers?|ing)|cyber\w*|computers?", "hacker, hackers, hacking, cyber, computer", "thriller"),
    _t("video games", r"video ?games?|gam(?:ers?|ing)|esports", "video game, game, gamer, gaming", ""),
    _t("cars", r"cars?(?! (?:ride|rides|journey|trip|trips))|muscle cars?|street racing", "car, cars, driver, racing", "action"),
    _t("aviation", r"pilots?|planes?|airplanes?|aviation|fighter jets?|airline",
       "pilot, pilots, plane, airplane, flight, aviation, jet", "action drama"),
    _t("submarines", r"submarines?|u[\s-]?boats?", "submarine, u-boat", "war thriller"),
    _t("survival", r"survival|surviv(?:e|ing|ors?)|stranded|castaways?|wilderness|deserted island",
       "survival, survive, stranded, wilderness, castaway, island, survivor", "adventure thriller drama"),
    _t("mountains", r"mountain(?:eering|s)?|climb(?:ing|ers?)|everest", "mountain, climb, climber, everest, summit",
       "adventure documentary"),
    _t("ocean", r"oceans?|the sea|underwater|sailing|sailors?|ships?", "ocean, sea, underwater, ship, sailor, boat",
       "adventure documentary"),
    _t("revenge", r"revenge|vengeance|aveng(?:e|ing)", "revenge, vengeance, avenge", "action thriller crime"),
    _t("assassins", r"assassins?|hit ?m[ae]n|contract killers?", "assassin, hitman, hit man, contract killer",
       "action thriller"),
    _t("true stories", r"true stor(?:y|ies)|based on (?:a )?true (?:events|stor(?:y|ies))|real[\s-]life (?:stor(?:y|ies)|events)"
       r"|biopics?|biograph(?:y|ies|ical)|real events",
       "true story, based on a true, real-life, biography, biopic, life of, based on the life, true events",
       "history drama documentary", "the true story of a real person's life"),
    _t("religion", r"faith[\s-]based|religio(?:n|us)|christian|bible|jesus|church",
       "faith, god, church, jesus, bible, religious, christian", "drama"),
    _t("lgbtq", r"lgbt\w*|gay|lesbian|queer|trans(?:gender)?", "gay, lesbian, lgbt, queer, transgender", "drama romance"),
    _t("weddings", r"weddings?|brides?|grooms?|getting married", "wedding, bride, groom, marriage, married",
       "romance comedy"),
    _t("friendship", r"friendships?|best friends?|buddies", "friendship, friends, best friend, buddy", "comedy drama"),
    _t("art", r"painters?|artists?|painting|art world", "painter, artist, painting, art", "drama documentary"),
    _t("fashion", r"fashion|models?|runways?|designers?", "fashion, model, designer, runway", "documentary reality"),
    _t("writers", r"writers?|novelists?|authors?|poets?", "writer, novelist, author, poet, book", "drama"),
    _t("doctors", r"doctors?|hospitals?|nurses?|surgeons?|medical", "doctor, hospital, nurse, surgeon, medical",
       "drama"),
    _t("firefighters", r"fire ?fight(?:ers?|ing)|firem[ae]n", "firefighter, firefighters, firemen, fire", "drama action"),
    _t("soldiers", r"soldiers?|army|marines?|navy seals?|troops", "soldier, soldiers, army, marine, troops, military",
       "war action"),
    _t("gambling", r"gambl(?:ing|ers?)|casinos?|poker|las vegas|vegas", "casino, gambling, gambler, poker, vegas",
       "crime comedy drama"),
    _t("chess", r"chess", "chess", "drama"),
    _t("magic tricks", r"magicians? (?:tricks?)|illusionists?", "magician, illusionist, magic trick", "drama"),
    _t("families", r"famil(?:y|ies) (?:dramas?|sagas?)|dysfunctional famil(?:y|ies)|siblings?",
       "family, siblings, brother, sister, father, mother", "drama"),
)

TOPIC_BY_KEY: dict[str, Topic] = {t.key: t for t in TOPICS}
TOPIC_RES: tuple[tuple[re.Pattern[str], Topic], ...] = tuple(
    (re.compile(rf"\b(?:{t.forms})\b"), t) for t in TOPICS)
