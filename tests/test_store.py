"""The in-memory filters (Facets) agree with the same filters written in SQL, on the real catalogue."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sql_filter import build_filter

from voicerec.types import GENRES, SERVICES, Query

queries = st.builds(
    Query,
    kind=st.sampled_from([None, "movie", "show"]),
    genres=st.lists(st.sampled_from(GENRES), max_size=2),
    genres_all=st.lists(st.sampled_from(GENRES), max_size=2),
    exclude_genres=st.lists(st.sampled_from(GENRES), max_size=2),
    year_min=st.one_of(st.none(), st.integers(1920, 2024)),
    year_max=st.one_of(st.none(), st.integers(1920, 2024)),
    runtime_min=st.one_of(st.none(), st.integers(1, 240)),
    runtime_max=st.one_of(st.none(), st.integers(1, 240)),
    seasons_min=st.one_of(st.none(), st.integers(1, 10)),
    seasons_max=st.one_of(st.none(), st.integers(1, 10)),
    max_age=st.one_of(st.none(), st.sampled_from([0, 7, 13, 16, 18])),
    services=st.lists(st.sampled_from(SERVICES), max_size=3),
    countries=st.lists(st.sampled_from(["US", "GB", "KR", "JP", "IN", "FR", "ZZ"]), max_size=2),
    people=st.lists(st.sampled_from(["Tom Hanks", "Steven Spielberg", "Penélope Cruz", "Nobody Atall"]), max_size=1),
    directors=st.lists(st.sampled_from(["Steven Spielberg", "Tom Hanks", "Pedro Almodóvar"]), max_size=1),
    people_any=st.lists(st.sampled_from(["Tom Hanks", "Meryl Streep", "Nobody Atall"]), max_size=2),
    min_rating=st.one_of(st.none(), st.floats(0, 10)),
)


@hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=queries)
def test_facets_match_sql(assistant, q: Query) -> None:
    catalog = assistant.catalog
    f = build_filter(q)
    want = {r[0] for r in catalog.conn.execute(f"SELECT t.rowid FROM titles t WHERE {f.where}", f.args)}
    got = set(catalog.facets.rowids[catalog.match(q)].tolist())
    assert got == want


def test_exclude_ids(assistant) -> None:
    catalog = assistant.catalog
    ids = [r[0] for r in catalog.conn.execute("SELECT id FROM titles ORDER BY quality DESC LIMIT 5")]
    mask = catalog.match(Query(exclude_ids=ids))
    rowids = {r[0] for r in catalog.conn.execute(
        f"SELECT rowid FROM titles WHERE id IN ({','.join('?' * len(ids))})", ids)}
    assert not set(catalog.facets.rowids[mask].tolist()) & rowids
    assert int(np.count_nonzero(mask)) == len(catalog.facets) - len(rowids)
