"""catalog import: a newer listing changes availability as it should; a bad file changes nothing.

Builds a real catalogue from part of the shipped data (Netflix's three listings and HBO Max 2023)
so each import's rebuild takes seconds; one CLI run imports into the full catalogue."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from voicerec.catalog import embeddings
from voicerec.catalog.build import build_catalog
from voicerec.catalog.check import check_catalog
from voicerec.catalog.imports import read_listing
from voicerec.catalog.refresh import import_listing
from voicerec.catalog.stats import catalog_stats
from voicerec.errors import CatalogError, ModelError

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "catalog"
FIXTURES = Path(__file__).resolve().parent / "data" / "imports"
PART = ["justwatch/netflix_titles.csv", "justwatch/netflix_credits.csv", "justwatch/netflix_titles_2023.csv",
        "shivamb/netflix_titles.csv", "justwatch/hbo_max_titles_2023.csv"]


@pytest.fixture(scope="module")
def part(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(data dir, catalogue built from it): the state every test starts from (copy it)."""
    base = tmp_path_factory.mktemp("part")
    data = base / "data"
    for rel in PART:
        (data / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(DATA / rel, data / rel)
    build_catalog(data, base / "catalog.db", strict=False)
    return data, base / "catalog.db"


@pytest.fixture
def db(part: tuple[Path, Path], tmp_path: Path) -> Path:
    shutil.copy2(part[1], tmp_path / "catalog.db")
    return tmp_path / "catalog.db"


def _import(part: tuple[Path, Path], db: Path, name: str, **kw) -> dict:
    return import_listing(FIXTURES / name, part[0], db, strict=False, **kw)


def _row(db: Path, title: str) -> dict:
    c = sqlite3.connect(db)
    c.row_factory = sqlite3.Row
    try:
        rows = c.execute("SELECT * FROM titles WHERE title = ?", (title,)).fetchall()
    finally:
        c.close()
    assert len(rows) == 1, title
    out = dict(rows[0])
    for key in ("services", "available_as_of", "was_on", "genres"):
        out[key] = json.loads(out[key])
    return out


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_a_newer_listing_decides_what_is_on_the_service(part, db: Path) -> None:
    before = catalog_stats(db)
    assert before["as_of"]["netflix"] == "2023-03" and before["per_service"]["netflix"] == 6137
    assert "netflix" in _row(db, "The Crown")["services"]
    report = _import(part, db, "netflix_2024-01.csv")
    assert report["rows"] == 5 and report["listings"] == ["netflix 2024-01"]
    assert report["on"]["netflix"] == {"before": 6137, "after": 5, "as_of": "2024-01"}
    assert report["titles"]["after"] == report["titles"]["before"] + 1  # one title not in the catalogue yet
    # in the new list: on Netflix as of January 2024 (Inception had left Netflix in the 2023 list)
    for title in ("Breaking Bad", "Stranger Things", "Inception"):
        assert _row(db, title)["available_as_of"]["netflix"] == "2024-01", title
    # matched without an IMDb id (name, year, runtime), and still on HBO Max by HBO's own list
    spirited = _row(db, "Spirited Away")
    assert spirited["id"] == "tm48297" and spirited["available_as_of"] == {"netflix": "2024-01", "hbo": "2023-03"}
    # a Netflix title the new list does not name was on Netflix, as of the March 2023 list
    crown = _row(db, "The Crown")
    assert "netflix" not in crown["services"] and crown["was_on"]["netflix"] == "2023-03"
    new = _row(db, "The Holdovers Test Fixture")
    assert new["id"] == "im-tt9999901" and new["genres"] == ["comedy", "drama"] and new["runtime"] == 133
    report = check_catalog(db)
    assert report["availability"]["netflix"] == {"as_of": "2024-01", "on": 5, "newest_listing_titles": 5,
                                                 "was_on": report["availability"]["netflix"]["was_on"]}
    assert not [p for p in report["problems"] if p.startswith("netflix")]


def test_imports_survive_rebuilds_and_later_imports(part, db: Path) -> None:
    _import(part, db, "netflix_2024-01.csv")
    build_catalog(part[0], db, strict=False)  # a plain rebuild keeps what was imported
    assert _row(db, "Breaking Bad")["available_as_of"] == {"netflix": "2024-01"}
    _import(part, db, "hbo_2024.jsonl")  # JSON Lines, another service
    assert _row(db, "Spirited Away")["available_as_of"] == {"netflix": "2024-01", "hbo": "2024-02"}
    assert _row(db, "Inception")["available_as_of"] == {"netflix": "2024-01", "hbo": "2024-02"}
    _import(part, db, "netflix_2024-01.csv")  # the same listing again replaces, never doubles
    c = sqlite3.connect(db)
    try:
        assert c.execute("SELECT count(*) FROM imported_rows").fetchone()[0] == 5 + 2
    finally:
        c.close()
    assert catalog_stats(db)["as_of"] == {"netflix": "2024-01", "hbo": "2024-02"}


def test_justwatch_layout_as_published(part, db: Path) -> None:
    with pytest.raises(CatalogError, match=r"hbo_max_titles\.csv: --date"):
        read_listing(FIXTURES / "hbo_max_titles.csv")
    listing = read_listing(FIXTURES / "hbo_max_titles.csv", when="2024-03-02")  # service from the file name
    assert listing.format == "justwatch" and {(r.service, r.snapshot) for r in listing.records} == {("hbo", "2024-03")}
    report = _import(part, db, "hbo_max_titles.csv", when="2024-03")
    assert report["on"]["hbo"]["after"] == 2 and _row(db, "Inception")["available_as_of"]["hbo"] == "2024-03"
    # the month of a listing already shipped is refused, and nothing changes
    before = _sha(db)
    with pytest.raises(CatalogError, match="already has the hbo listing of 2023-03"):
        _import(part, db, "hbo_max_titles.csv", when="2023-03")
    assert _sha(db) == before


@pytest.mark.parametrize(("name", "where", "what"), [
    ("bad_kind.csv", "bad_kind.csv:3", "kind must be movie or show"),
    ("bad_date.csv", "bad_date.csv:4", "YYYY-MM"),
    ("bad_service.json", "bad_service.json:3", "unknown service 'peacock'"),
    ("bad_json.json", "bad_json.json:3", "not valid JSON"),
    ("bad_imdb.csv", "bad_imdb.csv:2", "not an IMDb id"),
    ("bad_column.csv", "bad_column.csv:1", "unknown column 'imbd_id'"),
    ("bad_year.csv", "bad_year.csv:3", "year is not a number"),
])
def test_a_bad_file_is_one_line_naming_the_line_and_changes_nothing(part, db: Path, name, where, what) -> None:
    before = _sha(db)
    with pytest.raises(CatalogError) as e:
        _import(part, db, name)
    msg = str(e.value)
    assert msg.startswith(where + ":") and what in msg and "\n" not in msg
    assert _sha(db) == before and sorted(p.name for p in db.parent.iterdir()) == ["catalog.db"]


def test_a_failure_while_rebuilding_keeps_the_old_catalogue(part, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The new title must be embedded and the model file is missing: the import fails, nothing is lost."""
    from voicerec.rank.embed import Embedder

    _import(part, db, "hbo_2024.jsonl")
    before = _sha(db)
    monkeypatch.setattr(embeddings, "SEED_PATH", db.parent / "no-seed.sqlite")
    monkeypatch.setenv("VOICEREC_EMBED_CACHE", "")
    with pytest.raises(ModelError):
        _import(part, db, "netflix_2024-01.csv", embedder=Embedder(model_path=db.parent / "missing.onnx"))
    assert _sha(db) == before and sorted(p.name for p in db.parent.iterdir()) == ["catalog.db"]
    assert _row(db, "Spirited Away")["available_as_of"]["hbo"] == "2024-02"  # the earlier import is still there


def _cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "VOICEREC_CATALOG_PATH": str(db), "VOICEREC_EMBED_CACHE": ""}
    return subprocess.run([str(Path(sys.executable).parent / "voicerec"), "catalog", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=900)


def test_cli_import_into_the_full_catalogue(catalog_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "catalog.db"
    shutil.copy2(catalog_path, db)
    before = _sha(db)
    bad = _cli("import", str(FIXTURES / "bad_date.csv"), db=db)
    assert bad.returncode == 3 and bad.stderr.strip().count("\n") == 0 and "bad_date.csv:4" in bad.stderr
    assert "Traceback" not in bad.stderr and _sha(db) == before
    ok = _cli("import", str(FIXTURES / "netflix_2024-01.csv"), db=db)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["on"]["netflix"] == {"before": 6137, "after": 5, "as_of": "2024-01"}
    check = _cli("check", "--json", db=db)
    report = json.loads(check.stdout)
    assert check.returncode == 0, report["problems"]
    assert report["availability"]["netflix"]["on"] == 5 and report["availability"]["hbo"]["as_of"] == "2023-03"
    c = sqlite3.connect(db)
    try:  # the new title has its vector like every other
        assert c.execute("SELECT count(*) FROM embeddings WHERE title_id = 'im-tt9999901'").fetchone()[0] == 1
        assert c.execute("SELECT count(*) FROM titles").fetchone()[0] == c.execute(
            "SELECT count(*) FROM embeddings").fetchone()[0]
    finally:
        c.close()


@pytest.mark.parametrize(("name", "text", "line"), [
    ("deep_array.json", "[" * 100_000 + "]" * 100_000, 1),
    ("deep_value.json", '[\n{"service": "netflix", "title": ' + "[" * 100_000 + "]" * 100_000 + "}]", 2),
    ("deep_lines.jsonl", '{"service": "netflix", "title": "Up", "kind": "movie", "date": "2024-01"}\n'
     + '{"title": ' + "{\"a\": " * 60_000 + "1" + "}" * 60_000 + "}\n", 2),
])
def test_deeply_nested_json_is_one_line_naming_the_file(tmp_path: Path, name: str, text: str, line: int) -> None:
    """Issue 25, finding 14: nesting deeper than the JSON reader recurses is a bad file like any other
    (rc 3, one line naming the file and line), not `internal error (RecursionError)`, rc 70."""
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(CatalogError, match=rf"^{name}:{line}: .*nested too deeply"):
        read_listing(path)
    db = tmp_path / "catalog.db"
    p = _cli("import", str(path), db=db)
    assert p.returncode == 3, (p.returncode, p.stderr)
    assert p.stderr.startswith(f"voicerec: {name}:{line}: ") and p.stderr.count("\n") == 1, p.stderr
    assert "Traceback" not in p.stderr and not db.exists()
