#!/usr/bin/env bash
# HTTP load on PostgreSQL: wrk on loopback against one `commentd serve` node
# and against two nodes behind nginx (round robin, the upstream block of
# docs/deploying.md), all on the throwaway cluster of cluster.sh, each run in
# its own schema. Prints a Markdown table for docs/benchmarks.md.
#   tests/postgres/bench_http.sh    # uses build-perf-rel/src/cli/commentd
#   COMMENTD_BIN=path/to/commentd DURATION=10s CONNECTIONS=32 tests/postgres/bench_http.sh
# Needs wrk, nginx and curl (./dev installs them) and PostgreSQL 15 binaries.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/http/nginx.sh
. bench/http/nginx.sh  # ROOT, BIN, DURATION, CONNECTIONS, THREADS; nginx and wrk helpers
NODE_THREADS=${NODE_THREADS:-2}
THREAD_KEY=bench-pg
COMMENTS=100

for tool in wrk curl psql; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
[ -x "$NGINX" ] || { echo "missing nginx" >&2; exit 2; }
[ -x "$BIN" ] || { echo "commentd binary not found: $BIN (set COMMENTD_BIN)" >&2; exit 2; }

BASE_URL=$(tests/postgres/cluster.sh start)
WORK=$(mktemp -d)
# The helpers run inside $(...) subshells, so they record what they start in
# files rather than in shell arrays.
touch "$WORK/pids" "$WORK/schemas"
cleanup() {
  while read -r p; do kill "$p" 2>/dev/null || true; done <"$WORK/pids"
  while read -r s; do psql -q "$BASE_URL" -c "DROP SCHEMA IF EXISTS $s CASCADE" >/dev/null 2>&1 || true; done <"$WORK/schemas"
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { nginx_free_port; }

# fresh_schema NAME: prints a URL whose tables live in a new schema NAME.
fresh_schema() {
  psql -q "$BASE_URL" -c "DROP SCHEMA IF EXISTS $1 CASCADE; CREATE SCHEMA $1" >/dev/null 2>&1
  echo "$1" >>"$WORK/schemas"
  echo "$BASE_URL?options=-csearch_path%3D$1"
}

# start_node DB_URL: starts commentd, prints its base URL.
start_node() {
  local fifo
  fifo="$WORK/out.$(wc -l <"$WORK/pids")"
  mkfifo "$fifo"
  "$BIN" serve --listen 127.0.0.1:0 --db "$1" --rate-limit=off --threads "$NODE_THREADS" \
    >"$fifo" 2>>"$WORK/server.log" &
  echo $! >>"$WORK/pids"
  local line
  exec {fd}<"$fifo"
  read -r -t 60 line <&$fd || { echo "commentd did not start:" >&2; cat "$WORK/server.log" >&2; exit 1; }
  echo "${line#commentd listening on }"
}

# start_nginx PORT UPSTREAM...: a round-robin balancer; prints its URL.
start_nginx() {
  local port=$1
  shift
  local servers=""
  for u in "$@"; do servers+="    server ${u#http://};"$'\n'; done
  nginx_start "$WORK/nginx-$port" "$port" 1 "$WORK/pids" healthz \
    'proxy_pass http://commentd; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $host;' \
    "  upstream commentd {
$servers    keepalive 32;
  }" >&2
  echo "http://127.0.0.1:$port"
}

seed() {
  for i in $(seq $COMMENTS); do
    curl -s -o /dev/null -H "Content-Type: application/json" \
      -d "{\"author\":\"Reader $i\",\"text\":\"Comment $i on the article: thanks for the detailed reporting on the factory.\"}" \
      "$1/api/v1/threads/$THREAD_KEY/comments"
  done
}

run() { wrk_run "$WORK/wrk.log" "$@"; }

# warm NODE_URL: posts for $WARMUP before measuring, so that the node has
# opened its PostgreSQL connections (one server process each, up to --threads
# + blocking threads + 1) and prepared its statements: the figures are the
# steady state, not the first second of a fresh node.
WARMUP=${WARMUP:-3s}
warm() {
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$ROOT/bench/http/post.lua" \
    "$1/api/v1/threads/warmup/comments" >>"$WORK/wrk.log"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# One node, direct.
DB1=$(fresh_schema "bench_one_$$")
N1=$(start_node "$DB1")
seed "$N1"
warm "$N1"
get1=$(run "$N1/api/v1/threads/$THREAD_KEY/comments?limit=$COMMENTS")
post1=$(run -s "$ROOT/bench/http/post.lua" "$N1/api/v1/threads/$THREAD_KEY/comments")
rows1=$(psql -tAq "$DB1" -c "SELECT COUNT(*) FROM comments WHERE thread = '$THREAD_KEY'")

# One node behind nginx, and two nodes behind nginx, on a second schema.
DB2=$(fresh_schema "bench_two_$$")
A=$(start_node "$DB2")
B=$(start_node "$DB2")
LB1=$(start_nginx "$(free_port)" "$A")
LB2=$(start_nginx "$(free_port)" "$A" "$B")
seed "$LB2"
warm "$A"
warm "$B"
# Both GET runs before any POST run: a POST run adds thousands of comments
# to the thread, and a GET after it would read all of them whenever the page
# cache expires (each node keeps a rendered page at most 1 s).
get_lb1=$(run "$LB1/api/v1/threads/$THREAD_KEY/comments?limit=$COMMENTS")
get_lb2=$(run "$LB2/api/v1/threads/$THREAD_KEY/comments?limit=$COMMENTS")
post_lb1=$(run -s "$ROOT/bench/http/post.lua" "$LB1/api/v1/threads/$THREAD_KEY/comments")
post_lb2=$(run -s "$ROOT/bench/http/post.lua" "$LB2/api/v1/threads/$THREAD_KEY/comments")

echo
echo "machine: $(nproc) cores, $(lscpu | grep 'Model name' | sed 's/Model name: *//'), $(date -u +%Y-%m-%d)"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, loopback; nodes --threads $NODE_THREADS; PostgreSQL 15 on the same machine"
echo "(cluster.sh settings: fsync=off, synchronous_commit=off); GET = thread of $COMMENTS comments"
echo "load average before/after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)"
echo "comments in the one-node thread after its POST run: $rows1 ($COMMENTS seeded); warm-up $WARMUP of POST per node before measuring"
echo
echo "| setup | request | req/s | p50 | p99 | non-2xx |"
echo "|---|---|---:|---:|---:|---:|"
printf '| 1 node, direct | GET thread | %s | %s | %s | %s |\n' $get1
printf '| 1 node, direct | POST comment | %s | %s | %s | %s |\n' $post1
printf '| 1 node, nginx | GET thread | %s | %s | %s | %s |\n' $get_lb1
printf '| 1 node, nginx | POST comment | %s | %s | %s | %s |\n' $post_lb1
printf '| 2 nodes, nginx | GET thread | %s | %s | %s | %s |\n' $get_lb2
printf '| 2 nodes, nginx | POST comment | %s | %s | %s | %s |\n' $post_lb2
