"""The code stays ruff clean and every module stays small enough to have one job."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_clean() -> None:
    ruff = Path(sys.executable).parent / "ruff"
    p = subprocess.run([str(ruff), "check", "voicerec", "tests", "bench", "scripts"], cwd=ROOT,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr


def test_modules_are_small() -> None:
    big = {str(p.relative_to(ROOT)): n for p in (ROOT / "voicerec").rglob("*.py")
           if (n := len(p.read_text().splitlines())) > 500}
    assert not big, f"modules over 500 lines: {big}"
