#!/usr/bin/env bash
# Test audio for the speech tests and benchmarks, generated (never hand-edited) into tests/.audio/.
# Idempotent and quick when done: each part is skipped while its stamp matches its inputs.
#
#   tests/.audio/librivox/*.wav + *.txt   real read speech (LibriVox, from the pocketsphinx 5.1.1 sdist)
#   tests/.audio/goforward.wav            "go forward ten meters" (same sdist, raw s16le -> wav)
#   tests/.audio/spoken/<voice>[-noise]/<id>.wav   the dev requests, synthesised (scripts/make_test_speech.py)
#   tests/.audio/spoken/texts.jsonl       their reference texts
#
# Needs: the venv (.venv), pip reaching the package index once, espeak-ng and sox (apt).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-$ROOT/.venv/bin/python}
OUT=$ROOT/tests/.audio
PS_VERSION=5.1.1
log() { printf '[test_assets] %s\n' "$*" >&2; }
mkdir -p "$OUT"

# 1. Real speech from the pocketsphinx sdist.
if [ ! -f "$OUT/librivox/.done-$PS_VERSION" ]; then
    sdist=$OUT/pocketsphinx-$PS_VERSION.tar.gz
    if [ ! -f "$sdist" ]; then
        log "fetching the pocketsphinx $PS_VERSION sdist (LibriVox test clips)"
        # only pocketsphinx itself is forced to the sdist; its build tools may come as wheels
        "$PY" -m pip download -q --disable-pip-version-check --no-deps \
            --no-binary pocketsphinx "pocketsphinx==$PS_VERSION" -d "$OUT" 2>&1 | grep -v 'is ignored' >&2 || true
        [ -f "$sdist" ] || { log "could not download the pocketsphinx sdist"; exit 1; }
    fi
    tmp=$(mktemp -d)
    tar xzf "$sdist" -C "$tmp" --wildcards "pocketsphinx-$PS_VERSION/test/data/librivox/*.wav" \
        "pocketsphinx-$PS_VERSION/test/data/librivox/*.txt" "pocketsphinx-$PS_VERSION/test/data/goforward.raw"
    rm -rf "$OUT/librivox"
    mkdir -p "$OUT/librivox"
    cp "$tmp/pocketsphinx-$PS_VERSION"/test/data/librivox/*.{wav,txt} "$OUT/librivox/"
    sox -q -t raw -r 16000 -e signed -b 16 -c 1 "$tmp/pocketsphinx-$PS_VERSION/test/data/goforward.raw" "$OUT/goforward.wav"
    rm -rf "$tmp"
    touch "$OUT/librivox/.done-$PS_VERSION"
    log "LibriVox clips ready in $OUT/librivox"
fi

# 2. The spoken dev requests, re-made whenever the texts, the generator or the take change.
#    VOICEREC_TEST_SEED (default 1) picks the take of the Piper clips; the tests use the same seed.
SEED=${VOICEREC_TEST_SEED:-1}
want=$( (cat tests/data/dev_requests.jsonl tests/data/dev_conversations.jsonl tests/data/name_requests.jsonl scripts/make_test_speech.py; echo "seed $SEED") | sha256sum | cut -c1-16)
if [ "$(cat "$OUT/spoken/.stamp" 2>/dev/null || true)" != "$want" ]; then
    log "synthesising the spoken dev requests (Piper joe take $SEED + espeak-ng, clean and noisy)"
    rm -rf "$OUT/spoken.new"
    "$PY" scripts/make_test_speech.py "$OUT/spoken.new" --seed "$SEED"
    echo "$want" > "$OUT/spoken.new/.stamp"
    rm -rf "$OUT/spoken"
    mv "$OUT/spoken.new" "$OUT/spoken"
fi
