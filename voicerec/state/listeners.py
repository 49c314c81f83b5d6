"""Which of voicerec's network servers are running, and where: a small file per server in
`<state_dir>/listening/`, written while it listens and removed when it stops, for `voicerec privacy`.
A file left behind by a killed server is ignored (its pid is gone)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from voicerec.config import Settings
from voicerec.state.files import private_dir, private_file


@contextmanager
def listening(settings: Settings, name: str, what: str, address: str) -> Iterator[None]:
    """While inside, `voicerec privacy` lists this process as listening at `address`."""
    path = private_file(private_dir(settings.state_dir / "listening") / f"{name}.json")  # 0700 / 0600
    path.write_text(json.dumps({"what": what, "address": address, "pid": os.getpid()}))
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def active_listeners(settings: Settings) -> list[dict[str, Any]]:
    """The network servers of voicerec running now (a file left by a killed one is ignored)."""
    found = []
    try:
        files = sorted((settings.state_dir / "listening").glob("*.json"))
    except OSError:  # another user's state folder: `privacy` says it cannot look
        return []
    for path in files:
        try:
            item = json.loads(path.read_text())
            os.kill(int(item["pid"]), 0)
        except PermissionError:
            pass  # running, as another user
        except (OSError, ValueError, KeyError, TypeError):
            continue
        found.append(item)
    return found
