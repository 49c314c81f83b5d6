"""`voicerec wyoming`: the server, on the `wyoming` library's TCP/Unix servers.

Start-up: check the address (loopback unless `wyoming.allow_lan`), load every model once, listen,
then tell systemd READY (Type=notify) and ping its watchdog while no job is stuck. SIGTERM or
SIGINT: STOPPING, close every connection, exit 0. While it runs, `<state_dir>/listening/wyoming.json`
says where, for `voicerec privacy`; zeroconf advertises it when asked to (and it is on the LAN).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import signal
import sys
from urllib.parse import urlparse

from wyoming.server import AsyncServer

from voicerec.checks import Check
from voicerec.config import Settings
from voicerec.daemon import malloc
from voicerec.daemon.notify import Notifier
from voicerec.errors import ConfigError, VoicerecError
from voicerec.state.listeners import listening
from voicerec.wyoming.handler import Connection
from voicerec.wyoming.service import Service, housekeeping

log = logging.getLogger(__name__)

LAN_WARNING = ("Wyoming has no authentication: anyone who can reach {address} can use it. "
               "Serve only a network you trust.")


def check_address(uri: str, allow_lan: bool) -> tuple[str, str | None, int | None]:
    """(scheme, host, port) of a tcp:// or unix:// URI; ConfigError for anything else, or for a
    network address beyond this machine unless allow_lan."""
    parsed = urlparse(uri)
    if parsed.scheme == "unix":
        if not parsed.path:
            raise ConfigError(f"{uri}: a unix:// address needs a path")
        return "unix", None, None
    if parsed.scheme != "tcp":
        raise ConfigError(f"{uri}: the Wyoming server listens on tcp://HOST:PORT or unix://PATH")
    try:
        host, port = parsed.hostname, parsed.port
    except ValueError:
        host, port = None, None
    if not host or port is None:
        raise ConfigError(f"{uri}: give a host and a port, e.g. tcp://127.0.0.1:10700")
    if not allow_lan and not is_loopback(host):
        raise ConfigError(f"refusing to listen on {host}: Wyoming has no authentication, so the server "
                          "stays on this machine unless [wyoming] allow_lan = true (see README)")
    return "tcp", host, port


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


def serve(settings: Settings, uri: str | None = None) -> int:
    """Runs until SIGTERM/SIGINT, then ends the process with status 0 (a bad address or a busy
    port: VoicerecError before anything is loaded or bound)."""
    uri = uri or settings.wyoming.uri
    check_address(uri, settings.wyoming.allow_lan)
    root = logging.getLogger()
    if root.level != logging.DEBUG:  # --debug wins; otherwise one line per request, at log_level
        root.setLevel(getattr(logging, settings.log_level.upper(), logging.INFO))
        logging.getLogger("faster_whisper").setLevel(logging.WARNING)
    malloc.limit_arenas()  # before the models' thread pools start
    rc = asyncio.run(_serve(settings, uri))
    # as the daemon does: end here, without the interpreter's teardown of native thread pools
    # (CTranslate2, onnxruntime), which can abort a process stopped in the middle of a request
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(rc)


async def _serve(settings: Settings, uri: str) -> int:
    notifier = Notifier()
    scheme, host, port = check_address(uri, settings.wyoming.allow_lan)
    notifier.status("loading models")
    service = Service(settings)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, service.warm)
    server = AsyncServer.from_uri(uri)
    try:
        await server.start(lambda reader, writer: Connection(service, reader, writer))
    except OSError as e:
        raise VoicerecError(f"cannot listen on {uri}: {e.strerror or e}") from None
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if scheme == "tcp" and host and not is_loopback(host):
        log.warning(LAN_WARNING.format(address=uri))
    advert = await _advertise(settings, host, port) if settings.wyoming.zeroconf else None
    with listening(settings, "wyoming", "the Wyoming server (Home Assistant)", uri):
        log.info("serving %s", uri)
        notifier.ready(f"serving {uri}")
        watchdog = asyncio.create_task(_watchdog(notifier, service, uri))
        tidy = asyncio.create_task(housekeeping(service))
        await stop.wait()
        notifier.stopping()
        log.info("stopping")
        watchdog.cancel()
        tidy.cancel()
        if advert is not None:
            await advert.close()
        await server.stop()
    service.close()
    return 0


async def _watchdog(notifier: Notifier, service: Service, uri: str) -> None:
    status = ""
    while True:
        if notifier.watchdog_due() and service.healthy():
            notifier.watchdog()
        now = f"serving {uri}: {service.status()}"
        if now != status:
            status = now
            notifier.status(now)
        await asyncio.sleep(1.0)


async def _advertise(settings: Settings, host: str | None, port: int | None):  # noqa: ANN202
    if host is None or port is None or is_loopback(host):
        log.warning("zeroconf: not advertised, the server is not on the LAN (set [wyoming] uri and allow_lan)")
        return None
    try:
        from voicerec.wyoming.advertise import Advert
    except ImportError:
        log.warning("zeroconf: not advertised, the zeroconf package is not installed (the voicerec[zeroconf] extra, "
                    "which systemd/install.sh installs from the lock)")
        return None
    try:
        return await Advert.start(settings.wyoming.zeroconf_name, host, port)
    except Exception as e:  # noqa: BLE001 - the network stack raises many kinds; the server runs on
        log.warning("zeroconf: advertising failed: %s", e)
        return None


def check_server(settings: Settings, running: list[str]) -> Check:
    """`voicerec doctor`: the Wyoming server's address, and whether one answers there (a describe:
    its info names voicerec). `running`: the addresses voicerec's servers say they listen on."""
    import socket

    uri = settings.wyoming.uri
    try:
        scheme, host, port = check_address(uri, settings.wyoming.allow_lan)
    except ConfigError as e:
        return Check("Wyoming server", False, e.message, "fix [wyoming] uri")
    try:
        if scheme == "unix":
            conn = socket.socket(socket.AF_UNIX)
            conn.settimeout(2)
            conn.connect(urlparse(uri).path)
        else:
            conn = socket.create_connection(("127.0.0.1" if host in ("0.0.0.0", "::") else host, port), timeout=2)
        with conn:
            conn.sendall(b'{"type": "describe"}\n')
            reply = conn.makefile("rb").readline(65536)
    except OSError:
        where = f" (voicerec says it listens at {', '.join(running)})" if running else ""
        return Check("Wyoming server", None, f"not running at {uri}{where}: start it with `voicerec wyoming` "
                     "or systemd/install.sh --wyoming, if Home Assistant should use voicerec")
    ours = b"voicerec" in reply
    return Check("Wyoming server", ours, f"answering at {uri}" + ("" if ours else ", but it is not voicerec"),
                 "another program holds the port: set [wyoming] uri")
