#!/usr/bin/env bash
# Compiles and runs the code Accord generates, with the real toolchains: for every contract of
# tests/fixtures/codegen (accord.toml maps them to subjects) and every language its format
# supports, `accord codegen --file` writes the files, then
#   java        javac (17) against Debian's Apache Avro 1.8.2 and Jackson 2 jars, then the
#               starter test's main (all in one JVM, JavaChecks.java)
#   typescript  tsc --strict from npm with avsc and protobufjs, then node runs the starter test
#   python      the starter test under python with fastavro and jsonschema
#   proto       protoc over the bundle (descriptor set and Python output), then decode_sample.sh
# The HTTP path runs too: a fresh server, `accord register`, one zip per format from
# /subjects/{s}/versions/{v}/code, checked like the files above; and every subject's samples
# from /examples are checked with libraries that are not Accord's (check_samples.py). Then
# tests/codegen/rust.sh, when it exists.
#
# Needs: cargo, node >= 20 with npm, python3 with venv, curl. Installs what is missing: Java 17,
# libavro-java, libjackson2-databind-java and protobuf-compiler with apt-get (as root),
# the npm packages of package-lock.json, and a venv under the cargo target dir with
# requirements.txt.
set -euo pipefail
shopt -s extglob

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
FIXTURES="$REPO/tests/fixtures/codegen"
PYTHON="${PYTHON:-python3}"
TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
if [[ "$TARGET_DIR" != /* ]]; then
    TARGET_DIR="$REPO/$TARGET_DIR"
fi
WORK="$TARGET_DIR/codegen-check"
VENV="$TARGET_DIR/codegen-venv"
JAVA_LIB=/usr/share/java
started=$SECONDS

# ACCORD_BIN names a binary built already (scripts/test.sh passes the one `cargo test` built, as
# it runs this beside other cargo commands); without it the binary is built here.
if [[ -n "${ACCORD_BIN:-}" && -x "$ACCORD_BIN" ]]; then
    echo "==> using the accord binary given in ACCORD_BIN"
else
    echo "==> building accord [$((SECONDS - started)) s]"
    (cd "$REPO" && cargo build --bin accord)
fi
export ACCORD_BIN="${ACCORD_BIN:-$TARGET_DIR/debug/accord}"
if [[ "$ACCORD_BIN" != /* ]]; then
    ACCORD_BIN="$REPO/$ACCORD_BIN"
fi
echo "    using $ACCORD_BIN"

# Debian's packages: the jars javac compiles against, and protoc with the well-known imports.
missing=()
command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
[[ -f $JAVA_LIB/avro.jar ]] || missing+=(libavro-java)
[[ -f $JAVA_LIB/jackson-databind.jar ]] || missing+=(libjackson2-databind-java)
command -v protoc >/dev/null || missing+=(protobuf-compiler)
[[ -f /usr/include/google/protobuf/timestamp.proto ]] || missing+=(libprotobuf-dev)
if ((${#missing[@]})); then
    echo "==> installing ${missing[*]}"
    if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
        echo "error: missing ${missing[*]}; install them (apt-get install ${missing[*]})" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "==> npm packages (tsc, avsc, protobufjs) [$((SECONDS - started)) s]"
(cd "$HERE" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error)

echo "==> python venv (fastavro, jsonschema) [$((SECONDS - started)) s]"
if [[ -d "$VENV" ]] && ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    rm -rf "$VENV"
fi
[[ -d "$VENV" ]] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"

AVRO_CP=$JAVA_LIB/avro.jar
for jar in jackson-core-asl jackson-mapper-asl slf4j-api paranamer commons-compress snappy-java xz; do
    if [[ -f $JAVA_LIB/$jar.jar ]]; then
        AVRO_CP+=":$JAVA_LIB/$jar.jar"
    fi
done
JACKSON_CP="$JAVA_LIB/jackson-databind.jar:$JAVA_LIB/jackson-core.jar:$JAVA_LIB/jackson-annotations.jar"
debian_version() {
    dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo unknown
}
echo "    $(javac -version 2>&1) with Avro $(debian_version libavro-java) and Jackson" \
    "$(debian_version libjackson2-databind-java) from Debian; $(protoc --version);" \
    "tsc $("$HERE/node_modules/.bin/tsc" --version | awk '{print $2}') on node $(node --version);" \
    "$("$VENV/bin/python" --version) with $("$VENV/bin/python" -m pip freeze --disable-pip-version-check | grep -Ei '^(fastavro|jsonschema)==' | tr '\n' ' ')"

rm -rf "$WORK"
mkdir -p "$WORK/gen" "$WORK/logs" "$WORK/results"

# The subjects and files of accord.toml, in its order: "subject file" a line.
contracts() {
    awk -F'"' '/^name = / { name = $2 } /^file = / { print name, $2 }' "$FIXTURES/accord.toml"
}

format_of() {
    case "$1" in
    *.avsc) echo avro ;;
    *.proto) echo protobuf ;;
    *.json) echo json ;;
    esac
}

# Records a failed step and prints the end of its log, naming contract, language and step.
failed() {
    local contract="$1" lang="$2" step="$3" log="$4"
    echo "FAILED: $contract [$lang] $step" >&2
    tail -n 40 "$log" | sed 's/^/    /' >&2
    echo "$contract [$lang] $step" >"$WORK/results/$contract.$lang.failed"
}

# Runs one step of a check, logging to LOG; on failure records it and returns 1.
step() {
    local contract="$1" lang="$2" name="$3" log="$4"
    shift 4
    echo "\$ $*" >>"$log"
    if ! "$@" >>"$log" 2>&1; then
        failed "$contract" "$lang" "$name" "$log"
        return 1
    fi
}

# Every Java check in one JVM (JavaChecks.java: javac through javax.tools, then each starter
# test in a class loader of its own), as a javac start costs seconds.
java_lane() {
    local args=() entry contract lang dir format verdict rest
    for entry in "${checks[@]}"; do
        read -r contract lang dir format <<<"$entry"
        [[ $lang == java ]] || continue
        args+=("$contract" "$dir" "$([[ $format == avro ]] && echo "$AVRO_CP" || echo "$JACKSON_CP")"
            "$WORK/logs/$contract.java.log")
    done
    ((${#args[@]})) || return 0
    local begun=$SECONDS
    java "$HERE/JavaChecks.java" "${args[@]}" >"$WORK/logs/java.log" 2>&1 || true
    for ((i = 0; i < ${#args[@]}; i += 4)); do
        contract="${args[i]}"
        read -r verdict rest < <(grep -E "^(passed|failed) $contract( |$)" "$WORK/logs/java.log" | head -n 1 | sed "s/ $contract//")
        case "${verdict:-}" in
        passed)
            echo "ok: $contract [java]"
            echo "$contract [java]" >"$WORK/results/$contract.java.passed"
            ;;
        failed) failed "$contract" java "$rest" "$WORK/logs/$contract.java.log" ;;
        *) failed "$contract" java "JavaChecks.java (no verdict)" "$WORK/logs/java.log" ;;
        esac
    done
    echo "    java: $((${#args[@]} / 4)) contracts compiled and run in $((SECONDS - begun)) s"
}

# Writes the tsconfig of a generated TypeScript project; tsc compiles them all at once. Every
# generated file is checked strictly; skipLibCheck only spares re-checking node's and the
# libraries' own .d.ts files once per project.
prepare_typescript() {
    local dir="$1"
    ln -s "$HERE/node_modules" "$dir/node_modules"
    cat >"$dir/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "strict": true,
    "target": "es2020",
    "module": "commonjs",
    "moduleResolution": "node",
    "types": ["node"],
    "rootDir": "src",
    "outDir": "dist",
    "skipLibCheck": true
  },
  "include": ["src"]
}
EOF
}

# Runs the starter test tsc compiled (`compile_typescript` has run).
check_typescript() {
    local contract="$1" dir="$2" log="$3"
    if [[ -f "$WORK/results/$contract.typescript.failed" ]]; then
        return 1
    fi
    step "$contract" typescript "starter test" "$log" node "$dir/dist/sample.test.js"
}

# One tsc process builds every project (a tsc start costs seconds); when it fails, each
# project is compiled alone to name the ones that do not compile.
compile_typescript() {
    local projects=() entry contract lang dir format
    for entry in "${checks[@]}"; do
        read -r contract lang dir format <<<"$entry"
        if [[ $lang == typescript ]]; then
            projects+=("$dir/tsconfig.json")
        fi
    done
    ((${#projects[@]})) || return 0
    local begun=$SECONDS
    if "$HERE/node_modules/.bin/tsc" -b "${projects[@]}" >"$WORK/logs/tsc.log" 2>&1; then
        echo "    tsc: ${#projects[@]} projects compiled in $((SECONDS - begun)) s"
        return 0
    fi
    for entry in "${checks[@]}"; do
        read -r contract lang dir format <<<"$entry"
        [[ $lang == typescript ]] || continue
        step "$contract" typescript "tsc --strict" "$WORK/logs/$contract.typescript.log" \
            "$HERE/node_modules/.bin/tsc" -p "$dir/tsconfig.json" || true
    done
}

check_python() {
    local contract="$1" dir="$2" log="$3"
    step "$contract" python "starter test" "$log" \
        env -C "$dir" PYTHONDONTWRITEBYTECODE=1 "$VENV/bin/python" test_sample.py
}

check_proto() {
    local contract="$1" dir="$2" log="$3"
    mapfile -t protos < <(cd "$dir" && find . -name '*.proto' | sed 's|^\./||' | sort)
    mkdir -p "$dir/out"
    step "$contract" proto "protoc" "$log" \
        protoc -I "$dir" --descriptor_set_out="$dir/out/bundle.pb" --include_imports \
        --python_out="$dir/out" "${protos[@]}" || return 1
    step "$contract" proto "decode_sample.sh" "$log" sh "$dir/decode_sample.sh"
}

# Checks the files of CONTRACT in LANG under DIR; writes the verdict to results/.
check() {
    local contract="$1" lang="$2" dir="$3" format="$4"
    local log="$WORK/logs/$contract.$lang.log" begun=$SECONDS
    if "check_$lang" "$contract" "$dir" "$log" "$format"; then
        echo "ok: $contract [$lang] ($((SECONDS - begun)) s)"
        echo "$contract [$lang]" >"$WORK/results/$contract.$lang.passed"
    fi
}

# Runs the checks whose language matches LANGS ("java", "typescript|python|proto") in turn.
lane() {
    local langs="$1" entry contract lang dir format
    for entry in "${checks[@]}"; do
        read -r contract lang dir format <<<"$entry"
        # shellcheck disable=SC2053
        if [[ $lang == @($langs) ]]; then
            check "$contract" "$lang" "$dir" "$format"
        fi
    done
}

echo "==> generating code offline (accord codegen --file) [$((SECONDS - started)) s]"
checks=()
while read -r subject file; do
    format=$(format_of "$file")
    langs=()
    for lang in java typescript python rust proto; do
        out="$WORK/gen/$subject/$lang"
        log="$WORK/logs/$subject.$lang.codegen.log"
        if (cd "$FIXTURES" && "$ACCORD_BIN" codegen --file "$file" --lang "$lang" --out "$out") >"$log" 2>&1; then
            langs+=("$lang")
            [[ $lang == rust ]] || checks+=("$subject $lang $out $format")
        elif grep -q "is not supported for" "$log"; then
            rm -f "$log"
        else
            failed "$subject" "$lang" "accord codegen --file $file" "$log"
        fi
    done
    echo "    $subject ($file): ${langs[*]:-nothing}"
    if [[ " ${langs[*]} " == *" rust "* && ! -f "$HERE/rust.sh" ]]; then
        echo "error: $subject generates rust, but there is no tests/codegen/rust.sh to check it" >&2
        echo "$subject [rust] no check" >"$WORK/results/$subject.rust.failed"
    fi
done < <(contracts)

echo "==> the HTTP path: a fresh server, accord register, /code as a zip, /examples [$((SECONDS - started)) s]"
binary="$ACCORD_BIN"
work="$WORK"
# shellcheck source=../../scripts/serve.sh
source "$REPO/scripts/serve.sh"
trap 'kill "$server" 2>/dev/null || true' EXIT
start_server codegen "sqlite://$WORK/registry.db"
(cd "$FIXTURES" && "$ACCORD_BIN" register --registry "$base") >"$WORK/logs/register.log" 2>&1 || {
    failed registry all "accord register" "$WORK/logs/register.log"
    exit 1
}
# One zip a format, fetched and checked like the offline files.
for pick in "orders.order-value java avro" "payments.payment-proto-value proto protobuf" \
    "invoices.invoice-value python json"; do
    read -r subject lang format <<<"$pick"
    out="$WORK/gen/http-$subject/$lang"
    log="$WORK/logs/http-$subject.$lang.log"
    mkdir -p "$out"
    if step "http-$subject" "$lang" "GET /code?lang=$lang as a zip" "$log" \
        curl -fsS -o "$out.zip" "$base/subjects/$subject/versions/latest/code?lang=$lang" &&
        step "http-$subject" "$lang" "unzip" "$log" "$VENV/bin/python" -m zipfile -e "$out.zip" "$out"; then
        checks+=("http-$subject $lang $out $format")
    fi
done

echo "==> samples checked with fastavro, jsonschema and protoc (check_samples.py) [$((SECONDS - started)) s]"
mapfile -t subjects < <(contracts | awk '{print $1}')
log="$WORK/logs/samples.log"
if (cd "$HERE" && "$VENV/bin/python" check_samples.py "$base" "${subjects[@]}") >"$log" 2>&1; then
    grep -v '^samples:' "$log" | sed 's/^/    /'
    echo "samples [all] checked" >"$WORK/results/samples.all.passed"
else
    failed samples all "check_samples.py" "$log"
fi
kill "$server"
wait "$server" 2>/dev/null || true
trap - EXIT

echo "==> compiling and running the generated code: java beside typescript, python and proto [$((SECONDS - started)) s]"
# Two lanes for two cores: the JVM's, and tsc's followed by the quick ones.
java_lane &
java_lane=$!
for entry in "${checks[@]}"; do
    read -r contract lang dir format <<<"$entry"
    if [[ $lang == typescript ]]; then
        prepare_typescript "$dir"
    fi
done
compile_typescript
lane "typescript|python|proto"
wait "$java_lane"

if [[ -f "$HERE/rust.sh" ]]; then
    echo "==> the Rust output (tests/codegen/rust.sh)"
    if bash "$HERE/rust.sh" >"$WORK/logs/rust.log" 2>&1; then
        echo "rust [all]" >"$WORK/results/rust.all.passed"
        tail -n 5 "$WORK/logs/rust.log" | sed 's/^/    /'
    else
        failed rust.sh rust "tests/codegen/rust.sh" "$WORK/logs/rust.log"
    fi
fi

passed=$(find "$WORK/results" -name '*.passed' | wc -l)
failures=$(find "$WORK/results" -name '*.failed' | wc -l)
echo "==> done in $((SECONDS - started)) s; logs in $WORK/logs"
if ((failures)); then
    echo "failed checks:" >&2
    cat "$WORK"/results/*.failed | sed 's/^/    /' >&2
fi
echo "codegen: $passed passed, $failures failed"
((failures == 0))
