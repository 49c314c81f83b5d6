"""Reading one Wyoming event from a client, with limits.

The `wyoming` library frames events as a JSON header line, then `data_length` bytes of JSON and
`payload_length` bytes of payload. Its reader believes whatever lengths a client states and drops
the connection on any bad line; a server open to many clients needs to refuse a 4 GB "audio
chunk" before reading it and to answer a garbled line. This reader does the same framing with
limits, and returns the library's own `Event`.

    ProtocolError(fatal=False)   the line was consumed; answer it and read on
    ProtocolError(fatal=True)    the stream cannot be trusted past here; answer it and close
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from wyoming.event import Event

HEADER_LIMIT = 1 << 16  # asyncio's StreamReader limit, which the library's TCP server keeps


@dataclass(frozen=True)
class Limits:
    data_bytes: int = 1 << 16
    payload_bytes: int = 1 << 20


class ProtocolError(Exception):
    def __init__(self, message: str, code: str, fatal: bool) -> None:
        super().__init__(message)
        self.code = code
        self.fatal = fatal


async def read_event(reader: asyncio.StreamReader, limits: Limits) -> Event | None:
    """The next event, or None when the client has gone (cleanly or in the middle of an event)."""
    try:
        while True:
            line = await reader.readline()
            if not line:
                return None
            if line.strip():
                break
        header = _header(line)
        data_length = _length(header, "data_length", limits.data_bytes)
        payload_length = _length(header, "payload_length", limits.payload_bytes)
        extra = await reader.readexactly(data_length) if data_length else None
        payload = await reader.readexactly(payload_length) if payload_length else None
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    except ValueError as e:  # StreamReader: a line longer than its limit
        raise ProtocolError(f"event header longer than {HEADER_LIMIT} bytes", "too-large", fatal=True) from e
    return Event(type=header["type"], data=_data(header.get("data"), extra), payload=payload)


def _header(line: bytes) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except ValueError:
        raise ProtocolError("event header is not JSON", "malformed", fatal=False) from None
    except RecursionError:  # [[[[...]]]]: the decoder recurses once per level
        raise ProtocolError("event header is nested too deeply", "malformed", fatal=False) from None
    if not isinstance(header, dict) or not isinstance(header.get("type"), str) or not header["type"]:
        raise ProtocolError("event header needs a 'type'", "malformed", fatal=False)
    return header


def _data(inline: Any, extra: bytes | None) -> dict[str, Any]:
    """The header's `data` merged with the separate data block, as the library does."""
    data = inline or {}
    if extra:
        try:
            more = json.loads(extra)
        except ValueError:
            more = None
        except RecursionError:
            raise ProtocolError("event data is nested too deeply", "malformed", fatal=False) from None
        if not isinstance(more, dict):
            raise ProtocolError("event data is not a JSON object", "malformed", fatal=False)
        data = {**data, **more} if isinstance(data, dict) else data
    if not isinstance(data, dict):
        raise ProtocolError("event 'data' must be a JSON object", "malformed", fatal=False)
    return data


def _length(header: dict[str, Any], key: str, limit: int) -> int:
    value = header.get(key)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        # the bytes that follow cannot be skipped without knowing how many there are
        raise ProtocolError(f"'{key}' must be a whole number of bytes", "malformed", fatal=True)
    if value > limit:
        raise ProtocolError(f"'{key}' of {value} bytes is over the limit of {limit}", "too-large", fatal=True)
    return value
