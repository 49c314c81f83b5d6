"""The local control socket: `press`, `release`, `toggle`, `status`, one line each way.

A Unix stream socket, mode 0600, in a directory created 0700: only the daemon's own user (and
root) can use it, and there is no network listener. The daemon holds an flock on `<socket>.lock`
for its whole life, so a second daemon is refused however slowly the first answers, and a socket
file is only ever taken over when nothing listens on it (connection refused). Each connection has
one overall deadline: a client that sends its line a byte at a time cannot hold the socket. `voicerec ptt ACTION`, scripts and home
automation use it through `send_command`, or directly:

    printf 'press\\n' | socat - UNIX-CONNECT:/var/lib/voicerec/control.sock
"""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import stat
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path

from voicerec.errors import VoicerecError

log = logging.getLogger(__name__)

ACTIONS = ("press", "release", "toggle", "status")
MAX_LINE = 256
DEADLINE_S = 2.0  # for one whole connection: reading the line, answering, writing the reply


class ControlServer:
    """Accepts one-line commands and answers each with `handler(action)` (one line)."""

    def __init__(self, path: Path | str, handler: Callable[[str], str]) -> None:
        self.path = Path(path)
        self.handler = handler
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._closed = threading.Event()
        self._inode = 0
        self._lock_fd: int | None = None

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def start(self) -> ControlServer:
        self._prepare()
        try:
            self._bind()
        except BaseException:
            self._unlock()
            raise
        return self

    def _bind(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            sock.bind(str(self.path))
        except OSError as e:
            sock.close()
            raise VoicerecError(f"cannot create the control socket {self.path}: {e.strerror}") from None
        finally:
            os.umask(old)
        os.chmod(self.path, 0o600)
        self._inode = os.stat(self.path).st_ino
        sock.listen(8)
        sock.settimeout(0.5)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, name="control-socket", daemon=True)
        self._thread.start()
        log.info("control socket %s", self.path)

    def _prepare(self) -> None:
        parent = self.path.parent
        if not parent.exists():
            parent.mkdir(parents=True, mode=0o700)
            os.chmod(parent, 0o700)
        elif parent.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not parent.stat().st_mode & stat.S_ISVTX:
            log.warning("the control socket's folder %s is writable by others", parent)
        if (self.path.exists() or self.path.is_symlink()) and not stat.S_ISSOCK(self.path.lstat().st_mode):
            raise VoicerecError(f"{self.path} exists and is not a socket; remove it or set ptt.socket_path")
        self._lock()
        if self.path.exists() or self.path.is_symlink():
            if _listening(self.path):  # a daemon that holds no lock (an older version) still owns it
                self._unlock()
                raise VoicerecError(f"another voicerec daemon is running (control socket {self.path})")
            self.path.unlink()  # left over from a daemon that died: nothing listens on it

    def _lock(self) -> None:
        old = os.umask(0o177)
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as e:
            raise VoicerecError(f"cannot create {self.lock_path}: {e.strerror}") from None
        finally:
            os.umask(old)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise VoicerecError(f"another voicerec daemon is running (control socket {self.path})") from None
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing releases the flock; the empty file stays for the next daemon
            self._lock_fd = None

    def close(self) -> None:
        self._closed.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        try:  # only our own socket: a newer daemon may have replaced it
            if os.stat(self.path).st_ino == self._inode:
                self.path.unlink()
        except FileNotFoundError:
            pass
        self._unlock()

    def _serve(self) -> None:
        assert self._sock is not None
        while not self._closed.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                if self._closed.is_set():
                    return
                continue
            with conn:
                try:
                    self._answer(conn)
                except OSError as e:
                    log.debug("control connection failed: %s", e)

    def _answer(self, conn: socket.socket) -> None:
        deadline = time.monotonic() + DEADLINE_S

        def left() -> float:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the client took too long")
            return remaining

        conn.settimeout(left())
        if not _peer_allowed(conn):
            conn.sendall(b"error: not allowed\n")
            return
        data = b""
        while b"\n" not in data and len(data) < MAX_LINE:
            conn.settimeout(left())
            chunk = conn.recv(MAX_LINE)
            if not chunk:
                break
            data += chunk
        action = data.split(b"\n", 1)[0].decode("utf-8", "replace").strip().lower()
        if action not in ACTIONS:
            reply = f"error: unknown command {action[:40]!r} (one of: {', '.join(ACTIONS)})"
        else:
            try:
                reply = self.handler(action)
            except Exception as e:  # noqa: BLE001 - the socket must keep serving
                log.error("control command %s failed: %s", action, e)
                reply = f"error: {e}"
        conn.settimeout(left())
        conn.sendall(reply.replace("\n", " ").encode() + b"\n")


def _listening(path: Path) -> bool:
    """Whether something accepts connections on the socket at `path`: only "refused" (or the file
    gone) means no; a daemon slow to answer is still alive."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(2.0)
        try:
            probe.connect(str(path))
        except (ConnectionRefusedError, FileNotFoundError):
            return False
        except OSError:
            return True  # a full backlog (EAGAIN), a timeout, no permission: someone is there
    return True


def _peer_allowed(conn: socket.socket) -> bool:
    """The file mode already limits who can connect; this double-checks the peer's uid."""
    try:
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        _, uid, _ = struct.unpack("3i", creds)
    except (OSError, AttributeError):
        return True
    return uid in (0, os.getuid())


def send_command(path: Path | str, action: str, timeout: float = 5.0) -> str:
    """Send one command to the running daemon and return its one-line answer."""
    action = action.strip().lower()
    if action not in ACTIONS:
        raise VoicerecError(f"unknown push-to-talk command {action!r} (one of: {', '.join(ACTIONS)})")
    path = Path(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(str(path))
        sock.sendall(action.encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except (FileNotFoundError, ConnectionRefusedError):
        raise VoicerecError(f"the voicerec daemon is not running (no control socket at {path}); "
                            "start it with `voicerec run` or `systemctl start voicerec`") from None
    except PermissionError:
        raise VoicerecError(f"no permission to use {path}; run as the daemon's user "
                            "(e.g. sudo -u voicerec voicerec ptt ...)") from None
    except TimeoutError:
        raise VoicerecError(f"the voicerec daemon did not answer on {path}") from None
    except OSError as e:
        raise VoicerecError(f"cannot reach the voicerec daemon at {path}: {e.strerror or e}") from None
    finally:
        sock.close()
    reply = data.decode("utf-8", "replace").strip()
    if not reply:
        raise VoicerecError(f"the voicerec daemon closed the connection on {path} without answering")
    return reply
