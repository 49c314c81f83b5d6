"""`voicerec doctor`, as a person runs it: a real process, real PortAudio devices (the private
PulseAudio server's null sinks) or none at all."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from pulse import PulseServer, read_wav

ROOT = Path(__file__).resolve().parent.parent
VOICEREC = str(Path(sys.executable).parent / "voicerec")


def _lines(out: str) -> dict[str, str]:
    """name → the whole line, for lines 'MARK name: detail'."""
    found = {}
    for line in out.splitlines():
        head = line[5:].split(":", 1)[0]
        found[head] = line
    return found


def test_no_microphone_or_speaker_says_so_one_line_each(tmp_path: Path) -> None:
    nowhere = tempfile.mkdtemp(prefix="voicerec-no-sound-")
    env = {**os.environ, "XDG_RUNTIME_DIR": nowhere, "PULSE_SERVER": f"unix:{nowhere}/none",
           "VOICEREC_STATE_DIR": str(tmp_path), "PULSE_CLIENTCONFIG": "/dev/null"}
    p = subprocess.run([VOICEREC, "doctor", "--seconds", "1"], env=env, capture_output=True, text=True, timeout=120)
    lines = _lines(p.stdout)
    assert p.returncode != 0, p.stdout
    assert lines["microphone"].startswith("FAIL") and "none found" in lines["microphone"], p.stdout
    assert lines["speaker"].startswith("FAIL"), p.stdout
    assert "Traceback" not in p.stderr and p.stderr.strip() == "", p.stderr
    # the rest of the chain is still checked, one line each
    for name in ("push-to-talk", "speech model", "voice", "catalogue", "config files", "LLM", "Wyoming server"):
        assert name in lines, (name, p.stdout)
    assert sum(1 for line in p.stdout.splitlines() if line[5:].startswith(("microphone", "speaker"))) == 2
    assert "level while you speak" not in lines  # no device: nothing more to say about it


def _keep_talking(pulse: PulseServer, speech: Path, proc: subprocess.Popen) -> None:
    while proc.poll() is None:
        pulse.play_into_mic(speech)


def test_null_sinks_are_found_heard_and_played_on(pulse: PulseServer, tmp_path: Path) -> None:
    """The virtual microphone is found and its level while a request plays into it is measured;
    the chime is really played on the speaker sink."""
    speech = ROOT / "tests" / ".audio" / "goforward.wav"
    env = {**pulse.env, "VOICEREC_STATE_DIR": str(tmp_path)}
    rec = pulse.record_speaker(tmp_path / "chime.wav")
    doctor = subprocess.Popen([VOICEREC, "doctor", "--seconds", "3"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    talking = threading.Thread(target=_keep_talking, args=(pulse, speech, doctor), daemon=True)
    talking.start()  # someone speaks, again and again, until the doctor is done (however slow it starts)
    out, err = doctor.communicate(timeout=120)
    talking.join(timeout=10)
    chime = rec.stop(tail_s=0.3)
    lines = _lines(out)
    assert lines["microphone"].startswith("OK"), out
    assert lines["speaker"].startswith("OK") and "chime" in lines["speaker"], out
    assert lines["level while you speak"].startswith("OK"), out
    loud = float(lines["level while you speak"].split("loudest ")[1].split(" dBFS")[0])
    floor = float(lines["room noise floor"].split(": ")[1].split(" dBFS")[0])
    assert loud > floor + 20, out  # the speech, well above the (silent) virtual room
    audio, rate = read_wav(chime)
    assert (abs(audio) > 0.05).sum() > rate * 0.1, "the chime was not played on the speaker sink"
    assert "Traceback" not in err
