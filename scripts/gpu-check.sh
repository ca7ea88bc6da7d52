#!/usr/bin/env bash
# On a machine with an NVIDIA GPU and a CUDA PyTorch: build the addon against
# that PyTorch's libtorch, run the test suite (the CUDA tests included) and the
# benchmarks on the GPU. Node.js must be on PATH (or in ./.node/bin).
# Usage: bash scripts/gpu-check.sh [out-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-work_dir/gpu-check}
mkdir -p "$out"
[ -d .node/bin ] && export PATH="$PWD/.node/bin:$PATH"
command -v node >/dev/null || { echo "gpu-check: node not found (put a Node 20 build in .node/)"; exit 1; }
LIBTORCH=${LIBTORCH:-$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')}
export LIBTORCH
torch_lib=$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
export LD_LIBRARY_PATH="$torch_lib:${LD_LIBRARY_PATH:-}"
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))' | tee "$out/torch.txt"
[ -d node_modules ] || npm ci --no-audit --no-fund
rm -rf build-cuda
npx cmake-js compile --out build-cuda --parallel "$(nproc)" 2>&1 | tail -5
export DIGA_ADDON="$PWD/build-cuda/Release/diga.node"
npx tsc -p tsconfig.build.json
node bin/diga.js info --json | tee "$out/info.json"
npx vitest run 2>&1 | tee "$out/tests.log" | tail -5
node --expose-gc dist/bench/main.js --device cuda --only ops,model,train,evaluation,memory --out "$out" > "$out/bench.json"
echo "gpu-check: results in $out"
