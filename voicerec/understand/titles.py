"""The one title a question names, from the words as spoken or as Whisper spelled them.

    TitleFinder(conn).find(["the dark night"])  ─► The Dark Knight (2008)

First the catalogue's own spelling (the phrase, with or without "the", numbers as words or digits,
"and" for "&"), the asked kind and then the best-known title preferred; then near-misses among the
catalogue's names held in memory ("inseption", "stranger thing", "breaking bat"), the better-known
preferred. An obscure exact title gives way to a far better-known one that sounds the same: a
question is asked about what people have heard of.
"""

from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from voicerec.text import norm
from voicerec.vocab.words import TENS, UNITS

_DIGIT_WORDS = {str(v): k for k, v in [*UNITS.items(), *TENS.items()] if k not in ("a", "an", "fourty")}
_WORD_DIGITS = {w: d for d, w in _DIGIT_WORDS.items()}
_SUBTITLE = r":| - | – "


@dataclass(frozen=True)
class Found:
    id: str
    title: str
    kind: str
    year: int | None
    votes: int
    score: float = 100.0  # how close the words were (rapidfuzz ratio; 100 = the catalogue's spelling)


def variants(p: str) -> list[str]:
    """Spellings of a normalised phrase that the catalogue may use instead."""
    out = [p]
    out.append(p[4:] if p.startswith("the ") else "the " + p)
    words = p.split()
    if any(w in _DIGIT_WORDS for w in words):
        out.append(" ".join(_DIGIT_WORDS.get(w, w) for w in words))
    if any(w in _WORD_DIGITS for w in words):
        out.append(" ".join(_WORD_DIGITS.get(w, w) for w in words))
    if any(len(w) == 1 and w.isalpha() for w in words):
        out.append(p.replace(" ", ""))  # "wall e": the catalogue's "WALL·E" normalises to "walle"
    if " and " in p:
        out.append(p.replace(" and ", " "))  # "law and order": the catalogue's "Law & Order" normalises to "law order"
    return list(dict.fromkeys(v for v in out if v))


class TitleFinder:
    """Finds a title asked about. One per catalogue connection; the names load on first need."""

    POOL_LIMIT = 200_000     # near-misses are looked for among this many best-rated titles (all, today)
    WELL_KNOWN = 20_000      # an exact title with this many votes is never overridden by a near-miss
    OVERRIDE_SCORE = 90      # ... otherwise a near-miss this close and 100 times better known wins
    NEAR_CUED = 86           # how close a near-miss must be when the wording cues a title
    NEAR_BARE = 92           # ... and when it only might
    MAIN_TITLE_VOTES = 5000  # a title said without its subtitle is one people know

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._pool: tuple[list[str], list[int]] | None = None

    def find(self, phrases: list[str], kind: str | None = None, *, soft_kind: str | None = None,
             year: int | None = None, cued: bool = True, near: bool = True) -> Found | None:
        """The catalogue title that the first of `phrases` able to names (the most literal reading first:
        "blade runner 2049" before "blade runner"). `kind` is what the wording says ("how many seasons":
        a show), `soft_kind` what it suggests (a director: more likely a film); both only prefer.
        `near=False`: only the catalogue's spellings (the words may as well be a request)."""
        readings = [p for p in dict.fromkeys(norm(p) for p in phrases) if p]
        exact = next((f for p in readings if (f := self._exact(variants(p), kind, soft_kind, year))), None) \
            or self._main_title([v for p in readings for v in variants(p)], kind, soft_kind, franchise=False)
        if not near or (exact is not None and (exact.votes >= self.WELL_KNOWN or len(norm(exact.title)) <= 5)):
            return exact  # short words are too close to each other for a near-miss to say more
        threshold = self.NEAR_CUED if cued else self.NEAR_BARE
        skip = norm(exact.title) if exact else None  # a near-miss is spelled otherwise than the exact title
        close = next((f for p in readings for v in variants(p) if _bare(v) != _bare(p) or v == p
                      if (f := self._near(v, kind, soft_kind, threshold, skip))), None)
        if exact is None:
            return close or self._main_title([v for p in readings for v in variants(p)], kind, soft_kind, franchise=True)
        if close and close.score >= self.OVERRIDE_SCORE and close.votes >= max(self.WELL_KNOWN, 100 * exact.votes):
            return close
        return exact

    # ------------------------------------------------------------------------------------
    def _exact(self, spellings: list[str], kind: str | None, soft_kind: str | None, year: int | None) -> Found | None:
        marks = ",".join("?" * len(spellings))
        rows = self.conn.execute(
            f"SELECT id, title, kind, year, coalesce(votes, 0), coalesce(popularity, 0) FROM titles "
            f"WHERE norm_title IN ({marks})", spellings).fetchall()
        if not rows:
            return None

        def key(r: tuple) -> tuple:
            return (r[3] == year if year else 0, _known(r[4], r[2], kind, soft_kind), r[5])

        best = max(rows, key=key)
        return Found(best[0], best[1], best[2], best[3], best[4])

    def _main_title(self, spellings: list[str], kind: str | None, soft_kind: str | None, *,
                    franchise: bool) -> Found | None:
        """A well-known title said without its subtitle: "13 hours" for "13 Hours: The Secret Soldiers of
        Benghazi"; with `franchise`, also without the rest of its name: "harry potter". Of several, the
        first of the well-known ones ("lord of the rings": The Fellowship of the Ring)."""
        rows = []
        for p in spellings:
            if len(p) >= 4:
                rows += [r for r in self.conn.execute(
                    "SELECT id, title, kind, year, coalesce(votes, 0) FROM titles WHERE norm_title > ? AND norm_title < ? "
                    "AND votes >= ? LIMIT 200", (p + " ", p + " \x7f", self.MAIN_TITLE_VOTES))
                    if (franchise and len(p.split()) >= 2) or (re.search(_SUBTITLE, r[1])
                                               and norm(re.split(_SUBTITLE, r[1], maxsplit=1)[0]) == p)]
        if not rows:
            return None
        top = max(_known(r[4], r[2], kind, soft_kind) for r in rows)
        known = [r for r in rows if _known(r[4], r[2], kind, soft_kind) >= top - 0.3]  # within a factor of four
        best = min(known, key=lambda r: (r[3] or 9999, -r[4]))
        return Found(best[0], best[1], best[2], best[3], best[4], 99.0)

    def _near(self, p: str, kind: str | None, soft_kind: str | None, threshold: float,
              skip: str | None = None) -> Found | None:
        """The best near-miss: closeness first (a point of ratio is worth a lot), then how well known,
        then the kind asked for. Compared without a leading "the", and with it ("the last of ass")."""
        names, rowids = self.pool
        hits = process.extract(_bare(p), names, scorer=fuzz.ratio, score_cutoff=threshold - 8, limit=12)
        if not hits:
            return None
        marks = ",".join("?" * len(hits))
        rows = self.conn.execute(
            f"SELECT id, title, kind, year, coalesce(votes, 0), norm_title FROM titles WHERE rowid IN ({marks})",
            [rowids[h[2]] for h in hits]).fetchall()
        scored = [(max(fuzz.ratio(p, r[5]), fuzz.ratio(_bare(p), _bare(r[5]))), r) for r in rows]
        scored = [(score, r) for score, r in scored if score >= threshold and r[5] != skip]
        if not scored:
            return None
        score, r = max(scored, key=lambda sr: sr[0] + _known(sr[1][4], sr[1][2], kind, soft_kind))
        return Found(r[0], r[1], r[2], r[3], r[4], score)

    @property
    def pool(self) -> tuple[list[str], list[int]]:
        """Every title's name without a leading "the" (the best-rated POOL_LIMIT at scale), loaded once
        from an index (about 40 ms for 37,000 titles); a look-up then takes a millisecond or two."""
        if self._pool is None:
            rows = self.conn.execute(
                "SELECT rowid, norm_title FROM titles ORDER BY quality DESC LIMIT ?", (self.POOL_LIMIT,)).fetchall()
            self._pool = ([_bare(r[1]) for r in rows], [r[0] for r in rows])
        return self._pool


def _bare(p: str) -> str:
    return p[4:] if p.startswith("the ") else p


def _known(votes: int, title_kind: str, kind: str | None, soft_kind: str | None) -> float:
    """How strongly to prefer a title: well known (up to 3 points at a million votes), of the kind asked."""
    return (math.log10(votes + 1) / 2 + (3.0 if title_kind == kind else 0.0)
            + (0.6 if title_kind == soft_kind else 0.0))


def strip_year(phrase: str) -> tuple[str, int | None]:
    """ "inception from 2010" → ("inception", 2010); a year that is the whole title stays ("1917")."""
    m = re.fullmatch(r"(.+?)\s+(?:from\s+|of\s+|in\s+)?\(?((?:19|20)\d\d)\)?", phrase)
    return (m.group(1), int(m.group(2))) if m else (phrase, None)
