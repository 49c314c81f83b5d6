"""`catalog check`: a data-quality report on catalog.db that fails past set thresholds.

Reports duplicate candidates (two titles whose names agree once normalised, of one kind, a year
or less apart, with an agreeing runtime, person or description, and no two IMDb ids), titles
without rating / runtime / description, how many genres titles have, and per service the titles
on it beside the titles its newest listing names (they must be equal) with that listing's month.
Read-only.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from voicerec.catalog.match import RUNTIME_AGREE, title_key
from voicerec.catalog.stats import connect_ro
from voicerec.errors import CatalogError
from voicerec.text import norm
from voicerec.types import SERVICES

_WORD = re.compile(r"[a-z]{4,}")


@dataclass(frozen=True)
class Thresholds:
    """Past any of these the check fails (the shipped catalogue is well inside them)."""

    max_duplicate_pairs: int = 10
    max_share_without_rating: float = 0.32
    max_share_without_runtime: float = 0.10
    max_share_without_description: float = 0.01
    max_mean_genres: float = 2.6
    max_share_without_genre: float = 0.03
    max_share_over_five_genres: float = 0.03


def check_catalog(db_path: Path, limits: Thresholds | None = None) -> dict[str, Any]:
    """The report; `problems` lists each threshold passed (empty: the check passes)."""
    limits = limits or Thresholds()
    conn = connect_ro(db_path)
    try:
        try:
            report = _report(conn)
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise CatalogError(f"cannot check catalogue {db_path}: {e}") from None
    report["thresholds"] = asdict(limits)
    report["problems"] = problems(report, limits)
    return report


def problems(report: dict[str, Any], limits: Thresholds) -> list[str]:
    out = []
    dups = report["duplicates"]["pairs"]
    if dups > limits.max_duplicate_pairs:
        out.append(f"{dups} duplicate candidate pairs (at most {limits.max_duplicate_pairs})")
    for field in ("rating", "runtime", "description"):
        share, limit = report["missing"][field], getattr(limits, f"max_share_without_{field}")
        if share > limit:
            out.append(f"{share:.1%} of titles have no {field} (at most {limit:.1%})")
    g = report["genres"]
    if g["mean"] > limits.max_mean_genres:
        out.append(f"{g['mean']:.2f} genres per title (at most {limits.max_mean_genres})")
    if g["share_without"] > limits.max_share_without_genre:
        out.append(f"{g['share_without']:.1%} of titles have no genre (at most {limits.max_share_without_genre:.1%})")
    if g["share_over_five"] > limits.max_share_over_five_genres:
        out.append(f"{g['share_over_five']:.1%} of titles have more than five genres "
                   f"(at most {limits.max_share_over_five_genres:.1%})")
    for service, a in report["availability"].items():
        if a["on"] != a["newest_listing_titles"]:
            out.append(f"{service}: {a['on']} titles on it, but its newest listing ({a['as_of']}) names "
                       f"{a['newest_listing_titles']}")
    return out


def _report(conn: sqlite3.Connection) -> dict[str, Any]:
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    total = one("SELECT count(*) FROM titles")
    share = lambda where: round(one(f"SELECT count(*) FROM titles WHERE {where}") / total, 4) if total else 0.0  # noqa: E731
    counts = dict(conn.execute("SELECT json_array_length(genres), count(*) FROM titles GROUP BY 1").fetchall())
    return {
        "titles": total,
        "duplicates": duplicate_candidates(conn),
        "missing": {"rating": share("rating IS NULL"), "runtime": share("runtime IS NULL OR runtime = 0"),
                    "description": share("description = ''")},
        "genres": {
            "mean": round(sum(k * v for k, v in counts.items()) / total, 3) if total else 0.0,
            "per_title": {str(k): v for k, v in sorted(counts.items())},
            "share_without": round(counts.get(0, 0) / total, 4) if total else 0.0,
            "share_over_five": round(sum(v for k, v in counts.items() if k > 5) / total, 4) if total else 0.0,
        },
        "availability": availability(conn),
        "no_service_now": one("SELECT count(*) FROM titles WHERE services = '[]'"),
    }


def availability(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Per service: titles on it, titles its newest listing names, that listing's month, titles that were on it."""
    out: dict[str, dict[str, Any]] = {}
    newest = conn.execute(
        "SELECT l.service, max(l.snapshot), count(DISTINCT s.title_id) FROM listings l JOIN title_sources s "
        "ON s.family = l.family AND s.service = l.service AND s.snapshot = l.snapshot WHERE l.newest = 1 "
        "GROUP BY l.service").fetchall()
    for service, as_of, named in newest:
        bit = 1 << SERVICES.index(service) if service in SERVICES else 0
        on = conn.execute("SELECT count(*) FROM titles WHERE service_mask & ?", (bit,)).fetchone()[0]
        was = conn.execute("SELECT count(*) FROM titles WHERE was_on LIKE ?", (f'%"{service}"%',)).fetchone()[0]
        out[service] = {"as_of": as_of, "on": on, "newest_listing_titles": named, "was_on": was}
    return {s: out[s] for s in SERVICES if s in out}


def duplicate_candidates(conn: sqlite3.Connection, examples: int = 10) -> dict[str, Any]:
    """Pairs of titles that look like one: same normalised name and kind, years at most one apart,
    no two IMDb ids, and an agreeing runtime, director/lead actor or description."""
    groups: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for row in conn.execute('SELECT id, title, kind, year, runtime, imdb_id, directors, "cast", description FROM titles'):
        groups[(title_key(row[1])[0], row[2])].append(row)
    pairs = []
    for rows in groups.values():
        for i, a in enumerate(rows):
            for b in rows[i + 1:]:
                if _looks_alike(a, b):
                    pairs.append(sorted((a[0], b[0])) + [a[1]])
    pairs.sort()
    return {"pairs": len(pairs), "examples": [f"{x} / {y} ({t})" for x, y, t in pairs[:examples]]}


def _looks_alike(a: tuple, b: tuple) -> bool:
    if a[3] is None or b[3] is None or abs(a[3] - b[3]) > 1 or (a[5] and b[5] and a[5] != b[5]):
        return False
    if a[4] and b[4] and abs(a[4] - b[4]) <= RUNTIME_AGREE:
        return True
    people = lambda r: {norm(n) for n in json.loads(r[6])} | {norm(n) for n in json.loads(r[7])[:5]}  # noqa: E731
    if people(a) & people(b):
        return True
    wa, wb = set(_WORD.findall(a[8].lower())), set(_WORD.findall(b[8].lower()))
    return bool(wa and wb) and len(wa & wb) >= 0.25 * len(wa | wb)
