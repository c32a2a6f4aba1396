#!/usr/bin/env bash
# Prints the raw and gzip sizes of the built bundle and fails when either part is over its
# budget:
# - the initial page (every dist/*.wasm, *.js, *.css except the capture worker's): 266 KiB.
#   Issue 3 set 160 KB for the visualizer alone (it measured 153 KiB); lessons, two languages,
#   share/embed/export, the Linux view and the capture troubleshooting view took it to about
#   249 KiB, and issue 9's read model (the session, incremental timeline and frame: a click
#   costs what it adds) to about 264 KiB (README, "Release bundle", has the cost of each).
#   266 KiB holds today's page with little room, so any further growth has to be decided, not
#   drift in;
# - the capture worker (synack-capture-worker*), which the page fetches only when the user
#   opens a capture: 72 KiB. It carries the pcap/pcapng reader (pcap-parser), the packet
#   parser (etherparse), connection tracking and the whole engine for the inference: 51,083 B
#   before issue 12. Issue 12's diagnosis took it to 66,560 B (measured by building with each
#   part stubbed out): the per-connection analysis (Zeek's conn_state and history, the
#   retransmission classes, the time-sequence data) 6.6 KB, the parser for headers-only
#   captures (etherparse's lax slicing) 3.6 KB, and 5.3 KB for the rest (the digest's analysis
#   lines and per-packet flags, windows and SACK blocks, the evidence-based inference, TCP
#   options). 72 KiB leaves about 7 KB for what the capture views still need, and keeps the
#   first import's extra download near half a second on a slow 1 Mbit/s link.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$SYNACK_ROOT"

dist="${1:-dist}"
budget_kb=266
worker_budget_kb=72
worker_prefix=synack-capture-worker
shopt -s nullglob
files=("$dist"/*.wasm "$dist"/*.js "$dist"/*.css)
((${#files[@]})) || { echo "bundle-size: no wasm/js/css in $dist/ (build first)" >&2; exit 1; }

main_raw=0 main_gz=0 worker_raw=0 worker_gz=0
printf '%-44s %10s %10s\n' "file" "raw B" "gzip B"
report() {
  local f=$1 raw gz
  raw=$(wc -c < "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  printf '%-44s %10d %10d\n' "$(basename "$f")" "$raw" "$gz"
  sizes=("$raw" "$gz")
}
for f in "${files[@]}"; do
  [[ $(basename "$f") == "$worker_prefix"* ]] && continue
  report "$f"
  main_raw=$((main_raw + sizes[0]))
  main_gz=$((main_gz + sizes[1]))
done
printf '%-44s %10d %10d\n' "initial page total" "$main_raw" "$main_gz"
for f in "${files[@]}"; do
  [[ $(basename "$f") == "$worker_prefix"* ]] || continue
  report "$f"
  worker_raw=$((worker_raw + sizes[0]))
  worker_gz=$((worker_gz + sizes[1]))
done
printf '%-44s %10d %10d\n' "capture worker total (lazy)" "$worker_raw" "$worker_gz"

status=0
if ((main_gz > budget_kb * 1024)); then
  echo "bundle-size: FAIL: initial page gzip $((main_gz / 1024)) KiB is over the $budget_kb KiB budget" >&2
  status=1
else
  echo "bundle-size: ok: initial page gzip $((main_gz / 1024)) KiB of $budget_kb KiB budget"
fi
if ((worker_gz == 0)); then
  echo "bundle-size: note: no capture worker in $dist/"
elif ((worker_gz > worker_budget_kb * 1024)); then
  echo "bundle-size: FAIL: capture worker gzip $((worker_gz / 1024)) KiB is over its $worker_budget_kb KiB budget" >&2
  status=1
else
  echo "bundle-size: ok: capture worker gzip $((worker_gz / 1024)) KiB of $worker_budget_kb KiB budget (loaded only on import)"
fi
exit $status
