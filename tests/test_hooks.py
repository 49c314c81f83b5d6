"""The on_choose hook as a real subprocess: its arguments and environment, its timeout, a failure in one
line, and nothing from a request (or a title) reaching a shell. Then through the pipeline ("put the
second one on") and the CLI, and the setting's own checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from voicerec import hooks
from voicerec.config import HooksSettings, Settings
from voicerec.errors import ConfigError

VOICEREC = str(Path(sys.executable).parent / "voicerec")
EVIL = "Evil; touch semi $(touch dollar) `touch tick` && touch and | cat > pipe; rm -rf ~/nothing"


def recorder(tmp_path: Path) -> Path:
    """A hook that writes its arguments and environment to out.json (and does nothing else)."""
    script = tmp_path / "record.py"
    script.write_text(textwrap.dedent(f"""
        import json, os, sys
        json.dump({{"argv": sys.argv[1:], "env": dict(os.environ)}}, open({str(tmp_path / "out.json")!r}, "w"))
    """))
    return script


CHOSEN = {"title": "Toy Story", "year": "1995", "service": "disney", "services": "disney", "id": "tm1",
          "imdb_id": "tt0114709", "kind": "movie"}


def test_arguments_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICEREC_LLM__API_KEY", "sk-secret")  # voicerec's own settings never reach a hook
    cmd = f"{sys.executable} {recorder(tmp_path)} --play {{title}} --year={{year}} {{service}} {{id}} {{imdb_id}} {{kind}}"
    run = hooks.on_choose(HooksSettings(on_choose=cmd), CHOSEN)
    assert run.ran and run.ok and "\n" not in run.message
    out = json.loads((tmp_path / "out.json").read_text())
    assert out["argv"] == ["--play", "Toy Story", "--year=1995", "disney", "tm1", "tt0114709", "movie"]
    env = out["env"]
    assert env["VOICEREC_TITLE"] == "Toy Story" and env["VOICEREC_YEAR"] == "1995" and env["VOICEREC_ID"] == "tm1"
    assert env["VOICEREC_SERVICE"] == "disney" and env["VOICEREC_IMDB_ID"] == "tt0114709"
    assert "VOICEREC_LLM__API_KEY" not in env and env.get("PATH")


def test_nothing_reaches_a_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.chdir(marks)  # the hook runs here: anything a shell ran would leave a file
    title = EVIL
    cmd = f"{sys.executable} {recorder(tmp_path)} {{title}}"
    run = hooks.on_choose(HooksSettings(on_choose=cmd), {**CHOSEN, "title": title})
    assert run.ok
    assert json.loads((tmp_path / "out.json").read_text())["argv"] == [title]  # one argument, as it is
    assert list(marks.iterdir()) == []  # no ;, $( ), ` `, &&, | or > was run


def test_timeout_stops_the_hook_and_what_it_started(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    script = tmp_path / "slow.py"
    script.write_text(textwrap.dedent(f"""
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        open({str(pidfile)!r}, "w").write(str(child.pid))
        time.sleep(60)
    """))
    t0 = time.monotonic()
    run = hooks.on_choose(HooksSettings(on_choose=f"{sys.executable} {script}", timeout_s=1.0), CHOSEN)
    assert time.monotonic() - t0 < 10
    assert run.ran and not run.ok and "longer than 1 s" in run.message and "\n" not in run.message
    child = int(pidfile.read_text())
    for _ in range(50):  # the grandchild went with its process group
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the hook's child is still running")


def test_a_failure_is_one_line(tmp_path: Path) -> None:
    cmd = [sys.executable, "-c", "import sys; print('line one\\nno such device', file=sys.stderr); sys.exit(3)"]
    run = hooks.on_choose(HooksSettings(on_choose=subprocess.list2cmdline(cmd)), CHOSEN)
    assert not run.ok and "\n" not in run.message
    assert "exited with status 3" in run.message and "no such device" in run.message
    missing = hooks.on_choose(HooksSettings(on_choose="/no/such/tv-play {title}"), CHOSEN)
    assert not missing.ok and missing.message.startswith("on_choose failed: cannot run tv-play")
    assert not hooks.on_choose(HooksSettings(), CHOSEN).ran


def test_the_setting_is_checked_when_read(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[hooks]\non_choose = "tv-play {titel}"\n')
    config.chmod(0o600)
    with pytest.raises(ConfigError, match=r"unknown placeholder \{titel\}"):
        Settings.load(config)
    config.write_text('[hooks]\non_choose = "tv-play \'unclosed"\n')
    with pytest.raises(ConfigError, match="not a command line"):
        Settings.load(config)
    assert Settings().wyoming.run_hooks is False  # over Wyoming a hook runs only where the household allows it


def test_put_the_second_one_on_runs_the_hook(tmp_path: Path, catalog_path: Path) -> None:
    from voicerec.assistant import Assistant

    cmd = f"{sys.executable} {recorder(tmp_path)} {{title}} {{service}} {{id}}"
    s = Settings(catalog_path=catalog_path, state_dir=tmp_path / "state", hooks=HooksSettings(on_choose=cmd))
    a = Assistant(s)
    listed = a.answer("a korean thriller on netflix", session="tv").results
    chosen = a.answer("put the second one on", session="tv")
    assert [r.id for r in chosen.results] == [listed[1].id] and chosen.hook and chosen.hook.startswith("on_choose:")
    assert chosen.reply.startswith(f"{listed[1].title} is on Netflix")
    assert json.loads((tmp_path / "out.json").read_text())["argv"] == [listed[1].title, "netflix", listed[1].id]
    (tmp_path / "out.json").unlink()
    again = a.answer("play it", session="tv", run_hooks=False)  # what the Wyoming server does by default
    assert [r.id for r in again.results] == [listed[1].id] and again.hook is None
    assert not (tmp_path / "out.json").exists()


def test_cli_reports_a_failing_hook_in_one_line(tmp_path: Path, catalog_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[hooks]\non_choose = "{sys.executable} -c \\"import sys; sys.exit(4)\\""\ntimeout_s = 5\n')
    config.chmod(0o600)
    env = {**os.environ, "VOICEREC_STATE_DIR": str(tmp_path / "state"), "VOICEREC_CATALOG_PATH": str(catalog_path)}
    ask = [VOICEREC, "--config", str(config), "ask", "--json", "--session", "cli"]
    subprocess.run([*ask, "--", "a korean thriller on netflix"], env=env, capture_output=True, text=True, check=True)
    p = subprocess.run([*ask, "--", "put the first one on"], env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and "Traceback" not in p.stderr
    answer = json.loads(p.stdout)
    assert answer["query"]["intent"] == "choose" and answer["act"]["kind"] == "choose" and answer["act"]["ref"] == 1
    assert answer["hook"] == f"on_choose failed: {Path(sys.executable).name} exited with status 4"
    assert "couldn't start it" in answer["reply"] and "catch" not in answer["reply"]
