"""Read-only access to catalog.db: this is where a Query becomes candidate titles.

`Catalog.candidates(query)` applies every hard filter in SQL (parameters only, never string
formatting of user text) and returns the pool the ranker scores: the best-rated rows that pass,
plus keyword (FTS5) hits for the mood words. Nothing here writes; the database is opened with
`mode=ro`, so a request can never change the catalogue.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from voicerec.catalog.schema import genre_mask, service_mask
from voicerec.errors import CatalogError
from voicerec.text import norm
from voicerec.types import Query, Title

_COLUMNS = (
    "rowid, id, title, norm_title, kind, year, runtime, seasons, genres, genre_mask, min_age, countries, "
    "services, rating, votes, popularity, quality, description, \"cast\", directors"
)
_LIGHT = "t.rowid, t.id, t.norm_title, t.kind, t.year, t.runtime, t.genre_mask, t.quality, t.popularity, t.votes"
_FTS_WORD = re.compile(r"[a-z0-9]{3,}")
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
    bm25: float = 0.0


@dataclass
class Filter:
    where: str
    args: list[object]


def build_filter(q: Query, *, alias: str = "t") -> Filter:
    """SQL WHERE clause and parameters for the hard constraints of a query."""
    a = alias
    clauses: list[str] = []
    args: list[object] = []
    if q.kind:
        clauses.append(f"{a}.kind = ?")
        args.append(q.kind)
    if q.genres:
        clauses.append(f"({a}.genre_mask & ?) != 0")
        args.append(genre_mask(q.genres))
    if q.exclude_genres:
        clauses.append(f"({a}.genre_mask & ?) = 0")
        args.append(genre_mask(q.exclude_genres))
    if q.year_min is not None:
        clauses.append(f"{a}.year >= ?")
        args.append(q.year_min)
    if q.year_max is not None:
        clauses.append(f"{a}.year <= ?")
        args.append(q.year_max)
    if q.runtime_min is not None:
        clauses.append(f"{a}.runtime >= ?")
        args.append(q.runtime_min)
    if q.runtime_max is not None:
        clauses.append(f"{a}.runtime <= ? AND {a}.runtime > 0")
        args.append(q.runtime_max)
    if q.seasons_min is not None:
        clauses.append(f"{a}.seasons >= ?")
        args.append(q.seasons_min)
    if q.seasons_max is not None:
        clauses.append(f"{a}.seasons <= ?")
        args.append(q.seasons_max)
    if q.max_age is not None:
        clauses.append(f"{a}.min_age <= ?")
        args.append(q.max_age)
    if q.services:
        clauses.append(f"({a}.service_mask & ?) != 0")
        args.append(service_mask(q.services))
    if q.countries:
        marks = ",".join("?" * len(q.countries))
        clauses.append(f"{a}.id IN (SELECT title_id FROM title_countries WHERE country IN ({marks}))")
        args.extend(q.countries)
    for person in q.people:
        clauses.append(
            f"{a}.id IN (SELECT c.title_id FROM credits c JOIN people p ON p.id = c.person_id WHERE p.name = ?)"
        )
        args.append(person)
    if q.exclude_ids:
        marks = ",".join("?" * len(q.exclude_ids))
        clauses.append(f"{a}.id NOT IN ({marks})")
        args.extend(q.exclude_ids)
    if q.min_rating is not None:
        clauses.append(f"{a}.rating >= ?")
        args.append(q.min_rating)
    return Filter(" AND ".join(clauses) or "1", args)


def fts_expression(text: str) -> str | None:
    """An FTS5 OR-query of the content words of free text; quoted, so user text is never syntax."""
    words = [w for w in _FTS_WORD.findall(norm(text)) if w not in _FTS_STOP]
    words = list(dict.fromkeys(words))[:8]
    if not words:
        return None
    return " OR ".join(f'"{w}"*' if len(w) >= 5 else f'"{w}"' for w in words)


class Catalog:
    """The catalogue, opened read-only. One instance per process; cheap to open."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise CatalogError(f"no catalogue at {self.path}; build it with: voicerec catalog build")
        try:
            self.conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self.conn.execute("PRAGMA query_only = ON")
            self.meta = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
            self.conn.execute("SELECT rowid FROM titles LIMIT 1").fetchall()
        except sqlite3.DatabaseError as e:
            raise CatalogError(f"cannot read the catalogue {self.path}: {e}; rebuild it with: voicerec catalog build") from None

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

    # ------------------------------------------------------------------------------------
    def candidates(self, q: Query, *, limit: int = 300, fts_limit: int = 200) -> list[Candidate]:
        """Rows passing every hard filter: the best by quality, plus keyword hits on the mood."""
        f = build_filter(q)
        order = {
            "newest": "t.year DESC, t.quality DESC",
            "oldest": "t.year ASC, t.quality DESC",
            "popularity": "t.popularity DESC",
        }.get(q.sort, "t.quality DESC")  # NULLs sort last in DESC order
        try:
            rows = self.conn.execute(
                f"SELECT {_LIGHT} FROM titles t {_hint(q)} WHERE {f.where} "
                f"ORDER BY {order}, t.id LIMIT ?",
                [*f.args, limit],
            ).fetchall()
            pool = {r[0]: Candidate(*r) for r in rows}
            expr = fts_expression(q.mood) if q.mood else None
            if expr:
                hits = self.conn.execute(
                    f"SELECT {_LIGHT}, bm25(titles_fts, 2.0, 1.0) AS score FROM titles_fts "
                    f"JOIN titles t ON t.rowid = titles_fts.rowid WHERE titles_fts MATCH ? AND {f.where} "
                    "ORDER BY score LIMIT ?",
                    [expr, *f.args, fts_limit],
                ).fetchall()
                for r in hits:
                    c = pool.get(r[0]) or Candidate(*r[:-1])
                    c.bm25 = -float(r[-1])
                    pool[r[0]] = c
        except sqlite3.DatabaseError as e:
            raise CatalogError(f"catalogue query failed: {e}") from None
        return list(pool.values())

    def filtered_rowids(self, q: Query, cap: int) -> list[int] | None:
        """All rowids passing the hard filters, or None when there are more than `cap`."""
        f = build_filter(q)
        rows = self.conn.execute(f"SELECT t.rowid FROM titles t {_hint(q)} WHERE {f.where} LIMIT ?",
                                 [*f.args, cap + 1]).fetchall()
        if len(rows) > cap:
            return None
        return [r[0] for r in rows]

    def by_rowids(self, rowids: list[int], q: Query | None = None) -> list[Candidate]:
        """Candidates for these rowids that also pass the query's filters (if given)."""
        if not rowids:
            return []
        f = build_filter(q) if q else Filter("1", [])
        out: list[Candidate] = []
        for i in range(0, len(rowids), 900):
            chunk = rowids[i:i + 900]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT {_LIGHT} FROM titles t WHERE t.rowid IN ({marks}) AND {f.where}", [*chunk, *f.args]
            ).fetchall()
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
        return {r[0]: self._title(r) for r in rows}

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
         services, rating, votes, popularity, quality, description, cast, directors) = r[:20]
        t = Title(
            id=tid, title=title, kind=kind, year=year, runtime=runtime or None, seasons=seasons,
            genres=json.loads(genres), min_age=min_age, countries=json.loads(countries),
            services=json.loads(services), rating=rating, votes=votes, popularity=popularity,
            cast=json.loads(cast)[:8], directors=json.loads(directors)[:4], description=description or "",
        )
        return t


def _hint(q: Query) -> str:
    """Scan the narrow covering index unless a selective sub-query (people, countries) should drive."""
    return "" if (q.people or q.countries) else "INDEXED BY idx_titles_rank"


def _prefixed() -> str:
    return ", ".join(
        "t.rowid" if c.strip() == "rowid" else f"t.{c.strip()}" for c in _COLUMNS.split(",")
    )
