"""Merge the LLM's Query onto the built-in parse. Pure: no I/O, no state.

The built-in parse (`rules`) is sure of what it found; the LLM fills only what it left empty:

- hard values (kind, years, runtimes, seasons, age, rating, services, countries, people, title,
  similar_to, exclude_ids, describe_index, sort, intent): the rules' value when it has one, else
  the LLM's; an LLM value is dropped when it contradicts the rules (a range left empty, a "movie"
  with seasons);
- genres: the rules' when it has any, else the LLM's; exclude_genres: the union, minus LLM
  exclusions of a genre the rules asked for or boosted; boost_genres: the union; all minus exclusions;
- mood: the rules' leftover words when any, else the LLM's;
- titles and people the LLM named are kept only when `resolve_title` / `resolve_person` (the
  catalogue matcher) map them to a catalogue spelling: an unverified name would turn a vague
  request into "I don't have that";
- intent: the rules'; the LLM may only say "out_of_domain" when the rules found no constraint
  at all beyond leftover mood words;
- every field not named here (added to Query later): the rules' value unless it is the default.
A rules constraint is never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from voicerec.types import Query

Resolver = Callable[[str], str | None]

_RANGES = (("year_min", "year_max"), ("runtime_min", "runtime_max"), ("seasons_min", "seasons_max"))
_DEFAULTS = Query()


def _is_default(q: Query, name: str) -> bool:
    return getattr(q, name) == getattr(_DEFAULTS, name)


def _resolved(names: list[str], resolve: Resolver | None) -> list[str]:
    if resolve is None:
        return []
    out: list[str] = []
    for name in names:
        hit = resolve(name)
        if hit and hit not in out:
            out.append(hit)
    return out


def _only_mood(q: Query) -> bool:
    """True when q says nothing beyond free-text mood words."""
    return Query(intent=q.intent, mood="") == q.model_copy(update={"mood": ""})


def merge(
    rules: Query,
    llm: Query | None,
    *,
    resolve_title: Resolver | None = None,
    resolve_person: Resolver | None = None,
) -> Query:
    """The built-in parse completed by the LLM's; `rules` itself when `llm` is None."""
    if llm is None or rules.intent in ("describe", "empty", "out_of_domain"):
        return rules
    if rules.intent == "recommend" and llm.intent == "out_of_domain" and _only_mood(rules):
        return rules.model_copy(update={"intent": "out_of_domain"})
    out: dict[str, Any] = rules.model_dump()

    # everything scalar or list the rules left at its default: the LLM's (then checked below)
    for name in Query.model_fields:
        if name in ("intent", "genres", "exclude_genres", "boost_genres", "mood", "title", "people"):
            continue
        if _is_default(rules, name) and not _is_default(llm, name):
            out[name] = getattr(llm, name)

    # ranges the LLM completed must not contradict the rules' bound: drop the LLM's side
    for lo, hi in _RANGES:
        if out[lo] is not None and out[hi] is not None and out[lo] > out[hi]:
            if getattr(rules, lo) is None:
                out[lo] = None
            if getattr(rules, hi) is None:
                out[hi] = None
    # a film has no seasons: whichever of the two came from the LLM goes
    has_seasons = out["seasons_min"] is not None or out["seasons_max"] is not None
    if out["kind"] == "movie" and has_seasons:
        if rules.kind is None:
            out["kind"] = "show"
        else:
            for name in ("seasons_min", "seasons_max"):
                if getattr(rules, name) is None:
                    out[name] = None

    # genres
    wanted = rules.genres or llm.genres
    exclude = list(rules.exclude_genres)
    keep = set(rules.genres) | set(rules.boost_genres) | set(exclude)
    exclude += [g for g in llm.exclude_genres if g not in keep]
    out["exclude_genres"] = exclude
    out["genres"] = [g for g in wanted if g not in exclude]
    if rules.genres and not out["genres"]:  # cannot happen for a consistent rules parse
        out["genres"] = list(rules.genres)
    boost = list(rules.boost_genres) + [g for g in llm.boost_genres if g not in rules.boost_genres]
    out["boost_genres"] = [g for g in boost if g not in exclude]

    out["mood"] = rules.mood or llm.mood
    out["title"] = rules.title
    if rules.title is None and rules.similar_to is None and llm.title:
        out["title"] = next(iter(_resolved([llm.title], resolve_title)), None)
    out["people"] = list(rules.people) or _resolved(llm.people, resolve_person)
    out["intent"] = rules.intent
    return Query.model_validate(out)
