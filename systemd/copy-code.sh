#!/usr/bin/env bash
# Copy the source tree SRC to PREFIX owned by root and writable by root only, whoever owns SRC
# (a clone in someone's home): the service's user and the cloning user can read it, not change it.
#   systemd/copy-code.sh SRC PREFIX        (as root)
set -euo pipefail
src=${1:?usage: $0 SRC PREFIX}
prefix=${2:?usage: $0 SRC PREFIX}
mkdir -p "$prefix"
# -rlpt: no -o/-g, so root's copy belongs to root; --chmod drops group/other write bits
rsync -rlpt --delete --chmod=go-w --exclude .venv --exclude .git --exclude catalog.db \
    --exclude '__pycache__' --exclude 'tests/.cache' --exclude 'tests/.audio' --exclude build \
    --exclude '*.egg-info' "$src/" "$prefix/"
chown -R root:root "$prefix"
chmod -R go-w "$prefix"
