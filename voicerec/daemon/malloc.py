"""Keep a long-running process's memory close to what it uses (glibc malloc; a no-op elsewhere).

Loading ONNX and CTranslate2 models, and each request's temporary buffers, leave freed memory
inside malloc's heaps, where it still counts as resident. `trim()` hands it back to the system;
the daemon calls it once the models are loaded and after every request, when it is idle (a few
milliseconds). `limit_arenas()` caps malloc's per-thread arenas, each of which would otherwise
keep its own free memory; it must run before the native thread pools start.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # glibc's mallopt parameter numbers
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 4 << 20  # blocks this large or larger are mmap'd, and handed back when freed


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        libc.malloc_trim  # noqa: B018 - glibc only (musl, macOS: absent)
        libc.mallopt  # noqa: B018
        return libc
    except (OSError, AttributeError):
        return None


_LIBC = _libc()


def trim() -> bool:
    """Return free heap memory to the system. True if anything was released."""
    if _LIBC is None:
        return False
    return bool(_LIBC.malloc_trim(0))


def limit_arenas(n: int = 2) -> bool:
    """At most n malloc arenas for all threads (glibc's default is 8 per core)."""
    if _LIBC is None:
        return False
    ok = bool(_LIBC.mallopt(M_ARENA_MAX, int(n)))
    # A fixed mmap threshold: glibc otherwise raises it (up to 32 MB) each time a large mmap'd block
    # is freed, after which a request's large temporary buffers land in the heap and stay resident.
    # 4 MiB: the soak's idle RSS as with 128 KiB or 1 MiB (421 vs 438 MB), without their cost in
    # speed (every smaller buffer mmap'd and zeroed afresh: +17-28% CPU per request in-process)
    if not _LIBC.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD):
        log.debug("mallopt(M_MMAP_THRESHOLD) refused")
    if not ok:
        log.debug("mallopt(M_ARENA_MAX) refused")
    return ok


def rss_mb() -> float | None:
    """This process's resident memory in MB (Linux), for logs and benchmarks."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None
