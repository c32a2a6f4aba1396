#!/usr/bin/env bash
# The Linux lab: runs the scenarios of lab/linux/ against this machine's kernel and against
# `synack` under `set profile linux`, and compares segments, timing and states.
#
#   bash scripts/linux-lab.sh            every scenario (about 17 minutes: the data retries)
#   bash scripts/linux-lab.sh --quick    the scenarios of 15 s or less (the test suite's subset)
#   bash scripts/linux-lab.sh FILE...    the given scenarios
#
# Needs root and network namespaces; when they are missing it says why and skips (exit 0).
# Creates namespaces ll-<pid><n>-k/-d and deletes them all on exit, also on failure or ^C.
# Results: target/linux-lab/ (one .json and one .pcap per scenario, summary.json).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$SYNACK_ROOT"

skip() { echo "linux-lab: skipped: $*"; exit 0; }

quick=()
files=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=(--max-seconds 15) ;;
    -*) echo "usage: bash scripts/linux-lab.sh [--quick] [FILE...]" >&2; exit 2 ;;
    *) files+=("$arg") ;;
  esac
done
((${#files[@]})) || files=(lab/linux/*.tcps)

[[ "$(uname -s)" == Linux ]] || skip "not Linux"
[[ "$(id -u)" == 0 ]] || skip "needs root to create network namespaces"
command -v ip >/dev/null || skip "iproute2 (ip) is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
if ! command -v nft >/dev/null; then
  echo "linux-lab: installing nftables (apt)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nftables >/dev/null 2>&1 ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nftables; } ||
    skip "nftables (nft) is not installed and apt could not install it"
fi
prefix=$(($$ % 1000))
probe="ll-${prefix}probe"
ip netns add "$probe" 2>/dev/null || skip "cannot create a network namespace here (a container without CAP_SYS_ADMIN?)"
ip netns del "$probe"

lab_pid=""
cleanup() {
  # The lab stops its scenarios, which delete their namespaces; whatever is left (a
  # scenario killed outright) goes here.
  if [[ -n "$lab_pid" ]] && kill -0 "$lab_pid" 2>/dev/null; then
    kill -TERM "$lab_pid" 2>/dev/null || true
    wait "$lab_pid" 2>/dev/null || true
  fi
  for ns in $(ip netns list | awk -v p="^ll-${prefix}[0-9]+-[kd]$" '$1 ~ p {print $1}'); do
    ip netns del "$ns" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cargo build -q -p synack
echo "linux-lab: kernel $(uname -r); ${#files[@]} scenario(s)"
# In the background and waited for, so that a signal reaches the trap at once.
python3 lab/linux/lab.py run --prefix "$prefix" --jobs 4 --out target/linux-lab \
  --synack target/debug/synack "${quick[@]}" "${files[@]}" &
lab_pid=$!
status=0
wait "$lab_pid" || status=$?
lab_pid=""
exit "$status"
