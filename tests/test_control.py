"""The control socket under a slow daemon and a slow client (issue 16, finding 8): a live daemon is
never taken for a dead one, only a socket nothing listens on is replaced, and one client dripping
bytes cannot hold the socket. Real Unix sockets, real threads."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from voicerec.daemon.control import ControlServer, send_command
from voicerec.errors import VoicerecError


def answers(path: Path, reply: str) -> None:
    """A daemon started on `path` answers `reply`, then closes."""
    srv = ControlServer(path, lambda a: reply).start()
    try:
        assert send_command(path, "status") == reply
    finally:
        srv.close()


def test_a_slow_daemon_is_not_taken_for_a_dead_one(tmp_path: Path) -> None:
    path = tmp_path / "run" / "control.sock"

    def slow(action: str) -> str:
        time.sleep(1.5)  # busy: a status line built while the models load, a loaded machine
        return f"ok {action}"

    first = ControlServer(path, slow).start()
    try:
        with pytest.raises(VoicerecError, match="another voicerec daemon is running"):
            ControlServer(path, lambda a: "second").start()
        assert path.exists()
        assert send_command(path, "status", timeout=10) == "ok status"
    finally:
        first.close()
    assert not path.exists()
    answers(path, "second")  # once the first is gone, the lock is free


def test_the_lock_alone_refuses_a_second_daemon(tmp_path: Path) -> None:
    """Even with the socket file removed by hand, the first daemon's lock still holds."""
    path = tmp_path / "control.sock"
    first = ControlServer(path, lambda a: "first").start()
    try:
        path.unlink()
        with pytest.raises(VoicerecError, match="another voicerec daemon is running"):
            ControlServer(path, lambda a: "second").start()
    finally:
        first.close()


def test_a_socket_nothing_listens_on_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "control.sock"
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(path))
    dead.close()  # a daemon killed with SIGKILL leaves exactly this: the file, no listener
    answers(path, "fresh")


def test_a_listener_without_the_lock_is_left_alone(tmp_path: Path) -> None:
    """A socket someone listens on (a daemon from before the lock) is not deleted."""
    path = tmp_path / "control.sock"
    other = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    other.bind(str(path))
    other.listen(1)
    try:
        with pytest.raises(VoicerecError, match="another voicerec daemon is running"):
            ControlServer(path, lambda a: "second").start()
        assert path.exists()
    finally:
        other.close()
    ControlServer(path, lambda a: "now").start().close()  # the refused attempt left its lock free


def test_a_client_dripping_bytes_cannot_hold_the_socket(tmp_path: Path) -> None:
    path = tmp_path / "control.sock"
    srv = ControlServer(path, lambda a: f"ok {a}").start()
    stop = threading.Event()
    dropped: list[bool] = []

    def drip() -> None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(str(path))
            try:
                for _ in range(200):  # 'sssss...' one byte every 0.2 s: 40 s if the server waited
                    if stop.is_set():
                        return
                    s.sendall(b"s")
                    time.sleep(0.2)
            except OSError:
                dropped.append(True)  # the server closed the connection on it

    t = threading.Thread(target=drip, daemon=True)
    t.start()
    try:
        time.sleep(0.3)
        assert send_command(path, "status", timeout=15) == "ok status"
        t.join(timeout=30)
        assert dropped == [True], "the dripping client was not cut off"
    finally:
        stop.set()
        srv.close()
