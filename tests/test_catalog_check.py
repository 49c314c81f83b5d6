"""catalog check fails past its thresholds: each kind of damage, done to a copy of the real catalogue."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from voicerec.catalog.check import Thresholds, check_catalog
from voicerec.errors import CatalogError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def shipped(catalog_path: Path) -> dict:
    return check_catalog(catalog_path)


def _damaged(catalog_path: Path, tmp_path: Path, sql: str | Callable[[sqlite3.Connection], None]) -> Path:
    db = tmp_path / "catalog.db"
    shutil.copy2(catalog_path, db)
    c = sqlite3.connect(db)
    try:
        if callable(sql):
            sql(c)
        else:
            c.executescript(sql)
        c.commit()
    finally:
        c.close()
    return db


def _duplicate_titles(c: sqlite3.Connection) -> None:
    """Twelve well-known films in twice, as the previous builder left 1,391 of them."""
    cols = [r[1] for r in c.execute("PRAGMA table_info(titles)")]
    rows = c.execute("SELECT * FROM titles WHERE votes IS NOT NULL AND kind = 'movie' ORDER BY votes DESC LIMIT 12")
    for row in rows.fetchall():
        copy = dict(zip(cols, row, strict=True))
        copy["id"] = "dup-" + copy["id"]
        copy["year"] = copy["year"] + 1
        copy["imdb_id"] = None
        c.execute(f"INSERT INTO titles({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
                  [copy[k] for k in cols])


def test_the_shipped_catalogue_passes(shipped: dict) -> None:
    assert shipped["problems"] == []
    assert shipped["titles"] > 30_000 and shipped["duplicates"]["pairs"] <= Thresholds().max_duplicate_pairs
    assert 2.0 < shipped["genres"]["mean"] <= Thresholds().max_mean_genres
    assert set(shipped["availability"]) == {"netflix", "prime", "disney", "hulu", "hbo", "paramount", "apple"}


@pytest.mark.parametrize(("damage", "problem"), [
    (_duplicate_titles, "duplicate candidate pairs"),
    ("UPDATE titles SET rating = NULL WHERE rowid % 2 = 0", "have no rating"),
    ("UPDATE titles SET runtime = NULL WHERE rowid % 5 = 0", "have no runtime"),
    ("UPDATE titles SET description = '' WHERE rowid % 20 = 0", "have no description"),
    ("UPDATE titles SET genres = '[]' WHERE rowid % 10 = 0", "have no genre"),
    ("UPDATE titles SET genres = '[\"action\",\"comedy\",\"drama\",\"horror\",\"music\",\"war\"]' "
     "WHERE rowid % 8 = 0", "genres per title"),
    ("UPDATE titles SET service_mask = service_mask | 1 WHERE rowid % 50 = 0", "netflix: "),  # "on" by no listing
])
def test_each_damage_fails_the_check(catalog_path: Path, tmp_path: Path, damage, problem: str) -> None:
    db = _damaged(catalog_path, tmp_path, damage)
    problems = check_catalog(db)["problems"]
    assert any(problem in p for p in problems), problems


def test_thresholds_are_settable(shipped: dict, catalog_path: Path) -> None:
    strict = Thresholds(max_share_without_rating=shipped["missing"]["rating"] - 0.01)
    assert any("have no rating" in p for p in check_catalog(catalog_path, strict)["problems"])


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "voicerec"), "catalog", "check", *args],
                          capture_output=True, text=True, env={**os.environ, "VOICEREC_CATALOG_PATH": str(db)},
                          cwd=ROOT, timeout=300)


def test_cli_exit_status(catalog_path: Path, tmp_path: Path) -> None:
    ok = _cli(catalog_path)
    assert ok.returncode == 0 and "check passed" in ok.stdout, ok.stdout + ok.stderr
    bad = _cli(_damaged(catalog_path, tmp_path, "UPDATE titles SET rating = NULL"), "--json")
    assert bad.returncode == 1 and any("have no rating" in p for p in json.loads(bad.stdout)["problems"])
    missing = _cli(tmp_path / "none.db")
    assert missing.returncode == 3 and "catalog build" in missing.stderr and "Traceback" not in missing.stderr


def test_missing_catalogue_is_a_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="catalog build"):
        check_catalog(tmp_path / "none.db")
