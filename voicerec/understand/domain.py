"""Is this a request for something to watch? Cues for the domain, for other assistants' jobs, and
for the collection itself ("surprise me", "what's trending", "hidden gems").

Patterns are regular expressions over lower-case text with numbers already normalised.
"""

from __future__ import annotations

import re

# words that show a request is about something to watch
DOMAIN_CUES = (
    r"watch|movies?|films?|flicks?|shows?|series|season|episodes?|tv|television|cinema|binge|stream\w*"
    r"|recommend\w*|suggest\w*|something|anything|tonight|evening|night|afternoon|weekend|sunday|saturday"
    r"|starring|directed|actor|actress|director|like|similar|classic|mood|feel like|in the mood|about|genre"
    r"|put on|put (?:something|anything) on"
)
# the strongest of them: present, the request is ours whatever else it says
STRONG_DOMAIN = (
    r"watch\w*|movies?|films?|flicks?|shows?|series|documentar\w+|docuseries|sitcoms?|anime|cartoons?"
    r"|netflix|hulu|disney|hbo|prime video|paramount|episodes?|seasons?"
)
# requests for other assistants' jobs, and chit-chat: out of domain unless they also ask for something to watch
OOD_CUES = (
    r"timer|alarm|remind\w*|weather|temperature|forecast|(?:the|kitchen|bedroom|living room|hall|porch) lights?"
    r"|thermostat|volume|call|phone|text|email|message|what time|the time|date today|news|traffic|shopping list"
    r"|add to|order|buy|play (?:some |me some |me )?(?:music|songs?|tunes)|song|spotify|podcasts?|audio ?books?|joke|math|calculate|translate|capital of|who is the president"
    r"|turn (?:on|off|up|down)|turn (?:the )?\w+ (?:on|off|up|down)|switch (?:on|off)|lock the|unlock|open the|close the"
    r"|set an?|dim|vacuum|doorbell|heating|air con\w*|thermostat|degrees"
    r"|how (?:tall|far|old|big|long ago|much does|many people)|what(?:'s| is) the (?:capital|population|square root|time)"
    r"|who (?:is|was) the (?:president|prime minister|king|queen)|when (?:is|was) (?:the|christmas|easter)\b"
    r"|meaning of life|recipe|directions|navigate|how far|score of the game|stock price"
)
# chit-chat: out of domain only when nothing else was asked ("hey, something scary, thanks" is a request)
CHITCHAT = (
    r"how are you|how's it going|what's up|who are you|what are you|your name|are you (?:a )?(?:robot|human|real)"
    r"|thank(?:s| you)|good (?:morning|night|evening)|goodbye|bye|never ?mind|cancel|stop|shut up|i love you"
    r"|hello|hi there|hey there|hello there|you'?re (?:great|awesome|stupid|useless)|sorry|nothing|no thanks|that'?s all"
    r"|how are you(?: (?:today|doing))?|what can you do|help|good job|well done|okay bye"
)

# the collection itself: (pattern, sort, years back from the newest year or None)
COLLECTION: tuple[tuple[str, str, int | None], ...] = (
    (r"surprise (?:me|us)|dealer'?s choice|(?:you|u) (?:pick|choose|decide)|pick (?:for me|something|anything|one)"
     r"|(?:something|anything) random|at random|randomly|random(?= (?:movie|film|show|series|one|pick))|i don'?t (?:know|care|mind)"
     r"|whatever you (?:think|like|want)|anything (?:at all|is fine|goes|will do)|whatever(?: is good| works)?$",
     "surprise", None),
    (r"trending|what'?s hot|buzz(?:ing|y)?|everyone(?:'s| is) (?:talking about|watching)|talk of the town|viral"
     r"|popular (?:right now|at the moment|these days|lately|now)|what'?s big (?:right )?now",
     "trending", 2),
    (r"(?:most )?popular|blockbusters?|big hits?|crowd[\s-]pleasers?|(?:the )?hits|mainstream|famous|well[\s-]known"
     r"|everybody (?:loves|likes)", "popularity", None),
    (r"hidden gems?|underrated|under[\s-]the[\s-]radar|lesser[\s-]known|little[\s-]known|obscure|overlooked"
     r"|not (?:very |that |so )?(?:well[\s-]known|popular|mainstream)|undiscovered|sleepers?|indie darlings?",
     "hidden", None),
    (r"what'?s new|new (?:releases?|arrivals?|stuff|ones)|(?:just|recently) (?:came out|released|added)|latest"
     r"|newest|brand[\s-]new|fresh (?:releases?|out)|hot off the press", "newest", 1),
    (r"best(?:[\s-]rated)?|top[\s-]rated|highest[\s-]rated|highly[\s-]rated|well[\s-]rated|acclaimed|critically acclaimed"
     r"|(?:award|oscar|emmy)[\s-]winn(?:ing|ers?)|won (?:an? |the |any |some |lots of |loads of |a few )?(?:oscars?|academy awards?"
     r"|emmys?|golden globes?|awards?)|masterpieces?|must[\s-]see|greatest|well[\s-]reviewed|top \d+"
     r"|top picks?|the top|top(?=\s+(?:movies?|films?|shows?|series|comedies|dramas|thrillers|documentaries))"
     r"|finest|all[\s-]time greats?|classics of|good reviews|great reviews|rated highly|really good|excellent",
     "rating", None),
)


def words(p: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{p})\b")


DOMAIN = words(DOMAIN_CUES)
STRONG = words(STRONG_DOMAIN)
OOD = words(OOD_CUES)
CHAT = words(CHITCHAT)
COLLECTION_RES: tuple[tuple[re.Pattern[str], str, int | None], ...] = tuple(
    (words(p), sort, back) for p, sort, back in COLLECTION)
