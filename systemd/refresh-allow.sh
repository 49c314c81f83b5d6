#!/usr/bin/env bash
# ExecStartPre=+ of voicerec-refresh.service (runs as root, outside the sandbox): let the refresh
# reach exactly the addresses tmdb.api_base's host resolves to now, and nothing else but loopback.
# The service itself stays IPAddressDeny=any; this widens it for this run only (--runtime).
set -euo pipefail
PREFIX=/opt/voicerec
UNIT=voicerec-refresh.service
base=$("$PREFIX/.venv/bin/python" -c 'from voicerec.config import Settings; print(Settings.load().tmdb.api_base)')
host=$(printf '%s' "$base" | sed -E 's#^[a-z]+://([^/@]*@)?(\[[^]]*\]|[^/:]*).*#\2#; s#^\[(.*)\]$#\1#')
[ -n "$host" ] || { echo "tmdb.api_base has no host: $base" >&2; exit 1; }
addresses=$(getent ahosts "$host" | awk '{print $1}' | sort -u | tr '\n' ' ')
[ -n "$addresses" ] || { echo "cannot resolve $host (tmdb.api_base); no network?" >&2; exit 1; }
systemctl set-property --runtime "$UNIT" IPAddressAllow= "IPAddressAllow=localhost $addresses"
echo "allowed out: $host ($addresses)"
