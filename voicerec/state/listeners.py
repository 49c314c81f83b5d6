"""Which of voicerec's network servers are running, and where: a small file per server in
`<state_dir>/listening/`, written while it listens and removed when it stops, for `voicerec privacy`.
A file left behind by a killed server is ignored (its pid is gone)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
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


def active_listeners(settings: Settings) -> list[dict[str, Any]] | None:
    """The network servers of voicerec running now (a file left by a killed one is ignored), or
    None when this user cannot tell: the folder is another user's (a service's), and glob() would
    quietly find nothing in a folder it may not read."""
    folder = settings.state_dir / "listening"
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return [] if _readable(settings.state_dir) else None
    except OSError:
        return None
    found = []
    for path in sorted(folder / n for n in names if n.endswith(".json")):
        try:
            item = json.loads(path.read_text())
            os.kill(int(item["pid"]), 0)
        except PermissionError:
            pass  # running, as another user
        except (OSError, ValueError, KeyError, TypeError):
            continue
        found.append(item)
    return found


def _readable(folder: Path) -> bool:
    """The folder can be listed (or is absent, with a parent that can be: nothing was ever there)."""
    try:
        os.listdir(folder)
    except FileNotFoundError:
        return folder.parent != folder and _readable(folder.parent)
    except OSError:
        return False
    return True
