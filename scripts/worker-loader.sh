#!/usr/bin/env bash
# Trunk post_build hook (Trunk.toml): Trunk's loader shim for a Web Worker
# (`data-loader-shim`, e.g. synack-capture-worker_loader.js) calls
# `wasm_bindgen("<file>.wasm")`, a form wasm-bindgen 0.2.9x and later still accept but warn
# about in the console on every start ("using deprecated parameters for the initialization
# function"). The shim is rewritten to pass the object wasm-bindgen asks for.
set -euo pipefail
: "${TRUNK_STAGING_DIR:?run by trunk as a post_build hook (see Trunk.toml)}"
shopt -s nullglob
for shim in "$TRUNK_STAGING_DIR"/*_loader.js; do
  sed -E -i 's/wasm_bindgen\(("[^"]+\.wasm")\)/wasm_bindgen({ module_or_path: \1 })/' "$shim"
  grep -q 'module_or_path' "$shim" ||
    { echo "worker-loader: $shim has no wasm_bindgen(\"…wasm\") call to rewrite" >&2; exit 1; }
done
