#!/bin/sh
# Builds (once) a Debian 13 root holding libtorch 2.6, g++, nodejs and python3,
# cached outside the repo. The machine's own apt sources are left alone.
#   trixie-root.sh cpu   -> $CNNLAB_TRIXIE_CACHE/cpu   (libtorch-dev 2.6)
#   trixie-root.sh cuda  -> $CNNLAB_TRIXIE_CACHE/cuda  (libtorch-cuda-dev 2.6; conflicts with the CPU one)
set -eu
flavour=${1:?usage: trixie-root.sh cpu|cuda}
cache=${CNNLAB_TRIXIE_CACHE:-/var/cache/cnnlab/trixie}
mirror=${CNNLAB_DEBIAN_MIRROR:-$(grep -hoE 'https?://[^ ]*/debian/?$' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | grep -v security | head -n1)}
mirror=${mirror:-http://deb.debian.org/debian}
root=$cache/$flavour
[ -f "$root/.cnnlab-ready" ] && { echo "$root (cached)"; exit 0; }
mkdir -p "$cache"
base=$cache/base
if [ ! -f "$base/.cnnlab-base" ]; then
  rm -rf "$base"
  echo "debootstrap trixie from $mirror into $base"
  debootstrap --variant=minbase --components=main,contrib,non-free trixie "$base" "$mirror"
  touch "$base/.cnnlab-base"
fi
rm -rf "$root.tmp"
cp -a "$base" "$root.tmp"
# .debs fetched earlier (e.g. to check a size) are reused rather than downloaded again.
cp -l "$cache"/debs/*.deb "$root.tmp/var/cache/apt/archives/" 2>/dev/null || true
case $flavour in
  cpu) pkgs="libtorch-dev g++ make nodejs python3" ;;
  cuda) pkgs="libtorch-cuda-dev g++ make nodejs python3" ;;
  *) echo "unknown flavour $flavour (cpu|cuda)" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
[ "$flavour" = cuda ] && "$here/cuda-standins.sh" "$root.tmp" package
chroot "$root.tmp" sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs && apt-get clean"
[ "$flavour" = cuda ] && "$here/cuda-standins.sh" "$root.tmp" library
touch "$root.tmp/.cnnlab-ready"
mv "$root.tmp" "$root"
echo "$root"
