#!/usr/bin/env bash
# Installs what is missing, then serves the app with live reload on http://127.0.0.1:8080
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$SYNACK_ROOT"

bash scripts/setup.sh
echo "run: serving on http://127.0.0.1:8080 (Ctrl-C stops)"
exec trunk serve --offline
