"""The household's hooks: a command run when a title is chosen ("put the second one on"), so a household
can wire voicerec to Home Assistant, Kodi or an Android TV. voicerec cannot start a stream by itself.

    on_choose(settings, chosen)  ─► HookRun (ran, ok, a one-line account)

    [hooks]
    on_choose = "/usr/local/bin/tv-play --service {service} {id}"
    timeout_s = 5

The command line is the household's own (its config file), never a request's: it is split into
arguments once (shlex), each placeholder is replaced inside its own argument ({title}, {year},
{service}, {services}, {id}, {imdb_id}, {kind}), and it runs without a shell, so nothing said can
become a command, an option or a second argument. The same values are in its environment
(VOICEREC_TITLE, VOICEREC_YEAR, VOICEREC_SERVICE, VOICEREC_SERVICES, VOICEREC_ID, VOICEREC_IMDB_ID,
VOICEREC_KIND) beside PATH, HOME and LANG only: none of voicerec's own settings (an API key) reach it.
It gets no input, its output is dropped (its last error line is reported), and it is stopped, with
everything it started, after `timeout_s`.
"""

from __future__ import annotations

import logging
import os
import re
import shlex
import signal
import subprocess
from dataclasses import dataclass

from voicerec.config import HOOK_FIELDS, HooksSettings

log = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"\{(" + "|".join(HOOK_FIELDS) + r")\}")
_KEEP_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "USER", "LOGNAME", "XDG_RUNTIME_DIR")
_ERROR_CHARS = 200


@dataclass(frozen=True)
class HookRun:
    ran: bool
    ok: bool = True
    message: str = ""  # one line: "on_choose: ok", "on_choose failed: exit status 3 (no such device)"


def on_choose(settings: HooksSettings, chosen: dict[str, str]) -> HookRun:
    """Run the on_choose hook (if one is set) for the chosen title; `chosen` maps HOOK_FIELDS to text."""
    if not settings.on_choose:
        return HookRun(ran=False)
    values = {k: _one_line(str(chosen.get(k) or "")) for k in HOOK_FIELDS}
    args = [_PLACEHOLDER.sub(lambda m: values[m.group(1)], a) for a in shlex.split(settings.on_choose)]
    env = {k: os.environ[k] for k in _KEEP_ENV if k in os.environ}
    env.update({f"VOICEREC_{k.upper()}": v for k, v in values.items()})
    name = os.path.basename(args[0]) if args else "on_choose"
    try:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                env=env, start_new_session=True, close_fds=True)
    except OSError as e:
        return _failed(f"on_choose failed: cannot run {name} ({e.strerror or e})")
    try:
        _, err = proc.communicate(timeout=settings.timeout_s)
    except subprocess.TimeoutExpired:
        _kill(proc)
        return _failed(f"on_choose failed: {name} took longer than {settings.timeout_s:g} s and was stopped")
    if proc.returncode != 0:
        last = _last_line(err)
        return _failed(f"on_choose failed: {name} exited with status {proc.returncode}" + (f" ({last})" if last else ""))
    log.info("on_choose: %s ran for the chosen title", name)
    return HookRun(ran=True, ok=True, message=f"on_choose: {name} ran")


def _failed(message: str) -> HookRun:
    log.warning("%s", message)
    return HookRun(ran=True, ok=False, message=message)


def _kill(proc: subprocess.Popen) -> None:
    """Stop the hook and whatever it started (its own session: one process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.communicate()


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def _last_line(err: bytes | None) -> str:
    lines = [x.strip() for x in (err or b"")[-4096:].decode("utf-8", "replace").splitlines() if x.strip()]
    return _one_line(lines[-1])[:_ERROR_CHARS] if lines else ""
