"""Playback through a real PortAudio device: a private PulseAudio null sink, recorded at its monitor."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from pulse import PulseServer, read_wav, voiced_span
from test_tts import REPLY, transcribe

from voicerec.config import AudioSettings
from voicerec.errors import DeviceError
from voicerec.speech.playback import Player, earcon, list_devices, resample
from voicerec.speech.tts import Speaker

ROOT = Path(__file__).resolve().parent.parent

LONG_REPLY = REPLY + (
    " Third, Anchorman, a 94-minute comedy from 2004, on Paramount Plus. "
    "All three are light, funny and easy to watch tonight. Want something shorter, or something older?"
)


@pytest.fixture(scope="module")
def player(pulse: PulseServer):
    with Player(AudioSettings()).open(22050) as p:
        yield p


def test_devices_include_the_pulse_output(pulse: PulseServer) -> None:
    devices = list_devices()
    outputs = [d for d in devices if d["outputs"] > 0]
    assert outputs, devices
    assert any(d["default_output"] for d in outputs)
    assert {"pulse", "default"} & {d["name"] for d in devices}


def test_spoken_reply_is_heard_on_the_device(pulse: PulseServer, player: Player, fresh_speaker: Speaker,
                                             whisper, tmp_path: Path) -> None:
    rec = pulse.record_speaker(tmp_path / "heard.wav")
    finished = fresh_speaker.say("Here is one comedy. First, Mean Girls, a 97-minute comedy from 2004, on Netflix.", player)
    audio, rate = read_wav(rec.stop(tail_s=0.2))
    assert finished
    start, end = voiced_span(audio, rate)
    assert end - start > 3.0
    heard = transcribe(whisper, audio, rate)
    assert "mean girls" in heard and "netflix" in heard


def test_barge_in_stops_mid_reply(pulse: PulseServer, player: Player, speaker: Speaker, tmp_path: Path) -> None:
    full_s = len(speaker.synthesize(LONG_REPLY)) / speaker.sample_rate
    rec = pulse.record_speaker(tmp_path / "barge.wav")
    result: dict[str, object] = {}

    def speak() -> None:
        result["finished"] = speaker.say(LONG_REPLY, player)
        result["returned_at"] = time.perf_counter()

    thread = threading.Thread(target=speak)
    thread.start()
    deadline = time.perf_counter() + 60
    while player.first_sound_at is None and time.perf_counter() < deadline:
        time.sleep(0.01)
    assert player.first_sound_at is not None, "nothing was played"
    time.sleep(1.5)  # the voice is now in its first or second sentence
    stopped_at = time.perf_counter()
    player.stop()
    thread.join(timeout=30)
    audio, rate = read_wav(rec.stop(tail_s=0.5))

    assert result["finished"] is False
    returned_ms = (result["returned_at"] - stopped_at) * 1000  # type: ignore[operator]
    assert player.last_stop_latency_ms is not None
    assert player.last_stop_latency_ms < 150, f"play() noticed the stop after {player.last_stop_latency_ms:.0f} ms"
    assert returned_ms < 300, f"the speaking thread got control back {returned_ms:.0f} ms after the stop"
    start, end = voiced_span(audio, rate)
    heard_s = end - start
    played_s = stopped_at - player.first_sound_at
    assert 0.5 < heard_s < played_s + 0.3, f"heard {heard_s:.2f} s of a {full_s:.1f} s reply, stopped after {played_s:.2f} s"
    assert full_s > heard_s + 8


def test_player_is_reusable_after_a_stop(pulse: PulseServer, player: Player, tmp_path: Path) -> None:
    player.stop()  # a stop while idle does not swallow the next reply
    tone = (np.sin(2 * np.pi * 440 * np.arange(11025) / 22050) * 12000).astype(np.int16)
    rec = pulse.record_speaker(tmp_path / "tone.wav")
    started = time.perf_counter()
    assert player.play([tone, tone], 22050)
    took = time.perf_counter() - started
    audio, rate = read_wav(rec.stop(tail_s=0.2))
    start, end = voiced_span(audio, rate)
    assert 0.95 < end - start < 1.3  # all of it (a late callback on a busy machine may add a gap)
    assert 0.95 < took < 2.0  # play() blocks until the audio was heard, not much longer


def test_a_cold_player_plays_everything(pulse: PulseServer, tmp_path: Path) -> None:
    """play() on a stream not yet started: audio waits out the device's start-up, none is lost."""
    tone = (np.sin(2 * np.pi * 440 * np.arange(16000) / 16000) * 12000).astype(np.int16)
    rec = pulse.record_speaker(tmp_path / "cold.wav")
    with Player(AudioSettings()) as cold:
        assert cold.play([tone[:8000], tone[8000:]], 16000)  # 1 s at 16 kHz, resampled if needed
        assert cold.open_ms is not None
    audio, rate = read_wav(rec.stop(tail_s=0.2))
    start, end = voiced_span(audio, rate)
    assert 0.95 < end - start < 1.3


def test_earcon_is_a_short_beep(pulse: PulseServer, player: Player, tmp_path: Path) -> None:
    rec = pulse.record_speaker(tmp_path / "beep.wav")
    assert player.play_earcon()
    audio, rate = read_wav(rec.stop(tail_s=0.2))
    start, end = voiced_span(audio, rate)
    assert 0.05 < end - start < 0.12
    spectrum = np.abs(np.fft.rfft(audio[int(start * rate):int(end * rate)].astype(float)))
    assert np.fft.rfftfreq(int(end * rate) - int(start * rate), 1 / rate)[spectrum.argmax()] == pytest.approx(880, abs=25)


def test_a_device_name_that_matches_nothing_is_a_device_error(pulse: PulseServer) -> None:
    with pytest.raises(DeviceError, match="no output device matches 'no-such-speaker'"):
        Player(AudioSettings(output_device="no-such-speaker")).open()


def test_no_sound_server_is_a_device_error() -> None:
    """A machine without any output device (here: no reachable sound server) fails with one line."""
    code = (
        "from voicerec.errors import DeviceError\n"
        "from voicerec.speech.playback import Player\n"
        "try:\n    Player().open()\nexcept DeviceError as e:\n    print('DeviceError:', e.message)\n"
    )
    with tempfile.TemporaryDirectory() as empty:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
        env.update(XDG_RUNTIME_DIR=empty, PULSE_SERVER=f"unix:{empty}/nothing", PULSE_CLIENTCONFIG=f"{empty}/c.conf")
        Path(env["PULSE_CLIENTCONFIG"]).write_text("autospawn = no\n")
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "DeviceError: no audio output device found" in out.stdout


def test_device_gone_mid_reply_is_a_device_error(pulse: PulseServer) -> None:
    """The sound server dies while a reply waits: play() fails with one line instead of hanging."""
    code = (
        "import os, signal, sys, time\n"
        "sys.path.insert(0, 'tests')\n"
        "import numpy as np, pulse\n"
        "server = pulse.start()\n"
        "from voicerec.errors import DeviceError\n"
        "from voicerec.speech.playback import Player\n"
        "player = Player().open(22050)\n"
        "assert player.play([np.zeros(2205, np.int16)], 22050)\n"
        "os.kill(server.pid, signal.SIGKILL)\n"
        "time.sleep(0.3)\n"
        "try:\n    player.play([np.full(66150, 3000, np.int16)], 22050)\n"
        "except DeviceError as e:\n    print('DeviceError:', e.message)\n"
        "pulse.stop()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "DeviceError: audio output stopped responding" in out.stdout, out.stderr[-2000:]


def test_resample_keeps_pitch_and_duration() -> None:
    tone = (np.sin(2 * np.pi * 1000 * np.arange(22050) / 22050) * 10000).astype(np.int16)
    out = resample(tone, 22050, 48000)
    assert out.dtype == np.int16 and abs(len(out) - 48000) <= 1
    peak = np.fft.rfftfreq(len(out), 1 / 48000)[np.abs(np.fft.rfft(out.astype(float))).argmax()]
    assert peak == pytest.approx(1000, abs=2)


def test_earcon_shape() -> None:
    beep = earcon(22050)
    assert beep.dtype == np.int16 and len(beep) == int(22050 * 0.08)
    assert abs(int(beep[0])) < 200 and abs(int(beep[-1])) < 200  # faded, no click
