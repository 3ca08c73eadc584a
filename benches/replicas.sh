#!/usr/bin/env bash
# Three replicas on PostgreSQL against one replica on SQLite, on this machine, in one run.
#
#   bash benches/replicas.sh [SECONDS] [CONNECTIONS]
#
# Like benches/load.sh: builds the release binary and drives POST /v1/decisions with wrk
# (installed from Debian's packages if missing) for SECONDS (default 15) over CONNECTIONS
# (default 48), each decision answered only once its log record is durable, callers
# authenticated with an API key. First one `datalex serve` with its SQLite log (the default),
# then a scratch PostgreSQL cluster (initdb on a free loopback port in a temporary directory,
# removed at the end) with three replicas `serve --store postgres://… --replica rN --bundles`
# serving a signed bundle. The load is spread over the three replicas' ports, one wrk thread
# each, or with VIA=haproxy sent through HAProxy (deploy/haproxy.cfg on free ports; HAProxy must
# be installed). Prints both figures, and the CPU seconds each process used during each run, which
# shows where the time goes. Everything shares this machine's cores: the replicas, PostgreSQL,
# wrk (and HAProxy).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"
conns="${2:-48}"
repo=$PWD
bin="$repo/target/release/datalex"

if ! command -v wrk >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
cargo build --release --quiet

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -f "$work/pg/data/postmaster.pid" ]; then as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
# PostgreSQL refuses to run as root: as root, its cluster belongs to the `postgres` user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && return 0; sleep 0.05; done; echo "not ready on $1" >&2; exit 1; }
# CPU seconds (user + system) the processes used so far.
cpu() {
  local ticks=0 p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] || continue
    ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo $((ticks * 100 / $(getconf CLK_TCK)))
}
# CPU seconds the whole machine was busy so far (every core, every process).
busy() { awk '/^cpu /{print int(($2 + $3 + $4 + $7 + $8) * 100 / '"$(getconf CLK_TCK)"')}' /proc/stat; }
show_cpu() { printf '%s: %d.%02d CPU s\n' "$1" $(($2 / 100)) $(($2 % 100)); }

cp -r policies data datalex.toml "$work/"
key=$("$bin" keys add --file "$work/callers.toml" --id bench --scope decide --scope metrics --scope read-policies \
  --rate 100000000/s 2>/dev/null)

cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DATALEX_KEY")
wrk.body = '{"kind":"share","at":"2026-03-02","requester":"bz-wjw","dataset":"bz-ga-0001","scenario":"public_health","jurisdiction":"binzhou"}'
-- With PORTS="p1 p2 p3", wrk's threads go to the ports in turn (one thread per port).
local ports = {}
for p in string.gmatch(os.getenv("PORTS") or "", "%d+") do table.insert(ports, p) end
local threads = 0
function setup(thread)
  if #ports > 0 then
    thread.addr = wrk.lookup("127.0.0.1", ports[threads % #ports + 1])[1]
    threads = threads + 1
  end
end
done = function(summary, latency, requests)
  io.write(string.format("requests: %d, non-2xx or errors: %d\n", summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  for _, p in pairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%g: %.3f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("throughput: %.0f decisions/s\n", summary.requests / (summary.duration / 1e6)))
end
LUA

# wrk over URL for the run, with PORTS (possibly empty) as the spread; the other arguments are
# "NAME:COMMAND" pairs, COMMAND printing the pids whose CPU time is reported as NAME (run before
# and after, so that processes started during the run count too).
measure() {
  local url=$1 ports=$2; shift 2
  local -a before=() groups=("$@")
  local g
  for g in "${groups[@]}"; do before+=("$(cpu $(eval "${g#*:}"))"); done
  local w0 b0; w0=$(date +%s%N); b0=$(busy)
  DATALEX_KEY="$key" PORTS="$ports" wrk -t3 -c"$conns" -d"${seconds}s" --latency -s "$work/post.lua" "$url" | tee "$work/wrk.out"
  local i=0
  for g in "${groups[@]}"; do
    show_cpu "${g%%:*}" $(( $(cpu $(eval "${g#*:}")) - before[i] )); i=$((i + 1))
  done
  show_cpu "the machine (all processes, wrk included)" $(( $(busy) - b0 ))
  echo "wall: $(( ($(date +%s%N) - w0) / 1000000 )) ms on $(nproc) cores"
}

echo "== one replica, SQLite decision log (durable), $conns connections, ${seconds}s"
port=$(free_port)
(cd "$work" && RUST_LOG=warn exec "$bin" serve --addr "127.0.0.1:$port" --log "$work/decisions.db" \
  --keys "$work/callers.toml" --no-watch >/dev/null 2>"$work/sqlite.log") &
sqlite=$!; pids+=("$sqlite")
wait_ready "$port"
measure "http://127.0.0.1:$port/v1/decisions" "" "datalex:echo $sqlite"
sqlite_rate=$(grep '^throughput' "$work/wrk.out")
kill "$sqlite"; wait "$sqlite" 2>/dev/null || true

echo
echo "== three replicas, PostgreSQL decision log (durable), $conns connections, ${seconds}s"
mkdir -p "$work/pg"
if [ "$(id -u)" = 0 ]; then chown postgres: "$work/pg"; chmod 755 "$work"; fi
pg_port=$(free_port)
as_pg "$pg_bin/initdb" -D "$work/pg/data" -U datalex --auth=trust --encoding=UTF8 --locale=C >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w \
  -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
"$pg_bin/psql" -X -q -h 127.0.0.1 -p "$pg_port" -U datalex -d postgres -c "CREATE DATABASE datalex"
store="postgres://datalex@127.0.0.1:$pg_port/datalex"
postmaster=$(head -1 "$work/pg/data/postmaster.pid")
"$bin" migrate --store "$store"
(cd "$work" && "$bin" bundle keygen bundle-key >/dev/null && "$bin" bundle build . -o bench.dlxb >/dev/null \
  && "$bin" bundle sign bench.dlxb --key bundle-key >/dev/null && "$bin" bundle publish bench.dlxb --store "$store")
python3 -c 'import secrets; print("[[keys]]\nid = \"k1\"\nsecret = \"%s\"" % secrets.token_hex(32))' > "$work/log.keys"
ports=() replica_pids=()
for r in r1 r2 r3; do
  mkdir -p "$work/$r"
  printf '[decision_log]\nkey_file = "%s"\nsigning_key = "signing-key"\n' "$work/log.keys" > "$work/$r/datalex.toml"
  p=$(free_port)
  (cd "$work/$r" && RUST_LOG=warn exec "$bin" serve --addr "127.0.0.1:$p" --store "$store" --replica "$r" \
    --bundles --bundle-public-key "$work/bundle-key.pub" --keys "$work/callers.toml" >/dev/null 2>"$work/$r.log") &
  replica_pids+=("$!"); pids+=("$!"); ports+=("$p")
done
for p in "${ports[@]}"; do wait_ready "$p"; done
url="http://127.0.0.1:${ports[0]}/v1/decisions" spread="${ports[*]}" extra=()
if [ "${VIA:-}" = haproxy ]; then
  lb=$(free_port)
  sed -e "s/^    log \/dev\/log local0/    log stdout format raw local0 emerg/" \
      -e "s/127.0.0.1:8080/127.0.0.1:$lb/" -e "s/127.0.0.1:8081/127.0.0.1:${ports[0]}/" \
      -e "s/127.0.0.1:8082/127.0.0.1:${ports[1]}/" -e "s/127.0.0.1:8083/127.0.0.1:${ports[2]}/" \
      deploy/haproxy.cfg > "$work/haproxy.cfg"
  haproxy -f "$work/haproxy.cfg" -db >/dev/null 2>&1 &
  pids+=("$!"); extra=("haproxy:echo $!")
  wait_ready "$lb"
  url="http://127.0.0.1:$lb/v1/decisions" spread=""
  echo "through HAProxy on 127.0.0.1:$lb"
fi
# PostgreSQL's processes: the postmaster and its children (a backend per pooled connection).
pg_pids() { echo "$postmaster $(ps -o pid= --ppid "$postmaster" | tr '\n' ' ')"; }
measure "$url" "$spread" "datalex-r1:echo ${replica_pids[0]}" "datalex-r2:echo ${replica_pids[1]}" \
  "datalex-r3:echo ${replica_pids[2]}" "postgres:pg_pids" "${extra[@]}"
replicas_rate=$(grep '^throughput' "$work/wrk.out")
# A second bundle published under load: how long until every replica serves it (by NOTIFY;
# the check compiles the bundle and runs its package tests), and whether any request failed.
mkdir -p "$work/second" && cp -r policies data datalex.toml "$work/second/"
printf '\n// The second bundle.\n' >> "$work/second/policies/binzhou/measures.dlx"
second=$(cd "$work" && "$bin" bundle build second -o second.dlxb 2>/dev/null | grep -o 'sha256:[0-9a-f]*')
(cd "$work" && "$bin" bundle sign second.dlxb --key bundle-key >/dev/null)
DATALEX_KEY="$key" PORTS="$spread" wrk -t3 -c"$conns" -d6s -s "$work/post.lua" "$url" > "$work/wrk-publish.out" &
wrk_pid=$!
sleep 2
(cd "$work" && "$bin" bundle publish second.dlxb --store "$store" >/dev/null 2>&1)
t0=$(date +%s%N) reached=()
for p in "${ports[@]}"; do
  until curl -s -H "Authorization: Bearer $key" "http://127.0.0.1:$p/v1/policies" | grep -q "$second"; do sleep 0.01; done
  reached+=("$(( ($(date +%s%N) - t0) / 1000000 )) ms")
done
wait "$wrk_pid"
echo "the second bundle served by r1, r2, r3 after: ${reached[*]} (from the end of \`bundle publish\`, under load)"
grep '^requests' "$work/wrk-publish.out" | sed 's/^/during the publish: /'
records=$("$pg_bin/psql" -X -q -A -t -h 127.0.0.1 -p "$pg_port" -U datalex -d datalex -c "SELECT chain || ': ' || count(*) FROM records GROUP BY chain ORDER BY chain" | tr '\n' ' ')
echo "records per chain: $records"

echo
echo "== summary ($(nproc) cores, shared by every process above)"
echo "one replica on SQLite:       $sqlite_rate"
echo "three replicas on PostgreSQL: $replicas_rate${VIA:+ (through $VIA)}"
