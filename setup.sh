#!/usr/bin/env bash
# voicerec setup: idempotent, quick when already done.
#
#   ./setup.sh run     set everything up, then start the daemon (voicerec run) on the embedded defaults
#   ./setup.sh test    set everything up for the tests too, then run them
#   ./setup.sh         set up only
#
# What it does: Debian packages (PortAudio, PulseAudio for the test audio path, espeak-ng/sox for
# test speech, a compiler for llama.cpp's test server), a virtualenv in .venv with voicerec
# installed in it, and catalog.db built from data/catalog when missing or older than the data.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
MODE=${1:-setup}
VENV=$ROOT/.venv
PY=${PYTHON:-python3}
log() { printf '[setup] %s\n' "$*" >&2; }

RUN_PKGS=(libportaudio2 libasound2-plugins alsa-utils)
TEST_PKGS=(pulseaudio pulseaudio-utils espeak-ng sox cmake build-essential systemd rsync)  # systemd-analyze, rsync: the unit and installer tests

apt_install() {
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

venv_install() {
    local extras=$1 stamp="$VENV/.voicerec-$1"
    local want
    want=$(cat pyproject.toml systemd/requirements.lock | sha256sum | cut -c1-16)
    if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    [ -x "$VENV/bin/python" ] || { log "creating $VENV"; "$PY" -m venv "$VENV"; }
    log "installing voicerec into $VENV ($extras)"
    "$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip >/dev/null
    # within the lock (its pins, without the hashes): the tests run what systemd/install.sh installs
    awk '/^[A-Za-z0-9]/ { sub(/[ \\]+$/, ""); print }' systemd/requirements.lock > "$VENV/constraints.txt"
    "$VENV/bin/pip" install -q --disable-pip-version-check -e ".[$extras]" -c "$VENV/constraints.txt"
    echo "$want" > "$stamp"
}

catalog() {
    "$VENV/bin/voicerec" catalog build --if-stale
}

case "$MODE" in
    setup|run)
        apt_install "${RUN_PKGS[@]}"
        venv_install pi
        catalog
        if [ "$MODE" = run ]; then
            log "starting the daemon; press Ctrl+C to stop (see README: push-to-talk)"
            exec "$VENV/bin/voicerec" run
        fi
        ;;
    test)
        apt_install "${RUN_PKGS[@]}" "${TEST_PKGS[@]}"
        venv_install test
        catalog
        bash scripts/test_assets.sh                      # test speech: LibriVox clips, spoken dev requests
        bash scripts/build_llama_server.sh >/dev/null    # llama.cpp's server, for the LLM tests (cached)
        log "running the tests"
        set +e
        "$VENV/bin/python" -m pytest "${@:2}"
        rc=$?
        set -e
        # pytest exits 5 when no test ran: that is a failure here, not a pass
        exit $rc
        ;;
    *)
        echo "usage: $0 [run|test|setup]" >&2
        exit 2
        ;;
esac
