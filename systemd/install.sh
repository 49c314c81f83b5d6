#!/usr/bin/env bash
# Install voicerec as a systemd service on Raspberry Pi OS (64-bit) or Debian. Idempotent: run it
# again after `git pull` to update; it keeps /etc/voicerec/config.toml and the state directory.
#
#   sudo systemd/install.sh            install or update, then (re)start the service
#   sudo systemd/install.sh --no-start install or update only
#   sudo systemd/install.sh --wyoming  the Wyoming server for Home Assistant instead of the
#                                      push-to-talk daemon (steps 1-5 the same; step 6:
#                                      systemd/install-wyoming.sh). Run both for both.
#
# What it does:
#   1. Debian packages: PortAudio, ALSA tools, Python venv support
#   2. the code in /opt/voicerec (copied from this checkout), a venv in /opt/voicerec/.venv
#      with `pip install -e '.[pi]'` (gpiozero, evdev; lgpio on a Raspberry Pi)
#   3. a system user `voicerec` in the audio, gpio and input groups
#   4. /etc/voicerec/config.toml with the defaults (0644, no secrets) unless it exists
#   5. the catalogue built into /var/lib/voicerec/catalog.db (when missing or stale)
#   6. the unit /etc/systemd/system/voicerec.service, enabled and started
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=/opt/voicerec
VENV=$PREFIX/.venv
STATE=/var/lib/voicerec
ETC=/etc/voicerec
USER_NAME=voicerec
START=1
WYOMING=0
for arg in "$@"; do
    case "$arg" in
        --no-start) START=0 ;;
        --wyoming) WYOMING=1 ;;
        *) echo "usage: $0 [--no-start] [--wyoming]" >&2; exit 2 ;;
    esac
done
log() { printf '[voicerec-install] %s\n' "$*" >&2; }

[ "$(id -u)" -eq 0 ] || { echo "run as root: sudo $0" >&2; exit 1; }
command -v systemctl >/dev/null || { echo "systemd is required" >&2; exit 1; }

# 1. packages ---------------------------------------------------------------------------------
PKGS=(python3 python3-venv python3-dev libportaudio2 libasound2-plugins alsa-utils rsync)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# 2. code and venv ------------------------------------------------------------------------------
if [ "$SRC" != "$PREFIX" ]; then
    log "copying $SRC to $PREFIX"
    mkdir -p "$PREFIX"
    rsync -a --delete --exclude .venv --exclude .git --exclude catalog.db --exclude '__pycache__' \
        --exclude 'tests/.cache' "$SRC/" "$PREFIX/"
fi
[ -x "$VENV/bin/python" ] || { log "creating $VENV"; python3 -m venv "$VENV"; }
stamp=$(cat "$PREFIX/pyproject.toml" | sha256sum | cut -c1-16)
if [ "$(cat "$VENV/.voicerec-installed" 2>/dev/null)" != "$stamp" ]; then
    log "installing voicerec into $VENV (a few minutes the first time)"
    "$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
    "$VENV/bin/pip" install -q --disable-pip-version-check -e "$PREFIX[pi]"
    if grep -qi raspberry /proc/device-tree/model 2>/dev/null; then
        "$VENV/bin/pip" install -q --disable-pip-version-check lgpio \
            || log "lgpio did not install: the GPIO button may not work (keyboard and socket will)"
    fi
    echo "$stamp" > "$VENV/.voicerec-installed"
fi

# 3. the user ---------------------------------------------------------------------------------
if ! id "$USER_NAME" >/dev/null 2>&1; then
    log "creating the system user $USER_NAME"
    useradd --system --home-dir "$STATE" --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
fi
for g in audio gpio input; do
    if getent group "$g" >/dev/null; then usermod -aG "$g" "$USER_NAME"; fi
done

# 4. config -------------------------------------------------------------------------------------
install -d -m 0755 "$ETC"
if [ ! -f "$ETC/config.toml" ]; then
    log "writing $ETC/config.toml"
    install -m 0644 /dev/stdin "$ETC/config.toml" <<'TOML'
# voicerec settings (defaults shown). Environment variables VOICEREC_<SECTION>__<FIELD> override.
# Reload after editing: sudo systemctl reload voicerec
# An [llm] api_key makes this file secret: then chmod 600 it and chown voicerec.
catalog_path = "/var/lib/voicerec/catalog.db"
results = 3
keep_audio = false       # never write recordings to disk
history_days = 30        # 0 keeps no history

[audio]
# input_device = "USB"   # a name (part of it) or index from `voicerec devices`; default: the system default
# output_device = "Headphones"
preroll_ms = 400
max_utterance_s = 15
end_on_silence = false   # true: stop listening after a pause, even while the button is held
silence_ms = 900
earcon = true

[ptt]
socket_path = "/var/lib/voicerec/control.sock"   # `sudo -u voicerec voicerec ptt press|release|toggle|status`
gpio_pin = 17            # a button between GPIO 17 and GND
gpio_pull_up = true
gpio_bounce_ms = 30
# evdev_device = "Presenter"   # a keyboard or remote: /dev/input/eventN or part of its name
# evdev_key = "KEY_SPACE"

[stt]
model = "bundled"        # Whisper tiny.en, shipped with the package

[tts]
voice = "joe"            # the bundled Piper voice

[wyoming]                # `voicerec wyoming` (install.sh --wyoming): Home Assistant's Assist
uri = "tcp://127.0.0.1:10700"   # this machine only; Home Assistant elsewhere: tcp://0.0.0.0:10700
allow_lan = false        # Wyoming has NO authentication: true lets anyone on your network use it
zeroconf = false         # true: Home Assistant discovers it (needs allow_lan and pip install zeroconf)

# [llm]                  # optional: any OpenAI-compatible server for harder requests
# base_url = "http://192.168.1.20:8080/v1"
TOML
fi

# 5. state and catalogue ------------------------------------------------------------------------
install -d -m 0700 -o "$USER_NAME" -g "$USER_NAME" "$STATE"
log "building the catalogue in $STATE (if missing or stale)"
runuser -u "$USER_NAME" -- env VOICEREC_STATE_DIR="$STATE" VOICEREC_CATALOG_PATH="$STATE/catalog.db" \
    VOICEREC_DATA_DIR="$PREFIX/data/catalog" HOME="$STATE" XDG_CACHE_HOME="$STATE/cache" \
    "$VENV/bin/voicerec" catalog build --if-stale >/dev/null

# 6. the unit -----------------------------------------------------------------------------------
[ "$WYOMING" -eq 1 ] && exec "$PREFIX/systemd/install-wyoming.sh" "$START"
install -m 0644 "$PREFIX/systemd/voicerec.service" /etc/systemd/system/voicerec.service
systemctl daemon-reload
if [ "$START" -eq 1 ]; then
    systemctl enable voicerec.service >/dev/null
    systemctl restart voicerec.service
    log "started; follow it with: journalctl -u voicerec -f"
    log "try it: sudo -u $USER_NAME $VENV/bin/voicerec ptt status"
else
    systemctl enable voicerec.service >/dev/null
    log "installed; start it with: sudo systemctl start voicerec"
fi
