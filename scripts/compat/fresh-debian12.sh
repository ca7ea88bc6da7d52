#!/usr/bin/env bash
# Runs the README's commands as a new user would: in a Debian 12 root made
# from nothing (debootstrap minbase), with only this machine's Node.js copied
# in and a clone of the commit under test (HEAD). Nothing else is installed by
# hand, so a missing install step fails here where it would fail for a user.
#
#   scripts/compat/fresh-debian12.sh test      # npm test         (the README's test command)
#   scripts/compat/fresh-debian12.sh demo      # npm run demo     (the README's demo command)
#   scripts/compat/fresh-debian12.sh package   # npm pack in a fresh root, then in a second root with
#                                              # only libtorch-dev and libopenblas0-pthread (no
#                                              # compiler): npm install, npx diga info, a predict
#   scripts/compat/fresh-debian12.sh test demo # several, in order, in one root
#
# Needs root and debootstrap (apt-get install debootstrap). Each run starts
# from a new root under ${DIGA_FRESH_ROOT:-/srv/diga-fresh} and removes it at
# the end unless DIGA_FRESH_KEEP=1. Exit status 3 means the Debian archive
# could not be reached at all (nothing was tested); any other failure is the
# command's own.
set -euo pipefail

[ "$#" -gt 0 ] || set -- test
for m in "$@"; do
  case "$m" in test | demo | package) ;; *) echo "usage: $0 test|demo|package [...] (several run in order, in one root)" >&2; exit 2 ;; esac
done
mode="$(IFS=+; echo "$*")"
[ "$(id -u)" = 0 ] || { echo "$0: needs root (debootstrap and chroot)" >&2; exit 1; }

repo="$(cd "$(dirname "$0")/../.." && pwd)"
mirror="${DIGA_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
base="${DIGA_FRESH_ROOT:-/srv/diga-fresh}"
say() { printf '[fresh-debian12:%s] %s\n' "$mode" "$*"; }
started=$SECONDS
elapsed() { local s=$((SECONDS - started)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# ---- can the archive be reached at all? -----------------------------------------
# A plain HTTP request with bash alone (no curl on a minimal host); a proxy in
# http_proxy is left to debootstrap.
archive_reachable() {
  [ -n "${http_proxy:-}${HTTP_PROXY:-}" ] && return 0
  local rest="${mirror#http://}" host path status
  host="${rest%%/*}"
  path="/${rest#*/}"
  status="$(timeout 20 bash -c "exec 3<>/dev/tcp/$host/80 && printf 'HEAD %s/dists/bookworm/Release HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' '$path' '$host' >&3 && head -n1 <&3" 2>/dev/null || true)"
  [[ "$status" == HTTP/1.?\ [23]0* ]]
}
if [[ "$mirror" == http://* ]] && ! archive_reachable; then
  say "cannot reach the Debian archive at $mirror"
  exit 3
fi
command -v debootstrap >/dev/null || { echo "$0: needs debootstrap (apt-get install debootstrap)" >&2; exit 1; }

# ---- roots: made, mounted, removed --------------------------------------------------
mkdir -p "$base"
roots=()
mounted=()
cleanup() {
  local m r
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -R -l "${mounted[i]}" 2>/dev/null || true; done
  if [ "${DIGA_FRESH_KEEP:-0}" != 1 ]; then
    for r in "${roots[@]}"; do
      # Only once nothing is mounted below it: rm must never reach the host's /dev or /sys.
      if ! grep -q " $r[/ ]" /proc/self/mounts; then rm -rf --one-file-system "$r"; fi
    done
  else
    say "kept: ${roots[*]}"
  fi
}
trap cleanup EXIT

# A minbase root of bookworm with the sources a Debian 12 install has.
make_root() {
  local root="$1"
  rm -rf --one-file-system "$root"
  mkdir -p "$root"
  roots+=("$root")
  say "debootstrap --variant=minbase bookworm $root ($(elapsed))"
  if ! debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1; then
    tail -n 20 "$root.debootstrap.log" >&2
    if grep -q -E 'Failed getting release file|Couldn.t download|Temporary failure resolving' "$root.debootstrap.log"; then exit 3; fi
    exit 1
  fi
  rm -f "$root.debootstrap.log"
  cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${DIGA_DEBIAN_SECURITY:-http://deb.debian.org/debian-security} bookworm-security main
EOF
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  copy_node "$root"
  # This machine's extra certificate authorities (a proxy's, say) for npm's TLS,
  # as a file beside the system's, not as an installed package.
  local cas=()
  compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null && cas=(/usr/local/share/ca-certificates/*.crt)
  if [ "${#cas[@]}" -gt 0 ]; then cat "${cas[@]}" >"$root/etc/host-extra-ca.crt"; fi
}

# The machine's Node.js: the node binary, npm and the headers, at the paths they have here.
copy_node() {
  local root="$1" node npm_cli npm_dir
  node="$(readlink -f "$(command -v node)")"
  npm_cli="$(readlink -f "$(command -v npm)")"
  npm_dir="$(cd "$(dirname "$npm_cli")/.." && pwd)"
  mkdir -p "$root$(dirname "$node")" "$root$(dirname "$npm_dir")" "$root/usr/bin"
  cp -a "$node" "$root$node"
  cp -a "$npm_dir" "$root$npm_dir"
  ln -sf "$npm_dir/bin/npm-cli.js" "$root/usr/bin/npm"
  ln -sf "$npm_dir/bin/npx-cli.js" "$root/usr/bin/npx"
  [ "$node" = /usr/bin/node ] || ln -sf "$node" "$root/usr/bin/node"
  local headers
  headers="$(dirname "$(dirname "$node")")/include/node"
  if [ -d "$headers" ]; then mkdir -p "$root$(dirname "$headers")" && cp -a "$headers" "$root$headers"; fi
  say "node $("$node" --version), npm $(npm --version) copied in"
}

mount_root() {
  local root="$1" m
  # The root is a mount point of its own, as a machine's / is: `ip netns` (the two-host tests)
  # marks / as a slave mount, which a plain chroot directory refuses.
  mount --bind "$root" "$root" && mount --make-private "$root"
  mounted+=("$root")
  for m in proc sys dev; do
    case "$m" in proc) mount -t proc proc "$root/proc" ;; *) mount --rbind "/$m" "$root/$m" && mount --make-rslave "$root/$m" ;; esac
    mounted+=("$root/$m")
  done
}

# A command inside the root, as root, with a clean environment but for this machine's network
# settings and the OpenBLAS core type some processors need (settings, not installs).
in_root() {
  local root="$1"
  shift
  local extra=()
  [ -f "$root/etc/host-extra-ca.crt" ] && extra=(NODE_EXTRA_CA_CERTS=/etc/host-extra-ca.crt)
  chroot "$root" env -i HOME=/root LANG=C.UTF-8 TERM=dumb CI="${CI:-}" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    ${http_proxy:+http_proxy="$http_proxy"} ${https_proxy:+https_proxy="$https_proxy"} \
    ${OPENBLAS_CORETYPE:+OPENBLAS_CORETYPE="$OPENBLAS_CORETYPE"} ${OPENBLAS_L2_SIZE:+OPENBLAS_L2_SIZE="$OPENBLAS_L2_SIZE"} \
    "${extra[@]}" "$@"
}

clone_into() {
  local root="$1"
  git -C "$repo" rev-parse --verify HEAD >/dev/null
  git clone -q --no-hardlinks "$repo" "$root/root/diga"
  say "cloned $(git -C "$root/root/diga" log -1 --format='%h %s' | cut -c1-72)"
}

# ---- the modes ------------------------------------------------------------------------
root="$base/bookworm-$mode-$$"
make_root "$root"
mount_root "$root"
clone_into "$root"

for step in "$@"; do
  step_started=$SECONDS
  case "$step" in
  test)
    say "npm test ($(elapsed))"
    in_root "$root" bash -c 'cd /root/diga && npm test'
    ;;
  demo)
    say "npm run demo ($(elapsed))"
    in_root "$root" bash -c 'cd /root/diga && npm run demo'
    ;;
  package)
    say "npm pack in the build root ($(elapsed))"
    in_root "$root" bash -c 'cd /root/diga && bash scripts/bootstrap.sh && mkdir -p /root/out/pack && npm pack --silent --pack-destination /root/out/pack >/dev/null && mv /root/out/pack/diga-*.tgz /root/out/diga.tgz && node bin/diga.js make-data --out /root/out/images --train 1 --val 1 --size 128x256 >/dev/null && node --input-type=module -e "const { SegModel } = await import(\"./dist/index.js\"); const { saveWeights } = await import(\"./dist/models/weights.js\"); saveWeights(\"/root/out/weights\", \"student\", new SegModel(\"tiny\"))"'
    user="$base/bookworm-user-$$"
    make_root "$user"
    mount_root "$user"
    say "a user's machine: libtorch-dev libopenblas0-pthread only ($(elapsed))"
    in_root "$user" bash -c 'apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libtorch-dev libopenblas0-pthread >/dev/null'
    in_root "$user" bash -c 'command -v c++ g++ cc cmake make' && { say "a compiler or build tool is on the user's root; the check would prove nothing"; exit 1; }
    cp -a "$root/root/out" "$user/root/out"
    in_root "$user" bash -c 'set -e; mkdir /root/project && cd /root/project && npm init -y >/dev/null && npm install --no-audit --no-fund /root/out/diga.tgz && npx diga info && img=$(find /root/out/images -name "*.png" -path "*leftImg8bit*" | head -n1) && npx diga predict "$img" --weight-dir /root/out/weights --out /root/predictions && ls -R /root/predictions'
    ;;
  esac
  say "$step took $(( (SECONDS - step_started) / 60 ))m$(printf '%02d' $(( (SECONDS - step_started) % 60 )))s"
done
say "done in $(elapsed)"
