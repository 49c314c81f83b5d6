"""CPU-bound work off the event loop: one worker thread per kind of work, each with a bounded queue.

    lane = Lane("handle", queue=32, max_wait_s=15)
    answer = await lane.run(lambda cancel: assistant.answer(text, cancel=cancel), cancel)

A lane runs one job at a time (the model it drives is used by one thread only), so a long
transcription never holds up a typed request, and no model is shared between threads. When the
lane already has `queue` jobs waiting, `run` raises Busy at once; a job that has not started
within `max_wait_s` gives up its place and raises Busy too. A job whose client has gone is
dropped before it starts (its `cancel` event is set), and a running one sees `cancel` set.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Busy(Exception):
    """The lane is full, or the request waited too long for its turn."""


class Gone(Exception):
    """The client left before its job started."""


class Lane:
    def __init__(self, name: str, queue: int, max_wait_s: float) -> None:
        self.name = name
        self.limit = queue + 1  # the running job plus those waiting
        self.max_wait_s = max_wait_s
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix=f"wyoming-{name}")
        self._lock = threading.Lock()
        self.pending = 0
        self.running_since: float | None = None
        self.counts = {"done": 0, "busy": 0, "dropped": 0, "failed": 0}

    def submit(self, fn: Callable[[threading.Event], T], cancel: threading.Event,
               admitted: bool = False) -> concurrent.futures.Future[T]:
        """Queue `fn(cancel)`; Busy when the lane is full (unless `admitted`: more of work already let in)."""
        with self._lock:
            if self.pending >= self.limit and not admitted:
                self.counts["busy"] += 1
                raise Busy(f"{self.name}: {self.pending} requests ahead")
            self.pending += 1
        try:
            future = self._pool.submit(self._job, fn, cancel)
        except RuntimeError:  # shut down
            self._finished(None)
            raise Busy(f"{self.name}: shutting down") from None
        future.add_done_callback(self._finished)
        return future

    async def run(self, fn: Callable[[threading.Event], T], cancel: threading.Event, admitted: bool = False) -> T:
        """`fn(cancel)` on the lane's thread. Busy if full or not started within max_wait_s; if the
        caller is cancelled, a queued job is dropped and a running one sees `cancel` set. `admitted`
        work (the next piece of a reply already being spoken) is neither refused nor timed out."""
        future = self.submit(fn, cancel, admitted)
        waiting = asyncio.wrap_future(future)
        waiting.add_done_callback(_retrieve)
        try:
            return await asyncio.wait_for(asyncio.shield(waiting), None if admitted else self.max_wait_s)
        except TimeoutError:
            if future.cancel():  # still queued: give up its place
                with self._lock:
                    self.counts["busy"] += 1
                raise Busy(f"{self.name}: not started within {self.max_wait_s:g} s") from None
            return await waiting  # already running: its answer is near
        except asyncio.CancelledError:
            cancel.set()
            if future.cancel():
                with self._lock:
                    self.counts["dropped"] += 1
            raise

    def _job(self, fn: Callable[[threading.Event], T], cancel: threading.Event) -> T:
        if cancel.is_set():
            with self._lock:
                self.counts["dropped"] += 1
            raise Gone()
        self.running_since = time.monotonic()
        try:
            result = fn(cancel)
        except BaseException:
            with self._lock:
                self.counts["failed"] += 1
            raise
        finally:
            self.running_since = None
        with self._lock:
            self.counts["done"] += 1
        return result

    def _finished(self, _future: object) -> None:
        with self._lock:
            self.pending -= 1

    def stuck(self, limit_s: float) -> bool:
        """True when the running job has run longer than `limit_s` (the watchdog stops pinging)."""
        since = self.running_since
        return since is not None and time.monotonic() - since > limit_s

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _retrieve(future: asyncio.Future) -> None:
    """Mark an outcome nobody awaited (the client left) as seen, so asyncio does not log it."""
    if not future.cancelled():
        future.exception()
