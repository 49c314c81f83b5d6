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
from voicerec.vocab.genres import GENRE_FORMS
from voicerec.vocab.moods import MOODS
from voicerec.vocab.places import COUNTRIES, SERVICE_FORMS
from voicerec.vocab.topics import TOPICS
from voicerec.vocab.words import FILLER, PERSON_ALIASES

# words the parser already understands: never the start of a fuzzy (misheard) name, never a name alone
_LEXICON_WORDS = frozenset(
    w for pattern in [*(p for p, _ in GENRE_FORMS), *(m.forms for m in MOODS), *(p for p, _ in SERVICE_FORMS),
                      *(spoken for _, _, spoken in COUNTRIES.values()), *(t.forms for t in TOPICS)]
    for w in re.findall(r"[a-z]{3,}", pattern)
) | FILLER
RARE_WORD_DOCS = 40  # a name word used in more titles' text than this is an ordinary word ...
CUED_WORD_DOCS = 150  # ... unless the phrasing says a person follows ("starring", "with", "directed by")


@dataclass(frozen=True)
class TitleRef:
    id: str
    title: str
    kind: str
    year: int | None


@dataclass(frozen=True)
class PersonRef:
    name: str  # the catalogue's spelling
    spoken: str  # the normalised words that named them

    def blank(self, text: str) -> str:
        """`text` without the words that named this person."""
        parts = [re.escape(p) for p in self.spoken.split()]
        return re.sub(r"\b" + r"\W+".join(parts) + r"(?:'s)?\b", " ", text)


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
    def find_people(self, text: str, *, cued: bool = False) -> list[PersonRef]:
        """People named in `text`: full names (exact, or one misheard word), known aliases ("the rock"),
        and single name words of well-known people ("keanu", "spielberg") when the word is not an
        ordinary one (`cued`: the phrasing says a person follows, which allows commoner words)."""
        tokens = norm(text).split()
        found: list[PersonRef] = []
        used: set[int] = set()

        def take(name: str, start: int, end: int) -> None:
            if name not in (f.name for f in found):
                found.append(PersonRef(name, " ".join(tokens[start:end])))
            used.update(range(start, end))

        grams = [g for g in _ngrams(tokens, (4, 3, 2)) if not self._all_filler(g[2])]
        for start, end, gram in grams:
            alias = PERSON_ALIASES.get(gram)
            if alias and not used & set(range(start, end)) and self._exact_people([norm(alias)]):
                take(alias, start, end)
        grams = [g for g in grams if g[2].split()[0] not in ("the", "a", "an")]  # "the edge" of my seat: no person
        exact = self._exact_people([g[2] for g in grams]) if grams else {}
        for start, end, gram in grams:
            if used & set(range(start, end)):
                continue
            name = exact.get(gram)
            if name is None and end - start == 2:
                name = self._fuzzy_person(gram)
            if name:
                take(name, start, end)
        for i, token in enumerate(tokens):
            if i in used or len(token) < 3 or token in _LEXICON_WORDS or token.isdigit():
                continue
            name = PERSON_ALIASES.get(token) or self._by_name_word(token, cued)
            if name:
                take(name, i, i + 1)
        return found

    def _by_name_word(self, word: str, cued: bool) -> str | None:
        """The one well-known person a single name word points to, or None (unknown, shared, or ordinary)."""
        rows = self._name_part(word)
        if not rows:
            return None
        (name, fame), second = rows[0], (rows[1][1] if len(rows) > 1 else 0)
        if fame < (2 if cued else 4) or fame < 2 * second:
            return None
        if self.word_frequency(word) > (CUED_WORD_DOCS if cued else RARE_WORD_DOCS):
            return None
        return name

    @lru_cache(maxsize=4096)  # noqa: B019 - one matcher per process, over a read-only catalogue
    def _name_part(self, word: str) -> list[tuple[str, int]]:
        try:
            return self.conn.execute(
                "SELECT p.name, n.fame FROM name_parts n JOIN people p ON p.id = n.person_id WHERE n.part = ? "
                "ORDER BY n.fame DESC LIMIT 2", (word,)).fetchall()
        except sqlite3.OperationalError:  # a catalogue built before name_parts existed
            return []

    @lru_cache(maxsize=8192)  # noqa: B019
    def word_frequency(self, word: str) -> int:
        """In how many titles' title or description a word (stemmed) appears, counted up to 1000."""
        w = re.sub(r"[^a-z0-9]", "", word.lower())
        if not w:
            return 0
        try:
            return int(self.conn.execute(
                "SELECT count(*) FROM (SELECT 1 FROM titles_fts WHERE titles_fts MATCH ? LIMIT 1000)",
                (f'"{w}"',)).fetchone()[0])
        except sqlite3.OperationalError:
            return 0

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

    def credited_title(self, phrase: str, people: list[str]) -> TitleRef | None:
        """A title of exactly this name that credits one of these people ("jennifer aniston, but not friends")."""
        p = norm(phrase)
        if not p or not people or self._all_filler(p):
            return None
        variants = [p, p[4:] if p.startswith("the ") else "the " + p]
        row = self.conn.execute(
            "SELECT t.id, t.title, t.kind, t.year FROM titles t JOIN credits c ON c.title_id = t.id "
            "JOIN people pe ON pe.id = c.person_id WHERE t.norm_title IN (?, ?) "
            f"AND pe.norm_name IN ({','.join('?' * len(people))}) "
            "ORDER BY coalesce(t.votes, 0) DESC LIMIT 1", [*variants, *(norm(x) for x in people)]).fetchone()
        return TitleRef(*row) if row else None

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
