"""The seen list: titles this household has watched, never suggested again. Local and erasable.

"I've seen it" after a suggestion adds to it; `voicerec seen list|add|remove|clear` manages it;
`voicerec privacy` reports it and `voicerec history --clear` offers to clear it.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from voicerec.state.files import connect

_DDL = """
CREATE TABLE IF NOT EXISTS seen (
    title_id TEXT PRIMARY KEY,
    title    TEXT NOT NULL,
    at       REAL NOT NULL
);
"""


class SeenList:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = connect(self.path)  # 0600, with its -wal and -shm (state/files.py)
            self._conn.executescript(_DDL)
        return self._conn

    def add(self, title_id: str, title: str) -> None:
        with self.conn:
            self.conn.execute("INSERT OR REPLACE INTO seen (title_id, title, at) VALUES (?, ?, ?)",
                              (title_id, title, time.time()))

    def remove(self, title_id: str) -> bool:
        if not self.path.exists():
            return False
        with self.conn:
            return self.conn.execute("DELETE FROM seen WHERE title_id = ?", (title_id,)).rowcount > 0

    def ids(self) -> list[str]:
        if not self.path.exists():
            return []
        return [r[0] for r in self.conn.execute("SELECT title_id FROM seen ORDER BY at")]

    def entries(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [{"id": r[0], "title": r[1], "at": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r[2]))}
                for r in self.conn.execute("SELECT title_id, title, at FROM seen ORDER BY at DESC")]

    def clear(self) -> int:
        if not self.path.exists():
            return 0
        with self.conn:
            n = self.conn.execute("DELETE FROM seen").rowcount
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return n

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
