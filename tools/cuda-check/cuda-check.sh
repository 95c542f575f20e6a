#!/bin/sh
# npm run cuda:check: the addon built against Debian 13's libtorch 2.6, CPU and
# CUDA, in cached trixie roots, and the backend's tests on each build.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/tools/cuda-check
cache=${CNNLAB_TRIXIE_CACHE:-/var/cache/cnnlab/trixie}
summary=""
for flavour in cpu cuda; do
  "$here/trixie-root.sh" "$flavour" || { summary="$summary\n$flavour: trixie root failed"; continue; }
  root=$cache/$flavour
  addon=$repo/packages/backend-torch/build/trixie-$flavour/cnnlab_torch.node
  "$here/in-root.sh" "$root" "$repo" sh packages/backend-torch/scripts/build-gxx.sh "$addon" || { summary="$summary\n$flavour: build failed"; continue; }
  expect=0; [ "$flavour" = cuda ] && expect=1
  "$here/in-root.sh" "$root" "$repo" env CI=true CNNLAB_EXPECT_CUDA_BUILD=$expect CNNLAB_TORCH_ADDON="$addon" \
    node node_modules/vitest/vitest.mjs run packages/backend-torch/test --reporter=json --outputFile=/tmp/cnnlab-vitest.json >/dev/null 2>&1
  line=$(python3 -c "import json,sys;d=json.load(open(sys.argv[1]));print('%d passed, %d failed' % (d['numPassedTests'], d['numFailedTests']))" "$root/tmp/cnnlab-vitest.json" 2>/dev/null || echo 'tests did not report')
  version=$("$here/in-root.sh" "$root" "$repo" node -e "const m=require(process.argv[1]);console.log(m.libtorchVersion+(m.cudaBuilt?' CUDA build':' CPU build'))" "$addon" 2>/dev/null)
  summary="$summary\n$flavour: libtorch $version, tests $line"
done
printf "cuda:check summary$summary\n"
