#!/usr/bin/env bash
# Load benchmark of the decision service: one request per call, on loopback.
#
#   bash benches/load.sh [SECONDS] [CONNECTIONS]
#
# Builds the release binary, starts `datalex serve` on a free loopback port with a scratch
# decision log, and drives POST /v1/decisions with wrk (installed from Debian's packages if it is
# missing) for SECONDS (default 15) over CONNECTIONS (default 32), printing throughput and latency
# percentiles. With RELOAD=1 it also rewrites a policy file every 2 seconds during the run, and
# reports non-2xx answers (there must be none). Budget (shared/design/architecture.md): at least
# 20,000 decisions a second, p99 under 5 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"
conns="${2:-32}"

if ! command -v wrk >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
cargo build --release --quiet

work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r policies data datalex.toml "$work/"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# `exec`, so that `$!` is the server itself and the trap stops it, not only a subshell.
(cd "$work" && RUST_LOG=warn exec "$OLDPWD/target/release/datalex" serve --addr "127.0.0.1:$port" --log "$work/decisions.db" >/dev/null 2>&1) &
server=$!
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.05; done

cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"kind":"share","at":"2026-03-02","requester":"bz-wjw","dataset":"bz-ga-0001","scenario":"public_health","jurisdiction":"binzhou"}'
done = function(summary, latency, requests)
  io.write(string.format("requests: %d, non-2xx or errors: %d\n", summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  for _, p in pairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%g: %.3f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("throughput: %.0f decisions/s\n", summary.requests / (summary.duration / 1e6)))
end
LUA

if [ "${RELOAD:-0}" = 1 ]; then
  ( f="$work/policies/shandong/measures.dlx"; orig=$(cat "$f"); n=0
    while sleep 2; do n=$((n+1)); printf '%s' "${orig//param reply_period = 10 working days/param reply_period = $((10 + n % 3)) working days}" > "$f"; done ) &
  rewriter=$!
fi
wrk -t2 -c"$conns" -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/v1/decisions"
[ -n "${rewriter:-}" ] && kill "$rewriter"
echo "reloads: $(curl -s "http://127.0.0.1:$port/metrics" | grep '^datalex_reloads_total' | cut -d' ' -f2), failures: $(curl -s "http://127.0.0.1:$port/metrics" | grep '^datalex_reload_failures_total' | cut -d' ' -f2)"
