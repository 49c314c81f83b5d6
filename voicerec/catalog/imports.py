"""`catalog import FILE`: a newer listing from the user, merged into the catalogue by the build's rules.

Formats (the first line decides):
  * CSV with a header holding at least `service,title,kind,date` and any of `year,imdb_id,runtime,
    seasons,genres,description,countries,age_certification,imdb_score,imdb_votes`:
        service,title,kind,year,imdb_id,date
        netflix,Wednesday,show,2022,tt13443470,2024-01
    service: netflix, prime, disney, hulu, hbo, paramount, apple (or their names: "Prime Video").
    kind: movie or show. date: when the list was taken (YYYY-MM or YYYY-MM-DD). genres and countries:
    canonical genres / ISO codes separated by '|'. Blank optional fields are unknown.
  * JSON: an array of objects, or one object per line (JSON Lines), with the same keys.
  * JustWatch's titles.csv as published (id,title,type,description,release_year,...): give the
    service (or name the file <service>_titles*.csv) and the date (`--date`).
A listing is one service on one date, and is taken as that service's complete list then: when it is
the newest, the titles it names are on the service as of its date and the others were on it before.

Every row is checked first; a bad one stops the import with a one-line error naming the file and
line, and nothing is written. The listing is then kept in catalog.db (`imported_rows`), and the
catalogue is rebuilt from the raw data plus every listing imported so far (build.py), into a new
file that replaces the old one only when complete: a failed import leaves the old catalogue as it
was, and a later `catalog build` keeps what was imported. Importing a listing again (same source,
service and month) replaces the earlier copy.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import Any

from voicerec.catalog import sources, vocab
from voicerec.catalog.sources import JW_TITLE_COLUMNS, SourceRecord, clean
from voicerec.errors import CatalogError
from voicerec.text import norm
from voicerec.types import GENRES, SERVICE_NAMES, SERVICES

REQUIRED = ("service", "title", "kind", "date")
OPTIONAL = ("year", "imdb_id", "runtime", "seasons", "genres", "description", "countries", "age_certification",
            "imdb_score", "imdb_votes")
_SERVICE_WORDS = {**{s: s for s in SERVICES}, **{vocab.norm_service(n): s for s, n in SERVICE_NAMES.items()},
                  **{vocab.norm_service(k): s for k, s in vocab.SERVICE_FILE_KEYS.items()}}
_IMDB = re.compile(r"^tt\d{5,10}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
MAX_ROWS = 200_000


@dataclass(frozen=True)
class Listing:
    """The rows of one imported file (one or more listings: a (service, month) each)."""

    name: str
    format: str
    records: list[SourceRecord]

    def keys(self) -> set[tuple[str, str, str]]:
        return {(r.family, r.service, r.snapshot) for r in self.records}


def read_listing(path: Path, *, service: str | None = None, when: str | None = None) -> Listing:
    """Parse and check an import file; CatalogError naming the line for anything wrong."""
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CatalogError(f"{name}: no such file") from None
    except UnicodeDecodeError as e:
        raise CatalogError(f"{name}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except OSError as e:
        raise CatalogError(f"{name}: cannot read ({e.strerror})") from None
    if not text.strip():
        raise CatalogError(f"{name}: the file is empty")
    head = text.lstrip()[:1]
    if head in "[{":
        records = [_record(obj, f"{name}:{line}", name) for line, obj in _json_items(text, name)]
        fmt = "json"
    else:
        rows = _csv_rows(text, name)
        header = next(rows, None)
        if header is None:
            raise CatalogError(f"{name}: the file is empty")
        header_line, columns = header
        if tuple(c.strip() for c in columns) == JW_TITLE_COLUMNS:
            records = _justwatch(rows, name, _service_for(path, service), _month(when, f"{name}: --date"))
            fmt = "justwatch"
        else:
            records = _simple_csv(columns, rows, name, header_line)
            fmt = "csv"
    if not records:
        raise CatalogError(f"{name}: no titles in the file")
    if len(records) > MAX_ROWS:
        raise CatalogError(f"{name}: {len(records)} rows (at most {MAX_ROWS})")
    return Listing(name, fmt, records)


# --- the three formats -----------------------------------------------------------------------------

def _csv_rows(text: str, name: str):  # -> Iterator[tuple[int, list[str]]]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            if row and any(c.strip() for c in row):
                yield reader.line_num, row
    except csv.Error as e:
        raise CatalogError(f"{name}:{reader.line_num}: malformed CSV ({e})") from None


def _simple_csv(columns: list[str], rows, name: str, header_line: int) -> list[SourceRecord]:
    cols = [c.strip().lower() for c in columns]
    unknown = [c for c in cols if c not in REQUIRED + OPTIONAL]
    missing = [c for c in REQUIRED if c not in cols]
    if unknown or missing:
        what = f"unknown column {unknown[0]!r}" if unknown else f"no {missing[0]!r} column"
        raise CatalogError(f"{name}:{header_line}: {what} (columns: {','.join(REQUIRED + OPTIONAL)}, "
                           "or JustWatch's titles.csv header)")
    out = []
    for line, row in rows:
        where = f"{name}:{line}"
        if len(row) != len(cols):
            raise CatalogError(f"{where}: expected {len(cols)} fields, got {len(row)}")
        out.append(_record(dict(zip(cols, row, strict=True)), where, name))
    return out


def _json_items(text: str, name: str):  # -> Iterator[tuple[int, Any]]
    """(line, object) for a JSON array of objects or for JSON Lines."""
    dec = json.JSONDecoder()
    line_of = lambda pos: text.count("\n", 0, pos) + 1  # noqa: E731
    pos = len(text) - len(text.lstrip())
    array = text[pos] == "["
    if array:
        pos += 1
    while True:
        while pos < len(text) and (text[pos].isspace() or (array and text[pos] == ",")):
            pos += 1
        if pos >= len(text) or (array and text[pos] == "]"):
            if array and pos >= len(text):
                raise CatalogError(f"{name}:{line_of(pos)}: the JSON array is not closed")
            return
        try:
            obj, end = dec.raw_decode(text, pos)
        except json.JSONDecodeError as e:
            raise CatalogError(f"{name}:{e.lineno}: not valid JSON ({e.msg})") from None
        except RecursionError:  # the decoder recurses once per level: [[[[...]]]] runs out of stack
            raise CatalogError(f"{name}:{line_of(pos)}: not a listing (JSON nested too deeply)") from None
        if not isinstance(obj, dict):
            raise CatalogError(f"{name}:{line_of(pos)}: expected an object with service, title, kind, date")
        yield line_of(pos), obj
        pos = end


def _record(row: dict[str, Any], where: str, name: str) -> SourceRecord:
    row = {str(k).strip().lower(): ("" if v is None else v) for k, v in row.items()}
    unknown = [k for k in row if k not in REQUIRED + OPTIONAL]
    if unknown:
        raise CatalogError(f"{where}: unknown field {unknown[0]!r}")
    for key in REQUIRED:
        if not str(row.get(key, "")).strip():
            raise CatalogError(f"{where}: {key} is missing")
    title = clean(str(row["title"]))
    kind = {"movie": "movie", "film": "movie", "show": "show", "tv show": "show", "series": "show"}.get(
        str(row["kind"]).strip().lower())
    if kind is None:
        raise CatalogError(f"{where}: kind must be movie or show, not {str(row['kind'])[:20]!r}")
    imdb = str(row.get("imdb_id", "")).strip() or None
    if imdb and not _IMDB.match(imdb):
        raise CatalogError(f"{where}: not an IMDb id: {imdb[:20]!r} (like tt0111161)")
    year = _int(row.get("year"), where, "year", 1870, 2100)
    genres = _split(row.get("genres"))
    bad = [g for g in genres if g not in GENRES]
    if bad:
        raise CatalogError(f"{where}: unknown genre {bad[0]!r} (one of {', '.join(GENRES)})")
    countries = vocab.country_codes(_split(row.get("countries")))
    cert = vocab.clean_cert(str(row.get("age_certification", "")))
    key = imdb or hashlib.sha1(f"{norm(title)}|{kind}|{year}".encode()).hexdigest()[:10]
    return SourceRecord(
        family="import", source_id=f"im-{key}", service=_service(str(row["service"]), where),
        snapshot=_month(str(row["date"]), where), file=f"import/{name}", title=title, kind=kind, year=year,
        runtime=_int(row.get("runtime"), where, "runtime", 1, 10_000),
        seasons=_int(row.get("seasons"), where, "seasons", 1, 500) if kind == "show" else None,
        raw_genres=genres, genres=genres, age_cert=cert, min_age=vocab.min_age(cert), raw_countries=countries,
        countries=countries, description=clean(str(row.get("description", ""))), imdb_id=imdb,
        imdb_score=_float(row.get("imdb_score"), where, "imdb_score", 0, 10),
        imdb_votes=_int(row.get("imdb_votes"), where, "imdb_votes", 0, 10**9),
    )


def _justwatch(rows, name: str, service: str, month: str) -> list[SourceRecord]:
    """JustWatch's titles.csv, read by the same reader as the shipped files (errors name the line)."""
    tmp_rows = [(line, dict(zip(JW_TITLE_COLUMNS, row, strict=False)), len(row)) for line, row in rows]
    for line, _, n in tmp_rows:
        if n != len(JW_TITLE_COLUMNS):
            raise CatalogError(f"{name}:{line}: expected {len(JW_TITLE_COLUMNS)} fields, got {n}")
    records = list(sources.justwatch_records(((line, row) for line, row, _ in tmp_rows), f"import/{name}",
                                             service, month))
    for r in records:
        r.family = "justwatch"
    return records


# --- fields ---------------------------------------------------------------------------------------

def _service(value: str, where: str) -> str:
    s = _SERVICE_WORDS.get(vocab.norm_service(value))
    if s is None:
        raise CatalogError(f"{where}: unknown service {value[:30]!r} (one of {', '.join(SERVICES)})")
    return s


def _service_for(path: Path, service: str | None) -> str:
    if service:
        return _service(service, f"{path.name}: --service")
    try:
        return sources.service_of(path)
    except CatalogError:
        raise CatalogError(f"{path.name}: a JustWatch titles.csv needs --service (or a name like "
                           "netflix_titles.csv)") from None


def _month(value: str | None, where: str) -> str:
    """'2024-01' or '2024-01-15' → '2024-01'; a real date, not in the future."""
    m = _MONTH.match((value or "").strip())
    if not m:
        raise CatalogError(f"{where}: the listing date must be YYYY-MM or YYYY-MM-DD, not {(value or '')[:20]!r}")
    try:
        day = Date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        raise CatalogError(f"{where}: not a date: {value!r}") from None
    if day.year < 2000 or day > Date.today():
        raise CatalogError(f"{where}: the listing date {value!r} is not between 2000 and today")
    return f"{day.year:04d}-{day.month:02d}"


def _split(value: Any) -> list[str]:
    items = value if isinstance(value, list) else re.split(r"[|;,]", str(value or ""))
    return [str(x).strip().lower() if str(x).strip().lower() in GENRES else str(x).strip() for x in items
            if str(x).strip()]


def _number(value: Any, where: str, field: str, lo: float, hi: float) -> float | None:
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    try:
        x = float(text)
    except ValueError:
        raise CatalogError(f"{where}: {field} is not a number: {text[:20]!r}") from None
    if not lo <= x <= hi:
        raise CatalogError(f"{where}: {field} {text[:20]} is out of range ({lo:g}-{hi:g})")
    return x


def _int(value: Any, where: str, field: str, lo: int, hi: int) -> int | None:
    x = _number(value, where, field, lo, hi)
    return None if x is None else int(x)


def _float(value: Any, where: str, field: str, lo: float, hi: float) -> float | None:
    return _number(value, where, field, lo, hi)


# --- kept in catalog.db ------------------------------------------------------------------------------

def to_rows(records: list[SourceRecord]) -> list[dict[str, Any]]:
    """imported_rows rows for imported records."""
    return [{"family": r.family, "service": r.service, "snapshot": r.snapshot, "file": r.file,
             "record": json.dumps(dataclasses.asdict(r), ensure_ascii=False)} for r in records]


def previous(db_path: Path) -> list[SourceRecord]:
    """The records of every listing imported into an existing catalog.db (none when there is none)."""
    if not Path(db_path).is_file():
        return []
    try:
        conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
        try:
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'imported_rows'").fetchone():
                return []
            rows = conn.execute("SELECT record FROM imported_rows ORDER BY rowid").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise CatalogError(f"cannot read the listings imported into {db_path}: {e}") from None
    return [SourceRecord(**json.loads(r)) for (r,) in rows]


def combine(old: list[SourceRecord], new: Listing | None) -> list[SourceRecord]:
    """Earlier imports plus a new one; a listing imported again replaces its earlier copy."""
    if new is None:
        return old
    replaced = new.keys()
    return [r for r in old if (r.family, r.service, r.snapshot) not in replaced] + new.records
