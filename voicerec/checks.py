"""One line of `voicerec doctor`: what was checked, whether it is fine, and what to do if not.

Each stage offers its own check (the microphone in daemon/mic.py, the speaker in
speech/playback.py, the models in speech/, the catalogue in catalog/, the LLM in understand/,
the Wyoming server in wyoming/); voicerec/doctor.py only runs them and prints the lines.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    name: str             # "microphone", "speaker", ...
    ok: bool | None       # True: fine; False: a problem (the doctor exits non-zero); None: for information
    detail: str           # what was found
    fix: str = ""         # what to do about it (problems only)

    def line(self) -> str:
        mark = {True: "OK  ", False: "FAIL", None: "--  "}[self.ok]
        tail = f" -> {self.fix}" if self.fix and self.ok is False else ""
        return f"{mark} {self.name}: {self.detail}{tail}"
