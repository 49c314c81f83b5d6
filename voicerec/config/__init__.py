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
import json
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from voicerec import trust
from voicerec.config.sections import (  # noqa: F401 - the sections are part of this module's API
    HOOK_FIELDS,
    PROJECT_ROOT,
    AudioSettings,
    HooksSettings,
    LLMSettings,
    PTTSettings,
    STTSettings,
    TMDBSettings,
    TTSSettings,
    WyomingSettings,
)
from voicerec.config.urls import check_llm_url, is_loopback_host, plaintext_remote, redact_url  # noqa: F401
from voicerec.errors import ConfigError
from voicerec.vocab.places import SERVICES, country_code, service_of

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
