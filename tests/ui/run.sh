#!/usr/bin/env bash
# Runs the web UI's end-to-end tests: the accord binary, Debian's chromium (headless) driven by
# playwright-core from npm, and node's built-in test runner. Screenshots of the main views are
# written to docs/screenshots/ (docs/ui.md shows them).
#
# Needs: cargo, node >= 20 with npm, and chromium at /usr/bin/chromium (`apt-get install
# chromium`; ACCORD_CHROMIUM overrides the path). Browsers are never downloaded: playwright-core
# only drives the installed one.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CHROMIUM="${ACCORD_CHROMIUM:-/usr/bin/chromium}"

if [[ ! -x "$CHROMIUM" ]]; then
    echo "error: chromium not found at $CHROMIUM; install it (apt-get install chromium) or set ACCORD_CHROMIUM" >&2
    exit 1
fi

echo "==> building accord"
(cd "$REPO" && cargo build --bin accord)
export ACCORD_BIN="${ACCORD_BIN:-${CARGO_TARGET_DIR:-$REPO/target}/debug/accord}"
if [[ "$ACCORD_BIN" != /* ]]; then
    ACCORD_BIN="$REPO/$ACCORD_BIN"
fi
export ACCORD_CHROMIUM="$CHROMIUM"

echo "==> web UI tests (headless $("$CHROMIUM" --version 2>/dev/null | head -n 1))"
cd "$HERE"
if [[ -f package-lock.json ]]; then
    npm ci --no-audit --no-fund
else
    npm install --no-audit --no-fund
fi
node --test --test-concurrency=1 --test-reporter=spec
