"""What is kept: conversations (with what a session rules out) and the seen list, on real SQLite files."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from voicerec.state.seen import SeenList
from voicerec.state.sessions import SessionStore
from voicerec.types import Query, Suggestion


def sug(i: str) -> Suggestion:
    return Suggestion(id=i, title=i.upper(), kind="movie", runtime=100, year=2000)


def test_a_turn_round_trips(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions.db")
    store.save("x", Query(genres=["comedy"]), [sug("a"), sug("b")])
    turn = store.load("x")
    assert turn is not None and turn.query.genres == ["comedy"] and [r["id"] for r in turn.results] == ["a", "b"]
    assert turn.shown == ["a", "b"] and store.load("y") is None


def test_a_turn_about_a_result_keeps_the_results(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions.db")
    store.save("x", Query(genres=["comedy"]), [sug("a"), sug("b")])
    first = store.load("x")
    store.save("x", Query(intent="describe", describe_index=2), [sug("b")], first, keep_results=True)
    again = store.load("x")
    assert [r["id"] for r in again.results] == ["a", "b"] and again.query.genres == ["comedy"]


def test_standing_exclusions_last_the_session(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions.db")
    store.save("x", Query(exclude_genres=["horror"]), [sug("a")], standing={"exclude_genres": ["horror"]})
    first = store.load("x")
    store.save("x", Query(genres=["comedy"]), [sug("c")], first)  # a later turn keeps them
    assert store.load("x").standing == {"exclude_genres": ["horror"]}
    assert store.load("x").shown == ["a", "c"]


def test_sessions_expire_and_forget(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions.db", idle_s=60)
    store.save("x", Query(), [sug("a")])
    assert store.load("x", now=10**12) is None  # long after: gone
    store.save("y", Query(), [sug("a")])
    store.forget()
    assert store.load("y") is None


def test_an_old_sessions_file_gains_the_standing_column(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE sessions (name TEXT PRIMARY KEY, updated_at REAL NOT NULL, query TEXT NOT NULL, "
                 "results TEXT NOT NULL, shown TEXT NOT NULL)")
    conn.commit()
    conn.close()
    store = SessionStore(path)
    store.save("x", Query(), [sug("a")])
    assert store.load("x").standing == {}


def test_the_seen_list(tmp_path: Path) -> None:
    seen = SeenList(tmp_path / "state" / "seen.db")
    assert seen.ids() == [] and seen.clear() == 0 and not (tmp_path / "state").exists()  # nothing made by reading
    seen.add("tm1", "Inception")
    seen.add("tm2", "Up")
    seen.add("tm1", "Inception")
    assert seen.ids() == ["tm2", "tm1"] or sorted(seen.ids()) == ["tm1", "tm2"]
    assert {e["title"] for e in seen.entries()} == {"Inception", "Up"}
    assert seen.remove("tm2") and not seen.remove("tm2")
    assert stat.S_IMODE((tmp_path / "state" / "seen.db").stat().st_mode) == 0o600
    assert seen.clear() == 1 and seen.ids() == []


def _aged(path: Path, name: str, seconds: float) -> None:
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE sessions SET updated_at = updated_at - ? WHERE name = ?", (seconds, name))
    con.close()


def _names(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return sorted(r[0] for r in con.execute("SELECT name FROM sessions"))
    finally:
        con.close()


def test_idle_conversations_are_deleted_from_disk_when_the_store_opens(tmp_path: Path) -> None:
    """Issue 25, finding 2: a conversation idle past idle_s is deleted (its words overwritten, the
    write-ahead log emptied) whenever the store is opened, not only when its own name comes back."""
    path = tmp_path / "sessions.db"
    store = SessionStore(path, idle_s=300)
    store.save("sad", Query(quiet_words=["cheer", "depressed", "losing", "job"]), [sug("a")])
    store.save("now", Query(genres=["comedy"]), [sug("b")])
    store.close()
    _aged(path, "sad", 7 * 86400)
    store = SessionStore(path, idle_s=300)
    assert _names(path) == ["now"]
    on_disk = b"".join(p.read_bytes() for p in tmp_path.glob("sessions.db*"))
    assert b"depressed" not in on_disk and b"comedy" in on_disk
    assert store.expire(now=10**12) == 1 and _names(path) == []
def test_the_focus_round_trips_and_a_turn_about_one_title_keeps_the_list(tmp_path: Path) -> None:
    from voicerec.state.sessions import facts

    store = SessionStore(tmp_path / "sessions.db")
    store.save("x", Query(genres=["comedy"]), [sug("a"), sug("b")])
    first = store.load("x")
    assert first.focus is None and set(first.results[0]) >= {"id", "title", "kind", "genres", "countries", "services"}
    store.save("x", Query(intent="question", question="length"), [sug("b")], first, keep_results=True,
               focus=facts(sug("b")))
    again = store.load("x")
    assert again.focus["id"] == "b" and [r["id"] for r in again.results] == ["a", "b"]
    assert again.query.genres == ["comedy"]  # the request the list answered, for "any others"


def test_an_old_sessions_file_gains_the_focus_column(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE sessions (name TEXT PRIMARY KEY, updated_at REAL NOT NULL, query TEXT NOT NULL, "
                     "results TEXT NOT NULL, shown TEXT NOT NULL, standing TEXT NOT NULL DEFAULT '{}')")
        conn.execute("INSERT INTO sessions VALUES ('x', strftime('%s','now'), ?, '[]', '[]', '{}')",
                     (Query().model_dump_json(),))
    assert SessionStore(path).load("x").focus is None


def test_the_history_keeps_what_was_chosen_and_an_old_file_gains_the_column(tmp_path: Path) -> None:
    from voicerec.state.history import History

    path = tmp_path / "history.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE history (id INTEGER PRIMARY KEY, at REAL NOT NULL, session TEXT, "
                     "request TEXT NOT NULL, query TEXT NOT NULL, results TEXT NOT NULL)")
    h = History(path)
    h.add("s", "put it on", Query(intent="choose"), [sug("a")], chosen="A")
    h.add("s", "a comedy", Query(), [sug("b")])
    assert [e["chosen"] for e in h.entries()] == [None, "A"]
