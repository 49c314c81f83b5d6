"""Which words of a transcript mean something to voicerec: the vocabulary's forms (genres, moods,
topics, places, services, numbers and fillers) and the names the parse found. What is left are the
words a mishearing leaves behind ("something with kid on the *reeds*").
"""

from __future__ import annotations

import re
from functools import lru_cache

from voicerec.text import norm
from voicerec.types import Query
from voicerec.vocab.genres import GENRE_RES
from voicerec.vocab.moods import MOOD_RES
from voicerec.vocab.places import COUNTRY_RES, SERVICE_RES
from voicerec.vocab.topics import TOPIC_RES
from voicerec.vocab.words import DECADE_WORDS, FILLER, ONES, ORDINALS, QUIET_FILLER, TENS_WORDS

NUMBER_WORDS = frozenset([*ONES, *(w for w in TENS_WORDS if w), *DECADE_WORDS, *ORDINALS, "hundred", "thousand",
                          "thousands", "half", "hour", "hours", "minute", "season", "seasons", "episode",
                          "episodes", "kids", "children", "family", "show", "series"])


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], ...]:
    pats: list[re.Pattern[str]] = [p for p, _ in GENRE_RES]
    pats += [p for p, _ in MOOD_RES] + [p for p, _ in TOPIC_RES] + [p for p, _ in SERVICE_RES]
    pats += [p for p, *_ in COUNTRY_RES]
    return tuple(pats)


def words_of(text: str) -> list[str]:
    return norm(text).split()


def unexplained(text: str, query: Query) -> list[str]:
    """The content words of `text` that nothing accounts for: not a filler or number, not inside a
    vocabulary form, not a word the parse kept as a mood or filler word, not part of a name the
    parse found in the catalogue (people, a title)."""
    words = words_of(text)
    if not words:
        return []
    covered = [False] * len(words)
    spans = " ".join(words)
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    found = [*query.people, *query.people_any, *query.directors, *query.exclude_people]
    if query.title and (query.title_id or query.similar_to):  # a title the catalogue has
        found.append(query.title)
    named = {w for name in found for w in words_of(name)} | {w for q in query.quiet_words for w in words_of(q)}
    for pattern in _patterns():
        for m in pattern.finditer(spans):
            for i, s in enumerate(starts):
                if m.start() <= s < m.end():
                    covered[i] = True
    out = []
    for i, w in enumerate(words):
        if covered[i] or w in named or w.isdigit() or w.rstrip("s").isdigit():
            continue
        if w in FILLER or w in QUIET_FILLER or w in NUMBER_WORDS or len(w) <= 2:
            continue
        out.append(w)
    return out


def named_count(q: Query) -> int:
    """How many things the parse found that the catalogue or the vocabulary knows."""
    n = len(q.genres) + len(q.genres_all) + len(q.exclude_genres) + len(q.moods) + len(q.topics)
    n += len(q.people) + len(q.people_any) + len(q.directors) + len(q.exclude_people)
    n += len(q.services) + len(q.exclude_services) + len(q.countries) + len(q.exclude_countries)
    n += sum(1 for v in (q.kind, q.title_id, q.similar_to, q.question, q.describe_index) if v)
    n += sum(1 for v in ((q.year_min or q.year_max), (q.runtime_min or q.runtime_max),
                         (q.seasons_min or q.seasons_max), q.max_age, q.min_rating) if v is not None)
    n += q.sort != "relevance"
    return n
