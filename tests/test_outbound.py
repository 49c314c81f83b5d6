"""What leaves the box, and what a bad argument does (issue 16, findings 9 and 10): no client
fingerprint headers, no credentials in logs, a warning for a key sent in clear, and request text that
is not UTF-8 answered instead of crashing. Servers on loopback only; the one remote URL below is a
documentation address that nothing ever connects to (only a client is built for it)."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from llm_servers import FaultServer, closed_port, fault_server
from pydantic import SecretStr

from voicerec.config import LLMSettings
from voicerec.understand.llm import LLMParser

__all__ = ["fault_server"]
VOICEREC = str(Path(sys.executable).parent / "voicerec")
NEVER_CONTACTED = "http://192.0.2.10:8080/v1"  # TEST-NET-1: no client built here ever sends to it


def test_no_client_fingerprint_headers(fault_server: FaultServer) -> None:
    parser = LLMParser(LLMSettings(base_url=fault_server.url("ok"), timeout=5))
    assert parser.parse("a light comedy") is not None
    headers = fault_server.requests_for("ok")[-1].headers
    assert not [h for h in headers if h.startswith("x-stainless")], headers
    assert headers["user-agent"] == "voicerec"
    assert not any(word in " ".join(headers.values()).lower() for word in ("linux", "x86_64", "aarch64", "cpython"))


def test_credentials_in_the_url_are_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    url = f"http://alice:hunter2@127.0.0.1:{closed_port()}/v1"
    caplog.set_level(logging.DEBUG, logger="voicerec")
    assert LLMParser(LLMSettings(base_url=url, timeout=2)).parse("a light comedy") is None
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "cannot reach http://***@127.0.0.1" in logged, logged
    assert "hunter2" not in logged and "alice" not in logged


def test_an_api_key_over_plain_http_to_another_machine_is_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="voicerec")
    LLMParser(LLMSettings(base_url=NEVER_CONTACTED, api_key=SecretStr("sk-x")))
    assert any("over plain http" in r.getMessage() for r in caplog.records)
    caplog.clear()
    LLMParser(LLMSettings(base_url="http://127.0.0.1:9/v1", api_key=SecretStr("sk-x")))
    LLMParser(LLMSettings(base_url="http://[::1]:9/v1", api_key=SecretStr("sk-x")))
    LLMParser(LLMSettings(base_url=NEVER_CONTACTED))  # no key: nothing secret goes in clear
    assert not any("plain http" in r.getMessage() for r in caplog.records)


def test_privacy_names_the_server_without_credentials_and_warns(tmp_path: Path) -> None:
    env = {**os.environ, "VOICEREC_STATE_DIR": str(tmp_path / "s"), "VOICEREC_LLM__API_KEY": "sk-secret",
           "VOICEREC_LLM__BASE_URL": "http://me:pw@192.0.2.10:8080/v1"}
    p = subprocess.run([VOICEREC, "privacy", "--json"], capture_output=True, text=True, timeout=60, env=env)
    assert p.returncode == 0, p.stderr
    sent = json.loads(p.stdout)["sent"]
    assert sent[0]["to"] == "http://***@192.0.2.10:8080/v1" and not sent[0]["local"]
    assert "plain http" in sent[0]["warning"] and "X-Stainless" in sent[0]["what"]
    assert "pw" not in p.stdout.replace("pw@", "") and "sk-secret" not in p.stdout
    text = subprocess.run([VOICEREC, "privacy"], capture_output=True, text=True, timeout=60, env=env).stdout
    assert "WARNING" in text and "me:pw" not in text


def test_request_and_session_that_are_not_utf8_are_answered(tmp_path: Path, catalog_path: Path) -> None:
    env = {**os.environ, "VOICEREC_STATE_DIR": str(tmp_path / "s"), "VOICEREC_CATALOG_PATH": str(catalog_path)}
    p = subprocess.run([VOICEREC.encode(), b"ask", b"--json", b"--session", b"me\xff", b"--",
                        b"a korean thriller \xff\xfe"], capture_output=True, timeout=120, env=env)
    assert p.returncode == 0, p.stderr
    answer = json.loads(p.stdout)
    assert answer["results"] and answer["transcript"] == "a korean thriller \ufffd\ufffd"
    con = sqlite3.connect(tmp_path / "s" / "sessions.db")
    assert [r[0] for r in con.execute("SELECT name FROM sessions")] == ["me\ufffd"]
    con.close()


def test_the_llm_hears_what_was_said_not_the_households_settings(fault_server: FaultServer, tmp_path: Path,
                                                                  catalog_path: Path) -> None:
    """Issue 25, finding 12: the request's `previous` carried the household's settings (available_on
    = my_services, its max_age), which were applied to the query before the session kept it. Only
    what the person said is sent; the household is applied in the catalogue query, every turn."""
    from voicerec.assistant import Assistant
    from voicerec.config import Settings

    settings = Settings(catalog_path=catalog_path, state_dir=tmp_path / "s", my_services=["netflix", "hulu"],
                        max_age=12, llm={"base_url": fault_server.url("ok"), "timeout": 10})
    assistant = Assistant(settings)
    first = assistant.answer("a korean thriller", session="home")
    assert first.query.available_on == ["netflix", "hulu"] and first.query.max_age == 12  # applied
    second = assistant.answer("a family comedy from the nineties", session="home")
    assert second.query.available_on == ["netflix", "hulu"] and second.query.max_age == 12
    sent = json.loads(fault_server.requests_for("ok")[-1].body["messages"][-1]["content"])
    assert sent["transcript"] == "a family comedy from the nineties"
    previous = sent["previous"]
    assert "thriller" in previous["genres"] and previous["countries"] == ["KR"], previous
    assert not {"available_on", "max_age", "exclude_ids"} & set(previous), previous
    assert "netflix" not in json.dumps(sent) and "hulu" not in json.dumps(sent)
