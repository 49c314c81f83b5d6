"""A new request or a refinement: what this turn asks, given the conversation's last turn.

Only refinements carry the previous turn's constraints. A turn refines when it says it adjusts
("only", "just", "make it", "what about", "instead", "but"), or has no subject of its own ("on
Netflix", "from the 90s", "a series"); "more like the second one" asks for titles like that one.
A complete request with its own subject (a genre, a topic, a person, a title, a mood) starts fresh,
whatever came before. The acts on the last answer (more, rejection, correction, comparison, choosing:
acts.py) are decided before this, and lay their words over the last request with `overlay`.
"""

from __future__ import annotations

import re

from voicerec.state.sessions import Turn
from voicerec.types import Query
from voicerec.understand import focus, questions
from voicerec.vocab.moods import MOOD_BY_KEY

_LIKE = re.compile(r"\b(?:more |something |anything |ones? )?(?:like|similar to)\s+(?P<x>.+?)(?:\s+(?:please|instead))?$")
_ADJUST = re.compile(
    r"\b(?:only|just|make it|make that|instead|rather|what about|how about|but|also|now|preferably|actually|same but"
    r"|and (?:only|just|make)|any (?:of those|on)|ones? (?:on|from|with|under|that)|the ones)\b")
# a turn that starts like the rest of a sentence ("with clint eastwood", "on netflix", "but funnier")
_FRAGMENT = re.compile(r"^(?:with|on|from|in|for|starring|featuring|set in|by|but|and|only|just|without|except|not|no|"
                       r"also|preferably|ideally|in english|under|over|less|more)\b")
_SEEN_NAME = re.compile(r"\b(?:seen|watched|saw|already know|know)\s+(.+?)(?:\s+(?:already|before|too|yet|last \w+))?$")
_SEEN_SAID = re.compile(r"\b(?:i|we)(?:'ve| have)? (?:already )?(?:seen|watched)\b|\balready (?:seen|watched)\b")
_GROUPS = (("genres", "genres_all"), ("topics",), ("people",), ("title", "similar_to"), ("countries",), ("services",))


def resolve(text: str, parsed: Query, prev: Turn | None) -> Query:
    """The query for this turn, given the parse of its words and the previous turn (if any). The acts on
    the last answer ("any others", "not that one", "shorter": acts.py) are decided before this."""
    if parsed.intent in ("out_of_domain",):
        return parsed
    t = " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())
    m = _SEEN_NAME.search(t)
    if prev is None:
        if m and _SEEN_SAID.search(t):
            return Query(intent="seen", title=m.group(1))
        return parsed
    if parsed.intent == "question":
        return questions.about_previous(text, parsed, prev)  # "who directed the second one", "is it any good"
    if prev.results:
        m_like = _LIKE.search(t)
        pick = focus.pick(m_like.group("x"), prev) if m_like else None
        if pick is not None:  # like it, within what was asked for
            ref = pick.title
            return prev.query.model_copy(update={
                "intent": "recommend", "describe_index": None, "kind": ref.get("kind"), "similar_to": ref["id"],
                "title": None, "exclude_ids": list(dict.fromkeys([*prev.query.exclude_ids, *prev.shown]))})
        n = _seen_by_name(t, prev)
        if n:
            r = prev.results[n - 1]
            return base(prev).model_copy(update={"intent": "seen", "describe_index": n, "title_id": r["id"],
                                                 "title": r["title"]})
    if m and _SEEN_SAID.search(t):  # a title by name: the catalogue says which
        return base(prev).model_copy(update={"intent": "seen", "title": m.group(1)})
    if parsed.intent != "recommend" or prev.query.intent not in ("recommend", "seen"):
        return parsed
    q = prev.query.model_copy(deep=True)
    q.intent, q.describe_index, q.question, q.title_id = "recommend", None, None, None
    if _has_subject(parsed) and not _ADJUST.search(t) and not _FRAGMENT.match(t):
        return parsed  # a complete new request: nothing carries over
    return overlay(q, parsed)


def base(turn: Turn) -> Query:
    """The last request as the base of the next ("any others", "shorter", "seen it": what to suggest again).
    A conversation about one title ("tell me about Ratatouille") asks for titles like it."""
    q = turn.query
    if q.intent not in ("recommend", "seen"):
        f = turn.focus or (turn.results[0] if len(turn.results) == 1 else None)
        return Query(similar_to=f["id"], kind=f.get("kind"), exclude_ids=[f["id"]]) if f else Query()
    q = q.model_copy(deep=True)
    q.intent, q.describe_index, q.question, q.title_id, q.title = "recommend", None, None, None, None
    return q


def _seen_by_name(t: str, prev: Turn) -> int | None:
    """"We've seen The Notebook already": which of the previous results was named (1-based), if any."""
    m = _SEEN_NAME.search(t)
    if not m:
        return None
    said = set(re.findall(r"[a-z0-9]+", m.group(1))) - {"the", "a", "an", "one", "that", "it"}
    for i, r in enumerate(prev.results, 1):
        words = set(re.findall(r"[a-z0-9]+", (r.get("title") or "").lower())) - {"the", "a", "an"}
        if said and words and (said == words or (len(said) >= 2 and said <= words)):
            return i
    return None


def _has_subject(q: Query) -> bool:
    """A request that says what it is about, not only how it should be (era, length, service, kind)."""
    return bool(q.genres or q.genres_all or q.topics or q.people or q.title or q.similar_to or q.moods or q.mood
                or q.sort != "relevance" or q.exclude_genres or q.max_age is not None)


def overlay(base: Query, new: Query) -> Query:
    """The previous query with everything the new words said laid over it."""
    q = base
    for group in _GROUPS:  # a new genre replaces the old genres, a new title the old title ...
        if any(getattr(new, name) for name in group):
            for name in group:
                setattr(q, name, getattr(new, name))
    if new.kind and new.kind != base.kind:  # "make it a series": a film's length says nothing of episodes
        q.runtime_min, q.runtime_max = new.runtime_min, new.runtime_max
    for name in ("kind", "year_min", "year_max", "runtime_min", "runtime_max", "seasons_min", "seasons_max",
                 "max_age", "soft_max_age", "min_rating"):
        value = getattr(new, name)
        if value is not None:
            setattr(q, name, value)
    for low, high in (("year_min", "year_max"), ("runtime_min", "runtime_max"), ("seasons_min", "seasons_max")):
        lo, hi = getattr(q, low), getattr(q, high)
        if lo is not None and hi is not None and lo > hi:  # "a long epic", then "under two hours": the new one wins
            setattr(q, low if getattr(new, high) is not None else high, None)
    if new.kind == "movie":
        q.seasons_min = q.seasons_max = None
    if new.genres or new.genres_all or new.moods:  # "something funny instead": the old mood's leanings go with it
        old = {g for key in q.moods if key in MOOD_BY_KEY for g in (*MOOD_BY_KEY[key].prefer, *MOOD_BY_KEY[key].avoid)}
        q.boost_genres = [g for g in q.boost_genres if g not in old]
        q.avoid_genres = [g for g in q.avoid_genres if g not in old and g not in new.genres + new.genres_all]
        ruled = {g for key in q.moods if key in MOOD_BY_KEY for g in MOOD_BY_KEY[key].exclude}
        q.exclude_genres = [g for g in q.exclude_genres if g not in ruled]
        q.moods = []
    for name in ("exclude_genres", "exclude_services", "exclude_countries", "exclude_people", "exclude_topics",
                 "boost_genres", "avoid_genres", "exclude_ids", "moods", "quiet_words"):
        setattr(q, name, list(dict.fromkeys([*getattr(q, name), *getattr(new, name)])))
    q.genres = [g for g in q.genres if g not in q.exclude_genres]
    q.genres_all = [g for g in q.genres_all if g not in q.exclude_genres]
    if new.sort != "relevance":
        q.sort = new.sort
    if new.mood:
        q.mood = new.mood
    return q
