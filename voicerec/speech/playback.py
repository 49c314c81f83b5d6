"""Audio out through sounddevice (PortAudio): one stream kept running, stoppable from any thread.

The output stream is opened and started once and then runs for the Player's life, its callback
taking audio from a queue and playing silence when there is none. Starting a stream through
PulseAudio stalls ~1.5-2 s before the first sample is heard (every start, not only the first), so
a stream started per reply would make every answer late; a running one plays a new chunk within
one callback block (20 ms).

`Player.play(chunks, sample_rate)` queues int16 mono chunks while a feeder thread pulls the next
ones (e.g. Piper synthesising the next sentence), so sentences follow without gaps, and blocks
until they have been heard. `Player.stop()` from any thread (barge-in) empties the queue at once:
the sound ends within one block plus the device latency, and `play` returns False.

sounddevice is imported lazily: PortAudio reads the device list once, at import, so whoever sets
up the audio environment (XDG_RUNTIME_DIR, PULSE_SERVER) must do it before the first Player.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from voicerec.checks import Check
from voicerec.config import AudioSettings
from voicerec.errors import DeviceError

log = logging.getLogger(__name__)

def _sd() -> Any:
    try:
        import sounddevice
    except OSError as e:  # libportaudio2 missing
        raise DeviceError(f"PortAudio is not available ({e}); install libportaudio2") from None
    return sounddevice


def list_devices() -> list[dict[str, Any]]:
    """Every audio device PortAudio sees, for `voicerec devices`."""
    sd = _sd()
    try:
        default_in, default_out = sd.default.device
    except Exception:  # noqa: BLE001 - no default is fine here
        default_in, default_out = -1, -1
    devices = []
    for index, dev in enumerate(sd.query_devices()):
        devices.append({
            "index": index,
            "name": dev["name"],
            "inputs": dev["max_input_channels"],
            "outputs": dev["max_output_channels"],
            "sample_rate": int(dev["default_samplerate"]),
            "default_input": index == default_in,
            "default_output": index == default_out,
        })
    return devices


def earcon(sample_rate: int, freq: float = 880.0, ms: int = 80, volume: float = 0.3) -> np.ndarray:
    """A short sine beep with 10 ms fades, int16 mono: the "I'm listening" sound."""
    n = int(sample_rate * ms / 1000)
    t = np.arange(n) / sample_rate
    tone = np.sin(2 * np.pi * freq * t) * volume
    fade = min(n // 2, int(sample_rate * 0.01))
    if fade:
        ramp = np.linspace(0.0, 1.0, fade)
        tone[:fade] *= ramp
        tone[-fade:] *= ramp[::-1]
    return (tone * 32767).astype(np.int16)


def resample(audio: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray:
    """int16 mono from src_rate to dst_rate (polyphase when scipy is there, else linear)."""
    if src_rate == dst_rate or len(audio) == 0:
        return audio
    try:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(src_rate, dst_rate)
        out = resample_poly(audio.astype(np.float32), dst_rate // g, src_rate // g)
    except ImportError:
        n_out = int(round(len(audio) * dst_rate / src_rate))
        out = np.interp(np.linspace(0, len(audio) - 1, n_out), np.arange(len(audio)), audio)
    return np.clip(out, -32768, 32767).astype(np.int16)


def _as_device(value: str | int | None) -> str | int | None:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value or None


class Player:
    """Plays int16 mono audio on one output device; `stop()` interrupts from any thread."""

    def __init__(self, settings: AudioSettings | None = None, block_ms: int = 20) -> None:
        self.settings = settings or AudioSettings()
        self.block_ms = block_ms
        self._play_lock = threading.Lock()  # one play() at a time
        self._buf_lock = threading.Lock()  # guards the queue shared with the audio callback
        self._queue: deque[np.ndarray] = deque()
        self._queued = 0  # frames waiting in _queue
        self._drained = threading.Event()
        self._stop = threading.Event()
        self._stream: Any = None
        self._rate = 0
        self._channels = 1
        self._stop_requested_at = 0.0
        self._frames_out = 0  # frames the device has asked for since the stream started
        self._warming = False  # the stream runs but the device has not really started yet
        self._opened_at = 0.0
        self.last_stop_latency_ms: float | None = None
        self.open_ms: float | None = None
        self.first_sound_at: float | None = None  # perf_counter() when play()'s first frame went out

    # -- device --------------------------------------------------------------------------
    def _resolve_device(self) -> int:
        sd = _sd()
        wanted = _as_device(self.settings.output_device)
        try:
            info = sd.query_devices(wanted, kind="output") if wanted is not None else sd.query_devices(kind="output")
        except ValueError as e:
            raise DeviceError(f"no output device matches {wanted!r} ({e}); see `voicerec devices`") from None
        except sd.PortAudioError:
            raise DeviceError("no audio output device found (no sound card or sound server)") from None
        if info["max_output_channels"] < 1:
            raise DeviceError(f"audio device {info['name']!r} has no outputs; see `voicerec devices`")
        return int(info["index"])

    @staticmethod
    def _pick_format(sd: Any, device: int, sample_rate: int) -> tuple[int, int]:
        native = int(sd.query_devices(device)["default_samplerate"])
        found = usable_format(sd, sd.check_output_settings, device, (sample_rate, native, 48000, 44100), "int16")
        if found is None:
            raise DeviceError(f"audio output device {device} accepts no usable format")
        return found

    def open(self, sample_rate: int = 22050) -> Player:
        """Open and start the output stream (once) and wait until the device really plays; later
        audio at other rates is resampled to it. The daemon calls this at start, so the device's
        start-up delay is paid before any reply; play() opens it too, if needed."""
        if self._stream is None:
            self._start_stream(sample_rate)
        if self._warming:
            self._warm_up()
        return self

    def _start_stream(self, sample_rate: int) -> None:
        self._opened_at = time.perf_counter()
        sd = _sd()
        device = self._resolve_device()
        rate, channels = self._pick_format(sd, device, sample_rate)
        self._rate, self._channels, self._warming = rate, channels, True
        try:
            stream = sd.OutputStream(
                device=device, samplerate=rate, channels=channels, dtype="int16",
                blocksize=max(1, rate * self.block_ms // 1000), latency="high", callback=self._callback,
            )
            stream.start()
        except sd.PortAudioError as e:
            raise DeviceError(f"cannot open audio output: {e}") from None
        self._stream = stream
        log.debug("output stream: device %s, %d Hz, %d ch, latency %.0f ms", device, rate, channels,
                  stream.latency * 1000)

    def _warm_up(self, run_s: float = 0.2, timeout_s: float = 4.0) -> None:
        """Wait until the device consumes audio in real time. A fresh PulseAudio stream takes the
        first blocks at once, then stalls (~1.7 s on a null sink) before it really starts; audio
        queued during the stall would be late or lost, so the callback plays silence until then
        (queued audio waits), and this waits it out, once per stream."""
        deadline = time.perf_counter() + timeout_s
        time.sleep(self.block_ms / 1000)
        first = self._frames_out
        while time.perf_counter() < deadline:
            gained = self._frames_out - first
            if gained >= self._rate * run_s:
                break
            if gained == 0:
                first = self._frames_out  # still filling the initial buffer or stalled
            time.sleep(self.block_ms / 2000)
        else:
            log.warning("audio output did not start within %.1f s", timeout_s)
        self._warming = False
        self.open_ms = (time.perf_counter() - self._opened_at) * 1000

    @property
    def sample_rate(self) -> int:
        """The rate the device runs at (0 before open)."""
        return self._rate

    @property
    def latency_s(self) -> float:
        return float(self._stream.latency) if self._stream is not None else 0.0

    def close(self) -> None:
        self.stop()
        if self._stream is not None:
            try:
                self._stream.abort()
                self._stream.close()
            except Exception:  # noqa: BLE001 - closing a dead device must not raise
                log.debug("closing output stream failed", exc_info=True)
            self._stream = None

    def __enter__(self) -> Player:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the audio thread ----------------------------------------------------------------
    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        filled = 0
        self._frames_out += frames
        if self._warming:
            outdata.fill(0)
            return
        with self._buf_lock:
            while filled < frames and self._queue:
                head = self._queue[0]
                take = min(frames - filled, len(head))
                outdata[filled:filled + take] = head[:take]
                filled += take
                if take == len(head):
                    self._queue.popleft()
                else:
                    self._queue[0] = head[take:]
            self._queued -= filled
            if filled and self.first_sound_at is None:
                self.first_sound_at = time.perf_counter()
            if not self._queue:
                self._drained.set()
        if filled < frames:
            outdata[filled:] = 0

    def _enqueue(self, audio: np.ndarray, generation: int) -> bool:
        with self._buf_lock:
            if self._stop.is_set() or generation != self._generation:
                return False
            self._queue.append(audio)
            self._queued += len(audio)
            self._drained.clear()
            return True

    def _clear(self) -> None:
        with self._buf_lock:
            self._queue.clear()
            self._queued = 0
            self._drained.set()

    # -- playing -------------------------------------------------------------------------
    _generation = 0
    STALL_S = 3.0  # no frame taken by the device for this long while audio waits: the device is gone

    @property
    def playing(self) -> bool:
        return self._play_lock.locked()

    def stop(self) -> None:
        """Interrupt the current play() (barge-in): silence within one block. Safe from any thread."""
        self._stop_requested_at = time.perf_counter()
        self._stop.set()
        self._clear()

    def play(self, chunks: Iterable[np.ndarray], sample_rate: int) -> bool:
        """Play int16 mono chunks; block until heard. True if played to the end, False if stopped."""
        with self._play_lock:
            if self._stream is None:
                self._start_stream(sample_rate)
            self._stop.clear()
            self._generation += 1
            self.last_stop_latency_ms = None
            self.first_sound_at = None
            done = threading.Event()
            errors: list[BaseException] = []
            feeder = threading.Thread(
                target=self._feed, args=(iter(chunks), sample_rate, self._generation, done, errors),
                name="voicerec-playback-feeder",
            )
            feeder.start()  # synthesis of the first sentence overlaps the device's start-up
            if self._warming:
                self._warm_up()
            finished = self._wait(done)
            if not finished:
                self.last_stop_latency_ms = (time.perf_counter() - self._stop_requested_at) * 1000
            elif errors:
                raise errors[0]
            return finished

    def play_earcon(self, freq: float = 880.0, ms: int = 80) -> bool:
        """The short "listening" beep."""
        rate = self._rate or 22050
        return self.play([earcon(rate, freq, ms)], rate)

    def _wait(self, done: threading.Event) -> bool:
        tick = 0.005
        while not done.is_set():  # the feeder is still producing
            if self._stop.wait(tick):
                return False
        last_frames, last_progress = self._frames_out, time.perf_counter()
        while not self._drained.wait(tick):  # the queue is still playing
            if self._stop.is_set():
                return False
            if self._frames_out != last_frames:
                last_frames, last_progress = self._frames_out, time.perf_counter()
            elif time.perf_counter() - last_progress > self.STALL_S:
                self._clear()
                raise DeviceError("audio output stopped responding (device gone or sound server restarted)")
        if self._stop.is_set():
            return False
        # the last block is in the device buffer now; wait until it has been heard
        deadline = time.perf_counter() + self.latency_s + self.block_ms / 1000
        while time.perf_counter() < deadline:
            if self._stop.wait(tick):
                return False
        return True

    def _feed(self, chunks: Iterator[np.ndarray], rate: int, generation: int,
              done: threading.Event, errors: list[BaseException]) -> None:
        try:
            for chunk in chunks:
                if not self._enqueue(self._prepare(chunk, rate), generation):
                    return
        except BaseException as e:  # noqa: BLE001 - re-raised by play() in the caller's thread
            errors.append(e)
        finally:
            done.set()

    def _prepare(self, chunk: np.ndarray, rate: int) -> np.ndarray:
        audio = np.asarray(chunk).reshape(-1)
        if audio.dtype != np.int16:
            audio = (np.clip(audio.astype(np.float32), -1.0, 1.0) * 32767).astype(np.int16)
        audio = resample(audio, rate, self._rate)
        if self._channels > 1:
            return np.ascontiguousarray(np.repeat(audio[:, None], self._channels, axis=1))
        return audio.reshape(-1, 1)


def usable_format(sd: Any, check: Any, device: int, rates: tuple[int, ...], dtype: str) -> tuple[int, int] | None:
    """The first (rate, channels) a device accepts, mono before stereo, in the order of `rates`;
    `check` is sounddevice's check_input_settings or check_output_settings."""
    for rate in rates:
        for channels in (1, 2):
            try:
                check(device=device, samplerate=rate, channels=channels, dtype=dtype)
            except (sd.PortAudioError, ValueError):
                continue
            return rate, channels
    return None


def check_speaker(settings: AudioSettings) -> Check:
    """`voicerec doctor`: the output device, and a chime played on it (two rising tones)."""
    player = Player(settings)
    try:
        sd = _sd()
        name = str(sd.query_devices(player._resolve_device())["name"])
        player.open(22050)
        rate = player.sample_rate
        chime = [earcon(rate, 660.0, 120), np.zeros(rate // 20, np.int16), earcon(rate, 880.0, 160)]
        played = player.play(chime, rate)
    except DeviceError as e:
        return Check("speaker", False, f"none usable ({e.message})",
                     "connect speakers or HDMI audio, check `voicerec devices` and [audio] output_device")
    finally:
        player.close()
    if not played:
        return Check("speaker", False, f"{name!r} did not play the chime", "check the volume and the output device")
    return Check("speaker", True, f"{name!r} at {rate} Hz: played a chime (heard it?)")
