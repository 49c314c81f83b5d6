"""The systemd drop-in for this configuration: `voicerec unit`, written by systemd/install.sh.

voicerec.service grants sound cards, loopback and nothing else. What the settings add is granted
here, only when configured: a GPIO button gets the `gpio` group, the GPIO chips and the /proc files
gpiozero reads the Pi's model from; a keyboard or remote gets the `input` group and read access to
input devices; an LLM server on another machine gets its addresses through the IP allow-list
(resolved now: run install.sh again after changing llm.base_url).
"""

from __future__ import annotations

import grp
import ipaddress
import socket
from urllib.parse import urlsplit

from voicerec.config import Settings, is_loopback_host

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
        return [str(ipaddress.ip_address(host))], f"LLM server {host}"
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except OSError as e:
        return [], f"LLM server {host}: cannot resolve it now ({e}); the service will not reach it"
    found = sorted({str(info[4][0]) for info in infos})
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
    if settings.llm.base_url:
        found, note = llm_addresses(settings.llm.base_url)
        notes.append(note)
        if found:
            lines.append("# the LLM server (llm.base_url)")
            lines.append("IPAddressAllow=" + " ".join(found))
    if not lines:
        lines.append("# nothing beyond voicerec.service: push-to-talk by the control socket only, no remote LLM")
    return HEADER + "\n".join(lines) + "\n", notes
