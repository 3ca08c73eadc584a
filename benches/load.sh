#!/usr/bin/env bash
# Load benchmark of the decision service against the machine's ceiling, in one run, on loopback.
#
#   bash benches/load.sh [SECONDS] [CONNECTIONS]
#
# Builds the release binary and the ceiling server (`service/examples/ceiling.rs`: the service's
# own runtime, connection loop and router answering POST /v1/decisions with a fixed small JSON,
# nothing else), then drives, one after the other with the same wrk settings (SECONDS, default
# 15, over CONNECTIONS, default 32; wrk installed from Debian's packages if missing):
#
#   1. the ceiling server;
#   2. `datalex serve` on a scratch copy of policies/ and data/ with a scratch decision log,
#      POST /v1/decisions (the full trace, the default), and, with TRACE_ROWS=1 (the default),
#      also POST /v1/decisions?trace=summary and ?trace=none;
#
# and prints each row's throughput and latency percentiles, then each decision row's throughput
# as a fraction of the ceiling's. Budget (shared/design/architecture.md, issue 20): at least a
# third of the ceiling, at least 25,000 decisions a second, p99 under 5 ms.
#
# The service runs as in production: callers authenticate with an API key (one caller, its
# rate limit set far above what the machine can do, so that the limiter is measured but never
# refuses) and every decision is answered only once its log record is durable. KEYS=0 runs it
# open (loopback, no keys); LOG_MODE=async answers before the log record is written. With
# RELOAD=1 a policy file is rewritten every 2 seconds during the decision rows, and the reloads
# are reported (there must be no non-2xx answer).
#
# Pinning: on a machine with at least 2 cores (`nproc`), wrk runs on the first quarter of the
# cores (at least one: CPU 0) and each server on the others (`taskset`), so that the load
# generator does not take the servers' cores. On 2 cores that is wrk alone on CPU 0 and the
# server (its request threads and the decision log's writer) alone on CPU 1: both rows are
# measured on one core, so the ratio is fair, and the absolute figures are a single core's.
# PIN=0 turns pinning off. WRK_THREADS defaults to the number of cores wrk is given.
# BIN=PATH serves decisions with another build of `datalex` (a previous release, to compare in
# the same run; with TRACE_ROWS=0 if it predates `?trace=`).
#
# Every server (and the rewriter) it starts is stopped when it ends, also on Ctrl-C or failure.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"
conns="${2:-32}"

if ! command -v wrk >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
cargo build --release --quiet
cargo build --release --quiet -p datalex-service --example ceiling

work=$(mktemp -d)
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

cores=$(nproc)
wrk_pin=()
server_pin=()
if [ "${PIN:-1}" = 1 ] && [ "$cores" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
  wrk_cores=$(( cores / 4 )); [ "$wrk_cores" -ge 1 ] || wrk_cores=1
  wrk_pin=(taskset -c "0-$(( wrk_cores - 1 ))")
  server_pin=(taskset -c "${wrk_cores}-$(( cores - 1 ))")
  echo "cores: $cores; wrk on CPU 0-$(( wrk_cores - 1 )), servers on CPU ${wrk_cores}-$(( cores - 1 ))"
else
  wrk_cores=$cores
  echo "cores: $cores; not pinned"
fi
threads="${WRK_THREADS:-$wrk_cores}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.05; done; echo "not ready: $1" >&2; return 1; }

cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("DATALEX_KEY")
if key and key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
wrk.body = '{"kind":"share","at":"2026-03-02","requester":"bz-wjw","dataset":"bz-ga-0001","scenario":"public_health","jurisdiction":"binzhou"}'
done = function(summary, latency, requests)
  io.write(string.format("requests: %d, non-2xx or errors: %d\n", summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  for _, p in pairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%g: %.3f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("throughput: %.0f requests/s\n", summary.requests / (summary.duration / 1e6)))
end
LUA

# One wrk run against URL, labelled NAME; remembers its throughput.
declare -A rate
measure() {
  local name=$1 url=$2 out
  echo "== $name: $url"
  out=$(DATALEX_KEY="${key:-}" "${wrk_pin[@]}" wrk -t"$threads" -c"$conns" -d"${seconds}s" --latency -s "$work/post.lua" "$url")
  echo "$out" | sed -n '/^requests:/,$p'
  rate[$name]=$(echo "$out" | sed -n 's/^throughput: \([0-9]*\).*/\1/p')
}

# 1. The ceiling.
ceiling_port=$(free_port)
"${server_pin[@]}" target/release/examples/ceiling "127.0.0.1:$ceiling_port" &
pids+=($!)
wait_ready "http://127.0.0.1:$ceiling_port/v1/decisions"
measure ceiling "http://127.0.0.1:$ceiling_port/v1/decisions"
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true

# 2. The decision service.
bin=$(realpath "${BIN:-target/release/datalex}")
cp -r policies data datalex.toml "$work/"
port=$(free_port)
serve_args=(--addr "127.0.0.1:$port" --log "$work/decisions.db")
auth=()
if [ "${KEYS:-1}" = 1 ]; then
  key=$("$bin" keys add --file "$work/callers.toml" --id bench --scope decide \
    --scope metrics --rate 100000000/s 2>/dev/null)
  serve_args+=(--keys "$work/callers.toml")
  auth=(-H "Authorization: Bearer $key")
fi
if [ -n "${LOG_MODE:-}" ]; then serve_args+=(--log-mode "$LOG_MODE"); fi
# The rewrites change a period the packages' own tests pin, so with RELOAD=1 the reloads are
# served without running those tests (else each would be refused, and nothing measured).
if [ "${RELOAD:-0}" = 1 ]; then serve_args+=(--skip-policy-tests); fi
echo "keys: ${KEYS:-1}, log mode: ${LOG_MODE:-durable}"
# `exec`, so that the pid is the server itself and the trap stops it, not only a subshell.
(cd "$work" && RUST_LOG=warn exec "${server_pin[@]}" "$bin" serve "${serve_args[@]}" >/dev/null 2>&1) &
pids+=($!)
wait_ready "http://127.0.0.1:$port/readyz"

if [ "${RELOAD:-0}" = 1 ]; then
  ( f="$work/policies/shandong/measures.dlx"; orig=$(cat "$f"); n=0
    while sleep 2; do n=$((n+1)); printf '%s' "${orig//param reply_period = 10 working days/param reply_period = $((10 + n % 3)) working days}" > "$f"; done ) &
  pids+=($!)
fi
rows=(full)
if [ "${TRACE_ROWS:-1}" = 1 ]; then rows+=(summary none); fi
for row in "${rows[@]}"; do
  query=""; [ "$row" = full ] || query="?trace=$row"
  measure "decisions, trace=$row" "http://127.0.0.1:$port/v1/decisions$query"
done
metrics=$(curl -s "${auth[@]}" "http://127.0.0.1:$port/metrics")
echo "reloads: $(grep '^datalex_reloads_total' <<<"$metrics" | cut -d' ' -f2), failures: $(grep '^datalex_reload_failures_total' <<<"$metrics" | cut -d' ' -f2)"

echo "== summary (same wrk settings: -t$threads -c$conns -d${seconds}s)"
printf '%-24s %10s/s\n' ceiling "${rate[ceiling]}"
for row in "${rows[@]}"; do
  name="decisions, trace=$row"
  ratio=$(python3 -c "print(f'{${rate[$name]:-0} / max(${rate[ceiling]:-0}, 1):.3f}')")
  printf '%-24s %10s/s  %s of the ceiling\n' "$name" "${rate[$name]}" "$ratio"
done
