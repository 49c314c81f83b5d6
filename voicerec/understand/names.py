"""People and titles found in the catalogue, fuzzily enough to survive speech recognition.

All look-ups go through indexed SQL on the read-only catalogue (no start-up cost), then
rapidfuzz scores a handful of candidates. Ordinary words never match: a person needs two name
words, a bare title needs several words and a high score; cued phrases ("like X", "named X")
may match more loosely.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from voicerec.text import norm
from voicerec.understand.lexicon import (
    COUNTRY_PATTERNS,
    DOMAIN_CUES,
    FILLER,
    GENRE_PATTERNS,
    MOODS,
    OOD_CUES,
    SERVICE_PATTERNS,
)

# words the parser already understands: never the start of a fuzzy (misheard) name
_LEXICON_WORDS = frozenset(
    w for pattern in [*(p for p, _ in GENRE_PATTERNS), *(p for p, *_ in MOODS), *(p for p, _ in SERVICE_PATTERNS),
                      *(p for p, _ in COUNTRY_PATTERNS), DOMAIN_CUES, OOD_CUES]
    for w in re.findall(r"[a-z]{3,}", pattern)
) | FILLER


@dataclass(frozen=True)
class TitleRef:
    id: str
    title: str
    kind: str
    year: int | None


@dataclass(frozen=True)
class PersonRef:
    name: str
    start: int
    end: int


def _ngrams(tokens: list[str], sizes: tuple[int, ...]) -> list[tuple[int, int, str]]:
    out = []
    for n in sizes:
        for i in range(len(tokens) - n + 1):
            out.append((i, i + n, " ".join(tokens[i:i + n])))
    return out


class NameMatcher:
    """Finds people and titles of the catalogue in normalised text."""

    PERSON_FUZZY = 87
    TITLE_CUED = 86
    TITLE_BARE = 92

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._fuzzy_person = lru_cache(maxsize=4096)(self._fuzzy_person_uncached)

    # --- people -------------------------------------------------------------------------
    def find_people(self, text: str) -> list[PersonRef]:
        """People named in `text` (normalised words); returns catalogue spellings and token spans."""
        tokens = norm(text).split()
        grams = [g for g in _ngrams(tokens, (3, 2)) if not self._all_filler(g[2])]
        if not grams:
            return []
        found: list[PersonRef] = []
        used: set[int] = set()
        exact = self._exact_people([g[2] for g in grams])
        for start, end, gram in grams:
            if used & set(range(start, end)):
                continue
            name = exact.get(gram)
            if name is None and end - start == 2:
                name = self._fuzzy_person(gram)
            if name:
                found.append(PersonRef(name, start, end))
                used |= set(range(start, end))
        return found

    def _exact_people(self, grams: list[str]) -> dict[str, str]:
        marks = ",".join("?" * len(grams))
        rows = self.conn.execute(
            f"SELECT norm_name, name FROM people WHERE norm_name IN ({marks}) ORDER BY n_titles", grams
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    def _fuzzy_person_uncached(self, gram: str) -> str | None:
        first, last = gram.split(" ", 1)
        if len(first) < 3 or len(last) < 4 or first in _LEXICON_WORDS or last in _LEXICON_WORDS:
            return None
        lo = first[:3]
        rows = self.conn.execute(
            "SELECT name, norm_name, n_titles FROM people WHERE norm_name >= ? AND norm_name < ? "
            "AND n_titles >= 2 LIMIT 5000",
            (lo, lo + "\x7f"),
        ).fetchall()
        best, best_score = None, 0.0
        for name, nn, n_titles in rows:
            parts = nn.split()
            if len(parts) != 2:
                continue
            score = fuzz.ratio(gram, nn)
            if score >= self.PERSON_FUZZY and fuzz.ratio(last, parts[1]) >= 75:
                score += min(n_titles, 50) / 100
                if score > best_score:
                    best, best_score = name, score
        return best

    # --- titles -------------------------------------------------------------------------
    def find_title(self, phrase: str, *, cued: bool = True, kind: str | None = None) -> TitleRef | None:
        """The catalogue title a spoken phrase names, or None."""
        p = norm(phrase)
        if not p or self._all_filler(p):
            return None
        variants = [p]
        if p.startswith("the "):
            variants.append(p[4:])
        else:
            variants.append("the " + p)
        marks = ",".join("?" * len(variants))
        kind_sql, args = ("AND kind = ?", [kind]) if kind else ("", [])
        row = self.conn.execute(
            f"SELECT id, title, kind, year FROM titles WHERE norm_title IN ({marks}) {kind_sql} "
            "ORDER BY coalesce(votes, 0) DESC, coalesce(popularity, 0) DESC LIMIT 1",
            [*variants, *args],
        ).fetchone()
        if row:
            return TitleRef(*row)
        return self._fuzzy_title(p, self.TITLE_CUED if cued else self.TITLE_BARE, kind)

    def _fuzzy_title(self, p: str, threshold: float, kind: str | None) -> TitleRef | None:
        """Near-misses ("stranger thing", "the dark night"): the best-known titles sharing a word."""
        words = [w for w in p.split() if w not in FILLER and len(w) > 2][:4]
        if not words:
            return None
        rows: dict[str, tuple] = {}
        for w in words:
            try:
                for r in self.conn.execute(
                    "SELECT t.id, t.title, t.kind, t.year, t.norm_title, coalesce(t.votes, 0) "
                    "FROM titles_fts f JOIN titles t ON t.rowid = f.rowid WHERE titles_fts MATCH ? "
                    "ORDER BY coalesce(t.votes, 0) DESC LIMIT 80",
                    (f'title: "{w}"',),
                ):
                    rows[r[0]] = r
            except sqlite3.OperationalError:
                return None
        best, best_score = None, 0.0
        for tid, title, tkind, year, nt, votes in rows.values():
            if kind and tkind != kind:
                continue
            score = max(fuzz.ratio(p, nt), fuzz.ratio(p, nt[4:]) if nt.startswith("the ") else 0)
            if score >= threshold:
                score += min(votes, 1_000_000) / 1_000_000
                if score > best_score:
                    best, best_score = TitleRef(tid, title, tkind, year), score
        return best

    @staticmethod
    def _all_filler(gram: str) -> bool:
        return all(w in FILLER or w.isdigit() for w in gram.split())
