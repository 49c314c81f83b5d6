"""What one misbehaving peer costs the others on the Wyoming server (issue 25, findings 8 and 9).

The server runs as `voicerec wyoming` on a loopback port (its own state directory). In the same
run, for each situation a well-behaved client measures what it feels:

  quiet       a client pinging every 20 ms (the ping's round trip), and typed requests answered
              one after another (handle's round trip): the baseline
  big audio   the same, while another peer sends five 1 MB audio chunks of 8-bit sound at 1000 Hz
              (1,000 s each, said to be; the server keeps 30 s)
  long text   the same, while four peers send 1000-character requests back to back

plus, in this process, what one such chunk costs to take in (`AudioIn.add`: time and traced peak
memory) and what a long request costs the pipeline (`Assistant.answer`) next to a typical one.
Run it on another version of the code with PYTHONPATH=<its source> from a folder outside the
checkout (the server inherits it).

Usage: .venv/bin/python bench/wyoming_abuse.py [--seconds 8] [--out bench/results/wyoming_abuse.md]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ask_latency import pct  # noqa: E402 - the same percentiles as the other benches
from wyoming.asr import Transcript  # noqa: E402
from wyoming.audio import AudioChunk, AudioStart, AudioStop  # noqa: E402
from wyoming.event import async_read_event, async_write_event  # noqa: E402
from wyoming.ping import Ping  # noqa: E402
from wyoming_load import Server, loadavg  # noqa: E402

import voicerec  # noqa: E402
from voicerec.assistant import Assistant  # noqa: E402
from voicerec.config import Settings  # noqa: E402
from voicerec.wyoming import asr  # noqa: E402

TYPICAL = ("a korean thriller", "a family comedy", "a crime film from the seventies", "a british mystery series")
CHUNK = ((np.sin(2 * np.pi * 50 * np.arange(1 << 20) / 1000) * 100) + 128).astype(np.uint8).tobytes()


def long_request(seed: int) -> str:
    """1000 characters: a question's opening and then many words (the slowest shape found)."""
    rng = random.Random(seed)
    words = (ROOT / "README.md").read_text().lower().split()
    return ("who directed " + " ".join(rng.choice(words) for _ in range(400)))[:1000]


async def connect(server: Server) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", server.port, limit=1 << 16)


async def pinger(server: Server, stop: asyncio.Event, rtts: list[float]) -> None:
    reader, writer = await connect(server)
    try:
        while not stop.is_set():
            t0 = time.perf_counter()
            await async_write_event(Ping().event(), writer)
            await async_read_event(reader)
            rtts.append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(0.02)
    finally:
        writer.close()


async def ask(server: Server, text: str) -> tuple[float, str]:
    reader, writer = await connect(server)
    try:
        t0 = time.perf_counter()
        await async_write_event(Transcript(text).event(), writer)
        event = await asyncio.wait_for(async_read_event(reader), 60)
        return (time.perf_counter() - t0) * 1000, (event.data or {}).get("text", "") if event else ""
    finally:
        writer.close()


async def asker(server: Server, stop: asyncio.Event, times: list[float], busy: list[int]) -> None:
    i = 0
    while not stop.is_set():
        ms, reply = await ask(server, TYPICAL[i % len(TYPICAL)])
        times.append(ms)
        busy[0] += "busy" in reply
        i += 1
        await asyncio.sleep(0.05)


async def big_audio(server: Server, stop: asyncio.Event, sent_ms: list[float]) -> None:
    reader, writer = await connect(server)
    try:
        t0 = time.perf_counter()
        await async_write_event(AudioStart(rate=1000, width=1, channels=1).event(), writer)
        for _ in range(5):
            await async_write_event(AudioChunk(rate=1000, width=1, channels=1, audio=CHUNK).event(), writer)
        await async_write_event(Ping().event(), writer)  # answered once all five are taken in
        while (event := await async_read_event(reader)) is not None and event.type != "pong":
            pass
        sent_ms.append((time.perf_counter() - t0) * 1000)
        await async_write_event(AudioStop().event(), writer)
        await asyncio.wait_for(async_read_event(reader), 120)
    finally:
        writer.close()
        stop.set()


async def long_texts(server: Server, stop: asyncio.Event, times: list[float], seconds: float) -> None:
    async def one(k: int) -> None:
        i = 0
        while not stop.is_set():
            ms, _ = await ask(server, long_request(k * 1000 + i))
            times.append(ms)
            i += 1

    runner = asyncio.gather(*(one(k) for k in range(4)))
    await asyncio.sleep(seconds)
    stop.set()
    await runner


async def situation(server: Server, name: str, seconds: float) -> dict:
    stop = asyncio.Event()
    rtts: list[float] = []
    asked: list[float] = []
    busy = [0]
    extra: list[float] = []
    watchers = [asyncio.ensure_future(pinger(server, stop, rtts)),
                asyncio.ensure_future(asker(server, stop, asked, busy))]
    if name == "quiet":
        await asyncio.sleep(seconds)
        stop.set()
    elif name == "big audio":
        await big_audio(server, stop, extra)
    else:
        await long_texts(server, stop, extra, seconds)
    await asyncio.gather(*watchers)
    return {"name": name, "ping": rtts, "handle": asked, "busy": busy[0], "extra": extra}


def in_process(catalog: Path, state: Path) -> dict:
    audio = asr.AudioIn(max_seconds=30.0)
    tracemalloc.start()
    t0 = time.perf_counter()
    audio.add(AudioChunk(rate=1000, width=1, channels=1, audio=CHUNK))
    add_ms = (time.perf_counter() - t0) * 1000
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    assistant = Assistant(Settings(catalog_path=catalog, state_dir=state))
    assistant.warm(hear=False)
    typical, long = [], []
    for i in range(20):
        t0 = time.perf_counter()
        assistant.answer(TYPICAL[i % len(TYPICAL)])
        typical.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        assistant.answer(long_request(i))
        long.append((time.perf_counter() - t0) * 1000)
    return {"add_ms": add_ms, "peak_mb": peak, "typical": typical, "long": long}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=8.0, help="how long the quiet and long-text situations last")
    ap.add_argument("--catalog", default=str(ROOT / "catalog.db"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "wyoming_abuse.md"))
    args = ap.parse_args()
    before = loadavg()
    with tempfile.TemporaryDirectory(prefix="voicerec-abuse-") as tmp:
        here = in_process(Path(args.catalog), Path(tmp) / "in-process")
        server = Server(Path(tmp), Path(args.catalog))
        try:
            asyncio.run(server.ready())
            found = [asyncio.run(situation(server, name, args.seconds)) for name in ("quiet", "big audio", "long text")]
        finally:
            server.stop()
    lines = [
        "# Wyoming: what one misbehaving peer costs the others (`bench/wyoming_abuse.py`)", "",
        f"Code: {Path(voicerec.__file__).parent}; load {before} before, {loadavg()} after.", "",
        "| situation | ping p50 / p95 / max ms | typed request p50 / p95 ms (n) | 'busy' | the other peer |",
        "|---|---:|---:|---:|---|",
    ]
    for f in found:
        other = ""
        if f["name"] == "big audio":
            other = f"five 1 MB chunks taken in after {f['extra'][0]:.0f} ms" if f["extra"] else "no answer"
        elif f["name"] == "long text":
            other = (f"{len(f['extra'])} 1000-character requests, p50 {pct(f['extra'], 50):.0f} ms"
                     if f["extra"] else "")
        lines.append(f"| {f['name']} | {pct(f['ping'], 50):.1f} / {pct(f['ping'], 95):.1f} / {max(f['ping']):.0f} "
                     f"| {pct(f['handle'], 50):.0f} / {pct(f['handle'], 95):.0f} ({len(f['handle'])}) "
                     f"| {f['busy']} | {other} |")
    lines += ["", "In this process:", "",
              f"- one 1 MB chunk of 8-bit 1000 Hz audio into `AudioIn` (30 s kept): {here['add_ms']:.0f} ms, "
              f"traced peak {here['peak_mb']:.1f} MB",
              f"- `Assistant.answer`, typical requests: p50 {pct(here['typical'], 50):.1f} ms, "
              f"p95 {pct(here['typical'], 95):.1f} ms; 1000-character requests: p50 {pct(here['long'], 50):.1f} ms, "
              f"p95 {pct(here['long'], 95):.1f} ms, max {max(here['long']):.0f} ms"]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
