# Sourced by the other scripts: puts the tools that setup.sh installs on PATH.
# cargo-installed binaries (trunk, wasm-bindgen) and npm's wasm-opt (binaryen).
SYNACK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$SYNACK_ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
