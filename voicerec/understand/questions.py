"""Questions about one title: "where can I watch X", "is X on Hulu", "who directed X", "who is in X",
"how long is X" / "how many seasons", "what is X about", "when did X come out", "what's X rated", "is X
ok for a ten year old", "is X a movie or a show", "is X scary", "where's X from".

    read(text, names)            ─► Query(intent="question", question=..., title=..., title_id=...) or None
    about_previous(text, q, prev) ─► the same question about "the second one" / "it" of the last turn

`recognise` (asked.py) finds the form of the question and the words naming the title, from the words as
said (not number-normalised: "one flew over the cuckoo's nest" stays a title). TitleFinder (titles.py)
turns those words into the catalogue's title. A question whose title is not in the catalogue still
is a question (the answer says so) unless its words look like a request ("where can I watch
something funny") or a person ("how old is Tom Hanks"): those are left to the rest of the parser.
"""

from __future__ import annotations

import re
from functools import lru_cache

from voicerec.state.sessions import Turn
from voicerec.text import norm
from voicerec.types import Query
from voicerec.understand import domain, focus
from voicerec.understand.asked import PRONOUN, TAIL, clean, recognise
from voicerec.understand.audience import extract_age
from voicerec.understand.names import NameMatcher
from voicerec.understand.numbers import normalize_numbers
from voicerec.understand.titles import Found, TitleFinder, strip_year
from voicerec.vocab.genres import GENRE_FORMS
from voicerec.vocab.services import SPOKEN, Spoken
from voicerec.vocab.words import ORDINALS, UNITS

MAX_TITLE_WORDS = 8  # words that find no title and run longer than this are a request, not a title

_FOR_WHOM = re.compile(r"\b(?:adults?|grown ?ups?|teens?|teenagers?|families|family|kids?|children|child|young|little)\b")
_KIND_HEAD = re.compile(r"^(?:the |that |this )?(movie|film|show|tv show|series|tv series|documentary|docuseries|miniseries"
                        r"|mini series|sitcom|anime|cartoon)\s+(?:called |named |titled )?(?=\S)")
_CALLED = re.compile(r"^(?:(?:the|a|an|this|that) )?(?:(movie|film|show|series)|[a-z]+(?: (movie|film|show|series))?)"
                     r" (?:called|named|titled) (?=\S)")
_KIND_TAIL = re.compile(r"\s+(?:the )?(movie|film|show|tv show|series|tv series|sitcom|documentary)$")
_NUMBERS = {**{str(n): n for n in range(1, 11)}, **{w: n for w, n in UNITS.items() if 1 <= n <= 10 and w not in ("a", "an")}}
_NUMBER = rf"(?:\d+|{'|'.join(_NUMBERS)})"
_SEASON_OF = re.compile(r"^(?:the )?(?:(?:new|next|latest|last|final|first|current|upcoming|newest|most recent) )?"
                        rf"(?:seasons?|episodes?|series)(?: {_NUMBER})? (?:of|from|in) ")
_SEASON_TAIL = re.compile(rf"\s+(?:season|series|episode)s?(?: {_NUMBER})?$")
_ORDINAL = re.compile(rf"^(?:the )?(?:({'|'.join(ORDINALS)})|(?:number|no) ({'|'.join(_NUMBERS)}))(?: (?:one|movie|film|show"
                      r"|series|title|suggestion|pick|result|option))?$")
_KIND_WORDS = {"movie": "movie", "film": "movie", "documentary": "movie", "show": "show", "tv show": "show",
               "series": "show", "tv series": "show", "docuseries": "show", "miniseries": "show", "mini series": "show",
               "sitcom": "show", "anime": None, "cartoon": None}
# words that make the "title" a request for something to watch ("where can I watch something funny")
_REQUEST = re.compile(r"\b(?:something|anything|some|any|good|great|best|better|new|newest|latest|popular|trending"
                      r"|movies?|films?|flicks?|shows?|series|stuff|things|everything|recommend\w*|tonight|kids|family|genre"
                      r"|rated|rating|ratings|stars|starring|directed|actor|actress|about|made|released|decades?|most|least"
                      r"|ever|top|every)\b")
# a genre word too, unless the words start like a name ("the mandelbrot heist")
_GENRE = re.compile(r"\b(?:" + "|".join(p for p, _ in GENRE_FORMS) + r")\b")


def read(text: str, names: NameMatcher | None, spoken: Spoken = SPOKEN) -> Query | None:
    """A question about one title as a Query (the title found in the catalogue), or None."""
    if names is None:
        return None
    asked = recognise(text, spoken)
    if asked is None:
        return None
    q = Query(intent="question", question=asked.question, services=list(asked.services))  # type: ignore[arg-type]
    if asked.question == "suitable":
        q.max_age = _age(asked.detail or text)  # who it is for: the age asked about
        if q.max_age is None and asked.detail and not _FOR_WHOM.search(asked.detail):
            q.question = "rating"  # "is it ok for a date night": is it any good
    elif asked.question in ("tone", "origin"):
        word = re.sub(r"^an? |(?: (?:one|movie|film|show|series))$", "", asked.detail)  # the tone asked about
        q.mood = {"violence": "violent", "gore": "gory", "blood": "gory"}.get(word, word)
    n = _ordinal(asked.words)
    if n is not None:
        if asked.question == "about":
            return None  # "what is the second one about" is the describe act's (acts.py)
        q.describe_index = n
        return q
    phrases, kind, year, name = readings(asked.words)
    kind = asked.kind or kind
    ref = focus.read(asked.words) if asked.words != "it" else None
    if PRONOUN.match(asked.words) or (ref is not None and not ref.words):  # "the korean one": the conversation's
        if asked.words != "it":
            return q  # which one is said by the conversation (about_previous), else the answer asks
        phrases = ["it"]  # with nothing before it, "how long is It" can only be the film
    request_like = _request_like(phrases[0])
    if asked.weak and request_like:  # "tell me about stranger things": only a well-known title said exactly
        known = _finder(names).find(phrases, kind, year=year, near=False)
        if known is None or known.votes < TitleFinder.WELL_KNOWN:
            return None
        q.title, q.title_id, q.kind = known.title, known.id, known.kind  # type: ignore[assignment]
        return q
    soft = "movie" if asked.question == "director" else None
    found = _finder(names).find(phrases, kind, soft_kind=soft, year=year, cued=not (asked.weak or request_like))
    if found is not None:
        q.title, q.title_id, q.kind = found.title, found.id, found.kind  # type: ignore[assignment]
        return q
    if asked.weak or request_like or len(name.split()) > MAX_TITLE_WORDS or _names_someone(names, name):
        return None  # a request ("where can I find a movie about..."), a person ("how old is tom hanks"): not a title
    q.title = _spoken(name)  # not in the catalogue: the answer says so
    q.kind = kind  # type: ignore[assignment]
    return q


def about_previous(text: str, q: Query, prev: Turn) -> Query:
    """A question about "the second one", "it", "the Korean one" of the conversation: that title
    (understand/focus.py). A question about a title named outright is left as it is."""
    asked = recognise(text)
    words = asked.words if asked else ""
    if q.describe_index is not None:
        words = f"number {len(prev.results) if q.describe_index == -1 else q.describe_index}"
    ref = focus.read(words) if q.title_id is None or PRONOUN.match(words) else None
    if ref is None:
        return q
    pick = focus.resolve(ref, prev)
    if pick is None:
        return q.model_copy(update={"title": None, "title_id": None, "kind": None})  # which one? the answer asks
    r = pick.title
    return q.model_copy(update={"describe_index": pick.index, "title": r["title"], "title_id": r["id"], "kind": r["kind"]})


def readings(words: str) -> tuple[list[str], str | None, int | None, str]:
    """The ways to read the words naming a title, the most literal first, with the kind and year they
    say and the name to say back if none is found ("the movie called zorblax": "zorblax")."""
    kind = None
    head = words
    m = _KIND_HEAD.match(words) or _CALLED.match(words)
    if m:
        kind = _KIND_WORDS.get(next((g for g in m.groups() if g), ""))
        words = words[m.end():]  # "the movie up": "up" first, "the movie up" only if nothing else
    bare = TAIL.sub("", words)
    season = _SEASON_OF.sub("", _SEASON_TAIL.sub("", bare))
    if season != bare:
        kind = kind or "show"
    m = _KIND_TAIL.search(season)
    plain = season[: m.start()] if m else season
    if m and not kind:
        kind = _KIND_WORDS[m.group(1)]
    undated, year = strip_year(plain)
    apposed = _APPOSITIVE.sub("", undated)  # "coco the pixar one", "up the animated film"
    phrases = [p for p in dict.fromkeys([words, head, bare, season, plain, undated, apposed]) if p.strip()]
    m = _EDITION.match(undated)  # "the new dune movie": dune, the best-known one
    if m and undated[m.end():].strip() and not _request_like(undated[m.end():]):
        phrases.append(undated[m.end():])
        return phrases, kind, year, undated[m.end():]
    return phrases, kind, year, undated or words


_APPOSITIVE = re.compile(r"(?<=\w)\s+(?:the|that|this) (?:[\w']+ ){0,3}(?:one|movie|film|show|series|version|cartoon"
                         r"|documentary|sitcom|remake|original)$")
_EDITION = re.compile(r"(?:the )?(?:new|newest|latest|recent)\s+")


def title_named(words: str, names: NameMatcher) -> Found | None:
    """The catalogue title the words name outright ("moana", "the movie up"), or None when they ask for
    something to watch ("something funny", "a comedy") or name nothing the catalogue has."""
    phrases, kind, year, _ = readings(clean(words))
    if not phrases or _request_like(phrases[0]) or len(phrases[0].split()) > MAX_TITLE_WORDS:
        return None
    return _finder(names).find(phrases, kind, year=year, cued=True)


def _request_like(words: str) -> bool:
    """Words that ask for something to watch, or for another assistant, rather than name a title."""
    return bool(_REQUEST.search(words) or (_GENRE.search(words) and not words.startswith("the "))
                or domain.OOD.search(words) or any(s.search(words) for s, _ in SPOKEN.res))


def _names_someone(names: NameMatcher, words: str) -> bool:
    """The words are a catalogue person's name."""
    return any(p.spoken == norm(words) for p in names.find_people(words))


@lru_cache(maxsize=8)
def _finder(names: NameMatcher) -> TitleFinder:
    return TitleFinder(names.conn)


def _age(words: str) -> int | None:
    """The age a suitability question asks about ("a ten year old": 10; "the kids": 7; "adults": none)."""
    q = Query()
    extract_age(normalize_numbers(words), q, "+")
    return q.max_age


def _ordinal(words: str) -> int | None:
    m = _ORDINAL.match(words)
    if not m:
        return None
    return ORDINALS[m.group(1)] if m.group(1) else _NUMBERS[m.group(2)]


def _spoken(words: str) -> str:
    """The words as a name to say back ("Sorry, I couldn't find Zorblax")."""
    return " ".join(w[:1].upper() + w[1:] for w in words.split())[:120]
