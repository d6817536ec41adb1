# Sourced by the scripts that test a running server (schemathesis.sh, conformance.sh).
#
#   start_server NAME DATABASE_URL [SERVE FLAGS...]
#
# Starts "$binary serve" on a loopback port of the system's choosing, logging to
# "$work/NAME.log", and waits until it is ready; sets `server` (its pid) and `base` (its URL).
# Exits with the log's tail when it does not start. Expects `binary` and `work` to be set.
start_server() {
  local name="$1" url="$2"
  shift 2
  base=""
  "$binary" serve --listen 127.0.0.1:0 --address-file "$work/$name.address" \
    --database-url "$url" "$@" >"$work/$name.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    if [[ -z "$base" && -s "$work/$name.address" ]]; then
      base="http://$(cat "$work/$name.address")"
    fi
    [[ -n "$base" ]] && curl -fs "$base/readyz" >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "error: the server $name did not start; its log:" >&2
  tail -n 50 "$work/$name.log" >&2
  exit 1
}
