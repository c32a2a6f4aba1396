#!/usr/bin/env bash
# Prints the raw and gzip sizes of the built bundle (dist/*.wasm, *.js, *.css) and fails
# when the gzip total is over the budget.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$SYNACK_ROOT"

dist="${1:-dist}"
budget_kb=160
shopt -s nullglob
files=("$dist"/*.wasm "$dist"/*.js "$dist"/*.css)
((${#files[@]})) || { echo "bundle-size: no wasm/js/css in $dist/ (build first)" >&2; exit 1; }

raw_total=0
gz_total=0
printf '%-44s %10s %10s\n' "file" "raw B" "gzip B"
for f in "${files[@]}"; do
  raw=$(wc -c < "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  raw_total=$((raw_total + raw))
  gz_total=$((gz_total + gz))
  printf '%-44s %10d %10d\n' "$(basename "$f")" "$raw" "$gz"
done
printf '%-44s %10d %10d\n' "total" "$raw_total" "$gz_total"

if ((gz_total > budget_kb * 1024)); then
  echo "bundle-size: FAIL: gzip total $((gz_total / 1024)) KB is over the $budget_kb KB budget" >&2
  exit 1
fi
echo "bundle-size: ok: gzip total $((gz_total / 1024)) KB of $budget_kb KB budget"
