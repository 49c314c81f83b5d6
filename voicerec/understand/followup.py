"""A new request or a refinement: what this turn asks, given the conversation's last turn.

Only refinements carry the previous turn's constraints. A turn refines when it points back
("the second one", "those", "different ones", "I've seen it"), compares ("shorter", "newer",
"funnier"), says it adjusts ("only", "just", "make it", "what about", "instead", "but"), or has
no subject of its own ("on Netflix", "from the 90s", "a series"). A complete request with its own
subject (a genre, a topic, a person, a title, a mood) starts fresh, whatever came before.
"""

from __future__ import annotations

import re
import statistics

from voicerec.state.sessions import Turn
from voicerec.types import Query
from voicerec.understand import questions
from voicerec.vocab.moods import MOOD_BY_KEY
from voicerec.vocab.words import ORDINALS

_ORD = r"(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th|last|1|2|3|4|5|one|two|three|middle)"
_ORD_WORDS = {**ORDINALS, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "one": 1, "two": 2, "three": 3, "middle": 2}
_NTH = rf"(?:the\s+)?(?:number\s+)?{_ORD}(?:\s+(?:one|title|movie|film|show|series|suggestion|pick))?"
_DESCRIBE = re.compile(
    rf"\b(?:(?:tell|talk) (?:me |us )?(?:more |a bit |a little )?(?:more )?about|more (?:info |information |details )?"
    rf"(?:on|about)|describe|what about|how about|and|info on|details on)\s+{_NTH}\b"
    rf"|\bwhat(?:'s| is| was) {_NTH} (?:about|like)\b|\bwhat happens in {_NTH}\b"
    rf"|^(?:the\s+)?{_ORD}(?:\s+one)?[.!?]*$|\bnumber\s+{_ORD}\b")
_LIKE_NTH = re.compile(rf"\b(?:more |something |anything |ones? )?(?:like|similar to)\s+{_NTH}\b")
_SEEN = re.compile(
    rf"\b(?:(?:i|we)(?:'ve| have)?|i'?ve|we'?ve)\s+(?:already\s+)?(?:seen|watched|done)\s+(?:(?:that|this|it)|{_NTH})"
    rf"|\b(?:seen|watched) (?:that|this|it|{_NTH})(?: one)?(?: already| before)?\b|\balready (?:seen|watched)(?: (?:it|that))?\b"
    rf"|\b{_NTH} (?:i|we)(?:'ve| have) (?:already )?(?:seen|watched)\b")
_DIFFERENT = re.compile(
    r"\b(?:different ones?|other ones?|others|something else|anything else|not (?:those|these|them|that one)|none of (?:those|these|them)"
    r"|more (?:options|suggestions|ideas)|next ones?|different suggestions?|show me more|other (?:options|suggestions|ideas)"
    r"|another (?:one|three|few)|more like (?:those|these|that)|some more|new ones|don'?t like (?:those|these|them|any))\b")
_ADJUST = re.compile(
    r"\b(?:only|just|make it|make that|instead|rather|what about|how about|but|also|now|preferably|actually|same but"
    r"|and (?:only|just|make)|any (?:of those|on)|ones? (?:on|from|with|under|that)|the ones)\b")
# a turn that starts like the rest of a sentence ("with clint eastwood", "on netflix", "but funnier")
_FRAGMENT = re.compile(r"^(?:with|on|from|in|for|starring|featuring|set in|by|but|and|only|just|without|except|not|no|"
                       r"also|preferably|ideally|in english|under|over|less|more)\b")
_COMPARATIVE = re.compile(r"\b(?:shorter|longer|newer|older|more recent|funnier|scarier|lighter|darker|happier|quicker"
                          r"|not so long)\b")
_SEEN_NAME = re.compile(r"\b(?:seen|watched|saw|already know|know)\s+(.+?)(?:\s+(?:already|before|too|yet|last \w+))?$")
_SHORTER = re.compile(r"\b(?:shorter|quicker|less long|not so long)\b")
_LONGER = re.compile(r"\blonger\b")
_NEWER = re.compile(r"\b(?:newer|more recent|recent)\b")
_OLDER = re.compile(r"\bolder\b")
_GROUPS = (("genres", "genres_all"), ("topics",), ("people",), ("title", "similar_to"), ("countries",), ("services",))


def _nth(word: str, prev: Turn) -> int:
    n = _ORD_WORDS.get(word, 1)
    return len(prev.results) if n == -1 else n


def resolve(text: str, parsed: Query, prev: Turn | None) -> Query:
    """The query for this turn, given the parse of its words and the previous turn (if any)."""
    if parsed.intent in ("out_of_domain",):
        return parsed
    if prev is None:
        t = " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())
        m = _SEEN_NAME.search(t)
        if m and re.search(r"\b(?:i|we)(?:'ve| have)? (?:already )?(?:seen|watched)\b", t):
            return Query(intent="seen", title=m.group(1))
        return parsed
    if parsed.intent == "question":
        return questions.about_previous(text, parsed, prev)  # "who directed the second one"
    t = " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())
    if prev.results:
        m = _SEEN.search(t)
        if m:
            word = next((g for g in m.groups() if g), None)
            return Query(intent="seen", describe_index=_nth(word, prev) if word else 1)
        m = _DESCRIBE.search(t)
        if m:
            return Query(intent="describe", describe_index=_nth(next(g for g in m.groups() if g), prev))
        m = _LIKE_NTH.search(t)
        if m:
            n = _nth(m.group(1), prev)
            if 1 <= n <= len(prev.results):  # like it, within what was asked for
                ref = prev.results[n - 1]
                return prev.query.model_copy(update={
                    "intent": "recommend", "describe_index": None, "kind": ref.get("kind"), "similar_to": ref["id"],
                    "title": None, "exclude_ids": list(dict.fromkeys([*prev.query.exclude_ids, *prev.shown]))})
        n = _seen_by_name(t, prev)
        if n:
            return Query(intent="seen", describe_index=n)
    m = _SEEN_NAME.search(t)
    if m and re.search(r"\b(?:i|we)(?:'ve| have)? (?:already )?(?:seen|watched)\b|\balready (?:seen|watched)\b", t):
        return Query(intent="seen", title=m.group(1))  # a title by name: the catalogue says which
    refers_back = bool(_DIFFERENT.search(t) or _COMPARATIVE.search(t))
    if parsed.intent != "recommend" and not (parsed.intent == "empty" and refers_back):
        return parsed
    q = prev.query.model_copy(deep=True)
    q.intent, q.describe_index, q.question, q.title_id = "recommend", None, None, None
    refined = _compare(t, parsed, q, prev)
    if _DIFFERENT.search(t):
        q.exclude_ids = list(dict.fromkeys([*q.exclude_ids, *prev.shown]))
        refined = True
    if not refined and _has_subject(parsed) and not _ADJUST.search(t) and not _FRAGMENT.match(t):
        return parsed  # a complete new request: nothing carries over
    return _overlay(q, parsed)


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


def _compare(t: str, parsed: Query, q: Query, prev: Turn) -> bool:
    """Comparatives against what was just suggested: shorter, longer, newer, older, funnier, scarier."""
    runtimes, years = prev.runtimes(), prev.years()
    refined = False
    if _SHORTER.search(t) and parsed.runtime_max is None:
        base = statistics.median(runtimes) if runtimes else (q.runtime_max or 120)
        q.runtime_max = max(10, int(base) - 1)
        q.runtime_min = None if q.runtime_min and q.runtime_min >= q.runtime_max else q.runtime_min
        refined = True
    if _LONGER.search(t) and parsed.runtime_min is None:
        base = statistics.median(runtimes) if runtimes else (q.runtime_min or 90)
        q.runtime_min = int(base) + 1
        q.runtime_max = None if q.runtime_max and q.runtime_max <= q.runtime_min else q.runtime_max
        refined = True
    if _NEWER.search(t) and parsed.year_min is None:
        q.year_min = int(statistics.median(years)) + 1 if years else (q.year_min or 2015)
        q.year_max = None if q.year_max and q.year_max < q.year_min else q.year_max
        refined = True
    if _OLDER.search(t) and parsed.year_max is None:
        q.year_max = int(statistics.median(years)) - 1 if years else (q.year_max or 2000)
        q.year_min = None if q.year_min and q.year_min > q.year_max else q.year_min
        refined = True
    for pattern, genre in ((r"\bfunnier\b", "comedy"), (r"\bscarier\b", "horror")):
        if re.search(pattern, t):
            q.genres, q.genres_all = [genre], []
            refined = True
    if re.search(r"\b(?:lighter|happier|more cheerful)\b", t):
        q.boost_genres = list(dict.fromkeys([*q.boost_genres, "comedy", "family"]))
        q.avoid_genres = list(dict.fromkeys([*q.avoid_genres, "horror", "war", "crime"]))
        refined = True
    return refined


def _overlay(base: Query, new: Query) -> Query:
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
    if q.year_min and q.year_max and q.year_min > q.year_max:
        q.year_min = None
    return q
