"""Local, erasable history: what was asked and what was suggested, kept `history_days` days.

Nothing here leaves the machine. `voicerec history` shows it, `voicerec history --clear` erases it.
No audio is ever stored here (see Settings.keep_audio for the only place audio may be kept).
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from voicerec.types import Query, Suggestion

_DDL = """
CREATE TABLE IF NOT EXISTS history (
    id       INTEGER PRIMARY KEY,
    at       REAL NOT NULL,
    session  TEXT,
    request  TEXT NOT NULL,
    query    TEXT NOT NULL,
    results  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_history_at ON history(at);
"""


class History:
    def __init__(self, path: Path, retention_days: int = 30) -> None:
        self.path = Path(path)
        self.retention_days = retention_days
        self._conn: sqlite3.Connection | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, timeout=5.0, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA secure_delete=ON")  # erased history is overwritten, not just unlinked
            self._conn.executescript(_DDL)
            try:
                self.path.chmod(0o600)
            except OSError:
                pass
        return self._conn

    def add(self, session: str | None, request: str, query: Query, results: list[Suggestion]) -> None:
        if self.retention_days <= 0:
            return
        now = time.time()
        with self.conn:
            self.conn.execute(
                "INSERT INTO history (at, session, request, query, results) VALUES (?, ?, ?, ?, ?)",
                (now, session, request[:2000], query.model_dump_json(exclude_defaults=True),
                 json.dumps([r.title for r in results])),
            )
            self.conn.execute("DELETE FROM history WHERE at < ?", (now - self.retention_days * 86400,))

    def entries(self, limit: int = 50) -> list[dict]:
        if not self.path.exists():
            return []
        rows = self.conn.execute(
            "SELECT at, session, request, results FROM history ORDER BY at DESC LIMIT ?", (limit,)
        ).fetchall()
        return [
            {"at": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r[0])), "session": r[1], "request": r[2],
             "results": json.loads(r[3])}
            for r in rows
        ]

    def clear(self) -> int:
        if not self.path.exists():
            return 0
        with self.conn:
            n = self.conn.execute("DELETE FROM history").rowcount
        self.conn.execute("VACUUM")
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return n

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
