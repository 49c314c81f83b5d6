#!/usr/bin/env bash
# The --refresh step of `sudo systemd/install.sh --refresh` (after steps 1-5): the weekly catalogue
# refresh from TMDB, voicerec-refresh.timer, for the region in /etc/voicerec/config.toml
# (region = "FR"). Off by default: nothing leaves the house unless the household installs it and
# gives its own TMDB credentials in /etc/voicerec/tmdb.env (root-owned, 0600; read by systemd for
# this service only). The service runs in the daemon's sandbox with only TMDB's addresses allowed
# out (refresh-allow.sh). Turn it off: systemctl disable --now voicerec-refresh.timer
set -euo pipefail
PREFIX=/opt/voicerec
ETC=/etc/voicerec
UNIT=voicerec-refresh
log() { printf '[voicerec-install] %s\n' "$*" >&2; }

if [ ! -f "$ETC/tmdb.env" ]; then
    install -m 0600 -o root -g root /dev/stdin "$ETC/tmdb.env" <<'ENV'
# voicerec catalog refresh: the household's TMDB credentials (https://www.themoviedb.org/settings/api),
# read by systemd for voicerec-refresh.service only. Keep this file root-owned and 0600. One of:
# VOICEREC_TMDB__TOKEN=<the API read access token>
# VOICEREC_TMDB__API_KEY=<the API key>
ENV
fi
chown root:root "$ETC/tmdb.env"
chmod 0600 "$ETC/tmdb.env"
install -m 0644 "$PREFIX/systemd/$UNIT.service" "/etc/systemd/system/$UNIT.service"
install -m 0644 "$PREFIX/systemd/$UNIT.timer" "/etc/systemd/system/$UNIT.timer"
systemctl daemon-reload
region=$("$PREFIX/.venv/bin/python" -c 'from voicerec.config import Settings; print(Settings.load().region)')
if grep -Eq '^[[:space:]]*VOICEREC_TMDB__(TOKEN|API_KEY)=[^[:space:]]' "$ETC/tmdb.env"; then
    systemctl enable --now "$UNIT.timer" >/dev/null
    log "weekly catalogue refresh for region $region is on; run one now: sudo systemctl start $UNIT"
else
    systemctl disable --now "$UNIT.timer" >/dev/null 2>&1 || true
    log "put your TMDB token in $ETC/tmdb.env, then run install.sh --refresh again (the timer stays off until then)"
fi
