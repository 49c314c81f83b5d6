"""From a query to the titles to suggest: a title the person named first, then the ranking, then
(when fewer than asked for fit everything) the nearest looser request, in a stated order.

Loosening, in order (each only when it applies; the reply says which was used):
  1. a compound genre keeps its head ("horror comedy" → comedies, horror ranked up)
  2. a topic stops being required and only ranks by meaning ("about lighthouse keepers")
  3. several people together become any of them
  4. titles only older listings have (no longer streaming), said as such, rather than too few
Hard limits the person set (kind, era, length, age, services, people, exclusions) never loosen.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from voicerec.catalog.store import Catalog
from voicerec.rank.rank import Ranker
from voicerec.types import Query, Suggestion
from voicerec.vocab.topics import TOPIC_BY_KEY


@dataclass
class Suggestions:
    results: list[Suggestion] = field(default_factory=list)
    like_title: str | None = None  # "if you liked X"
    strict: int = 0  # how many of `results` fit the whole request
    loose: Query | None = None  # the looser request the others fit, when loosened


def suggest(catalog: Catalog, ranker: Ranker, q: Query, n: int) -> Suggestions:
    out = _search(catalog, ranker, q, n)
    out.strict = len(out.results)
    if len(out.results) >= n or q.title or q.similar_to:
        return out
    for loose in _looser(q):
        seen = [*loose.exclude_ids, *(r.id for r in out.results)]
        more = ranker.rank(loose.model_copy(update={"exclude_ids": seen}), n - len(out.results))
        if more:
            out.results += more
            out.loose = loose
            break
    return out


def _looser(q: Query) -> Iterator[Query]:
    if len(q.genres_all) > 1:
        *mods, head = q.genres_all
        yield q.model_copy(update={"genres_all": [], "genres": [head],
                                   "boost_genres": list(dict.fromkeys([*q.boost_genres, *mods]))})
    if q.topics:
        meanings = [TOPIC_BY_KEY[t].meaning if t in TOPIC_BY_KEY else t for t in q.topics]
        yield q.model_copy(update={"topics": [], "mood": " ".join([q.mood, *meanings]).strip()})
    if len(q.people) + len(q.directors) > 1:  # "with Danny DeVito and Tom Hanks": together first, then either
        yield q.model_copy(update={"people": [], "directors": [], "people_any": [*q.people_any, *q.people, *q.directors]})
    if q.available_on and not q.services:  # "films with Drew Barrymore from the 1980s": none streams now
        yield q.model_copy(update={"available_on": []})


def _search(catalog: Catalog, ranker: Ranker, q: Query, n: int) -> Suggestions:
    if q.similar_to:
        like = catalog.title(q.similar_to)
        return Suggestions(ranker.rank(q, n), like_title=like.title if like else None)
    if not q.title:
        return Suggestions(ranker.rank(q, n))
    named = catalog.find_by_title(q.title, q.kind)
    if named is None:
        return Suggestions()
    base = q.model_copy(update={"title": None})
    fits = catalog.passes(named.rowid, base)
    facts = catalog.titles([named.rowid])[named.rowid]
    head = [Suggestion(**facts.model_dump())] if fits else []
    similar = base.model_copy(update={"similar_to": named.id, "exclude_ids": [*q.exclude_ids, named.id]})
    return Suggestions(head + ranker.rank(similar, n - len(head)))
