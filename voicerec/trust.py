"""What voicerec believes from outside itself, and on what grounds.

- Root's configuration: `check_root_owned` for the file systemd/install.sh reads as root to write
  the units' drop-ins; the file and every folder above it must be root's and no one else's to
  change (a sticky folder such as /tmp excepted: no one else can replace what root put there).
- Values that reach a unit file (`device`, `key`, `host`): what a push-to-talk device, a key name
  and a server's host name look like, and nothing else (no newline, no backslash, no `%`).
- The home network: the address ranges a server with `[wyoming] allow_lan` serves (the Wyoming
  server checks its peers against them, and the installer lets them through the unit's
  IP allow-list), and mDNS's for zeroconf.

Errors are ValueError with a one-line reason (the settings name the setting).
"""

from __future__ import annotations

import ipaddress
import os
import re
import stat
from pathlib import Path

LAN_NETWORKS: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = tuple(
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16",
                                      "fc00::/7", "fe80::/10"))
MDNS_ADDRESSES = ("224.0.0.251", "ff02::fb")

_DEVICE_PATH = re.compile(r"/dev/input/(?:[A-Za-z0-9_.:@+-]+/)*[A-Za-z0-9_:@+-][A-Za-z0-9_.:@+-]*")
_DEVICE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.:,()+@/-]{0,127}")
_KEY = re.compile(r"[A-Za-z0-9_]{1,40}")
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def device(value: str) -> str:
    """An input device: /dev/input/... (no `..`), or (part of) a device's name in plain characters."""
    text = value.strip()
    if text.startswith("/"):
        if _DEVICE_PATH.fullmatch(text) and "/../" not in text + "/" and "/./" not in text + "/":
            return text
        raise ValueError(f"{value[:60]!r} is not a path under /dev/input/")
    if _DEVICE_NAME.fullmatch(text):
        return text
    raise ValueError(f"{value[:60]!r} is not a device name: letters, digits, spaces and . _ : , ( ) + @ / - only")


def key(value: str) -> str:
    """A key's evdev name (KEY_SPACE, BTN_0, space) or its number."""
    text = value.strip()
    if _KEY.fullmatch(text):
        return text
    raise ValueError(f"{value[:60]!r} is not a key name (like KEY_SPACE) or number")


def host(name: str) -> str:
    """A host name (letters, digits, hyphens, dots) or an IP address."""
    try:
        return str(ipaddress.ip_address(name.split("%", 1)[0]))
    except ValueError:
        pass
    labels = name.rstrip(".").split(".")
    if len(name) <= 253 and labels and all(_LABEL.fullmatch(label) for label in labels):
        return name
    raise ValueError(f"{name[:60]!r} is not a host name or an IP address")


def check_root_owned(path: Path) -> None:
    """ValueError unless `path` (when it exists) and every folder above it belong to root and no
    one else can change them. Symbolic links are followed to where they lead, and that is checked."""
    real = Path(os.path.realpath(path))
    for p in [real, *real.parents]:
        try:
            st = p.stat()
        except FileNotFoundError:
            continue  # no file yet: the defaults; the folders above still count
        except OSError as e:
            raise ValueError(f"cannot check {p}: {e.strerror}") from None
        if st.st_uid != 0:
            raise ValueError(f"{p} belongs to uid {st.st_uid}, not root: root reads it to write the service's "
                              f"unit; run: sudo chown root {p}")
        sticky_folder = stat.S_ISDIR(st.st_mode) and st.st_mode & stat.S_ISVTX
        if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not sticky_folder:
            raise ValueError(f"{p} can be changed by users other than root; run: sudo chmod go-w {p}")
