"""The LLM's address: checked when the settings are read, told apart as this machine or not, and
redacted for logs and messages."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from voicerec import trust
from voicerec.errors import ConfigError


def check_llm_url(url: str) -> None:
    """http(s)://host[:port]/...: anything else is a ConfigError naming llm.base_url."""
    try:
        parts = urlsplit(url.strip())
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
        _ = parts.port  # a port that is not a number raises here
        trust.host(parts.hostname or "")  # it reaches the unit's IP allow-list (resolved by install.sh)
        ok = ok and url.isprintable() and not any(c.isspace() for c in url.strip())
    except ValueError:
        ok = False
    if not ok:
        raise ConfigError(f"bad setting llm.base_url: {redact_url(url)!r} is not an http:// or https:// URL")


def is_loopback_host(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1: this machine."""
    host = host.strip("[]").lower()
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def plaintext_remote(url: str) -> bool:
    """http:// (not https) to a host that is not this machine: what is sent can be read on the way."""
    parts = urlsplit(url.strip())
    return parts.scheme == "http" and not is_loopback_host(parts.hostname or "")


def redact_url(url: str) -> str:
    """The URL with any user:password@ replaced by ***@, fit for a log or a message."""
    return re.sub(r"(?<=://)[^/@]*@", "***@", url)
