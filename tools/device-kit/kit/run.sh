#!/usr/bin/env bash
# The cnnlab device kit: run on a bare GPU machine (python3 with PyTorch, g++;
# no Node, no npm, no network). Every step is time-boxed and a failing step does
# not stop the others; writes $OUT/summary.json and $OUT/logs.tar.gz.
#   run.sh          the GPU checks (cuda)
#   run.sh --cpu    the dry run: builds and trains LeNet for an epoch on the CPU
# PYTHON=<python3 that imports torch> (default: the first of python3, /usr/bin/python3 that does)
set -u
KIT=$(cd "$(dirname "$0")" && pwd)
MODE=cuda
[ "${1:-}" = --cpu ] && MODE=cpu
OUT=${OUT:-$PWD/out}
WORK=${KIT_WORK:-$(mktemp -d)}
LOGS=$WORK/logs
RUNS=$WORK/runs
mkdir -p "$OUT" "$LOGS" "$RUNS" "$WORK/bin" "$WORK/app" "$WORK/addon"
STEPS=$LOGS/steps.tsv
: > "$STEPS"
T0=$(date +%s)

# step NAME SECONDS CMD...: runs CMD with its output in $LOGS/NAME.log, records rc and seconds.
step() {
  local name=$1 limit=$2; shift 2
  local s; s=$(date +%s)
  echo "== $name (limit ${limit}s)"
  # timeout signals its whole process group, so a step's node children end with it.
  timeout -k 5 "$limit" bash -c '"$@"' "$name" "$@" > "$LOGS/$name.log" 2>&1
  local rc=$?
  printf '%s\t%s\t%s\n' "$name" "$rc" "$(( $(date +%s) - s ))" >> "$STEPS"
  tail -n 3 "$LOGS/$name.log" | sed 's/^/   /'
  return $rc
}
skip() { printf '%s\tskipped\t0\t%s\n' "$1" "$2" >> "$STEPS"; echo "== $1 skipped: $2"; }

pick_python() {
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
  for p in python3 /usr/bin/python3; do
    if "$p" -c 'import torch' 2>/dev/null; then command -v "$p"; return; fi
  done
  echo python3
}
PY=$(pick_python)
unxz_to() { # unxz_to FILE.xz|FILE.gz TARGET, with xz/gzip or python3's lzma/gzip
  case $1 in
    *.xz) xz -dc "$1" > "$2" 2>/dev/null || "$PY" -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],"wb"))' "$1" "$2" ;;
    *.gz) gzip -dc "$1" > "$2" 2>/dev/null || "$PY" -c 'import gzip,shutil,sys; shutil.copyfileobj(gzip.open(sys.argv[1]), open(sys.argv[2],"wb"))' "$1" "$2" ;;
  esac
}

unpack() {
  unxz_to "$(ls "$KIT"/node.xz "$KIT"/node.gz 2>/dev/null | head -1)" "$WORK/bin/node" && chmod +x "$WORK/bin/node" &&
    "$WORK/bin/node" --version && tar -xzf "$KIT/app.tar.gz" -C "$WORK/app" && ls "$WORK/app/cli"
}

build_addon() {
  local libtorch abi std extra=()
  libtorch=$("$PY" -c 'import torch,os;print(os.path.dirname(torch.__file__))') || return 1
  abi=$("$PY" -c 'import torch;print(int(torch._C._GLIBCXX_USE_CXX11_ABI))') || return 1
  echo "python $PY, torch $("$PY" -c 'import torch;print(torch.__version__)'), LIBTORCH=$libtorch, ABI=$abi"
  [ -f "$libtorch/lib/libtorch_cuda.so" ] && extra=(-Wl,--no-as-needed -ltorch_cuda -lc10_cuda -Wl,--as-needed)
  for std in c++17 c++20; do
    echo "g++ -std=$std"
    ${CXX:-g++} -shared -fPIC -std=$std -O2 -fexceptions -frtti -Wno-unused-parameter \
      -D_GLIBCXX_USE_CXX11_ABI="$abi" -DNODE_GYP_MODULE_NAME=cnnlab_torch -DBUILDING_NODE_EXTENSION \
      -I"$KIT/addon/node-include" -I"$libtorch/include" -I"$libtorch/include/torch/csrc/api/include" \
      "$KIT/addon/src/addon.cc" -o "$WORK/addon/cnnlab_torch.node" \
      -L"$libtorch/lib" -Wl,-rpath,"$libtorch/lib" -ltorch -ltorch_cpu -lc10 "${extra[@]}" && return 0
  done
  return 1
}

export PATH=$WORK/bin:$PATH CNNLAB_TORCH_ADDON=$WORK/addon/cnnlab_torch.node CNNLAB_CACHE_DIR=$WORK/cache CNNLAB_BACKEND=torch CNNLAB_DEVICE=$MODE
export CUBLAS_WORKSPACE_CONFIG=:4096:8
export KIT WORK LOGS RUNS MODE PY
cli() { "$WORK/bin/node" "$WORK/app/cli/cnnlab.mjs" "$@"; }
train() { # train NAME ARGS...: one run under $RUNS
  local name=$1; shift
  cli train --logdir "$RUNS" --name "$name" --seed 1 --dataset fashion-mnist --data-dir "$KIT/data/fashion-mnist" "$@"
}
export -f unxz_to unpack build_addon cli train

step unpack 60 unpack
step build-addon 240 build_addon
step doctor 60 cli doctor
[ "$MODE" = cuda ] && { nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv > "$LOGS/gpu.log" 2>&1 || true; }
step parity 120 "$WORK/bin/node" "$WORK/app/cli/parity-grid.mjs" --device "$MODE"

if [ "$MODE" = cuda ]; then
  step train-lenet 60 train lenet --arch lenet --epochs 5
  step train-bn-lenet 60 train bn-lenet --arch bn-lenet --epochs 5 --lr 1.0
  step train-resnet18-96 150 train resnet18-96 --arch resnet18-d2l --input 1,96,96 --epochs 2 --lr 0.05 --batch-size 256
  SAME='--arch lenet --epochs 3'  # split into words on use
else
  step train-lenet 240 train lenet --arch lenet --epochs 1
  skip train-bn-lenet 'cpu dry run'
  skip train-resnet18-96 'cpu dry run'
  SAME='--arch lenet --epochs 3 --limit 3000'  # split into words on use
fi

# Same seed twice, and a SIGKILL mid-run resumed: all three must hold the same weights.
# shellcheck disable=SC2086 # $SAME is a list of flags
same_seed() { train same-a $SAME && train same-b $SAME; }
kill_resume() {
  # exec: the pid is node's own, so SIGKILL hits the trainer, not a wrapping shell
  # shellcheck disable=SC2086
  (exec "$WORK/bin/node" "$WORK/app/cli/cnnlab.mjs" train --logdir "$RUNS" --name killed --seed 1 --dataset fashion-mnist --data-dir "$KIT/data/fashion-mnist" $SAME) & local pid=$!
  for _ in $(seq 1 600); do [ -f "$RUNS/killed/checkpoints/latest.ckpt" ] && break; sleep 0.2; done
  sleep 0.5
  kill -9 "$pid"; wait "$pid"; echo "SIGKILL to $pid after its first checkpoint; status then: $(grep -o '"status": *"[a-z]*"' "$RUNS/killed/report.json")"
  cli train --resume "$RUNS/killed"
}
export SAME
export -f same_seed kill_resume
step same-seed 150 same_seed
step kill-resume 150 kill_resume

bench() {
  local c
  for c in "lenet 1,28,28 256" "bn-lenet 1,28,28 256" "resnet18 1,96,96 64"; do
    set -- $c
    [ "$MODE" = cpu ] && [ "$1" != lenet ] && continue
    "$PY" "$KIT/bench/bench.py" --model "$1" --input "$2" --batch "$3" --device "$MODE" --steps 10 --warmup 3 || return 1
  done
}
export -f bench
step bench-torch 120 bench
if "$PY" -c 'import tensorboard' 2>/dev/null; then
  step tensorboard 60 "$PY" "$KIT/read-events.py" "$RUNS"
else
  skip tensorboard "no tensorboard for $PY"
fi

"$PY" - "$WORK" "$MODE" "$(( $(date +%s) - T0 ))" > "$OUT/summary.json" <<'PY'
import hashlib, json, os, re, sys
work, mode, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
logs, runs = os.path.join(work, 'logs'), os.path.join(work, 'runs')
def text(name):
    try: return open(os.path.join(logs, name + '.log')).read()
    except OSError: return ''
def last_json(name):
    for line in reversed(text(name).splitlines()):
        if line.startswith('{'):
            try: return json.loads(line)
            except ValueError: pass
    return None
def weights(run):
    try: return hashlib.sha256(open(os.path.join(runs, run, 'best-model', 'weights.bin'), 'rb').read()).hexdigest()
    except OSError: return None
def history(run):
    try: return [{k: e[k] for k in ('epoch', 'trainLoss', 'valLoss', 'valAcc')} for e in json.load(open(os.path.join(runs, run, 'report.json')))['history']]
    except (OSError, ValueError, KeyError): return None
steps = {}
for line in open(os.path.join(logs, 'steps.tsv')):
    f = line.rstrip('\n').split('\t')
    steps[f[0]] = {'status': 'skipped', 'why': f[3]} if f[1] == 'skipped' else {'status': 'ok' if f[1] == '0' else ('timeout' if f[1] in ('124', '137') else 'failed'), 'rc': int(f[1]), 'seconds': int(f[2])}
train = {}
for run in sorted(os.listdir(runs)) if os.path.isdir(runs) else []:
    h = history(run)
    if h is not None:
        r = json.load(open(os.path.join(runs, run, 'report.json')))
        train[run] = {'status': r.get('status'), 'epochs': len(h), 'bestValAcc': r.get('bestValAcc'), 'engine': r.get('engine'),
                      'imagesPerSecond': [round(e['imagesPerSecond']) for e in r['history']], 'weights': weights(run)}
a, b, k = weights('same-a'), weights('same-b'), weights('killed')
doctor = text('doctor')
summary = {
    'mode': mode, 'seconds': seconds, 'steps': steps,
    'gpu': text('gpu').strip().splitlines()[1:] if mode == 'cuda' else None,
    'doctor': {'device_cuda': bool(re.search(r'^device:\s+cuda', doctor, re.M)), 'text': doctor[-2000:]},
    'parity': last_json('parity'),
    'train': train,
    'same_seed_bit_identical': (a == b and history('same-a') == history('same-b')) if a and b else None,
    'resume_equals_uninterrupted': (k == a and history('killed') == history('same-a')) if a and k else None,
    'bench_torch': [json.loads(l) for l in text('bench-torch').splitlines() if l.startswith('{')],
    'tensorboard': last_json('tensorboard'),
}
print(json.dumps(summary, indent=1))
PY
cp "$OUT/summary.json" "$LOGS/" 2>/dev/null
find "$RUNS" -name '*.ckpt' -delete 2>/dev/null
tar -czf "$OUT/logs.tar.gz" -C "$WORK" logs runs
echo "summary: $OUT/summary.json ($(( $(date +%s) - T0 )) s)"
