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


def exposure(tmp_path: Path, dropin_text: str | None = None, unit: Path = UNIT) -> float:
    """systemd-analyze's overall exposure for the unit, with `dropin_text` installed beside it."""
    root = tmp_path / "root"
    units = root / "etc" / "systemd" / "system"
    units.mkdir(parents=True, exist_ok=True)
    shutil.copy(unit, units / unit.name)
    if dropin_text is not None:
        (units / f"{unit.name}.d").mkdir(exist_ok=True)
        (units / f"{unit.name}.d" / "local.conf").write_text(dropin_text)
    p = subprocess.run([ANALYZE, "security", "--offline=yes", f"--root={root}", "--no-pager", unit.name],
                       capture_output=True, text=True, timeout=120)
    m = re.search(rf"Overall exposure level for {re.escape(unit.name)}: ([0-9.]+)", p.stdout + p.stderr)
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


# -- issue 25, finding 1: the installer reads only root's configuration, and checks every value ------

def root_dropin(cfg: Path, *extra: str, **env: str) -> subprocess.CompletedProcess:
    """`voicerec unit --root-config FILE`, as install.sh runs it (as root, after sudo)."""
    e = {**os.environ, **env}
    return subprocess.run([VOICEREC, "unit", "--root-config", str(cfg), *extra], capture_output=True, text=True,
                          timeout=60, env=e)


def root_config(tmp_path: Path, text: str, mode: int = 0o644) -> Path:
    folder = tmp_path / "etc-voicerec"
    folder.mkdir(mode=0o755, exist_ok=True)
    cfg = folder / "config.toml"
    cfg.write_text(text)
    cfg.chmod(mode)
    return cfg


def refused(p: subprocess.CompletedProcess, *words: str) -> str:
    assert p.returncode == 2 and p.stdout == "", (p.returncode, p.stdout, p.stderr)
    assert p.stderr.startswith("voicerec: ") and p.stderr.count("\n") == 1 and "Traceback" not in p.stderr, p.stderr
    for word in words:
        assert word in p.stderr, p.stderr
    return p.stderr


@pytest.mark.parametrize("toml, setting", [
    ('[ptt]\nevdev_device = "Presenter\\nExecStartPre=+/bin/sh -c \'id > /tmp/pwned\'"\n', "ptt.evdev_device"),
    ('[ptt]\nevdev_device = "Presenter"\nevdev_key = "KEY_SPACE\\n[Service]\\nSupplementaryGroups=disk"\n',
     "ptt.evdev_key"),
    ('[ptt]\nevdev_device = "/dev/input/../../etc/shadow"\n', "ptt.evdev_device"),
    ('[ptt]\nevdev_device = "Presenter\\\\"\n', "ptt.evdev_device"),
    ('[ptt]\nevdev_device = "Pres%Henter"\n', "ptt.evdev_device"),
    ('[llm]\nbase_url = "http://127.0.0.1:8080/v1\\nExecStartPre=+/bin/sh"\n', "llm.base_url"),
    ('[llm]\nbase_url = "http://bad host:8080/v1"\n', "llm.base_url"),
    ('[llm]\nbase_url = "http://exa_mple..org/v1"\n', "llm.base_url"),
])
def test_a_value_that_could_break_out_of_the_dropin_is_refused(tmp_path: Path, toml: str, setting: str) -> None:
    """A newline in evdev_device made a standalone `ExecStartPre=+/bin/sh -c ...` line: root on the
    next install.sh. Every value that reaches a unit file is checked, and anything else refused."""
    refused(root_dropin(root_config(tmp_path, toml)), setting)
    refused(root_dropin(root_config(tmp_path, toml), "--wyoming"), setting)


def test_the_dropin_comes_from_roots_file_only(tmp_path: Path) -> None:
    """install.sh ran `voicerec unit` as the service's user with HOME=/var/lib/voicerec, so a config
    that user could write granted the input group or widened IPAddressAllow. With --root-config only
    that file counts: not the environment, not a user's config."""
    cfg = root_config(tmp_path, "results = 3\n")
    user = tmp_path / "xdg" / "voicerec" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text('[ptt]\nevdev_device = "Presenter"\n[llm]\nbase_url = "http://192.0.2.10:8080/v1"\n')
    p = root_dropin(cfg, XDG_CONFIG_HOME=str(tmp_path / "xdg"), HOME=str(tmp_path),
                    VOICEREC_PTT__GPIO_PIN="17", VOICEREC_LLM__BASE_URL="http://192.0.2.11:8080/v1")
    assert p.returncode == 0, p.stderr
    assert "SupplementaryGroups" not in p.stdout and "IPAddressAllow" not in p.stdout and "DeviceAllow" not in p.stdout
    cfg.write_text('[ptt]\nevdev_device = "Presenter"\nevdev_key = "KEY_PAGEDOWN"\n')
    p = root_dropin(cfg)
    assert p.returncode == 0 and "DeviceAllow=char-input r" in p.stdout, p.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="changing owners needs root")
def test_a_config_root_does_not_own_alone_is_refused(tmp_path: Path) -> None:
    cfg = root_config(tmp_path, '[ptt]\nevdev_device = "Presenter"\n')
    assert root_dropin(cfg).returncode == 0
    os.chown(cfg, 65534, 65534)  # the old README: chown voicerec /etc/voicerec/config.toml
    refused(root_dropin(cfg), str(cfg), "root")
    os.chown(cfg, 0, 0)
    cfg.chmod(0o664)
    refused(root_dropin(cfg), str(cfg))
    cfg.chmod(0o644)
    cfg.parent.chmod(0o777)  # a folder others can write: the file can be swapped
    refused(root_dropin(cfg), str(cfg.parent))
    cfg.parent.chmod(0o755)
    os.chown(cfg.parent, 65534, 65534)
    refused(root_dropin(cfg), str(cfg.parent))
    os.chown(cfg.parent, 0, 0)
    p = root_dropin(tmp_path / "etc-voicerec" / "missing.toml")  # no config yet: the defaults
    assert p.returncode == 0 and "nothing beyond" in p.stdout, p.stderr


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to run as another user")
def test_an_api_key_file_root_shares_with_the_services_group(tmp_path: Path) -> None:
    """What the README now says for a secret: root owns the file, the service's group may read it
    (chown root:voicerec, chmod 640), so the service's user can read but not change it."""
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="voicerec-secret-"))
    top.chmod(0o755)
    try:
        cfg = top / "config.toml"
        cfg.write_text('[llm]\nbase_url = "http://127.0.0.1:9/v1"\napi_key = "sk-secret"\n')
        os.chown(cfg, 0, 65534)
        cfg.chmod(0o640)
        as_service = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                      VOICEREC, "--config", str(cfg), "privacy", "--json"]
        env = {**os.environ, "VOICEREC_STATE_DIR": str(top / "s"), "HOME": str(top), "XDG_CONFIG_HOME": str(top / "x")}
        p = subprocess.run(as_service, capture_output=True, text=True, timeout=60, env=env)
        if p.returncode != 0 and "Permission denied" in p.stderr and "config.toml" not in p.stderr:
            pytest.skip(f"this checkout cannot be run by nobody: {p.stderr.strip()[-200:]}")
        assert p.returncode == 0, p.stderr
        assert root_dropin(cfg).returncode == 0  # root reads it too
        cfg.chmod(0o644)  # readable by everyone: refused as before
        p = subprocess.run(as_service, capture_output=True, text=True, timeout=60, env=env)
        assert p.returncode == 2 and "API key" in p.stderr and "sk-secret" not in p.stderr
    finally:
        shutil.rmtree(top, ignore_errors=True)


def test_the_installers_read_root_config_only_and_the_readme_says_so() -> None:
    install = (ROOT / "systemd" / "install.sh").read_text()
    wyoming = (ROOT / "systemd" / "install-wyoming.sh").read_text()
    assert re.search(r'voicerec" unit --root-config "\$ETC/config\.toml"', install), "install.sh: unit from root's file"
    assert not re.search(r"as_voicerec[^\n]*\bunit\b", install), "install.sh runs `voicerec unit` as the service's user"
    assert "unit --wyoming --root-config" in wyoming and "runuser" not in wyoming and "Settings.load" not in wyoming
    for doc in ("README.md", "systemd/README.md", "systemd/install.sh"):
        text = (ROOT / doc).read_text()
        assert not re.search(r"chown voicerec\b", text), f"{doc} tells admins to give the config to the service"
        assert "chown root:voicerec" in text or doc == "README.md", doc


@pytest.mark.skipif(os.geteuid() != 0, reason="changing owners needs root")
def test_install_sh_refuses_a_config_root_does_not_own_before_anything_else(tmp_path: Path) -> None:
    """install.sh's own early check (the function it runs before step 1), run for real on files."""
    script = (ROOT / "systemd" / "install.sh").read_text()
    function = re.search(r"^root_only\(\) \{\n.*?^\}\n", script, re.S | re.M)
    assert function and re.search(r'^root_only /etc "\$ETC" "\$ETC/config\.toml"$', script, re.M)
    cfg = root_config(tmp_path, "results = 3\n")

    def check(*paths: Path) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "-c", function.group(0) + 'root_only "$@"', "check", *map(str, paths)],
                              capture_output=True, text=True, timeout=30)

    assert check(cfg.parent, cfg, tmp_path / "absent.toml").returncode == 0
    os.chown(cfg, 65534, 65534)
    p = check(cfg.parent, cfg)
    assert p.returncode == 1 and f"{cfg} must belong to root" in p.stderr and "chown root:voicerec" in p.stderr
    os.chown(cfg, 0, 0)
    cfg.parent.chmod(0o775)
    assert check(cfg.parent, cfg).returncode == 1


LAN = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "fc00::/7", "fe80::/10"]
MDNS = ["224.0.0.251", "ff02::fb"]
WYOMING_UNIT = ROOT / "systemd" / "voicerec-wyoming.service"


@pytest.mark.parametrize("toml, allowed", [
    ("", []),
    ("[wyoming]\nallow_lan = true\n", LAN),
    ("[wyoming]\nallow_lan = true\nzeroconf = true\n", LAN + MDNS),
    ("[wyoming]\nzeroconf = true\n", []),  # not on the LAN: nothing to advertise
    # written into the drop-in only: nothing here ever connects to it (a documentation address)
    ('[llm]\nbase_url = "http://192.0.2.10:8080/v1"\n', ["192.0.2.10"]),
])
def test_the_wyoming_units_allowance_is_only_what_is_configured(tmp_path: Path, toml: str,
                                                                allowed: list[str]) -> None:
    """Issue 25, finding 10: with allow_lan the unit let mDNS through whether or not zeroconf was
    on, and a remote LLM server was never let through. Now it holds what [wyoming] and llm ask for."""
    p = root_dropin(root_config(tmp_path, toml), "--wyoming")
    assert p.returncode == 0, p.stderr
    lines = [ln for ln in p.stdout.splitlines() if ln and not ln.startswith("#")]
    assert lines[0] == "[Service]" and all(ln.startswith("IPAddressAllow=") for ln in lines[1:]), lines
    assert [a for ln in lines[1:] for a in ln.split("=", 1)[1].split()] == allowed
    if ANALYZE:
        assert exposure(tmp_path, p.stdout, WYOMING_UNIT) <= 2.0


@needs_analyze
def test_the_wyoming_unit_scores_at_most_two(tmp_path: Path) -> None:
    assert exposure(tmp_path, None, WYOMING_UNIT) <= 2.0
