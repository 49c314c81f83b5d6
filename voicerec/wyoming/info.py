"""What the server tells a client that sends `describe`: one program each for handle, asr and tts.

Home Assistant names the conversation agent, speech-to-text and text-to-speech entities after
these programs, and offers only programs and models marked installed, in their languages.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from wyoming.info import (
    AsrModel,
    AsrProgram,
    Attribution,
    HandleModel,
    HandleProgram,
    Info,
    TtsProgram,
    TtsVoice,
)

from voicerec.config import Settings

LANGUAGES = ["en"]
NAME = "voicerec"
VOICEREC = Attribution(name="voicerec (GPL-3.0-or-later)",
                       url=(Path(__file__).resolve().parents[2] / "README.md").as_uri())
WHISPER = Attribution(name="OpenAI Whisper, run by faster-whisper", url="https://github.com/openai/whisper")
PIPER = Attribution(name="Piper text to speech", url="https://github.com/rhasspy/piper")


def _version() -> str:
    try:
        return version("voicerec")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def build_info(settings: Settings) -> Info:
    version = _version()
    whisper = "whisper-tiny.en" if settings.stt.model == "bundled" else Path(settings.stt.model).name
    return Info(
        handle=[HandleProgram(
            name=NAME, attribution=VOICEREC, installed=True, version=version,
            description="voicerec: what to watch tonight, across your streaming services",
            models=[HandleModel(name=NAME, attribution=VOICEREC, installed=True, version=version,
                                description="film and series suggestions, with follow-ups per conversation",
                                languages=LANGUAGES)],
        )],
        asr=[AsrProgram(
            name=NAME, attribution=VOICEREC, installed=True, version=version,
            description="speech to text that hears film titles and names from the catalogue",
            models=[AsrModel(name=whisper, attribution=WHISPER, installed=True, version=None,
                             description=f"{whisper}, biased toward the catalogue's titles and names",
                             languages=LANGUAGES)],
        )],
        tts=[TtsProgram(
            name=NAME, attribution=VOICEREC, installed=True, version=version,
            description="the voice voicerec answers with",
            voices=[TtsVoice(name=settings.tts.voice, attribution=PIPER, installed=True, version=None,
                             description=f"Piper voice '{settings.tts.voice}'", languages=LANGUAGES)],
            supports_synthesize_streaming=True,
        )],
    )
