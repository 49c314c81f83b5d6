"""Merge source records into one catalogue title per real title.

1. JustWatch rows group by id (the same id on several services or in both snapshots is one
   title). Different ids are joined only when they share an IMDb id and kind, or share (normalised
   title, year, kind) with runtimes within 2 minutes (upstream re-listings such as two 'Udanpirappe' ids).
2. Each shivamb row joins the JustWatch title with the same (normalised title, year, kind); a
   second row of the same service with that key joins only when its runtime also agrees, so
   distinct films with one name ('What If' 2019) stay apart. Otherwise it joins/creates a
   shivamb-only title with id `<service prefix>-<show_id>` (nf-s123). A show with no exact match
   joins the one JustWatch show of that name whose run covers its year: shivamb's release_year
   for a show is often its latest season's (Breaking Bad 2013 in shivamb, 2008 in JustWatch).
3. Fields: newest JustWatch snapshot first, then service order, then shivamb for scores, runtime,
   seasons, description, certificate; shivamb first for cast, directors, countries, date added;
   genres, raw labels and services are unions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from voicerec.catalog import vocab
from voicerec.catalog.sources import SourceRecord
from voicerec.text import norm
from voicerec.types import SERVICES


def match_key(title: str, year: int | None, kind: str) -> tuple[str, int | None, str] | None:
    """(normalised title, year, kind); non-Latin titles fall back to their case-folded text."""
    t = norm(title) or " ".join(title.casefold().split())
    return (t, year, kind) if t else None


_PREC: dict[int, tuple[Any, ...]] = {}


def _precedence(r: SourceRecord) -> tuple[Any, ...]:
    """JustWatch before shivamb, newer snapshot first, then service order (cached per record)."""
    key = _PREC.get(id(r))
    if key is None or key[-1] is not r:
        fam = 0 if r.family == "justwatch" else 1
        snapshot = int("".join(ch for ch in r.snapshot if ch.isdigit()) or 0)
        key = (fam, -snapshot, vocab.service_rank(r.service), r.file, _sid_num(r.source_id), r)
        _PREC[id(r)] = key
    return key[:-1]


def _close(a: int | None, b: int | None, tolerance: int = 2) -> bool:
    return a is None or b is None or abs(a - b) <= tolerance


@dataclass
class Cluster:
    records: list[SourceRecord] = field(default_factory=list)

    def sorted(self) -> list[SourceRecord]:
        return sorted(self.records, key=_precedence)

    def runtime(self) -> int | None:
        """Runtime of the preferred record that has one (JustWatch first)."""
        return next((r.runtime for r in self.sorted() if r.runtime), None)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def cluster_records(justwatch: Iterable[SourceRecord], shivamb: Iterable[SourceRecord]) -> list[Cluster]:
    by_id: dict[str, list[SourceRecord]] = defaultdict(list)
    for r in justwatch:
        by_id[r.source_id].append(r)
    uf = _UnionFind()
    best = {sid: min(rs, key=_precedence) for sid, rs in sorted(by_id.items())}
    by_imdb: dict[str, list[str]] = defaultdict(list)
    by_key: dict[tuple, list[str]] = defaultdict(list)
    for sid, r in best.items():
        uf.find(sid)
        if r.imdb_id:
            by_imdb[r.imdb_id].append(sid)
        key = match_key(r.title, r.year, r.kind)
        if key:
            by_key[key].append(sid)
    for sids in by_imdb.values():
        for i, a in enumerate(sids):
            for b in sids[i + 1:]:
                if best[a].kind == best[b].kind:
                    uf.union(a, b)
    for sids in by_key.values():
        for i, a in enumerate(sids):
            for b in sids[i + 1:]:
                if _close(best[a].runtime, best[b].runtime) and best[a].kind == best[b].kind:
                    uf.union(a, b)
    clusters: dict[str, Cluster] = {}
    for sid in sorted(by_id):
        clusters.setdefault(uf.find(sid), Cluster()).records.extend(by_id[sid])

    key_index: dict[tuple, list[Cluster]] = defaultdict(list)
    for root in sorted(clusters):
        c = clusters[root]
        keys = {match_key(r.title, r.year, r.kind) for r in c.records}
        for key in sorted(k for k in keys if k):
            key_index[key].append(c)
    out = [clusters[root] for root in sorted(clusters)]
    shows: dict[str, list[Cluster]] = defaultdict(list)
    for c in out:
        head = c.sorted()[0]
        key = match_key(head.title, head.year, head.kind)
        if key and head.kind == "show":
            shows[key[0]].append(c)
    for r in sorted(shivamb, key=lambda r: (vocab.service_rank(r.service), _sid_num(r.source_id))):
        key = match_key(r.title, r.year, r.kind)
        target = _pick(key_index.get(key, []), r) if key else None
        if target is None and key and r.kind == "show":
            target = _same_show(shows.get(key[0], []), r)
        if target is None:
            target = Cluster()
            out.append(target)
            if key:
                key_index[key].append(target)
        target.records.append(r)
    return out


def _pick(candidates: list[Cluster], r: SourceRecord) -> Cluster | None:
    """The best existing title for a shivamb row, or None to start a new one."""
    ok = []
    for c in candidates:
        same_service = any(x.family == "shivamb" and x.service == r.service for x in c.records)
        if same_service and not (r.runtime and r.runtime == c.runtime()):
            continue  # this service already listed a (different) title with that name
        carried = r.service in {x.service for x in c.records}
        has_jw = any(x.family == "justwatch" for x in c.records)
        ok.append(((not has_jw, not carried, abs((c.runtime() or 0) - (r.runtime or 0))), len(ok), c))
    return min(ok, key=lambda t: (t[0], t[1]))[2] if ok else None


def _same_show(candidates: list[Cluster], r: SourceRecord) -> Cluster | None:
    """The one JustWatch show of this name whose run (first year .. + seasons + 1) covers r's year."""
    if r.year is None:
        return None
    hits = []
    for c in candidates:
        head = c.sorted()[0]
        if head.year is None or any(x.family == "shivamb" and x.service == r.service for x in c.records):
            continue
        seasons = max(head.seasons or 0, r.seasons or 0, 1)
        if head.year <= r.year <= head.year + seasons + 1:
            hits.append(c)
    return hits[0] if len(hits) == 1 else None


def _sid_num(sid: str) -> tuple[int, str]:
    digits = "".join(ch for ch in sid if ch.isdigit())
    return (int(digits) if digits else 0, sid)


def _first(records: list[SourceRecord], get: Callable[[SourceRecord], Any]) -> Any:
    for r in records:
        v = get(r)
        if v not in (None, "", []):
            return v
    return None


def _union(lists: Iterable[list[str]]) -> list[str]:
    out: list[str] = []
    for items in lists:
        for x in items:
            if x not in out:
                out.append(x)
    return out


def merge_cluster(cluster: Cluster) -> dict[str, Any]:
    """One titles row (plus `cast`/`directors` as Python lists) from a cluster."""
    recs = cluster.sorted()
    jw = [r for r in recs if r.family == "justwatch"]
    sb = [r for r in recs if r.family == "shivamb"]
    head = recs[0]
    if jw:
        tid = head.source_id
    else:
        tid = f"{vocab.SERVICE_ID_PREFIX[head.service]}-{head.source_id}"
    people_first = sb + jw
    cert_rec = next((r for r in recs if r.age_cert), None)
    services = sorted({r.service for r in recs}, key=vocab.service_rank)
    dates = sorted(r.date_added for r in sb if r.date_added)
    return {
        "id": tid,
        "title": head.title,
        "norm_title": norm(head.title),
        "kind": head.kind,
        "year": head.year,
        "runtime": _first(recs, lambda r: r.runtime),
        "seasons": _first(recs, lambda r: r.seasons) if head.kind == "show" else None,
        "genres": _union(r.genres for r in recs),
        "raw_genres": _union(r.raw_genres for r in recs),
        "age_cert": cert_rec.age_cert if cert_rec else None,
        "min_age": cert_rec.min_age if cert_rec else None,
        "countries": _first(people_first, lambda r: r.countries) or [],
        "raw_countries": _union(r.raw_countries for r in recs),
        "services": [s for s in SERVICES if s in services],
        "imdb_id": _first(jw, lambda r: r.imdb_id),
        "imdb_score": _first(jw, lambda r: r.imdb_score),
        "votes": _first(jw, lambda r: r.imdb_votes),
        "tmdb_score": _first(jw, lambda r: r.tmdb_score),
        "popularity": _first(jw, lambda r: r.tmdb_popularity),
        "description": _first(recs, lambda r: r.description) or "",
        "date_added": dates[0] if dates else None,
        "cast": _first(people_first, lambda r: r.cast) or [],
        "directors": _first(people_first, lambda r: r.directors) or [],
        "sources": [f"{r.family}:{r.service}:{r.snapshot}:{r.source_id}" for r in recs],
    }


def merge_all(justwatch: Iterable[SourceRecord], shivamb: Iterable[SourceRecord]) -> list[dict[str, Any]]:
    try:
        rows = [merge_cluster(c) for c in cluster_records(justwatch, shivamb)]
    finally:
        _PREC.clear()
    rows.sort(key=lambda row: row["id"])
    seen: set[str] = set()
    for row in rows:  # ids are unique by construction; guard anyway
        if row["id"] in seen:
            raise AssertionError(f"duplicate title id {row['id']}")
        seen.add(row["id"])
    return rows
