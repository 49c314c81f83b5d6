#!/usr/bin/env bash
# Build llama.cpp's `llama-server` (CPU only) and fetch the SmolLM2-135M GGUF, both cached.
#
# Used by the tests of the LLM parser (tests/test_llm.py), which serve the tiny model locally
# through the OpenAI-compatible API. Idempotent: a second run only checks the cache (< 1 s).
#
#   scripts/build_llama_server.sh          prints the path of the llama-server binary
#
# Cache: $VOICEREC_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/voicerec)
#   llama-server/bin/llama-server               the binary (statically linked to libllama/ggml)
#   models/SmolLM2-135M-Instruct.Q4_1.gguf      the model (see scripts/llm_models.py)
# Sources: the llama.cpp tree vendored in the llama-cpp-python sdist (~3.5 min to build on 2 cores).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
CACHE=${VOICEREC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/voicerec}
DIR=$CACHE/llama-server
BIN=$DIR/bin/llama-server
JOBS=${VOICEREC_BUILD_JOBS:-2}
if [ -x "$ROOT/.venv/bin/python" ]; then PY=$ROOT/.venv/bin/python; else PY=${PYTHON:-python3}; fi
log() { printf '[llama-server] %s\n' "$*" >&2; }

mkdir -p "$DIR"
# one build at a time (parallel test runs, two shells)
exec 9>"$DIR/.lock"
command -v flock >/dev/null && flock 9

# the binary is built for this CPU (-march=native): a cache copied to another CPU rebuilds
cpu_id() { grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | sha256sum | cut -c1-16; }
works() { [ -x "$BIN" ] && [ "$(cat "$BIN.cpu" 2>/dev/null)" = "$(cpu_id)" ] && "$BIN" --version >/dev/null 2>&1; }

if ! works; then
    need() { command -v "$1" >/dev/null || { log "missing $1 (apt-get install cmake build-essential)"; exit 1; }; }
    need cmake; need c++
    mkdir -p "$DIR/dl"
    SDIST=$(ls "$DIR"/dl/llama_cpp_python-*.tar.gz 2>/dev/null | sort -V | tail -n1 || true)
    if [ -z "$SDIST" ]; then
        log "downloading the llama-cpp-python sdist"
        "$PY" -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: \
            llama-cpp-python -d "$DIR/dl" >&2
        SDIST=$(ls "$DIR"/dl/llama_cpp_python-*.tar.gz | sort -V | tail -n1)
    fi
    SRC=$DIR/src
    if [ ! -f "$SRC/.complete" ] || [ "$(cat "$SRC/.complete")" != "$(basename "$SDIST")" ]; then
        log "extracting llama.cpp from $(basename "$SDIST")"
        rm -rf "$SRC" && mkdir -p "$SRC"
        tar -xzf "$SDIST" -C "$SRC" --strip-components=3 --wildcards '*/vendor/llama.cpp/*'
        basename "$SDIST" > "$SRC/.complete"
    fi
    log "building llama-server (CPU only, -j$JOBS; a few minutes the first time)"
    GEN=()
    command -v ninja >/dev/null && GEN=(-G Ninja)
    cmake -S "$SRC" -B "$DIR/build" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release \
        -DBUILD_SHARED_LIBS=OFF -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF \
        -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON \
        -DGGML_OPENMP=OFF >"$DIR/cmake.log" 2>&1 || { tail -n 30 "$DIR/cmake.log" >&2; exit 1; }
    cmake --build "$DIR/build" --target llama-server -j "$JOBS" >"$DIR/build.log" 2>&1 \
        || { tail -n 30 "$DIR/build.log" >&2; exit 1; }
    mkdir -p "$DIR/bin"
    cp "$DIR/build/bin/llama-server" "$BIN.tmp" && mv -f "$BIN.tmp" "$BIN"
    cpu_id > "$BIN.cpu"
    works || { log "built $BIN but it does not run"; exit 1; }
    rm -rf "$DIR/build" "$SRC"   # keep the cache small: the binary is self-contained
    log "built $BIN"
fi

"$PY" "$HERE/llm_models.py" >/dev/null
echo "$BIN"
