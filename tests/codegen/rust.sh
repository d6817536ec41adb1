#!/usr/bin/env bash
# Generates the Rust package of every contract in tests/fixtures/codegen offline
# (`accord codegen --file F --lang rust`), then builds each package and runs its starter test
# with cargo. The packages share one target directory, so apache-avro, prost and serde build
# once; it is kept between runs (ACCORD_RUST_CODEGEN_TARGET, default under the cargo target
# directory), so a second run only rebuilds the generated code. A warning in the generated code
# fails the run as an error does.
#
# Needs cargo and the crates.io registry. Fails on the first error.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-target}"
bin="${ACCORD_BIN:-$target/debug/accord}"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
shared="${ACCORD_RUST_CODEGEN_TARGET:-$target/codegen-rust}"
mkdir -p "$shared"
shared="$(cd "$shared" && pwd)"

[ -x "$bin" ] || { echo "rust.sh: no accord binary at $bin (cargo build first, or set ACCORD_BIN)" >&2; exit 1; }

fixtures="$root/tests/fixtures/codegen"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# The contracts, in the order accord.toml maps them to subjects.
mapfile -t files < <(sed -n 's/^file = "\([^"]*\)".*/\1/p' "$fixtures/accord.toml")
[ "${#files[@]}" -gt 0 ] || { echo "rust.sh: no contracts in $fixtures/accord.toml" >&2; exit 1; }

passed=0
for file in "${files[@]}"; do
  package="$out/$(echo "$file" | tr '/.' '__')"
  echo "== $file"
  (cd "$fixtures" && "$bin" codegen --file "$file" --lang rust --out "$package")
  CARGO_TARGET_DIR="$shared" RUSTFLAGS="${RUSTFLAGS:-} -D warnings" cargo test --quiet --manifest-path "$package/Cargo.toml" --test sample \
    || { echo "rust.sh: the Rust package generated for $file failed its tests" >&2; exit 1; }
  passed=$((passed + 1))
done

echo "rust: $passed passed, 0 failed"
