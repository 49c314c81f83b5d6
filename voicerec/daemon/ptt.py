"""Push-to-talk sources: a GPIO button (gpiozero), a key on a keyboard or remote (evdev).

Each source puts `PTTEvent`s on one queue the daemon reads; the control socket (control.py)
feeds the same queue. Any combination can run at once. A source that cannot start (no GPIO
chip, no such input device) logs one clear line and the others keep working; an evdev device
that goes away (a USB remote unplugged) is reopened with backoff.
"""

from __future__ import annotations

import logging
import os
import queue
import select
import threading
from dataclasses import dataclass, field
from typing import Any

from voicerec.checks import Check
from voicerec.config import PTTSettings

log = logging.getLogger(__name__)

ACTIONS = ("press", "release", "toggle")


@dataclass(frozen=True)
class PTTEvent:
    action: str  # press, release, toggle (and internal ones the daemon adds: auto_end, stop, reload)
    source: str = ""
    detail: str = field(default="", compare=False)


EventQueue = queue.Queue  # of PTTEvent


class GpioButton:
    """A button between a GPIO pin and GND (pull-up) or 3V3 (pull-down), debounced by gpiozero."""

    def __init__(self, pin: int, events: EventQueue, pull_up: bool = True, bounce_ms: int = 30,
                 pin_factory: Any = None) -> None:
        from gpiozero import Button

        self.name = f"gpio{pin}"
        self.button = Button(pin, pull_up=pull_up, bounce_time=(bounce_ms / 1000) or None,
                             pin_factory=pin_factory)
        self.button.when_pressed = lambda: events.put(PTTEvent("press", self.name))
        self.button.when_released = lambda: events.put(PTTEvent("release", self.name))

    def close(self) -> None:
        self.button.close()


def key_code(key: str | int) -> int:
    """'KEY_SPACE', 'space', 'BTN_0' or a number → the evdev key code."""
    from evdev import ecodes

    text = str(key).strip()
    if text.isdigit():
        return int(text)
    for name in (text.upper(), f"KEY_{text.upper()}"):
        if name in ecodes.ecodes:
            return int(ecodes.ecodes[name])
    raise ValueError(f"unknown key {key!r} (use a name like KEY_SPACE or a code)")


def find_input_device(wanted: str) -> str | None:
    """A /dev/input/eventN path for a path or a (case-insensitive, partial) device name."""
    import evdev

    if wanted.startswith("/"):
        return wanted if os.path.exists(wanted) else None
    for path in evdev.list_devices():
        try:
            dev = evdev.InputDevice(path)
        except OSError:
            continue
        try:
            if wanted.lower() in dev.name.lower():
                return path
        finally:
            dev.close()
    return None


class EvdevKey:
    """One key of an input device (keyboard, presenter remote, USB foot switch) as push-to-talk."""

    BACKOFF_S = (1.0, 2.0, 5.0, 10.0)

    def __init__(self, device: str, key: str | int, events: EventQueue) -> None:
        self.wanted = device
        self.code = key_code(key)
        self.events = events
        self.name = f"evdev:{device}"
        self.path: str | None = None
        self._stop_r, self._stop_w = os.pipe()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ptt-evdev", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float) -> bool:
        return self._ready.wait(timeout)

    def close(self) -> None:
        os.write(self._stop_w, b"x")
        self._thread.join(timeout=2)
        for fd in (self._stop_r, self._stop_w):
            os.close(fd)

    def _stopped(self, wait: float) -> bool:
        return bool(select.select([self._stop_r], [], [], wait)[0])

    def _run(self) -> None:
        import evdev

        attempt, problem = 0, ""
        while True:
            path = find_input_device(self.wanted)
            try:
                if path is None:
                    raise OSError(f"no input device matches {self.wanted!r}")
                dev = evdev.InputDevice(path)
            except OSError as e:
                msg = str(e)
                if msg != problem:
                    log.error("push-to-talk key unavailable: %s; will keep trying", msg)
                    problem = msg
                if self._stopped(self.BACKOFF_S[min(attempt, len(self.BACKOFF_S) - 1)]):
                    return
                attempt += 1
                continue
            self.path = path
            log.info("push-to-talk key %d on %s (%s)", self.code, path, dev.name)
            attempt, problem = 0, ""
            self._ready.set()
            try:
                if self._read(dev):
                    return
            except OSError as e:
                log.warning("push-to-talk device %s went away (%s); reopening", path, e.strerror or e)
                self._ready.clear()
            finally:
                dev.close()

    def _read(self, dev: Any) -> bool:
        """Forward key events until stopped (True) or the device fails (OSError)."""
        from evdev import ecodes

        while True:
            ready = select.select([dev.fd, self._stop_r], [], [])[0]
            if self._stop_r in ready:
                return True
            for ev in dev.read():
                if ev.type == ecodes.EV_KEY and ev.code == self.code and ev.value in (0, 1):
                    self.events.put(PTTEvent("press" if ev.value == 1 else "release", self.name))


def open_sources(settings: PTTSettings, events: EventQueue, pin_factory: Any = None) -> list[Any]:
    """Start every push-to-talk source the settings name; a failing one is logged and skipped."""
    sources: list[Any] = []
    if settings.gpio_pin is not None:
        try:
            sources.append(GpioButton(settings.gpio_pin, events, settings.gpio_pull_up,
                                      settings.gpio_bounce_ms, pin_factory))
            log.info("push-to-talk button on GPIO %d", settings.gpio_pin)
        except Exception as e:  # noqa: BLE001 - gpiozero raises many kinds for "no GPIO here"
            log.error("push-to-talk button on GPIO %d unavailable: %s", settings.gpio_pin,
                      str(e).splitlines()[0] if str(e) else type(e).__name__)
    if settings.evdev_device:
        try:
            sources.append(EvdevKey(settings.evdev_device, settings.evdev_key, events))
        except (ImportError, ValueError) as e:
            log.error("push-to-talk key unavailable: %s", e)
    return sources


def close_sources(sources: list[Any]) -> None:
    for source in sources:
        try:
            source.close()
        except Exception:  # noqa: BLE001
            log.debug("closing %s failed", source, exc_info=True)


def check_sources(settings: PTTSettings, control_socket: os.PathLike[str] | str) -> Check:
    """`voicerec doctor`: the push-to-talk sources the settings name, and whether each can work
    here (without claiming them from a running daemon)."""
    from pathlib import Path

    found, problems = [], []
    if settings.gpio_pin is not None:
        chips = list(Path("/dev").glob("gpiochip*"))
        try:
            import gpiozero  # noqa: F401
        except ImportError:
            problems.append(f"GPIO {settings.gpio_pin}: gpiozero is not installed (pip install 'voicerec[pi]')")
        else:
            (found if chips else problems).append(f"GPIO {settings.gpio_pin}" + ("" if chips else ": no /dev/gpiochip*"))
    if settings.evdev_device:
        dev = Path(settings.evdev_device)
        if dev.is_absolute() and not dev.exists():
            problems.append(f"{dev}: no such input device")
        elif dev.is_absolute() and not os.access(dev, os.R_OK):
            problems.append(f"{dev}: not readable (add the user to the 'input' group)")
        else:
            found.append(f"key {settings.evdev_key} on {settings.evdev_device}")
    sock = Path(control_socket)
    found.append(f"`voicerec ptt` through {sock}" + (" (the daemon is running)" if sock.exists() else ""))
    if problems:
        return Check("push-to-talk", False, "; ".join(problems), "see systemd/README.md (buttons and keys)")
    return Check("push-to-talk", True, ", ".join(found))
