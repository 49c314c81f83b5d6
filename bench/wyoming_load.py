"""Load on the Wyoming server: 1, 4 and 16 concurrent clients, beside the in-process pipeline.

The server runs as `voicerec wyoming` on a loopback port (its own state directory); the clients are
the `wyoming` library's AsyncTcpClient in this process, each request on a new connection, as Home
Assistant makes them. Measured in the same run:

  baseline  `Assistant.answer` in this process, wall time, the same requests in the same order
  handle    1, 4 and 16 clients sending typed requests (Transcript → Handled), back to back
  mixed     4 and 16 clients each running whole Assist turns: asr (a spoken request, sent as fast
            as the socket takes it) → handle (the transcript) → tts (the reply, to the last chunk);
            a turn's time is what a person waits: asr (from the end of the audio) + handle + tts to
            the first audio

For each: throughput, p50/p95 per event type, and how many answers were "busy", failed or never
came (a client gives up after --timeout s). The spoken requests are the server's own voice saying
the dev requests (made before the timed runs), sent at 22050 Hz so the server also resamples.
`sysbench cpu` single- and multi-thread events/s are recorded for the Raspberry Pi comparison.

Usage: .venv/bin/python bench/wyoming_load.py [--requests 96] [--timeout 30] [--out bench/results/wyoming_load.md]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ask_latency import pct, texts  # noqa: E402 - the same requests and percentiles as bench/ask_latency.py
from wyoming.asr import Transcript  # noqa: E402
from wyoming.audio import AudioChunk, AudioStart, AudioStop  # noqa: E402
from wyoming.client import AsyncTcpClient  # noqa: E402
from wyoming.info import Describe  # noqa: E402
from wyoming.tts import Synthesize  # noqa: E402

from voicerec.assistant import Assistant  # noqa: E402
from voicerec.config import Settings  # noqa: E402

BUSY_TEXT = "busy"


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, ms: float) -> None:
        self.times.setdefault(kind, []).append(ms)

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


class Server:
    def __init__(self, state: Path, catalog: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.log = state / "server.log"
        env = {**os.environ, "VOICEREC_STATE_DIR": str(state), "VOICEREC_CATALOG_PATH": str(catalog),
               "XDG_CONFIG_HOME": str(state / "config")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voicerec.cli", "wyoming", "--uri", f"tcp://127.0.0.1:{self.port}"],
            env=env, stdout=subprocess.DEVNULL, stderr=self.log.open("w"))

    def client(self, timeout: float) -> AsyncTcpClient:
        return AsyncTcpClient("127.0.0.1", self.port, connect_timeout=timeout, read_timeout=timeout)

    async def ready(self) -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited:\n{self.log.read_text()[-2000:]}")
            try:
                async with self.client(5) as c:
                    await c.write_event(Describe().event())
                    if (await c.read_event()) is not None:
                        return
            except OSError:
                await asyncio.sleep(0.2)
        raise SystemExit("the server did not start in 300 s")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def until(client: AsyncTcpClient, types: tuple[str, ...]):  # noqa: ANN201
    chunks: list[bytes] = []
    first = None
    while True:
        event = await client.read_event()
        if event is None:
            raise ConnectionError("closed")
        if event.type == "audio-chunk":
            first = first or time.perf_counter()
            chunks.append(event.payload or b"")
        if event.type in types or event.type == "error":
            return event, first, chunks


async def handle_once(server: Server, text: str, cid: str, tally: Tally, timeout: float) -> tuple[str, float] | None:
    t0 = time.perf_counter()
    try:
        async with server.client(timeout) as c:
            await c.write_event(Transcript(text, context={"conversation_id": cid}).event())
            event, _, _ = await until(c, ("handled", "not-handled"))
    except (TimeoutError, OSError):
        tally.count("no answer (timeout or dropped)")
        return None
    ms = (time.perf_counter() - t0) * 1000
    reply = (event.data or {}).get("text", "")
    if event.type == "handled" or (event.type == "not-handled" and BUSY_TEXT not in reply):
        tally.add("handle", ms)
        tally.count("answered")
        return reply, ms
    tally.count("busy (handle)" if BUSY_TEXT in reply else "failed (handle)")
    return None


async def asr_once(server: Server, audio: bytes, rate: int, tally: Tally, timeout: float) -> tuple[str, float] | None:
    step = rate * 2 // 50  # 20 ms chunks
    try:
        async with server.client(timeout) as c:
            await c.write_event(AudioStart(rate=rate, width=2, channels=1).event())
            for i in range(0, len(audio), step):
                await c.write_event(AudioChunk(rate=rate, width=2, channels=1, audio=audio[i:i + step]).event())
            t0 = time.perf_counter()
            await c.write_event(AudioStop().event())
            event, _, _ = await until(c, ("transcript",))
    except (TimeoutError, OSError):
        tally.count("no answer (timeout or dropped)")
        return None
    if event.type != "transcript":
        tally.count("busy (asr)" if "busy" in str(event.data) else "failed (asr)")
        return None
    ms = (time.perf_counter() - t0) * 1000
    tally.add("asr", ms)
    return event.data.get("text", ""), ms


async def tts_once(server: Server, text: str, tally: Tally, timeout: float) -> tuple[bytes, float] | None:
    t0 = time.perf_counter()
    try:
        async with server.client(timeout) as c:
            await c.write_event(Synthesize(text).event())
            event, first, chunks = await until(c, ("audio-stop",))
    except (TimeoutError, OSError):
        tally.count("no answer (timeout or dropped)")
        return None
    if event.type != "audio-stop" or first is None:
        tally.count("busy (tts)" if "busy" in str(event.data) else "failed (tts)")
        return None
    tally.add("tts first audio", (first - t0) * 1000)
    tally.add("tts whole reply", (time.perf_counter() - t0) * 1000)
    return b"".join(chunks), (first - t0) * 1000


async def run_handle(server: Server, requests: list[str], clients: int, timeout: float) -> tuple[Tally, float]:
    tally = Tally()
    queue = list(enumerate(requests))

    async def client(k: int) -> None:
        while queue:
            i, text = queue.pop(0)
            await handle_once(server, text, f"load-{clients}-{k}-{i}", tally, timeout)

    t0 = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    return tally, time.perf_counter() - t0


async def run_mixed(server: Server, spoken: list[tuple[str, bytes]], clients: int, turns: int,
                    timeout: float) -> tuple[Tally, float]:
    tally = Tally()
    queue = list(range(turns))

    async def client(k: int) -> None:
        while queue:
            i = queue.pop(0)
            _, audio = spoken[i % len(spoken)]
            heard = await asr_once(server, audio, 22050, tally, timeout)
            if not heard or not heard[0]:
                continue
            answered = await handle_once(server, heard[0], f"mixed-{clients}-{k}-{i}", tally, timeout)
            said = await tts_once(server, answered[0], tally, timeout) if answered else None
            if answered and said:
                # what the person waits for: end of speech → transcript → reply → first sound
                tally.add("turn: speech end → first audio", heard[1] + answered[1] + said[1])

    t0 = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    return tally, time.perf_counter() - t0


def baseline(settings: Settings, requests: list[str]) -> list[float]:
    assistant = Assistant(settings)
    assistant.warm(hear=False)
    for i, text in enumerate(requests[:10]):
        assistant.answer(text, session=f"warm-{i}")
    out = []
    for i, text in enumerate(requests):
        t0 = time.perf_counter()
        assistant.answer(text, session=f"base-{i}")
        out.append((time.perf_counter() - t0) * 1000)
    return out


def sysbench() -> dict[str, float]:
    if not shutil.which("sysbench"):
        return {}
    out = {}
    for threads in (1, 2):
        p = subprocess.run(["sysbench", "cpu", f"--threads={threads}", "--time=10", "run"], capture_output=True,
                           text=True)
        for line in p.stdout.splitlines():
            if "events per second" in line:
                out[f"{threads} thread(s)"] = float(line.split(":")[1])
    return out


def loadavg() -> str:
    return " ".join(open("/proc/loadavg").read().split()[:3])


def rows(name: str, tally: Tally, seconds: float, count_kind: str) -> list[str]:
    """One row per event type; throughput (completed per second of the run) on the run's own kind."""
    lines = []
    for kind, values in tally.times.items():
        rate = f"{len(values) / seconds:.1f}" if kind == count_kind else ""
        lines.append(f"| {name} | {kind} | {len(values)} | {pct(values, 50):.0f} | {pct(values, 95):.0f} | {rate} |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=96, help="handle requests per run")
    ap.add_argument("--turns", type=int, default=24, help="asr+handle+tts turns per mixed run")
    ap.add_argument("--timeout", type=float, default=30.0, help="a client gives up on an answer after this")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "wyoming_load.md"))
    args = ap.parse_args()
    base_texts = texts()
    requests = [base_texts[i % len(base_texts)] for i in range(args.requests)]
    tmp = Path(tempfile.mkdtemp(prefix="wyoming-load-"))
    catalog = Settings.load().catalog_path
    settings = Settings.load().model_copy(update={"state_dir": tmp / "baseline", "catalog_path": catalog})
    load_before = loadavg()
    (tmp / "server").mkdir(parents=True)
    server = Server(tmp / "server", catalog)
    try:
        asyncio.run(server.ready())
        base = baseline(settings, requests)
        results: list[tuple[str, Tally, float, str]] = []
        for clients in (1, 4, 16):
            tally, seconds = asyncio.run(run_handle(server, requests, clients, args.timeout))
            results.append((f"handle × {clients}", tally, seconds, "handle"))
            print(f"handle x {clients}: {tally.outcomes} in {seconds:.1f} s", file=sys.stderr)

        async def voices() -> list[tuple[str, bytes]]:
            made = []
            for text in base_texts[:12]:
                audio = await tts_once(server, text, Tally(), args.timeout)
                if audio:
                    made.append((text, audio[0]))
            return made

        spoken = asyncio.run(voices())
        for clients in (4, 16):
            tally, seconds = asyncio.run(run_mixed(server, spoken, clients, args.turns, args.timeout))
            results.append((f"mixed × {clients}", tally, seconds, "turn: speech end → first audio"))
            print(f"mixed x {clients}: {tally.outcomes} in {seconds:.1f} s", file=sys.stderr)
    finally:
        server.stop()
    load_after = loadavg()
    bench = sysbench()

    lines = [
        "# Wyoming server under load", "",
        f"`voicerec wyoming` on loopback, clients in one process (a new connection per request). "
        f"{args.requests} handle requests per run (the {len(base_texts)} dev requests, cycled), each in its own "
        f"conversation; mixed: {args.turns} turns of asr → handle → tts. Load average before / after: "
        f"{load_before} / {load_after} ({os.cpu_count()} cores).", "",
        "| run | event | n | p50 ms | p95 ms | per s |", "|---|---|---:|---:|---:|---:|",
        f"| in-process `Assistant.answer` (baseline) | answer | {len(base)} | {pct(base, 50):.0f} | "
        f"{pct(base, 95):.0f} | {len(base) / (sum(base) / 1000):.1f} |",
    ]
    for name, tally, seconds, kind in results:
        lines += rows(name, tally, seconds, kind)
    lines += ["", "| run | outcomes |", "|---|---|"]
    lines += [f"| {name} | {', '.join(f'{k}: {v}' for k, v in sorted(t.outcomes.items()))} |"
              for name, t, _, _ in results]
    one = results[0][1].times.get("handle", [])
    lines += ["", f"handle p95 with one client − in-process p95: {pct(one, 95) - pct(base, 95):+.1f} ms "
                  "(acceptance: within 30 ms)."]
    if bench:
        lines += ["", "sysbench cpu (primes to 10000, 10 s) here: " + ", ".join(f"{k} {v:.0f} events/s"
                                                                       for k, v in bench.items()) + "."]
    text = "\n".join(lines)
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text + "\n")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
