#!/usr/bin/env python3
"""`voicerec listen --json FILE`, but heard the daemon's way: the recording fed to the hearing in
20 ms blocks (speech/hearing.py, every decode done at once), then answered. Anything else is passed
to voicerec's own CLI. For comparing the spoken-request pass counts of both paths in one run:

    python tests/data/check_requests.py tests/data/dev_requests.jsonl --audio-dir tests/.audio/spoken/joe \\
        --cmd ".venv/bin/python bench/listen_in_blocks.py"
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicerec.cli import main as voicerec_main  # noqa: E402


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[:2] != ["listen", "--json"]:
        return voicerec_main(argv)
    from voicerec.assistant import Assistant
    from voicerec.config import Settings
    from voicerec.speech.decode import load_audio
    from voicerec.speech.hearing import Hearing

    settings = Settings.load()
    assistant = Assistant(settings)
    audio = load_audio(argv[2], settings.stt.max_seconds)
    hearing = Hearing(assistant.transcriber, background=False)
    for i in range(0, len(audio.samples), 320):
        hearing.feed(audio.samples[i:i + 320])
    transcript = hearing.finish()
    answer = assistant.answer(transcript.text)
    print(answer.model_dump_json(exclude={"results": {"__all__": {"score", "votes", "popularity"}}}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
