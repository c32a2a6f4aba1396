#!/usr/bin/env bash
# Installs everything synack needs to build, serve and test. Idempotent: when all is
# present it only checks versions and takes seconds.
#
#   bash scripts/setup.sh             Rust wasm target, trunk, wasm-bindgen-cli, wasm-split-cli,
#                                     npm tools, crates
#   bash scripts/setup.sh --browser   also the system packages the tests need (apt): chromium,
#                                     chromium-driver, tshark, fonts-wqy-microhei, nftables
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$SYNACK_ROOT"

TRUNK_VERSION=0.21.14
# The post-link wasm splitter (scripts/split-wasm.sh); its runtime half, wasm_split_helpers,
# is a dependency of crates/app.
WASM_SPLIT_VERSION=0.2.4
browser=false
for arg in "$@"; do
  case "$arg" in
    --browser) browser=true ;;
    *) echo "usage: bash scripts/setup.sh [--browser]" >&2; exit 2 ;;
  esac
done

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# Prints the version of a cargo-installed tool ("name X.Y.Z ..." -> X.Y.Z), or nothing.
tool_version() { "$1" --version 2>/dev/null | awk '{print $2; exit}' || true; }

# Waits while another `cargo install <crate>` runs, so two builds of one tool never race.
wait_for_other_install() {
  if pgrep -f "cargo install $1( |$)" >/dev/null 2>&1; then
    say "another 'cargo install $1' is running; waiting for it to finish"
    while pgrep -f "cargo install $1( |$)" >/dev/null 2>&1; do sleep 10; done
  fi
}

command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first"
command -v npm >/dev/null || die "node/npm not found: install Node.js 20 or newer first"

# 1. Rust target for the browser build.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2. Crates: fetch everything once so Trunk and cargo can build with --offline.
if [[ -f Cargo.lock ]]; then
  cargo fetch --locked --quiet
else
  say "no Cargo.lock yet; resolving dependencies"
  cargo fetch --quiet
fi

# 3. Trunk (0.22 needs a newer rustc than this project targets).
if [[ "$(tool_version trunk)" != "$TRUNK_VERSION" ]]; then
  wait_for_other_install trunk
  if [[ "$(tool_version trunk)" != "$TRUNK_VERSION" ]]; then
    say "installing trunk $TRUNK_VERSION (takes several minutes)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
fi

# 4. wasm-bindgen-cli: must be exactly the wasm-bindgen version in Cargo.lock.
#    (Not --locked: one of its locked dependency versions is no longer on crates.io.)
bindgen_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
[[ -n "$bindgen_version" ]] || die "no wasm-bindgen in Cargo.lock"
trunk_pin="$(sed -n 's/^wasm_bindgen *= *"\(.*\)".*/\1/p' Trunk.toml)"
[[ "$trunk_pin" == "$bindgen_version" ]] ||
  die "Trunk.toml pins wasm_bindgen = \"$trunk_pin\" but Cargo.lock has $bindgen_version: update Trunk.toml"
if [[ "$(tool_version wasm-bindgen)" != "$bindgen_version" ]]; then
  wait_for_other_install wasm-bindgen-cli
  say "installing wasm-bindgen-cli $bindgen_version (takes about 2 minutes)"
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

# 5. wasm-split-cli: cuts the app's wasm into the first paint and the parts loaded on first use.
if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  wait_for_other_install wasm_split_cli_support
  if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
    say "installing wasm-split-cli $WASM_SPLIT_VERSION (takes about a minute)"
    cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked
  fi
fi

# 6. npm tools: binaryen (wasm-opt), playwright-core and axe-core (the accessibility checks of
#    tests/browser/axe.test.mjs), reinstalled when package-lock.json changes.
stamp=node_modules/.synack-lock.sha256
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
fi

# 7. System packages for the browser and capture tests (Debian): binary that must exist -> package providing it.
# chromium and chromium-driver run tests/browser; tshark reads back the pcap export
# (crates/cli/tests/pcap_tshark.rs); a CJK font lets the Chinese UI's screenshots show
# characters instead of empty boxes (the page itself never downloads fonts); nftables silences
# the driving namespace's own kernel in the Linux lab (scripts/linux-lab.sh).
if $browser; then
  apt_packages=()
  for pair in \
    /usr/bin/chromium:chromium \
    /usr/bin/chromedriver:chromium-driver \
    /usr/bin/tshark:tshark \
    /usr/share/fonts/truetype/wqy/wqy-microhei.ttc:fonts-wqy-microhei \
    /usr/sbin/nft:nftables \
    ; do
    [[ -e "${pair%%:*}" ]] || apt_packages+=("${pair#*:}")
  done
  if ((${#apt_packages[@]})); then
    sudo=""
    [[ "$(id -u)" == 0 ]] || sudo="sudo"
    say "installing ${apt_packages[*]} (apt)"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}"
  fi
fi

say "ready: trunk $(tool_version trunk), wasm-bindgen $(tool_version wasm-bindgen), wasm-split-cli $WASM_SPLIT_VERSION, $(wasm-opt --version)"
