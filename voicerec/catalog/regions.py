"""What `catalog refresh` saw of a region, written into catalog.db, swapped in atomically.

    state = read_state(db)            everything TMDB-derived the catalogue holds (all regions)
    new = merge(state, seen)          a refresh's view (tmdb/fetch.py Seen) laid over it:
                                      a service a title is on now is "here" as of today; a service
                                      it was on and is not now is "was here" until the last day seen
    apply(db, seen, embedder)         unchanged: nothing is written (the file stays byte for byte);
                                      changed: copy → write_state → embed the new titles → fsync →
                                      rename over catalog.db, so readers see the old or the new file,
                                      never half of one
    write_state(conn, state)          into an open catalogue (a refresh's copy, or `catalog build`
                                      carrying what earlier refreshes fetched into a rebuilt one)

A TMDB title is a shipped title when their IMDb ids agree, or their names, kinds and years (±1) do;
else it is a title of its own (`tmdb-m603`, `tmdb-t1399`) with TMDB's facts, people, countries,
keywords and a vector. Shipped titles keep their facts; TMDB's keywords are kept for every title.
Adult titles are never written.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicerec.catalog import schema
from voicerec.catalog.embeddings import Encoder, embed_catalog
from voicerec.catalog.tmdb.fetch import Known, Seen
from voicerec.catalog.tmdb.mapping import Provider, TmdbTitle
from voicerec.daemon import malloc
from voicerec.errors import CatalogError
from voicerec.text import norm
from voicerec.vocab.services import learn

TMDB_PREFIX = "tmdb-"
EMBED_BATCH = 4  # small batches keep the peak at the embedder's load: 8 → +25 MB, 16 → +230 MB (bench/refresh.py)
Offer = tuple[int, str]  # (here: 1 on it / 0 was on it, as_of YYYY-MM-DD)


@dataclass
class RegionState:
    """Every TMDB-derived fact a catalogue holds."""

    records: dict[str, TmdbTitle] = field(default_factory=dict)  # key → facts
    fetched: dict[str, str] = field(default_factory=dict)  # key → day its facts were fetched
    availability: dict[str, dict[str, dict[str, Offer]]] = field(default_factory=dict)  # region → key → service
    providers: dict[str, list[Provider]] = field(default_factory=dict)  # region → its providers
    refreshes: dict[str, dict[str, Any]] = field(default_factory=dict)  # region → full_at, last_at, titles

    @property
    def empty(self) -> bool:
        return not (self.records or self.availability or self.refreshes)

    def known(self, region: str) -> Known:
        """What a refresh of `region` checks again: the titles on a service there now (one that left
        every service is checked no more; discover finds it again if it comes back)."""
        here = {k for k, services in self.availability.get(region, {}).items() if any(h for h, _ in services.values())}
        return Known(frozenset(here), frozenset(self.records), self.refreshes.get(region, {}).get("last_at"))


# --- reading and merging -------------------------------------------------------------------------

def read_state(db_path: Path) -> RegionState:
    """What earlier refreshes wrote into a catalogue (empty for one no refresh touched)."""
    state = RegionState()
    if not Path(db_path).is_file():
        return state
    try:
        conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
        try:
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'refreshes'").fetchone():
                return state
            for key, fetched, record in conn.execute("SELECT key, fetched, record FROM tmdb_titles ORDER BY key"):
                state.records[key] = TmdbTitle.from_json(json.loads(record))
                state.fetched[key] = fetched
            for region, key, service, as_of, here in conn.execute(
                    "SELECT region, key, service, as_of, here FROM availability ORDER BY region, key, service"):
                state.availability.setdefault(region, {}).setdefault(key, {})[service] = (here, as_of)
            for region, pid, name, service, prio in conn.execute(
                    "SELECT region, provider_id, name, service, priority FROM providers ORDER BY region, rowid"):
                state.providers.setdefault(region, []).append(Provider(pid, name, service, prio))
            for region, full_at, last_at, titles, source in conn.execute(
                    "SELECT region, full_at, last_at, titles, source FROM refreshes ORDER BY region"):
                state.refreshes[region] = {"full_at": full_at, "last_at": last_at, "titles": titles, "source": source}
        finally:
            conn.close()
    except (sqlite3.Error, json.JSONDecodeError, TypeError) as e:
        raise CatalogError(f"cannot read what earlier refreshes stored in {db_path}: {e}") from None
    return state


def merge(old: RegionState, seen: Seen, source: str = "tmdb") -> RegionState:
    """The state after this refresh: its facts and its view of the region laid over the old state."""
    region, day = seen.region, seen.day
    candidates = {**old.records, **seen.details}
    here: dict[str, dict[str, Offer]] = {k: dict(v) for k, v in old.availability.get(region, {}).items()}
    for key in sorted(set(seen.offers) | seen.gone):
        now = {p.service for p in seen.offers.get(key, [])} if key not in seen.gone else set()
        row = here.get(key, {})
        row = {s: ((0, as_of) if h and s not in now else (h, as_of)) for s, (h, as_of) in row.items()}
        row.update({s: (1, day) for s in sorted(now)})
        if row and key in candidates:
            here[key] = row
        else:
            here.pop(key, None)
    elsewhere = {k for r, keys in old.availability.items() if r != region for k in keys}
    kept = {k: t for k, t in seen.details.items() if k in here or k in elsewhere}  # only what streams somewhere
    records = {**old.records, **kept}
    fetched = {**old.fetched, **{k: day for k in kept}}
    refreshed = {
        "full_at": day if seen.full else old.refreshes.get(region, {}).get("full_at"), "last_at": day,
        "titles": sum(1 for row in here.values() if any(h for h, _ in row.values())), "source": source,
    }
    return RegionState(records, fetched, {**old.availability, region: here}, {**old.providers, region: seen.providers},
                       {**old.refreshes, region: refreshed})


# --- writing -------------------------------------------------------------------------------------

def apply(db_path: Path, seen: Seen, *, embedder: Encoder | None = None, source: str = "tmdb") -> dict[str, Any]:
    """Lay a refresh over catalog.db; a report of what changed. Unchanged: nothing is written."""
    db_path = Path(db_path)
    t0 = time.perf_counter()
    old = read_state(db_path)
    new = merge(old, seen, source)
    report = _changes(old, new, seen.region)
    if new == old:
        return {**report, "written": False, "seconds": round(time.perf_counter() - t0, 2)}
    tmp = db_path.with_name(f".{db_path.name}.building-{os.getpid()}")  # build.py removes one a kill left
    try:
        shutil.copyfile(db_path, tmp)
        shutil.copymode(db_path, tmp)
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            counts = write_state(conn, new)
            embedded = _embed(conn, embedder) if embedder is not None else 0
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('refreshed_at', ?)",
                         (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),))
            conn.commit()
        finally:
            conn.close()
        _fsync(tmp)
        os.replace(tmp, db_path)
        _fsync(db_path.parent)
    except sqlite3.Error as e:
        raise CatalogError(f"the refresh could not write {db_path}: {e}; the catalogue is unchanged") from None
    except OSError as e:
        raise CatalogError(f"the refresh could not write {db_path}: {e.strerror}; the catalogue is unchanged") from None
    finally:
        tmp.unlink(missing_ok=True)
    return {**report, **counts, "embedded": embedded, "written": True, "seconds": round(time.perf_counter() - t0, 2)}


def write_state(conn: sqlite3.Connection, state: RegionState) -> dict[str, int]:
    """Replace every TMDB-derived row of an open catalogue with `state` (one transaction; not committed)."""
    conn.executescript(schema.REGION_DDL)
    _drop_tmdb_rows(conn)
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    c, m = float(meta.get("mean_rating") or 0.0), float(meta.get("vote_prior") or 1.0)
    ids = _match(conn, state.records)
    own = [(k, t) for k, t in sorted(state.records.items()) if ids[k].startswith(TMDB_PREFIX)]
    rows = [_title_row(ids[k], t, c, m) for k, t in own]
    for row in schema.title_rows(rows):
        cols = list(row)
        conn.execute(f"INSERT INTO titles ({', '.join(_q(x) for x in cols)}) VALUES ({', '.join('?' * len(cols))})",
                     [row[x] for x in cols])
    conn.execute(f"INSERT INTO titles_fts(rowid, title, description) SELECT rowid, title, description FROM titles "
                 f"WHERE id GLOB '{TMDB_PREFIX}*'")
    conn.executemany("INSERT OR IGNORE INTO title_countries(title_id, country) VALUES (?, ?)",
                     [(r["id"], cc) for r in rows for cc in r["countries"]])
    _credit(conn, rows)
    conn.executemany("INSERT OR IGNORE INTO keywords(title_id, keyword) VALUES (?, ?)",
                     [(ids[k], w) for k, t in sorted(state.records.items()) for w in t.keywords])
    conn.executemany("INSERT INTO tmdb_titles(key, title_id, fetched, record) VALUES (?, ?, ?, ?)",
                     [(k, ids[k], state.fetched.get(k, ""), json.dumps(t.to_json(), ensure_ascii=False, sort_keys=True))
                      for k, t in sorted(state.records.items())])
    conn.executemany("INSERT INTO availability(region, key, title_id, service, as_of, here) VALUES (?, ?, ?, ?, ?, ?)",
                     [(region, k, ids[k], s, as_of, h) for region, keys in sorted(state.availability.items())
                      for k, services in sorted(keys.items()) if k in ids for s, (h, as_of) in sorted(services.items())])
    conn.executemany("INSERT INTO providers(region, provider_id, name, service, priority) VALUES (?, ?, ?, ?, ?)",
                     [(region, p.id, p.name, p.service, p.priority) for region, ps in sorted(state.providers.items())
                      for p in ps])
    conn.executemany("INSERT INTO refreshes(region, full_at, last_at, titles, source) VALUES (?, ?, ?, ?, ?)",
                     [(r, v["full_at"], v["last_at"], v["titles"], v["source"]) for r, v in sorted(state.refreshes.items())])
    for ps in state.providers.values():
        for p in ps:
            learn(p.service, p.name)
    return {"tmdb_titles": len(state.records), "own_titles": len(rows), "matched": len(state.records) - len(rows)}


def _embed(conn: sqlite3.Connection, embedder: Encoder) -> int:
    """Vectors for the titles that have none. The model loads first, on a trimmed heap, before the
    catalogue's texts are read: its load is the refresh's peak memory (bench/refresh.py)."""
    malloc.trim()  # what the fetch's threads freed goes back first
    load = getattr(embedder, "load", None)
    if callable(load):
        load()
        malloc.trim()
    return embed_catalog(conn, embedder, batch_size=EMBED_BATCH)


def _drop_tmdb_rows(conn: sqlite3.Connection) -> None:
    credited = [p for (p,) in conn.execute(f"SELECT DISTINCT person_id FROM credits WHERE title_id GLOB '{TMDB_PREFIX}*'")]
    conn.execute(f"INSERT INTO titles_fts(titles_fts, rowid, title, description) SELECT 'delete', rowid, title, "
                 f"description FROM titles WHERE id GLOB '{TMDB_PREFIX}*'")
    for sql in (f"DELETE FROM title_countries WHERE title_id GLOB '{TMDB_PREFIX}*'",
                f"DELETE FROM credits WHERE title_id GLOB '{TMDB_PREFIX}*'",
                f"DELETE FROM titles WHERE id GLOB '{TMDB_PREFIX}*'",
                "DELETE FROM name_parts WHERE person_id NOT IN (SELECT person_id FROM credits)",
                "DELETE FROM people WHERE id NOT IN (SELECT person_id FROM credits)",
                "DELETE FROM tmdb_titles", "DELETE FROM availability", "DELETE FROM providers",
                "DELETE FROM refreshes", "DELETE FROM keywords"):
        conn.execute(sql)
    conn.executemany("UPDATE people SET n_titles = (SELECT count(DISTINCT title_id) FROM credits WHERE person_id = ?) "
                     "WHERE id = ?", [(p, p) for p in credited])


def _match(conn: sqlite3.Connection, records: dict[str, TmdbTitle]) -> dict[str, str]:
    """key → the catalogue title it is: a shipped title with its IMDb id, or its name, kind and year
    (±1), else its own id."""
    by_imdb: dict[str, str] = {}
    by_name: dict[tuple[str, str], list[tuple[int | None, str]]] = {}
    wanted_imdb = {t.imdb_id for t in records.values() if t.imdb_id}
    wanted_names = {norm(n) for t in records.values() for n in (t.title, t.original_title) if n}
    for tid, imdb, name, kind, year in conn.execute(
            f"SELECT id, imdb_id, norm_title, kind, year FROM titles WHERE id NOT GLOB '{TMDB_PREFIX}*'"):
        if imdb in wanted_imdb:
            by_imdb.setdefault(imdb, tid)
        if name in wanted_names:
            by_name.setdefault((name, kind), []).append((year, tid))
    out: dict[str, str] = {}
    for key, t in records.items():
        hit = by_imdb.get(t.imdb_id) if t.imdb_id else None
        if hit is None:
            for name in (t.title, t.original_title):
                near = [(abs((y or 0) - t.year), tid) for y, tid in by_name.get((norm(name), t.kind), [])
                        if t.year is not None and y is not None and abs(y - t.year) <= 1]
                if near:
                    hit = min(near)[1]
                    break
        kind, _, tmdb_id = key.partition("/")
        out[key] = hit or f"{TMDB_PREFIX}{'t' if kind == 'tv' else 'm'}{tmdb_id}"
    return out


def _title_row(tid: str, t: TmdbTitle, c: float, m: float) -> dict[str, Any]:
    return {
        "id": tid, "title": t.title, "norm_title": norm(t.title), "kind": t.kind, "year": t.year, "runtime": t.runtime,
        "seasons": t.seasons, "genres": t.genres, "raw_genres": t.raw_genres, "min_age": t.min_age,
        "age_cert": t.age_cert, "countries": t.countries, "raw_countries": t.countries, "services": [],
        "available_as_of": {}, "was_on": {}, "rating": t.rating, "votes": None, "imdb_id": t.imdb_id, "imdb_score": None,
        "tmdb_score": t.rating, "popularity": t.popularity, "quality": schema.quality(t.rating, None, False, c, m),
        "description": t.description, "date_added": None, "cast": t.cast, "directors": t.directors,
        "sources": [f"tmdb:{t.key}"],
    }


def _credit(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
    """People and credits of the TMDB titles: a name the catalogue has is that person."""
    next_id = (conn.execute("SELECT max(id) FROM people").fetchone()[0] or 0) + 1
    touched: set[int] = set()
    for row in rows:
        for role, names in (("actor", row["cast"]), ("director", row["directors"])):
            for i, name in enumerate(dict.fromkeys(names)):
                found = conn.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()
                if found is None:
                    conn.execute("INSERT INTO people(id, name, norm_name, n_titles, fame) VALUES (?, ?, ?, 0, 0)",
                                 (next_id, name, norm(name)))
                    pid, next_id = next_id, next_id + 1
                else:
                    pid = found[0]
                conn.execute("INSERT OR IGNORE INTO credits(title_id, person_id, role, ord) VALUES (?, ?, ?, ?)",
                             (row["id"], pid, role, i))
                touched.add(pid)
    conn.executemany("UPDATE people SET n_titles = (SELECT count(DISTINCT title_id) FROM credits WHERE person_id = ?) "
                     "WHERE id = ?", [(p, p) for p in touched])


def _changes(old: RegionState, new: RegionState, region: str) -> dict[str, Any]:
    """Per service of the region: titles on it before and after, and how many came and left."""
    before, after = old.availability.get(region, {}), new.availability.get(region, {})

    def on(state: dict[str, dict[str, Offer]]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for key, services in state.items():
            for s, (h, _) in services.items():
                if h:
                    out.setdefault(s, set()).add(key)
        return out

    b, a = on(before), on(after)
    per = {s: {"before": len(b.get(s, ())), "after": len(a.get(s, ())), "came": len(a.get(s, set()) - b.get(s, set())),
               "left": len(b.get(s, set()) - a.get(s, set()))} for s in sorted(set(a) | set(b))}
    return {"region": region, "titles": {"before": len(before), "after": len(after)},
            "new_facts": len(set(new.records) - set(old.records)), "services": per}


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _q(name: str) -> str:
    return f'"{name}"'
