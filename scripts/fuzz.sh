#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets/) for a bounded time each.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 60 seconds, every target)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`; installed here when missing). The stable
# toolchain is enough: RUSTC_BOOTSTRAP=1 lets cargo-fuzz use the flags it needs, and the
# targets build without a sanitizer (the crate forbids `unsafe`, so libFuzzer's crash, panic,
# stack-overflow, timeout and memory checks are what matter). The corpus grows in fuzz/corpus/
# (ignored by git), seeded from the example contracts; a crash is saved in fuzz/artifacts/ and
# fails the run. Reproduce one with `RUSTC_BOOTSTRAP=1 cargo fuzz run -s none TARGET FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install --locked cargo-fuzz
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cd fuzz && cargo fuzz list)
fi

# Seeds the corpus of `target` from the files matching the globs, once.
seed() {
  local target="$1"
  shift
  local dir="fuzz/corpus/$target"
  if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
    return
  fi
  mkdir -p "$dir"
  local file
  for file in "$@"; do
    [ -f "$file" ] && cp "$file" "$dir/"
  done
  return 0
}
shopt -s nullglob globstar
seed avro schemas/**/*.avsc tests/fixtures/**/*.avsc
seed json_schema schemas/**/*.json tests/fixtures/**/*.json
seed protobuf_text schemas/**/*.proto tests/fixtures/**/*.proto
seed request_body tests/clients/**/*.json
seed query_string
shopt -u nullglob globstar

echo "== building the fuzz targets"
(cd fuzz && cargo fuzz build -s none)

mkdir -p target/fuzz-logs
for target in "${targets[@]}"; do
  echo "== fuzzing $target for ${seconds}s"
  log="target/fuzz-logs/$target.log"
  # -timeout: an input that takes over 10 s is a hang; -rss_limit_mb: a memory blow-up fails.
  status=0
  (cd fuzz && cargo fuzz run -s none "$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536) >"$log" 2>&1 ||
    status=$?
  grep -E '^#[0-9]+[[:space:]]+DONE' "$log" || true
  if [ "$status" -ne 0 ] || [ -n "$(ls -A "fuzz/artifacts/$target" 2>/dev/null)" ]; then
    tail -n 40 "$log" >&2
    echo "error: $target failed (exit $status); the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
done
echo "== fuzzing done: ${#targets[@]} targets, ${seconds}s each, no crash"
