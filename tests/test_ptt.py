"""Push-to-talk sources, the control socket and sd_notify, without audio or models.

GPIO through gpiozero's MockFactory (real gpiozero code, a simulated pin); evdev through a
uinput virtual keyboard where the kernel offers /dev/uinput (else skipped, with the reason).
"""

from __future__ import annotations

import os
import queue
import socket
import stat
import threading
import time
from pathlib import Path

import pytest

from voicerec.daemon.control import ControlServer, send_command
from voicerec.daemon.notify import Notifier
from voicerec.daemon.ptt import EvdevKey, GpioButton, PTTEvent, key_code, open_sources
from voicerec.errors import VoicerecError


def _drain(events: queue.Queue, n: int, timeout: float = 2.0) -> list[PTTEvent]:
    out, deadline = [], time.monotonic() + timeout
    while len(out) < n and time.monotonic() < deadline:
        try:
            out.append(events.get(timeout=0.05))
        except queue.Empty:
            pass
    return out


# -- GPIO ----------------------------------------------------------------------------------
def test_gpio_button_press_and_release_become_events():
    from gpiozero.pins.mock import MockFactory

    factory = MockFactory()
    events: queue.Queue = queue.Queue()
    button = GpioButton(17, events, pull_up=True, bounce_ms=0, pin_factory=factory)
    try:
        pin = factory.pin(17)
        assert _drain(events, 1, 0.2) == []  # pulled up, not pressed: nothing
        pin.drive_low()  # the button connects GPIO 17 to GND
        time.sleep(0.05)
        pin.drive_high()
        got = _drain(events, 2)
        assert [e.action for e in got] == ["press", "release"]
        assert {e.source for e in got} == {"gpio17"}
    finally:
        button.close()


def test_gpio_pull_down_button_is_active_high():
    from gpiozero.pins.mock import MockFactory

    factory = MockFactory()
    events: queue.Queue = queue.Queue()
    button = GpioButton(27, events, pull_up=False, bounce_ms=0, pin_factory=factory)
    try:
        factory.pin(27).drive_high()
        assert [e.action for e in _drain(events, 1)] == ["press"]
    finally:
        button.close()


def test_open_sources_logs_and_skips_a_source_that_cannot_start(caplog):
    from voicerec.config import PTTSettings

    events: queue.Queue = queue.Queue()
    # no pin factory given and no GPIO chip on this machine (or an invalid pin): logged, skipped
    sources = open_sources(PTTSettings(gpio_pin=999, evdev_device=None), events)
    try:
        assert sources == []
        assert "GPIO 999 unavailable" in caplog.text
    finally:
        for s in sources:
            s.close()


# -- evdev ---------------------------------------------------------------------------------
def test_key_codes_by_name_and_number():
    from evdev import ecodes

    assert key_code("KEY_SPACE") == ecodes.KEY_SPACE
    assert key_code("space") == ecodes.KEY_SPACE
    assert key_code("BTN_0") == ecodes.BTN_0
    assert key_code("57") == 57
    with pytest.raises(ValueError):
        key_code("KEY_NOT_A_KEY")


def test_evdev_source_waits_for_a_missing_device_without_crashing(caplog):
    events: queue.Queue = queue.Queue()
    source = EvdevKey("/dev/input/event-does-not-exist", "KEY_SPACE", events)
    try:
        assert not source.wait_ready(0.3)
        assert "push-to-talk key unavailable" in caplog.text
    finally:
        t0 = time.monotonic()
        source.close()
        assert time.monotonic() - t0 < 1.0


def _uinput_reason() -> str | None:
    if not os.path.exists("/dev/uinput"):
        return "/dev/uinput does not exist here (no uinput kernel module in this machine/container)"
    if not os.access("/dev/uinput", os.W_OK):
        return "/dev/uinput is not writable by this user"
    return None


@pytest.mark.skipif(_uinput_reason() is not None, reason=str(_uinput_reason()))
def test_evdev_key_through_a_uinput_virtual_keyboard():
    from evdev import UInput, ecodes

    with UInput({ecodes.EV_KEY: [ecodes.KEY_F13, ecodes.KEY_A]}, name="voicerec-test-remote") as ui:
        time.sleep(0.3)  # udev creates the event node
        events: queue.Queue = queue.Queue()
        source = EvdevKey("voicerec-test-remote", "KEY_F13", events)
        try:
            assert source.wait_ready(3.0)
            for code, value in ((ecodes.KEY_A, 1), (ecodes.KEY_A, 0), (ecodes.KEY_F13, 1),
                                (ecodes.KEY_F13, 2), (ecodes.KEY_F13, 0)):
                ui.write(ecodes.EV_KEY, code, value)
                ui.syn()
            got = _drain(events, 2)
            assert [e.action for e in got] == ["press", "release"]  # other keys and repeats ignored
        finally:
            source.close()


# -- the control socket ----------------------------------------------------------------------
@pytest.fixture
def server(tmp_path: Path):
    seen: list[str] = []
    srv = ControlServer(tmp_path / "run" / "control.sock", lambda a: seen.append(a) or f"ok {a}").start()
    srv.seen = seen
    yield srv
    srv.close()


def test_control_socket_is_owner_only_and_answers_each_command(server):
    mode = os.stat(server.path).st_mode
    assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o600
    assert stat.S_IMODE(os.stat(server.path.parent).st_mode) == 0o700
    for action in ("press", "release", "toggle", "status"):
        assert send_command(server.path, action) == f"ok {action}"
    assert server.seen == ["press", "release", "toggle", "status"]


def test_control_socket_rejects_unknown_commands(server):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(str(server.path))
        s.sendall(b"DROP TABLE titles;\n")
        reply = s.recv(1024).decode()
    assert reply.startswith("error: unknown command")
    assert server.seen == []
    with pytest.raises(VoicerecError, match="unknown push-to-talk command"):
        send_command(server.path, "explode")


def test_client_says_clearly_when_no_daemon_runs(tmp_path: Path):
    with pytest.raises(VoicerecError, match="daemon is not running") as e:
        send_command(tmp_path / "nothing.sock", "press")
    assert "\n" not in e.value.message


def test_second_daemon_refused_and_stale_socket_replaced(server, tmp_path: Path):
    with pytest.raises(VoicerecError, match="another voicerec daemon is running"):
        ControlServer(server.path, lambda a: "ok").start()
    # a socket file left behind by a killed daemon is taken over
    stale = tmp_path / "stale.sock"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(stale))
    s.close()
    srv = ControlServer(stale, lambda a: "fresh").start()
    try:
        assert send_command(stale, "status") == "fresh"
    finally:
        srv.close()
    assert not stale.exists()  # removed on close


def test_cli_ptt_prints_one_line_error_without_a_daemon(tmp_path: Path):
    import subprocess
    import sys

    env = {**os.environ, "VOICEREC_PTT__SOCKET_PATH": str(tmp_path / "none.sock")}
    r = subprocess.run([sys.executable, "-m", "voicerec.cli", "ptt", "press"], env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert r.stderr.strip().startswith("voicerec: the voicerec daemon is not running")
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


# -- sd_notify -------------------------------------------------------------------------------
def test_notify_sends_ready_watchdog_and_stopping(tmp_path: Path):
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.settimeout(2)
        n = Notifier({"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "4000000", "WATCHDOG_PID": str(os.getpid())})
        assert n.watchdog_interval == 2.0 and n.watchdog_due()
        assert n.ready("idle")
        assert sock.recv(256).decode().split("\n") == ["READY=1", "STATUS=idle"]
        n.watchdog()
        assert sock.recv(256) == b"WATCHDOG=1"
        assert not n.watchdog_due()
        n.stopping()
        assert sock.recv(256) == b"STOPPING=1"


def test_notify_is_silent_outside_systemd_and_ignores_another_pids_watchdog():
    n = Notifier({"WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"})
    assert not n.enabled and not n.ready() and n.watchdog_interval is None


def test_notify_abstract_socket_address():
    name = f"voicerec-test-{os.getpid()}-{threading.get_ident()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(2)
        assert Notifier({"NOTIFY_SOCKET": "@" + name}).status("listening")
        assert sock.recv(256) == b"STATUS=listening"
