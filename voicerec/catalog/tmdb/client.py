"""A small, polite client for TMDB's API v3: GET a path, get JSON back, or a typed error.

    Client(settings).get("discover/movie", {"watch_region": "FR", "page": 2})

- Credentials: `[tmdb] token` (the API read access token) is sent as `Authorization: Bearer`;
  else `[tmdb] api_key` as the `api_key` parameter. Neither ever appears in a message or a log.
- Good manners: at most `max_rps` requests a second over all threads (TMDB allows ~50); a 429 is
  answered by waiting its `Retry-After` (every thread waits) and asking again; a 5xx, a timeout or a
  dropped connection is asked again a few times, waiting longer each time. Connections are kept
  alive, one per thread.
- Errors: 401 → `AuthError` (the settings are wrong: stop at once); a host that cannot be reached →
  `Unreachable`; 404 → `NotFound` (that title is gone from TMDB); anything else → `TmdbError`, with
  TMDB's own `status_message`.

Only `[tmdb] api_base` is ever contacted. Standard library only (http.client, ssl, json).
"""

from __future__ import annotations

import email.utils
import http.client
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from voicerec.config import TMDBSettings, check_llm_url, redact_url
from voicerec.errors import CatalogError, ConfigError

USER_AGENT = "voicerec"
LANGUAGE = "en-US"  # titles, plots and genre names in English: the replies are
MAX_RETRY_AFTER = 120.0  # a Retry-After longer than this is waited this long, then asked again
MAX_429 = 30  # rate-limited answers in a row for one request before giving up on it
MAX_TRANSIENT = 4  # tries for a 5xx, a timeout or a dropped connection
BACKOFF_S = 0.5  # the first wait after a transient failure (doubles each time)


class TmdbError(CatalogError):
    """TMDB answered with an error, or not at all."""


class AuthError(TmdbError):
    """401: the token or key is wrong (the refresh stops at once; nothing is written)."""


class Unreachable(TmdbError):
    """No answer from api_base: a bad host or port, no network, or no TLS."""


class NotFound(TmdbError):
    """404 for a title: TMDB has it no more."""


class Client:
    """One per refresh; `get` may be called from many threads at once."""

    def __init__(self, settings: TMDBSettings, *, sleep: Callable[[float], None] = time.sleep) -> None:
        check_url(settings.api_base)
        parts = urlsplit(settings.api_base.strip())
        self.base = settings.api_base.strip().rstrip("/")
        self.scheme, self.host, self.port = parts.scheme, parts.hostname or "", parts.port
        self.prefix = parts.path.rstrip("/")
        self.timeout = settings.timeout
        self._headers = {"Accept": "application/json", "User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        self._key: str | None = None
        if settings.token and settings.token.get_secret_value().strip():
            self._headers["Authorization"] = f"Bearer {settings.token.get_secret_value().strip()}"
            self.auth = "tmdb.token"
        elif settings.api_key and settings.api_key.get_secret_value().strip():
            self._key = settings.api_key.get_secret_value().strip()
            self.auth = "tmdb.api_key"
        else:
            raise TmdbError("no TMDB credentials: set tmdb.token (the API read access token) or tmdb.api_key "
                            "in config.toml, or VOICEREC_TMDB__TOKEN")
        self._sleep = sleep
        self._gap = 1.0 / settings.max_rps
        self._lock = threading.Lock()
        self._next = 0.0  # monotonic time the next request may start
        self._local = threading.local()
        self.requests = 0
        self.rate_limited = 0
        self.retried = 0

    # --- the one call -----------------------------------------------------------------------
    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """GET {api_base}/{path}?params → the JSON object TMDB answered."""
        query = {"language": LANGUAGE, **(params or {})}
        if self._key:
            query["api_key"] = self._key
        target = f"{self.prefix}/{path.lstrip('/')}?{urlencode(query, safe='|,/')}"
        shown = f"{path.lstrip('/')}"
        limited = transient = 0
        while True:
            self._wait_turn()
            try:
                status, headers, body = self._request(target)
            except (OSError, http.client.HTTPException, ssl.SSLError) as e:
                self._drop_connection()
                transient += 1
                if self.requests == 0 or transient >= MAX_TRANSIENT:
                    raise Unreachable(f"cannot reach TMDB at {redact_url(self.base)} ({_reason(e)}); "
                                      "check tmdb.api_base and the network") from None
                self.retried += 1
                self._sleep(BACKOFF_S * 2 ** (transient - 1))
                continue
            self.requests += 1
            if status == 200:
                try:
                    data = json.loads(body)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    raise TmdbError(f"TMDB answered {shown} with something that is not JSON; is tmdb.api_base "
                                    f"({redact_url(self.base)}) TMDB's API v3?") from None
                if not isinstance(data, dict):
                    raise TmdbError(f"TMDB answered {shown} with unexpected JSON")
                return data
            if status == 429:
                limited += 1
                self.rate_limited += 1
                if limited > MAX_429:
                    raise TmdbError(f"TMDB kept answering {shown} with 429 (too many requests); try again later")
                self._hold(_retry_after(headers.get("retry-after")))
                continue
            message = _message(body)
            if status == 401:
                raise AuthError(f"TMDB refused the credentials (401: {message}); check {self.auth} "
                                f"(VOICEREC_{self.auth.upper().replace('.', '__')})")
            if status == 404:
                raise NotFound(f"TMDB has no {shown} (404: {message})")
            if status >= 500 and transient + 1 < MAX_TRANSIENT:
                transient += 1
                self.retried += 1
                self._sleep(BACKOFF_S * 2 ** (transient - 1))
                continue
            raise TmdbError(f"TMDB answered {shown} with {status}: {message}")

    def close(self) -> None:
        self._drop_connection()

    # --- pieces ------------------------------------------------------------------------------
    def _wait_turn(self) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self._gap
        if start > now:
            self._sleep(start - now)

    def _hold(self, seconds: float) -> None:
        """Every thread waits `seconds` before its next request (a 429's Retry-After)."""
        with self._lock:
            self._next = max(self._next, time.monotonic() + seconds)

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self.scheme == "https":
                conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout,
                                                   context=ssl.create_default_context())
            else:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def _drop_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            conn.close()

    def _request(self, target: str) -> tuple[int, http.client.HTTPMessage, bytes]:
        conn = self._connection()
        try:
            conn.request("GET", target, headers=self._headers)
            resp = conn.getresponse()
            body = resp.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self._drop_connection()  # a kept-alive connection the server closed: once more, fresh
            conn = self._connection()
            conn.request("GET", target, headers=self._headers)
            resp = conn.getresponse()
            body = resp.read()
        if resp.will_close:
            self._drop_connection()
        return resp.status, resp.headers, body


def has_credentials(settings: TMDBSettings) -> bool:
    return any(s is not None and s.get_secret_value().strip() for s in (settings.token, settings.api_key))


def check_url(url: str) -> None:
    """http(s)://host[:port]/...: anything else is a ConfigError naming tmdb.api_base."""
    try:
        check_llm_url(url)
    except ConfigError as e:
        raise ConfigError(e.message.replace("llm.base_url", "tmdb.api_base")) from None


def _retry_after(value: str | None) -> float:
    """Retry-After in seconds (a number, or an HTTP date); 1 s when absent or unreadable."""
    if not value:
        return 1.0
    try:
        return min(max(float(value.strip()), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 1.0
    return min(max(when.timestamp() - time.time(), 0.0), MAX_RETRY_AFTER)


def _message(body: bytes) -> str:
    """TMDB's status_message (with its status_code), else the start of the body."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        data = None
    if isinstance(data, dict) and data.get("status_message"):
        code = f" [status_code {data['status_code']}]" if "status_code" in data else ""
        return " ".join(str(data["status_message"]).split())[:200] + code
    text = body[:120].decode("utf-8", "replace")
    return " ".join(text.split()) or "no message"


def _reason(e: BaseException) -> str:
    if isinstance(e, socket.gaierror):
        return "unknown host"
    if isinstance(e, ConnectionRefusedError):
        return "connection refused"
    if isinstance(e, TimeoutError | socket.timeout):
        return "no answer in time"
    if isinstance(e, ssl.SSLError):
        return f"TLS failed: {e.reason or e}"
    return str(e).splitlines()[0][:120] if str(e) else type(e).__name__
