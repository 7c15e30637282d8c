#!/usr/bin/env bash
# Makes sure a nats-server binary is available for integration tests and `npm start`.
# Installs it with apt when it is missing and we are root on Debian/Ubuntu;
# otherwise prints the fix and exits 1.
set -euo pipefail

find_nats() {
  if [ -n "${K8TS_NATS_SERVER:-}" ] && [ -x "${K8TS_NATS_SERVER}" ]; then echo "${K8TS_NATS_SERVER}"; return 0; fi
  command -v nats-server 2>/dev/null && return 0
  # Debian installs it in /usr/sbin, which is not on every user's PATH.
  for p in /usr/sbin/nats-server /usr/local/sbin/nats-server /usr/local/bin/nats-server; do
    if [ -x "$p" ]; then echo "$p"; return 0; fi
  done
  return 1
}

if bin="$(find_nats)"; then
  exit 0
fi

fix="install it with: sudo apt-get install -y nats-server (Debian/Ubuntu), or put a nats-server binary on PATH / in K8TS_NATS_SERVER"

if [ "$(id -u)" -ne 0 ] || [ ! -f /etc/debian_version ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-nats: nats-server not found; $fix" >&2
  exit 1
fi

echo "ensure-nats: nats-server not found; installing it with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq >/dev/null || ! apt-get install -y -qq --no-install-recommends nats-server >/dev/null; then
  echo "ensure-nats: apt-get install nats-server failed; $fix" >&2
  exit 1
fi

# The Debian package also enables a system-wide service on 0.0.0.0:4222. k8ts runs its own
# nats-server (loopback only), so switch that service off again where systemd is running.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now nats-server.service >/dev/null 2>&1 || true
  echo "ensure-nats: disabled the nats-server.service the package enabled (k8ts starts its own)" >&2
fi

if bin="$(find_nats)"; then
  echo "ensure-nats: installed $("$bin" --version 2>&1 | head -n1) at $bin" >&2
else
  echo "ensure-nats: apt-get reported success but nats-server is still not found; $fix" >&2
  exit 1
fi
