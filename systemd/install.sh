#!/usr/bin/env bash
# Install voicerec as a systemd service on Raspberry Pi OS (64-bit) or Debian. Idempotent: run it
# again after `git pull` to update; it keeps /etc/voicerec/config.toml and the state directory.
#
#   sudo systemd/install.sh            install or update, then (re)start the service
#   sudo systemd/install.sh --no-start install or update only
#   sudo systemd/install.sh --wyoming  the Wyoming server for Home Assistant instead of the
#                                      push-to-talk daemon (steps 1-5 the same; step 6:
#                                      systemd/install-wyoming.sh). Run both for both.
#   sudo systemd/install.sh --refresh  also the weekly catalogue refresh from TMDB (off otherwise;
#                                      systemd/install-refresh.sh, with either of the above)
#
# What it does:
#   1. Debian packages: PortAudio, ALSA tools, Python venv support
#   2. the code copied to /opt/voicerec, owned by root; a root-owned venv in /opt/voicerec/.venv
#      with every dependency from systemd/requirements.lock (pinned, sha256-checked by pip), then
#      voicerec itself (not editable), then the model packages' files checked against
#      systemd/models.sha256
#   3. a system user `voicerec` (groups: audio; gpio or input only through the drop-in of step 6)
#   4. /etc/voicerec/config.toml with the defaults (0644, root, no secrets) unless it exists; an
#      existing one gets state_dir (so `voicerec history --clear` reaches the daemon's history).
#      Root reads it to write the units, so it and /etc/voicerec must be root's alone: anything
#      else is refused (an api_key: chown root:voicerec, chmod 640, and the service reads it)
#   5. the catalogue built into /var/lib/voicerec/catalog.db (when missing or stale)
#   6. the unit /etc/systemd/system/voicerec.service and its drop-in voicerec.service.d/local.conf
#      (`voicerec unit --root-config /etc/voicerec/config.toml`, run as root on root's file alone,
#      every value checked: the push-to-talk source's group and devices, the LLM server's address),
#      enabled and started
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=/opt/voicerec
VENV=$PREFIX/.venv
STATE=/var/lib/voicerec
ETC=/etc/voicerec
USER_NAME=voicerec
START=1
WYOMING=0
REFRESH=0
for arg in "$@"; do
    case "$arg" in
        --no-start) START=0 ;;
        --wyoming) WYOMING=1 ;;
        --refresh) REFRESH=1 ;;
        *) echo "usage: $0 [--no-start] [--wyoming] [--refresh]" >&2; exit 2 ;;
    esac
done
log() { printf '[voicerec-install] %s\n' "$*" >&2; }

[ "$(id -u)" -eq 0 ] || { echo "run as root: sudo $0" >&2; exit 1; }
command -v systemctl >/dev/null || { echo "systemd is required" >&2; exit 1; }

# What root reads to write the units must be root's alone: a file the service's user could change
# would let it grant itself groups, devices or addresses (`voicerec unit --root-config` checks again).
root_only() {
    local p
    for p in "$@"; do
        [ -e "$p" ] || continue
        if [ "$(stat -L -c %u "$p")" != 0 ] || [ $(( 0$(stat -L -c %a "$p") & 022 )) -ne 0 ]; then
            echo "refusing to go on: $p must belong to root and be writable by root only; run:" \
                 "sudo chown root $p && sudo chmod go-w $p (a file with an [llm] api_key:" \
                 "sudo chown root:voicerec $p && sudo chmod 640 $p)" >&2
            exit 1
        fi
    done
}
root_only /etc "$ETC" "$ETC/config.toml"

# 1. packages ---------------------------------------------------------------------------------
PKGS=(python3 python3-venv python3-dev gcc linux-libc-dev libportaudio2 libasound2-plugins alsa-utils rsync)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# 2. code and venv ------------------------------------------------------------------------------
# Root owns all of it: the service's user can read and run the code, not change it.
if [ "$SRC" != "$PREFIX" ]; then
    log "copying $SRC to $PREFIX"
    "$SRC/systemd/copy-code.sh" "$SRC" "$PREFIX"
else
    chown -R root:root "$PREFIX" && chmod -R go-w "$PREFIX"
fi
[ -x "$VENV/bin/python" ] || { log "creating $VENV"; python3 -m venv "$VENV"; }
PIP=("$VENV/bin/pip" install -q --disable-pip-version-check --no-input)
stamp=$(sha256sum "$PREFIX/systemd/requirements.lock" | cut -c1-16)
if [ "$(cat "$VENV/.voicerec-lock" 2>/dev/null)" != "$stamp" ]; then
    log "installing the locked dependencies into $VENV (a few minutes the first time)"
    lock="$PREFIX/systemd/requirements.lock"
    # setuptools first, from the lock: evdev comes as source only and is built with it (no build
    # isolation, which would fetch an unchecked setuptools)
    awk '/^[^ #]/ { p = /^setuptools==/ } p' "$lock" > "$VENV/setuptools.lock"
    "${PIP[@]}" --require-hashes --no-deps -r "$VENV/setuptools.lock"
    "${PIP[@]}" --require-hashes --no-build-isolation -r "$lock"
    echo "$stamp" > "$VENV/.voicerec-lock"
fi
log "installing voicerec into $VENV"
"${PIP[@]}" --no-deps --no-build-isolation --no-index --force-reinstall "$PREFIX"
rm -rf "$PREFIX/build" "$PREFIX"/*.egg-info
SITE=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
"$PREFIX/systemd/check-models.sh" "$SITE" || { log "refusing to go on: the model files are not the ones locked"; exit 1; }
chown -R root:root "$VENV"
chmod -R go-w "$VENV"

# 3. the user ---------------------------------------------------------------------------------
if ! id "$USER_NAME" >/dev/null 2>&1; then
    log "creating the system user $USER_NAME"
    useradd --system --home-dir "$STATE" --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
fi
# no group memberships: the unit gives the service `audio`, and the drop-in `gpio` or `input` only
# when that push-to-talk source is configured (SupplementaryGroups=)

# 4. config -------------------------------------------------------------------------------------
install -d -m 0755 "$ETC"
if [ ! -f "$ETC/config.toml" ]; then
    log "writing $ETC/config.toml"
    install -m 0644 /dev/stdin "$ETC/config.toml" <<'TOML'
# voicerec settings (defaults shown). Environment variables VOICEREC_<SECTION>__<FIELD> override.
# Reload after editing: sudo systemctl reload voicerec; after changing [ptt] or [llm] base_url,
# run systemd/install.sh again (the service's devices and network allow-list follow them).
# Unknown keys are refused. An [llm] api_key makes this file secret: then root keeps it and the
# service reads it: chown root:voicerec /etc/voicerec/config.toml && chmod 640 /etc/voicerec/config.toml
state_dir = "/var/lib/voicerec"                  # history, conversations, the control socket
catalog_path = "/var/lib/voicerec/catalog.db"
data_dir = "/opt/voicerec/data/catalog"          # what `voicerec catalog build` reads
results = 3
keep_audio = false       # never write recordings to disk
history_days = 30        # 0 keeps no history (and erases what was kept)
history_text = false     # true: the history keeps your words too, not only what they asked for

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
voices_dir = "/opt/voicerec/voices"

[wyoming]                # `voicerec wyoming` (install.sh --wyoming): Home Assistant's Assist
uri = "tcp://127.0.0.1:10700"   # this machine only; Home Assistant elsewhere: tcp://0.0.0.0:10700
allow_lan = false        # Wyoming has NO authentication: true lets anyone on your network use it
zeroconf = false         # true: Home Assistant discovers it (needs allow_lan; the zeroconf package is installed)

# [llm]                  # optional: any OpenAI-compatible server for harder requests
# base_url = "http://192.168.1.20:8080/v1"
TOML
elif ! grep -Eq '^[[:space:]]*state_dir[[:space:]]*=' "$ETC/config.toml"; then
    log "adding state_dir = \"$STATE\" to $ETC/config.toml (the CLI and the daemon share one folder)"
    sed -i "1i state_dir = \"$STATE\"    # history, conversations, the control socket" "$ETC/config.toml"
fi
chmod go-w "$ETC" "$ETC/config.toml"

# 5. state and catalogue ------------------------------------------------------------------------
install -d -m 0700 -o "$USER_NAME" -g "$USER_NAME" "$STATE"
as_voicerec() {
    runuser -u "$USER_NAME" -- env VOICEREC_STATE_DIR="$STATE" VOICEREC_CATALOG_PATH="$STATE/catalog.db" \
        VOICEREC_DATA_DIR="$PREFIX/data/catalog" HOME="$STATE" XDG_CACHE_HOME="$STATE/cache" "$@"
}
log "building the catalogue in $STATE (if missing or stale)"
# from the root-owned source copy, whose data/vectors saves embedding every title again
as_voicerec PYTHONPATH="$PREFIX" "$VENV/bin/voicerec" catalog build --if-stale >/dev/null

# 5b. the weekly catalogue refresh from TMDB: only with --refresh ----------------------------------
[ "$REFRESH" -eq 1 ] && "$PREFIX/systemd/install-refresh.sh"

# 6. the unit -----------------------------------------------------------------------------------
[ "$WYOMING" -eq 1 ] && exec "$PREFIX/systemd/install-wyoming.sh" "$START"
install -m 0644 "$PREFIX/systemd/voicerec.service" /etc/systemd/system/voicerec.service
install -d -m 0755 /etc/systemd/system/voicerec.service.d
# as root, from root's file alone (no user config, no environment), every value checked
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$VENV/bin/voicerec" unit --root-config "$ETC/config.toml" \
    > /etc/systemd/system/voicerec.service.d/local.conf.new
mv /etc/systemd/system/voicerec.service.d/local.conf.new /etc/systemd/system/voicerec.service.d/local.conf
chmod 0644 /etc/systemd/system/voicerec.service.d/local.conf
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
