"""Readers for the two raw catalogue families. Each yields plain `SourceRecord`s: one per row, with
text cleaned, numbers parsed and labels mapped (the merging happens in `merge.py`).

justwatch/<service>_titles[_2023].csv (+ <service>_credits.csv, joined by id to both snapshots)
shivamb/<service>_titles.csv
Files are read with `csv` and newline='' (CRLF, newlines inside quoted fields). A file that cannot
be read or parsed raises CatalogError naming the file and line.
"""

from __future__ import annotations

import ast
import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from voicerec.catalog import vocab
from voicerec.errors import CatalogError
from voicerec.text import clean_text

JW_TITLE_COLUMNS = ("id", "title", "type", "description", "release_year", "age_certification", "runtime",
                    "genres", "production_countries", "seasons", "imdb_id", "imdb_score", "imdb_votes",
                    "tmdb_popularity", "tmdb_score")
JW_CREDIT_COLUMNS = ("person_id", "id", "name", "character", "role")
SB_COLUMNS = ("show_id", "type", "title", "director", "cast", "country", "date_added", "release_year",
              "rating", "duration", "listed_in", "description")

# The month each listing was taken (YYYY-MM; data/catalog/PROVENANCE.md, "Listing dates"). JustWatch
# files carry no date: the 2022 scrape is Kaggle's v2 of May-July 2022, the 2023 one March 2023.
# A shivamb file's month is that of its newest `date_added` (the list was taken on or after it).
SNAPSHOT_2022 = "2022-07"
SNAPSHOT_2023 = "2023-03"
SNAPSHOT_SHIVAMB = "2021-01"  # only for a shivamb file with no date_added at all

# Text damage that clean_text cannot undo (the bytes are gone): exact repairs.
# 'â€"' is '—' read as cp1252 whose closing '”' was later ASCII-fied by the cleaned copies.
_TEXT_FIXES = {"Jordi Moll\ufffd\ufffd": "Jordi Mollà", " \ufffd ": " – ", 'â€"': "—"}
_STRAY_A = re.compile(r"Â(?=[^\w\s])")  # 'youÂ've': a C2 lead byte left before ASCII-fied punctuation
_NOT_NAMES = frozenset({"not available", "unknown", "various", "n/a", "none"})
_JW_ID = re.compile(r"^t[ms]\d+$")
_DAMAGED_JW_ID = re.compile(r"^[ms]\d+$")
_NAME_OK = re.compile(r"[^\W\d_]")
_SIMPLE_LIST = re.compile(r"^\[('[^'\\]*'(, )?)*\]$")
_QUOTED = re.compile(r"'([^']*)'")
_LEADING_NUMBER = re.compile(r"^-?\d+(\.\d+)?(?=[a-z]{1,2}$)", re.IGNORECASE)


@dataclass(slots=True)
class SourceRecord:
    """One row of one source file, normalised."""

    family: str  # "justwatch" | "shivamb"
    source_id: str  # tm123 / ts45 (justwatch), s12 (shivamb)
    service: str
    snapshot: str  # month of the listing, "2023-03" > "2022-07" > "2021-09": newer wins
    file: str
    title: str
    kind: str  # "movie" | "show"
    year: int | None = None
    runtime: int | None = None
    seasons: int | None = None
    raw_genres: list[str] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    age_cert: str | None = None
    min_age: int | None = None
    raw_countries: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    description: str = ""
    cast: list[str] = field(default_factory=list)
    directors: list[str] = field(default_factory=list)
    imdb_id: str | None = None
    imdb_score: float | None = None
    imdb_votes: int | None = None
    tmdb_score: float | None = None
    tmdb_popularity: float | None = None
    date_added: str | None = None


def clean(s: str | None) -> str:
    s = s or ""
    if "\ufffd" in s or 'â€"' in s:
        for bad, good in _TEXT_FIXES.items():
            s = s.replace(bad, good)
    s = clean_text(s)
    return _STRAY_A.sub("", s) if "Â" in s else s


@lru_cache(maxsize=65536)
def clean_name(s: str) -> str | None:
    """A person's name, or None for junk such as '20TH_CENTURY_FOX' or '1'."""
    name = clean(s)
    if not name or "_" in name or not _NAME_OK.search(name) or name.casefold() in _NOT_NAMES:
        return None
    return name


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row; CatalogError for a file that is not this table."""
    rel = f"{path.parent.name}/{path.name}"
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None or [h.strip() for h in header] != list(columns):
                raise CatalogError(f"{rel}: unexpected header (expected {','.join(columns)})")
            for row in reader:
                if not row:
                    continue
                if len(row) != len(columns):
                    raise CatalogError(f"{rel}:{reader.line_num}: expected {len(columns)} fields, got {len(row)}")
                yield reader.line_num, dict(zip(columns, row, strict=True))
    except UnicodeDecodeError as e:
        raise CatalogError(f"{rel}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except csv.Error as e:
        raise CatalogError(f"{rel}: malformed CSV ({e})") from None
    except OSError as e:
        raise CatalogError(f"{rel}: cannot read ({e.strerror})") from None


def _num(value: str, where: str, conv: type = float) -> float | int | None:
    v = value.strip()
    if not v:
        return None
    try:
        f = float(v)
    except ValueError:
        m = _LEADING_NUMBER.match(v)  # one upstream typo: '7.9t'
        if not m:
            raise CatalogError(f"{where}: not a number: {v[:30]!r}") from None
        f = float(m.group(0))
    if f != f:  # NaN
        return None
    return int(f) if conv is int else f


def _pylist(value: str, where: str) -> list[str]:
    v = value.strip()
    if not v or v == "[]":
        return []
    if _SIMPLE_LIST.match(v):
        return [i.strip() for i in _QUOTED.findall(v) if i.strip()]
    try:
        items = ast.literal_eval(v)
    except (ValueError, SyntaxError):
        raise CatalogError(f"{where}: not a list: {v[:30]!r}") from None
    if not isinstance(items, list | tuple):
        raise CatalogError(f"{where}: not a list: {v[:30]!r}")
    return [str(i).strip() for i in items if str(i).strip()]


def _split(value: str) -> list[str]:
    return [p.strip() for p in (value or "").split(",") if p.strip()]


def service_of(path: Path) -> str:
    stem = re.sub(r"_(titles|credits)(_\d{4})?$", "", path.stem)
    if stem not in vocab.SERVICE_FILE_KEYS:
        raise CatalogError(f"{path.parent.name}/{path.name}: unknown service {stem!r}")
    return vocab.SERVICE_FILE_KEYS[stem]


# --- justwatch ----------------------------------------------------------------------------------

def read_justwatch_credits(path: Path) -> dict[str, tuple[list[str], list[str]]]:
    """title id → (actors, directors) in file (billing) order, duplicates dropped."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for _line, row in _rows(path, JW_CREDIT_COLUMNS):
        name = clean_name(row["name"])
        role = row["role"].strip().upper()
        if not name or role not in ("ACTOR", "DIRECTOR"):
            continue
        actors, directors = out.setdefault(repair_jw_id(row["id"].strip()), ([], []))
        target = actors if role == "ACTOR" else directors
        if name not in target:
            target.append(name)
    return out


def repair_jw_id(raw: str) -> str:
    """'s86205' (a damaged 'ts86205') → 'ts86205'; good ids unchanged."""
    return "t" + raw if _DAMAGED_JW_ID.match(raw) else raw


def read_justwatch_titles(path: Path, credits: dict[str, tuple[list[str], list[str]]]) -> Iterator[SourceRecord]:
    snapshot = SNAPSHOT_2023 if path.stem.endswith("_2023") else SNAPSHOT_2022
    return justwatch_records(_rows(path, JW_TITLE_COLUMNS), f"justwatch/{path.name}", service_of(path), snapshot,
                             credits)


def justwatch_records(rows: Iterable[tuple[int, dict[str, str]]], rel: str, service: str, snapshot: str,
                      credits: dict[str, tuple[list[str], list[str]]] | None = None) -> Iterator[SourceRecord]:
    """SourceRecords of the (line, row) pairs of a JustWatch titles.csv (a shipped file or an import)."""
    credits = credits or {}
    seen: set[str] = set()
    for line, row in rows:
        where = f"{rel}:{line}"
        sid = repair_jw_id(row["id"].strip())
        if not _JW_ID.match(sid):
            raise CatalogError(f"{where}: bad JustWatch id {row['id'][:20]!r}")
        if sid in seen:  # upstream duplicates (identical rows)
            continue
        seen.add(sid)
        kind = {"MOVIE": "movie", "SHOW": "show"}.get(row["type"].strip().upper())
        if kind is None:
            raise CatalogError(f"{where}: unknown type {row['type'][:20]!r}")
        raw_genres = _pylist(row["genres"], where)
        raw_countries = _pylist(row["production_countries"], where)
        runtime = _num(row["runtime"], where, int)
        seasons = _num(row["seasons"], where, int)
        votes = _num(row["imdb_votes"], where, int)
        actors, directors = credits.get(sid, ([], []))
        cert = vocab.clean_cert(row["age_certification"])
        yield SourceRecord(
            family="justwatch", source_id=sid, service=service, snapshot=snapshot, file=rel,
            title=clean(row["title"]), kind=kind, year=_num(row["release_year"], where, int),
            runtime=runtime or None, seasons=(seasons or None) if kind == "show" else None,
            raw_genres=raw_genres, genres=vocab.canonical_genres(raw_genres, "justwatch"),
            age_cert=cert, min_age=vocab.min_age(cert),
            raw_countries=raw_countries, countries=vocab.country_codes(raw_countries),
            description=clean(row["description"]), cast=list(actors), directors=list(directors),
            imdb_id=row["imdb_id"].strip() or None, imdb_score=_num(row["imdb_score"], where),
            imdb_votes=votes, tmdb_score=_num(row["tmdb_score"], where),
            tmdb_popularity=_num(row["tmdb_popularity"], where),
        )


def read_justwatch(directory: Path) -> list[SourceRecord]:
    """All JustWatch title rows of all services and snapshots, credits attached."""
    records: list[SourceRecord] = []
    credits: dict[str, dict[str, tuple[list[str], list[str]]]] = {}
    for path in sorted(directory.glob("*_credits.csv")):
        credits[service_of(path)] = read_justwatch_credits(path)
    for path in sorted(directory.glob("*_titles*.csv")):
        records.extend(read_justwatch_titles(path, credits.get(service_of(path), {})))
    return records


# --- shivamb ------------------------------------------------------------------------------------

def _date(value: str, where: str) -> str | None:
    v = " ".join(value.split())
    if not v:
        return None
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%d-%b-%y", "%Y-%m-%d"):
        try:
            return datetime.strptime(v, fmt).date().isoformat()
        except ValueError:
            continue
    raise CatalogError(f"{where}: unreadable date_added {v[:30]!r}")


def read_shivamb_titles(path: Path) -> list[SourceRecord]:
    """The rows of one shivamb file, each dated with the file's listing month (its newest date_added)."""
    records = list(_shivamb_rows(path))
    dates = [r.date_added for r in records if r.date_added]
    snapshot = max(dates)[:7] if dates else SNAPSHOT_SHIVAMB
    for r in records:
        r.snapshot = snapshot
    return records


def _shivamb_rows(path: Path) -> Iterator[SourceRecord]:
    service = service_of(path)
    rel = f"shivamb/{path.name}"
    seen: set[str] = set()
    for line, row in _rows(path, SB_COLUMNS):
        where = f"{rel}:{line}"
        sid = row["show_id"].strip()
        if not sid or sid in seen:
            continue
        seen.add(sid)
        kind = {"movie": "movie", "tv show": "show"}.get(row["type"].strip().lower())
        if kind is None:
            raise CatalogError(f"{where}: unknown type {row['type'][:20]!r}")
        duration, cert = row["duration"].strip(), row["rating"].strip()
        if not duration and vocab.DURATION_RE.match(cert):  # the duration slipped into `rating`
            duration, cert = cert, ""
        runtime = seasons = None
        m = vocab.DURATION_RE.match(duration)
        if m:
            n = int(m.group(1))
            if m.group(2).lower() == "min":
                runtime = n or None
            else:
                seasons = n or None
        cert_clean = vocab.clean_cert(cert)
        labels = vocab.split_shivamb_labels(row["listed_in"])
        raw_countries = _split(row["country"])
        countries = vocab.country_codes(raw_countries)
        if not countries:
            countries = [vocab.LABEL_COUNTRY_HINTS[lb] for lb in labels if lb in vocab.LABEL_COUNTRY_HINTS][:1]
        yield SourceRecord(
            family="shivamb", source_id=sid, service=service, snapshot=SNAPSHOT_SHIVAMB, file=rel,
            title=clean(row["title"]), kind=kind, year=_num(row["release_year"], where, int),
            runtime=runtime if kind == "movie" else None, seasons=seasons if kind == "show" else None,
            raw_genres=labels, genres=vocab.canonical_genres(labels, "shivamb"),
            age_cert=cert_clean, min_age=vocab.min_age(cert_clean),
            raw_countries=raw_countries, countries=countries, description=clean(row["description"]),
            cast=_names(row["cast"]), directors=_names(row["director"]),
            date_added=_date(row["date_added"], where),
        )


def _names(value: str) -> list[str]:
    out: list[str] = []
    for part in _split(value):
        name = clean_name(part)
        if name and name not in out:
            out.append(name)
    return out


def read_shivamb(directory: Path) -> list[SourceRecord]:
    records: list[SourceRecord] = []
    for path in sorted(directory.glob("*_titles.csv")):
        records.extend(read_shivamb_titles(path))
    return records
