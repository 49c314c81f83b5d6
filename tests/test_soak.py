"""Soak: the daemon through many push-to-talk cycles on a private PulseAudio server (bench/soak.py).

50 quick cycles run with the suite (~6 min): the daemon stays up, logs no traceback, keeps its
file descriptors and threads, and its RSS stays <= 500 MB and grows < 10% after warm-up.
The 500-cycle run is marked slow: `pytest -m slow tests/test_soak.py` (about an hour).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pulseaudio", "paplay", "parecord")),
    reason="needs pulseaudio and pulseaudio-utils (apt)",
)


def _soak(cycles: int, catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "soak.md"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "soak.py"), "--cycles", str(cycles), "--quick",
         "--catalog", str(catalog), "--out", str(out)],
        capture_output=True, text=True, timeout=cycles * 30 + 600,
    )
    report = out.read_text() if out.is_file() else ""
    assert proc.returncode == 0, f"{report}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert "Result: PASS" in report and "tracebacks in its log: 0" in report, report


def test_soak_50_cycles(catalog_path: Path, tmp_path: Path) -> None:
    _soak(50, catalog_path, tmp_path)


@pytest.mark.slow
def test_soak_500_cycles(catalog_path: Path, tmp_path: Path) -> None:
    _soak(500, catalog_path, tmp_path)
