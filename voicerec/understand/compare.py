"""Comparatives on the last answer: "anything quicker", "something less intense", "a bit older",
"those are all really long", "too scary". Each changes one quality of the last request and keeps
the rest (kind, era, genre, audience), measured against the titles just suggested.

    find(text)               ─► [Change(dimension, direction, span)]: what the words compare
    apply(changes, q, turn)  ─► the Query fields changed (q is changed in place)

A comparison is read as a degree and a quality, never as a phrase: "more" / "less" / "not as" /
"a bit more" before a quality word, a comparative form ("quicker", "darker"), or a complaint about
what was suggested ("too long", "those are all really long", "they're a bit dated"), which asks for
the opposite. The quality words and their dimensions are vocab/talk.py's QUALITIES.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass

from voicerec.state.sessions import Turn
from voicerec.types import Query
from voicerec.vocab.talk import COMPARATIVES, IDIOMS, QUALITIES

# the parts of a comparison: the qualities, their comparative forms, softeners, a complaint's subject and verb
_Q = "|".join(sorted((re.escape(w) for w in QUALITIES), key=len, reverse=True))
_C = "|".join(sorted(COMPARATIVES, key=len, reverse=True))
_SOFT = r"(?:a (?:bit|little|touch|tad|lot|little bit)|much|way|slightly|even|somewhat|far|way way|quite a bit|bit)"
_SUBJECT = r"(?:those|these|they|them|that|it|this|that one|this one|all of them|all of those|they all|those all)"
_LINK = (r"(?:'re|'s|\s+(?:are|were|is|was|seem|seemed|look|looked|sound|sounded|feel|felt|seem to be|look to be))"
         r"(?:\s+(?:all|both|just|kind of|kinda|all a bit|each))*")
_INTENSIFIER = (r"(?:(?:a bit|a little|a tad|really|very|quite|pretty|kind of|kinda|so|rather|super|awfully|way|all"
                r"|bit|incredibly|extremely|too|ridiculously|seriously|fairly|a lot|a lot too|much too|way too) )*")
_FORMS = {  # a degree and a quality ("a bit less violent"), a comparative ("quicker"), "too long", a complaint
    "degree": rf"\b(?:{_SOFT} )?(?P<deg>more|less|not as|not so|nothing as|nothing so|not quite as|not quite so"
              rf"|not that) (?P<q>{_Q})\b",
    "form": rf"\b(?:{_SOFT} )?(?:(?:a )?(?:bit|little) )?(?P<c>{_C})\b",
    "too": rf"\b(?:(?:a (?:bit|little|tad)|way|far|much|kind of|kinda|just|all|slightly|bit) )?too"
           rf" (?:(?:damn|bloody|darn) )?(?P<q>{_Q})\b",
    "complaint": rf"\b{_SUBJECT}{_LINK}\s+{_INTENSIFIER}(?P<q>{_Q})\b",  # "those are all really long"
}
_DEGREE, _FORM, _TOO, _COMPLAINT = (re.compile(_FORMS[k]) for k in ("degree", "form", "too", "complaint"))
_IDIOMS = tuple((re.compile(rf"\b(?:{p})\b"), dimension, direction) for p, dimension, direction in IDIOMS)
_SEASONS = re.compile(r"\b(?:seasons?|commitment|episodes to watch)\b")
_AGE_LEVELS = (0, 7, 13, 16, 18)
_INTENSE = ("horror", "thriller", "war", "crime")
_GENTLE = ("comedy", "family", "animation", "romance")
_SCARY = {"horror", "thriller", "mystery"}


@dataclass(frozen=True)
class Change:
    """One compared quality: `dimension` (runtime, year, intensity, scary, funny, rating, popularity,
    age) and `direction` (+1 more of it, -1 less); `span` is where the words were."""

    dimension: str
    direction: int
    span: tuple[int, int]


def find(text: str) -> list[Change]:
    """Every comparison in `text` (lower case, apostrophes kept), in order ("those are long, anything
    quicker" compares length twice; `apply` changes it once)."""
    found: list[Change] = []

    def add(word: str, sign: int, span: tuple[int, int]) -> None:
        if not any(c.span[0] < span[1] and span[0] < c.span[1] for c in found):
            dimension, towards = QUALITIES[word]
            found.append(Change(dimension, towards * sign, span))

    for rx, dimension, direction in _IDIOMS:
        for m in rx.finditer(text):
            if not any(c.span[0] < m.end() and m.start() < c.span[1] for c in found):
                found.append(Change(dimension, direction, m.span()))
    for m in _COMPLAINT.finditer(text):
        add(m.group("q"), -1, m.span())
    for m in _TOO.finditer(text):
        add(m.group("q"), -1, m.span())
    for m in _DEGREE.finditer(text):
        add(m.group("q"), 1 if m.group("deg") == "more" else -1, m.span())
    for m in _FORM.finditer(text):
        add(COMPARATIVES[m.group("c")], 1, m.span())
    return sorted(found, key=lambda c: c.span)


def rest(text: str, changes: list[Change]) -> str:
    """The words that are not a comparison ("something shorter on netflix": "something on netflix")."""
    for c in sorted(changes, key=lambda c: -c.span[0]):
        text = text[: c.span[0]] + " " + text[c.span[1]:]
    return " ".join(text.split())


def apply(changes: list[Change], q: Query, turn: Turn, text: str = "") -> list[str]:
    """Change `q` (a copy of the last request) by each comparison, against the titles of `turn`.
    Returns the Query fields changed."""
    changed: list[str] = []
    done: set[str] = set()
    for c in changes:
        if c.dimension not in done:
            done.add(c.dimension)
            changed += _DIMENSIONS[c.dimension](c.direction, q, turn, text)
    if not (q.genres or q.genres_all):  # "a superhero movie", then "less violent": still what those were like
        shared = [g for g in _shared_genres(turn) if g not in q.avoid_genres and g not in q.exclude_genres]
        if shared:
            q.genres = shared
            changed.append("genres")
    if q.max_age is not None and q.max_age <= 7 and set(q.genres) <= _SCARY and q.genres:
        # "a spooky film for the kids", then "not so scary, they're little": for young children a scary
        # genre is a leaning, not a rule (what is rated for them is seldom filed under horror)
        q.boost_genres = list(dict.fromkeys([*q.boost_genres, *q.genres]))
        q.genres = []
        changed.append("genres")
    return list(dict.fromkeys(changed))


def _shared_genres(turn: Turn) -> list[str]:
    """The genres most of the last list has (at least two titles of it, and more than half)."""
    counts: dict[str, int] = {}
    for r in turn.results:
        for g in r.get("genres") or []:
            counts[g] = counts.get(g, 0) + 1
    need = max(2, len(turn.results) // 2 + 1)
    return [g for g, n in counts.items() if n >= need and g not in ("family", "kids")]


def hedged(changes: list[Change], text: str) -> bool:
    """Every comparison is "too X" / "not too X": in a request of its own that is a hedge, not a comparison."""
    return bool(changes) and all(_TOO.fullmatch(text[c.span[0]:c.span[1]]) for c in changes)


# --- one function per dimension ---------------------------------------------------------------
def _seasons(sign: int, q: Query, turn: Turn, text: str) -> list[str]:
    """"Fewer seasons", "a shorter series": below the median of the last list (shows only)."""
    seasons = [r["seasons"] for r in turn.results if r.get("seasons")]
    q.kind = "show"
    if sign < 0:
        base = statistics.median(seasons) if seasons else (q.seasons_max or 3) + 1
        q.seasons_max = max(1, math.ceil(base) - 1)
        if q.seasons_min and q.seasons_min > q.seasons_max:
            q.seasons_min = None
        return ["kind", "seasons_max"]
    q.seasons_min = int(statistics.median(seasons)) + 1 if seasons else (q.seasons_min or 3) + 1
    if q.seasons_max and q.seasons_max < q.seasons_min:
        q.seasons_max = None
    return ["kind", "seasons_min"]


def _runtime(sign: int, q: Query, turn: Turn, text: str) -> list[str]:
    shows = turn.results and all(r.get("kind") == "show" for r in turn.results)
    if shows and _SEASONS.search(text):  # "shorter, not so many seasons"
        return _seasons(sign, q, turn, text)
    runtimes = turn.runtimes()
    if sign < 0:
        base = statistics.median(runtimes) if runtimes else (q.runtime_max or 120)
        q.runtime_max = max(10, int(base) - 1)
        if q.runtime_min and q.runtime_min >= q.runtime_max:
            q.runtime_min = None
        return ["runtime_max"]
    base = statistics.median(runtimes) if runtimes else (q.runtime_min or 90)
    q.runtime_min = int(base) + 1
    if q.runtime_max and q.runtime_max <= q.runtime_min:
        q.runtime_max = None
    return ["runtime_min"]


def _year(sign: int, q: Query, turn: Turn, text: str) -> list[str]:
    years = turn.years()
    if sign > 0:
        q.year_min = int(statistics.median(years)) + 1 if years else (q.year_min or 2015)
        if q.year_max and q.year_max < q.year_min:
            q.year_max = None
        return ["year_min"]
    q.year_max = int(statistics.median(years)) - 1 if years else (q.year_max or 2000)
    if q.year_min and q.year_min > q.year_max:
        q.year_min = None
    return ["year_max"]


def _intensity(sign: int, q: Query, turn: Turn, text: str) -> list[str]:
    asked = set(q.genres) | set(q.genres_all)
    if sign < 0:  # milder: rated for a younger audience than what was suggested, away from the grimmest genres
        ages = [r["min_age"] for r in turn.results if r.get("min_age") is not None]
        top = statistics.median(ages) if ages else 16
        ceiling = min(13, max([a for a in _AGE_LEVELS if a < top] or [0]))
        q.soft_max_age = ceiling if q.soft_max_age is None else min(q.soft_max_age, ceiling)
        changed = ["soft_max_age", "avoid_genres"]
        if ages and top >= 13:
            q.max_age = ceiling if q.max_age is None else min(q.max_age, ceiling)
            changed.append("max_age")
        q.avoid_genres = list(dict.fromkeys([*q.avoid_genres, *(g for g in _INTENSE if g not in asked)]))
        q.boost_genres = list(dict.fromkeys([*(g for g in q.boost_genres if g not in _INTENSE), *_GENTLE]))
        return changed
    q.soft_max_age = None
    q.boost_genres = list(dict.fromkeys([*q.boost_genres, *(g for g in ("thriller", "crime", "drama") if g not in asked)]))
    q.avoid_genres = list(dict.fromkeys([*q.avoid_genres, *(g for g in _GENTLE if g not in asked)]))
    q.exclude_genres = [g for g in q.exclude_genres if g not in _INTENSE or g in asked]
    return ["boost_genres", "avoid_genres"]


def _scary(sign: int, q: Query, turn: Turn, text: str) -> list[str]:
    if sign < 0:
        return _intensity(-1, q, turn, text)
    q.genres, q.genres_all = ["horror"], []
    q.soft_max_age = None
    return ["genres"]


def _funny(sign: int, q: Query, turn: Turn, text: str) -> list[str]:
    if sign < 0:  # "less silly": more serious
        return _intensity(1, q, turn, text)
    q.genres, q.genres_all = ["comedy"], []
    return ["genres"]


def _rating(sign: int, q: Query, turn: Turn, text: str) -> list[str]:
    ratings = [r["rating"] for r in turn.results if r.get("rating")]
    if sign > 0:  # better than most of what was suggested
        base = statistics.median(ratings) + 0.1 if ratings else 7.0
        q.min_rating = round(min(9.5, max(q.min_rating or 0, base)), 1)
        return ["min_rating"]
    q.sort = "hidden"
    return ["sort"]


def _popularity(sign: int, q: Query, turn: Turn, text: str) -> list[str]:
    q.sort = "popularity" if sign > 0 else "hidden"
    return ["sort"]


def _age(sign: int, q: Query, turn: Turn, text: str) -> list[str]:
    ages = [r["min_age"] for r in turn.results if r.get("min_age") is not None]
    middle = statistics.median(ages) if ages else (q.max_age if q.max_age is not None else 13)
    if sign < 0:  # younger: below what was suggested
        q.max_age = max([a for a in _AGE_LEVELS if a < middle] or [0])
        return ["max_age"]
    # older: rated at least as old as most of what was suggested (the household ceiling still holds)
    q.min_age_min = int(middle)
    if q.max_age is not None and q.max_age < q.min_age_min:
        q.max_age = None
    q.genres = [g for g in q.genres if g != "kids"]
    q.exclude_genres = list(dict.fromkeys([*q.exclude_genres, "kids"]))
    return ["min_age_min", "exclude_genres"]


_DIMENSIONS = {"runtime": _runtime, "seasons": _seasons, "year": _year, "intensity": _intensity, "scary": _scary, "funny": _funny,
               "rating": _rating, "popularity": _popularity, "age": _age}
