"""The conversation: the last request, its list and the focus per session, in a small local SQLite store.

A session expires after `idle_s` seconds without a turn: it is deleted from disk (its words
overwritten, the write-ahead log emptied) whenever a store is opened and whenever `expire` runs,
which every request and the daemon's and the Wyoming server's timers do (Assistant.tidy). Only
what a follow-up needs is kept: the query as said, the ids and a few facts of the results (the last
list), the one title the conversation is about when it is about one (the focus: "tell me about the
second one", "who directed Inception"), and every id shown so far in the session.
understand/focus.py reads "it", "the last one", "the Korean one" against the focus and the list;
nothing here interprets words.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicerec.state.files import connect
from voicerec.state.history import rewrite_queries
from voicerec.types import Query, Suggestion

_DDL = """
CREATE TABLE IF NOT EXISTS sessions (
    name       TEXT PRIMARY KEY,
    updated_at REAL NOT NULL,
    query      TEXT NOT NULL,
    results    TEXT NOT NULL,
    shown      TEXT NOT NULL,
    standing   TEXT NOT NULL DEFAULT '{}',
    focus      TEXT NOT NULL DEFAULT 'null'
);
"""
# what a session rules out until it ends ("not in the mood for horror"): Query fields, unioned into every turn
STANDING = ("exclude_genres", "exclude_topics", "exclude_people", "exclude_countries", "exclude_services")
# the facts kept of each title of the last list and of the focus: what a follow-up or a reference needs
FACTS = ("id", "title", "kind", "year", "runtime", "seasons", "genres", "countries", "services", "min_age", "rating")


def facts(title: Suggestion | Any) -> dict:
    """The facts of a title a conversation keeps (a Title, a Suggestion, or anything with those fields)."""
    out = {k: getattr(title, k, None) for k in FACTS}
    out["cast"] = list(getattr(title, "cast", None) or [])[:3]
    return out


@dataclass
class Turn:
    query: Query
    results: list[dict] = field(default_factory=list)  # the last list: FACTS of each title
    shown: list[str] = field(default_factory=list)
    updated_at: float = 0.0
    standing: dict[str, list[str]] = field(default_factory=dict)
    focus: dict | None = None  # the one title the conversation is about (FACTS), or None: its last list

    def runtimes(self) -> list[int]:
        return [r["runtime"] for r in self.results if r.get("runtime")]

    def years(self) -> list[int]:
        return [r["year"] for r in self.results if r.get("year")]


class SessionStore:
    """Per-name conversation state; safe to share between processes (SQLite, short transactions)."""

    def __init__(self, path: Path, idle_s: float = 300.0) -> None:
        self.path = Path(path)
        self.idle_s = idle_s
        self.conn = connect(self.path)  # 0600, with its -wal and -shm (state/files.py)
        self.conn.executescript(_DDL)
        columns = {r[1] for r in self.conn.execute("PRAGMA table_info(sessions)")}
        if "standing" not in columns:  # a sessions.db from before standing exclusions
            self.conn.execute("ALTER TABLE sessions ADD COLUMN standing TEXT NOT NULL DEFAULT '{}'")
        if "focus" not in columns:  # ... and from before the focus
            self.conn.execute("ALTER TABLE sessions ADD COLUMN focus TEXT NOT NULL DEFAULT 'null'")
        self.expire()

    def load(self, name: str, now: float | None = None) -> Turn | None:
        now = time.time() if now is None else now
        row = self.conn.execute(
            "SELECT query, results, shown, updated_at, standing, focus FROM sessions WHERE name = ?", (name,)
        ).fetchone()
        if not row:
            return None
        if now - row[3] > self.idle_s:
            self.forget(name)
            return None
        return Turn(Query.model_validate_json(row[0]), json.loads(row[1]), json.loads(row[2]), row[3], json.loads(row[4]),
                    json.loads(row[5]))

    def save(self, name: str, query: Query, results: list[Suggestion], previous: Turn | None = None,
             keep_results: bool = False, standing: dict[str, list[str]] | None = None,
             focus: dict | None = None) -> None:
        """Record this turn. A turn about one title ('tell me more about the second one', "who directed
        Inception", "play it") keeps the previous request and list, so "the second one" still means the
        same title, with that title as the `focus` ("who's in it"); a new list has no focus."""
        if keep_results and previous is not None:
            kept = previous.results
            query = previous.query
        else:
            kept = [facts(r) for r in results]
        seen_now = [r["id"] for r in kept] + ([focus["id"]] if focus else [])
        shown = list(dict.fromkeys([*(previous.shown if previous else []), *seen_now]))[-200:]
        keep = standing if standing is not None else (previous.standing if previous else {})
        with self.conn:
            self.conn.execute(
                "INSERT INTO sessions (name, updated_at, query, results, shown, standing, focus) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET updated_at = excluded.updated_at, query = excluded.query, "
                "results = excluded.results, shown = excluded.shown, standing = excluded.standing, "
                "focus = excluded.focus",
                (name, time.time(), query.model_dump_json(), json.dumps(kept), json.dumps(shown), json.dumps(keep),
                 json.dumps(focus)),
            )

    def forget(self, name: str | None = None) -> None:
        """Drop one conversation, or all of them (then also flush the write-ahead log to disk)."""
        with self.conn:
            if name is None:
                self.conn.execute("DELETE FROM sessions")
            else:
                self.conn.execute("DELETE FROM sessions WHERE name = ?", (name,))
        if name is None:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def expire(self, now: float | None = None) -> int:
        """Delete every conversation idle longer than idle_s, from the file and its log; how many."""
        now = time.time() if now is None else now
        with self.conn:
            n = self.conn.execute("DELETE FROM sessions WHERE updated_at < ?", (now - self.idle_s,)).rowcount
        if n:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the deleted rows' old pages too
        return n

    def forget_ids(self, ids: Collection[str]) -> int:
        """Take these title ids out of every conversation's exclude_ids (titles that have left the
        seen list, which an older version kept inside the query); how many conversations changed."""
        return rewrite_queries(self.conn, "sessions", "name", ids) if ids else 0

    def close(self) -> None:
        self.conn.close()
