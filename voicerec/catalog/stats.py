"""`catalog stats`: what is in catalog.db: counts per service (with the date of each service's
listings), per kind and per genre, and how complete the fields are. Read-only."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from voicerec.checks import Check
from voicerec.errors import CatalogError
from voicerec.types import GENRES, SERVICES


def connect_ro(db_path: Path) -> sqlite3.Connection:
    """catalog.db opened read-only; CatalogError when it is missing."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise CatalogError(f"catalogue not found: {db_path} (run `voicerec catalog build`)")
    return sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)


def schema_version(db_path: Path) -> str | None:
    """meta 'schema_version' of a catalogue (None when it has none or cannot be read)."""
    try:
        conn = connect_ro(db_path)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def catalog_stats(db_path: Path) -> dict[str, Any]:
    """Titles total; per service: titles on it (its newest listing has them), the month of that
    listing (`as_of`), titles that were on it, and every listing; per kind, per genre; shares with
    runtime/rating/description/people."""
    conn = connect_ro(db_path)
    try:
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
    refreshed = _regions(conn)
    return {
        "titles": total,
        "per_service": per_service,
        "as_of": {s: ls[0]["as_of"] for s, ls in listings(conn).items()},
        "was_on": {s: one(f"SELECT count(*) FROM titles WHERE was_on LIKE '%\"{s}\"%'") for s in SERVICES},
        "listings": listings(conn),
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
        **({"regions": refreshed, "attribution": ATTRIBUTION} if refreshed else {}),
    }


ATTRIBUTION = ("This product uses the TMDB API but is not endorsed or certified by TMDB; streaming availability "
               "(watch providers) by JustWatch.")


def _regions(conn: sqlite3.Connection) -> dict[str, Any]:
    """What `catalog refresh` fetched, per region: when, and titles per service there (none without a refresh)."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'refreshes'").fetchone():
        return {}
    out: dict[str, Any] = {}
    for region, full_at, last_at, titles in conn.execute(
            "SELECT region, full_at, last_at, titles FROM refreshes ORDER BY region"):
        per = dict(conn.execute("SELECT service, count(*) FROM availability WHERE region = ? AND here = 1 "
                                "GROUP BY service ORDER BY count(*) DESC, service", (region,)).fetchall())
        left = conn.execute("SELECT count(DISTINCT key) FROM availability WHERE region = ? AND here = 0",
                            (region,)).fetchone()[0]
        out[region] = {"as_of": last_at, "full_at": full_at, "titles": titles, "per_service": per, "left": left,
                       "tmdb_only_titles": conn.execute(
                           "SELECT count(DISTINCT title_id) FROM availability WHERE region = ? AND title_id GLOB "
                           "'tmdb-*'", (region,)).fetchone()[0]}
    return out


def listings(conn: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
    """service → its listings, newest first: as_of (YYYY-MM), source, rows, titles, newest."""
    out: dict[str, list[dict[str, Any]]] = {}
    for service, family, snapshot, rows, titles, newest in conn.execute(
            "SELECT service, family, snapshot, rows, titles, newest FROM listings ORDER BY snapshot DESC, family"):
        out.setdefault(service, []).append(
            {"as_of": snapshot, "source": family, "rows": rows, "titles": titles, "newest": bool(newest)})
    return {s: out[s] for s in SERVICES if s in out}


def check_catalog(db_path: Path, today: date | None = None) -> Check:
    """`voicerec doctor`: the catalogue is there and readable; when it was built and how old its
    newest listing is (availability is as of that month)."""
    today = today or date.today()
    try:
        conn = connect_ro(db_path)
        try:
            built = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('built_at', 'schema_version')"))
            newest = conn.execute("SELECT max(snapshot) FROM listings WHERE newest = 1").fetchone()[0]
            titles = conn.execute("SELECT count(*) FROM titles").fetchone()[0]
        finally:
            conn.close()
    except (CatalogError, sqlite3.Error) as e:
        return Check("catalogue", False, getattr(e, "message", str(e)), "voicerec catalog build")
    detail = f"{db_path}: {titles:,} titles, built {str(built.get('built_at', '?'))[:10]}"
    if newest:
        year, month = (int(p) for p in str(newest)[:7].split("-"))
        months = (today.year - year) * 12 + today.month - month
        detail += f", newest listing {str(newest)[:7]} ({months} months old)"
        if months > 18:
            return Check("catalogue", None, detail + ": what is on each service may have changed",
                         "voicerec catalog import a newer listing (README: Refreshing availability)")
    return Check("catalogue", True, detail)
