"""What an unfinished refresh has fetched, kept next to catalog.db so the next run resumes it.

`.catalog.db.refresh-FR` (SQLite, owner-only): the plan (what this run lists and must fetch), the
reference lists it read, and every answer fetched so far, committed as they come. A refresh that is
interrupted (Ctrl+C, a power cut, a 429 storm) leaves it behind; the next `catalog refresh` for the
same region and options fetches only what is missing, then applies everything at once. The journal
is deleted when the catalogue has been replaced. It holds TMDB's public facts, never a credential.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from voicerec.errors import CatalogError

_DDL = """
CREATE TABLE IF NOT EXISTS run (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS plan (key TEXT PRIMARY KEY, need TEXT NOT NULL, ord INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS done (key TEXT PRIMARY KEY, what TEXT NOT NULL, body TEXT NOT NULL);
"""


def journal_path(db_path: Path, region: str) -> Path:
    return Path(db_path).with_name(f".{Path(db_path).name}.refresh-{region}")


class Journal:
    def __init__(self, db_path: Path, region: str) -> None:
        self.path = journal_path(db_path, region)
        self.conn: sqlite3.Connection | None = None
        self.resumed = False

    def open(self, run: dict[str, Any]) -> Journal:
        """Open (or start) the journal of a run with these parameters; one of other parameters is
        discarded. `resumed` says whether fetched answers were found."""
        try:
            fresh = not self.path.exists()
            old = os.umask(0o077)
            try:
                self.conn = sqlite3.connect(self.path)
            finally:
                os.umask(old)
            self.conn.executescript(_DDL)
            stored = dict(self.conn.execute("SELECT key, value FROM run").fetchall())
            wanted = {k: json.dumps(v, sort_keys=True) for k, v in run.items()}
            if not fresh and any(stored.get(k) != v for k, v in wanted.items() if k != "day"):
                self.conn.executescript("DELETE FROM run; DELETE FROM plan; DELETE FROM done;")
                stored = {}
            if not stored:
                self.conn.executemany("INSERT INTO run(key, value) VALUES (?, ?)", wanted.items())
            self.conn.commit()
            self.resumed = bool(self.conn.execute("SELECT 1 FROM done LIMIT 1").fetchone())
        except sqlite3.Error as e:
            raise CatalogError(f"cannot keep the refresh's progress in {self.path}: {e}") from None
        return self

    def get(self, key: str) -> Any:
        row = self._c.execute("SELECT value FROM run WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set(self, key: str, value: Any) -> None:
        self._c.execute("INSERT OR REPLACE INTO run(key, value) VALUES (?, ?)", (key, json.dumps(value, sort_keys=True)))
        self._c.commit()

    # --- the plan: (key, need) in order; need is "details" or "offers" ------------------------
    def plan(self) -> list[tuple[str, str]] | None:
        if self.get("planned") is None:
            return None
        return [(k, n) for k, n in self._c.execute("SELECT key, need FROM plan ORDER BY ord")]

    def set_plan(self, items: list[tuple[str, str]]) -> None:
        self._c.execute("DELETE FROM plan")
        self._c.executemany("INSERT INTO plan(key, need, ord) VALUES (?, ?, ?)",
                            [(k, n, i) for i, (k, n) in enumerate(items)])
        self._c.execute("INSERT OR REPLACE INTO run(key, value) VALUES ('planned', 'true')")
        self._c.commit()

    # --- answers -------------------------------------------------------------------------------
    def put(self, key: str, what: str, body: Any) -> None:
        """One fetched answer (committed by `commit`, or with the next batch)."""
        self._c.execute("INSERT OR REPLACE INTO done(key, what, body) VALUES (?, ?, ?)",
                        (key, what, json.dumps(body, ensure_ascii=False)))

    def done(self) -> dict[str, tuple[str, Any]]:
        return {k: (w, json.loads(b)) for k, w, b in self._c.execute("SELECT key, what, body FROM done")}

    def commit(self) -> None:
        if self.conn is not None:
            try:
                self.conn.commit()
            except sqlite3.Error:
                pass

    def close(self) -> None:
        if self.conn is not None:
            self.commit()
            self.conn.close()
            self.conn = None

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)
        for extra in ("-journal", "-wal", "-shm"):
            Path(f"{self.path}{extra}").unlink(missing_ok=True)

    @property
    def _c(self) -> sqlite3.Connection:
        if self.conn is None:
            raise CatalogError("the refresh journal is not open")
        return self.conn
