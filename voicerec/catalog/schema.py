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

Written by `catalog/build.py` and `catalog/embeddings.py` only. VECTOR_FILE_DDL is the one table of
the files that keep vectors outside a catalogue (the shipped seed in data/vectors/, the user's cache).
"""

from __future__ import annotations

from voicerec.types import GENRES, SERVICES

SCHEMA_VERSION = 3
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
