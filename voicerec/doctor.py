"""`voicerec doctor`: what to run when "it doesn't answer". Each line is one part of the chain, OK or
what to do; the exit status is 1 when any part failed.

    microphone · level while you speak (a live meter) · room noise floor · speaker (a chime)
    push-to-talk · speech model · audio cleaning · voice · catalogue · config files · LLM · Wyoming

Each stage checks itself (daemon/mic.py, speech/playback.py, daemon/ptt.py, speech/stt.py,
speech/voices.py, catalog/stats.py, understand/llm.py, wyoming/server.py); this module only runs
them in order and prints their lines. Nothing is loaded that a check does not need: no model is
loaded, the catalogue is opened read-only, and only the LLM's own address is contacted.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from voicerec.catalog.stats import check_catalog
from voicerec.checks import Check
from voicerec.config import Settings, config_files
from voicerec.daemon.mic import check_microphone
from voicerec.daemon.ptt import check_sources
from voicerec.speech.playback import check_speaker
from voicerec.speech.stt import check_model
from voicerec.speech.voices import check_voice
from voicerec.state.listeners import active_listeners
from voicerec.understand.llm import check_llm
from voicerec.wyoming.server import check_server

METER_WIDTH = 40


def _meter(out: TextIO) -> Callable[[float], None]:
    """A live level meter on a terminal (-60 to 0 dBFS), nothing elsewhere."""
    if not out.isatty():
        return lambda dbfs: None

    def show(dbfs: float) -> None:
        n = max(0, min(METER_WIDTH, int((dbfs + 60) / 60 * METER_WIDTH)))
        out.write(f"\r     level [{'#' * n}{' ' * (METER_WIDTH - n)}] {dbfs:5.0f} dBFS")
        out.flush()
    return show


def _config(config_file: str | Path | None) -> Check:
    files = config_files(config_file)
    read = [str(f) for f in files if f.is_file()]
    if not read:
        return Check("config files", True, "none: the built-in defaults (looked in " + ", ".join(map(str, files)) + ")")
    return Check("config files", True, "read " + ", ".join(read))


def run(settings: Settings, config_file: str | Path | None = None, seconds: float = 3.0,
        out: TextIO = sys.stdout) -> int:
    """Every check, one line each, as they finish; 1 if any failed, else 0."""
    failed = False

    def say(check: Check) -> None:
        nonlocal failed
        failed |= check.ok is False
        print(check.line(), file=out, flush=True)

    if out.isatty():
        print(f"Listening for {seconds:.0f} s: say something, as you would ask for a film...", file=out, flush=True)
    mic = check_microphone(settings.audio, seconds, _meter(out))
    if out.isatty():
        out.write("\r" + " " * (METER_WIDTH + 30) + "\r")
    for check in mic:
        say(check)
    say(check_speaker(settings.audio))
    say(check_sources(settings.ptt, settings.control_socket))
    for check in check_model(settings.stt):
        say(check)
    say(check_voice(settings.tts))
    say(check_catalog(Path(settings.catalog_path)))
    say(_config(config_file))
    say(check_llm(settings.llm))
    running = [item["address"] for item in active_listeners(settings) if "wyoming" in item.get("what", "").lower()
               or "Wyoming" in item.get("what", "")]
    say(check_server(settings, running))
    return 1 if failed else 0
