"""The Wyoming server's parts on their own: lanes (real threads, real blocking work), audio format
conversion, sentence streaming, the address check, and 'busy' from a full lane through handle."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from wyoming.asr import Transcript
from wyoming.audio import AudioChunk
from wyoming.handle import Handled, NotHandled

from voicerec.config import Settings
from voicerec.errors import ConfigError
from voicerec.wyoming import asr, handle
from voicerec.wyoming.lanes import Busy, Lane
from voicerec.wyoming.server import check_address
from voicerec.wyoming.tts import TextStream


def blocker() -> tuple[threading.Event, threading.Event, object]:
    """A job that says when it has started and then waits to be let go."""
    started, release = threading.Event(), threading.Event()

    def job(_cancel: threading.Event) -> str:
        started.set()
        assert release.wait(30)
        return "first"

    return started, release, job


# -- lanes ------------------------------------------------------------------------------------------

def test_a_full_lane_says_busy_at_once_and_recovers() -> None:
    async def go() -> None:
        lane = Lane("t", queue=1, max_wait_s=60)
        started, release, job = blocker()
        first = asyncio.ensure_future(lane.run(job, threading.Event()))
        await asyncio.to_thread(started.wait, 30)
        second = asyncio.ensure_future(lane.run(lambda c: "second", threading.Event()))  # waits
        await asyncio.sleep(0)
        t0 = time.monotonic()
        with pytest.raises(Busy):
            await lane.run(lambda c: "third", threading.Event())
        assert time.monotonic() - t0 < 5  # at once, not after the running job
        more = asyncio.ensure_future(lane.run(lambda c: "more", threading.Event(), admitted=True))  # let in
        release.set()
        assert (await first, await second, await more) == ("first", "second", "more")
        assert await lane.run(lambda c: "again", threading.Event()) == "again"
        assert lane.pending == 0 and lane.counts["busy"] == 1 and lane.counts["done"] == 4
        lane.close()

    asyncio.run(go())


def test_a_request_not_started_in_time_is_busy_and_never_runs() -> None:
    async def go() -> None:
        lane = Lane("t", queue=4, max_wait_s=0.3)
        started, release, job = blocker()
        first = asyncio.ensure_future(lane.run(job, threading.Event()))
        await asyncio.to_thread(started.wait, 30)
        ran = threading.Event()
        with pytest.raises(Busy, match="not started within"):
            await lane.run(lambda c: ran.set(), threading.Event())
        release.set()
        assert await first == "first"
        await lane.run(lambda c: None, threading.Event())  # everything queued before it has run
        assert not ran.is_set() and lane.pending == 0
        lane.close()

    asyncio.run(go())


def test_work_of_a_client_that_left_is_dropped_or_told_to_stop() -> None:
    async def go() -> None:
        lane = Lane("t", queue=4, max_wait_s=60)
        started, release, job = blocker()
        first = asyncio.ensure_future(lane.run(job, threading.Event()))
        await asyncio.to_thread(started.wait, 30)
        ran, cancel = threading.Event(), threading.Event()
        queued = asyncio.ensure_future(lane.run(lambda c: ran.set(), cancel))
        await asyncio.sleep(0.05)
        queued.cancel()  # the connection's task ends: the client has gone
        with pytest.raises(asyncio.CancelledError):
            await queued
        assert cancel.is_set()
        release.set()
        await first
        await lane.run(lambda c: None, threading.Event())
        assert not ran.is_set() and lane.counts["dropped"] == 1

        # a running job sees its cancel event set
        seen = threading.Event()
        started2 = threading.Event()

        def long_job(c: threading.Event) -> None:
            started2.set()
            if c.wait(30):
                seen.set()

        running = asyncio.ensure_future(lane.run(long_job, threading.Event()))
        await asyncio.to_thread(started2.wait, 30)
        running.cancel()
        await asyncio.to_thread(seen.wait, 30)
        assert seen.is_set()
        lane.close()

    asyncio.run(go())


# -- audio in ---------------------------------------------------------------------------------------

def tone(rate: int, seconds: float = 0.5) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (np.sin(2 * np.pi * 440 * t) * 12000).astype(np.int16)


@pytest.mark.parametrize("width", [1, 2, 3, 4])
@pytest.mark.parametrize("channels", [1, 2, 5])
def test_every_width_and_channel_count_becomes_the_same_16_bit_mono(width: int, channels: int) -> None:
    x = tone(16000)
    if width == 1:
        s = ((x.astype(np.int32) >> 8) + 128).astype(np.uint8).reshape(-1, 1)
    elif width == 2:
        s = x.astype("<i2").view(np.uint8).reshape(-1, 2)
    elif width == 3:
        s = (x.astype(np.int32) << 8).astype("<i4").view(np.uint8).reshape(-1, 4)[:, :3]
    else:
        s = (x.astype(np.int32) << 16).astype("<i4").view(np.uint8).reshape(-1, 4)
    frames = np.tile(s, (1, channels))
    mono = np.frombuffer(asr.to_mono16(frames.tobytes(), width, channels), "<i2")
    tolerance = 256 if width == 1 else 1
    assert len(mono) == len(x) and np.abs(mono.astype(int) - x).max() <= tolerance


def test_audio_is_resampled_to_16k_and_capped() -> None:
    audio = asr.AudioIn(max_seconds=1.0)
    x = tone(48000, 0.4)
    for i in range(0, len(x), 4800):
        audio.add(AudioChunk(rate=48000, width=2, channels=1, audio=x[i:i + 4800].tobytes()))
    assert audio.seconds == pytest.approx(0.4, abs=0.01) and not audio.truncated
    samples = audio.samples()
    spectrum = np.abs(np.fft.rfft(samples))
    assert np.argmax(spectrum) * 16000 / len(samples) == pytest.approx(440, abs=5)  # the same tone
    for _ in range(10):
        audio.add(AudioChunk(rate=48000, width=2, channels=1, audio=tone(48000, 0.2).tobytes()))
    assert audio.truncated and audio.seconds == 1.0 and len(audio.samples()) == 16000


def test_audio_past_the_limit_is_cut_before_it_is_converted() -> None:
    """Issue 25, finding 8: a 1 MB chunk of 8-bit audio at 1000 Hz is 1000 s of sound; it was
    converted whole to 16 kHz (32 MB) and then cut to max_seconds. It is cut by its duration
    first: the work and the memory of a chunk are bounded by the limit, not by what a peer sends."""
    import tracemalloc

    t = np.arange(1 << 20) / 1000
    big = ((np.sin(2 * np.pi * 50 * t) * 100) + 128).astype(np.uint8).tobytes()  # 1 MB, 1000 Hz, 8-bit
    audio = asr.AudioIn(max_seconds=30.0)
    tracemalloc.start()
    try:
        for _ in range(5):
            audio.add(AudioChunk(rate=1000, width=1, channels=1, audio=big))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert audio.truncated and audio.chunks == 5 and audio.seconds == 30.0
    assert peak < 8 << 20, f"{peak / 2**20:.1f} MB to keep 30 s of audio"
    spectrum = np.abs(np.fft.rfft(audio.samples()))
    assert np.argmax(spectrum) * 16000 / len(audio.samples()) == pytest.approx(50, abs=2)  # the same sound


@pytest.mark.parametrize(("rate", "width", "channels"), [(0, 2, 1), (16000, 5, 1), (16000, 2, 0), ("x", 2, 1),
                                                         (16000, 2, 1000), (200, 2, 1), (True, 2, 1)])
def test_unusable_formats_are_refused(rate: object, width: object, channels: object) -> None:
    with pytest.raises(asr.BadAudio):
        asr.check_format(rate, width, channels)


# -- text out ----------------------------------------------------------------------------------------

def test_text_stream_hands_out_sentences_as_they_end() -> None:
    stream = TextStream(max_chars=200)
    assert stream.add("Here are two comedies") == []
    assert stream.add(". First, Elf, from 2003") == ["Here are two comedies."]  # as soon as the next one starts
    assert stream.add(". Second, Up! Want ") == ["First, Elf, from 2003.", "Second, Up!"]
    assert stream.add("more? ") == ["Want more?"]
    assert stream.add("Rated 8.5 out") == [] and stream.finish() == "Rated 8.5 out"
    with pytest.raises(ValueError):
        stream.add("x" * 200)


# -- addresses ----------------------------------------------------------------------------------------

def test_only_loopback_without_allow_lan() -> None:
    for uri in ("tcp://127.0.0.1:10700", "tcp://localhost:10700", "tcp://[::1]:10700", "tcp://127.0.0.2:1",
                "unix:///run/voicerec/wyoming.sock"):
        check_address(uri, allow_lan=False)
    for uri in ("tcp://0.0.0.0:10700", "tcp://[::]:10700", "tcp://192.168.1.5:10700", "tcp://pi.local:10700"):
        with pytest.raises(ConfigError, match="allow_lan"):
            check_address(uri, allow_lan=False)
        check_address(uri, allow_lan=True)
    for uri in ("tcp://127.0.0.1", "http://127.0.0.1:80", "stdio://", "tcp://127.0.0.1:99999", "unix://"):
        with pytest.raises(ConfigError):
            check_address(uri, allow_lan=True)


# -- busy through handle ------------------------------------------------------------------------------

def test_a_full_handle_lane_answers_not_handled_busy(tmp_path, catalog_path, assistant) -> None:
    from voicerec.wyoming.service import Service

    settings = Settings(catalog_path=catalog_path, state_dir=tmp_path,
                        wyoming={"handle_queue": 0, "max_wait_s": 60})
    service = Service(settings, assistant=assistant)

    async def go() -> tuple:
        started, release, job = blocker()
        first = asyncio.ensure_future(service.handle.run(job, threading.Event()))
        await asyncio.to_thread(started.wait, 30)
        busy = await handle.handle(service, Transcript("a comedy", context={"conversation_id": "x"}),
                                   threading.Event())
        release.set()
        await first
        ok = await handle.handle(service, Transcript("a comedy", context={"conversation_id": "x"}), threading.Event())
        return busy, ok

    busy, ok = asyncio.run(go())
    service.close()
    assert NotHandled.is_type(busy.type) and busy.data == {"text": handle.BUSY, "context": {"conversation_id": "x"}}
    assert Handled.is_type(ok.type) and ok.data["text"] and ok.data["text"] != handle.BUSY


def test_conversation_ids() -> None:
    assert handle.conversation_id({"conversation_id": "01HX"}) == "01HX"
    assert handle.conversation_id({"conversation_id": "x" * 500}) == "x" * handle.MAX_ID_CHARS
    for none in (None, [], "abc", {}, {"conversation_id": ""}, {"conversation_id": "  "}, {"conversation_id": None}):
        assert handle.conversation_id(none) is None
    for bad in (42, True, 1.5, {"a": 1}, ["01HX"]):  # issue 25, finding 5: not a string is refused
        with pytest.raises(TypeError, match="conversation_id"):
            handle.conversation_id({"conversation_id": bad})


# -- peers (issue 25, findings 5, 6 and 10) ------------------------------------------------------------
# Addresses below are only classified, never connected to: the policy is a function of the address.

@pytest.mark.parametrize(("peer", "without_lan", "with_lan"), [
    ("127.0.0.1", True, True), ("127.0.0.2", True, True), ("::1", True, True), ("local", True, True),
    ("192.168.1.20", False, True), ("10.1.2.3", False, True), ("172.20.0.5", False, True),
    ("169.254.3.4", False, True), ("fe80::1", False, True), ("fd12:3456::7", False, True),
    ("203.0.113.5", False, False), ("8.8.8.8", False, False), ("2001:db8::1", False, False),
    ("100.64.0.1", False, False), ("172.32.0.1", False, False), ("0.0.0.0", False, False),
    ("not an address", False, False),
])
def test_which_peers_may_connect(peer: str, without_lan: bool, with_lan: bool) -> None:
    from voicerec.wyoming import peers

    assert peers.allowed(peer, allow_lan=False) is without_lan
    assert peers.allowed(peer, allow_lan=True) is with_lan


def test_peer_addresses_are_normalised() -> None:
    from voicerec.wyoming import peers

    assert peers.address(("127.0.0.1", 5000)) == "127.0.0.1"
    assert peers.address(("::ffff:192.168.1.20", 5000, 0, 0)) == "192.168.1.20"  # IPv4 on a dual-stack socket
    assert peers.address(("::ffff:203.0.113.5", 5000, 0, 0)) == "203.0.113.5"
    assert peers.address(("fe80::1%eth0", 5000, 0, 2)) == "fe80::1"
    assert peers.address("") == peers.address(None) == peers.LOCAL  # a Unix socket


def test_the_server_refuses_a_peer_beyond_what_it_serves(tmp_path, catalog_path, assistant) -> None:
    """The server's own check, whatever the unit's IP allow-list says: with allow_lan only
    private and link-local peers, never the internet; without it, this machine only."""
    from voicerec.wyoming.service import Service

    for allow_lan in (False, True):
        settings = Settings(catalog_path=catalog_path, state_dir=tmp_path, wyoming={"allow_lan": allow_lan})
        service = Service(settings, assistant=assistant)
        assert service.admit("127.0.0.1") is None
        service.release("127.0.0.1")
        refused = service.admit("203.0.113.5")
        assert refused is not None and refused[0] == "forbidden" and "allow_lan" in refused[1]
        lan = service.admit("192.168.1.20")
        assert (lan is None) is allow_lan
        if lan is None:
            service.release("192.168.1.20")
        assert service.clients == 0
        service.close()


async def _connect(port: int, source: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))


async def _roundtrip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, event) -> object:  # noqa: ANN001
    from wyoming.event import async_read_event, async_write_event

    await async_write_event(event, writer)
    return await asyncio.wait_for(async_read_event(reader), 30)


def _in_process_server(service):  # noqa: ANN001, ANN202
    from wyoming.server import AsyncServer

    from voicerec.wyoming.handler import Connection

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = AsyncServer.from_uri(f"tcp://127.0.0.1:{port}")
    return server, port, lambda: server.start(lambda r, w: Connection(service, r, w))


def test_one_peer_cannot_take_every_connection(tmp_path, catalog_path, assistant) -> None:
    from wyoming.ping import Ping

    from voicerec.wyoming.service import Service

    settings = Settings(catalog_path=catalog_path, state_dir=tmp_path,
                        wyoming={"max_clients": 10, "max_clients_per_peer": 3})
    service = Service(settings, assistant=assistant)
    server, port, start = _in_process_server(service)

    async def go() -> tuple[list, object, object]:
        await start()
        held = []
        try:
            for _ in range(3):
                r, w = await _connect(port, "127.0.0.1")
                assert (await _roundtrip(r, w, Ping().event())).type == "pong"
                held.append(w)
            r, w = await _connect(port, "127.0.0.1")
            fourth = await _roundtrip(r, w, Ping().event())
            w.close()
            r2, w2 = await _connect(port, "127.0.0.2")  # another peer still gets in
            other = await _roundtrip(r2, w2, Ping().event())
            w2.close()
            return [service.clients], fourth, other
        finally:
            for w in held:
                w.close()
            await server.stop()

    (count,), fourth, other = asyncio.run(go())
    service.close()
    assert count >= 3
    assert fourth.type == "error" and fourth.data["code"] == "busy" and "one address" in fourth.data["text"]
    assert other.type == "pong"


def test_pings_do_not_keep_an_idle_connection_open(tmp_path, catalog_path, assistant) -> None:
    from wyoming.event import async_read_event, async_write_event
    from wyoming.ping import Ping

    from voicerec.wyoming.service import Service

    settings = Settings(catalog_path=catalog_path, state_dir=tmp_path, wyoming={"idle_s": 1.0})
    service = Service(settings, assistant=assistant)
    server, port, start = _in_process_server(service)

    async def go() -> tuple[int, bool]:
        await start()
        try:
            r, w = await _connect(port, "127.0.0.1")
            pongs, closed = 0, False
            for _ in range(50):  # 10 s of pings, five a second: closed after about 1 s all the same
                try:
                    await async_write_event(Ping().event(), w)
                    event = await asyncio.wait_for(async_read_event(r), 5)
                except ConnectionError:
                    event = None
                if event is None:
                    closed = True
                    break
                pongs += 1
                await asyncio.sleep(0.2)
            w.close()
            return pongs, closed
        finally:
            await server.stop()

    pongs, closed = asyncio.run(go())
    service.close()
    assert closed and 1 <= pongs < 25, (pongs, closed)


# -- failures become answers ---------------------------------------------------------------------------

def test_a_model_that_cannot_load_is_an_error_event_and_the_connection_goes_on(tmp_path, catalog_path) -> None:
    """A server whose Whisper model and Piper voice are missing (they load on first use here):
    the client gets one-line error events, and the same connection still answers typed requests."""
    from wyoming.asr import Transcript as Said
    from wyoming.audio import AudioStart, AudioStop
    from wyoming.client import AsyncTcpClient
    from wyoming.server import AsyncServer
    from wyoming.tts import Synthesize

    from voicerec.wyoming.handler import Connection
    from voicerec.wyoming.service import Service

    settings = Settings(catalog_path=catalog_path, state_dir=tmp_path,
                        stt={"model": str(tmp_path / "no-such-model")}, tts={"voice": str(tmp_path / "gone.onnx")})
    service = Service(settings)

    async def go() -> list:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = AsyncServer.from_uri(f"tcp://127.0.0.1:{port}")
        await server.start(lambda r, w: Connection(service, r, w))
        try:
            async with AsyncTcpClient("127.0.0.1", port, connect_timeout=10, read_timeout=120) as c:
                got = []
                await c.write_event(AudioStart(rate=16000, width=2, channels=1).event())
                await c.write_event(AudioChunk(rate=16000, width=2, channels=1,
                                               audio=tone(16000, 1.0).tobytes()).event())
                await c.write_event(AudioStop().event())
                got.append(await c.read_event())
                await c.write_event(Synthesize("Here is one comedy.").event())
                got.append(await c.read_event())
                await c.write_event(Said("a comedy", context={"conversation_id": "z"}).event())
                got.append(await c.read_event())
                return got
        finally:
            await server.stop()

    stt_error, tts_error, answer = asyncio.run(go())
    service.close()
    assert stt_error.type == "error" and stt_error.data["code"] == "failed"
    assert "Whisper model folder not found" in stt_error.data["text"] and "\n" not in stt_error.data["text"]
    assert tts_error.type == "error" and "Piper voice not found" in tts_error.data["text"]
    assert Handled.is_type(answer.type)


# -- household changes: only where the household allowed them --------------------------------------------

def test_household_changes_over_wyoming_when_the_household_allows_them(tmp_path, catalog_path) -> None:
    """Issue 25, finding 4, the other side: with `[wyoming] household_changes = true` "I've seen
    the first one" marks it seen (and history rows are written), as from the household's own
    front-ends; off (the default), the same request is refused and writes nothing."""
    import sqlite3

    from voicerec.assistant import Assistant
    from voicerec.wyoming.service import Service

    def conversation(allowed: bool) -> tuple[str, str, Path]:
        state = tmp_path / f"allowed-{allowed}"
        settings = Settings(catalog_path=catalog_path, state_dir=state, wyoming={"household_changes": allowed})
        service = Service(settings, assistant=Assistant(settings))

        async def go() -> tuple[str, str]:
            first = await handle.handle(service, Transcript("a war film", context={"conversation_id": "den"}),
                                        threading.Event())
            seen = await handle.handle(service, Transcript("I've seen the first one",
                                                           context={"conversation_id": "den"}),
                                       threading.Event())
            return first.data["text"], seen.data["text"]

        first, seen = asyncio.run(go())
        service.close()
        return first, seen, state

    first, seen, state = conversation(True)
    assert seen.startswith("Got it, you've seen"), seen
    con = sqlite3.connect(state / "seen.db")
    (title,) = [r[0] for r in con.execute("SELECT title FROM seen")]
    con.close()
    assert title in first
    con = sqlite3.connect(state / "history.db")
    assert con.execute("SELECT count(*) FROM history").fetchone() == (2,)
    con.close()

    first, seen, state = conversation(False)
    assert "turned off over the network" in seen and title in first
    assert not (state / "seen.db").exists() and not (state / "history.db").exists()
