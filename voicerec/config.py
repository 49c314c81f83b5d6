"""Settings: one typed object, read from defaults, then files, then the environment.

Order (later wins): built-in defaults → /etc/voicerec/config.toml → ~/.config/voicerec/config.toml →
--config FILE → VOICEREC_* environment variables (nested with a double underscore, e.g.
VOICEREC_LLM__BASE_URL=http://127.0.0.1:8080/v1). With no file at all the embedded defaults apply:
bundled Whisper tiny.en, the bundled Piper joe voice, the built-in parser, no network.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, SecretStr, ValidationError

from voicerec.errors import ConfigError

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SYSTEM_CONFIG = Path("/etc/voicerec/config.toml")
ENV_PREFIX = "VOICEREC_"


def _user_config() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "voicerec" / "config.toml"


def default_state_dir() -> Path:
    """Where sessions and history live: systemd's StateDirectory, else XDG data home."""
    if os.environ.get("STATE_DIRECTORY"):
        return Path(os.environ["STATE_DIRECTORY"].split(":")[0])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "voicerec"


def default_catalog_path() -> Path:
    """The repo's top-level catalog.db (a source checkout), else the state directory's."""
    repo_db = PROJECT_ROOT / "catalog.db"
    if repo_db.exists() or (PROJECT_ROOT / "data" / "catalog").is_dir():
        return repo_db
    return default_state_dir() / "catalog.db"


class STTSettings(BaseModel):
    model: str = Field("bundled", description="'bundled' (tiny.en), a CTranslate2 model folder, or a model name")
    device: str = "cpu"
    compute_type: str = "int8"
    beam_size: int = Field(2, ge=1, le=10, description="2: LibriVox WER 4.2% vs 7.0% at 1, same speed here")
    threads: int = Field(2, ge=1, le=64)
    language: str | None = "en"
    vad: bool = True
    window_s: int = Field(15, ge=5, le=30, description="encoder window for a short request, in seconds: 15 "
                          "decodes a 3 s request in 0.35 s; 20 is more accurate (0.5 s); 30 = faster-whisper's own")
    max_seconds: float = Field(30.0, gt=0, description="longer recordings are cut here, with a message")
    bias: bool = Field(True, description="bias decoding toward catalogue words and snap near-misses")
    incremental: bool = Field(True, description="decode while the button is held (at pauses, every second of "
                              "speech) and keep what stays the same, so little is left to decode at the release")


class TTSSettings(BaseModel):
    voice: str = Field("joe", description="'joe' (bundled), a voice name in voices/, or a .onnx path")
    voices_dir: Path = PROJECT_ROOT / "voices"
    length_scale: float = Field(1.0, gt=0.2, lt=3.0, description="speech speed: below 1 is faster")


class LLMSettings(BaseModel):
    base_url: str | None = Field(None, description="any OpenAI-compatible server; unset = built-in parser only")
    model: str = "default"
    api_key: SecretStr | None = None
    timeout: float = Field(2.5, gt=0, le=60)
    max_retries: int = Field(0, ge=0, le=5)
    max_tokens: int = Field(300, ge=32, le=4000)

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)


class AudioSettings(BaseModel):
    input_device: str | int | None = None
    output_device: str | int | None = None
    sample_rate: int = 16000
    preroll_ms: int = Field(400, ge=0, le=3000)
    max_utterance_s: float = Field(15.0, gt=0, le=120)
    end_on_silence: bool = False
    silence_ms: int = Field(900, ge=200, le=5000)
    earcon: bool = True


class PTTSettings(BaseModel):
    gpio_pin: int | None = Field(None, description="BCM pin of a button to GND, e.g. 17")
    gpio_pull_up: bool = True
    gpio_bounce_ms: int = 30
    evdev_device: str | None = Field(None, description="/dev/input/eventN or a device name")
    evdev_key: str = "KEY_SPACE"
    socket_path: Path | None = Field(None, description="control socket; default <state_dir>/control.sock")


class Settings(BaseModel):
    catalog_path: Path = Field(default_factory=default_catalog_path)
    data_dir: Path = PROJECT_ROOT / "data" / "catalog"
    state_dir: Path = Field(default_factory=default_state_dir)
    results: int = Field(3, ge=1, le=10)
    session_idle_s: float = Field(300.0, gt=0)
    keep_audio: bool = False
    history_days: int = Field(30, ge=0, description="0 keeps no history")
    embeddings: bool = Field(True, description="rank by meaning too (MiniLM, ~100 MB resident); off for a "
                             "512 MB board: keywords and quality only (precision@3 0.926 vs 0.944)")
    log_level: str = "INFO"
    stt: STTSettings = Field(default_factory=STTSettings)
    tts: TTSSettings = Field(default_factory=TTSSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    audio: AudioSettings = Field(default_factory=AudioSettings)
    ptt: PTTSettings = Field(default_factory=PTTSettings)

    @property
    def control_socket(self) -> Path:
        return self.ptt.socket_path or self.state_dir / "control.sock"

    @classmethod
    def load(cls, config_file: Path | str | None = None, env: dict[str, str] | None = None) -> Settings:
        """Merge defaults, config files and environment into one validated Settings."""
        merged: dict[str, Any] = {}
        files = [SYSTEM_CONFIG, _user_config()]
        if config_file:
            path = Path(config_file)
            if not path.is_file():
                raise ConfigError(f"config file not found: {path}")
            files.append(path)
        for path in files:
            if path.is_file():
                _deep_merge(merged, _read_toml(path))
        _deep_merge(merged, _from_env(os.environ if env is None else env))
        try:
            return cls.model_validate(merged)
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ConfigError(f"bad setting {where}: {first['msg']}") from None

    def redacted(self) -> dict[str, Any]:
        """The settings as JSON-safe data, secrets hidden."""
        return json.loads(self.model_dump_json())


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path} is not valid TOML: {e}") from None
    if _has_secret(data):
        mode = path.stat().st_mode
        if mode & (stat.S_IROTH | stat.S_IWOTH):
            raise ConfigError(
                f"{path} holds an API key and is readable by everyone; run: chmod 600 {path}"
            )
    return data


def _has_secret(data: dict[str, Any]) -> bool:
    llm = data.get("llm")
    return isinstance(llm, dict) and bool(llm.get("api_key"))


def _from_env(env: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in env.items():
        if not key.startswith(ENV_PREFIX) or key in ("VOICEREC_CONFIG",):
            continue
        parts = key[len(ENV_PREFIX):].lower().split("__")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            node[parts[-1]] = value
    return out


def _deep_merge(into: dict[str, Any], new: dict[str, Any]) -> None:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _deep_merge(into[key], value)
        else:
            into[key] = value
