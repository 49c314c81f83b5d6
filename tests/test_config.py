"""Settings: the layers in their order, frozen values, and the checks on config files (issue 16,
finding 5): unknown keys named with their line and a suggestion, files others can write or that
belong to someone else refused, secrets others can read refused. Real files, the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from voicerec import config
from voicerec.config import Settings
from voicerec.errors import ConfigError

VOICEREC = str(Path(sys.executable).parent / "voicerec")


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


def privacy(tmp_path: Path, cfg: Path | None, **env: str) -> subprocess.CompletedProcess:
    """`voicerec privacy --json`: reads the settings, touches no model and no network."""
    args = [VOICEREC, *(["--config", str(cfg)] if cfg else []), "privacy", "--json"]
    e = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "xdg"), "VOICEREC_STATE_DIR": str(tmp_path / "s"), **env}
    return subprocess.run(args, capture_output=True, text=True, timeout=60, env=e)


def one_line_error(p: subprocess.CompletedProcess) -> str:
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr
    assert p.stderr.startswith("voicerec: ") and p.stderr.count("\n") == 1, p.stderr
    return p.stderr


def test_layers_in_order_later_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    system = write(tmp_path / "etc" / "config.toml", 'results = 4\nhistory_days = 9\n[llm]\nmodel = "sys"\n'
                   'timeout = 3\n[stt]\nbeam_size = 3\n', 0o644)
    write(tmp_path / "xdg" / "voicerec" / "config.toml", 'results = 5\n[llm]\nmodel = "user"\n', 0o644)
    extra = write(tmp_path / "extra.toml", '[llm]\nmodel = "extra"\nbase_url = "http://127.0.0.1:9/v1"\n', 0o644)
    monkeypatch.setattr(config, "SYSTEM_CONFIG", system)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    for key in [k for k in os.environ if k.startswith("VOICEREC_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("VOICEREC_LLM__TIMEOUT", "7.5")
    monkeypatch.setenv("VOICEREC_TEST_UNRELATED", "an env var of ours that is not a setting is ignored")

    s = Settings.load(extra)
    assert s.history_days == 9 and s.stt.beam_size == 3       # only in the system file
    assert s.results == 5                                      # the user file over the system file
    assert s.llm.model == "extra" and s.llm.base_url == "http://127.0.0.1:9/v1"  # --config over both
    assert s.llm.timeout == 7.5                                # the environment over every file
    assert Settings.load().llm.model == "user" and Settings.load().llm.base_url is None
    assert Settings().results == 3, "Settings(...) built directly is the defaults, not the files"


def test_settings_are_frozen() -> None:
    s = Settings(results=2)
    with pytest.raises(ValidationError):
        s.results = 5  # type: ignore[misc]
    with pytest.raises(ValidationError):
        s.llm.timeout = 1.0  # type: ignore[misc]
    assert s.model_copy(update={"results": 4}).results == 4 and s.results == 2


@pytest.mark.parametrize("text, line, key, hint", [
    ("results = 3\nhistroy_days = 3\n", 2, "histroy_days", "history_days"),
    ("# quiet\nkeep-audio = true\n", 2, "keep-audio", "keep_audio"),
    ('results = 3\napikey = "sk-x"\n', 2, "apikey", "llm.api_key"),
    ('[llm]\nbase_url = "http://127.0.0.1:9/v1"\n\n[stt]\nbeam = 3\n', 5, "stt.beam", "stt.beam_size"),
    ('[llm]\nmodel = "m"\nbse_url = "http://127.0.0.1:9/v1"\n', 3, "llm.bse_url", "llm.base_url"),
    ("[sst]\nmodel = 'bundled'\n", 1, "sst", "stt"),
])
def test_unknown_key_is_refused_with_its_line_and_a_suggestion(tmp_path: Path, text: str, line: int,
                                                               key: str, hint: str) -> None:
    cfg = write(tmp_path / "config.toml", text)
    err = one_line_error(privacy(tmp_path, cfg))
    assert f"{cfg} line {line}: unknown setting '{key}'" in err, err
    assert f"did you mean {hint}?" in err, err


def test_unknown_key_far_from_any_setting_has_no_guess(tmp_path: Path) -> None:
    err = one_line_error(privacy(tmp_path, write(tmp_path / "config.toml", "zebra_count = 2\n")))
    assert "line 1: unknown setting 'zebra_count'" in err and "did you mean" not in err


@pytest.mark.parametrize("mode", [0o640, 0o660, 0o604, 0o644])
def test_secret_readable_by_others_is_refused(tmp_path: Path, mode: int) -> None:
    cfg = write(tmp_path / "config.toml", '[llm]\nbase_url = "http://127.0.0.1:9/v1"\napi_key = "sk-secret"\n',
                mode & ~0o022)
    cfg.chmod(mode)
    err = one_line_error(privacy(tmp_path, cfg))
    assert "API key" in err and f"chmod 600 {cfg}" in err
    assert "sk-secret" not in err
    cfg.chmod(0o600)
    p = privacy(tmp_path, cfg)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["sent"][0]["to"] == "http://127.0.0.1:9/v1"


@pytest.mark.parametrize("mode", [0o666, 0o646, 0o620, 0o664])
def test_config_others_can_write_is_refused_whole(tmp_path: Path, mode: int) -> None:
    """No secret in it, but whoever can write it could point the LLM elsewhere or keep recordings."""
    cfg = write(tmp_path / "config.toml", 'keep_audio = true\n[llm]\nbase_url = "http://127.0.0.1:9/v1"\n')
    cfg.chmod(mode)
    err = one_line_error(privacy(tmp_path, cfg))
    assert f"chmod go-w {cfg}" in err
    cfg.chmod(0o644)
    report = json.loads(privacy(tmp_path, cfg).stdout)
    assert report["sent"] and any("recordings of your requests" in s["what"] for s in report["stored"])


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's owner needs root")
def test_config_owned_by_someone_else_is_refused(tmp_path: Path) -> None:
    cfg = write(tmp_path / "config.toml", '[llm]\nbase_url = "http://127.0.0.1:9/v1"\n', 0o644)
    os.chown(cfg, 65534, 65534)  # nobody
    err = one_line_error(privacy(tmp_path, cfg))
    assert "belongs to uid 65534" in err
    user = write(tmp_path / "xdg" / "voicerec" / "config.toml", "results = 4\n", 0o644)
    os.chown(user, 65534, 65534)
    assert "belongs to uid 65534" in one_line_error(privacy(tmp_path, None))


def test_unknown_environment_setting_is_named(tmp_path: Path) -> None:
    err = one_line_error(privacy(tmp_path, None, VOICEREC_LLM__BSE_URL="http://127.0.0.1:9/v1"))
    assert "unknown setting llm.bse_url" in err


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/v1", "127.0.0.1:8080/v1", "http://", "http://127.0.0.1:port/v1"])
def test_bad_llm_url_is_refused_when_the_settings_are_read(tmp_path: Path, url: str) -> None:
    """Finding 9: a bad base_url is a settings error at load, not at the first request."""
    err = one_line_error(privacy(tmp_path, None, VOICEREC_LLM__BASE_URL=url))
    assert "llm.base_url" in err


def test_config_errors_do_not_echo_credentials(tmp_path: Path) -> None:
    err = one_line_error(privacy(tmp_path, None, VOICEREC_LLM__BASE_URL="ftp://me:hunter2@127.0.0.1/v1"))
    assert "hunter2" not in err and "***@127.0.0.1" in err


def test_suggest_is_quiet_on_unrelated_words() -> None:
    assert config.suggest(("colour",)) is None
    assert config.suggest(("history_day",)) == "history_days"
    with pytest.raises(ConfigError):
        Settings.load(Path("/nonexistent/voicerec.toml"))


@pytest.mark.parametrize("name, hint", [("VOICEREC_HISTROY_DAYS", "VOICEREC_HISTORY_DAYS"),
                                        ("VOICEREC_KEEPAUDIO", "VOICEREC_KEEP_AUDIO"),
                                        ("VOICEREC_LLMX__MODEL", None)])
def test_a_misspelt_top_level_environment_setting_is_refused(tmp_path: Path, name: str, hint: str | None) -> None:
    """Issue 25, finding 13: VOICEREC_HISTROY_DAYS=1 was silently ignored (only section typos were
    refused), so the history kept its 30 days while the user believed it kept one."""
    err = one_line_error(privacy(tmp_path, None, **{name: "1"}))
    assert f"unknown setting {name}" in err, err
    assert (f"did you mean {hint}?" in err) if hint else "did you mean" not in err, err


def test_voicerecs_own_variables_that_are_not_settings_are_not_refused(tmp_path: Path) -> None:
    p = privacy(tmp_path, None, VOICEREC_EMBED_CACHE="", VOICEREC_TEST_SEED="3", VOICEREC_LLM_GGUF="/x.gguf",
                VOICEREC_HISTORY_DAYS="1")
    assert p.returncode == 0, p.stderr
    assert any("kept 1 days" in s["what"] for s in json.loads(p.stdout)["stored"])
