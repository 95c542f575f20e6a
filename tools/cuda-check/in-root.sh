#!/bin/sh
# Runs a command inside a trixie root with /proc, /dev, the repository (at the
# same path) and this machine's node headers mounted; unmounts afterwards.
#   in-root.sh ROOT DIR COMMAND...   (DIR: the repository root; the command runs there)
set -eu
root=${1:?root}; repo=${2:?repo}; shift 2
mounted=""
cleanup() { for m in $mounted; do umount -l "$m" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
bind() { mkdir -p "$root$2"; mount --bind "$1" "$root$2"; mounted="$root$2 $mounted"; }
mount -t proc proc "$root/proc"; mounted="$root/proc"
bind /dev /dev
bind "$repo" "$repo"
[ -d /usr/include/node ] && bind /usr/include/node /usr/include/node
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
chroot "$root" /usr/bin/env -u NODE_EXTRA_CA_CERTS -C "$repo" "$@"
