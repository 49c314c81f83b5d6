"""Source rows → one catalogue title per real title, with its availability (match.py finds the
rows of a title, genres.py votes its genres).

Fields come from the row that speaks first (match.precedence: JustWatch, newest listing, service
order), else from the next that has them: scores, runtime, seasons, description and certificate;
shivamb first for cast, directors and countries (JustWatch's Amazon rows have no credits). A
movie's year is the one most of its rows give (ties: the first row's); a show's is its first-air
year (the earliest JustWatch year; shivamb often lists a show under its latest season's year).

Availability: a listing is one file of one service on one date (the `snapshot` month). A title is
on a service when the service's newest listing has it (`services`, `available_as_of`: service →
month of that listing); when only older listings have it, it was on it (`was_on`: service → month
of the newest listing that had it). It is never "on" a service by an older listing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from voicerec.catalog import genres as genre_vote
from voicerec.catalog import vocab
from voicerec.catalog.match import Cluster, cluster_records, forget, precedence
from voicerec.catalog.sources import SourceRecord
from voicerec.text import norm
from voicerec.types import SERVICES

Listing = tuple[str, str, str]  # (family, service, snapshot month)


@dataclass(frozen=True)
class Merged:
    """What the builder writes: titles rows, the listings, and each title's source rows."""

    titles: list[dict[str, Any]]
    listings: list[dict[str, Any]]
    sources: list[dict[str, Any]]


def listing_of(r: SourceRecord) -> Listing:
    return (r.family, r.service, r.snapshot)


def newest_listings(records: Iterable[SourceRecord]) -> dict[str, str]:
    """service → month of its newest listing."""
    newest: dict[str, str] = {}
    for r in records:
        if r.snapshot > newest.get(r.service, ""):
            newest[r.service] = r.snapshot
    return newest


def source_key(r: SourceRecord) -> str:
    """The id a row's title has when no other row joins it (JustWatch id, nf-s123, im-...)."""
    if r.family == "justwatch":
        return r.source_id
    if r.family == "shivamb":
        return f"{vocab.SERVICE_ID_PREFIX[r.service]}-{r.source_id}"
    return r.source_id  # imports carry their own id (imports.py)


def _first(records: list[SourceRecord], get: Callable[[SourceRecord], Any]) -> Any:
    for r in records:
        v = get(r)
        if v not in (None, "", []):
            return v
    return None


def _union(lists: Iterable[list[str]]) -> list[str]:
    out: list[str] = []
    for items in lists:
        out += [x for x in items if x not in out]
    return out


def _year(kind: str, recs: list[SourceRecord]) -> int | None:
    if kind == "movie":  # the year most rows give (a JustWatch id gives two now and then), else the first's
        years = [r.year for r in recs if r.year is not None]
        return max(dict.fromkeys(years), key=years.count) if years else None
    scored = [r.year for r in recs if r.year is not None and r.family != "shivamb"]
    years = scored or [r.year for r in recs if r.year is not None]
    return min(years) if years else None


def availability(recs: list[SourceRecord], newest: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(service → month it is listed as of, for services whose newest listing has it;
        service → month of the newest listing that had it, for the others)."""
    on: dict[str, str] = {}
    was: dict[str, str] = {}
    for r in recs:
        if r.snapshot == newest.get(r.service):
            on[r.service] = r.snapshot
        elif r.snapshot > was.get(r.service, ""):
            was[r.service] = r.snapshot
    ordered = lambda d: {s: d[s] for s in SERVICES if s in d}  # noqa: E731
    return ordered(on), ordered({s: m for s, m in was.items() if s not in on})


def merge_cluster(cluster: Cluster, newest: dict[str, str], vocab_of: dict[tuple[str, str, str], frozenset[str]],
                  stats: genre_vote.GenreStats) -> dict[str, Any]:
    """One titles row (list-valued fields as Python lists) from a cluster."""
    recs = sorted(cluster.records, key=precedence)
    scored = [r for r in recs if r.family != "shivamb"]  # rows that carry IMDb/TMDB data
    sb = [r for r in recs if r.family == "shivamb"]
    head = recs[0]
    people_first = sb + scored
    cert_rec = next((r for r in recs if r.age_cert), None)
    dates = sorted(r.date_added for r in sb if r.date_added)
    countries = _first(people_first, lambda r: r.countries) or []
    description = _first(recs, lambda r: r.description) or ""
    texts = " ".join(dict.fromkeys(r.description for r in recs if r.description))
    on, was = availability(recs, newest)
    return {
        "id": source_key(head),
        "title": head.title,
        "norm_title": norm(head.title),
        "kind": head.kind,
        "year": _year(head.kind, recs),
        "runtime": _first(recs, lambda r: r.runtime),
        "seasons": _first(recs, lambda r: r.seasons) if head.kind == "show" else None,
        "genres": genre_vote.decide(genre_vote.voices(recs, vocab_of), texts, countries, stats),
        "raw_genres": _union(r.raw_genres for r in recs),
        "age_cert": cert_rec.age_cert if cert_rec else None,
        "min_age": cert_rec.min_age if cert_rec else None,
        "countries": countries,
        "raw_countries": _union(r.raw_countries for r in recs),
        "services": list(on),
        "available_as_of": on,
        "was_on": was,
        "imdb_id": _first(scored, lambda r: r.imdb_id),
        "imdb_score": _first(scored, lambda r: r.imdb_score),
        "votes": _first(scored, lambda r: r.imdb_votes),
        "tmdb_score": _first(scored, lambda r: r.tmdb_score),
        "popularity": _first(scored, lambda r: r.tmdb_popularity),
        "description": description,
        "date_added": dates[0] if dates else None,
        "cast": _first(people_first, lambda r: r.cast) or [],
        "directors": _first(people_first, lambda r: r.directors) or [],
        "sources": [f"{r.family}:{r.service}:{r.snapshot}:{r.source_id}" for r in recs],
    }


def merge_all(justwatch: Iterable[SourceRecord], others: Iterable[SourceRecord]) -> Merged:
    """Cluster and merge every row; ids are unique and the order is deterministic."""
    justwatch, others = list(justwatch), list(others)
    everything = justwatch + others
    newest = newest_listings(everything)
    vocab_of = genre_vote.vocabularies(everything)
    stats = genre_vote.GenreStats(r.genres for r in everything)
    titles: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    try:
        for c in cluster_records(justwatch, others):
            row = merge_cluster(c, newest, vocab_of, stats)
            titles.append(row)
            sources += [{"title_id": row["id"], "source_key": source_key(r), "family": r.family,
                         "service": r.service, "snapshot": r.snapshot, "source_id": r.source_id, "title": r.title,
                         "year": r.year, "raw_genres": r.raw_genres} for r in sorted(c.records, key=precedence)]
    finally:
        forget()
    titles.sort(key=lambda row: row["id"])
    ids = [row["id"] for row in titles]
    if len(set(ids)) != len(ids):  # ids are unique by construction; guard anyway
        raise AssertionError("duplicate title ids")
    return Merged(titles, _listings(everything, newest), sources)


def _listings(records: list[SourceRecord], newest: dict[str, str]) -> list[dict[str, Any]]:
    rows: dict[Listing, dict[str, Any]] = {}
    for r in records:
        key = listing_of(r)
        entry = rows.setdefault(key, {"family": r.family, "service": r.service, "snapshot": r.snapshot,
                                      "file": r.file, "rows": 0, "newest": int(r.snapshot == newest[r.service])})
        entry["rows"] += 1
    return [rows[k] for k in sorted(rows, key=lambda k: (vocab.service_rank(k[1]), k[2], k[0]))]


def titles_per_listing(sources: list[dict[str, Any]]) -> dict[Listing, int]:
    """How many catalogue titles each listing names (for stats and check)."""
    seen: dict[Listing, set[str]] = defaultdict(set)
    for s in sources:
        seen[(s["family"], s["service"], s["snapshot"])].add(s["title_id"])
    return {k: len(v) for k, v in seen.items()}
