"""handle: a `Transcript` (what someone said) → `Handled` (the reply to speak) or `NotHandled`.

Home Assistant's conversation agent sends `Transcript(text, context={"conversation_id": ...})`.
The conversation id and the peer's address are the session, so "something shorter" or "tell me
more about the second one" refine that conversation's last answer and no other's, and a client on
another machine cannot continue it by sending its id; a request without one starts afresh and
leaves nothing behind to follow up on. Sessions are named `wyoming:<address>:<id>`, apart from the
CLI's and the daemon's. An id that is not a string is refused (an error event).

`NotHandled` carries a reason to speak: a request that is not about something to watch, one
too long to take, a server too busy to answer in time, or a failure.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from wyoming.asr import Transcript
from wyoming.event import Event
from wyoming.handle import Handled, NotHandled

from voicerec.errors import VoicerecError
from voicerec.wyoming.lanes import Busy, Gone
from voicerec.wyoming.peers import LOCAL
from voicerec.wyoming.service import Service

log = logging.getLogger(__name__)

SESSION_PREFIX = "wyoming:"
MAX_ID_CHARS = 200
BUSY = "Sorry, I'm busy with other rooms right now. Please ask again in a moment."
TOO_LONG = "Sorry, that was too long for me. Please ask in a sentence or two."
NOTHING = "Sorry, I didn't catch that."
FAILED = "Sorry, something went wrong."


def conversation_id(context: Any) -> str | None:
    """The conversation a request belongs to, from the event's context (None when it has none);
    TypeError for an id that is not a string (Home Assistant sends a string)."""
    if not isinstance(context, dict):
        return None
    cid = context.get("conversation_id")
    if cid is None:
        return None
    if not isinstance(cid, str):
        raise TypeError(f"'conversation_id' must be a string, not {type(cid).__name__}")
    return cid.strip()[:MAX_ID_CHARS] or None


def session_name(peer: str, cid: str) -> str:
    """The session of conversation `cid` from `peer`: another machine sending the same id does
    not continue it (an id is only as secret as the network it crosses)."""
    return f"{SESSION_PREFIX}{peer}:{cid}"


async def handle(service: Service, transcript: Transcript, cancel: threading.Event, peer: str = LOCAL) -> Event:
    cid = conversation_id(transcript.context)
    context = {"conversation_id": cid} if cid else None
    text = " ".join(str(transcript.text or "").split())
    if not text:
        return NotHandled(text=NOTHING, context=context).event()
    if len(text) > service.settings.wyoming.max_text_chars:
        return NotHandled(text=TOO_LONG, context=context).event()
    session = session_name(peer, cid) if cid else None
    started = time.perf_counter()
    try:
        hooks = service.settings.wyoming.run_hooks  # "put it on" runs the household's hook only where it allows
        answer = await service.handle.run(lambda cancelled: service.assistant.answer(
            text, session=session, cancel=cancelled, household=service.settings.wyoming.household_changes,
            run_hooks=hooks), cancel)
    except Busy as e:
        log.info("handle: busy (%s)", e)
        return NotHandled(text=BUSY, context=context).event()
    except Gone:
        raise
    except VoicerecError as e:
        log.warning("handle: %s", e.message)
        return NotHandled(text=e.spoken, context=context).event()
    except Exception:
        log.exception("handle: failed")
        return NotHandled(text=FAILED, context=context).event()
    service.served += 1
    ms = (time.perf_counter() - started) * 1000
    log.info("handle: %s in %.0f ms (pipeline %.0f ms), %d results%s", answer.query.intent, ms,
             answer.timings_ms.get("total", 0.0), len(answer.results), ", follow-up session" if session else "")
    log.debug("handle: %r -> %r", text, answer.reply)
    if answer.query.intent in ("out_of_domain", "empty"):
        return NotHandled(text=answer.reply, context=context).event()
    return Handled(text=answer.reply, context=context).event()
