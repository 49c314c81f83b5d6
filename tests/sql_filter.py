"""The hard filters of a Query written in SQL: the reference the in-memory filters are tested against.

Not used at request time (catalog/facets.py filters in memory); tests/test_store.py checks the two
agree on the real catalogue, and bench/search_scale.py ranks its FTS5-only baseline with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from voicerec.catalog.schema import genre_mask, service_mask
from voicerec.text import norm
from voicerec.types import Query


@dataclass
class Filter:
    where: str
    args: list[object]


def build_filter(q: Query, *, alias: str = "t") -> Filter:
    """The hard constraints of a query as an SQL WHERE clause with parameters.

    Requests filter in memory (`Catalog.match`, catalog/facets.py); this is the same definition in
    SQL, for the test that keeps the two in agreement (test_store.py) and the FTS5-only baseline of
    bench/search_scale.py."""
    a = alias
    single: list[tuple[object, str]] = [  # (value or None/empty when unused, clause with one parameter)
        (q.kind, f"{a}.kind = ?"),
        (genre_mask(q.genres) if q.genres else None, f"({a}.genre_mask & ?) != 0"),
        (genre_mask(q.exclude_genres) if q.exclude_genres else None, f"({a}.genre_mask & ?) = 0"),
        (q.year_min, f"{a}.year >= ?"),
        (q.year_max, f"{a}.year <= ?"),
        (q.runtime_min, f"{a}.runtime >= ?"),
        (q.runtime_max, f"{a}.runtime <= ? AND {a}.runtime > 0"),
        (q.seasons_min, f"{a}.seasons >= ?"),
        (q.seasons_max, f"{a}.seasons <= ?"),
        (q.max_age, f"{a}.min_age <= ?"),
        (service_mask(q.services) if q.services else None, f"({a}.service_mask & ?) != 0"),
        (service_mask(q.available_on) if q.available_on else None, f"({a}.service_mask & ?) != 0"),
        (service_mask(q.exclude_services) if q.exclude_services else None, f"({a}.service_mask & ?) = 0"),
    ]
    clauses = [clause for value, clause in single if value is not None]
    args: list[object] = [value for value, _ in single if value is not None]
    if q.countries:
        marks = ",".join("?" * len(q.countries))
        clauses.append(f"{a}.id IN (SELECT title_id FROM title_countries WHERE country IN ({marks}))")
        args.extend(q.countries)
    if q.genres_all:
        clauses.append(f"({a}.genre_mask & ?) = ?")
        args += [genre_mask(q.genres_all)] * 2
    # as Catalog._person_rowids: credited on it (directors: as director); spellings that differ only in accents
    credited = f"{a}.id IN (SELECT c.title_id FROM credits c JOIN people p ON p.id = c.person_id WHERE p.norm_name"
    for person in q.people:
        clauses.append(f"{credited} = ?)")
        args.append(norm(person))
    for person in q.directors:
        clauses.append(f"{credited} = ? AND c.role = 'director')")
        args.append(norm(person))
    if q.people_any:
        clauses.append(f"{credited} IN ({','.join('?' * len(q.people_any))}))")
        args.extend(norm(p) for p in q.people_any)
    if q.exclude_ids:
        marks = ",".join("?" * len(q.exclude_ids))
        clauses.append(f"{a}.id NOT IN ({marks})")
        args.extend(q.exclude_ids)
    if q.min_rating is not None:
        clauses.append(f"{a}.rating >= ?")
        args.append(q.min_rating)
    return Filter(" AND ".join(clauses) or "1", args)
