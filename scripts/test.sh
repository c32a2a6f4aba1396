#!/usr/bin/env bash
# Installs what is missing, then runs every check: format, lints, unit tests, scenario
# checks, release build, bundle-size budget and browser tests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$SYNACK_ROOT"

step() { printf '\n== %s\n' "$*"; }

bash scripts/setup.sh --browser

step "cargo fmt"
cargo fmt --all -- --check

step "cargo clippy (all crates, native)"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test (all crates, native)"
cargo test --workspace

step "scenario checks"
cargo run -q -p synack -- check scenarios/*.tcps
step "lesson checks"
cargo run -q -p synack -- check lessons/*.tcps
step "exercise checks"
cargo run -q -p synack -- check exercises/*.tcps
step "Linux lab scenarios under the Linux profile (no kernel needed)"
cargo run -q -p synack -- check $(grep -L -E '^# lab:.*(pending|measured-only)=' lab/linux/*.tcps)

step "Linux lab, short scenarios, against this machine's kernel (skips without namespaces)"
bash scripts/linux-lab.sh --quick

step "release build (trunk)"
trunk build --release --offline

step "bundle size"
bash scripts/bundle-size.sh dist

step "browser tests"
node --test tests/browser/
