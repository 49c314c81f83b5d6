"""`voicerec run`: wait for the button, listen, answer, for months.

    idle ─press─► listening ─release/silence/max─► transcribing ─► thinking ─► speaking ─► idle
                      ▲                                                            │
                      └──────────────── press (barge-in: speech stops) ◄───────────┘

The main thread owns the state machine: it reads one event queue fed by the push-to-talk
sources (GPIO, evdev), the control socket, the microphone (VAD / max-length / mic lost) and
signal handlers, and it pings the systemd watchdog. The daemon owns a `RequestWorker`
(daemon/worker.py) whose thread runs each request (Assistant.hear → answer → speak, then the
speakers), so a press can always interrupt it; the worker reports its state changes back here.
Heavy models load once, before READY=1. An error in one request is logged and apologised for
out loud; the daemon carries on. SIGTERM/SIGINT stop cleanly (exit 0); SIGHUP reloads settings.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from voicerec.config import Settings
from voicerec.daemon import earcon, malloc
from voicerec.daemon.control import ControlServer
from voicerec.daemon.mic import AudioInput, Utterance
from voicerec.daemon.notify import Notifier
from voicerec.daemon.ptt import PTTEvent, close_sources, open_sources
from voicerec.daemon.worker import Job, RequestWorker, State
from voicerec.errors import DeviceError, VoicerecError

if TYPE_CHECKING:
    from voicerec.speech.hearing import Hearing

log = logging.getLogger("voicerec.daemon")

TICK_S = 0.25
STUCK_S = 180.0  # a request running longer than this stops the watchdog pings: systemd restarts us


class Daemon:
    def __init__(self, settings: Settings, config_file: str | Path | None = None, *,
                 pin_factory: Any = None, notifier: Notifier | None = None) -> None:
        self.settings = settings
        self.config_file = config_file
        self.pin_factory = pin_factory
        self.notifier = notifier or Notifier()
        self.events: queue.Queue[PTTEvent] = queue.Queue()
        self.state = State.STARTING
        self._state_lock = threading.Lock()
        self._current: Job | None = None
        self._hearing: Hearing | None = None  # the utterance being heard while the button is held
        self._count = 0
        self._stopping = threading.Event()
        self._reload_pending = False
        self.reloads = 0
        self.assistant: Any = None
        self.player: Any = None
        self.mic: AudioInput | None = None
        self.sources: list[Any] = []
        self.control: ControlServer | None = None
        self.worker: RequestWorker | None = None
        self._output_problem = ""  # an output error met before the worker exists (at start-up)

    # -- start and stop ------------------------------------------------------------------
    def stop(self) -> None:
        """Ask the main loop to stop (what SIGTERM does); safe from any thread."""
        self._stopping.set()
        self.events.put(PTTEvent("stop", "stop()"))

    def run(self) -> int:
        if threading.current_thread() is threading.main_thread():
            self._install_signals()
        self.control = ControlServer(self.settings.control_socket, self.command).start()
        try:
            self.notifier.status("loading models")
            self._load(self.settings)
            self._start_audio(self.settings)
            self.sources = open_sources(self.settings.ptt, self.events, self.pin_factory)
            self.worker = RequestWorker(self.settings, self.assistant, self.player,
                                        set_state=self._set_state, done=self._job_done).start()
            self.worker.output_problem = self._output_problem
            self._set_state(State.IDLE, "ready")
            self.notifier.ready(self._status_line())
            log.info("ready: push to talk (%s)", self._sources_text())
            while not self._stopping.is_set():
                try:
                    event = self.events.get(timeout=TICK_S)
                except queue.Empty:
                    event = None
                if event is not None:
                    self._on_event(event)
                if self._reload_pending and self.state == State.IDLE and self._current is None:
                    self._reload()
                if self.notifier.watchdog_due() and self._healthy():
                    self.notifier.watchdog()
        finally:
            self._shutdown()
        return 0

    def _install_signals(self) -> None:
        def stop(signum: int, frame: Any) -> None:
            self._stopping.set()
            job = self._current
            if job is not None:
                job.cancel()
            if self.player is not None:
                self.player.stop()
            self.events.put(PTTEvent("stop", signal.Signals(signum).name))

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGHUP, lambda s, f: self.events.put(PTTEvent("reload", "SIGHUP")))

    def _load(self, settings: Settings) -> None:
        from voicerec.assistant import Assistant

        started = time.perf_counter()
        assistant = Assistant(settings)
        assistant.warm(hear=True, speak=True)
        self.assistant = assistant
        if self.worker is not None:  # a reload, between requests
            self.worker.assistant = assistant
        malloc.trim()  # loading leaves large freed buffers behind
        log.info("models loaded in %.1f s (RSS %.0f MB)", time.perf_counter() - started, malloc.rss_mb() or 0)

    def _start_audio(self, settings: Settings) -> None:
        from voicerec.speech.playback import Player

        self.player = Player(settings.audio)
        if self.worker is not None:
            self.worker.player = self.player
        try:
            self.player.open(self.assistant.speak_rate)  # opening costs ~1 s: once, not per reply
        except DeviceError as e:
            self._output_problem = e.message
            if self.worker is not None:
                self.worker.output_problem = e.message
            log.error("%s; replies cannot be heard until it is back", e.message)
        self.mic = AudioInput(settings.audio, self._auto_end, self._before_rescan).start()
        self.mic.wait_open(3.0)

    def _before_rescan(self) -> bool:
        """PortAudio's device list can only be refreshed with no stream open: close the idle output."""
        if self.player is None or self.player.playing:
            return False
        self.player.close()
        return True

    def _shutdown(self) -> None:
        self._set_state(State.STOPPING, "stop")
        self.notifier.stopping()
        job = self._current
        if job is not None:
            job.cancel()
        if self._hearing is not None:
            self._hearing.cancel()
        if self.player is not None:
            self.player.stop()
        close_sources(self.sources)
        if self.control is not None:
            self.control.close()
        if self.mic is not None:
            self.mic.close()
        if self.worker is not None:
            self.worker.close(timeout=3)
        if self.player is not None:
            self.player.close()
        log.info("stopped after %d requests", self._count)

    # -- events (main thread) ------------------------------------------------------------
    def _on_event(self, event: PTTEvent) -> None:
        action = event.action
        if action == "toggle":
            action = "release" if self.state == State.LISTENING else "press"
        if action == "press":
            self._press(event.source)
        elif action in ("release", "auto_end"):
            if self.state == State.LISTENING:
                self._end_listening(event.detail or "release")
        elif action == "reload":
            self._reload_pending = True
        elif action == "stop":
            self._stopping.set()

    def _press(self, source: str) -> None:
        if self.state == State.LISTENING:
            return
        job = self._current
        barge_in = job is not None and self.state == State.SPEAKING
        if job is not None:  # barge-in: stop speaking (or drop the answer still being made)
            job.cancel()
            self.player.stop()
            log.info("barge-in from %s while %s", source, self.state)
        if self.mic is None or not self.mic.available:
            log.warning("push-to-talk from %s, but the microphone is %s", source,
                        self.mic.status if self.mic else "not started")
            self._submit(None, say=DeviceError.spoken)
            return
        self._hearing = self.assistant.hearing()
        # the pre-roll of a barge-in is the reply's own voice: dropped, with what the speakers still
        # play after the stop (their latency, unless barge_in_skip_ms says otherwise)
        skip = self.settings.audio.barge_in_skip_ms
        if skip is None:
            skip = int(self.player.latency_s * 1000) + 20
        self.mic.begin(tap=self._hearing.feed, preroll=not barge_in, skip_ms=skip if barge_in else 0)
        if barge_in:
            log.debug("barge-in: pre-roll dropped, %d ms skipped after the press", skip)
        self._set_state(State.LISTENING, source)
        self._beep(earcon.start_tone)

    def _end_listening(self, reason: str) -> None:
        assert self.mic is not None
        released = time.process_time()
        utterance = self.mic.end(reason)
        hearing, self._hearing = self._hearing, None
        self._set_state(State.TRANSCRIBING, reason)
        self._beep(earcon.end_tone)
        if reason == "mic_lost":
            if hearing is not None:
                hearing.cancel()
            self._submit(None, say=DeviceError.spoken)
        else:
            self._submit(utterance, hearing=hearing, released_cpu=released)

    def _auto_end(self, reason: str) -> None:  # from the audio thread
        self.events.put(PTTEvent("auto_end", "mic", reason))

    def _submit(self, utterance: Utterance | None, say: str | None = None, *, hearing: Hearing | None = None,
                released_cpu: float | None = None) -> None:
        self._count += 1
        job = Job(self._count, utterance, say, hearing=hearing)
        if released_cpu is not None:
            job.released_cpu = released_cpu
        self._current = job
        assert self.worker is not None
        self.worker.submit(job)

    def _beep(self, make: Any) -> None:
        if not self.settings.audio.earcon or self.player is None or self.assistant is None:
            return
        rate = self.assistant.speak_rate
        threading.Thread(target=self._play_quietly, args=([make(rate)], rate), daemon=True,
                         name="earcon").start()

    def _play_quietly(self, chunks: list[np.ndarray], rate: int) -> None:
        try:
            self.player.play(chunks, rate)
        except VoicerecError as e:
            if self.worker is not None:
                self.worker.output_failed(e)

    def _set_state(self, state: State, why: str = "", job: Job | None = None) -> bool:
        """Move the state machine; a cancelled or superseded job's move is refused (False)."""
        with self._state_lock:
            if job is not None and (job.cancelled.is_set() or job is not self._current):
                return False
            if state != self.state:
                log.debug("state %s → %s (%s)", self.state, state, why)
                self.state = state
            return True

    def _job_done(self, job: Job) -> None:  # from the worker thread
        with self._state_lock:
            if self._current is job:
                self._current = None
                if self.state not in (State.LISTENING, State.STOPPING):
                    self.state = State.IDLE

    def _healthy(self) -> bool:
        job = self._current
        return job is None or not job.started_at or time.monotonic() - job.started_at < STUCK_S

    # -- the control socket (its own thread) ---------------------------------------------
    def command(self, action: str) -> str:
        if action == "status":
            return self._status_line()
        if self.state in (State.STARTING, State.STOPPING):
            return f"error: the daemon is {self.state}"
        self.events.put(PTTEvent(action, "socket"))
        return f"ok {action}"

    def _status_line(self) -> str:
        mic = self.mic
        return json.dumps({
            "state": str(self.state), "requests": self._count, "busy": self._current is not None,
            "mic": mic.status if mic else "not started", "mic_device": mic.device_name if mic else "",
            "mic_failures": mic.failures if mic else 0, "output": self._output_text() or "ok",
            "reloads": self.reloads, "end_on_silence": self.settings.audio.end_on_silence,
            "earcon": self.settings.audio.earcon, "pid": os.getpid(),
        })

    def _output_text(self) -> str:
        return self.worker.output_problem if self.worker is not None else self._output_problem

    def _sources_text(self) -> str:
        names = [s.name for s in self.sources] + [f"socket {self.settings.control_socket}"]
        return ", ".join(names)

    # -- SIGHUP ----------------------------------------------------------------------------
    def _reload(self) -> None:
        self._reload_pending = False
        self.notifier.reloading()
        try:
            new = Settings.load(self.config_file)
        except VoicerecError as e:
            log.error("reload failed, keeping the old settings: %s", e.message)
            self.notifier.ready(self._status_line())
            return
        old = self.settings
        _apply_log_level(new.log_level)
        light = {"audio", "ptt", "tts", "log_level", "keep_audio"}  # changed without reloading the models
        try:
            if new.model_dump(exclude=light) != old.model_dump(exclude=light):
                self._load(new)
            elif new.tts != old.tts:
                self.assistant.use_voice(new.tts)
        except VoicerecError as e:
            log.error("reload failed, keeping the old settings: %s", e.message)
            self.notifier.ready(self._status_line())
            return
        self.settings = new
        if self.worker is not None:
            self.worker.settings = new
        if new.audio != old.audio or new.tts != old.tts:
            if self.mic is not None:
                self.mic.close()
            if self.player is not None:
                self.player.close()
            self._start_audio(new)
        if new.ptt != old.ptt:
            close_sources(self.sources)
            self.sources = open_sources(new.ptt, self.events, self.pin_factory)
            if new.control_socket != old.control_socket and self.control is not None:
                self.control.close()
                self.control = ControlServer(new.control_socket, self.command).start()
        self.reloads += 1
        log.info("settings reloaded (%s)", self._sources_text())
        self.notifier.ready(self._status_line())


def _apply_log_level(level: str) -> None:
    root = logging.getLogger()
    if root.level != logging.DEBUG:  # --debug on the command line wins
        root.setLevel(getattr(logging, str(level).upper(), logging.INFO))
        logging.getLogger("faster_whisper").setLevel(logging.WARNING)  # one line per request is ours


def run_daemon(settings: Settings, config_file: str | Path | None = None) -> int:
    """The daemon's entry point (`voicerec run`): runs until SIGTERM/SIGINT, then exits 0.

    After the orderly shutdown (speech stopped, streams closed, socket removed) the process ends
    with os._exit: native thread pools (CTranslate2, onnxruntime, PortAudio) torn down by C++
    static destructors during interpreter exit can abort a process stopped mid-request."""
    _apply_log_level(settings.log_level)
    malloc.limit_arenas()  # before any native thread pool starts
    rc = Daemon(settings, config_file).run()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(rc)
