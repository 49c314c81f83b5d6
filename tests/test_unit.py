"""The systemd unit (issue 16, finding 7): `systemd-analyze security --offline` scores it <= 2.0
with and without the drop-in install.sh writes, and the drop-in grants a push-to-talk source's
group and devices, or an LLM server's addresses, only when they are configured."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from voicerec.daemon.unit import group_exists

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "systemd" / "voicerec.service"
VOICEREC = str(Path(sys.executable).parent / "voicerec")
ANALYZE = shutil.which("systemd-analyze")
needs_analyze = pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed")


def unit_settings() -> dict[str, str]:
    """The unit's [Service] lines as name -> joined values (a list setting's lines joined by a space)."""
    out: dict[str, str] = {}
    for line in UNIT.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            key, value = line.split("=", 1)
            out[key] = f"{out[key]} {value}".strip() if key in out else value
    return out


def dropin(tmp_path: Path, **env: str) -> str:
    e = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "xdg"), **env}
    p = subprocess.run([VOICEREC, "unit"], capture_output=True, text=True, timeout=60, env=e)
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    return p.stdout


def exposure(tmp_path: Path, dropin_text: str | None = None) -> float:
    """systemd-analyze's overall exposure for the unit, with `dropin_text` installed beside it."""
    root = tmp_path / "root"
    units = root / "etc" / "systemd" / "system"
    units.mkdir(parents=True, exist_ok=True)
    shutil.copy(UNIT, units / "voicerec.service")
    if dropin_text is not None:
        (units / "voicerec.service.d").mkdir(exist_ok=True)
        (units / "voicerec.service.d" / "local.conf").write_text(dropin_text)
    p = subprocess.run([ANALYZE, "security", "--offline=yes", f"--root={root}", "--no-pager", "voicerec.service"],
                       capture_output=True, text=True, timeout=120)
    m = re.search(r"Overall exposure level for voicerec\.service: ([0-9.]+)", p.stdout + p.stderr)
    assert m, p.stdout + p.stderr
    return float(m.group(1))


@needs_analyze
def test_unit_scores_at_most_two(tmp_path: Path) -> None:
    p = subprocess.run([ANALYZE, "security", "--offline=yes", "--no-pager", str(UNIT)],
                       capture_output=True, text=True, timeout=120)
    m = re.search(r"Overall exposure level for voicerec\.service: ([0-9.]+)", p.stdout + p.stderr)
    assert m and float(m.group(1)) <= 2.0, p.stdout[-3000:]


def test_unit_grants_only_sound_by_itself() -> None:
    s = unit_settings()
    assert s["SupplementaryGroups"].split() == ["audio"]
    assert s["DevicePolicy"] == "closed" and s["DeviceAllow"] == "char-alsa rw"
    assert s["IPAddressDeny"] == "any" and s["IPAddressAllow"] == "localhost"
    assert s["SystemCallFilter"].startswith("@system-service")
    for key, value in {"ProtectProc": "invisible", "ProcSubset": "pid", "RestrictRealtime": "yes",
                       "RemoveIPC": "yes", "NoNewPrivileges": "yes", "UMask": "0077"}.items():
        assert s[key] == value, key
    assert s["MemoryMax"]


@pytest.mark.parametrize("env, groups, devices, addresses", [
    ({}, [], [], []),
    ({"VOICEREC_PTT__GPIO_PIN": "17"}, ["gpio"], ["char-gpiochip rw"], []),
    ({"VOICEREC_PTT__EVDEV_DEVICE": "Presenter", "VOICEREC_PTT__EVDEV_KEY": "KEY_PAGEDOWN"},
     ["input"], ["char-input r"], []),
    ({"VOICEREC_LLM__BASE_URL": "http://127.0.0.1:8080/v1"}, [], [], []),
    # written into the drop-in only: nothing here ever connects to it (a documentation address)
    ({"VOICEREC_LLM__BASE_URL": "http://192.0.2.10:8080/v1"}, [], [], ["192.0.2.10"]),
    ({"VOICEREC_LLM__BASE_URL": "https://[2001:db8::5]/v1"}, [], [], ["2001:db8::5"]),
])
def test_dropin_grants_only_what_is_configured(tmp_path: Path, env: dict[str, str], groups: list[str],
                                               devices: list[str], addresses: list[str]) -> None:
    text = dropin(tmp_path, **env)
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    assert lines[0] == "[Service]"
    assert [ln.split("=", 1)[1] for ln in lines if ln.startswith("SupplementaryGroups=")] == \
        [g for g in groups if group_exists(g)]
    assert [ln.split("=", 1)[1] for ln in lines if ln.startswith("DeviceAllow=")] == devices
    allowed = [a for ln in lines if ln.startswith("IPAddressAllow=") for a in ln.split("=", 1)[1].split()]
    assert allowed == addresses
    assert ("ProcSubset=all" in lines) == ("VOICEREC_PTT__GPIO_PIN" in env)


@needs_analyze
@pytest.mark.parametrize("env", [{"VOICEREC_PTT__GPIO_PIN": "17"}, {"VOICEREC_PTT__EVDEV_DEVICE": "Presenter"},
                                 {"VOICEREC_LLM__BASE_URL": "http://192.0.2.10:8080/v1"}])
def test_unit_with_its_dropin_still_scores_at_most_two(tmp_path: Path, env: dict[str, str]) -> None:
    assert exposure(tmp_path, dropin(tmp_path, **env)) <= 2.0


@needs_analyze
def test_unit_has_no_unknown_or_malformed_setting() -> None:
    """`systemd-analyze verify`: every directive is known and well-formed (the installed path of the
    executable does not exist here, which is the one complaint allowed)."""
    p = subprocess.run([ANALYZE, "verify", str(UNIT)], capture_output=True, text=True, timeout=120)
    problems = [ln for ln in (p.stdout + p.stderr).splitlines()
                if ln.strip() and "/opt/voicerec/.venv/bin/voicerec" not in ln]
    assert not problems, problems
