"""Zeroconf (mDNS) advertisement of the server as `_wyoming._tcp`, so Home Assistant discovers it.

Off unless `[wyoming] zeroconf = true`, and only for a server listening on the LAN; importing this
module needs the optional `zeroconf` package (ImportError otherwise).
"""

from __future__ import annotations

import ipaddress
import logging
import socket

from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf

log = logging.getLogger(__name__)

SERVICE = "_wyoming._tcp.local."
MDNS_GROUP = "224.0.0.251"


class Advert:
    def __init__(self, zc: AsyncZeroconf, info: AsyncServiceInfo) -> None:
        self._zc, self._info = zc, info

    @classmethod
    async def start(cls, name: str, host: str, port: int) -> Advert:
        address = _ipv4(host)
        info = AsyncServiceInfo(SERVICE, f"{name}.{SERVICE}", addresses=[socket.inet_aton(address)], port=port)
        zc = AsyncZeroconf()
        await zc.async_register_service(info)
        log.info("zeroconf: advertised %s at %s:%d", info.name, address, port)
        return cls(zc, info)

    async def close(self) -> None:
        await self._zc.async_unregister_service(self._info)
        await self._zc.async_close()


def _ipv4(host: str) -> str:
    """The IPv4 address to advertise for a server listening on `host`."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return socket.gethostbyname(host)
    return _lan_address() if ip.is_unspecified or ip.version == 6 else host


def _lan_address() -> str:
    """The address of the interface mDNS leaves by (a UDP "connect" sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect((MDNS_GROUP, 5353))
        return s.getsockname()[0]
