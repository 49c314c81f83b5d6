"""Answer → the sentences the daemon speaks: short, natural, TV-friendly."""

from __future__ import annotations

import re

from voicerec.say.why import GENRE_NOUN
from voicerec.types import SERVICE_NAMES, Query, Suggestion, Title

ORDINAL = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth"]
NUMBER = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
PLURAL = {
    "comedy": "comedies", "documentary": "documentaries", "drama": "dramas", "thriller": "thrillers",
    "western": "westerns", "romance": "romances", "mystery": "mysteries",
}

DIDNT_CATCH = "Sorry, I didn't catch that. You could say something like: a light comedy from the 2000s."
OUT_OF_DOMAIN = "Sorry, I can only help with things to watch."
WHICH_ONE = "Sorry, I don't know which one you mean."


def services_phrase(services: list[str]) -> str:
    names = [SERVICE_NAMES.get(s, s) for s in services]
    return _join(names[:3])


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _minutes(n: int) -> str:
    if n % 60 == 0:
        h = n // 60
        return f"{NUMBER[h] if h < len(NUMBER) else h} hour{'s' if h != 1 else ''}"
    if n == 90:
        return "an hour and a half"
    return f"{n} minutes"


def describe_query(q: Query, count: int) -> str:
    """'three comedies from the 2000s under two hours' — what the user asked for, in words."""
    genre = q.genres[0] if q.genres else None
    kind = {"movie": "movies", "show": "shows"}.get(q.kind or "", "")
    if genre:
        g = GENRE_NOUN.get(genre, genre)
        if genre in PLURAL and not kind:
            head = PLURAL[genre]
        elif genre in PLURAL and q.kind == "movie":
            head = PLURAL[genre]
        else:
            head = f"{g} {kind or 'titles'}"
    else:
        head = kind or ("ideas" if count != 1 else "idea")
    if count == 1:
        head = re.sub(r"ies$", "y", head) if head.endswith("ies") else head.rstrip("s")
    parts = [f"{NUMBER[count] if count < len(NUMBER) else count} {head}"]
    if q.countries and len(q.countries) == 1:
        parts.append(f"from {q.countries[0]}")
    if q.year_min and q.year_max:
        if q.year_min == q.year_max:
            parts.append(f"from {q.year_min}")
        elif q.year_min % 10 == 0 and q.year_max == q.year_min + 9:
            parts.append(f"from the {q.year_min}s")
        else:
            parts.append(f"from {q.year_min} to {q.year_max}")
    elif q.year_min:
        parts.append(f"from {q.year_min} on")
    elif q.year_max:
        parts.append(f"from before {q.year_max + 1}")
    if q.runtime_max:
        parts.append(f"under {_minutes(q.runtime_max)}")
    elif q.runtime_min:
        parts.append(f"over {_minutes(q.runtime_min)}")
    if q.seasons_max == 1:
        parts.append("with one season")
    if q.people:
        parts.append("with " + _join(q.people))
    if q.services:
        parts.append("on " + services_phrase(q.services))
    return " ".join(parts)


def compose(q: Query, results: list[Suggestion], *, like_title: str | None = None) -> str:
    """The spoken reply for a recommendation turn."""
    if not results:
        if q.title:
            return f"Sorry, I couldn't find {q.title} in your catalogue."
        return "Sorry, I couldn't find anything that fits all of that. Try asking with fewer conditions."
    lines = []
    if like_title:
        lines.append(f"If you liked {like_title}, here are {NUMBER[len(results)]} to try.")
    else:
        lines.append(f"Here {'is' if len(results) == 1 else 'are'} {describe_query(q, len(results))}.")
    for i, s in enumerate(results):
        where = f", on {services_phrase(s.services)}" if s.services else ""
        lines.append(f"{ORDINAL[i]}, {s.title}, {s.why}{where}.")
    lines.append(_follow_up_hint(q, results))
    return " ".join(lines)


def _follow_up_hint(q: Query, results: list[Suggestion]) -> str:
    if q.kind == "movie" and any(r.runtime and r.runtime > 100 for r in results) and not q.runtime_max:
        return "Want something shorter?"
    return "Want to hear more about one of them?"


def first_sentence(text: str, limit: int = 240) -> str:
    text = " ".join((text or "").split())
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    s = m.group(1) if m else text
    return s if len(s) <= limit else s[:limit].rsplit(" ", 1)[0] + "..."


def describe_title(t: Title) -> str:
    """'Tell me more about the first one': year, length or seasons, genres, people, story, where."""
    facts = []
    genres = [GENRE_NOUN.get(g, g) for g in t.genres if g not in ("kids", "family")][:2]
    what = " ".join(filter(None, [" and ".join(genres), "series" if t.kind == "show" else "film"]))
    lead = f"Sure. {t.title} is a{'n' if what[:1] in 'aeiou' else ''} {what}"
    if t.year:
        lead += f" from {t.year}"
    facts.append(lead + ".")
    if t.kind == "show" and t.seasons:
        facts.append(f"It has {NUMBER[t.seasons] if t.seasons < len(NUMBER) else t.seasons} "
                     f"season{'s' if t.seasons != 1 else ''}"
                     + (f", with episodes of about {t.runtime} minutes." if t.runtime else "."))
    elif t.runtime:
        facts.append(f"It runs {_minutes(t.runtime)}.")
    if t.cast:
        facts.append(f"It stars {_join(t.cast[:3])}.")
    if t.directors:
        facts.append(f"It was directed by {_join(t.directors[:2])}.")
    if t.rating and (t.votes or 0) >= 500:
        facts.append(f"Viewers rate it {t.rating:.1f} out of 10.")
    if t.description:
        facts.append(first_sentence(t.description))
    if t.services:
        facts.append(f"You can watch it on {services_phrase(t.services)}.")
    return " ".join(facts)
