"""The refresh's progress on stderr: a bar on a terminal, a line every few seconds otherwise (a log).

    fetching FR  [##########----------]  412/830 titles  38.2/s  eta 11 s
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 24
LOG_EVERY_S = 10.0


class ProgressBar:
    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.t0 = time.monotonic()
        self.first: int | None = None  # done when the bar started (a resumed run's earlier answers)
        self.last_line = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.first is None:
            self.first = done
        if not self.tty and now - self.last_line < LOG_EVERY_S and done < total:
            return
        self.last_line = now
        rate = (done - self.first) / max(now - self.t0, 1e-6)
        left = (total - done) / rate if rate > 0 else 0
        filled = WIDTH * done // total if total else WIDTH
        line = (f"{self.label}  [{'#' * filled}{'-' * (WIDTH - filled)}]  {done}/{total} titles  {rate:.1f}/s"
                + (f"  eta {left:.0f} s" if done < total and rate > 0 else ""))
        self.stream.write(("\r" + line + "\033[K") if self.tty else line + "\n")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.tty and self.shown:
            self.stream.write("\n")
            self.stream.flush()
