"""One client connection: read events (with limits), hand each to handle, asr or tts, answer.

Events are taken in order, one at a time, as the reference servers take them. What the protocol
leaves to the server:
- `describe` → `info`; `ping` → `pong`; any other unknown event is ignored, as Wyoming expects.
- A garbled header line is answered with an `error` event and reading goes on; a length over the
  limit (or one that cannot be read) is answered and the connection closed, before any of it is
  read. Three garbled lines in a row also close it.
- A known event with unusable data (no text, a bad audio format) is answered with an `error`.
- A peer the server does not serve (peers.py: loopback, or the LAN with allow_lan) is answered
  `error` ("forbidden") and closed; so is one past the client limit, in all or from its address
  ("busy"). A full lane answers a typed request with `not-handled` ("busy") and audio or speech
  requests with `error` ("busy").
- A client that leaves mid-stream is forgotten: its audio is dropped, its queued work cancelled;
  one that asks for no work for `[wyoming] idle_s` (pings do not count: a peer gone without
  closing, or one holding slots) is closed, so it holds no client slot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event
from wyoming.ping import Ping, Pong
from wyoming.server import AsyncEventHandler
from wyoming.tts import Synthesize, SynthesizeChunk, SynthesizeStart, SynthesizeStop, SynthesizeStopped

from voicerec.errors import VoicerecError
from voicerec.wyoming import asr, handle, peers, tts
from voicerec.wyoming.lanes import Busy, Gone
from voicerec.wyoming.service import Service
from voicerec.wyoming.wire import ProtocolError, read_event

log = logging.getLogger(__name__)

MAX_BAD_LINES = 3
WORK = ("transcript", "transcribe", "audio-", "synthesize")  # events that ask for work ([wyoming] idle_s)
LINGER_S, LINGER_BYTES = 2.0, 1 << 22


class Connection(AsyncEventHandler):
    def __init__(self, service: Service, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        super().__init__(reader, writer)
        self.service = service
        self.cancel = threading.Event()  # set when the client goes: its queued work is dropped
        self.audio: asr.AudioIn | None = None
        self.asr_context: dict | None = None
        self.stream: tts.TextStream | None = None  # text arriving for streaming synthesis
        self.stream_failed = False
        self.peer = peers.address(writer.get_extra_info("peername"))  # the conversation's, and the limits'

    async def run(self) -> None:
        service = self.service
        refused = service.admit(self.peer)
        try:
            if refused is not None:
                code, why = refused
                await self.write_event(Error(text=why, code=code).event())
                return
            await self._serve()
        except (ConnectionError, Gone):
            pass  # the client left; nothing of it is kept
        except Exception:
            log.exception("connection failed")
        finally:
            if refused is None:
                service.release(self.peer)
            self.cancel.set()
            self.audio = None
            self.writer.close()

    async def _serve(self) -> None:
        bad = 0
        idle_s = self.service.settings.wyoming.idle_s
        loop = asyncio.get_running_loop()
        asked = loop.time()  # when this client last asked for work: pings do not keep it open
        while True:
            try:
                async with asyncio.timeout_at(asked + idle_s):
                    event = await read_event(self.reader, self.service.limits)
            except TimeoutError:
                log.info("closing a connection idle for %.0f s", idle_s)  # its slot is free again
                return
            except ProtocolError as e:
                self.service.quiet.info(re.sub(r"\d+", "N", str(e)), "bad event: %s", e)
                await self.write_event(Error(text=str(e), code=e.code).event())
                bad += 1
                if e.fatal or bad >= MAX_BAD_LINES:
                    await self._linger()
                    return
                continue
            if event is None:
                if self.audio is not None:
                    log.info("asr: client left mid-stream after %d chunks; dropped", self.audio.chunks)
                return
            bad = 0
            kind = event.type[:40]  # a client's words: short, and quoted in the log
            work = kind.startswith(WORK)
            if work:
                asked = loop.time()
            try:
                await self.handle_event(event)
            except (asr.BadAudio, KeyError, TypeError, ValueError, AttributeError) as e:
                log.info("bad %r event: %s", kind, _reason(e))
                await self.write_event(Error(text=f"bad {kind} event: {_reason(e)}", code="bad-event").event())
            except Busy as e:
                log.info("busy: %s", e)
                await self.write_event(Error(text=f"busy: {e}", code="busy").event())
            except VoicerecError as e:  # a model that cannot load, audio that cannot be used
                log.warning("%s: %s", kind, e.message)
                await self.write_event(Error(text=e.message, code="failed").event())
            except (ConnectionError, Gone):
                raise
            except Exception:  # a bug: logged whole, answered in one line, the server goes on
                log.exception("%r event failed", kind)
                await self.write_event(Error(text=f"{kind} failed (internal error)", code="failed").event())
            if work:
                asked = loop.time()  # the idle time starts when the answer has been sent

    async def _linger(self) -> None:
        """Before closing on a bad stream, read (and drop) what the client is still sending, for a
        moment: closing with unread data resets the connection, which can lose the error sent."""
        with contextlib.suppress(TimeoutError, ConnectionError):
            async with asyncio.timeout(LINGER_S):
                for _ in range(LINGER_BYTES // 65536):
                    if not await self.reader.read(65536):
                        break

    async def handle_event(self, event: Event) -> bool:
        kind = event.type
        if kind == "describe":
            await self.write_event(self.service.info)
        elif Ping.is_type(kind):
            await self.write_event(Pong(text=Ping.from_event(event).text).event())
        elif Transcript.is_type(kind):
            transcript = Transcript.from_event(event)
            if not isinstance(transcript.text, str):
                raise TypeError("'text' must be a string")
            await self.write_event(await handle.handle(self.service, transcript, self.cancel, self.peer))
        elif kind.startswith("audio-") or Transcribe.is_type(kind):
            await self._asr(event)
        elif kind.startswith("synthesize"):
            await self._tts(event)
        else:
            log.debug("ignored a %r event", kind)
        return True

    # -- asr -------------------------------------------------------------------------------------
    async def _asr(self, event: Event) -> None:
        if Transcribe.is_type(event.type):
            context = Transcribe.from_event(event).context
            self.asr_context = context if isinstance(context, dict) else None
        elif AudioStart.is_type(event.type):
            start = AudioStart.from_event(event)
            asr.check_format(start.rate, start.width, start.channels)
            self.audio = asr.AudioIn(self.service.settings.stt.max_seconds)
        elif AudioChunk.is_type(event.type):
            audio = self.audio or asr.AudioIn(self.service.settings.stt.max_seconds)  # some send no audio-start
            await asyncio.to_thread(audio.add, AudioChunk.from_event(event))  # conversion: off the loop
            self.audio = audio
        elif AudioStop.is_type(event.type):
            audio, context = self.audio, self.asr_context
            self.audio, self.asr_context = None, None
            if audio is None:
                await self.write_event(Transcript(text="", language="en", context=context).event())
                return
            await self.write_event(await asr.transcribe(self.service, audio, context, self.cancel))

    # -- tts -------------------------------------------------------------------------------------
    async def _tts(self, event: Event) -> None:
        limit = self.service.settings.wyoming.max_speech_chars
        if Synthesize.is_type(event.type):
            if self.stream is not None:
                return  # the whole text again, for servers that cannot stream: already being spoken
            text = Synthesize.from_event(event).text
            if not isinstance(text, str) or len(text) > limit:
                raise ValueError(f"'text' must be a string of at most {limit} characters")
            if not await tts.speak(self.service, text, self.write_event, self.cancel):
                await self.write_event(AudioStart(rate=int(self.service.assistant.speak_rate), width=2,
                                                  channels=1).event())
                await self.write_event(AudioStop().event())
        elif SynthesizeStart.is_type(event.type):
            self.stream, self.stream_failed = tts.TextStream(limit), False
        elif SynthesizeChunk.is_type(event.type):
            if self.stream is None:
                raise ValueError("synthesize-chunk outside synthesize-start ... synthesize-stop")
            text = SynthesizeChunk.from_event(event).text
            if not isinstance(text, str):
                raise TypeError("'text' must be a string")
            for sentence in self.stream.add(text):
                await self._speak_streamed(sentence)
        elif SynthesizeStop.is_type(event.type):
            stream, self.stream = self.stream, None
            if stream is not None:
                await self._speak_streamed(stream.finish())
            await self.write_event(SynthesizeStopped().event())

    async def _speak_streamed(self, sentence: str) -> None:
        """One sentence of a stream; after a 'busy' the rest of the stream is skipped, not spoken in bits."""
        if self.stream_failed or not sentence:
            return
        try:
            await tts.speak(self.service, sentence, self.write_event, self.cancel)
        except Busy:
            self.stream_failed = True
            raise


def _reason(e: Exception) -> str:
    if isinstance(e, KeyError):
        return f"missing {e}"[:200]
    return (str(e).splitlines()[0] if str(e) else type(e).__name__)[:200]
