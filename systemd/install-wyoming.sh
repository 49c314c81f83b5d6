#!/usr/bin/env bash
# The last step of `sudo systemd/install.sh --wyoming` (steps 1-5 are install.sh's): the Wyoming
# server's unit, voicerec-wyoming.service, enabled and (unless --no-start) restarted.
#
# Wyoming has no authentication. The unit lets in loopback only; its drop-in
# voicerec-wyoming.service.d/local.conf (`voicerec unit --wyoming`, run as root on root's
# /etc/voicerec/config.toml alone, every value checked) adds what the settings need: with
# [wyoming] allow_lan = true this home network's private and link-local addresses (never the
# internet; the server checks each peer too), with zeroconf mDNS, with a remote LLM its addresses.
# Run install.sh --wyoming again after changing [wyoming] or llm.base_url.
set -euo pipefail
START=${1:-1}
PREFIX=/opt/voicerec
VENV=$PREFIX/.venv
ETC=/etc/voicerec
UNIT=voicerec-wyoming
DROPIN=/etc/systemd/system/$UNIT.service.d
log() { printf '[voicerec-install] %s\n' "$*" >&2; }

install -m 0644 "$PREFIX/systemd/$UNIT.service" "/etc/systemd/system/$UNIT.service"
install -d -m 0755 "$DROPIN"
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$VENV/bin/voicerec" unit --wyoming --root-config "$ETC/config.toml" \
    > "$DROPIN/local.conf.new"
mv "$DROPIN/local.conf.new" "$DROPIN/local.conf"
chmod 0644 "$DROPIN/local.conf"
rm -f "$DROPIN/lan.conf"  # an older install's
systemctl daemon-reload
systemctl enable "$UNIT.service" >/dev/null
if [ "$START" -eq 1 ]; then
    systemctl restart "$UNIT.service"
    log "started; follow it with: journalctl -u $UNIT -f"
    log "then in Home Assistant: Settings > Devices & services > Add integration > Wyoming Protocol (see README)"
else
    log "installed; start it with: sudo systemctl start $UNIT"
fi
