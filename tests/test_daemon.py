"""The daemon end to end: `voicerec run` as a real process on a real (private) PulseAudio server.

A request is spoken into the virtual microphone with paplay while push-to-talk is held through
the control socket; the reply is recorded from the speaker monitor and transcribed with Whisper.
One daemon serves the tests in this file, in order (start-up loads the models once); the last
test stops it with SIGTERM while it speaks. The daemon gets its own PulseAudio server, so the
mic-failure test can kill and restart it without disturbing other tests.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest
from pulse import DEFAULT_PA, _client_env, read_wav, voiced_span
from sd_notify import NotifyListener
from takes import seed_onnx

from voicerec.daemon.control import send_command
from voicerec.errors import VoicerecError
from voicerec.text import norm

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pulseaudio", "paplay", "parecord")),
    reason="needs pulseaudio and pulseaudio-utils (apt)",
)


# -- a private PulseAudio server -----------------------------------------------------------
class Pulse:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="voicerec-daemon-pulse-"))
        (self.dir / "default.pa").write_text(DEFAULT_PA)
        (self.dir / "client.conf").write_text("autospawn = no\n")
        self.pid = 0
        self.start()

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, **_client_env(self.dir)}

    def start(self) -> None:
        env = self.env
        env.pop("PULSE_SERVER")
        (self.dir / "pulse" / "pid").unlink(missing_ok=True)
        subprocess.run(["pulseaudio", "-n", "-F", str(self.dir / "default.pa"), "--daemonize=yes",
                        "--exit-idle-time=-1", "--use-pid-file=yes", "--disallow-exit"],
                       env=env, capture_output=True, timeout=30)
        for _ in range(200):
            pid_file = self.dir / "pulse" / "pid"
            if pid_file.is_file() and (self.dir / "pulse" / "native").exists():
                self.pid = int(pid_file.read_text().split()[0])
                return
            time.sleep(0.025)
        pytest.skip("pulseaudio did not start")

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            for _ in range(200):
                os.kill(self.pid, 0)
                time.sleep(0.01)
        except ProcessLookupError:
            pass
        (self.dir / "pulse" / "native").unlink(missing_ok=True)

    def play_into_mic(self, wav: Path) -> None:
        subprocess.run(["paplay", "-d", "micfeed", str(wav)], env=self.env, timeout=60, check=True)

    def record_speaker(self, path: Path) -> subprocess.Popen:
        proc = subprocess.Popen(["parecord", "-d", "spk.monitor", "--rate=16000", "--channels=1",
                                 "--format=s16le", "--file-format=wav", str(path)], env=self.env)
        time.sleep(0.2)
        return proc


def stop_recording(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=10)


# -- the daemon process ----------------------------------------------------------------------
class DaemonProcess:
    def __init__(self, tmp: Path, pulse: Pulse, catalog: Path, extra_env: dict[str, str] | None = None) -> None:
        self.tmp, self.pulse = tmp, pulse
        self.socket = tmp / "run" / "control.sock"
        self.log_path = tmp / "daemon.log"
        self.systemd = NotifyListener(tmp / "notify.sock")
        (tmp / "config" / "voicerec").mkdir(parents=True)
        env = {
            **pulse.env, "XDG_CONFIG_HOME": str(tmp / "config"), "VOICEREC_STATE_DIR": str(tmp / "state"),
            "VOICEREC_CATALOG_PATH": str(catalog), "VOICEREC_PTT__SOCKET_PATH": str(self.socket),
            "VOICEREC_AUDIO__INPUT_DEVICE": "pulse", "VOICEREC_AUDIO__OUTPUT_DEVICE": "pulse",
            **self.systemd.env(),
        }
        env.pop("WATCHDOG_PID", None)
        env.update(extra_env or {})
        self.proc = subprocess.Popen([sys.executable, "-m", "voicerec.cli", "run"], env=env, cwd=tmp,
                                     stdout=subprocess.DEVNULL, stderr=self.log_path.open("w"))

    @property
    def notes(self) -> list[str]:
        return self.systemd.notes

    def status(self) -> dict:
        return json.loads(send_command(self.socket, "status"))

    def cmd(self, action: str) -> str:
        return send_command(self.socket, action)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait(self, check, timeout: float = 90, what: str = "") -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"the daemon exited ({self.proc.returncode}):\n{self.log()[-3000:]}")
            try:
                st = self.status()
                if check(st):
                    return st
            except VoicerecError:
                pass
            time.sleep(0.1)
        pytest.fail(f"timed out waiting for {what}; log:\n{self.log()[-3000:]}")

    def idle(self, timeout: float = 90) -> dict:
        return self.wait(lambda s: s["state"] == "idle" and not s["busy"], timeout, "idle")

    def request_line(self, n: int) -> str:
        m = re.search(rf"request {n}: .*", self.log())
        assert m, f"no log line for request {n}:\n{self.log()[-3000:]}"
        return m.group(0)

    def ask(self, wav: Path, release: bool = True) -> int:
        """Hold push-to-talk, speak `wav` into the mic, release; returns the request number."""
        n = self.idle()["requests"] + 1
        assert self.cmd("press") == "ok press"
        self.wait(lambda s: s["state"] == "listening", 10, "listening")
        self.pulse.play_into_mic(wav)
        time.sleep(0.3)
        if release:
            self.cmd("release")
        return n

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.systemd.close()


def last_titles(state: Path) -> list[str]:
    """The titles of the latest answer, from the daemon's history (the log names none at INFO)."""
    con = sqlite3.connect(f"file:{state / 'history.db'}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT results FROM history ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        con.close()
    return json.loads(row[0]) if row else []


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    """Requests synthesised with the bundled Piper voice, plus silence and noise."""
    from voicerec.speech.tts import Speaker

    folder = tmp_path_factory.mktemp("speech")
    seed_onnx("test_daemon.speech")  # the same take whichever test asks first
    speaker = Speaker()
    out = {}
    for name, text in {"horror": "A horror movie on Hulu.", "more": "Tell me more about the second one.",
                       "comedy": "A light comedy from the two thousands."}.items():
        out[name] = folder / f"{name}.wav"
        speaker.to_wav(text, out[name])
    for name, audio in {"silence": np.zeros(16000, np.int16),
                        "noise": (np.random.default_rng(1).normal(0, 2000, 24000)).astype(np.int16)}.items():
        out[name] = folder / f"{name}.wav"
        with wave.open(str(out[name]), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes(audio.tobytes())
    return out


@pytest.fixture(scope="module")
def pulse_server():
    server = Pulse()
    yield server
    server.kill()
    shutil.rmtree(server.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def catalog(request) -> Path:
    """The shared catalog.db fixture, or VOICEREC_TEST_CATALOG (a ready copy, for quick reruns)."""
    env = os.environ.get("VOICEREC_TEST_CATALOG")
    return Path(env) if env else request.getfixturevalue("catalog_path")


@pytest.fixture(scope="module")
def daemon(tmp_path_factory, pulse_server, catalog):
    d = DaemonProcess(tmp_path_factory.mktemp("daemon"), pulse_server, catalog)
    d.idle(timeout=180)
    yield d
    d.close()


def horror_on_hulu(catalog: Path) -> set[str]:
    con = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)
    rows = con.execute("SELECT title FROM titles WHERE genres LIKE '%\"horror\"%' AND services LIKE '%\"hulu\"%'")
    return {r[0] for r in rows}


# -- the tests, in order -------------------------------------------------------------------------
def test_ready_socket_and_watchdog(daemon):
    st = daemon.status()
    assert st["mic"] == "open" and st["output"] == "ok"
    assert oct(daemon.socket.stat().st_mode & 0o777) == "0o600"
    daemon.wait(lambda s: "WATCHDOG=1" in daemon.notes, 10, "a watchdog ping")
    assert "READY=1" in daemon.notes


def test_spoken_request_gets_a_fitting_spoken_answer(daemon, speech, whisper, catalog, tmp_path):
    rec = daemon.pulse.record_speaker(tmp_path / "reply.wav")
    n = daemon.ask(speech["horror"])
    daemon.wait(lambda s: s["requests"] >= n and not s["busy"], 120, "the reply")
    stop_recording(rec)
    line = daemon.request_line(n)
    assert "answered" in line and "end=release" in line and "first_audio=" in line
    assert re.search(r"hear=(reused|tail|whole)/\d+ ", line) and "cpu=" in line  # heard while held
    titles = last_titles(daemon.tmp / "state")
    assert re.search(rf"results={len(titles)}\b", line)
    assert not any(t in daemon.log() for t in titles), "suggested titles stay out of the journal at INFO"
    fitting = horror_on_hulu(catalog)
    assert titles and all(t in fitting for t in titles), (titles, line)
    audio, rate = read_wav(tmp_path / "reply.wav")
    assert voiced_span(audio, rate)[1] > 2.0  # several seconds of reply were heard
    segments, _ = whisper.transcribe(audio.astype(np.float32) / 32768, beam_size=1, language="en")
    heard = norm(" ".join(s.text for s in segments))
    assert "horror" in heard
    assert any(norm(t) in heard for t in titles), (heard, titles)
    assert "heard:" not in daemon.log()  # transcripts only at debug level


def test_follow_up_by_voice_carries_the_conversation(daemon, speech):
    first = last_titles(daemon.tmp / "state")
    n = daemon.ask(speech["more"])
    daemon.wait(lambda s: s["requests"] >= n and not s["busy"], 120, "the reply")
    assert "answered" in daemon.request_line(n)
    assert last_titles(daemon.tmp / "state") == [first[1]]


@pytest.mark.parametrize("kind", ["silence", "noise"])
def test_nothing_said_gets_a_short_apology_and_the_daemon_carries_on(daemon, speech, kind):
    n = daemon.ask(speech[kind])
    st = daemon.wait(lambda s: s["requests"] >= n and not s["busy"], 60, "the apology")
    assert "not understood" in daemon.request_line(n)
    assert st["state"] == "idle"


def test_barge_in_stops_speech_and_listens(daemon, speech):
    n = daemon.ask(speech["comedy"])
    daemon.wait(lambda s: s["state"] == "speaking", 60, "speaking")
    time.sleep(0.5)
    t0 = time.monotonic()
    daemon.cmd("press")
    daemon.wait(lambda s: s["state"] == "listening", 5, "listening after barge-in")
    assert time.monotonic() - t0 < 2.0
    daemon.cmd("release")
    daemon.wait(lambda s: s["requests"] >= n + 1 and not s["busy"], 60, "the next request")
    assert "interrupted" in daemon.request_line(n)
    assert "barge-in from socket while speaking" in daemon.log()


def test_barge_in_hears_the_request_not_the_reply(daemon, speech, catalog):
    """As in a room, the microphone hears the speakers (a PulseAudio loopback from the speaker's
    monitor into the microphone): a press while the reply plays, then a request. The recording of
    the request (kept with keep_audio) starts after the reply stopped: the pre-roll, which held the
    reply's own voice, is dropped, and so is what the speakers still played after the press; and
    the request is answered."""
    env = daemon.pulse.env
    config = daemon.tmp / "config" / "voicerec" / "config.toml"
    reloads = daemon.status()["reloads"]
    config.write_text("keep_audio = true\n[audio]\nearcon = false\n")  # no beep at the press, in the recording
    daemon.proc.send_signal(signal.SIGHUP)
    daemon.wait(lambda s: s["reloads"] == reloads + 1, 60, "the reload")
    module = subprocess.run(["pactl", "load-module", "module-loopback", "source=spk.monitor", "sink=micfeed",
                             "latency_msec=20"], env=env, capture_output=True, text=True, timeout=30)
    if module.returncode != 0:
        pytest.skip(f"no PulseAudio loopback: {module.stderr.strip()}")
    try:
        n = daemon.ask(speech["comedy"])
        daemon.wait(lambda s: s["state"] == "speaking", 60, "speaking")
        time.sleep(1.0)  # the reply fills the microphone's pre-roll
        daemon.cmd("press")
        daemon.wait(lambda s: s["state"] == "listening", 5, "listening after barge-in")
        daemon.pulse.play_into_mic(speech["horror"])
        time.sleep(0.3)
        daemon.cmd("release")
        daemon.wait(lambda s: s["requests"] >= n + 1 and not s["busy"], 90, "the answer to the barge-in")
    finally:
        subprocess.run(["pactl", "unload-module", module.stdout.strip()], env=env, timeout=30)
        config.write_text("")
        daemon.proc.send_signal(signal.SIGHUP)
        daemon.wait(lambda s: s["reloads"] == reloads + 2, 60, "the reload back")
    assert "answered" in daemon.request_line(n + 1)
    kept = sorted((daemon.tmp / "state" / "audio").glob(f"*-{n + 1}.wav"))
    assert kept, "the barge-in's recording was not kept"
    extra = _sounding(*read_wav(kept[-1])) - _sounding(*read_wav(speech["horror"]))
    # with the pre-roll kept (before issue 24) the reply added 0.22 s of sound here; now ~0
    assert extra < 0.1, f"{extra:.2f} s of sound in the recording beside the request: the reply's own voice"
    titles = last_titles(daemon.tmp / "state")
    assert titles and all(t in horror_on_hulu(catalog) for t in titles), (titles, daemon.request_line(n + 1))


def _sounding(audio: np.ndarray, rate: int) -> float:
    """Seconds of the recording louder than 2% of full scale (10 ms frames)."""
    frame = rate // 100
    n = len(audio) // frame
    rms = np.sqrt((audio[: n * frame].astype(np.float64).reshape(n, frame) ** 2).mean(axis=1)) / 32768
    return float((rms > 0.02).sum()) * frame / rate


def test_a_press_right_after_the_release_cancels_the_request(daemon, speech):
    """Pressed again at once: the request still being heard (or answered) is dropped cleanly and
    the daemon listens to the new one."""
    n = daemon.ask(speech["comedy"], release=False)
    daemon.cmd("release")
    daemon.cmd("press")
    daemon.wait(lambda s: s["state"] == "listening", 10, "listening again")
    daemon.cmd("release")
    daemon.wait(lambda s: s["requests"] >= n + 1 and not s["busy"], 60, "the next request")
    assert "interrupted" in daemon.request_line(n)
    assert "Traceback" not in daemon.log()


def test_sighup_reloads_settings_and_silence_ends_the_utterance(daemon, speech):
    config = daemon.tmp / "config" / "voicerec" / "config.toml"
    config.write_text("[audio]\nend_on_silence = true\nsilence_ms = 700\n")
    reloads = daemon.idle()["reloads"]
    daemon.proc.send_signal(signal.SIGHUP)
    daemon.wait(lambda s: s["reloads"] == reloads + 1 and s["end_on_silence"], 60, "the reload")
    n = daemon.ask(speech["horror"], release=False)  # no release: the silence after it ends it
    daemon.wait(lambda s: s["requests"] >= n and not s["busy"], 60, "the reply")
    line = daemon.request_line(n)
    assert "end=silence" in line and "answered" in line
    config.write_text("")


def test_mic_failure_mid_run_is_recovered(daemon, speech):
    daemon.idle()
    before = daemon.status()["mic_failures"]
    daemon.pulse.kill()  # the sound server (and with it the mic) goes away
    st = daemon.wait(lambda s: s["mic_failures"] > before, 20, "the mic loss to be noticed")
    assert st["state"] == "idle"
    time.sleep(1.5)
    daemon.pulse.start()
    daemon.wait(lambda s: s["mic"] == "open", 40, "the mic to come back")
    log = daemon.log()
    assert log.count("microphone lost") == 1 and "microphone back after" in log
    assert "Traceback" not in log
    n = daemon.ask(speech["horror"])
    daemon.wait(lambda s: s["requests"] >= n and not s["busy"], 120, "the reply")
    assert "answered" in daemon.request_line(n)


def test_sigterm_while_speaking_stops_cleanly(daemon, speech):
    daemon.ask(speech["comedy"])
    daemon.wait(lambda s: s["state"] == "speaking", 60, "speaking")
    t0 = time.monotonic()
    daemon.proc.send_signal(signal.SIGTERM)
    assert daemon.proc.wait(timeout=10) == 0
    assert time.monotonic() - t0 < 5.0
    assert not daemon.socket.exists()
    time.sleep(0.3)
    assert "STOPPING=1" in daemon.notes
    log = daemon.log()
    assert "stopped after" in log and "Traceback" not in log


# -- the GPIO path, in-process (gpiozero's mock pins drive the real Daemon) ----------------------
def test_gpio_button_drives_a_request(tmp_path, catalog, speech, caplog):
    """Runs after the subprocess tests (the module's server is up again); models load in-process."""
    import logging

    from gpiozero.pins.mock import MockFactory

    from voicerec.config import AudioSettings, PTTSettings, Settings
    from voicerec.daemon.run import Daemon

    server = Pulse()
    saved = {k: os.environ.get(k) for k in ("XDG_RUNTIME_DIR", "PULSE_SERVER", "PULSE_CLIENTCONFIG")}
    os.environ.update(_client_env(server.dir))
    if "sounddevice" in sys.modules:  # PortAudio lists devices once: list this server's
        sys.modules["sounddevice"]._terminate()
        sys.modules["sounddevice"]._initialize()
    factory = MockFactory()
    settings = Settings(catalog_path=catalog, state_dir=tmp_path / "state",
                        audio=AudioSettings(input_device="pulse", output_device="pulse", earcon=False),
                        ptt=PTTSettings(gpio_pin=17, gpio_bounce_ms=0, socket_path=tmp_path / "c.sock"))
    daemon = Daemon(settings, pin_factory=factory)
    caplog.set_level(logging.INFO, logger="voicerec.daemon")
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 180
        while daemon.state != "idle" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert daemon.state == "idle" and daemon.mic is not None and daemon.mic.available
        pin = factory.pin(17)
        pin.drive_low()  # pressed: GPIO 17 to GND
        time.sleep(0.3)
        assert daemon.state == "listening"
        server.play_into_mic(speech["horror"])
        time.sleep(0.3)
        pin.drive_high()  # released
        deadline = time.monotonic() + 120
        while (daemon._count < 1 or daemon._current is not None) and time.monotonic() < deadline:
            time.sleep(0.1)
        line = next(r.getMessage() for r in caplog.records if r.getMessage().startswith("request 1:"))
        assert "answered" in line and "end=release" in line and last_titles(tmp_path / "state")
    finally:
        daemon.stop()
        thread.join(timeout=15)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        server.kill()
        shutil.rmtree(server.dir, ignore_errors=True)
    assert not thread.is_alive()
