#!/usr/bin/env bash
# Runs the whole test suite: the Rust unit and integration tests, then the real clients
# (confluent-kafka for Python, @kafkajs/confluent-schema-registry for Node.js) against the binary.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test
if [ -x tests/clients/run.sh ] || [ -f tests/clients/run.sh ]; then
  bash tests/clients/run.sh
fi
