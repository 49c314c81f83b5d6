"""Settings: one typed, frozen object, read from defaults, then files, then the environment.

Order (later wins): built-in defaults → /etc/voicerec/config.toml → ~/.config/voicerec/config.toml →
--config FILE → VOICEREC_* environment variables (nested with a double underscore, e.g.
VOICEREC_LLM__BASE_URL=http://127.0.0.1:8080/v1). The layering is pydantic-settings' (a TOML
source and the environment source); this module keeps only our fields and our checks on the files:
an unknown key is an error naming its line ("did you mean history_days?"), a file others can write
or that belongs to someone else is refused, and so is a file holding a secret that others can read.

`Settings.load()` reads all of that; `Settings(...)` is just the defaults and what is passed in.
With no file at all the embedded defaults apply: bundled Whisper tiny.en, the bundled Piper joe
voice, the built-in parser, no network.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import os
import re
import shlex
import stat
import tomllib
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from voicerec import trust
from voicerec.errors import ConfigError
from voicerec.vocab.places import SERVICES, country_code, service_of

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# what a hook is told about the chosen title ({title} in its command line, VOICEREC_TITLE in its environment)
HOOK_FIELDS = ("title", "year", "service", "services", "id", "imdb_id", "kind")
SYSTEM_CONFIG = Path("/etc/voicerec/config.toml")
ENV_PREFIX = "VOICEREC_"

_SECTION = ConfigDict(frozen=True, extra="forbid")


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
    model_config = _SECTION
    model: str = Field("bundled", description="'bundled' (tiny.en), a CTranslate2 model folder, or a model name")
    device: str = "cpu"
    compute_type: str = "int8"
    beam_size: int = Field(4, ge=1, le=10, description="4: more hypotheses for the rescoring; in a room with a TV, "
                           "WER 50.6% -> 44.7% against 2 on the tuning requests (bench/results/room-tune-beam.md)")
    threads: int = Field(2, ge=1, le=64)
    language: str | None = "en"
    vad: bool = True
    window_s: int = Field(15, ge=5, le=30, description="encoder window for a short request, in seconds: 15 "
                          "decodes a 3 s request in 0.35 s; 20 is more accurate (0.5 s); 30 = faster-whisper's own")
    max_seconds: float = Field(30.0, gt=0, description="longer recordings are cut here, with a message")
    bias: bool = Field(True, description="bias decoding toward catalogue words and snap near-misses")
    incremental: bool = Field(True, description="decode while the button is held (at pauses, every second of "
                              "speech) and keep what stays the same, so little is left to decode at the release")
    clean: Literal["off", "webrtc"] = Field("off", description="clean the audio before Whisper: WebRTC's noise "
                                            "suppression and automatic gain (webrtc-noise-gain). Off by default: "
                                            "measured, it made Whisper worse with a TV and reverberation (BENCHMARKS.md)")
    noise_suppression: int = Field(2, ge=0, le=4, description="WebRTC noise suppression level, 0 (off) to 4 (most)")
    auto_gain_dbfs: int = Field(3, ge=0, le=31, description="WebRTC automatic gain target, dB below full scale "
                                "(0: no gain control)")
    rescore: bool = Field(True, description="choose among Whisper's beam hypotheses by what the catalogue and "
                          "the parser make of each (and sound-alike names), not by Whisper's score alone")
    ask_back: bool = Field(True, description="when unsure what was said, ask 'Did you mean ...?' instead of "
                           "answering a mishearing")


class TTSSettings(BaseModel):
    model_config = _SECTION
    voice: str = Field("joe", description="'joe' (bundled), a voice name in voices/, or a .onnx path")
    voices_dir: Path = PROJECT_ROOT / "voices"
    length_scale: float = Field(1.0, gt=0.2, lt=3.0, description="speech speed: below 1 is faster")


class LLMSettings(BaseModel):
    model_config = _SECTION
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
    model_config = _SECTION
    input_device: str | int | None = None
    output_device: str | int | None = None
    sample_rate: int = 16000
    preroll_ms: int = Field(400, ge=0, le=3000)
    barge_in_skip_ms: int | None = Field(None, ge=0, le=1000, description="a press while the reply plays (barge-in) "
                                         "drops the pre-roll (the reply's own voice) and this much after the press, "
                                         "while the speakers still play; default: the output's own latency")
    max_utterance_s: float = Field(15.0, gt=0, le=120)
    end_on_silence: bool = False
    silence_ms: int = Field(900, ge=200, le=5000)
    earcon: bool = True


class PTTSettings(BaseModel):
    model_config = _SECTION
    gpio_pin: int | None = Field(None, description="BCM pin of a button to GND, e.g. 17")
    gpio_pull_up: bool = True
    gpio_bounce_ms: int = 30
    evdev_device: str | None = Field(None, description="/dev/input/eventN or a device name")
    evdev_key: str = "KEY_SPACE"
    socket_path: Path | None = Field(None, description="control socket; default <state_dir>/control.sock")

    # both reach the systemd drop-in install.sh writes as root: only what a device and a key look like
    @field_validator("evdev_device")
    @classmethod
    def _device(cls, v: str | None) -> str | None:
        return None if v is None else trust.device(v)

    @field_validator("evdev_key")
    @classmethod
    def _key(cls, v: str) -> str:
        return trust.key(v)


class WyomingSettings(BaseModel):
    """`voicerec wyoming`: the server Home Assistant's Assist pipeline talks to (docs in README)."""

    model_config = _SECTION

    uri: str = Field("tcp://127.0.0.1:10700", description="tcp://HOST:PORT or unix://PATH to listen on")
    allow_lan: bool = Field(False, description="Wyoming has no authentication: only with this set may the "
                            "server listen on an address other machines can reach")
    zeroconf: bool = Field(False, description="advertise _wyoming._tcp so Home Assistant finds the server "
                           "(needs allow_lan and the zeroconf package)")
    zeroconf_name: str = Field("voicerec", min_length=1, max_length=60)
    max_clients: int = Field(64, ge=1, le=4096, description="connections beyond this are answered 'busy'")
    max_clients_per_peer: int = Field(16, ge=1, le=4096, description="connections from one address beyond "
                                      "this are answered 'busy' (Home Assistant opens one per request)")
    idle_s: float = Field(300.0, gt=0, le=86400, description="a connection that asks for nothing this long is "
                          "closed (pings and describe do not count)")
    handle_queue: int = Field(32, ge=0, le=10000, description="typed requests waiting beyond the one running")
    asr_queue: int = Field(8, ge=0, le=1000, description="recordings waiting to be transcribed")
    tts_queue: int = Field(8, ge=0, le=1000, description="replies waiting to be spoken")
    max_wait_s: float = Field(15.0, gt=0, le=600, description="a request not started by then is answered 'busy'")
    max_text_chars: int = Field(1000, ge=10, le=100_000, description="longest request text")
    max_speech_chars: int = Field(5000, ge=10, le=1_000_000, description="longest text to speak")
    max_payload_bytes: int = Field(1 << 20, ge=4096, le=64 << 20, description="largest audio chunk")
    household_changes: bool = Field(False, description="let requests over Wyoming change the household's state "
                                    "(\"I've seen it\": the seen list; taste) and add to its history; off, they are "
                                    "refused with a spoken reason and write nothing")
    run_hooks: bool = Field(False, description="run the household's hooks ([hooks] on_choose) for requests that "
                            "come over Wyoming too; off: Home Assistant gets the answer, the hook does not run")


class TMDBSettings(BaseModel):
    """`voicerec catalog refresh` (catalog/tmdb/): the household's own TMDB credentials; README."""
    model_config = _SECTION
    token: SecretStr | None = Field(None, description="the API read access token, sent as Authorization: Bearer")
    api_key: SecretStr | None = Field(None, description="or the v3 API key, sent as ?api_key=")
    api_base: str = Field("https://api.themoviedb.org/3", description="TMDB's API v3 (checked by the refresh)")
    concurrency: int = Field(8, ge=1, le=32, description="requests in flight at once")
    max_rps: float = Field(40.0, gt=0, le=1000, description="requests per second at most (TMDB allows ~50)")
    timeout: float = Field(20.0, gt=0, le=300, description="seconds to wait for one answer")
    max_titles: int = Field(2000, ge=1, le=100_000, description="titles a refresh lists (most popular first)")



class HooksSettings(BaseModel):
    """Commands the household runs when something happens ("put the second one on"): README, Hooks."""

    model_config = _SECTION

    on_choose: str | None = Field(None, description="a command line run (no shell) when a title is chosen; "
                                  "placeholders {title} {year} {service} {services} {id} {imdb_id} {kind}, "
                                  "the same values in VOICEREC_* environment variables")
    timeout_s: float = Field(5.0, gt=0, le=120, description="the hook is stopped after this long")

    @field_validator("on_choose")
    @classmethod
    def _command(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        try:
            args = shlex.split(v)
        except ValueError as e:
            raise ValueError(f"on_choose is not a command line ({e})") from None
        unknown = sorted({m for a in args for m in re.findall(r"\{(\w*)\}", a)} - set(HOOK_FIELDS))
        if unknown:
            raise ValueError(f"on_choose: unknown placeholder {{{unknown[0]}}} (known: {', '.join(HOOK_FIELDS)})")
        return v


# The files Settings.load() layers, oldest first; None while Settings(...) is built directly.
_FILES: ContextVar[tuple[Path, ...] | None] = ContextVar("voicerec_config_files", default=None)
_ENV: ContextVar[bool] = ContextVar("voicerec_config_env", default=True)  # False: root's file alone


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid", frozen=True,
        case_sensitive=False,
    )

    catalog_path: Path = Field(default_factory=default_catalog_path)
    data_dir: Path = PROJECT_ROOT / "data" / "catalog"
    state_dir: Path = Field(default_factory=default_state_dir)
    results: int = Field(3, ge=1, le=10)
    verbosity: Literal["brief", "normal", "detailed"] = Field(
        "normal", description="how much a reply says about each title; the rest comes on request")
    my_services: list[str] = Field(default_factory=list,
                                   description="the services this household has; empty = all of them")
    max_age: int | None = Field(None, ge=0, le=18, description="a household age ceiling no request can lift")
    region: str = Field("US", description="the household's country: whose services refreshes fetch and answers name")

    @field_validator("region", mode="before")
    @classmethod
    def _region(cls, v: str) -> str:
        if code := country_code(str(v)):
            return code
        raise ValueError(f"{str(v)[:20]!r} is not a country (like US, FR or GB)")

    @field_validator("my_services")
    @classmethod
    def _known_services(cls, v: list[str]) -> list[str]:
        out = []
        for name in v:
            key = service_of(name)
            if key is None:
                raise ValueError(f"unknown service {name!r} (one of: {', '.join(SERVICES)})")
            out.append(key)
        return list(dict.fromkeys(out))
    session_idle_s: float = Field(300.0, gt=0)
    keep_audio: bool = False
    history_days: int = Field(30, ge=0, description="0 keeps no history (and erases what was kept)")
    history_text: bool = Field(False, description="keep the words of each request in the history too; "
                               "by default only the structured query and the titles suggested")
    embeddings: bool = Field(True, description="rank by meaning too (MiniLM, ~100 MB resident); off for a "
                             "512 MB board: keywords and quality only")
    log_level: str = "INFO"
    stt: STTSettings = Field(default_factory=STTSettings)
    tts: TTSSettings = Field(default_factory=TTSSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    audio: AudioSettings = Field(default_factory=AudioSettings)
    ptt: PTTSettings = Field(default_factory=PTTSettings)
    wyoming: WyomingSettings = Field(default_factory=WyomingSettings)
    tmdb: TMDBSettings = Field(default_factory=TMDBSettings)
    hooks: HooksSettings = Field(default_factory=HooksSettings)

    @field_validator("llm")
    @classmethod
    def _llm_url(cls, llm: LLMSettings) -> LLMSettings:
        """A bad base_url is found when the settings are read, not at the first request."""
        if llm.base_url is not None:
            check_llm_url(llm.base_url)
        return llm

    @property
    def control_socket(self) -> Path:
        return self.ptt.socket_path or self.state_dir / "control.sock"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        files = _FILES.get()
        if files is None:
            return (init_settings,)
        # one source per file, the last file first: pydantic-settings deep-merges the sources
        env = (env_settings,) if _ENV.get() else ()
        return init_settings, *env, *(CheckedToml(settings_cls, f) for f in reversed(files))

    @classmethod
    def load(cls, config_file: Path | str | None = None, *, root_config: Path | str | None = None) -> Settings:
        """Merge defaults, config files and environment into one validated Settings. With
        `root_config` (systemd/install.sh, as root): that file alone, which root must own
        (trust.check_root_owned), and neither a user's file nor the environment."""
        if root_config is not None:
            try:
                trust.check_root_owned(Path(root_config))
            except ValueError as e:
                raise ConfigError(str(e)) from None
            return cls._from((Path(root_config),), env=False)
        files = [SYSTEM_CONFIG, _user_config()]
        if config_file:
            path = Path(config_file)
            if not path.is_file():
                raise ConfigError(f"config file not found: {path}")
            files.append(path)
        for path in files:
            try:
                path.is_file()
            except OSError as e:  # a folder on the way this user may not enter
                raise ConfigError(f"cannot read {path}: {e.strerror}") from None
        check_environment(os.environ)
        return cls._from(tuple(files), env=True)

    @classmethod
    def _from(cls, files: tuple[Path, ...], env: bool) -> Settings:
        token, env_token = _FILES.set(files), _ENV.set(env)
        try:
            return cls()
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            if first["type"] == "extra_forbidden":
                env = ENV_PREFIX + "__".join(str(p) for p in first["loc"]).upper()
                raise ConfigError(f"unknown setting {where} (from {env}?)") from None
            msg = first["msg"].removeprefix("Value error, ")
            raise ConfigError(f"bad setting {where}: {msg}") from None
        finally:
            _FILES.reset(token)
            _ENV.reset(env_token)

    def redacted(self) -> dict[str, Any]:
        """The settings as JSON-safe data, secrets hidden."""
        data = json.loads(self.model_dump_json())
        if data["llm"]["base_url"]:
            data["llm"]["base_url"] = redact_url(data["llm"]["base_url"])
        return data


# VOICEREC_* variables voicerec's own tools read that are not settings (the catalogue's vector cache,
# the LLM test server's build and models); VOICEREC_TEST_* are the tests' and benchmarks' own
OTHER_ENV = ("EMBED_CACHE", "CACHE", "BUILD_JOBS", "LLM_GGUF", "LLAMA_SERVER")


def check_environment(environ: Mapping[str, str]) -> None:
    """A VOICEREC_* variable that names no setting is refused (pydantic-settings refuses only a
    section's unknown keys and would ignore VOICEREC_HISTROY_DAYS), with the likely setting."""
    fields = _fields(Settings)
    for var in sorted(environ):
        if not var.upper().startswith(ENV_PREFIX):
            continue
        rest = var[len(ENV_PREFIX):].upper()
        if rest in OTHER_ENV or rest.startswith("TEST_"):
            continue
        top = rest.split("__", 1)[0].lower()
        if top in fields and (fields[top] is not None or "__" not in rest):
            continue  # a setting, or a section's key (pydantic-settings checks those)
        hint = suggest((top,)) if "__" not in rest else None
        tip = f" (did you mean {ENV_PREFIX}{hint.upper()}?)" if hint and "." not in hint else ""
        raise ConfigError(f"unknown setting {var}{tip}")


def config_files(config_file: Path | str | None = None) -> list[Path]:
    """The files `Settings.load` reads, in its order (those that exist are read; later wins)."""
    return [SYSTEM_CONFIG, _user_config(), *([Path(config_file)] if config_file else [])]


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


class CheckedToml(TomlConfigSettingsSource):
    """pydantic-settings' TOML source, each file checked before it is believed (see the module doc)."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        super().__init__(settings_cls, toml_file=path)

    def _read_file(self, path: Any) -> dict[str, Any]:
        path = Path(path)
        try:
            raw = path.read_bytes()
            st = path.stat()
        except OSError as e:
            raise ConfigError(f"cannot read {path}: {e.strerror}") from None
        try:
            text = raw.decode("utf-8")
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path} is not valid TOML: {e}") from None
        check_file(path, st, data)
        unknown = unknown_keys(data)
        if unknown:
            raise ConfigError(describe_unknown(path, text, unknown[0]))
        return data


def check_file(path: Path, st: os.stat_result, data: dict[str, Any]) -> None:
    """Refuse a config file that someone else could have written, or a secret others can read."""
    if st.st_uid not in (0, os.geteuid()):
        raise ConfigError(f"{path} belongs to uid {st.st_uid}, not to you or root; "
                          f"run: sudo chown {os.geteuid()} {path} (or remove it)")
    # root's file that root shares with one group, the service's (chown root:voicerec, chmod 640): the
    # service reads it as that group, root as root; any other reader is refused where it reads
    shared = st.st_uid == 0 and st.st_gid != 0 and (st.st_gid == os.getegid() or os.geteuid() == 0)
    others = stat.S_IROTH | stat.S_IWGRP | stat.S_IWOTH | (0 if shared else stat.S_IRGRP)
    if _has_secret(data) and st.st_mode & others:
        raise ConfigError(f"{path} holds an API key and is readable by other users; run: chmod 600 {path} "
                          "(or, root's file for a service: chown root:voicerec and chmod 640)")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise ConfigError(f"{path} can be changed by other users; run: chmod go-w {path}")


def _has_secret(data: dict[str, Any]) -> bool:
    llm, tmdb = data.get("llm"), data.get("tmdb")
    return any(isinstance(d, dict) and bool(d.get("api_key") or d.get("token")) for d in (llm, tmdb))


def _fields(model: type[BaseModel]) -> dict[str, type[BaseModel] | None]:
    """Each field's name, with its settings section class when it is a section."""
    out: dict[str, type[BaseModel] | None] = {}
    for name, info in model.model_fields.items():
        kind = info.annotation
        out[name] = kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None
    return out


def unknown_keys(data: dict[str, Any], model: type[BaseModel] = Settings,
                 prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every key path in `data` that is not a setting, e.g. [("histroy_days",), ("llm", "apikey")]."""
    known = _fields(model)
    out: list[tuple[str, ...]] = []
    for key, value in data.items():
        if key not in known:
            out.append((*prefix, key))
        elif known[key] is not None and isinstance(value, dict):
            out += unknown_keys(value, known[key], (*prefix, key))  # type: ignore[arg-type]
    return out


def suggest(key: tuple[str, ...]) -> str | None:
    """The setting a mistyped key most likely meant, dotted ("history_days", "llm.api_key")."""
    names: list[tuple[str, ...]] = []
    for name, section in _fields(Settings).items():
        names.append((name,))
        if section is not None:
            names += [(name, sub) for sub in _fields(section)]
    wanted = key[-1].lower().replace("-", "_")
    same_section = {n[-1]: n for n in names if n[:-1] == key[:-1]}
    anywhere: dict[str, tuple[str, ...]] = {}
    for n in names:  # a name two sections share ("api_key") suggests the first: [llm] before [tmdb]
        if len(n) > 1 or not key[:-1]:
            anywhere.setdefault(n[-1], n)
    for pool, cutoff in ((same_section, 0.6), (anywhere, 0.75)):
        if wanted in pool:
            return ".".join(pool[wanted])
        close = difflib.get_close_matches(wanted, list(pool), n=1, cutoff=cutoff)
        if not close:
            squashed = {k.replace("_", ""): k for k in pool}
            close = [squashed[c] for c in difflib.get_close_matches(wanted.replace("_", ""), list(squashed),
                                                                    n=1, cutoff=cutoff)]
        if not close:
            close = [k for k in pool if k.startswith(wanted)][:1] if len(wanted) >= 4 else []
        if close:
            return ".".join(pool[close[0]])
    return None


def describe_unknown(path: Path, text: str, key: tuple[str, ...]) -> str:
    where = f"{path} line {line}" if (line := _line_of(text, key)) else str(path)
    hint = suggest(key)
    tip = f" (did you mean {hint}?)" if hint else ""
    return f"{where}: unknown setting {'.'.join(key)!r}{tip}"


_HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")


def _line_of(text: str, key: tuple[str, ...]) -> int | None:
    """The line that sets `key` (in its [section], or dotted), else the first line naming it."""
    section: tuple[str, ...] = ()
    name = re.escape(key[-1])
    setting = re.compile(rf'^\s*(?:[\w"\'.-]+\.)?["\']?{name}["\']?\s*=')
    fallback = None
    for n, line in enumerate(text.splitlines(), 1):
        if m := _HEADER.match(line):
            section = tuple(p.strip().strip("\"'") for p in m.group(1).split("."))
            if section == key:
                return n
            continue
        if setting.match(line):
            dotted = line.split("=", 1)[0].strip().split(".")
            if section + tuple(p.strip().strip("\"'") for p in dotted) == key:
                return n
            fallback = fallback or n
    return fallback
