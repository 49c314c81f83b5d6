"""A short spoken reason for each suggestion, built from the facts that made it rank."""

from __future__ import annotations

from voicerec.say.phrases import article, count
from voicerec.types import Query, Title
from voicerec.vocab.genres import MODIFIER, SECONDARY, STANDALONE


def genre_phrase(t: Title, q: Query | None = None) -> tuple[str, bool]:
    """The genre word to say, preferring one the user asked for; and whether it stands alone."""
    asked = [*q.genres_all[-1:], *q.genres] if q else []
    wanted = [g for g in asked if g in t.genres]
    boosted = [g for g in (q.boost_genres if q else []) if g in t.genres]
    g = (wanted or boosted or [x for x in t.genres if x not in SECONDARY] or t.genres or [None])[0]
    if g is None:
        return "", False
    return MODIFIER[g], g in STANDALONE


def kind_phrase(t: Title, q: Query | None = None) -> str:
    """'97-minute comedy', 'crime series', 'science fiction film', 'two-season drama series'."""
    genre, standalone = genre_phrase(t, q)
    if t.kind == "show":
        noun = f"{genre} series".strip() if not (genre == "documentary") else "documentary series"
        if t.seasons:
            noun = f"{count(t.seasons)}-season {noun}"
        return noun
    noun = genre if standalone else (f"{genre} film".strip() if genre else "film")
    if t.runtime:
        noun = f"{t.runtime}-minute {noun}"
    return noun


def reason(t: Title, q: Query | None = None) -> str:
    """E.g. 'a 97-minute comedy from 2004, rated 7.4 on IMDb'."""
    phrase = kind_phrase(t, q)
    parts = [f"{article(phrase)} {phrase}"]
    if t.year:
        parts[0] += f" from {t.year}"
    if q and q.people:
        people = [p for p in q.people if p in t.cast or p in t.directors]
        for p in people[:1]:
            parts.append(f"directed by {p}" if p in t.directors else f"starring {p}")
    if t.rating and (t.votes or 0) >= 1000 and t.rating >= 6.5:
        parts.append(f"rated {t.rating:.1f}")
    return ", ".join(parts)


