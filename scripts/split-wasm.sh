#!/usr/bin/env bash
# Trunk post_build hook (Trunk.toml): splits the app's wasm into the first paint and the parts
# fetched on first use (`#[wasm_split(<part>)]` in crates/app, see crates/app/src/lazy.rs).
#
# Trunk builds crates/app and runs wasm-bindgen on it, but wasm-bindgen drops the linker's
# relocations that the splitter needs, and the split main module must go through wasm-bindgen
# itself (its imports of the loaders change). So this hook starts again from cargo's output,
# which still has them (crates/app/build.rs links it with --emit-relocs):
#   1. wasm-split-cli cuts it into the main module, split_<part>.wasm for each part,
#      chunk_<n>.wasm for code that several parts share, and __wasm_split.js, the loaders;
#   2. wasm-bindgen turns the main module into synack-app.js + synack-app_bg.wasm, replacing
#      Trunk's, and keeps the linker's exports (table, stack pointer) that the parts link to;
#   3. in release builds wasm-opt shrinks every module (Trunk's own wasm-opt is off for the
#      app, `data-wasm-opt="0"` in index.html, since it would only see the unsplit module).
# A second or two in debug builds, which `trunk serve` makes after every change; in release
# builds wasm-opt on the main module takes most of its time (about 20 s here).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

: "${TRUNK_STAGING_DIR:?run by trunk as a post_build hook (see Trunk.toml)}"
profile="${TRUNK_PROFILE:-debug}"
name=synack-app
target_dir="${CARGO_TARGET_DIR:-$SYNACK_ROOT/target}"
input="$target_dir/wasm32-unknown-unknown/$profile/$name.wasm"
[[ -f "$input" ]] || { echo "split-wasm: $input is missing (did cargo build $name?)" >&2; exit 1; }
command -v wasm-split-cli >/dev/null ||
  { echo "split-wasm: wasm-split-cli not found: run bash scripts/setup.sh" >&2; exit 1; }

work="$target_dir/wasm-split/$profile"
rm -rf "$work"
mkdir -p "$work/split" "$work/bindgen"

wasm-split-cli "$input" "$work/split" --out-name "$name"
wasm-bindgen --target=web --no-typescript --keep-lld-exports \
  --out-dir="$work/bindgen" --out-name="$name" "$work/split/$name.wasm"

# Replace Trunk's unsplit module with the split one, and add the parts and their loaders.
rm -f "$TRUNK_STAGING_DIR"/split_*.wasm "$TRUNK_STAGING_DIR"/chunk_*.wasm
cp "$work/bindgen/$name.js" "$TRUNK_STAGING_DIR/$name.js"
cp "$work/bindgen/${name}_bg.wasm" "$TRUNK_STAGING_DIR/${name}_bg.wasm"
cp "$work/split/__wasm_split.js" "$TRUNK_STAGING_DIR/"
shopt -s nullglob
parts=("$work"/split/split_*.wasm "$work"/split/chunk_*.wasm)
for f in "${parts[@]}"; do cp "$f" "$TRUNK_STAGING_DIR/"; done

# The main module takes most of the time: the parts are optimised beside it, on the other core.
optimise() { wasm-opt -Oz "$1" --output "$1.opt" && mv "$1.opt" "$1"; }
if [[ "$profile" == release ]]; then
  optimise "$TRUNK_STAGING_DIR/${name}_bg.wasm" &
  main_opt=$!
  for f in "${parts[@]}"; do optimise "$TRUNK_STAGING_DIR/$(basename "$f")"; done
  wait "$main_opt"
fi
echo "split-wasm: $name split into the first paint and ${#parts[@]} lazily loaded module(s)"
