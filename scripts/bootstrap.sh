#!/usr/bin/env bash
# One-command setup, safe to run again: system packages (Debian/Ubuntu), npm
# packages, the native addon and the TypeScript build, each only when missing
# or out of date. The README's commands run it first.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[bootstrap] %s\n' "$*"; }

# --test (what `npm test` passes): also git (the GPU kit's test measures the checkout with it),
# iproute2 (the two-machine tests join two network namespaces with `ip`)
# and Debian's chromium, for the run report's browser test. Chromium is optional: without root
# that test says it is skipped, and nothing else changes.
optional=()
test_pkgs=()
for arg in "$@"; do
  case "$arg" in
    --test) optional+=(chromium); test_pkgs+=(git iproute2) ;;
    *) log "unknown option $arg (known: --test)"; exit 2 ;;
  esac
done

# ---- system packages --------------------------------------------------------
# libtorch comes from Debian unless LIBTORCH points at another one (e.g. CUDA).
# "a|b": either package will do (Debian 13's CUDA builds stand in for the CPU
# ones); the first is installed when neither is there.
pkgs=(cmake make g++ libopenblas0-pthread xz-utils)
[ -n "${LIBTORCH:-}" ] || pkgs+=("libtorch-dev|libtorch-cuda-dev" "libgloo-dev|libgloo-cuda-dev" libdnnl-dev)
pkgs+=("${test_pkgs[@]}")
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
if command -v dpkg >/dev/null 2>&1; then
  missing=()
  for alternatives in "${pkgs[@]}"; do
    found=
    IFS='|' read -ra names <<<"$alternatives"
    for p in "${names[@]}"; do installed "$p" && found=1 && break; done
    [ -n "$found" ] || missing+=("${names[0]}")
  done
  extra=()
  for p in "${optional[@]}"; do installed "$p" || command -v "$p" >/dev/null 2>&1 || extra+=("$p"); done
  if [ "${#extra[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; then
      missing+=("${extra[@]}")
    else
      log "optional: ${extra[*]} (the browser test is skipped without it); as root: apt-get install -y --no-install-recommends ${extra[*]}"
    fi
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
    if [ "$(id -u)" = 0 ]; then
      log "installing ${missing[*]}"
      sh -c "$cmd"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      log "installing ${missing[*]} with sudo"
      sudo sh -c "$cmd"
    else
      log "missing system packages: ${missing[*]}"
      log "run as root:  $cmd"
      exit 1
    fi
  fi
elif [ -z "${LIBTORCH:-}" ]; then
  log "not a Debian/Ubuntu system: install cmake, a C++17 compiler and libtorch, then set LIBTORCH=/path/to/libtorch"
fi

# ---- npm packages -------------------------------------------------------------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  # onnxruntime-node (used by the tests) would fetch its CUDA provider from outside the npm
  # registry while installing; the CPU runtime inside the package is all the tests need.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
fi

# ---- native addon ---------------------------------------------------------------
addon=build/Release/diga.node
jobs=$(nproc 2>/dev/null || echo 2)
if [ ! -f "$addon" ] || [ -n "$(find native CMakeLists.txt -newer "$addon" -print -quit)" ]; then
  log "building the native addon (libtorch: ${LIBTORCH:-system}); the first build takes several minutes"
  if command -v ccache >/dev/null 2>&1; then export CMAKE_CXX_COMPILER_LAUNCHER=ccache; fi
  npx cmake-js compile --out build --parallel "$jobs"
fi

# ---- TypeScript -----------------------------------------------------------------
if [ ! -f dist/index.js ] || [ -n "$(find src tsconfig.json tsconfig.build.json -newer dist/index.js -print -quit)" ]; then
  log "compiling TypeScript"
  npx tsc -p tsconfig.build.json
  touch dist/index.js
fi
