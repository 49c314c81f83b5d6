"""What every connection shares: one Assistant (each model loaded once), the lanes, the limits."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TYPE_CHECKING

from wyoming.event import Event

from voicerec.config import Settings
from voicerec.wyoming import peers
from voicerec.wyoming.info import build_info
from voicerec.wyoming.lanes import Busy, Gone, Lane
from voicerec.wyoming.peers import QuietLog, Slots
from voicerec.wyoming.wire import Limits

if TYPE_CHECKING:
    from voicerec.assistant import Assistant

log = logging.getLogger(__name__)

STUCK_S = 180.0  # a job running longer than this stops the watchdog pings: systemd restarts the server


class Service:
    def __init__(self, settings: Settings, assistant: Assistant | None = None) -> None:
        if assistant is None:
            from voicerec.assistant import Assistant

            assistant = Assistant(settings)
        self.settings = settings
        self.assistant = assistant
        w = settings.wyoming
        self.handle = Lane("handle", w.handle_queue, w.max_wait_s)
        self.asr = Lane("asr", w.asr_queue, w.max_wait_s)
        self.tts = Lane("tts", w.tts_queue, w.max_wait_s)
        self.limits = Limits(payload_bytes=w.max_payload_bytes)
        self.info: Event = build_info(settings).event()
        self.slots = Slots(w.max_clients, w.max_clients_per_peer)
        self.served = 0
        self.quiet = QuietLog(logging.getLogger("voicerec.wyoming.peers"))  # what peers get wrong, now and then

    @property
    def clients(self) -> int:
        return self.slots.count

    def admit(self, peer: str) -> tuple[str, str] | None:
        """None when a client at `peer` may connect (then `release` its slot when it goes), else
        (error code, reason): not an address this server serves, or no slot for it."""
        w = self.settings.wyoming
        if not peers.allowed(peer, w.allow_lan):
            self.quiet.info("refused", "refused a connection from %s: %s", peer,
                            "not a private address" if w.allow_lan else "not this machine")
            return "forbidden", ("forbidden: this server serves its home network only (private addresses: "
                                 "[wyoming] allow_lan)" if w.allow_lan
                                 else "forbidden: this server serves this machine only (see [wyoming] allow_lan)")
        why = self.slots.take(peer)
        if why is not None:
            self.quiet.info("busy", "busy: %s (%s)", why, peer)
            return "busy", f"busy: {why}"
        return None

    def release(self, peer: str) -> None:
        self.slots.give(peer)

    @property
    def lanes(self) -> tuple[Lane, ...]:
        return (self.handle, self.asr, self.tts)

    def warm(self) -> None:
        """Load every model now, so the first client waits for nothing (called once, off the loop)."""
        self.assistant.warm(hear=True, speak=True)

    def healthy(self) -> bool:
        return not any(lane.stuck(STUCK_S) for lane in self.lanes)

    def status(self) -> str:
        busy = ", ".join(f"{lane.name} {lane.pending}" for lane in self.lanes if lane.pending)
        return f"{self.clients} clients, {self.served} served" + (f", working: {busy}" if busy else "")

    def close(self) -> None:
        for lane in self.lanes:
            lane.close()



async def housekeeping(service: Service) -> None:
    """Until cancelled: the retention applied now and then (Assistant.tidy), on the handle lane, the
    thread that answers, so that no conversation outlives its idle time while all is quiet."""
    every = max(0.5, min(60.0, service.settings.session_idle_s / 2))
    while True:
        try:
            await service.handle.run(lambda _cancel: service.assistant.tidy(), threading.Event(), admitted=True)
        except (Busy, Gone):
            pass
        except Exception as e:  # noqa: BLE001 - a full disk or a locked file: next time
            log.warning("could not apply the retention to the conversations and history: %s", e)
        await asyncio.sleep(every)
