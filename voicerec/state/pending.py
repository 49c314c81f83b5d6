"""The ask-back's one piece of conversation state: the guess a session was asked to confirm.

When the hearing was unsure ("Did you mean an anime film?"), the words it guessed wait here until
the session's next turn, which answers them with "yes", "no" or a repeat. One row per session, in
its own table of sessions.db (beside the conversation, apart from it), gone once taken or after the
session's idle time; only the guessed words are kept, as short-lived as the conversation itself.
"""

from __future__ import annotations

import time
from pathlib import Path

from voicerec.state.files import connect

_DDL = """
CREATE TABLE IF NOT EXISTS pending_guess (
    name     TEXT PRIMARY KEY,
    text     TEXT NOT NULL,
    asked_at REAL NOT NULL
);
"""


class PendingGuesses:
    """session name → the words it was asked to confirm. Safe to share between processes."""

    def __init__(self, path: Path, idle_s: float = 300.0) -> None:
        self.idle_s = idle_s
        self.conn = connect(Path(path))
        self.conn.executescript(_DDL)

    def put(self, name: str, text: str) -> None:
        with self.conn:
            self.conn.execute("INSERT INTO pending_guess (name, text, asked_at) VALUES (?, ?, ?) ON CONFLICT(name) "
                              "DO UPDATE SET text = excluded.text, asked_at = excluded.asked_at", (name, text, time.time()))

    def take(self, name: str, now: float | None = None) -> str | None:
        """The guess waiting for this session's answer (and forget it), or None."""
        now = time.time() if now is None else now
        with self.conn:
            row = self.conn.execute("SELECT text, asked_at FROM pending_guess WHERE name = ?", (name,)).fetchone()
            if row is None:
                return None
            self.conn.execute("DELETE FROM pending_guess WHERE name = ?", (name,))
        return row[0] if now - row[1] <= self.idle_s else None

    def forget(self) -> None:
        with self.conn:
            self.conn.execute("DELETE FROM pending_guess")

    def close(self) -> None:
        self.conn.close()
