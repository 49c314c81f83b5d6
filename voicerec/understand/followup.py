"""Follow-ups: "something shorter", "only movies", "different ones", "tell me more about the second one".

`resolve(text, parsed, previous)` returns the query for this turn: a refinement of the previous
turn's query when the words refer back to it, else the fresh parse unchanged.
"""

from __future__ import annotations

import re
import statistics

from voicerec.state.sessions import Turn
from voicerec.types import Query
from voicerec.vocab.words import ORDINALS

_ORD = r"(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th|last|1|2|3|4|5|one|two|three)"
_ORD_WORDS = {**ORDINALS, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "one": 1, "two": 2, "three": 3}
_DESCRIBE = re.compile(
    rf"\b(?:(?:tell|talk) (?:me |us )?(?:more |a bit |a little )?(?:more )?about|more (?:info|information|details) (?:on|about)"
    rf"|what(?:'s| is) (?:the )?{_ORD} (?:one )?about|describe|what about|how about|and)\s+(?:the\s+)?(?:number\s+)?{_ORD}(?:\s+(?:one|title|movie|film|show|suggestion))?\b"
    rf"|^(?:the\s+)?{_ORD}(?:\s+one)?[.!?]*$|\bnumber\s+{_ORD}\b"
)
_LIKE_NTH = re.compile(rf"\b(?:more |something |anything |ones? )?(?:like|similar to)\s+(?:the\s+)?{_ORD}(?:\s+one)?\b")
_DIFFERENT = re.compile(
    r"\b(?:different ones?|other ones?|others|something else|anything else|not (?:those|these|them|that)|none of (?:those|these|them)"
    r"|more (?:options|suggestions|ideas)|next ones?|different suggestions?|show me more|other (?:options|suggestions|ideas)"
    r"|another (?:one|three|few)|more like (?:those|these|that)|some more|new ones)\b"
)
_REFINE = re.compile(
    r"\b(?:shorter|longer|newer|older|more recent|funnier|scarier|lighter|darker|instead|only|just|but|make it|what about"
    r"|how about|now|also|and|rather|preferably|something|anything|any|one)\b"
)


def _ordinal(word: str) -> int:
    return _ORD_WORDS.get(word, 1)


def resolve(text: str, parsed: Query, prev: Turn | None) -> Query:
    """The query for this turn, given the parse of its words and the previous turn (if any)."""
    if prev is None or parsed.intent == "out_of_domain":
        return parsed
    t = " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())
    m = _DESCRIBE.search(t)
    if m and prev.results:
        n = _ordinal(next(g for g in m.groups() if g))
        n = len(prev.results) if n == -1 else n
        return Query(intent="describe", describe_index=n)
    m = _LIKE_NTH.search(t)
    if m and prev.results:
        n = _ordinal(m.group(1))
        n = len(prev.results) if n == -1 else n
        if 1 <= n <= len(prev.results):
            ref = prev.results[n - 1]
            q = Query(kind=ref.get("kind"), similar_to=ref["id"], exclude_ids=list(prev.shown))
            return q
    q = prev.query.model_copy(deep=True)
    q.intent = "recommend"
    q.describe_index = None
    refined = False
    if _DIFFERENT.search(t):
        q.exclude_ids = list(dict.fromkeys([*q.exclude_ids, *prev.shown]))
        refined = True
    runtimes, years = prev.runtimes(), prev.years()
    if re.search(r"\b(?:shorter|quicker|less long)\b", t) and parsed.runtime_max is None:
        base = statistics.median(runtimes) if runtimes else (q.runtime_max or 120)
        q.runtime_max = max(10, int(base) - 1)
        q.runtime_min = None if q.runtime_min and q.runtime_min >= q.runtime_max else q.runtime_min
        refined = True
    if re.search(r"\blonger\b", t) and parsed.runtime_min is None:
        base = statistics.median(runtimes) if runtimes else (q.runtime_min or 90)
        q.runtime_min = int(base) + 1
        q.runtime_max = None if q.runtime_max and q.runtime_max <= q.runtime_min else q.runtime_max
        refined = True
    if re.search(r"\b(?:newer|more recent|recent)\b", t) and parsed.year_min is None:
        q.year_min = int(statistics.median(years)) + 1 if years else (q.year_min or 2015)
        q.year_max = None if q.year_max and q.year_max < q.year_min else q.year_max
        refined = True
    if re.search(r"\bolder\b", t) and parsed.year_max is None:
        q.year_max = int(statistics.median(years)) - 1 if years else (q.year_max or 2000)
        q.year_min = None if q.year_min and q.year_min > q.year_max else q.year_min
        refined = True
    if re.search(r"\bfunnier\b", t):
        q.genres = ["comedy"]
        refined = True
    if re.search(r"\bscarier\b", t):
        q.genres = ["horror"]
        refined = True
    if re.search(r"\b(?:lighter|happier|more cheerful)\b", t):
        q.boost_genres = list(dict.fromkeys([*q.boost_genres, "comedy", "family"]))
        q.avoid_genres = list(dict.fromkeys([*q.avoid_genres, "horror", "war", "crime"]))
        refined = True
    if parsed.kind and parsed.kind != prev.query.kind:
        q.kind = parsed.kind
        if parsed.kind == "movie":
            q.seasons_min = q.seasons_max = None
        q.runtime_min = parsed.runtime_min
        q.runtime_max = parsed.runtime_max
        refined = True
    if not refined and not _REFINE.search(t):
        return parsed  # a new request, not a refinement
    if not refined and parsed.has_filters() and (parsed.genres or parsed.people or parsed.title or parsed.similar_to) \
            and not re.search(r"\b(?:only|just|but|also|and|make it|instead|now)\b", t):
        return parsed  # a fresh request that happens to say "something"
    return _overlay(q, parsed)


def _overlay(base: Query, new: Query) -> Query:
    """The previous query with everything the new words said laid over it."""
    q = base
    for name in ("kind", "year_min", "year_max", "runtime_min", "runtime_max", "seasons_min", "seasons_max",
                 "max_age", "title", "similar_to", "min_rating"):
        value = getattr(new, name)
        if value is not None:
            setattr(q, name, value)
    for name in ("genres", "services", "countries", "people"):
        value = getattr(new, name)
        if value:
            setattr(q, name, list(value))
    q.exclude_genres = list(dict.fromkeys([*q.exclude_genres, *new.exclude_genres]))
    q.genres = [g for g in q.genres if g not in q.exclude_genres]
    q.boost_genres = list(dict.fromkeys([*q.boost_genres, *new.boost_genres]))
    q.avoid_genres = list(dict.fromkeys([*q.avoid_genres, *new.avoid_genres]))
    q.exclude_ids = list(dict.fromkeys([*q.exclude_ids, *new.exclude_ids]))
    if new.sort != "relevance":
        q.sort = new.sort
    if new.mood and not re.fullmatch(r"(?:shorter|longer|newer|older|different|recent|funnier|scarier|lighter|\s)+", new.mood):
        q.mood = new.mood
    if q.year_min and q.year_max and q.year_min > q.year_max:
        q.year_min = None
    return q
