#!/usr/bin/env bash
# Two hosts on one machine, for multi-machine tests: two network namespaces
# ("host 0" and "host 1") joined by a veth pair, each with loopback and its own
# address on a /24 of its own, sharing everything else (files, processes).
#
#   two-hosts.sh run [--] CMD...       make a bed, run CMD in host 0 and host 1 at once,
#                                      remove the bed; exits 0 when both did, else the
#                                      first failing host's status (host 0 first)
#   two-hosts.sh up                    make a bed and keep it; prints shell assignments:
#                                      DIGA_BED, DIGA_HOST_ADDR_0, DIGA_HOST_ADDR_1
#   two-hosts.sh exec BED HOST CMD...  run CMD in host HOST (0 or 1) of a kept bed
#   two-hosts.sh link-down BED         cut the link (both ends down): a network partition
#   two-hosts.sh link-up BED           restore it
#   two-hosts.sh down BED              stop what runs in the bed and remove it
#
# CMD gets DIGA_NODE_RANK (0 or 1), DIGA_HOST_ADDR_0, DIGA_HOST_ADDR_1 and
# DIGA_HOST_IFNAME (its host's end of the link, for GLOO_SOCKET_IFNAME). Root
# (or CAP_SYS_ADMIN and CAP_NET_ADMIN) and iproute2 are needed; where a bed
# cannot be made this says why and exits 2: it never skips.
set -euo pipefail

me=two-hosts
die() { echo "$me: $*" >&2; exit 2; }

# A bed is named after the process that made it; its subnet's third octet too,
# so that beds made at once are told apart in addresses as well as names.
bed_octet() { echo $(( ${1#d2h} % 250 + 1 )); }
ns() { echo "$1-h$2"; }
veth() { echo "$1v$2"; }
addr() { echo "10.231.$(bed_octet "$1").$(( $2 + 1 ))"; }

check_bed() {
  [[ "${1:-}" =~ ^d2h[0-9]+$ ]] || die "not a bed name: '${1:-}' (two-hosts.sh up prints one)"
  ip netns list 2>/dev/null | grep -q "^$(ns "$1" 0)\b" || die "no bed $1 here"
}

# The bed's pieces, stopping at the first that fails (set -e does not hold
# where the caller tests the outcome).
build_bed() {
  local bed=$1 h
  ip netns add "$(ns "$bed" 0)" || return
  ip netns add "$(ns "$bed" 1)" || return
  ip link add "$(veth "$bed" 0)" type veth peer name "$(veth "$bed" 1)" || return
  for h in 0 1; do
    ip link set "$(veth "$bed" $h)" netns "$(ns "$bed" $h)" || return
    ip -n "$(ns "$bed" $h)" addr add "$(addr "$bed" $h)/24" dev "$(veth "$bed" $h)" || return
    ip -n "$(ns "$bed" $h)" link set lo up || return
    ip -n "$(ns "$bed" $h)" link set "$(veth "$bed" $h)" up || return
  done
}

make_bed() {
  local bed=$1 out hint=""
  command -v ip >/dev/null || die "'ip' (iproute2) is not installed"
  [[ $(id -u) == 0 ]] || hint=" (network namespaces need root, or CAP_SYS_ADMIN and CAP_NET_ADMIN; this is uid $(id -u))"
  out=$(build_bed "$bed" 2>&1) || { remove_bed "$bed"; die "cannot make the two-host bed: ${out:-ip failed}$hint"; }
}

# Removes whatever of a bed exists, stopping what still runs in it first
# (a namespace outlives 'ip netns del' while a process holds it).
remove_bed() {
  local bed=$1 h pids
  for h in 0 1; do
    pids=$(ip netns pids "$(ns "$bed" $h)" 2>/dev/null || true)
    [[ -n $pids ]] && kill -TERM $pids 2>/dev/null || true
  done
  for h in 0 1; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      [[ -z $(ip netns pids "$(ns "$bed" $h)" 2>/dev/null || true) ]] && break
      sleep 0.2
    done
    pids=$(ip netns pids "$(ns "$bed" $h)" 2>/dev/null || true)
    [[ -n $pids ]] && kill -KILL $pids 2>/dev/null || true
    ip netns del "$(ns "$bed" $h)" 2>/dev/null || true
  done
  ip link del "$(veth "$bed" 0)" 2>/dev/null || true
}

# CMD in host h, in place of this process.
run_in() {
  local bed=$1 h=$2
  shift 2
  exec ip netns exec "$(ns "$bed" "$h")" env DIGA_NODE_RANK="$h" DIGA_HOST_IFNAME="$(veth "$bed" "$h")" \
    DIGA_HOST_ADDR_0="$(addr "$bed" 0)" DIGA_HOST_ADDR_1="$(addr "$bed" 1)" "$@"
}

link() {
  local bed=$1 state=$2 h
  for h in 0 1; do ip -n "$(ns "$bed" $h)" link set "$(veth "$bed" $h)" "$state"; done
}

# Set by cmd_run, read by its traps.
bed=""
pids=()

stop_hosts() {
  local p
  for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  wait || true
  exit "$1"
}

cmd_run() {
  [[ ${1:-} == -- ]] && shift
  (($# > 0)) || die "run: no command given"
  local status=(0 0) h
  bed="d2h$$"
  trap 'remove_bed "$bed"' EXIT
  trap 'stop_hosts 130' INT
  trap 'stop_hosts 143' TERM
  make_bed "$bed"
  # Each host in a session of its own, so that a stop reaches all it started.
  for h in 0 1; do
    (exec setsid "${BASH_SOURCE[0]}" exec "$bed" "$h" "$@") &
    pids+=($!)
  done
  for h in 0 1; do wait "${pids[$h]}" || status[h]=$?; done
  for h in 0 1; do ((status[h] == 0)) || exit "${status[h]}"; done
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  up)
    bed="d2h$$"
    make_bed "$bed"
    printf 'DIGA_BED=%s\nDIGA_HOST_ADDR_0=%s\nDIGA_HOST_ADDR_1=%s\n' "$bed" "$(addr "$bed" 0)" "$(addr "$bed" 1)"
    ;;
  exec)
    (($# >= 4)) || die "usage: two-hosts.sh exec BED HOST CMD..."
    check_bed "$2"
    [[ $3 == 0 || $3 == 1 ]] || die "HOST is 0 or 1, not '$3'"
    bed=$2 h=$3
    shift 3
    run_in "$bed" "$h" "$@"
    ;;
  link-down | link-up)
    check_bed "${2:-}"
    link "$2" "${1#link-}"
    ;;
  down)
    check_bed "${2:-}"
    remove_bed "$2"
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
