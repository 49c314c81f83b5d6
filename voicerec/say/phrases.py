"""Small pieces of spoken English every reply uses: lists, counts, durations, services, places.

All words come from voicerec/vocab; nothing here knows about a request.
"""

from __future__ import annotations

from voicerec.vocab.genres import COMPOUND_MODIFIER, MODIFIER, PLURAL, STANDALONE
from voicerec.vocab.places import country_adjective
from voicerec.vocab.services import service_name
from voicerec.vocab.words import COUNT_WORDS


def join(items: list[str], word: str = "and") -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def count(n: int) -> str:
    return COUNT_WORDS[n] if 0 <= n < len(COUNT_WORDS) else str(n)


def minutes(n: int) -> str:
    """90 → 'an hour and a half', 120 → 'two hours', 148 → 'two hours and 28 minutes', 45 → '45 minutes'."""
    if n == 90:
        return "an hour and a half"
    hours, rest = divmod(n, 60)
    if hours == 0:
        return f"{n} minutes"
    head = "an hour" if hours == 1 else f"{count(hours)} hours"
    return head if rest == 0 else f"{head} and {rest} minute{'s' if rest != 1 else ''}"


def services_phrase(services: list[str], word: str = "and") -> str:
    return join([service_name(s) for s in services[:3]], word)


def places_phrase(codes: list[str]) -> str:
    """How a reply says where titles are from, before a noun: 'Korean', 'Spanish or Mexican'."""
    return join([country_adjective(c) for c in codes[:3]], "or")


def genre_noun(genres_all: list[str], genres: list[str], kind: str | None, n: int) -> str:
    """'romantic comedies', 'horror films', 'a crime series', 'westerns or war films', 'films'."""
    kind_noun = {"movie": ("film", "films"), "show": ("series", "series")}.get(kind or "", ("", ""))
    if genres_all:
        *mods, head = genres_all
        lead = " ".join(COMPOUND_MODIFIER[g] for g in mods)
        return f"{lead} {_genre_head(head, kind_noun, n)}".strip()
    if genres:
        return join([_genre_head(g, kind_noun, n) for g in genres[:3]], "or")
    return kind_noun[n != 1] or ("pick" if n == 1 else "picks")


def _genre_head(genre: str, kind_noun: tuple[str, str], n: int) -> str:
    if genre in STANDALONE and kind_noun[0] != "series":
        return PLURAL.get(genre, genre + "s") if n != 1 else genre
    noun = kind_noun[n != 1] or ("title" if n == 1 else "titles")
    return f"{MODIFIER[genre]} {noun}"


def article(phrase: str) -> str:
    """'a' or 'an' before a spoken phrase ('an 8-episode', 'a one-season', 'an hour')."""
    first = phrase.split()[0].lower() if phrase.split() else ""
    digits = first[: len(first) - len(first.lstrip("0123456789"))]
    if digits:
        return "an" if digits.startswith("8") or digits in ("11", "18") else "a"
    if first in ("one", "one-season", "once", "user", "unique", "european", "us"):
        return "a"
    return "an" if first[:1] in "aeiou" or first in ("hour", "honest", "hbo") else "a"
