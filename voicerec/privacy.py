"""`voicerec privacy`: what is stored where, and what is sent where — read from the real state."""

from __future__ import annotations

import os
import pwd
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from voicerec.config import Settings, is_loopback_host, plaintext_remote, redact_url
from voicerec.errors import VoicerecError
from voicerec.state.listeners import active_listeners


def _file_info(path: Path, what: str) -> dict[str, Any]:
    info: dict[str, Any] = {"path": str(path), "what": what}
    try:
        info["exists"] = path.exists()
        if path.is_file():
            st = path.stat()
            info.update(bytes=st.st_size, mode=oct(st.st_mode & 0o777))
        elif path.is_dir():
            files = [p for p in path.rglob("*") if p.is_file()]
            info.update(files=len(files), bytes=sum(p.stat().st_size for p in files),
                        mode=oct(path.stat().st_mode & 0o777))
    except PermissionError:
        info["exists"] = None  # not "absent": this user cannot look
        info["note"] = f"not readable by this user ({_owner(path)} owns it)"
    return info


def _owner(path: Path) -> str:
    for p in (path, *path.parents):
        try:
            return pwd.getpwuid(p.stat().st_uid).pw_name
        except (OSError, KeyError):
            continue
    return "another user"


def _history_what(settings: Settings) -> str:
    if settings.history_days <= 0:
        return "history: none is kept (history_days = 0); anything older is erased when opened"
    words = ("your words, the structured query and the titles suggested and picked (history_text = true)"
             if settings.history_text else
             "the structured query and the titles suggested and picked, not your words (history_text = false)")
    return f"history: {words}, kept {settings.history_days} days"


def _audio_what(settings: Settings) -> str:
    if not settings.keep_audio:
        return "recordings: none are kept (keep_audio = false)"
    if settings.history_days <= 0:
        return "recordings: none are kept (keep_audio = true, but history_days = 0)"
    return f"recordings of your requests (keep_audio = true), kept {settings.history_days} days"


def privacy_report(settings: Settings) -> dict[str, Any]:
    state = settings.state_dir
    try:  # retention first, so that what is reported is what the settings allow to be kept
        if (state / "history.db").exists() or (state / "audio").exists():
            _history(settings).prune()
        _expire_sessions(settings)
    except (OSError, sqlite3.Error):
        pass  # not this user's folder: reported as such below
    stored = [
        _file_info(settings.catalog_path, "the title catalogue (public data, no personal data)"),
        _file_info(state, "the state folder (owner only)"),
        _file_info(state / "history.db", _history_what(settings)),
        _file_info(state / "sessions.db",
                   f"conversations: the last query and results per session, and the words an ask-back "
                   f"(\"Did you mean ...?\") waits to confirm; expire after {int(settings.session_idle_s)} s idle"),
        _file_info(state / "audio", _audio_what(settings)),
        _file_info(state / "listening", "which voicerec network servers run now, and where (gone when they stop)"),
        _file_info(state / "seen.db", "the seen list: titles you said you have watched, until you remove them"),
        _file_info(settings.control_socket, "the push-to-talk control socket (owner only)"),
        _file_info(settings.control_socket.with_name(settings.control_socket.name + ".lock"),
                   "the running daemon's lock (empty)"),
    ]
    sent: list[dict[str, Any]] = []
    if settings.llm.enabled:
        url = settings.llm.base_url or ""
        item = {
            "to": redact_url(url),
            "local": is_loopback_host(urlsplit(url).hostname or ""),
            "what": "the transcript of each request and the session's previous query (no audio, no history, "
                    "no details of this machine: the client's X-Stainless-* headers are removed)",
        }
        if settings.llm.api_key and plaintext_remote(url):
            item["warning"] = "the api_key and the requests travel over plain http, readable on the network"
        sent.append(item)
    listeners = active_listeners(settings)
    return {
        "stored": stored,
        "sent": sent,
        "network_listeners": listeners,  # None: this user cannot tell (network_listeners_note says why)
        **({} if listeners is not None else {"network_listeners_note": (
            f"cannot read {settings.state_dir / 'listening'} ({_owner(settings.state_dir)} owns it); "
            f"ask as that user: sudo -u {_owner(settings.state_dir)} voicerec privacy")}),
        "summary": (
            "Nothing leaves this machine." if not sent
            else f"Requests are sent as text to the LLM server at {sent[0]['to']}."
        ),
        "history_text": settings.history_text,
        "erase": "voicerec history --clear",
        "erase_seen": "voicerec seen clear",
        "user": os.environ.get("USER", ""),
    }


def render(report: dict[str, Any]) -> str:
    lines = [report["summary"], "", "Stored on this machine:"]
    for item in report["stored"]:
        size = f", {item['bytes']} bytes" if "bytes" in item else ""
        where = (item["path"] if item["exists"] else f"{item['path']} ({item['note']})" if "note" in item
                 else f"{item['path']} (not present)")
        lines.append(f"  - {item['what']}: {where}{size}")
    lines.append("")
    if report["sent"]:
        lines.append("Sent elsewhere:")
        for s in report["sent"]:
            lines.append(f"  - to {s['to']} ({'this machine' if s['local'] else 'another machine'}): {s['what']}")
            if "warning" in s:
                lines.append(f"    WARNING: {s['warning']}; use https:// or a server on this machine")
    else:
        lines.append("Sent elsewhere: nothing (no LLM server is configured).")
    listeners = report["network_listeners"]
    for item in listeners or []:
        lines.append(f"Listening: {item['what']} at {item['address']} (pid {item['pid']}): it hears requests "
                     "as text or audio from whoever can reach that address, and keeps no audio.")
    if listeners is None:
        lines.append(f"Could not tell whether a voicerec network server is listening: {report['network_listeners_note']}.")
    elif not listeners:
        lines.append("No network listener: push-to-talk uses a local Unix socket only.")
    lines.append(f"To erase history and conversations: {report['erase']}; the seen list: {report['erase_seen']}")
    if report.get("attribution"):
        lines.append(f"Data: {report['attribution']}")
    return "\n".join(lines)


def with_refresh(report: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The report, with what `voicerec catalog refresh` sends when TMDB credentials are set, and the
    attribution TMDB and JustWatch ask for."""
    report = {**report, "attribution": "Catalogue refreshes use the TMDB API but voicerec is not endorsed or "
                                       "certified by TMDB; streaming availability by JustWatch."}
    from voicerec.catalog.tmdb.client import has_credentials

    if not has_credentials(settings.tmdb):
        return report
    url = settings.tmdb.api_base
    report["sent"] = [*report["sent"], {
        "to": redact_url(url), "local": is_loopback_host(urlsplit(url).hostname or ""), "when": "catalog refresh",
        "what": f"only while `voicerec catalog refresh` runs (by you, or its weekly timer if installed): the region "
                f"({settings.region}) and requests for public film and series data, with your TMDB token or key; "
                "nothing of what you ask or watch",
    }]
    report["summary"] = (report["summary"] + " `voicerec catalog refresh` asks TMDB for public film data when it runs."
                         if len(report["sent"]) > 1 else
                         "Nothing leaves this machine, except when `voicerec catalog refresh` runs: it asks TMDB for "
                         "public film data.")
    return report


# --- reading and erasing, for `voicerec history` ------------------------------------------------

def _history(settings: Settings) -> Any:
    from voicerec.state.history import History

    state = settings.state_dir
    return History(state / "history.db", settings.history_days, keep_text=settings.history_text,
                   audio_dir=state / "audio")


def _cannot(settings: Settings, e: OSError | sqlite3.Error) -> VoicerecError:
    why = getattr(e, "strerror", None) or str(e)
    return VoicerecError(f"cannot use {settings.state_dir}: {why}; run as the user it belongs to "
                         f"({_owner(settings.state_dir)}), e.g. sudo -u voicerec voicerec history ...")


def _expire_sessions(settings: Settings) -> None:
    """Conversations idle longer than session_idle_s are deleted (opening the store does it)."""
    from voicerec.state.sessions import SessionStore

    if (settings.state_dir / "sessions.db").exists():
        SessionStore(settings.state_dir / "sessions.db", settings.session_idle_s).close()


def read_history(settings: Settings) -> list[dict[str, Any]]:
    """The kept history, newest first (retention applied first, to conversations too)."""
    try:
        _expire_sessions(settings)
        return _history(settings).entries()
    except (OSError, sqlite3.Error) as e:
        raise _cannot(settings, e) from None


def erase(settings: Settings, *, seen: bool = False) -> str:
    """Erase the history, the conversations and kept recordings in the state folder (the running
    daemon's too: it uses the same files), and with `seen` the seen list. Finding nothing there is
    an error, not a success."""
    from voicerec.state.pending import PendingGuesses
    from voicerec.state.sessions import SessionStore

    state = settings.state_dir
    try:
        found = [p for p in (state / "history.db", state / "sessions.db", state / "audio") if p.exists()]
        titles = seen_clear(settings) if seen and (state / "seen.db").exists() else None
        if not found and titles is None:
            raise VoicerecError(
                f"nothing to erase in {state}: no history, conversations or recordings there. If the daemon "
                "runs as a service, its folder is state_dir in /etc/voicerec/config.toml: run this as its user "
                "(sudo -u voicerec voicerec history --clear)")
        entries, wavs = _history(settings).clear() if found else (0, 0)
        if (state / "sessions.db").exists():
            sessions = SessionStore(state / "sessions.db")
            sessions.forget()
            sessions.close()
            pending = PendingGuesses(state / "sessions.db")  # the words an ask-back waits to confirm
            pending.forget()
            pending.close()
    except (OSError, sqlite3.Error) as e:
        raise _cannot(settings, e) from None
    done = f"erased {entries} history entries, {wavs} recordings and all conversations in {state}"
    return done + (f", and {titles} titles from the seen list" if titles is not None else "")


# --- the seen list, for `voicerec seen` ---------------------------------------------------------

def _seen_list(settings: Settings) -> Any:
    from voicerec.state.seen import SeenList

    return SeenList(settings.state_dir / "seen.db")


def seen_entries(settings: Settings) -> list[dict[str, Any]]:
    """The seen list, the latest first."""
    try:
        return _seen_list(settings).entries()
    except (OSError, sqlite3.Error) as e:
        raise _cannot(settings, e) from None


def seen_remove(settings: Settings, name: str) -> list[str]:
    """Take off the seen list the entries whose title (any case) or id is `name`; their titles."""
    from voicerec.text import norm

    try:
        seen = _seen_list(settings)
        gone = [e for e in seen.entries() if e["id"] == name.strip() or norm(e["title"]) == norm(name)]
        for e in gone:
            seen.remove(e["id"])
        _forget_seen(settings, [e["id"] for e in gone])
        return [e["title"] for e in gone]
    except (OSError, sqlite3.Error) as e:
        raise _cannot(settings, e) from None


def seen_clear(settings: Settings) -> int:
    """Empty the seen list; how many titles it had."""
    try:
        seen = _seen_list(settings)
        ids = seen.ids()
        n = seen.clear()
        _forget_seen(settings, ids)
        return n
    except (OSError, sqlite3.Error) as e:
        raise _cannot(settings, e) from None


def _forget_seen(settings: Settings, ids: list[str]) -> None:
    """Titles that left the seen list leave the history and the conversations too (today's
    entries keep the query as said; an older version's kept the seen list in each one)."""
    from voicerec.state.sessions import SessionStore

    state = settings.state_dir
    if ids and (state / "history.db").exists():
        _history(settings).forget_ids(ids)
    if ids and (state / "sessions.db").exists():
        sessions = SessionStore(state / "sessions.db", settings.session_idle_s)
        sessions.forget_ids(ids)
        sessions.close()
