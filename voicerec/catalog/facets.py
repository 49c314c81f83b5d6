"""The filterable columns of every title as numpy arrays: hard filters evaluated in memory.

SQL stays the source of truth (and does the text search and the people/country sub-queries),
but scanning a million wide rows per request is too slow on a Raspberry Pi; a boolean mask over
a few compact arrays is a few milliseconds at any size. Loaded once per process (~40 bytes a
title), aligned by position; `rowids[i]` is titles.rowid.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

import numpy as np

from voicerec.catalog.schema import genre_mask, service_mask
from voicerec.types import Query

UNKNOWN = -1
UNKNOWN_AGE = 99


class Facets:
    def __init__(self, columns: dict[str, np.ndarray]) -> None:
        self.rowids = columns["rowid"]
        self.kind = columns["kind"]  # 0 movie, 1 show
        self.year = columns["year"]
        self.runtime = columns["runtime"]
        self.seasons = columns["seasons"]
        self.min_age = columns["min_age"]
        self.genres = columns["genre_mask"]
        self.services = columns["service_mask"]
        self.service_bits: Callable[[list[str]], int] = service_mask  # a region's view replaces both (store.py)
        self.quality = columns["quality"]
        self.popularity = columns["popularity"]
        self.rating = columns["rating"]
        order = np.argsort(self.rowids)
        self._sorted_rowids = self.rowids[order]
        self._order = order
        self._by_quality: np.ndarray | None = None
        self.load_ms = 0.0

    def __len__(self) -> int:
        return len(self.rowids)

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> Facets:
        t0 = time.perf_counter()
        cur = conn.execute(
            "SELECT rowid, kind = 'show', coalesce(year, -1), coalesce(runtime, -1), coalesce(seasons, -1), "
            "coalesce(min_age, 99), genre_mask, service_mask, coalesce(quality, -1.0), "
            "coalesce(popularity, 0.0), coalesce(rating, -1.0) FROM titles INDEXED BY idx_titles_rank"
        )
        ints, floats = [], []
        while True:
            rows = cur.fetchmany(50_000)
            if not rows:
                break
            arr = np.array(rows, dtype=np.float64)
            ints.append(arr[:, :8].astype(np.int64))
            floats.append(arr[:, 8:].astype(np.float32))
        i = np.concatenate(ints) if ints else np.zeros((0, 8), np.int64)
        f = np.concatenate(floats) if floats else np.zeros((0, 3), np.float32)
        facets = cls({
            "rowid": i[:, 0], "kind": i[:, 1].astype(np.int8), "year": i[:, 2].astype(np.int16),
            "runtime": i[:, 3].astype(np.int32), "seasons": i[:, 4].astype(np.int16),
            "min_age": i[:, 5].astype(np.int8), "genre_mask": i[:, 6].astype(np.int32),
            "service_mask": i[:, 7].astype(np.int64), "quality": f[:, 0], "popularity": f[:, 1], "rating": f[:, 2],
        })
        facets.load_ms = (time.perf_counter() - t0) * 1000
        return facets

    def first_by_quality(self, mask: np.ndarray, k: int) -> np.ndarray:
        """Positions of the k best-rated titles passing `mask`, best first. Walks a quality order
        computed once, in growing steps, so a loose filter costs a few thousand lookups, not a
        partition of the whole catalogue."""
        if self._by_quality is None:
            self._by_quality = np.argsort(-self.quality, kind="stable").astype(np.int32)
        order = self._by_quality
        found: list[np.ndarray] = []
        have, start, step = 0, 0, max(1024, 4 * k)
        while have < k and start < len(order):
            sel = order[start:start + step]
            sel = sel[mask[sel]]
            found.append(sel)
            have += len(sel)
            start += step
            step *= 2
        if not found:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate(found)[:k].astype(np.int64)

    def positions(self, rowids: np.ndarray) -> np.ndarray:
        """Positions of these rowids in the arrays (-1 where absent)."""
        rowids = np.asarray(rowids, dtype=np.int64)
        if len(self._sorted_rowids) == 0 or len(rowids) == 0:
            return np.full(len(rowids), -1, dtype=np.int64)
        i = np.clip(np.searchsorted(self._sorted_rowids, rowids), 0, len(self._sorted_rowids) - 1)
        hit = self._sorted_rowids[i] == rowids
        return np.where(hit, self._order[i], -1)

    def mask(self, q: Query, *, only: np.ndarray | None = None, exclude: np.ndarray | None = None) -> np.ndarray:
        """True where a title passes every hard filter of the query held in these columns.

        `only`: rowids allowed by sub-queries (people, countries); `exclude`: rowids to leave out.
        """
        m = np.ones(len(self.rowids), dtype=bool)
        if q.kind:
            m &= self.kind == (1 if q.kind == "show" else 0)
        if q.genres:
            m &= (self.genres & genre_mask(q.genres)) != 0
        if q.genres_all:
            every = genre_mask(q.genres_all)
            m &= (self.genres & every) == every
        if q.exclude_genres:
            m &= (self.genres & genre_mask(q.exclude_genres)) == 0
        if q.year_min is not None:
            m &= self.year >= q.year_min
        if q.year_max is not None:
            m &= (self.year <= q.year_max) & (self.year != UNKNOWN)
        if q.runtime_min is not None:
            m &= self.runtime >= q.runtime_min
        if q.runtime_max is not None:
            m &= (self.runtime <= q.runtime_max) & (self.runtime > 0)
        if q.seasons_min is not None:
            m &= self.seasons >= q.seasons_min
        if q.seasons_max is not None:
            m &= (self.seasons <= q.seasons_max) & (self.seasons != UNKNOWN)
        if q.max_age is not None:
            m &= self.min_age <= q.max_age
        if q.min_age_min is not None:  # for an older audience ("a bit more grown up"): rated at least this
            m &= (self.min_age >= q.min_age_min) & (self.min_age != UNKNOWN_AGE)
        if q.services:
            m &= (self.services & self.service_bits(q.services)) != 0
        if q.available_on:  # only what the household can watch now (a title on no service is on no one's)
            m &= (self.services & self.service_bits(q.available_on)) != 0
        if q.exclude_services:
            m &= (self.services & self.service_bits(q.exclude_services)) == 0
        if q.min_rating is not None:
            m &= self.rating >= q.min_rating
        if only is not None:
            allowed = np.zeros(len(self.rowids), dtype=bool)
            pos = self.positions(only)
            allowed[pos[pos >= 0]] = True
            m &= allowed
        if exclude is not None and len(exclude):
            pos = self.positions(exclude)
            m[pos[pos >= 0]] = False
        return m
