"""The shape of catalog.db: written only by `catalog build`, read (read-only) by `Catalog`.

titles          one row per title, merged across services and source families
                JSON list columns (genres, countries, services, cast, directors, raw_*) are for output;
                genre_mask / service_mask (bit i = GENRES[i] / SERVICES[i]) are for fast filters.
                services / service_mask: the services whose newest listing has the title;
                available_as_of: JSON {service: month of that listing}; was_on: JSON {service: month
                of the newest listing that had it} for services whose newest listing does not
listings        one row per listing (a source file of one service on one date): family, service,
                snapshot (YYYY-MM), rows, titles, newest (1 for each service's newest)
title_sources   every source row and the title it became: source_key (the row's own id: tm123,
                nf-s123, ...), family, service, snapshot, source_id, title, year, raw_genres (JSON)
imported_rows   the rows of every listing `catalog import` took (family, service, snapshot, file,
                record: the SourceRecord as JSON), carried into every later build
people          one row per distinct person name; fame = lead credits in well-known titles
name_parts      each word of a known person's name → that person, with their fame: "keanu", "spielberg"
credits         title_id, person_id, role ('actor' | 'director'), ord (billing order)
title_countries title_id, country (ISO 3166-1 alpha-2): an indexed country filter
titles_fts      FTS5 over title and description, rowid = titles.rowid
embeddings      title_id, text_hash, vec (int8[384], L2-normalised vector * 127)
vector_lists    title_id, list_no: the IVF list of each title (only above embeddings.IVF_MIN titles)
vector_centroids list_no, vec (float32[384]): the IVF centroids
meta            key/value: built_at, data_hash, embed_model, catalogue mean rating, ...

What `catalog refresh` fetched from TMDB (REGION_DDL; absent until a refresh has run, so a catalogue
no refresh touched is exactly what `catalog build` makes):
tmdb_titles     key ('movie/603' | 'tv/1399'), title_id (the catalogue title it is: a shipped one it
                matched, or its own 'tmdb-m603'), fetched (YYYY-MM-DD), record (the facts, JSON)
availability    region, key, title_id, service, as_of (YYYY-MM-DD: the last refresh that saw it),
                here (1: on the service as of as_of; 0: was on it until as_of). Per region, this and
                not titles.services says what is on which service (catalog/availability.py)
providers       region, provider_id, name (TMDB's), service (the key, vocab/services.py), priority
refreshes       region, full_at, last_at (YYYY-MM-DD), titles (on a service there), source
keywords        title_id, keyword: TMDB's keywords (material for moods)

Written by `catalog/build.py`, `catalog/embeddings.py` and `catalog/regions.py` only. VECTOR_FILE_DDL is the one table of
the files that keep vectors outside a catalogue (the shipped seed in data/vectors/, the user's cache).
"""

from __future__ import annotations

import json
from typing import Any

from voicerec.types import GENRES, SERVICES

SCHEMA_VERSION = 3
TMDB_ONLY_VOTE_SHARE = 0.25  # the ranking prior (build.py): a title rated by TMDB only counts as m/4 votes
UNRATED_OFFSET = 0.5  # ... and one with no rating gets C - 0.5
EMBED_DIM = 384

DDL = """
CREATE TABLE IF NOT EXISTS titles (
    id            TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    norm_title    TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('movie', 'show')),
    year          INTEGER,
    runtime       INTEGER,
    seasons       INTEGER,
    genres        TEXT NOT NULL DEFAULT '[]',
    genre_mask    INTEGER NOT NULL DEFAULT 0,
    raw_genres    TEXT NOT NULL DEFAULT '[]',
    min_age       INTEGER,
    age_cert      TEXT,
    countries     TEXT NOT NULL DEFAULT '[]',
    raw_countries TEXT NOT NULL DEFAULT '[]',
    services      TEXT NOT NULL DEFAULT '[]',
    service_mask  INTEGER NOT NULL DEFAULT 0,
    available_as_of TEXT NOT NULL DEFAULT '{}',
    was_on        TEXT NOT NULL DEFAULT '{}',
    rating        REAL,
    votes         INTEGER,
    imdb_id       TEXT,
    imdb_score    REAL,
    tmdb_score    REAL,
    popularity    REAL,
    quality       REAL,
    description   TEXT NOT NULL DEFAULT '',
    date_added    TEXT,
    "cast"        TEXT NOT NULL DEFAULT '[]',
    directors     TEXT NOT NULL DEFAULT '[]',
    sources       TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS listings (
    id       INTEGER PRIMARY KEY,
    family   TEXT NOT NULL,
    service  TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    file     TEXT NOT NULL,
    rows     INTEGER NOT NULL,
    titles   INTEGER NOT NULL,
    newest   INTEGER NOT NULL CHECK (newest IN (0, 1)),
    UNIQUE (family, service, snapshot)
);
CREATE TABLE IF NOT EXISTS title_sources (
    title_id   TEXT NOT NULL,
    source_key TEXT NOT NULL,
    family     TEXT NOT NULL,
    service    TEXT NOT NULL,
    snapshot   TEXT NOT NULL,
    source_id  TEXT NOT NULL,
    title      TEXT NOT NULL,
    year       INTEGER,
    raw_genres TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS imported_rows (
    family   TEXT NOT NULL,
    service  TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    file     TEXT NOT NULL,
    record   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS people (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    norm_name TEXT NOT NULL,
    n_titles  INTEGER NOT NULL DEFAULT 0,
    fame      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS name_parts (
    part      TEXT NOT NULL,
    person_id INTEGER NOT NULL,
    fame      INTEGER NOT NULL,
    PRIMARY KEY (part, person_id)
);
CREATE TABLE IF NOT EXISTS credits (
    title_id  TEXT NOT NULL,
    person_id INTEGER NOT NULL,
    role      TEXT NOT NULL CHECK (role IN ('actor', 'director')),
    ord       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (title_id, person_id, role)
);
CREATE TABLE IF NOT EXISTS title_countries (
    title_id TEXT NOT NULL,
    country  TEXT NOT NULL,
    PRIMARY KEY (title_id, country)
);
CREATE TABLE IF NOT EXISTS embeddings (
    title_id  TEXT PRIMARY KEY,
    text_hash TEXT NOT NULL,
    vec       BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS vector_lists (
    title_id TEXT PRIMARY KEY,
    list_no  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS vector_centroids (
    list_no INTEGER PRIMARY KEY,
    vec     BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);
"""

REGION_DDL = """
CREATE TABLE IF NOT EXISTS tmdb_titles (
    key      TEXT PRIMARY KEY,
    title_id TEXT NOT NULL,
    fetched  TEXT NOT NULL,
    record   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS availability (
    region   TEXT NOT NULL,
    key      TEXT NOT NULL,
    title_id TEXT NOT NULL,
    service  TEXT NOT NULL,
    as_of    TEXT NOT NULL,
    here     INTEGER NOT NULL CHECK (here IN (0, 1)),
    PRIMARY KEY (region, key, service)
);
CREATE INDEX IF NOT EXISTS idx_availability_title ON availability(title_id);
CREATE TABLE IF NOT EXISTS providers (
    region      TEXT NOT NULL,
    provider_id INTEGER NOT NULL,
    name        TEXT NOT NULL,
    service     TEXT NOT NULL,
    priority    INTEGER,
    PRIMARY KEY (region, provider_id)
);
CREATE TABLE IF NOT EXISTS refreshes (
    region  TEXT PRIMARY KEY,
    full_at TEXT,
    last_at TEXT NOT NULL,
    titles  INTEGER NOT NULL,
    source  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS keywords (
    title_id TEXT NOT NULL,
    keyword  TEXT NOT NULL,
    PRIMARY KEY (title_id, keyword)
);
"""

VECTOR_FILE_DDL = "CREATE TABLE IF NOT EXISTS vectors (text_hash TEXT PRIMARY KEY, vec BLOB NOT NULL) WITHOUT ROWID"

INDEXES = """
CREATE INDEX IF NOT EXISTS idx_titles_kind_year ON titles(kind, year);
CREATE INDEX IF NOT EXISTS idx_titles_year ON titles(year);
CREATE INDEX IF NOT EXISTS idx_titles_runtime ON titles(runtime);
CREATE INDEX IF NOT EXISTS idx_titles_quality ON titles(quality);
-- a narrow covering index: filtering and the quality-ordered scan never touch the wide rows
CREATE INDEX IF NOT EXISTS idx_titles_rank ON titles(
    quality DESC, kind, genre_mask, service_mask, year, runtime, seasons, min_age, rating, popularity, votes,
    id, norm_title
);
CREATE INDEX IF NOT EXISTS idx_titles_norm_title ON titles(norm_title);
CREATE INDEX IF NOT EXISTS idx_title_sources_title ON title_sources(title_id);
CREATE INDEX IF NOT EXISTS idx_title_sources_key ON title_sources(source_key);
CREATE INDEX IF NOT EXISTS idx_people_norm ON people(norm_name);
CREATE INDEX IF NOT EXISTS idx_credits_person ON credits(person_id);
CREATE INDEX IF NOT EXISTS idx_title_countries_country ON title_countries(country);
"""


def genre_mask(genres: list[str]) -> int:
    return sum(1 << GENRES.index(g) for g in set(genres) if g in GENRES)


def service_mask(services: list[str]) -> int:
    return sum(1 << SERVICES.index(s) for s in set(services) if s in SERVICES)


def quality(rating: float | None, votes: int | None, imdb: bool, c: float, m: float) -> float:
    """The ranking prior of one title (build.py's module doc): `imdb` says whether the rating is IMDb's."""
    if rating is None:
        return round(c - UNRATED_OFFSET, 4)
    v = votes if imdb and votes else 0
    if not imdb:
        v = m * TMDB_ONLY_VOTE_SHARE
    return round((v * rating + m * c) / (v + m), 4)


def title_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merged title rows (lists as Python lists) as the titles table stores them (lists as JSON, masks)."""
    out = []
    for row in rows:
        out.append({
            **row,
            "genres": json.dumps(row["genres"]), "genre_mask": genre_mask(row["genres"]),
            "raw_genres": json.dumps(row["raw_genres"], ensure_ascii=False),
            "countries": json.dumps(row["countries"]),
            "raw_countries": json.dumps(row["raw_countries"], ensure_ascii=False),
            "services": json.dumps(row["services"]), "service_mask": service_mask(row["services"]),
            "available_as_of": json.dumps(row["available_as_of"]), "was_on": json.dumps(row["was_on"]),
            "cast": json.dumps(row["cast"], ensure_ascii=False),
            "directors": json.dumps(row["directors"], ensure_ascii=False),
            "sources": json.dumps(row["sources"]),
        })
    return out
