"""A private PulseAudio server with null sinks: real audio devices for tests, on any machine.

PortAudio (sounddevice) reads its device list once, when sounddevice is first imported, so the
server must run and XDG_RUNTIME_DIR/PULSE_SERVER must point at it before any test module imports
sounddevice. tests/conftest.py therefore calls `start()` from `pytest_configure` and `stop()` from
`pytest_unconfigure` (see the lines at the bottom of this docstring); tests then ask for the
session fixture `pulse`, which skips with a reason when no server could be started.

Devices it makes:
  sink   `spk`      (16 kHz mono, the default output): whatever the program plays;
                    record it with `pulse.record_speaker(path)` (reads `spk.monitor`)
  sink   `micfeed`  (16 kHz mono): `pulse.play_into_mic(wav)` plays a file into it
  source `vmic`     (the default input): `micfeed.monitor` remapped, i.e. the microphone

Never the user's real speakers: the server lives in a fresh temporary XDG_RUNTIME_DIR, clients are
told not to autospawn another, and it is stopped by its PID at the end.

In tests/conftest.py, after the line that puts tests/ on sys.path:

    pytest_plugins = ["pulse"]  # private PulseAudio server for the audio tests (tests/pulse.py)

(or, if conftest has its own pytest_configure, call `pulse.start()` first thing in it and
`pulse.stop()` in pytest_unconfigure, and import the `pulse` fixture).

Set VOICEREC_TEST_PULSE=0 to not start it (the audio tests then skip).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

RATE = 16000
DEFAULT_PA = f"""\
load-module module-native-protocol-unix auth-anonymous=1
load-module module-null-sink sink_name=spk rate={RATE} channels=1
load-module module-null-sink sink_name=micfeed rate={RATE} channels=1
load-module module-remap-source source_name=vmic master=micfeed.monitor
set-default-sink spk
set-default-source vmic
"""


@dataclass
class Recording:
    """A running `parecord`; `stop()` ends it and returns the WAV path."""

    path: Path
    process: subprocess.Popen[bytes]
    started_at: float  # time.perf_counter() when recording began

    def stop(self, tail_s: float = 0.0) -> Path:
        if tail_s:
            time.sleep(tail_s)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # parecord writes the WAV header on SIGINT
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.path


@dataclass
class PulseServer:
    runtime_dir: Path
    pid: int
    rate: int = RATE
    _recordings: list[Recording] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        """The environment a child process needs to use this server."""
        return {**os.environ, **_client_env(self.runtime_dir)}

    def play_into_mic(self, wav_path: str | Path, wait: bool = True) -> subprocess.Popen[bytes]:
        """Play a WAV into the virtual microphone (`vmic`), as if someone spoke."""
        proc = subprocess.Popen(["paplay", "-d", "micfeed", str(wav_path)], env=self.env)
        if wait:
            proc.wait(timeout=120)
        return proc

    def record_speaker(self, path: str | Path) -> Recording:
        """Start recording what is played on the default output (`spk.monitor`), 16 kHz mono WAV."""
        proc = subprocess.Popen(
            ["parecord", "-d", "spk.monitor", f"--rate={self.rate}", "--channels=1",
             "--format=s16le", "--file-format=wav", str(path)],
            env=self.env,
        )
        rec = Recording(Path(path), proc, time.perf_counter())
        self._recordings.append(rec)
        time.sleep(0.15)  # let parecord connect before the sound starts
        return rec

    def stop(self) -> None:
        for rec in self._recordings:
            rec.stop()
        try:
            os.kill(self.pid, signal.SIGTERM)
            for _ in range(50):
                os.kill(self.pid, 0)
                time.sleep(0.02)
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        shutil.rmtree(self.runtime_dir, ignore_errors=True)


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """(int16 mono samples, sample rate) of a 16-bit WAV."""
    with wave.open(str(path), "rb") as wav:
        frames = wav.readframes(wav.getnframes())
        audio = np.frombuffer(frames, dtype=np.int16)
        if wav.getnchannels() > 1:
            audio = audio.reshape(-1, wav.getnchannels())[:, 0]
        return audio.copy(), wav.getframerate()


def voiced_span(audio: np.ndarray, rate: int, threshold: float = 0.02, frame_ms: int = 10) -> tuple[float, float]:
    """(first, last) second where the audio is louder than `threshold` of full scale; (0, 0) if never."""
    frame = max(1, rate * frame_ms // 1000)
    n = len(audio) // frame
    if n == 0:
        return 0.0, 0.0
    rms = np.sqrt((audio[: n * frame].astype(np.float64).reshape(n, frame) ** 2).mean(axis=1)) / 32768
    loud = np.flatnonzero(rms > threshold)
    if len(loud) == 0:
        return 0.0, 0.0
    return loud[0] * frame / rate, (loud[-1] + 1) * frame / rate


def _client_env(runtime_dir: Path) -> dict[str, str]:
    return {
        "XDG_RUNTIME_DIR": str(runtime_dir),
        "PULSE_SERVER": f"unix:{runtime_dir}/pulse/native",
        "PULSE_CLIENTCONFIG": str(runtime_dir / "client.conf"),
    }


_server: PulseServer | None = None
_skip_reason = "the PulseAudio test server was not started (is tests/conftest.py calling tests.pulse?)"


def start() -> PulseServer | None:
    """Start the private server and point this process's environment at it. Idempotent."""
    global _server, _skip_reason
    if _server is not None:
        return _server
    if os.environ.get("VOICEREC_TEST_PULSE", "1") == "0":
        _skip_reason = "VOICEREC_TEST_PULSE=0"
        return None
    missing = [tool for tool in ("pulseaudio", "paplay", "parecord") if not shutil.which(tool)]
    if missing:
        _skip_reason = f"{', '.join(missing)} not installed (apt: pulseaudio pulseaudio-utils)"
        return None
    runtime_dir = Path(tempfile.mkdtemp(prefix="voicerec-pulse-"))
    (runtime_dir / "default.pa").write_text(DEFAULT_PA)
    (runtime_dir / "client.conf").write_text("autospawn = no\n")
    env = {**os.environ, **_client_env(runtime_dir)}
    env.pop("PULSE_SERVER")  # the server itself must not look for another one
    result = subprocess.run(
        ["pulseaudio", "-n", "-F", str(runtime_dir / "default.pa"), "--daemonize=yes",
         "--exit-idle-time=-1", "--use-pid-file=yes", "--disallow-exit"],
        env=env, capture_output=True, text=True, timeout=30,
    )
    pid_file = runtime_dir / "pulse" / "pid"
    for _ in range(100):
        if pid_file.is_file() and (runtime_dir / "pulse" / "native").exists():
            break
        time.sleep(0.02)
    else:
        shutil.rmtree(runtime_dir, ignore_errors=True)
        err = (result.stderr.strip().splitlines() or ["no output"])[-1]
        _skip_reason = f"pulseaudio did not start: {err}"
        return None
    os.environ.update(_client_env(runtime_dir))
    _server = PulseServer(runtime_dir, int(pid_file.read_text().split()[0]))
    return _server


def stop() -> None:
    global _server
    if _server is not None:
        _server.stop()
        _server = None


def pytest_configure(config: pytest.Config) -> None:  # noqa: ARG001 - pytest hook signature
    start()


def pytest_unconfigure(config: pytest.Config) -> None:  # noqa: ARG001
    stop()


@pytest.fixture(scope="session")
def pulse() -> PulseServer:
    """The running private PulseAudio server (skips the test if there is none)."""
    if _server is None:
        pytest.skip(_skip_reason)
    return _server
