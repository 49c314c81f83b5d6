"""Moods, occasions and audiences: how a person feels, when and with whom they watch.

A mood never filters by its own words (so "something to fall asleep to" never finds "Dead
Asleep"): it leans the ranking towards some genres and away from others, rules out the genres
that clearly don't fit (unless the person asked for them), ranks by what it means (the embedding
of `meaning`), and keeps a quality floor: a mood request wants something good.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Mood:
    key: str
    forms: str  # regular expression over lower-case words
    prefer: tuple[str, ...] = ()  # genres ranked up
    avoid: tuple[str, ...] = ()  # genres ranked down
    exclude: tuple[str, ...] = ()  # genres ruled out (unless asked for by name)
    meaning: str = ""  # what it means, for the embedding ranker
    floor: float = 6.5  # rating below which a title is a poor answer to this mood
    max_age: int | None = None  # an audience's age ceiling
    kind: str | None = None  # "binge" is about a series
    core: tuple[str, ...] = ()  # genres this mood names when no genre is asked for ("something scary")
    opposite: str | None = None  # the mood "nothing <this>" asks for ("nothing sad" → feel good)


def _m(key: str, forms: str, prefer: str = "", avoid: str = "", exclude: str = "", meaning: str = "",
       floor: float = 6.5, max_age: int | None = None, kind: str | None = None, core: str = "",
       opposite: str | None = None) -> Mood:
    return Mood(key, forms, tuple(prefer.split()), tuple(avoid.split()), tuple(exclude.split()), meaning, floor,
                max_age, kind, tuple(core.split()), opposite)


_LIGHT = "comedy family animation romance"
MOODS: tuple[Mood, ...] = (
    # occasions first: they contain mood words ("a cozy rainy day")
    _m("sleep", r"(?:fall(?:ing)?|go(?:ing)?|drift(?:ing)?|doz(?:e|ing)|nod(?:ding)?) (?:off|asleep|to sleep)"
       r"|asleep|sleep(?:y|ing)?|bed ?time|before bed|in bed|wind(?:ing)? down",
       "documentary comedy animation family", "action war crime drama", "horror thriller",
       "a calm, gentle, soothing, slow and quiet story"),
    _m("bad day", r"(?:after|had|having) (?:a|such a|one of those) (?:(?:really|very|pretty|super|so) )?(?:bad|rough|long|hard|tough|stressful|crappy|shitty|awful"
       r"|terrible|horrible) (?:day|week|night)|(?:feeling|feel|i'?m|i am) (?:(?:a bit|a little|kind of|kinda|pretty|quite|so|really|very|super) )?(?:down|blue|low|sad|stressed|depressed|anxious"
       r"|miserable|lonely|crappy)|cheer (?:me|us) up|pick[\s-]me[\s-]up|need a (?:hug|lift|boost)"
       r"|(?:day|work|week|today|school|shift|job|life) (?:was|has been|is|'s been) (?:(?:so|really|pretty|very|super|just) )?"
       r"(?:bad|rough|long|hard|tough|stressful|crappy|shitty|awful|terrible|horrible|exhausting|draining|hell|a nightmare|a disaster)"
       r"|take (?:my|our) minds? off|(?:make|help) (?:me|us) feel better|feel better|lift (?:my|our) spirits|lift (?:me|us) up|sick day|home sick|feeling sick|under the weather",
       "comedy family animation romance", "crime thriller war drama", "horror war",
       "an uplifting, funny, feel-good story that cheers you up"),
    _m("journey", r"(?:for|during|on|in) (?:a |the |my |our |this )?(?:(?:long|short|quick|\d+[\s-]hours?|overnight) )?"
       r"(?:car ride|car journey|drive|road trip|flight|plane ride|plane|train(?: ride| journey)?|bus(?: ride)?|commute"
       r"|journey|trip|layover)(?: (?:home|back|there|to \w+))?",
       "comedy adventure animation family action", "horror", "",
       "an easy, entertaining, fun adventure or comedy to pass the time"),
    _m("rainy day", r"rain(?:y)?(?: (?:day|days|evening|afternoon|night|weekend))?|storm(?:y)?(?: night)?|snow(?:y|ed in)"
       r"|cold (?:winter )?(?:day|night|evening)|winter (?:night|evening|day)", _LIGHT, "horror war",
       "", "a cozy, heartwarming, comforting feel-good story"),
    _m("lazy day", r"lazy(?: (?:sunday|saturday|day|afternoon|weekend|morning|evening))?|sunday (?:afternoon|morning)"
       r"|hung ?over|hangover|recovering|on the couch|veg(?:ging)? out", _LIGHT, "war horror crime",
       "", "an easygoing, light, funny feel-good story"),
    _m("background", r"(?:in|on in|have on in) the background|background (?:noise|watching|viewing|show)"
       r"|while (?:i|we)(?:'m| am|'re| are)? (?:\w+ing|cook|clean|work|eat|iron|knit|do (?:the |some |my |our )?\w+)"
       r"|while (?:cook|clean|work|eat|iron|knitt|fold|paint|tidy|do)(?:ing)?(?: (?:the |some |my |our )?\w+)?|half[\s-]watch\w*|don'?t (?:have|need) to (?:pay attention|focus)"
       r"|easy to follow|put on and forget", "reality comedy documentary", "thriller mystery drama crime", "",
       "an easy, light, funny sitcom or reality show", kind="show"),
    _m("binge", r"binge(?:[\s-]?(?:worthy|able|watch(?:ing)?))?|bingeable|to binge", "drama crime thriller mystery",
       "", "", "an addictive, gripping series to binge", kind="show"),
    _m("friends", r"(?:with|for|and) (?:my |the |some |a few )?(?:(?:whole|entire|usual) )?(?:friends|mates|buddies|pals"
       r"|the guys|the lads|the gang|gang"
       r"|roommates|flatmates|housemates|crew)|(?:my|our) (?:friends|mates|buddies|pals|roommates|flatmates|housemates)"
       r"|(?:guys|boys|lads)'? (?:night|nite)(?: in| out)?|(?:friends|mates|people|guests|company|the gang) (?:are |is )?(?:coming|come) (?:round|around|over)"
       r"|having (?:some |a few )?(?:people|friends|mates|guests|folks) (?:round|around|over)|party|sleepover|game night|group of (?:us|friends)",
       "comedy horror action", "documentary drama", "", "a fun, crowd-pleasing, exciting and funny film"),
    _m("family night", r"family (?:movie |film )?night|movie night with the (?:family|kids)|whole family"
       r"|with the (?:family|kids|children)|all ages|family[\s-]friendly|for the family|everyone can watch",
       "family animation comedy adventure", "drama crime war", "horror",
       "a fun animated family adventure for all ages", max_age=7),
    _m("girls night", r"(?:girls|ladies|gals)'? (?:night|nite)(?: in| out)?|with (?:the|my) (?:girls|ladies|gals)"
       r"|chick[\s-]?flicks?", "comedy romance music drama", "war horror documentary", "",
       "a fun, funny romantic comedy about friendship and love"),
    # whoever is watching, however it is said: "with my mum", "for when my in laws are over", "my dad would like"
    _m("parents", r"(?:(?:with|for|and) (?:my |our )?|(?:my|our) )(?:parents|mom|mum|dad|mother|father|grand ?parents"
       r"|grandma|grandpa|granny|nan|nana|in[\s-]laws|folks|aunt|uncle)", "comedy drama family romance history", "horror", "",
       "a warm, well-made, gentle film about family and life", max_age=13),
    _m("date night", r"date[\s-]night|date (?:movie|film|flick|show)s?|(?:on|for) a (?:first |second )?date"
       r"|(?:(?:with|for|and) (?:my |our )?|(?:my|our) )(?:girlfriend|boyfriend|wife|husband|partner|date"
       r"|fianc[eé]e?|spouse|other half|significant other|gf|bf|crush|missus|missis|hubby)"
       r"|romantic (?:evening|night)|valentine'?s|(?:our |an? )?anniversary",
       "romance comedy drama", "horror war kids documentary", "",
       "a romantic comedy about falling in love"),
    # moods
    _m("cozy", r"coz(?:y|ier)|cos(?:y|ier)|comfort(?:ing|able)?|snug(?:gly)?|warm and fuzzy|hygge|curl up|snuggl\w*",
       _LIGHT, "thriller crime war", "horror", "a cozy, comforting, heartwarming feel-good story"),
    _m("feel good", r"feel[\s-]?good|uplifting|heart[\s-]?warming|wholesome|happy|happier|cheerful|hopeful|joyful|joyous"
       r"|upbeat|positive|sweet|charming|delightful|heartfelt|(?:kind|good|big)[\s-]?hearted|life[\s-]affirming|put a smile on|smile"
       r"|restores? (?:my |your |our )?faith in (?:humanity|people)|good for the soul|warms? (?:my|your|the) heart",
       _LIGHT, "crime thriller", "horror war", "an uplifting, heartwarming feel-good story"),
    _m("laugh", r"(?:a )?good laugh|make (?:me|us) laugh|laugh out loud|crack (?:me|us) up|lol|silly|goofy|dumb fun"
       r"|stupid funny|ridiculous|absurd", "comedy", "horror war drama", "",
       "a hilarious, silly comedy that makes you laugh out loud", core="comedy", opposite="think"),
    _m("light", r"light[\s-]?hearted|light|easy[\s-]?going|easy(?: watch(?:ing)?)?|breezy|fun|not too serious|undemanding"
       r"|mindless|brainless|(?:i'?m |so |really |getting |a bit )?bored|boredom|turn (?:my|your|off (?:my|your)) brain(?: off)?|brain ?dead|no[\s-]brainer|popcorn",
       _LIGHT, "drama war horror", "", "a light, fun, easygoing comedy"),
    _m("cry", r"(?:a )?good cry|(?:cry|bawl|sob)(?:bing|ing)? my eyes out|bawl\w*|cry|crying|tear[\s-]?jerk(?:er|ers|ing)|tears"
       r"|sad|weep\w*|emotional|moving|touching"
       r"|heart[\s-]?break(?:ing|er)|bitter[\s-]?sweet|melanchol\w+|sob", "drama romance", "comedy action", "horror",
       "a sad, moving, emotional drama that makes you cry", core="drama romance", opposite="feel good"),
    _m("scary", r"scar(?:y|iest|e me|e us|ed)|spooky|creepy|terrifying|frightening|chilling|nightmares?|freak (?:me|us) out|jump scares?",
       "horror thriller", "kids family comedy", "", "a terrifying, creepy horror story", core="horror thriller",
       opposite="light"),
    _m("thrill", r"edge of (?:my|your|our|the) seats?|adrenaline|intense|gripping|suspenseful|nail[\s-]?bit(?:er|ing)"
       r"|heart[\s-]?pounding|pulse[\s-]?pounding|(?:heart|pulse) (?:racing|pounding|pumping)|tense|exciting|thrilling|high[\s-]octane|fast[\s-]paced|pumped|rush"
       r"|non[\s-]?stop(?: action)?|relentless|wall[\s-]to[\s-]wall action|pure action|adrenalin",
       "action thriller crime", "kids family documentary romance", "",
       "a gripping, intense, suspenseful thriller that keeps you on the edge of your seat",
       core="thriller action crime mystery horror", opposite="calm"),
    _m("action", r"(?:loads of |lots of |plenty of |big )?(?:explosions|shoot[\s-]?outs?|gun ?fights?|fight scenes?"
       r"|stunts|things blowing up|stuff blowing up)", "action adventure thriller", "documentary romance kids", "",
       "an explosive action film with car chases, fights and big stunts", core="action"),
    _m("think", r"make (?:me|us) think|thought[\s-]provoking|smart|intelligent|clever|cerebral|philosophical|deep|profound"
       r"|mind[\s-]?(?:bending|blowing|fuck\w*)|twist(?:y|s|ed ending)?|puzzl\w+|complex|brainy|challenging|makes you think"
       r"|mess(?:es)? with (?:my|your|our) (?:head|mind)|blows? (?:my|your|our) minds?|keeps? (?:me|you) guessing",
       "scifi mystery drama thriller documentary", "kids family reality standup", "",
       "a smart, thought-provoking, mind-bending story with twists",
       core="scifi mystery thriller drama documentary", opposite="light"),
    _m("dark", r"dark|black(?= comed)|gritty|bleak|disturbing|grim|brutal|violent|twisted|noir|messed up|edgy",
       "crime thriller drama", "comedy animation", "kids family", "a dark, gritty, violent crime story",
       core="crime thriller drama war horror action", opposite="light"),
    _m("heavy", r"heavy|serious|depressing|harrowing|intense drama|hard[\s-]hitting|grim", "drama war history", "comedy",
       "", "a serious, heavy, harrowing drama", core="drama war history", opposite="light"),
    _m("inspiring", r"inspir(?:ing|ational|e me)|motivat(?:ing|ional|e me)|triumph\w*|underdogs?|empowering"
       r"|(?:overcom\w*|beat\w*|against) (?:all )?(?:the )?(?:odds|adversity|obstacles)|chase (?:my|your|our) dreams",
       "drama sport documentary history", "horror", "", "an inspiring true story of triumph against the odds",
       core="drama documentary sport history"),
    _m("epic", r"epic|sweeping|grand|big[\s-]budget|spectacle|spectacular|blockbuster[\s-]style",
       "adventure fantasy history war scifi", "", "", "an epic adventure on a grand scale",
       core="adventure fantasy history war scifi action"),
    _m("calm", r"relax(?:ing|ed)?|calm(?:ing)?|chill(?:ed|ing)?(?: out)?|soothing|gentle|peaceful|quiet|mellow|low[\s-]key"
       r"|zone out|de[\s-]?stress|unwind(?:ing)?", "comedy documentary animation family", "war crime action", "horror thriller",
       "a calm, relaxing, gentle and soothing story", opposite="thrill"),
    _m("nostalgic", r"nostalgi\w+|throwback|childhood|remind me of being a kid|old favou?rites?",
       "family animation comedy adventure", "", "", "a nostalgic classic from childhood"),
    _m("quirky", r"trippy|weird|quirky|strange|offbeat|bizarre|surreal|unusual|cult|wacky|eccentric",
       "comedy fantasy scifi", "", "", "a quirky, offbeat, surreal story"),
    _m("educational", r"educational|learn (?:something|about)|informative|eye[\s-]opening|interesting facts|teach (?:me|us)",
       "documentary history", "", "", "an informative documentary to learn something",
       core="documentary history"),
    _m("guilty pleasure", r"guilty pleasures?|trashy|cheesy|so bad (?:it'?s|its) good|campy|junk food tv",
       "reality comedy romance", "", "", "a cheesy, trashy guilty pleasure", floor=4.5),
    _m("wanderlust", r"wanderlust|(?:makes?|make) (?:me|us) want to travel|travel bug|see the world|far[\s-]?away places"
       r"|exotic (?:places|locations)|armchair travel", "documentary adventure", "horror", "",
       "a journey through beautiful faraway places around the world"),
    _m("escapism", r"escapis\w+|escape (?:reality|from reality|the world)|take (?:me|us) (?:away|somewhere)|transport (?:me|us)"
       r"|(?:to )?(?:another|a different|other) worlds?",
       "fantasy adventure scifi", "", "", "an escapist fantasy adventure to another world"),
)

MOOD_BY_KEY: dict[str, Mood] = {m.key: m for m in MOODS}
MOOD_RES: tuple[tuple[re.Pattern[str], Mood], ...] = tuple(
    (re.compile(rf"\b(?:{m.forms})\b"), m) for m in MOODS)

# words of when and where, not what: never searched as keywords or meaning
OCCASION_WORDS: frozenset[str] = frozenset({
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "afternoon", "evening",
    "morning", "night", "nights", "tonight", "weekend", "day", "days", "evenings", "after", "work", "couch",
    "sofa", "dinner", "lunch", "breakfast", "today", "tomorrow", "later", "flight", "plane", "train",
})
