"""The microphone: one input stream kept open, a pre-roll ring buffer, utterances cut on demand.

`AudioInput.start()` opens the stream in a supervisor thread and keeps it open: when the device
errors or disappears (a USB mic pulled, the sound server restarted) it logs once, reopens with
backoff, and logs again when the mic is back. `begin()` starts an utterance with the last
`preroll_ms` of audio already in it (so the first syllable is not lost); `end()` returns it as
16 kHz mono float32, resampled when the device runs at another rate. `begin(tap)` also hands
every block of the utterance, pre-roll first, to `tap(block, rate)` as it arrives (the hearing
that decodes while the button is held); the tap runs on the audio thread and must not block. `on_auto_end(reason)` is
called from the audio thread when an utterance should end by itself: `max_length`, `silence`
(VAD, when `end_on_silence`), `no_speech` or `mic_lost`.

sounddevice is imported lazily: PortAudio reads the device list when it is first imported.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from voicerec.checks import Check
from voicerec.config import AudioSettings
from voicerec.errors import DeviceError
from voicerec.speech.decode import resample
from voicerec.speech.playback import usable_format

log = logging.getLogger(__name__)

RATE = 16000
BLOCK_MS = 20
BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
NO_SPEECH_S = 6.0


@dataclass
class Utterance:
    samples: np.ndarray  # float32, 16 kHz mono
    reason: str  # release, silence, max_length, no_speech, mic_lost
    started_at: float  # time.monotonic() of begin()
    ended_at: float

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE


def _sd() -> Any:
    try:
        import sounddevice
    except OSError as e:
        raise DeviceError(f"PortAudio is not available ({e}); install libportaudio2") from None
    return sounddevice


def _as_device(value: str | int | None) -> str | int | None:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value if value not in ("", None) else None


class EnergyVAD:
    """Block-energy speech detector with an adaptive noise floor. Feed 20 ms blocks."""

    def __init__(self, silence_ms: int, block_ms: int = BLOCK_MS) -> None:
        self.block_ms = block_ms
        self.silence_blocks = max(1, silence_ms // block_ms)
        self.noise = 0.003
        self.reset()

    def reset(self) -> None:
        self.speech_ms = 0
        self.silent_run = 0

    @property
    def speech_seen(self) -> bool:
        return self.speech_ms >= 150

    def feed(self, block: np.ndarray) -> bool:
        """True when speech was heard and has now been followed by `silence_ms` of quiet."""
        rms = float(np.sqrt(np.mean(np.square(block)))) if len(block) else 0.0
        if rms > max(0.012, self.noise * 4):
            self.speech_ms += self.block_ms
            self.silent_run = 0
        else:
            self.noise = 0.95 * self.noise + 0.05 * max(rms, 1e-4)
            self.silent_run += 1
        return self.speech_seen and self.silent_run >= self.silence_blocks


class AudioInput:
    """One open input stream; `begin()`/`end()` cut utterances out of it."""

    def __init__(self, settings: AudioSettings, on_auto_end: Callable[[str], None] | None = None,
                 before_rescan: Callable[[], bool] | None = None) -> None:
        self.settings = settings
        self.on_auto_end = on_auto_end or (lambda reason: None)
        self.before_rescan = before_rescan
        self._lock = threading.Lock()
        self._stream: Any = None
        self._rate = RATE
        self._preroll: deque[np.ndarray] = deque()
        self._preroll_len = 0
        self._chunks: list[np.ndarray] | None = None
        self._tap: Callable[[np.ndarray, int], None] | None = None
        self._recorded = 0
        self._skip = 0  # samples still to drop after a barge-in's press
        self._started_at = 0.0
        self._auto_fired = False
        self._vad = EnergyVAD(settings.silence_ms)
        self._closed = threading.Event()
        self._opened = threading.Event()
        self._thread: threading.Thread | None = None
        self._lost = threading.Event()
        self.status = "starting"
        self.device_name = ""
        self.failures = 0  # how many times the stream was lost or could not open

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> AudioInput:
        self._thread = threading.Thread(target=self._supervise, name="mic-supervisor", daemon=True)
        self._thread.start()
        return self

    def wait_open(self, timeout: float) -> bool:
        return self._opened.wait(timeout)

    @property
    def available(self) -> bool:
        return self._opened.is_set()

    def close(self) -> None:
        self._closed.set()
        if self._thread is not None:
            self._thread.join(timeout=3)
        self._close_stream()
        self.status = "closed"

    # -- utterances ------------------------------------------------------------------------
    @property
    def listening(self) -> bool:
        return self._chunks is not None

    def begin(self, tap: Callable[[np.ndarray, int], None] | None = None, *, preroll: bool = True,
              skip_ms: int = 0) -> None:
        """Start an utterance; the pre-roll buffer becomes its beginning. A barge-in (the reply was
        playing at the press) passes `preroll=False`: the pre-roll holds the reply's own voice, not
        the request; `skip_ms` then drops the first milliseconds after the press too (the reply
        still in the air while the speakers stop)."""
        with self._lock:
            self._chunks = list(self._preroll) if preroll else []
            self._recorded = self._preroll_len if preroll else 0
            self._skip = int(skip_ms * self._rate / 1000)
            self._started_at = time.monotonic()
            self._auto_fired = False
            self._vad.reset()
            self._tap = tap
            if tap is not None:
                for block in self._chunks:
                    tap(block, self._rate)

    def end(self, reason: str = "release") -> Utterance:
        """Stop the utterance and return it (16 kHz mono float32; empty if nothing came in)."""
        with self._lock:
            chunks, self._chunks, self._tap = self._chunks or [], None, None
            rate, started = self._rate, self._started_at
        audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
        cap = int(self.settings.max_utterance_s * rate)
        return Utterance(resample(audio[:cap], rate), reason, started, time.monotonic())

    def cancel(self) -> None:
        with self._lock:
            self._chunks, self._tap = None, None

    # -- the audio thread --------------------------------------------------------------------
    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        block = indata.mean(axis=1) if indata.shape[1] > 1 else indata[:, 0].copy()
        fire = None
        with self._lock:
            self._preroll.append(block)
            self._preroll_len += len(block)
            keep = int(self.settings.preroll_ms * self._rate / 1000)
            while self._preroll and self._preroll_len - len(self._preroll[0]) >= keep:
                self._preroll_len -= len(self._preroll.popleft())
            if self._chunks is not None and self._skip > 0:
                self._skip -= len(block)
                if self._skip < 0:  # the part of this block after the skip
                    block, self._skip = block[self._skip:], 0
                else:
                    block = block[:0]
            if self._chunks is not None and not self._auto_fired and len(block):
                self._chunks.append(block)
                self._recorded += len(block)
                if self._tap is not None:
                    self._tap(block, self._rate)
                fire = self._auto_reason(block)
                self._auto_fired = fire is not None
        if fire:
            self.on_auto_end(fire)

    def _auto_reason(self, block: np.ndarray) -> str | None:
        if self._recorded >= self.settings.max_utterance_s * self._rate:
            return "max_length"
        if not self.settings.end_on_silence:
            return None
        if self._vad.feed(block):
            return "silence"
        if not self._vad.speech_seen and time.monotonic() - self._started_at > NO_SPEECH_S:
            return "no_speech"
        return None

    # -- opening and reopening ---------------------------------------------------------------
    def _supervise(self) -> None:
        attempt = 0
        problem = ""
        down_since = 0.0
        while not self._closed.is_set():
            stream = self._stream
            if stream is not None and (self._lost.is_set() or not stream.active):
                self.failures += 1
                self._opened.clear()
                self._close_stream()
                down_since = time.monotonic()
                problem = f"microphone lost ({self.device_name})"
                self.status = "lost; reopening"
                log.warning("%s; reopening it with backoff", problem)
                if self.listening:
                    self.on_auto_end("mic_lost")
            if self._stream is None:
                try:
                    self._open(rescan=attempt > 0 and attempt % 3 == 0)
                except DeviceError as e:
                    if attempt == 0 and not down_since:
                        down_since = time.monotonic()
                    if e.message != problem:
                        problem = e.message
                        log.error("%s; will keep trying", e.message)
                    self.status = f"unavailable: {e.message}"
                    self._closed.wait(BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)])
                    attempt += 1
                    continue
                if down_since:
                    log.warning("microphone back after %.1f s: %s", time.monotonic() - down_since,
                                self.device_name)
                else:
                    log.info("microphone open: %s at %d Hz", self.device_name, self._rate)
                attempt, problem, down_since = 0, "", 0.0
                self.status = "open"
                self._opened.set()
            self._closed.wait(0.2)

    def _open(self, rescan: bool = False) -> None:
        sd = _sd()
        if rescan and (self.before_rescan is None or self.before_rescan()):
            try:  # PortAudio lists devices once; a mic plugged in later needs a fresh list
                sd._terminate()
                sd._initialize()
            except Exception:  # noqa: BLE001
                log.debug("PortAudio rescan failed", exc_info=True)
        wanted = _as_device(self.settings.input_device)
        try:
            info = sd.query_devices(wanted, kind="input") if wanted is not None else sd.query_devices(kind="input")
        except (ValueError, sd.PortAudioError):
            if wanted is None:
                raise DeviceError("no microphone found (no input device; see `voicerec devices`)") from None
            raise DeviceError(f"no microphone matches {wanted!r} (see `voicerec devices`)") from None
        if info["max_input_channels"] < 1:
            raise DeviceError(f"audio device {info['name']!r} has no inputs (see `voicerec devices`)")
        device = int(info["index"])
        rate, channels = self._pick_format(sd, device, info)
        self._lost.clear()
        try:
            stream = sd.InputStream(
                device=device, samplerate=rate, channels=channels, dtype="float32",
                blocksize=int(rate * BLOCK_MS / 1000), callback=self._callback,
                finished_callback=self._lost.set,
            )
            stream.start()
        except sd.PortAudioError as e:
            raise DeviceError(f"cannot open microphone {info['name']!r}: {e}") from None
        with self._lock:
            self._preroll.clear()
            self._preroll_len = 0
            self._rate = rate
        self._stream = stream
        self.device_name = str(info["name"])

    @staticmethod
    def _pick_format(sd: Any, device: int, info: dict[str, Any]) -> tuple[int, int]:
        native = int(info["default_samplerate"])
        found = usable_format(sd, sd.check_input_settings, device, (RATE, native, 48000, 44100), "float32")
        if found is None:
            raise DeviceError(f"microphone {info['name']!r} accepts no usable format")
        return found

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        try:
            stream.abort()
            stream.close()
        except Exception:  # noqa: BLE001 - a dead device may refuse to close
            log.debug("closing the input stream failed", exc_info=True)


# -- `voicerec doctor` ---------------------------------------------------------------------------
QUIET_DBFS = -50.0    # speech peaks below this: too quiet for Whisper
LOUD_FLOOR_DBFS = -40.0  # a room's noise floor above this makes requests hard to hear


def _dbfs(x: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0
    return 20 * float(np.log10(max(rms, 1e-6)))


def check_microphone(settings: AudioSettings, seconds: float = 3.0,
                     meter: Callable[[float], None] | None = None) -> list[Check]:
    """The input device, its level while someone speaks (`meter(dbfs)` every 100 ms, for a live
    meter) and the room's noise floor: the loudest and quietest 100 ms of `seconds` of listening."""
    try:
        sd = _sd()
        wanted = _as_device(settings.input_device)
        info = sd.query_devices(wanted, kind="input") if wanted is not None else sd.query_devices(kind="input")
        if info["max_input_channels"] < 1:
            raise ValueError("no inputs")
    except (DeviceError, ValueError, Exception) as e:  # noqa: BLE001 - PortAudio raises its own kinds
        why = e.message if isinstance(e, DeviceError) else "no input device"
        return [Check("microphone", False, f"none found ({why})",
                      "plug in a microphone (a USB one), check `voicerec devices` and [audio] input_device")]
    name = str(info["name"])
    blocks: list[np.ndarray] = []
    try:
        rate, channels = AudioInput._pick_format(sd, int(info["index"]), info)
        with sd.InputStream(device=int(info["index"]), samplerate=rate, channels=channels, dtype="float32") as stream:
            for _ in range(max(1, int(seconds * 10))):
                block, _ = stream.read(rate // 10)
                mono = block.mean(axis=1)
                blocks.append(mono)
                if meter is not None:
                    meter(_dbfs(mono))
    except (DeviceError, sd.PortAudioError) as e:
        return [Check("microphone", False, f"{name!r} cannot be opened ({getattr(e, 'message', e)})",
                      "check that no other program holds it, and `voicerec devices`")]
    levels = sorted(_dbfs(b) for b in blocks)
    peak = max(float(np.abs(b).max()) for b in blocks)
    loud, floor = levels[-1], levels[0]
    out = [Check("microphone", True, f"{name!r} at {rate} Hz")]
    if loud < QUIET_DBFS or peak == 0.0:
        out.append(Check("level while you speak", False, f"loudest {loud:.0f} dBFS: nothing heard",
                         "speak while the meter runs; raise the capture level (alsamixer, pavucontrol) or move closer"))
    else:
        clipped = " (clipping: lower the capture level)" if peak >= 0.99 else ""
        out.append(Check("level while you speak", True, f"loudest {loud:.0f} dBFS, peak {20 * np.log10(peak):.0f} dBFS{clipped}"))
    noisy = floor > LOUD_FLOOR_DBFS
    out.append(Check("room noise floor", not noisy, f"{floor:.0f} dBFS",
                     "a loud room: turn the TV down while asking, or move the microphone closer"))
    return out
