"""Spoken answers to questions about one title: short, one breath, the title named.

    answer(q, title, as_of=..., today=...)  ─► "Inception was directed by Christopher Nolan."

Everything said comes from the catalogue row. Where-to-watch answers say how old the listing is
when it is more than a few months old ("on Netflix, as of March 2023"): `as_of` maps a service to
the date its listing was taken. What a refresh saw is dated to the day, and always said ("on Canal+,
as of December 8, 2026").
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import date

from voicerec.say.phrases import article, count, join, minutes
from voicerec.say.reply import first_sentence
from voicerec.types import Query, Title
from voicerec.vocab.genres import GENRE_RES, MODIFIER, SECONDARY
from voicerec.vocab.places import country_adjective
from voicerec.vocab.services import service_name

STALE_DAYS = 120  # a listing older than this is dated in the answer


def not_found(name: str) -> str:
    return f"Sorry, I couldn't find {name} in the catalogue."


def no_region_data(t: Title, place: str) -> str:
    """Where-to-watch in a region no refresh has fetched: nothing is known to stream there."""
    return f"I don't know where {t.title} streams in {place} yet: my streaming lists are for another country."


def answer(q: Query, t: Title, *, as_of: Mapping[str, date | str] | None = None, today: date | None = None,
           was_on: Mapping[str, str] | None = None, refreshed: bool = False, cert: str | None = None) -> str:
    """The spoken answer to the question `q` about the title `t`. `was_on`: services whose older listings
    had the title (service → month of the newest listing that had it), for a title no longer on them.
    `refreshed`: `as_of` holds the days a catalogue refresh saw each service, which are always said;
    `cert`: its age certificate as listed ("PG-13", "TV-MA")."""
    services = t.services if q.question != "on_service" else [*q.services, *t.services]
    when = _listing_age(services, as_of, today, refreshed)
    earlier = _earlier(t, was_on or {})
    if q.question == "on_service" and q.services:
        return on_service(t, q.services, when, earlier)
    return {
        "where": lambda: where(t, when, earlier),
        "on_service": lambda: where(t, when, earlier),
        "director": lambda: director(t),
        "cast": lambda: cast(t),
        "length": lambda: length(t),
        "about": lambda: about(t),
        "released": lambda: released(t),
        "rating": lambda: rating(t, cert),
        "suitable": lambda: suitable(t, q.max_age, cert),
        "kind": lambda: kind(t),
        "tone": lambda: tone(t, q.mood, cert),
        "origin": lambda: origin(t),
    }.get(q.question or "about", lambda: about(t))()


def where(t: Title, when: str = "", earlier: str = "") -> str:
    if not t.services:
        return f"{t.title} isn't on any of the streaming services I know{earlier}."
    return f"You can watch {t.title} on {_services(t.services)}{when}."


def on_service(t: Title, asked: list[str], when: str = "", earlier: str = "") -> str:
    have = [s for s in asked if s in t.services]
    if have:
        others = [s for s in t.services if s not in have]
        also = f" It's also on {_services(others)}." if others else ""
        return f"Yes, {t.title} is on {_services(have)}{when}.{also}"
    said = _services(asked, conjunction="or")
    if not t.services:
        return f"No, {t.title} isn't on {said}, or on any other service I know{earlier}."
    return f"No, {t.title} isn't on {said}; you can watch it on {_services(t.services)}{when}."


def _earlier(t: Title, was_on: Mapping[str, str]) -> str:
    """'; it was on Netflix until its listing of March 2022' for a title that left its services."""
    if t.services or not was_on:
        return ""
    last = max(was_on.values())
    return f" now; it was on {_services(list(was_on))} in listings up to {_month(last)}"


def _month(value: str) -> str:
    d = _date(value)
    return f"{calendar.month_name[d.month]} {d.year}" if d else value


def director(t: Title) -> str:
    if t.directors:
        return f"{t.title} was directed by {join(t.directors[:3])}."
    if t.kind == "show":
        lead = f"I don't have a director for {t.title}; it's a series"
        return f"{lead} starring {join(t.cast[:3])}." if t.cast else f"{lead}{_from(t)}."
    return f"I don't know who directed {t.title}." + (f" It stars {join(t.cast[:3])}." if t.cast else "")


def cast(t: Title) -> str:
    if t.cast:
        verb = "features the voices of" if "animation" in t.genres else "stars"
        return f"{t.title} {verb} {join(t.cast[:3])}."
    if t.directors:
        return f"I don't have the cast of {t.title}. It was directed by {join(t.directors[:2])}."
    return f"I don't have the cast of {t.title}."


def length(t: Title) -> str:
    if t.kind == "show":
        if t.seasons and t.runtime:
            return f"{t.title} has {_count(t.seasons, 'season')}, with episodes of about {t.runtime} minutes."
        if t.seasons:
            return f"{t.title} has {_count(t.seasons, 'season')}."
        if t.runtime:
            return f"Episodes of {t.title} run about {t.runtime} minutes."
    elif t.runtime:
        total = f", {t.runtime} minutes in all" if t.runtime >= 60 else ""
        return f"{t.title} is {minutes(t.runtime)} long{total}."
    return f"I don't know how long {t.title} is."


def about(t: Title) -> str:
    noun = "series" if t.kind == "show" else "film"
    year = f"{article(str(t.year))} {t.year} {noun}" if t.year else f"a {noun}"
    if not t.description:
        return f"{t.title} is {year}, but I don't have a description of it."
    return f"{t.title} is {year}. {first_sentence(t.description)}"


def released(t: Title) -> str:
    if not t.year:
        return f"I don't know when {t.title} came out."
    if t.kind == "show":
        seasons = f", and has {_count(t.seasons, 'season')}" if t.seasons else ""
        return f"{t.title} first aired in {t.year}{seasons}."
    return f"{t.title} came out in {t.year}."


def rating(t: Title, cert: str | None = None) -> str:
    """"What's it rated", "is it any good": its certificate and what viewers give it."""
    parts = [f"{t.title} is {_rated(t, cert)}"] if _rated(t, cert) else [t.title]
    if t.rating is not None:
        verb = "and viewers give it" if len(parts[0]) > len(t.title) else "gets"
        parts.append(f"{verb} {t.rating:.1f} out of 10" + (" from viewers" if verb == "gets" else ""))
        return " ".join(parts) + "."
    return parts[0] + ", but I don't have a viewers' score for it." if len(parts[0]) > len(t.title) \
        else f"I don't have a rating for {t.title}."


def suitable(t: Title, age: int | None, cert: str | None = None) -> str:
    """"Is it ok for a ten year old": yes or no by its minimum age, with the certificate that says so."""
    if t.min_age is None:
        return f"I don't have an age rating for {t.title}; it's {_what(t)}."
    who = "young children" if age == 0 else f"{article(str(age))} {age} year old" if age is not None else "kids"
    limit = 7 if age is None else age
    if t.min_age <= limit:
        return f"Yes, {t.title} should be fine for {who}: it's {_rated(t, cert)}."
    return f"No, {t.title} is {_rated(t, cert)}, so it's probably too much for {who}."


def kind(t: Title) -> str:
    """"Is that a movie or a show"."""
    if t.kind == "show":
        seasons = f", with {_count(t.seasons, 'season')}" if t.seasons else ""
        return f"{t.title} is a series{seasons}."
    return f"{t.title} is a film" + (f", {minutes(t.runtime)} long." if t.runtime else ".")


# what a tone word asks of a title's genres ("is it scary": horror; a thriller is a bit)
_TONES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "scary": (("horror",), ("thriller",)), "frightening": (("horror",), ("thriller",)), "creepy": (("horror",), ("thriller", "mystery")),
    "funny": (("comedy", "standup"), ()), "romantic": (("romance",), ()), "sad": (("drama",), ("war",)),
    "tearjerker": (("drama", "romance"), ()), "tear jerker": (("drama", "romance"), ()), "weepie": (("drama", "romance"), ()),
    "happy": (("comedy", "family"), ()), "upbeat": (("comedy", "family"), ()), "feel good": (("comedy", "family"), ()),
    "light": (("comedy", "family", "animation"), ()), "gentle": (("family", "animation"), ()), "heavy": (("drama", "war"), ()),
    "violent": (("war", "horror"), ("action", "crime", "thriller")), "gory": (("horror",), ("war",)),
    "dark": (("horror", "crime"), ("thriller", "war", "drama")), "intense": (("thriller", "horror"), ("action", "war", "crime")),
}


def tone(t: Title, word: str, cert: str | None = None) -> str:
    """"Is it scary", "is it a comedy": yes or no from its genres, naming them and its certificate."""
    word = (word or "").strip()
    genre = next((g for rx, gs in GENRE_RES if rx.fullmatch(word) for g in gs), word)
    strong, some = _TONES.get(word, ((genre,), ()))
    genres = set(t.genres)
    rated = f", {_rated(t, cert)}" if _rated(t, cert) else ""
    if genres & set(strong):
        return f"Yes, {t.title} is {_what(t)}{rated}."
    said = _STORY_WORDS.get(genre) or _STORY_WORDS.get(word)
    if said and re.search(rf"\b(?:{said[0]})", t.description.lower()):
        return f"A bit: {t.title} is {_what(t)}{rated}, with {said[1]} in its story."
    if genres & set(some) or (word in ("violent", "gory", "dark", "intense") and (t.min_age or 0) >= 16):
        return f"A bit: {t.title} is {_what(t)}{rated}."
    return f"Not really: {t.title} is {_what(t)}{rated}."


# a description's words that show a tone its genres do not: (pattern, how the reply names it)
_STORY_WORDS: dict[str, tuple[str, str]] = {
    "music": (r"music|singer|song|sing|band|jazz|dancer|dance|concert|musical", "music"),
    "romance": (r"love|romance|romantic|falls? for|relationship", "romance"),
    "horror": (r"haunt|ghost|demon|monster|terror|killer|evil|curse|nightmare|creature", "scares"),
    "scary": (r"haunt|ghost|demon|monster|terror|killer|evil|curse|nightmare|creature", "scares"),
    "comedy": (r"funny|comic|hilarious|comedy|laugh", "humour"),
    "violent": (r"kill|murder|war|fight|gang|brutal|violent|revenge|assassin", "violence"),
}


def origin(t: Title) -> str:
    """"Where's it from": its countries, as adjectives ("a South Korean film from 2019")."""
    if not t.countries:
        return f"I don't know where {t.title} is from; it's {_what(t)}{_from(t)}."
    places = join([country_adjective(c) for c in t.countries[:3]])
    noun = "series" if t.kind == "show" else "film"
    return f"{t.title} is {article(places)} {places} {noun}{_from(t)}."


def _rated(t: Title, cert: str | None) -> str:
    """"rated PG-13, for ages 13 and up", "rated G, for all ages", "for ages 16 and up"."""
    ages = None if t.min_age is None else "for all ages" if t.min_age == 0 else f"for ages {t.min_age} and up"
    said = f"rated {cert}" if cert and cert.upper() not in ("NR", "UR", "UNRATED", "NOT RATED") else ""
    return ", ".join(p for p in (said, ages) if p)


def _what(t: Title) -> str:
    """"a comedy and animation film", "a crime series"."""
    genres = [MODIFIER.get(g, g) for g in t.genres if g not in SECONDARY][:2]
    what = " ".join(filter(None, [" and ".join(genres), "series" if t.kind == "show" else "film"]))
    return f"{article(what)} {what}"


# --- small pieces -----------------------------------------------------------------------------
def _services(services: list[str], conjunction: str = "and") -> str:
    return join([service_name(s) for s in dict.fromkeys(services)], conjunction)


def _listing_age(services: list[str], as_of: Mapping[str, date | str] | None, today: date | None,
                 refreshed: bool = False) -> str:
    """', as of March 2023' when the oldest listing of these services is more than a few months old."""
    if not as_of:
        return ""
    dates = [d for s in services if (d := _date(as_of.get(s))) is not None]
    if not dates:
        return ""
    oldest = min(dates)
    if refreshed:  # the day a refresh saw it there: said whatever its age
        return f", as of {calendar.month_name[oldest.month]} {oldest.day}, {oldest.year}"
    if ((today or date.today()) - oldest).days <= STALE_DAYS:
        return ""
    return f", as of {calendar.month_name[oldest.month]} {oldest.year}"  # English: Python leaves LC_TIME as C


def _date(value: date | str | None) -> date | None:
    if isinstance(value, date):
        return value
    try:
        text = str(value)[:10] if value else ""
        return date.fromisoformat(text + "-01" if len(text) == 7 else text) if text else None
    except ValueError:
        return None


def _count(n: int, noun: str) -> str:
    return f"{count(n)} {noun}{'' if n == 1 else 's'}"


def _from(t: Title) -> str:
    return f" from {t.year}" if t.year else ""
