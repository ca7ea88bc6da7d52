#!/usr/bin/env bash
# Builds and tests diga against libtorch 2.x on a machine that has another
# libtorch (or no GPU): a Debian 13 (trixie) root made with debootstrap holds
# Debian's libtorch 2.6, and the working tree is built and tested inside it.
#
#   scripts/compat/libtorch2.sh cpu    # libtorch-dev 2.6 (CPU): build + the whole test suite
#   scripts/compat/libtorch2.sh cuda   # libtorch-cuda-dev 2.6 + CUDA 12.4 + NCCL: the CUDA addon,
#                                      # then the whole test suite on the CPU with that addon
#
# Needs root, debootstrap and network access to deb.debian.org; the roots live
# under ${DIGA_COMPAT_ROOT:-/srv/diga-compat} and are reused on later runs.
# The CUDA variant downloads about 4 GB. Debian's cuDNN package only downloads
# cuDNN from NVIDIA at install time, so a build-only stand-in replaces it: the
# addon links against the real libtorch_cuda, and on a machine without a GPU no
# cuDNN function is ever called (each stand-in returns an error if one were).
set -euo pipefail

variant="${1:-cpu}"
case "$variant" in cpu | cuda) ;; *) echo "usage: $0 cpu|cuda" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "$0: needs root (debootstrap and chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "$0: needs debootstrap (apt-get install debootstrap)" >&2; exit 1; }

repo="$(cd "$(dirname "$0")/../.." && pwd)"
root="${DIGA_COMPAT_ROOT:-/srv/diga-compat}/trixie-$variant"
say() { printf '[libtorch2:%s] %s\n' "$variant" "$*"; }

if [ ! -x "$root/usr/bin/apt-get" ]; then
  say "creating a Debian trixie root in $root"
  mkdir -p "$root"
  debootstrap --variant=minbase --components=main,contrib,non-free trixie "$root" http://deb.debian.org/debian >/dev/null
fi

mounted=()
cleanup() { for m in "${mounted[@]}"; do umount -R "$m" 2>/dev/null || true; done; }
trap cleanup EXIT
for m in proc sys dev; do
  if ! mountpoint -q "$root/$m"; then
    case "$m" in proc) mount -t proc proc "$root/proc" ;; *) mount --rbind "/$m" "$root/$m" ;; esac
    mounted+=("$root/$m")
  fi
done
cp /etc/resolv.conf "$root/etc/resolv.conf"

in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt "$@"; }

base=(ca-certificates cmake g++ make git nodejs npm python3 libopenblas0-pthread)
if [ "$variant" = cpu ]; then
  pkgs=(libtorch-dev libgloo-dev)
else
  pkgs=(libtorch-cuda-dev libgloo-cuda-dev libnccl-dev nvidia-cuda-toolkit)
  if ! in_root dpkg -s diga-build-stand-ins >/dev/null 2>&1; then
    say "installing the build-only stand-ins for cuDNN's downloader and the driver library"
    pkg="$(mktemp -d)"
    mkdir -p "$pkg/DEBIAN"
    cat >"$pkg/DEBIAN/control" <<'EOF'
Package: diga-build-stand-ins
Version: 1.0
Architecture: amd64
Maintainer: diga
Provides: nvidia-cudnn (= 9.1.0.70), libcuda.so.1 (= 550), libcuda1 (= 550)
Description: build-only stand-ins for the cuDNN downloader and the NVIDIA driver library
EOF
    dpkg-deb --build "$pkg" "$root/tmp/stand-ins.deb" >/dev/null
    rm -rf "$pkg"
    in_root dpkg -i /tmp/stand-ins.deb >/dev/null
  fi
fi
say "installing ${pkgs[*]} (first run: several minutes)"
in_root apt-get update -q >/dev/null
in_root apt-get install -y -q --no-install-recommends "${base[@]}" "${pkgs[@]}" >/dev/null
# This machine's extra certificate authorities (a proxy's, say), for npm inside.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  in_root update-ca-certificates >/dev/null 2>&1
fi

ld_path=""
if [ "$variant" = cuda ]; then
  # libtorch_cuda needs libcudnn.so.9 to load: a library of stand-in functions
  # under the same versioned names, none of which runs without a GPU.
  in_root bash -c '
    set -e; mkdir -p /opt/cudnn-stand-in; cd /opt/cudnn-stand-in
    nm -D --undefined-only /usr/lib/x86_64-linux-gnu/libtorch_cuda.so | awk "{print \$2}" | grep "^cudnn" | sed "s/@.*//" | sort -u >symbols
    while read -r s; do echo "int $s(void) { return 1001; }"; done <symbols >stand-in.c
    echo "libcudnn.so.9 { global: *; };" >version.map
    gcc -shared -fPIC -o libcudnn.so.9 stand-in.c -Wl,--version-script=version.map -Wl,-soname,libcudnn.so.9'
  ld_path=/opt/cudnn-stand-in
fi

say "copying the working tree"
mkdir -p "$root/root/diga"
(cd "$repo" && git ls-files -co --exclude-standard -z) | rsync -a --from0 --files-from=- "$repo/" "$root/root/diga/"
rm -rf "$root/root/diga/build" "$root/root/diga/dist" "$root/root/diga/.git"
# A repository of its own (the GPU kit's packing test lists tracked files with git).
in_root bash -c 'cd /root/diga && git init -q && git add -A && git -c user.name=compat -c user.email=compat@localhost commit -qm "working tree"'

say "building the addon and running the tests against libtorch $(in_root dpkg-query -W -f='${Version}' "${pkgs[0]}")"
in_root env LD_LIBRARY_PATH="$ld_path" bash -c 'cd /root/diga && npm ci --ignore-scripts --no-audit --no-fund >/dev/null && npx cmake-js compile --out build --parallel "$(nproc)" 2>&1 | grep -E "^-- diga|error|Built target" && npx tsc -p tsconfig.build.json && node bin/diga.js info && npx vitest run'
