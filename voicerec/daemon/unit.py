"""The systemd drop-ins for these settings: `voicerec unit [--wyoming]`, written by systemd/install.sh.

voicerec.service grants sound cards, loopback and nothing else. What the settings add is granted
here, only when configured: a GPIO button gets the `gpio` group, the GPIO chips and the /proc files
gpiozero reads the Pi's model from; a keyboard or remote gets the `input` group and read access to
input devices; an LLM server on another machine gets its addresses through the IP allow-list
(resolved now: run install.sh again after changing llm.base_url). voicerec-wyoming.service
(`--wyoming`) grants loopback; `[wyoming] allow_lan` adds the home network's ranges (trust.py, the
ranges the server itself checks its peers against), `zeroconf` mDNS, an LLM server its addresses.

install.sh runs this as root with `--root-config /etc/voicerec/config.toml`: root's file alone
(config.py, trust.check_root_owned). Every value that reaches the text was checked when the
settings were read (trust.py); `checked` refuses any line that is not one this module writes.
"""

from __future__ import annotations

import grp
import ipaddress
import re
import socket
from urllib.parse import urlsplit

from voicerec import trust
from voicerec.config import Settings, is_loopback_host
from voicerec.errors import ConfigError

HEADER = """\
# Written by systemd/install.sh (`voicerec unit`) from the voicerec settings: what the configured
# push-to-talk source and LLM server need beyond voicerec.service. Run install.sh again after
# changing [ptt] or llm.base_url.
[Service]
"""


def group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def llm_addresses(url: str) -> tuple[list[str], str]:
    """The addresses to allow for the LLM server at `url` (none for loopback), and a note."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if is_loopback_host(host):
        return [], f"LLM server {host}: loopback, already allowed"
    try:
        return [str(ipaddress.ip_address(host.split("%", 1)[0]))], f"LLM server {host}"
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except OSError as e:
        return [], f"LLM server {host}: cannot resolve it now ({e}); the service will not reach it"
    found = sorted({str(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])) for info in infos})[:16]
    return found, f"LLM server {host} resolved to {', '.join(found)}"


def dropin(settings: Settings) -> tuple[str, list[str]]:
    """The drop-in's text, and notes for the person installing (one line each)."""
    lines: list[str] = []
    notes: list[str] = []
    ptt = settings.ptt
    if ptt.gpio_pin is not None:
        lines.append(f"# GPIO button on pin {ptt.gpio_pin}")
        if group_exists("gpio"):
            lines.append("SupplementaryGroups=gpio")
        else:
            notes.append("no `gpio` group on this system: the GPIO chips must be readable by voicerec")
        lines += ["DeviceAllow=char-gpiochip rw",
                  "# gpiozero reads the Pi's model from /proc/device-tree or /proc/cpuinfo",
                  "ProcSubset=all"]
    if ptt.evdev_device:
        lines.append(f"# keyboard or remote: {ptt.evdev_device} ({ptt.evdev_key})")
        if group_exists("input"):
            lines.append("SupplementaryGroups=input")
        else:
            notes.append("no `input` group on this system: the input device must be readable by voicerec")
        lines.append("DeviceAllow=char-input r")
    lines += _llm_lines(settings, notes)
    if not lines:
        lines.append("# nothing beyond voicerec.service: push-to-talk by the control socket only, no remote LLM")
    return checked(HEADER + "\n".join(lines) + "\n"), notes


WYOMING_HEADER = """\
# Written by systemd/install.sh --wyoming (`voicerec unit --wyoming`) from /etc/voicerec/config.toml:
# the addresses voicerec-wyoming.service may exchange packets with beyond loopback. Wyoming has no
# authentication. Run install.sh --wyoming again after changing [wyoming] or llm.base_url.
[Service]
"""


def wyoming_dropin(settings: Settings) -> tuple[str, list[str]]:
    """voicerec-wyoming.service's drop-in, and notes for the person installing."""
    w = settings.wyoming
    lines: list[str] = []
    notes: list[str] = []
    if w.allow_lan:
        lines += ["# allow_lan = true: machines on this home network may connect (private and link-local",
                  "# addresses, which the server also checks itself); the internet may not",
                  "IPAddressAllow=" + " ".join(str(n) for n in trust.LAN_NETWORKS)]
        notes.append("the Wyoming server is open to this home network (allow_lan = true): Wyoming has no "
                     "authentication")
        if w.zeroconf:
            lines += ["# zeroconf = true: mDNS, so Home Assistant discovers the server",
                      "IPAddressAllow=" + " ".join(trust.MDNS_ADDRESSES)]
    else:
        notes.append("the Wyoming server serves this machine only (set [wyoming] uri and allow_lan = true "
                     "to serve Home Assistant elsewhere)")
    lines += _llm_lines(settings, notes)
    if not lines:
        lines.append("# nothing beyond voicerec-wyoming.service: this machine only, no remote LLM")
    return checked(WYOMING_HEADER + "\n".join(lines) + "\n"), notes


def _llm_lines(settings: Settings, notes: list[str]) -> list[str]:
    if not settings.llm.base_url:
        return []
    found, note = llm_addresses(settings.llm.base_url)
    notes.append(note)
    return ["# the LLM server (llm.base_url)", "IPAddressAllow=" + " ".join(found)] if found else []


_LINE = re.compile(r"#[ -~]*|\[Service\]|SupplementaryGroups=(?:gpio|input)|DeviceAllow=char-(?:gpiochip rw|input r)"
                   r"|ProcSubset=all|IPAddressAllow=[0-9A-Fa-f.:/ ]+|")


def checked(text: str) -> str:
    """`text` if every line is one this module writes (printable comments, the directives above with
    addresses only); ConfigError otherwise: whatever got past the settings' checks stops here."""
    for line in text.split("\n"):
        if not _LINE.fullmatch(line) or "\\" in line:
            raise ConfigError(f"refusing to write the systemd drop-in: unexpected line {line[:60]!r}")
    return text
