"""Answer → the sentences voicerec speaks: one breath, the first title first.

    normal    "How about Shrek on Netflix, The Hangover on HBO Max or Mean Girls on Prime Video?
               All comedies from the 2000s under two hours."
    brief     the titles, and what was understood when it narrowed something
    detailed  each title with its reason (length, year, rating) and where to watch it

Detail about one title comes on request ("tell me more about the second one": `describe_title`).
The JSON answer is the same at every verbosity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voicerec.say.phrases import (
    article,
    count,
    genre_noun,
    join,
    minutes,
    places_phrase,
    services_phrase,
)
from voicerec.types import Query, Suggestion, Title
from voicerec.vocab.genres import MODIFIER, SECONDARY
from voicerec.vocab.topics import TOPIC_BY_KEY
from voicerec.vocab.words import ORDINAL_WORDS

__all__ = ["DIDNT_CATCH", "OUT_OF_DOMAIN", "WHICH_ONE", "Relaxed", "compose", "describe_query", "describe_title",
           "first_sentence", "minutes", "services_phrase"]

DIDNT_CATCH = "Sorry, I didn't catch that. You could say something like: a light comedy from the 2000s."
OUT_OF_DOMAIN = "Sorry, I can only help with things to watch."
WHICH_ONE = "Sorry, I don't know which one you mean."


@dataclass(frozen=True)
class Relaxed:
    """Fewer titles fitted everything than were asked for: how many did, and what the rest fit."""

    strict: int  # results that fit the whole request (they come first)
    note: str  # what the others are, as a phrase: "comedies", "films like it in spirit"


def describe_query(q: Query, n: int) -> str:
    """What was understood, as a noun phrase: 'Korean thrillers from the 2000s on Netflix'."""
    noun = genre_noun(q.genres_all, q.genres, q.kind, n)
    if q.countries and len(q.countries) <= 3:
        noun = f"{places_phrase(q.countries)} {noun}"
    parts = [noun]
    if q.topics:
        parts.append("about " + join([TOPIC_BY_KEY[k].key if k in TOPIC_BY_KEY else k for k in q.topics[:2]]))
    parts += _era(q)
    if q.runtime_max:
        parts.append(f"under {minutes(q.runtime_max)}")
    elif q.runtime_min:
        parts.append(f"over {minutes(q.runtime_min)}")
    if q.seasons_max == 1:
        parts.append("with one season")
    elif q.seasons_max:
        parts.append(f"with at most {count(q.seasons_max)} seasons")
    if q.people:
        parts.append("with " + join(q.people))
    if q.max_age is not None and q.max_age <= 7:
        parts.append("for young children" if q.max_age < 7 else "for kids")
    if q.services:
        parts.append("on " + services_phrase(q.services, "or"))
    return " ".join(parts)


def _era(q: Query) -> list[str]:
    if q.year_min and q.year_max:
        if q.year_min == q.year_max:
            return [f"from {q.year_min}"]
        if q.year_min % 10 == 0 and q.year_max == q.year_min + 9:
            return [f"from the {q.year_min}s"]
        return [f"from {q.year_min} to {q.year_max}"]
    if q.year_min:
        return [f"from {q.year_min} on"]
    if q.year_max:
        return [f"from before {q.year_max + 1}"]
    return []


def _narrowed(q: Query) -> bool:
    return bool(q.genres or q.genres_all or q.kind or q.countries or q.topics or q.year_min or q.year_max
                or q.runtime_max or q.runtime_min or q.seasons_max or q.people or q.services
                or (q.max_age is not None and q.max_age <= 7))


def compose(q: Query, results: list[Suggestion], *, like_title: str | None = None, verbosity: str = "normal",
            relaxed: Relaxed | None = None) -> str:
    """The spoken reply for a recommendation turn."""
    if not results:
        if q.title:
            return f"Sorry, I couldn't find {q.title} in your catalogue."
        return "Sorry, I couldn't find anything that fits all of that. Try asking with fewer conditions."
    if verbosity == "detailed":
        return _detailed(q, results, like_title, relaxed)
    n = len(results)
    where = verbosity != "brief"
    if relaxed and 0 < relaxed.strict < n:
        head, rest = results[: relaxed.strict], results[relaxed.strict:]
        lines = [f"I found only {count(len(head))} {describe_query(q, len(head))}: {_titles(head, where, 'and')}.",
                 f"Close to it: {_titles(rest, where, 'or')}, {relaxed.note}."]
        return " ".join(lines)
    lead = f"If you liked {like_title}, how about" if like_title else "How about"
    lines = [f"{lead} {_titles(results, where, 'or')}?"]
    if relaxed and relaxed.strict == 0:
        lines.append(f"Nothing fitted all of that, so these are {relaxed.note}.")
    elif _narrowed(q) and not like_title:
        lines.append(f"{'All' if n > 1 else 'It is'} {_confirm(q, n)}.")
    return " ".join(lines)


def _confirm(q: Query, n: int) -> str:
    phrase = describe_query(q, n)
    return phrase if n > 1 else f"{article(phrase)} {phrase}"


def _titles(results: list[Suggestion], where: bool, word: str) -> str:
    """'Shrek on Netflix, The Hangover on HBO Max or Mean Girls' (services once when all share one)."""
    shared = set.intersection(*(set(r.services) for r in results)) if results and where else set()
    if where and len(results) > 1 and shared:
        service = next(s for s in results[0].services if s in shared)
        return f"{join([r.title for r in results], word)}, all on {services_phrase([service])}"
    items = [f"{r.title} on {services_phrase(r.services[:1])}" if where and r.services else r.title for r in results]
    return join(items, word)


def _detailed(q: Query, results: list[Suggestion], like_title: str | None, relaxed: Relaxed | None) -> str:
    n = len(results)
    if like_title:
        lines = [f"If you liked {like_title}, here are {count(n)} to try."]
    else:
        lines = [f"Here {'is' if n == 1 else 'are'} {count(n)} {describe_query(q, n)}."]
    if relaxed and relaxed.strict < n:
        lines.append(f"Only {count(relaxed.strict)} fit everything; the others are {relaxed.note}.")
    for i, s in enumerate(results):
        where = f", on {services_phrase(s.services)}" if s.services else ""
        lines.append(f"{ORDINAL_WORDS[i]}, {s.title}, {s.why}{where}.")
    lines.append("Want to hear more about one of them?")
    return " ".join(lines)


def first_sentence(text: str, limit: int = 240) -> str:
    text = " ".join((text or "").split())
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    s = m.group(1) if m else text
    return s if len(s) <= limit else s[:limit].rsplit(" ", 1)[0] + "..."


def describe_title(t: Title) -> str:
    """'Tell me more about the first one': year, length or seasons, genres, people, story, where."""
    facts = []
    genres = [MODIFIER.get(g, g) for g in t.genres if g not in SECONDARY][:2]
    what = " ".join(filter(None, [" and ".join(genres), "series" if t.kind == "show" else "film"]))
    lead = f"Sure. {t.title} is {article(what)} {what}"
    if t.year:
        lead += f" from {t.year}"
    facts.append(lead + ".")
    if t.kind == "show" and t.seasons:
        facts.append(f"It has {count(t.seasons)} season{'s' if t.seasons != 1 else ''}"
                     + (f", with episodes of about {t.runtime} minutes." if t.runtime else "."))
    elif t.runtime:
        facts.append(f"It runs {minutes(t.runtime)}.")
    if t.cast:
        facts.append(f"It stars {join(t.cast[:3])}.")
    if t.directors:
        facts.append(f"It was directed by {join(t.directors[:2])}.")
    if t.rating and (t.votes or 0) >= 500:
        facts.append(f"Viewers rate it {t.rating:.1f} out of 10.")
    if t.description:
        facts.append(first_sentence(t.description))
    if t.services:
        facts.append(f"You can watch it on {services_phrase(t.services)}.")
    return " ".join(facts)
