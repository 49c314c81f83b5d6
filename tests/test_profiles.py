"""The documented Raspberry Pi profiles (docs/pi/*.toml) are valid settings, and what they turn off
still answers (docs/pi.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from voicerec.config import Settings

PROFILES = sorted((Path(__file__).resolve().parent.parent / "docs" / "pi").glob("*.toml"))


@pytest.fixture(autouse=True)
def _only_the_profile(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The profile as a board would read it: no VOICEREC_* variables, no user config of this machine."""
    import os

    for name in [n for n in os.environ if n.startswith("VOICEREC_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_profile_is_valid_settings(path: Path) -> None:
    settings = Settings.load(path)
    assert settings.stt.incremental and settings.stt.model == "bundled"
    assert 1 <= settings.stt.threads <= 4


def test_there_is_a_profile_for_each_board() -> None:
    assert {p.stem for p in PROFILES} >= {"pi4", "pi-zero-2w"}


def test_without_embeddings_requests_are_still_answered(tmp_path: Path, catalog_path: Path) -> None:
    from voicerec.assistant import Assistant

    zero = Settings.load(PROFILES[[p.stem for p in PROFILES].index("pi-zero-2w")])
    assert not zero.embeddings
    assistant = Assistant(zero.model_copy(update={"catalog_path": catalog_path, "state_dir": tmp_path}))
    for request in ("a horror movie on Hulu", "something like Breaking Bad", "a cozy movie for a rainy day"):
        answer = assistant.answer(request)
        assert answer.results and answer.reply, request
    assert assistant.ranker.index is None  # the vectors (and the embedder) were never loaded
