"""Who is connecting: the peer's address, whether it may connect at all, how many connections it
holds, and a log that a flood of bad input cannot fill.

Wyoming has no authentication, so the address is all the server knows of a client:
- `allowed`: loopback always; private and link-local addresses (`LAN_NETWORKS`, the same list the
  installer lets through the unit's IP allow-list) only with `[wyoming] allow_lan`; nothing else,
  whatever address the server listens on. A Unix socket's peer is this machine.
- `Slots`: connections per peer are capped as well as in all, so one peer cannot hold every slot.
- the conversation of a request is named by its peer too (handle.py), so a client on another
  machine cannot continue a conversation by sending its id.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
from typing import Any

from voicerec.trust import LAN_NETWORKS

# LAN_NETWORKS (voicerec/trust.py): private and link-local networks, a home network. The unit's
# allow-list with allow_lan is written from the same list (daemon/unit.py), so the server and its
# sandbox agree on what "the LAN" is.
LOCAL = "local"  # the peer of a Unix socket: this machine


def address(peername: Any) -> str:
    """The peer's IP address as text (an IPv4-mapped IPv6 address as IPv4, without a zone), or
    LOCAL for a Unix socket."""
    if not isinstance(peername, tuple) or not peername:
        return LOCAL
    try:
        ip = ipaddress.ip_address(str(peername[0]).split("%", 1)[0])
    except ValueError:
        return LOCAL if not peername[0] else str(peername[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return str(ip)


def allowed(peer: str, allow_lan: bool) -> bool:
    """May a client at `peer` (from `address`) use the server?"""
    if peer == LOCAL:
        return True
    try:
        ip = ipaddress.ip_address(peer)
    except ValueError:
        return False
    if ip.is_loopback:
        return True
    return allow_lan and any(ip in net for net in LAN_NETWORKS if net.version == ip.version)


class Slots:
    """Connection slots: at most `total` in all and `per_peer` for any one address."""

    def __init__(self, total: int, per_peer: int) -> None:
        self.total = total
        self.per_peer = per_peer
        self._held: dict[str, int] = {}

    @property
    def count(self) -> int:
        return sum(self._held.values())

    def take(self, peer: str) -> str | None:
        """None when a slot was taken (give it back with `give`), else why not."""
        if self.count >= self.total:
            return "too many clients"
        if self._held.get(peer, 0) >= self.per_peer:
            return "too many connections from one address"
        self._held[peer] = self._held.get(peer, 0) + 1
        return None

    def give(self, peer: str) -> None:
        left = self._held.get(peer, 0) - 1
        if left > 0:
            self._held[peer] = left
        else:
            self._held.pop(peer, None)


class QuietLog:
    """One log line per kind of problem per `interval_s`, saying how many more were not logged:
    a peer sending garbage in a loop costs the log a line now and then, not a line per attempt."""

    def __init__(self, logger: logging.Logger, interval_s: float = 60.0) -> None:
        self.logger = logger
        self.interval_s = interval_s
        self._last: dict[str, float] = {}
        self._skipped: dict[str, int] = {}
        self._lock = threading.Lock()

    def info(self, kind: str, msg: str, *args: object) -> bool:
        """Log `msg % args` at INFO unless a line of this kind was logged within the interval."""
        now = time.monotonic()
        with self._lock:
            last = self._last.get(kind)
            if last is not None and now - last < self.interval_s:
                self._skipped[kind] = self._skipped.get(kind, 0) + 1
                return False
            self._last[kind] = now
            skipped = self._skipped.pop(kind, 0)
        more = f" ({skipped} more like it since the last such line)" if skipped else ""
        self.logger.info(msg + "%s", *args, more)
        return True
