#!/usr/bin/env bash
# Runs the real-client tests: the Confluent Python client (confluent-kafka) and
# @kafkajs/confluent-schema-registry, each against a fresh Accord server they start themselves.
#
# Needs: cargo, python3 (with venv), node >= 20 and npm. Installs the clients' packages from
# PyPI and npm into ignored folders (target/client-venv and tests/clients/node/node_modules).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="$REPO/target/client-venv"

echo "==> building accord"
(cd "$REPO" && cargo build --bin accord)
export ACCORD_BIN="${ACCORD_BIN:-${CARGO_TARGET_DIR:-$REPO/target}/debug/accord}"
if [[ "$ACCORD_BIN" != /* ]]; then
    ACCORD_BIN="$REPO/$ACCORD_BIN"
fi
echo "    using $ACCORD_BIN"

echo "==> python client tests (confluent-kafka)"
if [[ -d "$VENV" ]] && ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    rm -rf "$VENV"
fi
if [[ ! -d "$VENV" ]]; then
    mkdir -p "$(dirname "$VENV")"
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$HERE/python/requirements.txt"
(cd "$HERE/python" && "$VENV/bin/python" -m pytest -p no:cacheprovider -v "$HERE/python")

echo "==> node client tests (@kafkajs/confluent-schema-registry)"
cd "$HERE/node"
if [[ -f package-lock.json ]]; then
    npm ci --no-audit --no-fund
else
    npm install --no-audit --no-fund
fi
node --test
