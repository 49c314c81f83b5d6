"""What is kept, where, for how long, readable by whom (issue 16, findings 1-4 and 12): one state
folder for the CLI and the daemon on the installed layout, erasing that reaches the running
daemon's data and says so when it finds nothing, recordings under the same retention and erasing
as the history, retention applied on open and read, owner-only files from their creation, and
the words of a request kept only when asked. Real files, the real CLI."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from voicerec.config import Settings
from voicerec.state.history import History
from voicerec.state.seen import SeenList
from voicerec.state.sessions import SessionStore
from voicerec.types import Query, Suggestion

ROOT = Path(__file__).resolve().parent.parent
VOICEREC = str(Path(sys.executable).parent / "voicerec")
DAY = 86400
SAD = "I'm sad, something to cheer me up"


def run(*args: str, env: dict[str, str] | None = None, config: Path | None = None,
        user: int | None = None) -> subprocess.CompletedProcess:
    cmd = [VOICEREC, *(["--config", str(config)] if config else []), *args]
    if user is not None:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *cmd]
    e = {k: v for k, v in os.environ.items() if not k.startswith("VOICEREC_") or k == "VOICEREC_TEST_SEED"}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env={**e, **(env or {})})


def installed_layout(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """systemd/install.sh's config.toml and the unit's environment, with /var/lib/voicerec and
    /opt/voicerec moved under tmp_path: the CLI gets the config, the 'daemon' the unit's environment."""
    state = tmp_path / "var-lib-voicerec"
    script = (ROOT / "systemd" / "install.sh").read_text()
    toml = script.split("<<'TOML'\n", 1)[1].split("\nTOML\n", 1)[0]
    unit = (ROOT / "systemd" / "voicerec.service").read_text()

    def moved(text: str) -> str:
        return text.replace("/var/lib/voicerec", str(state)).replace("/opt/voicerec", str(ROOT))

    config = tmp_path / "etc-voicerec" / "config.toml"
    config.parent.mkdir()
    config.write_text(moved(toml))
    config.chmod(0o644)
    env = dict(re.findall(r"^Environment=(VOICEREC_\w+)=(\S+)$", moved(unit), re.M))
    env["VOICEREC_CATALOG_PATH"] = str(ROOT / "catalog.db")
    return config, env


def rows(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT request, query, results FROM history").fetchall()
    finally:
        con.close()


def suggestion(title: str) -> Suggestion:
    return Suggestion(id=title.lower(), title=title, kind="movie")


# -- finding 1: one state folder; erasing reaches the daemon's data; "nothing found" is not success --

def test_installed_config_and_unit_agree_on_the_state_folder(tmp_path: Path) -> None:
    config, env = installed_layout(tmp_path)
    assert tomllib.loads(config.read_text())["state_dir"] == env["VOICEREC_STATE_DIR"]


def test_history_clear_with_the_installed_config_erases_the_daemons_history(tmp_path: Path,
                                                                            catalog_path: Path) -> None:
    config, daemon_env = installed_layout(tmp_path)
    state = Path(daemon_env["VOICEREC_STATE_DIR"])
    assert run("ask", "--session", "daemon", "--", "a korean thriller", env=daemon_env, config=config).returncode == 0
    assert len(rows(state / "history.db")) == 1
    cli_env = {"VOICEREC_CATALOG_PATH": str(catalog_path), "XDG_DATA_HOME": str(tmp_path / "home-data")}
    p = run("history", "--clear", env=cli_env, config=config)  # no VOICEREC_STATE_DIR: only the config
    assert p.returncode == 0 and f"erased 1 history entries, 0 recordings and all conversations in {state}" in p.stdout
    assert rows(state / "history.db") == []
    assert sqlite3.connect(state / "sessions.db").execute("SELECT count(*) FROM sessions").fetchone() == (0,)


def test_erasing_reaches_a_running_daemons_open_history(tmp_path: Path, settings: Settings) -> None:
    from voicerec.assistant import Assistant

    daemon = Assistant(settings)
    daemon.answer("a korean thriller", session="daemon")
    assert len(daemon.history.entries()) == 1  # its connection stays open, as in the daemon
    p = run("history", "--clear", env={"VOICEREC_STATE_DIR": str(settings.state_dir)})
    assert p.returncode == 0, p.stderr
    assert daemon.history.entries() == [] and daemon.sessions.load("daemon") is None


def test_nothing_to_erase_does_not_read_like_success(tmp_path: Path) -> None:
    p = run("history", "--clear", env={"VOICEREC_STATE_DIR": str(tmp_path / "empty")})
    assert p.returncode != 0 and "erased" not in p.stdout
    assert p.stderr.startswith(f"voicerec: nothing to erase in {tmp_path / 'empty'}") and p.stderr.count("\n") == 1


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to run as another user")
def test_another_users_folder_is_named_not_reported_absent(catalog_path: Path) -> None:
    import tempfile

    tmp_path = Path(tempfile.mkdtemp(prefix="voicerec-other-user-"))  # pytest's own tmp is root-only
    tmp_path.chmod(0o755)
    try:
        _another_users_folder(tmp_path, catalog_path)
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)


def _another_users_folder(tmp_path: Path, catalog_path: Path) -> None:
    state = tmp_path / "state"
    run("ask", "--session", "d", "--", "a comedy", env={"VOICEREC_STATE_DIR": str(state),
                                                      "VOICEREC_CATALOG_PATH": str(catalog_path)})
    env = {"VOICEREC_STATE_DIR": str(state), "VOICEREC_CATALOG_PATH": str(catalog_path),
           "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "none")}
    probe = run("privacy", "--json", env=env, user=65534)
    if probe.returncode != 0:  # e.g. a checkout under /root: nobody cannot even start voicerec
        pytest.skip(f"this checkout cannot be run by nobody: {probe.stderr.strip()[-200:]}")
    p = run("history", "--clear", env=env, user=65534)
    assert p.returncode != 0 and "erased" not in p.stdout
    assert "Permission denied" in p.stderr and "root" in p.stderr and p.stderr.count("\n") == 1, p.stderr
    report = json.loads(run("privacy", "--json", env=env, user=65534).stdout)
    history = next(i for i in report["stored"] if i["path"].endswith("history.db"))
    assert history["exists"] is None and "not readable by this user" in history["note"]
    assert len(rows(state / "history.db")) == 1  # untouched


# -- finding 2: kept recordings follow history_days and history --clear -------------------------

def test_kept_recordings_are_pruned_and_erased(tmp_path: Path) -> None:
    state = tmp_path / "state"
    audio = state / "audio"
    audio.mkdir(parents=True)
    old, new = audio / "20240101-000000-1.wav", audio / "20240301-000000-2.wav"
    for wav in (old, new):
        wav.write_bytes(b"RIFF")
    os.utime(old, (time.time() - 40 * DAY,) * 2)
    env = {"VOICEREC_STATE_DIR": str(state), "VOICEREC_KEEP_AUDIO": "true"}
    assert run("history", env=env).returncode == 0  # reading applies the 30 days
    assert not old.exists() and new.exists()
    p = run("history", "--clear", env=env)
    assert p.returncode == 0 and "1 recordings" in p.stdout and not list(audio.glob("*.wav"))


# -- finding 3: retention on open and on read; 0 deletes everything ----------------------------

def test_retention_holds_on_open_and_read(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    h = History(db, 30)
    h.add("s", "a comedy", Query(genres=["comedy"]), [suggestion("Old")])
    h.add("s", "a drama", Query(genres=["drama"]), [suggestion("New")])
    h.conn.execute("UPDATE history SET at = at - ? WHERE id = 1", (40 * DAY,))
    h.conn.commit()
    h.close()
    assert [e["results"] for e in History(db, 30).entries()] == [["New"]]
    assert len(rows(db)) == 1, "the 40-day-old entry is deleted, not just hidden"
    assert History(db, 0).entries() == [] and rows(db) == []


def test_history_days_zero_erases_what_was_kept_before(tmp_path: Path, catalog_path: Path) -> None:
    env = {"VOICEREC_STATE_DIR": str(tmp_path / "s"), "VOICEREC_CATALOG_PATH": str(catalog_path)}
    assert run("ask", "--", "a korean thriller", env=env).returncode == 0
    assert len(rows(tmp_path / "s" / "history.db")) == 1
    report = json.loads(run("privacy", "--json", env={**env, "VOICEREC_HISTORY_DAYS": "0"}).stdout)
    assert rows(tmp_path / "s" / "history.db") == []
    assert any("none is kept (history_days = 0)" in i["what"] for i in report["stored"])
    assert run("ask", "--", "a comedy", env={**env, "VOICEREC_HISTORY_DAYS": "0"}).returncode == 0
    assert rows(tmp_path / "s" / "history.db") == []


# -- finding 4: the folder 0700 and every file 0600 from creation -------------------------------

def test_state_files_are_owner_only_from_creation(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        state = tmp_path / "state"
        history = History(state / "history.db", 30)
        history.add("s", "x", Query(), [suggestion("A")])
        sessions = SessionStore(state / "sessions.db")
        sessions.save("s", Query(), [suggestion("A")])
        seen = SeenList(state / "seen.db")
        seen.add("a", "A")
        files = sorted(state.iterdir())  # while both are open: the -wal and -shm files exist
        names = {f.name for f in files}
        assert {"history.db-wal", "history.db-shm", "sessions.db-wal", "sessions.db-shm", "seen.db-wal"} <= names, names
        assert stat.S_IMODE(state.stat().st_mode) == 0o700
        for f in files:
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f"{f.name} {oct(f.stat().st_mode)}"
        history.close()
        sessions.close()
        seen.close()
    finally:
        os.umask(old)


def test_a_folder_left_open_by_an_older_version_is_closed_up(tmp_path: Path, catalog_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir(mode=0o755)
    state.chmod(0o755)
    (state / "history.db").touch(mode=0o644)
    (state / "history.db").chmod(0o644)
    p = subprocess.run(["sh", "-c", 'umask 022 && exec "$0" ask --session s -- a comedy', VOICEREC],
                       capture_output=True, text=True, timeout=120,
                       env={**os.environ, "VOICEREC_STATE_DIR": str(state), "VOICEREC_CATALOG_PATH": str(catalog_path)})
    assert p.returncode == 0, p.stderr
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    for f in state.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f.name


# -- finding 12: the words only with history_text = true ---------------------------------------

def test_history_keeps_the_query_not_the_words_by_default(tmp_path: Path, catalog_path: Path) -> None:
    env = {"VOICEREC_STATE_DIR": str(tmp_path / "s"), "VOICEREC_CATALOG_PATH": str(catalog_path)}
    assert run("ask", "--", SAD, env=env).returncode == 0
    entry = json.loads(run("history", "--json", env=env).stdout)[0]
    assert entry["request"] is None and entry["results"] and entry["query"]
    on_disk = b"".join(f.read_bytes() for f in (tmp_path / "s").glob("history.db*"))
    assert b"sad" not in on_disk.lower() and b"cheer me" not in on_disk.lower()
    report = run("privacy", env=env).stdout
    assert "not your words (history_text = false)" in report

    env["VOICEREC_HISTORY_TEXT"] = "true"
    assert run("ask", "--", SAD, env=env).returncode == 0
    assert json.loads(run("history", "--json", env=env).stdout)[0]["request"] == SAD
    assert "your words, the structured query" in run("privacy", env=env).stdout


# -- issue 25, finding 3: "no listener" only when it is known -------------------------------------

@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to run as another user")
def test_privacy_says_it_cannot_tell_when_it_cannot_read_the_services_folder(catalog_path: Path) -> None:
    """A systemd install: the Wyoming server runs as the service's user and says where it listens
    in its own 0700 state folder. Another user's `voicerec privacy` cannot read that folder, and
    must say so and how to ask, never "No network listener"."""
    import tempfile

    from voicerec.state.listeners import listening

    tmp_path = Path(tempfile.mkdtemp(prefix="voicerec-listeners-"))
    tmp_path.chmod(0o755)
    state = tmp_path / "state"
    env = {"VOICEREC_STATE_DIR": str(state), "VOICEREC_CATALOG_PATH": str(catalog_path),
           "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "none")}
    try:
        with listening(Settings(state_dir=state), "wyoming", "the Wyoming server (Home Assistant)",
                       "tcp://127.0.0.1:10700"):
            owner = json.loads(run("privacy", "--json", env=env).stdout)["network_listeners"]
            assert [x["address"] for x in owner] == ["tcp://127.0.0.1:10700"]
            p = run("privacy", env=env, user=65534)
            if p.returncode != 0 and "Permission denied" in p.stderr and "voicerec" not in p.stderr:
                pytest.skip(f"this checkout cannot be run by nobody: {p.stderr.strip()[-200:]}")
            assert p.returncode == 0, p.stderr
            assert "No network listener" not in p.stdout, p.stdout
            assert "Could not tell whether a voicerec network server is listening" in p.stdout, p.stdout
            assert "sudo -u root voicerec privacy" in p.stdout, p.stdout
            report = json.loads(run("privacy", "--json", env=env, user=65534).stdout)
            assert report["network_listeners"] is None and "sudo -u root" in report["network_listeners_note"]
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)


# -- issue 25, finding 2: conversations expire on disk ------------------------------------------

def _session_names(state: Path) -> list[str]:
    con = sqlite3.connect(state / "sessions.db")
    try:
        return sorted(r[0] for r in con.execute("SELECT name FROM sessions"))
    finally:
        con.close()


def _age_sessions(state: Path, seconds: float) -> None:
    con = sqlite3.connect(state / "sessions.db")
    with con:
        con.execute("UPDATE sessions SET updated_at = updated_at - ?", (seconds,))
    con.close()


@pytest.mark.parametrize("command", [("privacy",), ("history",), ("ask", "--", "a comedy"),
                                     ("ask", "--session", "other", "--", "a comedy")])
@pytest.mark.parametrize("days", ["30", "0"])
def test_a_week_old_conversation_is_gone_after_any_command(tmp_path: Path, catalog_path: Path,
                                                           command: tuple[str, ...], days: str) -> None:
    state = tmp_path / "s"
    env = {"VOICEREC_STATE_DIR": str(state), "VOICEREC_CATALOG_PATH": str(catalog_path),
           "VOICEREC_HISTORY_DAYS": days}
    assert run("ask", "--session", "sad", "--", SAD, env=env).returncode == 0
    assert _session_names(state) == ["sad"]
    _age_sessions(state, 7 * DAY)
    p = run(*command, env=env)
    assert p.returncode == 0, p.stderr
    assert "sad" not in _session_names(state)
    on_disk = b"".join(f.read_bytes() for f in state.glob("sessions.db*")).lower()
    assert b"cheer" not in on_disk and b"sad" not in on_disk


def test_conversations_expire_on_the_daemons_and_the_wyoming_servers_timers(tmp_path: Path,
                                                                            catalog_path: Path) -> None:
    """Both long-running front-ends tidy on a timer, on the thread that answers requests: a
    conversation left idle disappears from disk without any further request."""
    import asyncio
    import threading

    from voicerec.assistant import Assistant
    from voicerec.daemon.worker import RequestWorker
    from voicerec.wyoming.service import Service, housekeeping

    for front_end in ("daemon", "wyoming"):
        state = tmp_path / front_end
        settings = Settings(catalog_path=catalog_path, state_dir=state, session_idle_s=1.0)
        assistant = Assistant(settings)
        assistant.answer(SAD, session="sad")
        assert _session_names(state) == ["sad"]
        if front_end == "daemon":
            worker = RequestWorker(settings, assistant, None, set_state=lambda *a: True,  # type: ignore[arg-type]
                                   done=lambda job: None).start()
            deadline = time.monotonic() + 20
            while _session_names(state) and time.monotonic() < deadline:
                time.sleep(0.2)
            worker.close()
        else:
            service = Service(settings, assistant=assistant)

            async def tidy_for_a_while(service: Service, state: Path) -> None:
                task = asyncio.ensure_future(housekeeping(service))
                deadline = time.monotonic() + 20
                while _session_names(state) and time.monotonic() < deadline:
                    await asyncio.sleep(0.2)
                task.cancel()

            asyncio.run(tidy_for_a_while(service, state))
            service.close()
        assert _session_names(state) == [], front_end
        assert threading.active_count() < 50


# -- issue 25, finding 11: a cleared seen list leaves no trace ------------------------------------

def _state_bytes(state: Path) -> bytes:
    return b"".join(f.read_bytes() for f in sorted(state.glob("*.db*")) if not f.name.startswith("seen.db"))


@pytest.mark.parametrize("how", [("seen", "clear"), ("seen", "remove", "Inception")])
def test_a_cleared_seen_title_is_left_in_no_history_entry_or_conversation(tmp_path: Path, catalog_path: Path,
                                                                          how: tuple[str, ...]) -> None:
    """The seen list was applied to each query before the history and the conversation kept it, so
    every entry's exclude_ids listed the household's seen titles, and `seen clear` left them there.
    The history and the conversations keep the query as said; entries written before that (an
    older version) are cleaned when the titles leave the seen list."""
    state = tmp_path / "s"
    env = {"VOICEREC_STATE_DIR": str(state), "VOICEREC_CATALOG_PATH": str(catalog_path)}
    assert run("seen", "add", "Inception", env=env).returncode == 0
    (seen,) = json.loads(run("seen", "list", "--json", env=env).stdout)
    assert run("ask", "--session", "s", "--", "a science fiction film", env=env).returncode == 0
    assert run("ask", "--session", "s", "--", "something shorter", env=env).returncode == 0
    # an entry as an older version wrote it: the seen list inside the query
    h = History(state / "history.db", 30)
    h.add("old", "", Query(genres=["scifi"], exclude_ids=[seen["id"], "tm-shown"]), [suggestion("Old")])
    h.close()
    assert seen["id"].encode() in _state_bytes(state)
    p = run(*how, env=env)
    assert p.returncode == 0, p.stderr
    assert seen["id"].encode() not in _state_bytes(state)
    queries = [json.loads(q) for _, q, _ in rows(state / "history.db")]
    assert len(queries) == 3 and ["tm-shown"] in [q.get("exclude_ids") for q in queries]  # the rest is kept
    assert run("ask", "--session", "s", "--", "something shorter", env=env).returncode == 0
