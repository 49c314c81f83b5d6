#!/usr/bin/env bash
# Check the model packages' files (their code and weights) against systemd/models.sha256.
#   systemd/check-models.sh SITE_PACKAGES     exit 0 when every file matches, else 1 (names the file)
set -euo pipefail
manifest="$(cd "$(dirname "$0")" && pwd)/models.sha256"
site=${1:?usage: $0 SITE_PACKAGES}
cd "$site"
if ! out=$(grep -v '^#' "$manifest" | sha256sum --check --strict 2>&1); then
    echo "model files do not match systemd/models.sha256:" >&2
    printf '%s\n' "$out" | grep -v ': OK$' >&2
    exit 1
fi
