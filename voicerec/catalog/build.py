"""`catalog build`: the raw CSVs → catalog.db (schema.py), deterministically and atomically.

The database is written to a temporary file next to `db_path` and moved over it with os.replace
only when complete, so a failed build leaves the previous catalogue untouched. What earlier imports
(imports.py) and refreshes (regions.py) put into the catalogue being replaced is carried into the new one.

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

from voicerec.catalog import imports, schema
from voicerec.catalog.embeddings import Encoder, embed_catalog
from voicerec.catalog.merge import Merged, merge_all, titles_per_listing
from voicerec.catalog.people import people_rows
from voicerec.catalog.sources import read_justwatch, read_shivamb
from voicerec.errors import CatalogError, VoicerecError

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
BUILDER_VERSION = "2"
VOTE_PERCENTILE = 60

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
        row["quality"] = schema.quality(row["rating"], row["votes"], row["imdb_score"] is not None, c, m)
    return c, m


def build_catalog(data_dir: Path, db_path: Path, *, embedder: Encoder | None = None, progress: Progress = None,
                  strict: bool = True, add: imports.Listing | None = None) -> dict[str, Any]:
    """Build catalog.db from the raw CSVs in data_dir and the listings imported into the catalogue
    being replaced (plus `add`, a listing being imported); return a small report (counts, seconds).

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
    imported = _imported(db_path, add, justwatch + shivamb, say)
    say(f"merging {len(justwatch)} JustWatch, {len(shivamb)} shivamb and {len(imported)} imported rows")
    merged = merge_all(justwatch + [r for r in imported if r.family == "justwatch"],
                       shivamb + [r for r in imported if r.family != "justwatch"])
    rows = merged.titles
    mean_rating, vote_prior = _score(rows)
    people, credits, name_parts = people_rows(rows)
    countries = [{"title_id": r["id"], "country": c} for r in rows for c in r["countries"]]
    counts = {"titles": len(rows), "people": len(people), "credits": len(credits),
              "source_rows": len(justwatch) + len(shivamb), "imported_rows": len(imported)}
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
            _write(db, merged, people, credits, name_parts, countries, data_dir, mean_rating, vote_prior, counts)
            db["imported_rows"].insert_all(imports.to_rows(imported), batch_size=5000)
            refreshed = _carry_refreshes(db.conn, db_path, say)
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
    if refreshed:
        counts["refreshed_regions"] = refreshed
    return {**counts, "mean_rating": mean_rating, "vote_prior": vote_prior, "db": str(db_path),
            "seconds": seconds, "seconds_tables": round(t_tables, 2)}


def _imported(db_path: Path, add: imports.Listing | None, shipped: list, say: Callable[[str], None]) -> list:
    """The imported rows the new catalogue keeps: the old one's, plus `add` (replacing its listing)."""
    try:
        old = imports.previous(db_path)
    except CatalogError as e:
        if add is not None:
            raise  # an import must not drop what was imported before
        say(f"{e}; building without them")
        old = []
    rows = imports.combine(old, add)
    listed = {(r.family, r.service, r.snapshot) for r in shipped}
    clash = sorted({(r.service, r.snapshot) for r in rows if (r.family, r.service, r.snapshot) in listed})
    if clash:
        service, month = clash[0]
        raise CatalogError(f"the shipped data already has the {service} listing of {month}; import a newer one")
    return rows


def _carry_refreshes(conn: sqlite3.Connection, db_path: Path, say: Callable[[str], None]) -> list[str]:
    """What `catalog refresh` fetched into the catalogue being replaced, written into the new one
    (no network: from its tmdb_titles and availability tables); the regions carried."""
    from voicerec.catalog import regions

    try:
        state = regions.read_state(db_path)
    except CatalogError as e:
        say(f"{e.message}; building without the refreshed regions")
        return []
    if state.empty:
        return []
    say(f"carrying the refreshed regions ({', '.join(sorted(state.refreshes))})")
    regions.write_state(conn, state)
    return sorted(state.refreshes)


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


def _write(db: sqlite_utils.Database, merged: Merged, people: list[dict[str, Any]],
           credits: list[dict[str, Any]], name_parts: list[dict[str, Any]], countries: list[dict[str, Any]],
           data_dir: Path,
           mean_rating: float, vote_prior: float, counts: dict[str, int]) -> None:
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.executescript(schema.DDL)
    named = titles_per_listing(merged.sources)
    listings = [{**ls, "titles": named.get((ls["family"], ls["service"], ls["snapshot"]), 0)} for ls in merged.listings]
    sources = [{**s, "raw_genres": json.dumps(s["raw_genres"], ensure_ascii=False)} for s in merged.sources]
    for table, records in (("titles", schema.title_rows(merged.titles)), ("people", people), ("credits", credits),
                           ("name_parts", name_parts), ("title_countries", countries), ("listings", listings),
                           ("title_sources", sources)):
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
