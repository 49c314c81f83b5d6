"""`catalog build`: the raw CSVs → catalog.db (schema.py), deterministically and atomically.

The database is written to a temporary file next to `db_path` and moved over it with os.replace
only when complete, so a failed build leaves the previous catalogue untouched.

Ranking prior (stored in `meta`): quality = v/(v+m)·R + m/(v+m)·C, a Bayesian average where
R = rating (IMDb, else TMDB), v = IMDb votes, C = the mean rating over rated titles and m = the
60th percentile of IMDb votes over titles with votes. A title rated by TMDB only counts as
m/4 votes. A title with no rating gets C − 0.5: below any average title, but still listed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from voicerec.catalog import schema
from voicerec.catalog.embeddings import Encoder, embed_catalog
from voicerec.catalog.merge import merge_all
from voicerec.catalog.people import people_rows
from voicerec.catalog.sources import read_justwatch, read_shivamb
from voicerec.errors import CatalogError, VoicerecError
from voicerec.types import GENRES, SERVICES

# The files the shipped catalogue is built from (relative to data_dir); all must be present.
EXPECTED_FILES: tuple[str, ...] = (
    "justwatch/amazon_prime_titles.csv", "justwatch/apple_tv_plus_titles_2023.csv",
    "justwatch/disney_plus_credits.csv", "justwatch/disney_plus_titles.csv",
    "justwatch/disney_plus_titles_2023.csv", "justwatch/hbo_max_credits.csv",
    "justwatch/hbo_max_titles.csv", "justwatch/hbo_max_titles_2023.csv", "justwatch/hulu_credits.csv",
    "justwatch/hulu_titles.csv", "justwatch/netflix_credits.csv", "justwatch/netflix_titles.csv",
    "justwatch/netflix_titles_2023.csv", "justwatch/paramount_plus_credits.csv",
    "justwatch/paramount_plus_titles.csv", "justwatch/paramount_plus_titles_2023.csv",
    "shivamb/amazon_prime_titles.csv", "shivamb/disney_plus_titles.csv", "shivamb/hulu_titles.csv",
    "shivamb/netflix_titles.csv",
)
# Bump when the builder's output changes for the same input, so `is_stale` triggers a rebuild.
BUILDER_VERSION = "1"
VOTE_PERCENTILE = 60
TMDB_ONLY_VOTE_SHARE = 0.25
UNRATED_OFFSET = 0.5

Progress = Callable[[str], None] | None


def data_files(data_dir: Path) -> list[Path]:
    """Every CSV under data_dir, sorted by relative path."""
    return sorted(data_dir.glob("*/*.csv"), key=lambda p: p.relative_to(data_dir).as_posix())


def data_hash(data_dir: Path) -> str:
    """sha256 over each input file's relative name and content."""
    h = hashlib.sha256()
    for path in data_files(data_dir):
        h.update(path.relative_to(data_dir).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _check_inputs(data_dir: Path, strict: bool) -> None:
    if not data_dir.is_dir():
        raise CatalogError(f"catalogue data directory not found: {data_dir}")
    if strict:
        missing = [f for f in EXPECTED_FILES if not (data_dir / f).is_file()]
        if missing:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            raise CatalogError(f"catalogue data incomplete: {missing[0]} is missing in {data_dir}{more}")
    elif not data_files(data_dir):
        raise CatalogError(f"no catalogue CSV files in {data_dir}")


def _percentile(values: list[int], pct: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = (len(values) - 1) * pct / 100
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def _score(rows: list[dict[str, Any]]) -> tuple[float, float]:
    """Fill rating/quality in place; return (C, m)."""
    for row in rows:
        row["rating"] = row["imdb_score"] if row["imdb_score"] is not None else row["tmdb_score"]
    rated = [row["rating"] for row in rows if row["rating"] is not None]
    c = round(sum(rated) / len(rated), 4) if rated else 0.0
    m = round(_percentile([row["votes"] for row in rows if row["votes"]], VOTE_PERCENTILE), 1) or 1.0
    for row in rows:
        r = row["rating"]
        if r is None:
            row["quality"] = round(c - UNRATED_OFFSET, 4)
            continue
        v = row["votes"] if row["imdb_score"] is not None and row["votes"] else 0
        if row["imdb_score"] is None:
            v = m * TMDB_ONLY_VOTE_SHARE
        row["quality"] = round((v * r + m * c) / (v + m), 4)
    return c, m


def _title_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        out.append({
            **row,
            "genres": json.dumps(row["genres"]), "genre_mask": schema.genre_mask(row["genres"]),
            "raw_genres": json.dumps(row["raw_genres"], ensure_ascii=False),
            "countries": json.dumps(row["countries"]),
            "raw_countries": json.dumps(row["raw_countries"], ensure_ascii=False),
            "services": json.dumps(row["services"]), "service_mask": schema.service_mask(row["services"]),
            "cast": json.dumps(row["cast"], ensure_ascii=False),
            "directors": json.dumps(row["directors"], ensure_ascii=False),
            "sources": json.dumps(row["sources"]),
        })
    return out


def build_catalog(data_dir: Path, db_path: Path, *, embedder: Encoder | None = None, progress: Progress = None,
                  strict: bool = True) -> dict[str, Any]:
    """Build catalog.db from the raw CSVs in data_dir; return a small report (counts, seconds).

    embedder: the sentence-embedding model for the title vectors (the CLI passes
    voicerec.rank.embed.Embedder); None builds a catalogue without vectors (keywords and quality only).
    strict: require every file of EXPECTED_FILES (the shipped data set); tests on a subset pass False.
    """
    t0 = time.perf_counter()
    data_dir, db_path = Path(data_dir), Path(db_path)
    say = progress or (lambda _msg: None)
    _check_inputs(data_dir, strict)
    say("reading source files")
    justwatch = read_justwatch(data_dir / "justwatch") if (data_dir / "justwatch").is_dir() else []
    shivamb = read_shivamb(data_dir / "shivamb") if (data_dir / "shivamb").is_dir() else []
    if not justwatch and not shivamb:
        raise CatalogError(f"no catalogue rows found in {data_dir}")
    say(f"merging {len(justwatch)} JustWatch and {len(shivamb)} shivamb rows")
    rows = merge_all(justwatch, shivamb)
    mean_rating, vote_prior = _score(rows)
    people, credits, name_parts = people_rows(rows)
    countries = [{"title_id": r["id"], "country": c} for r in rows for c in r["countries"]]
    counts = {"titles": len(rows), "people": len(people), "credits": len(credits),
              "source_rows": len(justwatch) + len(shivamb)}
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CatalogError(f"cannot create {db_path.parent}: {e.strerror}") from None
    _remove_orphans(db_path)
    tmp = db_path.with_name(f".{db_path.name}.building-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        say(f"writing {len(rows)} titles to {db_path.name}")
        db = sqlite_utils.Database(tmp)
        try:
            _write(db, rows, people, credits, name_parts, countries, data_dir, mean_rating, vote_prior, counts)
            t_tables = time.perf_counter() - t0
            if embedder is not None:
                say("embedding titles")
                embed_catalog(db.conn, embedder, reuse_from=db_path if db_path.exists() else None)
            db.conn.commit()
        finally:
            db.close()
        os.replace(tmp, db_path)
    except VoicerecError:
        raise
    except (sqlite3.Error, OSError) as e:
        raise CatalogError(f"catalogue build failed writing {db_path}: {e}") from None
    finally:
        tmp.unlink(missing_ok=True)
    seconds = round(time.perf_counter() - t0, 2)
    return {**counts, "mean_rating": mean_rating, "vote_prior": vote_prior, "db": str(db_path),
            "seconds": seconds, "seconds_tables": round(t_tables, 2)}


def _as_lists(records: list[dict[str, Any]]) -> Iterator[list[Any]]:
    """sqlite-utils list mode (column names first): much less per-value work than dicts."""
    if not records:
        return
    columns = list(records[0])
    yield columns
    for r in records:
        yield [r[c] for c in columns]


def _remove_orphans(db_path: Path) -> None:
    """Delete temp files left by builds that were killed (their process is gone)."""
    for path in db_path.parent.glob(f".{db_path.name}.building-*"):
        try:
            os.kill(int(path.name.rsplit("-", 1)[1]), 0)  # signal 0: only asks whether it exists
        except ValueError:
            continue
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except PermissionError:
            continue


def _write(db: sqlite_utils.Database, rows: list[dict[str, Any]], people: list[dict[str, Any]],
           credits: list[dict[str, Any]], name_parts: list[dict[str, Any]], countries: list[dict[str, Any]],
           data_dir: Path,
           mean_rating: float, vote_prior: float, counts: dict[str, int]) -> None:
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.executescript(schema.DDL)
    for table, records in (("titles", _title_rows(rows)), ("people", people), ("credits", credits),
                           ("name_parts", name_parts), ("title_countries", countries)):
        db[table].insert_all(_as_lists(records), batch_size=5000)
    db.executescript(schema.INDEXES)
    db["titles"].enable_fts(["title", "description"], tokenize="porter unicode61 remove_diacritics 2")
    meta = {
        "schema_version": str(schema.SCHEMA_VERSION),
        "builder_version": BUILDER_VERSION,
        "data_hash": data_hash(data_dir),
        "data_files": json.dumps([p.relative_to(data_dir).as_posix() for p in data_files(data_dir)]),
        "mean_rating": str(mean_rating),
        "vote_prior": str(vote_prior),
        "vote_percentile": str(VOTE_PERCENTILE),
        "quality_formula": "v/(v+m)*R + m/(v+m)*C; tmdb-only v=m/4; unrated C-0.5",
        "counts": json.dumps(counts, sort_keys=True),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    db["meta"].insert_all([{"key": k, "value": v} for k, v in sorted(meta.items())])
    db.conn.commit()
    db.execute("ANALYZE")
    db.conn.commit()


def _read_meta(db_path: Path) -> dict[str, str]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    finally:
        conn.close()


def is_stale(data_dir: Path, db_path: Path) -> bool:
    """True when catalog.db is missing or unreadable, has another schema or builder version, is
    older than a data file, or was built from a different set of files."""
    data_dir, db_path = Path(data_dir), Path(db_path)
    if not db_path.is_file():
        return True
    try:
        meta = _read_meta(db_path)
    except sqlite3.Error:
        return True
    if meta.get("schema_version") != str(schema.SCHEMA_VERSION) or meta.get("builder_version") != BUILDER_VERSION:
        return True
    files = data_files(data_dir)
    if json.loads(meta.get("data_files", "[]")) != [p.relative_to(data_dir).as_posix() for p in files]:
        return True
    built = db_path.stat().st_mtime
    return any(p.stat().st_mtime > built for p in files)


def catalog_stats(db_path: Path) -> dict[str, Any]:
    """Titles total, per service, per kind, per genre; shares with runtime/rating/description/people."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise CatalogError(f"catalogue not found: {db_path} (run `voicerec catalog build`)")
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            return _stats(conn)
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise CatalogError(f"cannot read catalogue {db_path}: {e}") from None


def _stats(conn: sqlite3.Connection) -> dict[str, Any]:
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    total = one("SELECT count(*) FROM titles")
    per_service = {s: one(f"SELECT count(*) FROM titles WHERE service_mask & {1 << i}")
                   for i, s in enumerate(SERVICES)}
    per_genre = {g: one(f"SELECT count(*) FROM titles WHERE genre_mask & {1 << i}")
                 for i, g in enumerate(GENRES)}
    per_kind = dict(conn.execute("SELECT kind, count(*) FROM titles GROUP BY kind ORDER BY kind").fetchall())

    def share(where: str) -> float:
        return round(one(f"SELECT count(*) FROM titles WHERE {where}") / total, 4) if total else 0.0

    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    return {
        "titles": total,
        "per_service": per_service,
        "per_kind": per_kind,
        "per_genre": per_genre,
        "share": {
            "runtime": share("runtime IS NOT NULL"),
            "rating": share("rating IS NOT NULL"),
            "description": share("description != ''"),
            "people": share("id IN (SELECT title_id FROM credits)"),
        },
        "people": one("SELECT count(*) FROM people"),
        "embeddings": one("SELECT count(*) FROM embeddings"),
        "built_at": meta.get("built_at"),
        "schema_version": meta.get("schema_version"),
    }
