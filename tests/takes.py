"""Which take of synthesised speech the tests hear.

Piper draws timing and voice at random (VITS noise) from ONNX Runtime's random generator, which a
session seeds when it is built. Seeding before building a voice fixes the take: the same audio every
run, and another take with VOICEREC_TEST_SEED (scripts/seed_sweep.py runs the speech tests over many).
"""

from __future__ import annotations

import os
import zlib


def base_seed() -> int:
    return int(os.environ.get("VOICEREC_TEST_SEED", "1"))


def seed_onnx(key: str) -> None:
    """Seed the Piper voices built next from VOICEREC_TEST_SEED and `key` (a test's or fixture's name)."""
    import onnxruntime

    onnxruntime.set_seed((base_seed() + zlib.crc32(key.encode())) % 2**31)
