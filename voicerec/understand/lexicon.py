"""What people say, mapped to the catalogue's vocabulary: genres, moods, services, countries.

Patterns are regular expressions over lower-cased text with numbers already normalised
(see numbers.py). Order matters only where one phrase contains another; longer ones come first.
"""

from __future__ import annotations

import re
from typing import Any

# phrase pattern → canonical genres (hard filter: "any of")
GENRE_PATTERNS: list[tuple[str, tuple[str, ...]]] = [
    (r"rom[\s-]?coms?|romantic comed(?:y|ies)", ("romance", "comedy")),
    (r"stand[\s-]?up(?: comedy| comedians?| specials?)?|comedy specials?", ("standup",)),
    (r"science[\s-]fiction|sci[\s-]?fi|scifi|syfy|space operas?", ("scifi",)),
    (r"docu[\s-]?series|docu[\s-]?mentar(?:y|ies)|docs?\b|true crime", ("documentary",)),
    (r"anime", ("anime",)),
    (r"animated|animation|cartoons?|pixar", ("animation",)),
    (r"comed(?:y|ies)|comedic|funny|funniest|hilarious|humou?r(?:ous)?|sitcoms?|laugh(?:s|ing)?", ("comedy",)),
    (r"horror|slashers?|zombies?|haunted", ("horror",)),
    (r"thrillers?|suspense(?:ful)?|psychological thrillers?", ("thriller",)),
    (r"crime|gangsters?|mafia|mob movies?|heists?|cop shows?|police procedurals?", ("crime",)),
    (r"myster(?:y|ies)|whodunn?its?|detectives?", ("mystery",)),
    (r"action(?:[\s-]packed)?|martial arts|kung fu|explosions", ("action",)),
    (r"adventures?", ("adventure",)),
    (r"dramas?|dramatic|melodramas?", ("drama",)),
    (r"fantasy|fantasies|wizards?|dragons?|fairy[\s-]?tales?", ("fantasy",)),
    (r"historical|history|period (?:pieces?|dramas?)|biopics?", ("history",)),
    (r"musicals?|music|concerts?", ("music",)),
    (r"reality(?: tv| shows?)?", ("reality",)),
    (r"romance|romantic|love stor(?:y|ies)", ("romance",)),
    (r"sports?|football|soccer|basketball|baseball|boxing", ("sport",)),
    (r"war|world war (?:i|ii|1|2|one|two)|ww2|wwii|military", ("war",)),
    (r"westerns?|cowboys?", ("western",)),
    (r"superheroe?s?", ("action",)),
]

# words that mean "not scary" etc. when negated; negation applies to the genre pattern that follows
NEGATION = r"(?:no|not|nothing|without|none|never|avoid|skip|except|but not|minus|not too|nothing too|isn'?t|aren'?t|don'?t want(?: any)?)"

# mood words → (boost genres, avoid genres): they rank, never filter
MOODS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    (r"cozy|cosy|comfort(?:ing)?|feel[\s-]?good|heart[\s-]?warming|wholesome|uplifting|light[\s-]?hearted"
     r"|light|relaxing|chill|easy|gentle|sweet|lazy|rainy|snuggl\w*|warm|happy|cheer(?:ful|ing|\s+me\s+up)",
     ("comedy", "family", "romance", "animation"), ("horror", "thriller", "war", "crime")),
    (r"scary|spooky|creepy|terrifying|frightening|chilling|halloween|nightmares?",
     ("horror", "thriller"), ("kids", "family")),
    (r"mind[\s-]?(?:bending|blowing|fuck\w*)|trippy|twist(?:y|s)?|cerebral|puzzl\w+|complex",
     ("scifi", "mystery", "thriller"), ("kids",)),
    (r"tear[\s-]?jerkers?|sad|cry|weep\w*|emotional|moving|touching|heart[\s-]?breaking",
     ("drama", "romance"), ("horror",)),
    (r"date[\s-]?night|romantic evening|for a date|with my (?:girlfriend|boyfriend|wife|husband|partner)",
     ("romance", "comedy"), ("horror", "war", "kids")),
    (r"exciting|thrilling|adrenaline|intense|edge of (?:my|your) seat|gripping|fast[\s-]paced",
     ("action", "thriller"), ()),
    (r"dark|gritty|bleak|disturbing|violent",
     ("crime", "thriller", "drama"), ("kids", "family")),
    (r"inspiring|inspirational|motivating|true stor(?:y|ies)|based on a true",
     ("drama", "documentary", "sport", "history"), ("horror",)),
    (r"epic|sweeping|grand",
     ("adventure", "fantasy", "history", "war"), ()),
    (r"educational|learn something|informative|thought[\s-]provoking",
     ("documentary", "history"), ()),
    (r"silly|goofy|dumb fun|stupid funny|laugh out loud",
     ("comedy",), ("horror", "war")),
]

# what a mood means, as a sentence the embedder can match against descriptions
MOOD_MEANING: dict[str, str] = {
    "cozy": "a cozy, heartwarming, feel-good story", "cosy": "a cozy, heartwarming, feel-good story",
    "comforting": "a comforting, heartwarming, feel-good story", "comfort": "a comforting feel-good story",
    "feel good": "an uplifting feel-good story", "feel-good": "an uplifting feel-good story",
    "heartwarming": "a heartwarming story about family and friendship", "wholesome": "a wholesome family story",
    "uplifting": "an uplifting, inspiring story", "light": "a light, funny, easygoing comedy",
    "lighthearted": "a light, funny, easygoing comedy", "relaxing": "a gentle, relaxing, easygoing story",
    "scary": "a terrifying horror story", "spooky": "a spooky supernatural horror story",
    "creepy": "a creepy, eerie horror story", "mind-bending": "a mind-bending, twisty puzzle of reality",
    "mind bending": "a mind-bending, twisty puzzle of reality", "tearjerker": "a sad, moving, emotional drama",
    "sad": "a sad, moving, emotional drama", "date night": "a romantic comedy about falling in love",
    "romantic evening": "a romantic story about falling in love", "exciting": "an exciting, action-packed thriller",
    "dark": "a dark, gritty crime story", "inspiring": "an inspiring true story of triumph",
    "epic": "an epic adventure on a grand scale", "silly": "a silly, goofy comedy",
}
# context words that say when, not what: kept out of keyword and meaning search
OCCASION = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "afternoon", "evening",
    "morning", "night", "nights", "tonight", "weekend", "rainy", "rain", "snowy", "cold", "winter", "summer",
    "lazy", "day", "days", "evenings", "after", "work", "couch", "sofa", "bed", "before", "dinner", "lunch",
}


def meaning_text(q: Any) -> str:
    """The text to embed for a query: its topic words, plus what its mood words mean."""
    words = [w for w in q.mood.split() if w not in OCCASION]
    text = " ".join(words)
    extra = [m for key, m in MOOD_MEANING.items() if re.search(rf"\b{re.escape(key)}\b", q.mood)]
    return ". ".join(dict.fromkeys([*([text] if text else []), *extra])) or q.mood


def keyword_text(q: Any) -> str:
    """The words worth a full-text search: the mood minus occasion and mood words."""
    moods = {w for key in MOOD_MEANING for w in key.split()}
    return " ".join(w for w in q.mood.split() if w not in OCCASION and w not in moods)


SERVICE_PATTERNS: list[tuple[str, str]] = [
    (r"netflix", "netflix"),
    (r"amazon(?: prime)?(?: video)?|prime(?: video)?", "prime"),
    (r"disney(?:\s*(?:plus|\+))?", "disney"),
    (r"hulu", "hulu"),
    (r"hbo(?:\s*max)?|h\.b\.o\.?", "hbo"),
    (r"paramount(?:\s*(?:plus|\+))?", "paramount"),
    (r"apple(?:\s*tv)?(?:\s*(?:plus|\+))?", "apple"),
]

# demonyms, languages, industries and country names → ISO codes
COUNTRY_PATTERNS: list[tuple[str, tuple[str, ...]]] = [
    (r"south korean?|korean?|k[\s-]?dramas?", ("KR",)),
    (r"japanese|japan|j[\s-]?dramas?", ("JP",)),
    (r"french|france", ("FR",)),
    (r"british|britain|english|england|uk|u\.k\.|scottish|scotland|welsh|wales", ("GB",)),
    (r"american|usa|u\.s\.a?\.?|hollywood|united states", ("US",)),
    (r"bollywood|indian|india|hindi|tamil|telugu|malayalam|kannada|punjabi|marathi|bengali", ("IN",)),
    (r"mexican|mexico", ("MX",)),
    (r"spanish|spain|castilian", ("ES",)),
    (r"latin american|latino|latina|spanish[\s-]language", ("MX", "ES", "AR", "CO", "CL")),
    (r"italian|italy", ("IT",)),
    (r"german|germany", ("DE",)),
    (r"hong kong", ("HK",)),
    (r"chinese|china|mandarin|cantonese", ("CN", "HK", "TW")),
    (r"taiwanese|taiwan", ("TW",)),
    (r"nigerian|nigeria|nollywood", ("NG",)),
    (r"turkish|turkey", ("TR",)),
    (r"brazilian|brazil", ("BR",)),
    (r"portuguese|portugal", ("PT",)),
    (r"swedish|sweden", ("SE",)),
    (r"danish|denmark", ("DK",)),
    (r"norwegian|norway", ("NO",)),
    (r"finnish|finland", ("FI",)),
    (r"icelandic|iceland", ("IS",)),
    (r"scandinavian|nordic", ("SE", "DK", "NO", "FI", "IS")),
    (r"irish|ireland", ("IE",)),
    (r"australian|australia|aussie", ("AU",)),
    (r"new zealand|kiwi", ("NZ",)),
    (r"canadian|canada", ("CA",)),
    (r"russian|russia|soviet", ("RU", "SU")),
    (r"egyptian|egypt|arabic", ("EG",)),
    (r"thai|thailand", ("TH",)),
    (r"filipino|philippines|tagalog", ("PH",)),
    (r"indonesian|indonesia", ("ID",)),
    (r"polish|poland", ("PL",)),
    (r"dutch|netherlands|holland", ("NL",)),
    (r"belgian|belgium", ("BE",)),
    (r"israeli|israel|hebrew", ("IL",)),
    (r"argentinian|argentine|argentina", ("AR",)),
    (r"colombian|colombia", ("CO",)),
    (r"chilean|chile", ("CL",)),
    (r"south african|south africa", ("ZA",)),
]

# words that show a request is about something to watch
DOMAIN_CUES = (
    r"watch|movies?|films?|flicks?|shows?|series|season|episodes?|tv|television|cinema|binge|stream\w*"
    r"|recommend\w*|suggest\w*|something|anything|tonight|evening|night|afternoon|weekend|sunday|saturday"
    r"|starring|directed|actor|actress|director|like|similar|classic|mood|feel like|in the mood|about|genre"
)

# requests for other assistants' jobs: out of domain unless the text also asks for something to watch
OOD_CUES = (
    r"timer|alarm|remind\w*|weather|temperature|forecast|(?:the|kitchen|bedroom|living room) lights?|thermostat|volume|call|text|email"
    r"|what time|the time|date today|news|traffic|shopping list|add to|order|buy|play music|song|spotify"
    r"|joke|math|calculate|translate|capital of|who is the president|turn (?:on|off)|open the|set an?"
)

FILLER = {
    "a", "an", "the", "some", "something", "anything", "me", "i", "i'd", "id", "we", "us", "my", "our",
    "want", "wanna", "would", "like", "love", "to", "watch", "see", "please", "can", "could", "you",
    "find", "give", "show", "recommend", "suggest", "get", "play", "put", "on", "for", "with", "and",
    "or", "of", "in", "from", "that", "this", "is", "are", "be", "it", "one", "ones", "good", "great",
    "nice", "really", "very", "just", "maybe", "perhaps", "um", "uh", "er", "erm", "hmm", "so", "well",
    "okay", "ok", "hey", "hi", "hello", "let's", "lets", "what", "whats", "what's", "should", "do",
    "movie", "movies", "film", "films", "shows", "series", "tv", "feel", "mood", "kind", "sort",
    "type", "any", "into", "tonight", "now", "today", "how", "about", "there", "have", "has", "got",
    "need", "looking", "look", "im", "i'm", "am", "re", "ll", "s", "t", "d", "m", "ve", "", "thing", "things",
    "preferably", "ideally", "also", "too", "but", "not", "no", "nothing", "without", "only", "than",
    "more", "less", "under", "over", "at", "least", "most", "by", "starring", "directed", "featuring",
    "long", "longer", "short", "shorter", "new", "newer", "old", "older", "year", "years", "minutes",
    "instead", "else", "other", "another", "different", "prestige", "watchable", "which", "where",
}
