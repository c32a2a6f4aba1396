#!/usr/bin/env bash
# Prints the raw and gzip sizes of the release build, part by part, and fails when the first
# paint, a lazily loaded part or the capture worker is over its budget. The budgets and how
# the parts are found are in scripts/bundle-size.mjs; README, "Release bundle", has the figures.
#
#   bash scripts/bundle-size.sh [dist]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$SYNACK_ROOT"
exec node scripts/bundle-size.mjs "${1:-dist}"
