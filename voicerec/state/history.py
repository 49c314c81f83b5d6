"""Local, erasable history: what was asked for, what was suggested and what was picked ("put it on"),
kept `history_days` days.

Nothing here leaves the machine. `voicerec history` shows it, `voicerec history --clear` erases it
(and any recordings kept with `keep_audio`). By default only the structured query (without its free
words: `mood`, `quiet_words`) and the titles suggested are kept, not the words said: people tell a recommender how
they feel, and those words are kept only with `history_text = true`.

Retention holds whenever the history is opened or read, not only when something is added: entries
and recordings older than `retention_days` are deleted, and `retention_days = 0` deletes all of them.
The database, its -wal and -shm files and the recordings are the owner's alone (state/files.py).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

from voicerec.state.files import connect
from voicerec.types import Query, Suggestion

_DDL = """
CREATE TABLE IF NOT EXISTS history (
    id       INTEGER PRIMARY KEY,
    at       REAL NOT NULL,
    session  TEXT,
    request  TEXT NOT NULL,
    query    TEXT NOT NULL,
    results  TEXT NOT NULL,
    chosen   TEXT
);
CREATE INDEX IF NOT EXISTS idx_history_at ON history(at);
"""
DAY_S = 86400
WORDS = {"mood", "quiet_words"}  # the query's free text: the person's own words ("sad", "cheer up")


class History:
    def __init__(self, path: Path, retention_days: int = 30, *, keep_text: bool = False,
                 audio_dir: Path | None = None) -> None:
        self.path = Path(path)
        self.retention_days = retention_days
        self.keep_text = keep_text
        self.audio_dir = audio_dir  # recordings kept with keep_audio: same retention, same erasing
        self._conn: sqlite3.Connection | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = connect(self.path)
            self._conn.executescript(_DDL)
            if "chosen" not in {r[1] for r in self._conn.execute("PRAGMA table_info(history)")}:
                self._conn.execute("ALTER TABLE history ADD COLUMN chosen TEXT")  # a history.db from before choosing
            self.prune()
        return self._conn

    def prune(self, now: float | None = None) -> int:
        """Delete entries and recordings older than the retention (all of them at 0); how many entries."""
        cutoff = (time.time() if now is None else now) - self.retention_days * DAY_S
        if self.retention_days <= 0:
            cutoff = float("inf")
        for wav in self._recordings():
            try:
                if wav.stat().st_mtime < cutoff:
                    wav.unlink()
            except FileNotFoundError:
                pass
        if self._conn is None and not self.path.exists():
            return 0
        with self.conn:
            n = self.conn.execute("DELETE FROM history WHERE at < ?", (cutoff,)).rowcount
        if n:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the deleted rows' old pages too
        return n

    def add(self, session: str | None, request: str, query: Query, results: list[Suggestion],
            chosen: str | None = None) -> None:
        """One turn; `chosen`: the title the household picked ("put it on", "that's the one")."""
        if self.retention_days <= 0:
            if self.path.exists():
                self.prune()
            return
        with self.conn:
            self.conn.execute(
                "INSERT INTO history (at, session, request, query, results, chosen) VALUES (?, ?, ?, ?, ?, ?)",
                (time.time(), session, request[:2000] if self.keep_text else "",
                 query.model_dump_json(exclude_defaults=True, exclude=None if self.keep_text else WORDS),
                 json.dumps([r.title for r in results]), chosen),
            )
        self.prune()

    def entries(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest entries first; "request" is None when the words were not kept."""
        if not self.path.exists():
            self.prune()  # recordings may outlive a history that was never written
            return []
        self.prune()
        rows = self.conn.execute(
            "SELECT at, session, request, query, results, chosen FROM history ORDER BY at DESC LIMIT ?", (limit,)
        ).fetchall()
        return [
            {"at": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r[0])), "session": r[1],
             "request": r[2] or None, "query": json.loads(r[3]), "results": json.loads(r[4]), "chosen": r[5]}
            for r in rows
        ]

    def clear(self) -> tuple[int, int]:
        """Erase every entry and every kept recording: (entries, recordings) erased."""
        wavs = 0
        for wav in self._recordings():
            wav.unlink(missing_ok=True)
            wavs += 1
        if not self.path.exists():
            return 0, wavs
        with self.conn:
            n = self.conn.execute("DELETE FROM history").rowcount
        self.conn.execute("VACUUM")
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return n, wavs

    def forget_ids(self, ids: Collection[str]) -> int:
        """Take these title ids out of every entry's exclude_ids (titles that have left the seen
        list, which an older version kept inside each query); how many entries changed."""
        if not ids or not self.path.exists():
            return 0
        return rewrite_queries(self.conn, "history", "id", ids)

    def _recordings(self) -> list[Path]:
        if self.audio_dir is None or not self.audio_dir.is_dir():
            return []
        return sorted(self.audio_dir.glob("*.wav"))

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def rewrite_queries(conn: sqlite3.Connection, table: str, key: str, ids: Collection[str]) -> int:
    """Every row's `query` (JSON) of `table` without `ids` in its exclude_ids, rewritten in place,
    the old text overwritten (secure_delete) and the write-ahead log emptied; how many rows changed."""
    gone = set(ids)
    changed = []
    for row_key, text in conn.execute(f"SELECT {key}, query FROM {table}"):  # noqa: S608 - our own names
        query = json.loads(text)
        before = query.get("exclude_ids") or []
        if isinstance(before, list) and gone & set(before):
            query["exclude_ids"] = [i for i in before if i not in gone]
            changed.append((json.dumps(query), row_key))
    if changed:
        with conn:
            conn.executemany(f"UPDATE {table} SET query = ? WHERE {key} = ?", changed)  # noqa: S608
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return len(changed)
