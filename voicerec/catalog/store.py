"""Read-only access to catalog.db: this is where a Query's hard filters select titles.

`Catalog.match(query)` applies every hard filter (in memory over the filter columns, with SQL
sub-queries for people and countries; parameters only, never string formatting of user text);
`best`, `keyword_scores` (FTS5) and `candidates` give the ranker its pool. Nothing here writes;
the database is opened with `mode=ro`, so a request can never change the catalogue.
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voicerec.catalog.availability import Availability, RegionView
from voicerec.catalog.facets import Facets
from voicerec.errors import CatalogError
from voicerec.text import norm
from voicerec.types import SERVICES, Query, Title
from voicerec.vocab.topics import TOPIC_BY_KEY

_COLUMNS = (
    "rowid, id, title, norm_title, kind, year, runtime, seasons, genres, genre_mask, min_age, countries, "
    "services, rating, votes, popularity, quality, description, \"cast\", directors, available_as_of"
)
_LIGHT = ("t.rowid, t.id, t.norm_title, t.kind, t.year, t.runtime, t.genre_mask, t.quality, t.popularity, t.votes, "
          "t.min_age")
_FTS_WORD = re.compile(r"[a-z0-9]{3,}")
COMMON_WORD_DOCS = 20_000  # keyword search skips a word found in more titles than this
_FTS_STOP = {"the", "and", "for", "with", "about", "something", "that", "this", "from", "into", "some"}


@dataclass(slots=True)
class Candidate:
    """A row that passed every hard filter, with only what the ranker needs (cheap to build)."""

    rowid: int
    id: str
    norm_title: str
    kind: str
    year: int | None
    runtime: int | None
    genre_mask: int
    quality: float | None
    popularity: float | None
    votes: int | None
    min_age: int | None = None
    bm25: float = 0.0


def fts_terms(text: str) -> list[str]:
    """The content words of free text as FTS5 terms, quoted so user text is never syntax; words of
    five letters or more also match as prefixes ("space" finds "spaceship")."""
    words = [w for w in _FTS_WORD.findall(norm(text)) if w not in _FTS_STOP]
    return [f'"{w}"*' if len(w) >= 5 else f'"{w}"' for w in list(dict.fromkeys(words))[:8]]


def topic_expression(topic: str) -> str | None:
    """FTS5 query for a topic: any of a known topic's evidence phrases, or all of free words."""
    known = TOPIC_BY_KEY.get(topic)
    if known is not None:
        phrases = [" ".join(_FTS_WORD.findall(norm(e))) for e in known.evidence]
        return " OR ".join(f'"{p}"' for p in dict.fromkeys(phrases) if p) or None
    return " AND ".join(fts_terms(topic)) or None


def fts_expression(text: str) -> str | None:
    """An FTS5 OR-query of the content words of free text."""
    return " OR ".join(fts_terms(text)) or None


class Catalog:
    """The catalogue, opened read-only. One instance per process; cheap to open.

    `region` is the household's country: which services' availability the answers use (availability.py).
    `changed()` tells when `catalog refresh` (or build, or import) has put a new file in its place."""

    def __init__(self, path: Path | str, region: str = "US") -> None:
        self.path = Path(path)
        self.region = region
        if not self.path.is_file():
            raise CatalogError(f"no catalogue at {self.path}; build it with: voicerec catalog build")
        try:
            self._opened = _identity(self.path)
            self.conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self.conn.execute("PRAGMA query_only = ON")
            self.meta = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
            self.conn.execute("SELECT rowid FROM titles LIMIT 1").fetchall()
            self.view = RegionView.load(self.conn, region)
            self._facets: Facets | None = None
            self._topics: dict[str, set[int]] = {}
        except (sqlite3.DatabaseError, OSError) as e:
            raise CatalogError(f"cannot read the catalogue {self.path}: {e}; rebuild it with: voicerec catalog build") from None

    def changed(self) -> bool:
        """True when the file at `path` is no longer the one opened (a refresh or a build replaced it)."""
        try:
            return _identity(self.path) != self._opened
        except OSError:
            return False  # gone for a moment (mid-rename) or unreadable: keep answering from the open one

    def close(self) -> None:
        self.conn.close()

    @property
    def newest_year(self) -> int:
        value = self.meta.get("newest_year")
        if value:
            return int(value)
        row = self.conn.execute("SELECT max(year) FROM titles WHERE year <= 2100").fetchone()
        return int(row[0] or 2023)

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM titles").fetchone()[0])

    # --- availability ---------------------------------------------------------------------
    @property
    def availability_known(self) -> bool:
        """Whether the catalogue says anything about what streams in the household's region."""
        return self.view is None or self.view.known

    @property
    def refreshed(self) -> bool:
        """Whether the household's region's availability is what a refresh saw (dated to the day)."""
        return self.view is not None and self.view.known

    def services(self) -> list[str]:
        """The services titles stream on in the household's region (the shipped seven without a refresh)."""
        return list(SERVICES) if self.view is None else list(self.view.present)

    def listing_dates(self) -> dict[str, str]:
        """service → month (YYYY-MM) of its newest listing: what "on Netflix" is as of; in a refreshed
        region, the day (YYYY-MM-DD) of the last refresh that saw something there."""
        if self.view is not None:
            return {s: self.view.dates[s] for s in self.view.present if s in self.view.dates}
        rows = self.conn.execute("SELECT service, max(snapshot) FROM listings WHERE newest = 1 GROUP BY service")
        return _in_service_order(dict(rows.fetchall()))

    def availability(self, title_id: str) -> Availability | None:
        """Where a title is (`on`: service → month of the newest listing, which has it) and was
        (`was_on`: service → month of the newest listing that had it, for services it left)."""
        row = self.conn.execute("SELECT available_as_of, was_on FROM titles WHERE id = ?", (title_id,)).fetchone()
        if row is None:
            return None
        shipped = Availability(on=json.loads(row[0]), was_on=json.loads(row[1]))
        return shipped if self.view is None else self.view.availability(title_id, shipped)

    def extra(self, title_id: str) -> dict[str, str | None]:
        """What a reply or a hook may need beside the Title: the IMDb id and the age certificate as listed."""
        row = self.conn.execute("SELECT imdb_id, age_cert FROM titles WHERE id = ?", (title_id,)).fetchone()
        return {"imdb_id": row[0], "age_cert": row[1]} if row else {"imdb_id": None, "age_cert": None}

    def resolve(self, source_id: str) -> str | None:
        """The title id a source row's own id (tm123, nf-s123, or an id of an older build) now has."""
        if self.conn.execute("SELECT 1 FROM titles WHERE id = ?", (source_id,)).fetchone():
            return source_id
        row = self.conn.execute("SELECT title_id FROM title_sources WHERE source_key = ? LIMIT 1", (source_id,)).fetchone()
        return row[0] if row else None

    # --- hard filters -------------------------------------------------------------------
    @property
    def facets(self) -> Facets:
        """The filter columns in memory (loaded on first use, kept for the process's life)."""
        if self._facets is None:
            facets = Facets.load(self.conn)
            if self.view is not None:
                facets.services = self._region_masks(facets)
                facets.service_bits = self.view.mask
            self._facets = facets
        return self._facets

    def _region_masks(self, facets: Facets) -> np.ndarray:
        """The service mask of every title in the household's region, aligned with `facets`."""
        view = self.view
        masks = np.zeros(len(facets), dtype=np.int64)
        if view is None or not view.on:
            return masks
        rows = self.conn.execute("SELECT t.rowid, a.service FROM availability a JOIN titles t ON t.id = a.title_id "
                                 "WHERE a.region = ? AND a.here = 1", (self.region,)).fetchall()
        if rows:
            pos = facets.positions(np.array([r[0] for r in rows], dtype=np.int64))
            bits = np.array([view.bit(r[1]) for r in rows], dtype=np.int64)
            ok = pos >= 0
            np.bitwise_or.at(masks, pos[ok], bits[ok])
        return masks

    def match(self, q: Query) -> np.ndarray:
        """Boolean mask over `facets`: the titles that pass every hard filter of the query."""
        try:
            only = self._subquery_rowids(q)
            exclude = self._excluded_rowids(q)
            return self.facets.mask(q, only=only, exclude=exclude)
        except sqlite3.DatabaseError as e:
            raise CatalogError(f"catalogue query failed: {e}") from None

    def _excluded_rowids(self, q: Query) -> np.ndarray | None:
        """Rowids ruled out by id, by a person, by a country or by what they are about."""
        out: set[int] = set()
        if q.exclude_ids:
            out |= set(self._rowids_of(q.exclude_ids).tolist())
        for person in q.exclude_people:
            out |= self._person_rowids(person)
        if q.exclude_countries:
            out |= self._country_rowids(q.exclude_countries)
        for topic in q.exclude_topics:
            out |= self.topic_rowids(topic)
        return np.fromiter(out, dtype=np.int64, count=len(out)) if out else None

    def topic_rowids(self, topic: str) -> set[int]:
        """Titles whose title or description shows a topic: a vocab/topics.py key (any of its evidence
        words), or free words (all of them). Cached: the catalogue does not change while open."""
        hit = self._topics.get(topic)
        if hit is None:
            expr = topic_expression(topic)
            hit = {r[0] for r in self.conn.execute(
                "SELECT rowid FROM titles_fts WHERE titles_fts MATCH ?", (expr,))} if expr else set()
            self._topics[topic] = hit
        return hit

    def _person_rowids(self, person: str, *, role: str | None = None) -> set[int]:
        """Titles a person is credited on (as `role`, when given). Spellings that differ only in accents
        are one person."""
        sql = ("SELECT t.rowid FROM people p JOIN credits c ON c.person_id = p.id JOIN titles t ON t.id = c.title_id "
               "WHERE p.norm_name = ?")
        if role:
            sql += " AND c.role = ?"
        return {r[0] for r in self.conn.execute(sql, (norm(person), role) if role else (norm(person),))}

    def billing(self, rowids: list[int], people: list[str]) -> dict[int, int]:
        """For each title, the best billing of any of these people on it: 0 for a director, else the
        actor's place in the credits (a cameo far down the list is a poor answer to "a film with X")."""
        if not rowids or not people:
            return {}
        marks, pmarks = ",".join("?" * len(rowids)), ",".join("?" * len(people))
        rows = self.conn.execute(
            "SELECT t.rowid, min(CASE WHEN c.role = 'director' THEN 0 ELSE c.ord END) FROM titles t "
            "JOIN credits c ON c.title_id = t.id JOIN people p ON p.id = c.person_id "
            f"WHERE t.rowid IN ({marks}) AND p.norm_name IN ({pmarks}) GROUP BY t.rowid",
            [*rowids, *(norm(p) for p in people)])
        return {r[0]: r[1] for r in rows}

    def _country_rowids(self, countries: list[str]) -> set[int]:
        marks = ",".join("?" * len(countries))
        return {r[0] for r in self.conn.execute(
            f"SELECT t.rowid FROM title_countries c JOIN titles t ON t.id = c.title_id WHERE c.country IN ({marks})",
            countries)}

    def _subquery_rowids(self, q: Query) -> np.ndarray | None:
        """Rowids allowed by the filters that live in other tables (countries, people, topics: full text)."""
        sets: list[set[int]] = []
        if q.countries:
            sets.append(self._country_rowids(q.countries))
        sets += [self._person_rowids(person) for person in q.people]
        sets += [self._person_rowids(person, role="director") for person in q.directors]
        if q.people_any:
            sets.append(set().union(*(self._person_rowids(person) for person in q.people_any)))
        sets += [self.topic_rowids(topic) for topic in q.topics]
        if not sets:
            return None
        return np.fromiter(set.intersection(*sets), dtype=np.int64)

    def _rowids_of(self, ids: list[str]) -> np.ndarray:
        out: list[int] = []
        for i in range(0, len(ids), 900):
            chunk = ids[i:i + 900]
            marks = ",".join("?" * len(chunk))
            out += [r[0] for r in self.conn.execute(f"SELECT rowid FROM titles WHERE id IN ({marks})", chunk)]
        return np.array(out, dtype=np.int64)

    def passes(self, rowid: int, q: Query) -> bool:
        pos = self.facets.positions(np.array([rowid]))[0]
        return bool(pos >= 0 and self.match(q)[pos])

    # --- candidate pools ----------------------------------------------------------------
    def best(self, mask: np.ndarray, q: Query, k: int) -> np.ndarray:
        """Rowids of the k best titles passing `mask`, by the query's order (quality by default)."""
        f = self.facets
        if q.sort not in ("popularity", "newest", "oldest", "trending"):
            return f.rowids[f.first_by_quality(mask, k)]
        pos = np.flatnonzero(mask)
        if len(pos) == 0:
            return np.zeros(0, dtype=np.int64)
        key = {
            "popularity": f.popularity[pos],
            "trending": f.popularity[pos],
            "newest": f.year[pos].astype(np.float32) * 100 + f.quality[pos],
            "oldest": -f.year[pos].astype(np.float32) * 100 + f.quality[pos],
        }.get(q.sort, f.quality[pos])
        if len(pos) > k:
            top = np.argpartition(-key, k - 1)[:k]
            pos = pos[top]
        return f.rowids[pos]

    def keyword_scores(self, text: str, mask: np.ndarray, k: int = 200) -> dict[int, float]:
        """Keyword relevance of the mood words (higher is better) for up to k titles passing `mask`.

        Each word adds its BM25 inverse document frequency to the titles that mention it, twice
        when the title itself has it (as bm25(titles_fts, 2.0, 1.0) weighs the columns). Only rowids
        are read from the full-text index: FTS5's bm25() looks up every match's document length, five
        times the cost, and at a million titles that alone took 30-550 ms a query. A word in more
        than COMMON_WORD_DOCS titles is skipped: it says little and would cost the most."""
        terms = fts_terms(text)
        f = self.facets
        n = len(f)
        if not terms or n == 0:
            return {}
        acc = np.zeros(n, dtype=np.float32)
        try:
            for term in terms:
                pos = self._fts_positions(term)
                if pos is None or not len(pos):
                    continue
                idf = math.log(1.0 + (n - len(pos) + 0.5) / (len(pos) + 0.5))
                acc[pos] += idf
                in_title = self._fts_positions(f"title : {term}")
                if in_title is not None:
                    acc[in_title] += idf
        except sqlite3.DatabaseError as e:
            raise CatalogError(f"catalogue text search failed: {e}") from None
        acc[~mask] = 0.0
        hits = np.flatnonzero(acc)
        if len(hits) > k:  # ties (titles with the same words) go to the better-rated
            key = acc[hits] + 1e-3 * np.clip(f.quality[hits], 0.0, 10.0)
            hits = hits[np.argpartition(-key, k - 1)[:k]]
        return {int(f.rowids[p]): float(acc[p]) for p in hits}

    def _fts_positions(self, expr: str) -> np.ndarray | None:
        """Facet positions of the titles matching an FTS5 expression; None if more than COMMON_WORD_DOCS."""
        (ids,) = self.conn.execute(  # one string, not a Python tuple per row: half the time at 20k rows
            "SELECT group_concat(rowid) FROM (SELECT rowid FROM titles_fts WHERE titles_fts MATCH ? LIMIT ?)",
            (expr, COMMON_WORD_DOCS + 1)).fetchone()
        rowids = np.array(ids.split(","), dtype=np.int64) if ids else np.zeros(0, dtype=np.int64)
        if len(rowids) > COMMON_WORD_DOCS:
            return None
        pos = self.facets.positions(rowids)
        return pos[pos >= 0]

    def candidates(self, rowids: list[int]) -> list[Candidate]:
        """What the ranker needs of these rows (a few hundred at most)."""
        out: list[Candidate] = []
        for i in range(0, len(rowids), 900):
            chunk = rowids[i:i + 900]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(f"SELECT {_LIGHT} FROM titles t WHERE t.rowid IN ({marks})", chunk).fetchall()
            out.extend(Candidate(*r) for r in rows)
        return out

    def get(self, title_id: str) -> Candidate | None:
        row = self.conn.execute(f"SELECT {_LIGHT} FROM titles t WHERE t.id = ?", (title_id,)).fetchone()
        return Candidate(*row) if row else None

    def titles(self, rowids: list[int]) -> dict[int, Title]:
        """Full title facts for the few rows that will be shown."""
        if not rowids:
            return {}
        marks = ",".join("?" * len(rowids))
        rows = self.conn.execute(f"SELECT {_prefixed()} FROM titles t WHERE t.rowid IN ({marks})", rowids).fetchall()
        out = {r[0]: self._title(r) for r in rows}
        if self.view is not None:  # the household's region says where each one streams
            for t in out.values():
                t.available_as_of = self.view.title_on(t.id)
                t.services = list(t.available_as_of)
        return out

    def title(self, title_id: str) -> Title | None:
        c = self.get(title_id)
        return self.titles([c.rowid]).get(c.rowid) if c else None

    def find_by_title(self, name: str, kind: str | None = None) -> Candidate | None:
        args: list[object] = [norm(name)]
        kind_sql = ""
        if kind:
            kind_sql = " AND t.kind = ?"
            args.append(kind)
        row = self.conn.execute(
            f"SELECT {_LIGHT} FROM titles t WHERE t.norm_title = ?{kind_sql} ORDER BY t.votes DESC NULLS LAST LIMIT 1",
            args,
        ).fetchone()
        return Candidate(*row) if row else None

    @staticmethod
    def _title(r: tuple) -> Title:
        (rowid, tid, title, norm_title, kind, year, runtime, seasons, genres, gmask, min_age, countries,
         services, rating, votes, popularity, quality, description, cast, directors, as_of) = r[:21]
        t = Title(
            id=tid, title=title, kind=kind, year=year, runtime=runtime or None, seasons=seasons,
            genres=json.loads(genres), min_age=min_age, countries=json.loads(countries),
            services=json.loads(services), available_as_of=json.loads(as_of), rating=rating, votes=votes,
            popularity=popularity,
            cast=json.loads(cast)[:8], directors=json.loads(directors)[:4], description=description or "",
        )
        return t


def _identity(path: Path) -> tuple[int, int, int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size


def _in_service_order(d: dict[str, str]) -> dict[str, str]:
    return {s: d[s] for s in SERVICES if s in d}


def _prefixed() -> str:
    return ", ".join(
        "t.rowid" if c.strip() == "rowid" else f"t.{c.strip()}" for c in _COLUMNS.split(",")
    )
