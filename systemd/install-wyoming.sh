#!/usr/bin/env bash
# The last step of `sudo systemd/install.sh --wyoming` (steps 1-5 are install.sh's): the Wyoming
# server's unit, voicerec-wyoming.service, enabled and (unless --no-start) restarted.
#
# Wyoming has no authentication. The unit lets in loopback only; when /etc/voicerec/config.toml
# says [wyoming] allow_lan = true, the drop-in voicerec-wyoming.service.d/lan.conf also lets in
# this home network's private and link-local addresses (and mDNS, for zeroconf), never the
# internet. Run install.sh --wyoming again after changing allow_lan.
set -euo pipefail
START=${1:-1}
PREFIX=/opt/voicerec
VENV=$PREFIX/.venv
STATE=/var/lib/voicerec
USER_NAME=voicerec
UNIT=voicerec-wyoming
DROPIN=/etc/systemd/system/$UNIT.service.d
log() { printf '[voicerec-install] %s\n' "$*" >&2; }

install -m 0644 "$PREFIX/systemd/$UNIT.service" "/etc/systemd/system/$UNIT.service"
read -r allow_lan uri < <(runuser -u "$USER_NAME" -- env VOICEREC_STATE_DIR="$STATE" HOME="$STATE" \
    VOICEREC_CATALOG_PATH="$STATE/catalog.db" "$VENV/bin/python" -c \
    'from voicerec.config import Settings; w = Settings.load().wyoming; print(w.allow_lan, w.uri)')
if [ "$allow_lan" = True ]; then
    install -d -m 0755 "$DROPIN"
    install -m 0644 /dev/stdin "$DROPIN/lan.conf" <<'CONF'
# Written by systemd/install.sh --wyoming because [wyoming] allow_lan = true: machines on this home
# network may connect (private and link-local addresses, mDNS for zeroconf); the internet may not.
# Wyoming has no authentication. Run install.sh --wyoming again after changing allow_lan.
[Service]
IPAddressAllow=10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 169.254.0.0/16 fc00::/7 fe80::/10 224.0.0.251 ff02::fb
CONF
    log "$uri is open to this home network (allow_lan = true): Wyoming has no authentication"
else
    rm -f "$DROPIN/lan.conf"
    log "$uri: this machine only (set [wyoming] uri and allow_lan = true to serve Home Assistant elsewhere)"
fi
systemctl daemon-reload
systemctl enable "$UNIT.service" >/dev/null
if [ "$START" -eq 1 ]; then
    systemctl restart "$UNIT.service"
    log "started; follow it with: journalctl -u $UNIT -f"
    log "then in Home Assistant: Settings > Devices & services > Add integration > Wyoming Protocol (see README)"
else
    log "installed; start it with: sudo systemctl start $UNIT"
fi
