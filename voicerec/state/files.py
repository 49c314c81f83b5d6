"""The state folder's files, owner-only from the first byte: the folder 0700, every file 0600.

SQLite gives a database's -wal and -shm files the mode of the database itself, so each database is
created 0600 before SQLite opens it, under a 077 umask (which also covers whatever else SQLite
creates), and files or a folder left more open by an older version are closed up when opened.
The umask is process-wide: it is changed under one lock and put back at once.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_UMASK = threading.Lock()


@contextmanager
def owner_only() -> Iterator[None]:
    """Files and folders created inside are the owner's alone (umask 077)."""
    with _UMASK:
        old = os.umask(0o077)
        try:
            yield
        finally:
            os.umask(old)


def _close_up(path: Path, mode: int) -> None:
    try:
        st = path.lstat()
    except FileNotFoundError:
        return
    if st.st_uid == os.geteuid() and not stat.S_ISLNK(st.st_mode) and stat.S_IMODE(st.st_mode) & 0o077:
        path.chmod(mode)


def private_dir(path: Path) -> Path:
    """`path` as a folder only its owner can enter (made 0700, or closed up to 0700)."""
    with owner_only():
        path.mkdir(parents=True, exist_ok=True)
    _close_up(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """`path` created empty with mode 0600 if missing (closed up to 0600 if it was more open)."""
    private_dir(path.parent)
    with owner_only():
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600))
    _close_up(path, 0o600)
    return path


def connect(path: Path, timeout: float = 5.0) -> sqlite3.Connection:
    """A WAL-mode SQLite database whose file, -wal and -shm are 0600 from their creation."""
    private_file(path)
    for suffix in ("-wal", "-shm", "-journal"):
        _close_up(path.with_name(path.name + suffix), 0o600)
    with owner_only():
        conn = sqlite3.connect(path, timeout=timeout, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA secure_delete=ON")  # erased rows are overwritten, not just unlinked
    return conn
