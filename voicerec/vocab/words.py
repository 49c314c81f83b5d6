"""Words about words: numbers, ordinals, sort orders, fillers, and the cues of negation and hedging."""

from __future__ import annotations

ONES: tuple[str, ...] = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)
TENS_WORDS: tuple[str, ...] = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

# spoken number words → values ("a"/"an" count as one: "an hour", "a season")
UNITS: dict[str, int] = {w: i for i, w in enumerate(ONES)} | {"a": 1, "an": 1}
TENS: dict[str, int] = {w: 10 * i for i, w in enumerate(TENS_WORDS) if w} | {"fourty": 40}
DECADE_WORDS: dict[str, int] = {
    "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60, "seventies": 70,
    "eighties": 80, "nineties": 90, "tens": 10, "teens": 10,
}
ORDINALS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "last": -1,
}
# how a reply counts and orders: "three comedies", "Second, ..."
COUNT_WORDS: tuple[str, ...] = ("no",) + ONES[1:11]
ORDINAL_WORDS: tuple[str, ...] = (
    "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
)

SORTS: tuple[str, ...] = ("relevance", "rating", "popularity", "newest", "oldest")

# words that carry no request on their own (kept out of keyword and meaning search)
FILLER: frozenset[str] = frozenset({
    "a", "an", "the", "some", "something", "anything", "me", "i", "i'd", "id", "we", "us", "my", "our",
    "want", "wanna", "would", "like", "love", "to", "watch", "see", "please", "can", "could", "you",
    "find", "give", "show", "recommend", "suggest", "get", "play", "put", "on", "for", "with", "and",
    "or", "of", "in", "from", "that", "this", "is", "are", "be", "it", "one", "ones", "good", "great",
    "nice", "really", "very", "just", "maybe", "perhaps", "um", "uh", "er", "erm", "hmm", "hm", "nah", "nope", "meh", "eh", "ugh", "yep", "so", "well",
    "okay", "ok", "hey", "hi", "hello", "let's", "lets", "what", "whats", "what's", "should", "do",
    "movie", "movies", "film", "films", "shows", "series", "tv", "feel", "mood", "kind", "sort",
    "type", "any", "into", "tonight", "now", "today", "how", "about", "there", "have", "has", "got",
    "need", "looking", "look", "im", "i'm", "am", "re", "ll", "s", "t", "d", "m", "ve", "", "thing", "things",
    "preferably", "ideally", "also", "too", "but", "not", "no", "nothing", "without", "only", "than",
    "more", "less", "under", "over", "at", "least", "most", "by", "starring", "directed", "featuring",
    "long", "longer", "short", "shorter", "new", "newer", "old", "older", "year", "years", "minutes",
    "instead", "else", "other", "another", "different", "prestige", "watchable", "which", "where",
    "alexa", "google", "siri", "voicerec", "computer", "thanks", "thank", "cheers", "pls", "plz",
    "kinda", "sorta", "gonna", "gotta", "actually", "basically", "honestly", "literally", "yeah", "yes",
    "right", "alright", "all", "guess", "think", "mean", "something's", "anything's", "again", "bit", "little", "lot", "lots", "pretty", "quite", "rather", "somewhat", "fairly", "super", "totally",
    "up", "out", "off", "if", "then", "when", "while", "as", "been", "being", "was", "were", "will",
    "shall", "may", "might", "must", "needs", "let", "go", "going", "make", "makes", "made",
    "try", "trying", "pick", "choose", "choice", "idea", "ideas", "option", "options", "suggestion",
    "suggestions", "recommendation", "recommendations", "them", "they", "he", "she", "his", "her", "him",
    "its", "it's", "your", "yours", "their", "these", "those", "here", "there's", "here's", "who", "whom",
    "whose", "why", "much", "many", "few", "couple", "either", "neither", "both", "each", "every",
    "stream", "streaming", "available", "watching", "watched", "seen", "queue", "stuff",
    "know", "way", "safe", "appropriate", "suitable", "friendly", "channel", "app", "apps", "platform", "service",
    "services", "currently", "moment", "interested", "fancy", "craving",
    "that's", "thats", "theres", "i've", "ive", "we've", "you've", "i'll", "we're", "you're", "they're", "she's", "he's", "shes", "hes",
    "it'd", "we'd", "decent", "solid", "proper", "name", "names", "list", "title", "titles", "called", "tell",
    "ever", "exist", "exists", "released", "came", "featured", "appear",
})

# words that say how, not what: a title sharing one with the request is not an answer to it
# ("a good laugh" is not "Good Will Hunting", "something to watch tonight" is not "Tonight")
QUIET_FILLER: frozenset[str] = frozenset({
    "good", "great", "nice", "love", "feel", "feeling", "mood", "watch", "tonight", "today", "want", "need",
    "something", "anything", "really", "little", "fun", "time", "evening", "night", "day", "weekend", "tired",
    "bored", "together", "home", "alone", "couch", "chill", "relax", "easy", "happy", "sad", "kind",
})

# a negation cue governs the constituent after it: "no horror", "nothing with zombies", "anything but X"
NEGATION_CUES: tuple[str, ...] = (
    "anything but", "anything except", "everything but", "anything other than", "other than", "except for",
    "except", "excluding", "apart from", "besides", "rather than", "instead of", "but not", "and not",
    "not in the mood for", "not a fan of", "not into", "not feeling", "no more", "sick of", "tired of",
    "had enough of", "fed up with", "can't stand", "cannot stand", "can't stomach", "hate", "dislike",
    "don't like", "do not like", "don't want", "do not want", "don't need", "don't show me",
    "doesn't have", "does not have", "don't include", "without any", "without", "skip the", "skip",
    "avoid", "minus", "would rather not", "i'd rather not", "rather not", "prefer not to", "prefer not", "nothing with", "nothing about", "nothing that's", "nothing that is", "nothing",
    "none of", "no", "not", "never", "isn't", "is not", "aren't", "are not", "wasn't", "won't", "shouldn't",
    "neither", "nor", "non", "isnt", "arent", "wasnt", "dont want", "dont like", "doesnt have", "cant stand",
    "shouldnt", "wont", "nothin",
)
# politeness that asks nothing ("if it's not too much trouble"): dropped before parsing
POLITENESS: tuple[str, ...] = (
    "if it's not too much trouble", "if its not too much trouble", "if it's not too much to ask", "if you don't mind",
    "if you dont mind", "if you can", "if possible", "if you could", "when you get a chance", "no pressure",
    "pretty please", "you know", "i mean", "i guess", "i suppose",
)
# after a negation cue, these make it a soft limit ("not too long"), not an inversion ("not long")
HEDGE_WORDS: tuple[str, ...] = (
    "too", "overly", "very", "so", "super", "that", "excessively", "terribly", "particularly", "crazy",
    "insanely", "extremely", "way too", "all that",
)
# where a negation's scope ends: what follows is said positively again
SCOPE_BREAKS: tuple[str, ...] = (
    ",", ";", ".", "!", "?", " but ", " though ", " although ", " however ", " just ", " only ", " instead ",
    " rather ", " preferably ", " ideally ", " maybe ", " and something ", " and anything ", " something ",
    " anything ", " and i ", " and we ", " i want ", " i'd like ", " we want ", " give me ", " make it ",
    " so ", " because ", " since ", " as long as ", " that's ", " which ", " where ", " who ",
    # who it is for ends what is ruled out: "without swearing for the kids"
    " for the kids", " for my kids", " for kids", " for the children", " for the family", " for my family",
    " for my son", " for my daughter", " for the little ones",
)

# what people call the well-known by ("with the rock"); only used when the catalogue has the person
PERSON_ALIASES: dict[str, str] = {
    "the rock": "Dwayne Johnson", "dwayne the rock johnson": "Dwayne Johnson", "arnie": "Arnold Schwarzenegger",
    "arnold schwarzenegger": "Arnold Schwarzenegger", "stallone": "Sylvester Stallone",
    "j lo": "Jennifer Lopez", "jlo": "Jennifer Lopez", "leo": "Leonardo DiCaprio", "dicaprio": "Leonardo DiCaprio",
    "leo dicaprio": "Leonardo DiCaprio", "mr bean": "Rowan Atkinson", "del toro": "Guillermo del Toro",
    "jackie chan": "Jackie Chan", "bruce lee": "Bruce Lee", "the coens": "Joel Coen", "coen brothers": "Joel Coen",
    "the coen brothers": "Joel Coen", "wachowskis": "Lana Wachowski", "the wachowskis": "Lana Wachowski",
    "shah rukh": "Shah Rukh Khan", "srk": "Shah Rukh Khan", "marty scorsese": "Martin Scorsese",
    "rdj": "Robert Downey Jr.", "robert downey junior": "Robert Downey Jr.", "samuel jackson": "Samuel L. Jackson",
    "sam jackson": "Samuel L. Jackson", "michael j fox": "Michael J. Fox", "keanu": "Keanu Reeves",
    "scarjo": "Scarlett Johansson", "scar jo": "Scarlett Johansson", "the governator": "Arnold Schwarzenegger",
    "van damme": "Jean-Claude Van Damme", "jcvd": "Jean-Claude Van Damme",
    "timothee": "Timothée Chalamet", "chalamet": "Timothée Chalamet", "attenborough": "David Attenborough",
    "sir david attenborough": "David Attenborough", "the hoff": "David Hasselhoff",
}

# answers to an ask-back ("Did you mean an anime film?"): the whole answer is one of these, or
# starts with a NO word and goes on with the request said again ("no, a horror movie")
YES_WORDS: frozenset[str] = frozenset({
    "yes", "yeah", "yep", "yup", "ya", "yea", "sure", "correct", "right", "exactly", "indeed", "affirmative",
    "absolutely", "definitely", "certainly", "ok", "okay", "uh huh", "mhm", "please", "that's right", "thats right",
    "that's it", "thats it", "you got it", "go ahead", "do it", "please do", "yes please", "that one", "spot on",
})
NO_WORDS: frozenset[str] = frozenset({
    "no", "nope", "nah", "no no", "wrong", "incorrect", "not that", "not really", "negative", "no thanks",
    "no thank you", "that's wrong", "thats wrong", "not at all", "not quite",
})
