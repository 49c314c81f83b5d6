"""A stand-in for systemd's notify socket: what a service under test tells systemd (READY=1,
WATCHDOG=1, STATUS=..., STOPPING=1), collected by a thread, for tests that start a real service."""

from __future__ import annotations

import socket
import threading
from pathlib import Path


class NotifyListener:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.notes: list[str] = []
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(str(path))
        self._sock.settimeout(0.5)
        threading.Thread(target=self._collect, daemon=True).start()

    def env(self, watchdog_usec: int = 2_000_000) -> dict[str, str]:
        """The environment systemd gives a Type=notify service with WatchdogSec set."""
        return {"NOTIFY_SOCKET": str(self.path), "WATCHDOG_USEC": str(watchdog_usec)}

    def _collect(self) -> None:
        while True:
            try:
                self.notes += self._sock.recv(4096).decode().split("\n")
            except TimeoutError:
                continue
            except OSError:
                return

    def close(self) -> None:
        self._sock.close()
