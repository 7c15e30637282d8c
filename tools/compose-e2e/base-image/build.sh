#!/usr/bin/env bash
# Builds the base image the Dockerfile names, locally, for machines that
# cannot pull node:20-bookworm-slim (no registry reachable): a Debian bookworm
# rootfs from debootstrap + this host's Node.js (binary and npm) + this host's
# CA bundle and global npmrc, so `npm ci` inside `podman build` reaches the
# same registry, through the same TLS interception, as the host does.
#
#   tools/compose-e2e/base-image/build.sh [--force]
#
# Env: K8TS_BASE_IMAGE (default localhost/k8ts-base:bookworm-node20),
#      DEBIAN_MIRROR (default: the host's first deb.debian.org-style URI).
# Cached: does nothing when the image already exists (unless --force).
set -euo pipefail

IMAGE="${K8TS_BASE_IMAGE:-localhost/k8ts-base:bookworm-node20}"
SUITE=bookworm
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

log() { printf '%s base-image | %s\n' "$(date -u +%H:%M:%S)" "$*"; }

if [[ $FORCE == 0 ]] && podman image exists "$IMAGE"; then
  log "$IMAGE exists; skipping debootstrap (--force rebuilds)"
  exit 0
fi
[[ $(id -u) == 0 ]] || { echo "base-image: debootstrap needs root" >&2; exit 1; }
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap

NODE_BIN="$(readlink -f "$(command -v node)")"
NODE_VERSION="$("$NODE_BIN" -v)"
[[ $NODE_VERSION == v20.* ]] || log "warning: host node is $NODE_VERSION, not v20 (image tag says node20)"
NODE_PREFIX="$(dirname "$(dirname "$NODE_BIN")")" # /usr for /usr/bin/node
NPM_DIR="$NODE_PREFIX/lib/node_modules/npm"
[[ -d $NPM_DIR ]] || { echo "base-image: npm not found at $NPM_DIR" >&2; exit 1; }
CA_BUNDLE="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"

ROOTFS="$(mktemp -d /var/tmp/k8ts-base.XXXXXX)"
cleanup() { rm -rf --one-file-system "$ROOTFS"; }
trap cleanup EXIT

start=$SECONDS
log "debootstrap $SUITE (minbase) from $MIRROR into $ROOTFS"
debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" >"$ROOTFS.log" 2>&1 || {
  tail -30 "$ROOTFS.log" >&2; rm -f "$ROOTFS.log"; exit 1
}
rm -f "$ROOTFS.log"
log "debootstrap done in $((SECONDS - start))s"

# Node: the host's binary (dynamically linked against bookworm's glibc and
# libstdc++, which minbase has) and its npm/corepack, at the same prefix.
install -D -m 0755 "$NODE_BIN" "$ROOTFS/usr/local/bin/node"
mkdir -p "$ROOTFS/usr/local/lib/node_modules"
cp -a "$NPM_DIR" "$ROOTFS/usr/local/lib/node_modules/npm"
[[ -d $NODE_PREFIX/lib/node_modules/corepack ]] && cp -a "$NODE_PREFIX/lib/node_modules/corepack" "$ROOTFS/usr/local/lib/node_modules/corepack"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"

# TLS: the host's CA bundle (it may hold an egress proxy's CA), used by npm
# (cafile in the global npmrc, as on the host) and by node's fetch/https.
install -D -m 0644 "$CA_BUNDLE" "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
mkdir -p "$ROOTFS/usr/local/etc"
{
  echo "cafile=/etc/ssl/certs/ca-certificates.crt"
  echo "update-notifier=false"
  echo "fund=false"
  echo "audit=false"
} >"$ROOTFS/usr/local/etc/npmrc"

# Small like the -slim images: no apt caches, docs or locales.
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* \
  "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/locale/*
chroot "$ROOTFS" /usr/local/bin/node -e 'process.exit(0)' || { echo "base-image: node does not run in the rootfs" >&2; exit 1; }

log "importing as $IMAGE (node $NODE_VERSION)"
tar --numeric-owner -C "$ROOTFS" -c . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=${NODE_VERSION#v}" \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' \
  --message "k8ts base: debian $SUITE minbase + host node $NODE_VERSION + host CA bundle" \
  --quiet - "$IMAGE" >/dev/null
log "built $IMAGE in $((SECONDS - start))s ($(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
