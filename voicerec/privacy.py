"""`voicerec privacy`: what is stored where, and what is sent where — read from the real state."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from voicerec.config import Settings, is_loopback_host, plaintext_remote, redact_url
from voicerec.state.listeners import active_listeners


def _file_info(path: Path, what: str) -> dict[str, Any]:
    info: dict[str, Any] = {"path": str(path), "what": what, "exists": path.exists()}
    if path.is_file():
        st = path.stat()
        info.update(bytes=st.st_size, mode=oct(st.st_mode & 0o777))
    elif path.is_dir():
        files = [p for p in path.rglob("*") if p.is_file()]
        info.update(files=len(files), bytes=sum(p.stat().st_size for p in files))
    return info


def privacy_report(settings: Settings) -> dict[str, Any]:
    state = settings.state_dir
    stored = [
        _file_info(settings.catalog_path, "the title catalogue (public data, no personal data)"),
        _file_info(state / "history.db",
                   f"history: your requests and the titles suggested, kept {settings.history_days} days"
                   if settings.history_days > 0 else "history: disabled (history_days = 0)"),
        _file_info(state / "sessions.db",
                   f"conversations: the last query and results per session, expire after "
                   f"{int(settings.session_idle_s)} s idle"),
        _file_info(state / "audio",
                   "recordings of your requests" if settings.keep_audio
                   else "recordings: none are kept (keep_audio = false)"),
        _file_info(settings.control_socket, "the push-to-talk control socket (owner only)"),
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
    return {
        "stored": stored,
        "sent": sent,
        "network_listeners": active_listeners(settings),
        "summary": (
            "Nothing leaves this machine." if not sent
            else f"Requests are sent as text to the LLM server at {sent[0]['to']}."
        ),
        "erase": "voicerec history --clear",
        "user": os.environ.get("USER", ""),
    }


def render(report: dict[str, Any]) -> str:
    lines = [report["summary"], "", "Stored on this machine:"]
    for item in report["stored"]:
        size = f", {item['bytes']} bytes" if "bytes" in item else ""
        where = item["path"] if item["exists"] else f"{item['path']} (not present)"
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
    for item in report["network_listeners"]:
        lines.append(f"Listening: {item['what']} at {item['address']} (pid {item['pid']}): it hears requests "
                     "as text or audio from whoever can reach that address, and keeps no audio.")
    if not report["network_listeners"]:
        lines.append("No network listener: push-to-talk uses a local Unix socket only.")
    lines.append(f"To erase history and conversations: {report['erase']}")
    return "\n".join(lines)
