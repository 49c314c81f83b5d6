"""The daemon's worker thread: one utterance → transcript → answer → speech.

`RequestWorker` is the request half of `Daemon` (voicerec/daemon/run.py), kept apart so the
state machine and the audio/event plumbing stay readable. The worker takes `Job`s from
`self.jobs`; a job is cancelled when a press interrupts it (barge-in), and every outcome,
error included, ends in one log line and, when it makes sense, something said out loud.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import wave
from enum import StrEnum
from typing import Any

import numpy as np

from voicerec.daemon import malloc
from voicerec.daemon.mic import Utterance
from voicerec.errors import VoicerecError
from voicerec.state.files import private_dir, private_file

log = logging.getLogger("voicerec.daemon")

SESSION = "daemon"
SORRY = VoicerecError.spoken


class State(StrEnum):
    STARTING = "starting"
    IDLE = "idle"
    LISTENING = "listening"
    TRANSCRIBING = "transcribing"
    THINKING = "thinking"
    SPEAKING = "speaking"
    STOPPING = "stopping"


class Job:
    """One utterance on its way through the worker; `cancelled` when a press interrupts it."""

    def __init__(self, n: int, utterance: Utterance | None, say: str | None = None) -> None:
        self.n = n
        self.utterance = utterance
        self.say = say
        self.cancelled = threading.Event()
        self.started_at = 0.0
        self.timings: dict[str, float] = {}


class RequestWorker:
    """Runs each request on the worker thread (mixed into `Daemon`, which owns these attributes)."""

    settings: Any
    assistant: Any
    player: Any
    state: State
    jobs: queue.Queue[Job | None]
    _current: Job | None
    _state_lock: threading.Lock
    _output_problem: str

    def _set_state(self, state: State, why: str = "", job: Job | None = None) -> bool:
        raise NotImplementedError

    def _work(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:
                return
            job.started_at = time.monotonic()
            try:
                self._handle(job)
            except Exception as e:  # noqa: BLE001 - a bug in one request must not end the daemon
                log.error("request %d failed: %s: %s", job.n, type(e).__name__, e, exc_info=log.isEnabledFor(logging.DEBUG))
                self._speak(job, SORRY)
            finally:
                malloc.trim()  # hand this request's buffers back before saying we are idle
                with self._state_lock:
                    if self._current is job:
                        self._current = None
                        if self.state not in (State.LISTENING, State.STOPPING):
                            self.state = State.IDLE

    def _handle(self, job: Job) -> None:
        outcome, results = "answered", ""
        if job.say is not None:
            self._speak(job, job.say)
            self._log_request(job, "apology", "")
            return
        utt = job.utterance
        assert utt is not None
        t = job.timings
        t["listen"] = (utt.ended_at - utt.started_at) * 1000
        self._keep(job, utt)
        try:
            transcript = self.assistant.hear(utt.samples)
            t.update(transcript.timings_ms)
            log.debug("request %d heard: %r", job.n, transcript.text)
            if job.cancelled.is_set():
                outcome = "interrupted"
            elif not transcript.text.strip():
                outcome = "not understood"
                self._speak(job, self.assistant.answer("").reply)  # "Sorry, I didn't catch that..."
            else:
                self._set_state(State.THINKING, "transcribed", job)
                answer = self.assistant.answer(transcript.text, session=SESSION, cancel=job.cancelled)
                t.update({k: v for k, v in answer.timings_ms.items() if k != "total"})
                results = "; ".join(r.title for r in answer.results)
                if job.cancelled.is_set():
                    outcome = "interrupted"
                elif not self._speak(job, answer.reply):
                    outcome = "interrupted"
        except VoicerecError as e:
            outcome = f"error: {e.message}"
            log.warning("request %d: %s", job.n, e.message)
            self._speak(job, e.spoken)
        self._log_request(job, outcome, results)

    def _speak(self, job: Job, text: str) -> bool:
        """Say `text` unless the job was interrupted; True if it was spoken to the end."""
        if job.cancelled.is_set() or not self._set_state(State.SPEAKING, "reply", job):
            return False
        end = job.utterance.ended_at if job.utterance else time.monotonic()
        t0 = time.perf_counter()

        def chunks() -> Any:
            for i, chunk in enumerate(self.assistant.speak(text)):
                if job.cancelled.is_set():
                    return
                if i == 0:
                    job.timings["tts_first"] = (time.perf_counter() - t0) * 1000
                    job.timings["first_audio"] = (time.monotonic() - end) * 1000
                yield chunk

        try:
            done = self.player.play(chunks(), self.assistant.speak_rate)
        except VoicerecError as e:
            self._output_failed(e)
            self.player.close()  # a dead stream (device gone, sound server restarted): reopen next time
            if job.cancelled.is_set():
                return False
            try:  # one more try, from the start of the reply, on a freshly opened stream
                done = self.player.play(chunks(), self.assistant.speak_rate)
            except VoicerecError as e2:
                self._output_failed(e2)
                self.player.close()
                return False
        job.timings["speak"] = (time.perf_counter() - t0) * 1000
        if self._output_problem:
            log.warning("audio output is back")
            self._output_problem = ""
        return done and not job.cancelled.is_set()

    def _output_failed(self, e: VoicerecError) -> None:
        if e.message != self._output_problem:
            log.error("%s; will retry on the next reply", e.message)
            self._output_problem = e.message

    def _log_request(self, job: Job, outcome: str, results: str) -> None:
        utt = job.utterance
        parts = [f"request {job.n}: {outcome}"]
        if utt is not None:
            parts.append(f"end={utt.reason} audio={utt.seconds:.1f}s")
        parts += [f"{k}={v:.0f}ms" for k, v in job.timings.items()]
        if results:  # how many at INFO; which titles only at DEBUG (the journal outlives history_days)
            parts.append(f"results={results.count('; ') + 1}")
            log.debug("request %d suggested: %r", job.n, results)
        log.info(" ".join(parts))

    def _keep(self, job: Job, utt: Utterance) -> None:
        """Only with keep_audio: the utterance as a 16 kHz WAV in state_dir/audio (mode 0600)."""
        if not self.settings.keep_audio or not len(utt.samples):
            return
        if self.settings.history_days <= 0:  # kept as long as the history: not at all
            log.debug("keep_audio with history_days = 0: the recording is not kept")
            return
        try:
            folder = private_dir(self.settings.state_dir / "audio")
            path = private_file(folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{job.n}.wav")
            with open(path, "wb") as f, wave.open(f, "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(16000)
                w.writeframes((np.clip(utt.samples, -1, 1) * 32767).astype(np.int16).tobytes())
        except OSError as e:
            log.warning("could not keep the recording: %s", e.strerror or e)
