"""The daemon's request worker: one thread taking each utterance through the pipeline.

    Job ─► the hearing begun at the press (Assistant.hearing) ─► answer ─► speak ─► the player

The hearing has been decoding while the button was held, so at the release it usually has the
transcript already (speech/hearing.py). Each request's log line says how it was heard
(hear=reused|tail|whole/decodes while held), `cpu=`: the CPU time the whole process spent from the
release until the reply was ready to speak (the figure that carries over to a slower board), and
`cpu_all=` the same until the reply had been spoken.

The daemon (voicerec/daemon/run.py) owns one `RequestWorker` and the state machine. The worker
reaches the pipeline only through `Assistant`'s public methods and reports back through the two
callbacks it is given: `set_state(state, why, job)` (refused once the job is cancelled or
superseded) and `done(job)`. A job is cancelled when a press interrupts it (barge-in); every
outcome, error included, ends in one log line and, when it makes sense, something said out loud.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import wave
from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from voicerec.daemon import malloc
from voicerec.daemon.mic import Utterance
from voicerec.errors import VoicerecError
from voicerec.state.files import private_dir, private_file

if TYPE_CHECKING:
    from voicerec.assistant import Assistant
    from voicerec.config import Settings
    from voicerec.speech.hearing import Hearing
    from voicerec.speech.playback import Player

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

    def __init__(self, n: int, utterance: Utterance | None, say: str | None = None, *,
                 hearing: Hearing | None = None) -> None:
        self.n = n
        self.utterance = utterance
        self.say = say
        self.hearing = hearing
        self.cancelled = threading.Event()
        self.started_at = 0.0
        self.released_cpu = time.process_time()  # the process's CPU time at the release
        self.timings: dict[str, float] = {}

    def cancel(self) -> None:
        self.cancelled.set()
        if self.hearing is not None:
            self.hearing.cancel()


class RequestWorker:
    """Runs each request on its own thread, so the daemon's main thread stays free for presses."""

    def __init__(self, settings: Settings, assistant: Assistant, player: Player, *,
                 set_state: Callable[[State, str, Job], bool], done: Callable[[Job], None]) -> None:
        self.settings = settings    # the daemon swaps these three after a reload, between requests
        self.assistant = assistant
        self.player = player
        self._set_state = set_state
        self._done = done
        self.output_problem = ""     # the last audio output error, "" while output works
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> RequestWorker:
        self._thread = threading.Thread(target=self._work, name="request-worker", daemon=True)
        self._thread.start()
        return self

    def submit(self, job: Job) -> None:
        self._jobs.put(job)

    def close(self, timeout: float = 3.0) -> None:
        """Stop after the current job (cancel it first to make that quick)."""
        self._jobs.put(None)
        if self._thread is not None:
            self._thread.join(timeout=timeout)

    def output_failed(self, e: VoicerecError) -> None:
        if e.message != self.output_problem:
            log.error("%s; will retry on the next reply", e.message)
            self.output_problem = e.message

    # -- the worker thread -----------------------------------------------------------------
    def _work(self) -> None:
        while True:
            try:  # idle: apply the retention now and then, so no conversation outlives its idle time
                job = self._jobs.get(timeout=max(0.5, min(60.0, self.settings.session_idle_s / 2)))
            except queue.Empty:
                self._tidy()
                continue
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
                self._done(job)

    def _tidy(self) -> None:
        try:
            self.assistant.tidy()
        except Exception as e:  # noqa: BLE001 - a full disk or a locked file: next time
            log.warning("could not apply the retention to the conversations and history: %s", e)

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
        how = ""
        try:
            if job.hearing is not None:
                transcript = job.hearing.finish()
                how = f"{job.hearing.how}/{job.hearing.decodes}"
            else:
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
                answer = self.assistant.answer(transcript.text, session=SESSION, cancel=job.cancelled,
                                               heard=transcript)
                t.update({k: v for k, v in answer.timings_ms.items() if k != "total"})
                t["cpu"] = (time.process_time() - job.released_cpu) * 1000
                results = "; ".join(r.title for r in answer.results)
                if job.cancelled.is_set():
                    outcome = "interrupted"
                elif not self._speak(job, answer.reply):
                    outcome = "interrupted"
        except VoicerecError as e:
            outcome = f"error: {e.message}"
            log.warning("request %d: %s", job.n, e.message)
            self._speak(job, e.spoken)
        t["cpu_all"] = (time.process_time() - job.released_cpu) * 1000  # speaking included
        self._log_request(job, outcome, results, how)

    def _speak(self, job: Job, text: str) -> bool:
        """Say `text` unless the job was interrupted; True if it was spoken to the end."""
        if job.cancelled.is_set() or not self._set_state(State.SPEAKING, "reply", job):
            return False
        end = job.utterance.ended_at if job.utterance else time.monotonic()
        t0 = time.perf_counter()

        def chunks() -> Iterator[np.ndarray]:
            for i, chunk in enumerate(self.assistant.speak(text)):
                if job.cancelled.is_set():
                    return
                if i == 0:
                    job.timings["tts_first"] = (time.perf_counter() - t0) * 1000
                    job.timings["first_audio"] = (time.monotonic() - end) * 1000
                yield chunk
                if i == 0:  # while the first chunk plays: hand back what hearing and answering freed,
                    malloc.trim()  # so synthesis starts from a small heap (a lower peak)

        try:
            done = self.player.play(chunks(), self.assistant.speak_rate)
        except VoicerecError as e:
            self.output_failed(e)
            self.player.close()  # a dead stream (device gone, sound server restarted): reopen next time
            if job.cancelled.is_set():
                return False
            try:  # one more try, from the start of the reply, on a freshly opened stream
                done = self.player.play(chunks(), self.assistant.speak_rate)
            except VoicerecError as e2:
                self.output_failed(e2)
                self.player.close()
                return False
        job.timings["speak"] = (time.perf_counter() - t0) * 1000
        if self.output_problem:
            log.warning("audio output is back")
            self.output_problem = ""
        return done and not job.cancelled.is_set()

    def _log_request(self, job: Job, outcome: str, results: str, how: str = "") -> None:
        utt = job.utterance
        parts = [f"request {job.n}: {outcome}"]
        if utt is not None:
            parts.append(f"end={utt.reason} audio={utt.seconds:.1f}s")
        if how:
            parts.append(f"hear={how}")
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


