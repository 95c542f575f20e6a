#!/bin/sh
# Builds the addon with one g++ line, without node-gyp or Python: for the trixie
# roots of `npm run cuda:check` and the device kit's run.sh. Same flags as
# binding.gyp (scripts/libtorch-paths.cjs gives the libtorch ones).
#   build-gxx.sh OUT.node   with NODE_INCLUDE=<dir holding node_api.h> (default /usr/include/node)
#                           and LIBTORCH=<dir with include/ and lib/> (default: the system libtorch)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: build-gxx.sh OUT.node}
node=${NODE:-node}
inc=${NODE_INCLUDE:-/usr/include/node}
[ -f "$inc/node_api.h" ] || { echo "build-gxx.sh: no node_api.h in NODE_INCLUDE=$inc" >&2; exit 1; }
paths="$node $here/scripts/libtorch-paths.cjs"
includes=$($paths include)
libs=$($paths libs)
abi=$($paths abi)
set --
for d in $includes; do set -- "$@" "-I$d"; done
mkdir -p "$(dirname "$out")"
# shellcheck disable=SC2086 # $libs is a list of flags
${CXX:-g++} -shared -fPIC -std=c++17 -O2 -fexceptions -frtti -Wno-unused-parameter \
  -D_GLIBCXX_USE_CXX11_ABI="$abi" -DNODE_GYP_MODULE_NAME=cnnlab_torch -DBUILDING_NODE_EXTENSION \
  -I"$inc" "$@" "$here/native/addon.cc" -o "$out" $libs
echo "built $out"
