#!/usr/bin/env bash
# HTTP load benchmark: wrk on loopback against `commentd serve`, and nginx
# serving the same thread JSON as a static file, in the same run.
#   bench/http/run.sh                # uses build-perf-rel/src/cli/commentd
#   COMMENTD_BIN=path/to/commentd DURATION=10s CONNECTIONS=32 bench/http/run.sh
#   SERVE_FLAGS="--blocking-threads 0" bench/http/run.sh   # extra serve flags
# Prints a Markdown table (for docs/benchmarks.md). Needs wrk and nginx
# (Debian wrk, nginx-light; ./dev installs both).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/http/nginx.sh
. bench/http/nginx.sh  # ROOT, BIN, DURATION, CONNECTIONS, THREADS; nginx and wrk helpers
THREAD_KEY=bench-thread
COMMENTS=100

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "missing $tool" >&2; exit 2; }
done
[ -x "$BIN" ] || { echo "commentd binary not found: $BIN (set COMMENTD_BIN)" >&2; exit 2; }

WORK=$(mktemp -d)
SERVER_PID=""
touch "$WORK/pids"  # nginx_start records nginx here
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  while read -r p; do kill "$p" 2>/dev/null || true; done <"$WORK/pids"
  rm -rf "$WORK"
}
trap cleanup EXIT

# commentd on a free port; its first stdout line names the address.
mkfifo "$WORK/out"
# Run from $WORK so the engine is rules-only unless MODELS=dir names the
# trained classifiers (./models would be picked up from the project root).
(cd "$WORK" && exec "$BIN" serve --listen 127.0.0.1:0 --db "$WORK/bench.db" --rate-limit=off \
  ${MODELS:+--models "$MODELS"} ${SERVE_FLAGS:-} >"$WORK/out" 2>"$WORK/server.log") &
SERVER_PID=$!
exec 3<"$WORK/out"
read -r -t 60 line <&3 || { echo "commentd did not start:" >&2; cat "$WORK/server.log" >&2; exit 1; }
URL=${line#commentd listening on }
for _ in $(seq 100); do curl -sf "$URL/healthz" >/dev/null && break; done

# A thread of 100 published comments.
for i in $(seq $COMMENTS); do
  code=$(curl -s -o "$WORK/resp" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"author\":\"Reader $i\",\"text\":\"Comment $i on the article: thanks for the detailed reporting on the factory.\"}" \
    "$URL/api/v1/threads/$THREAD_KEY/comments") || true
  if [ "$code" != 201 ]; then
    echo "seeding comment $i: HTTP $code $(cat "$WORK/resp" 2>/dev/null)" >&2
    tail -5 "$WORK/server.log" >&2
    exit 1
  fi
done
THREAD_URL="$URL/api/v1/threads/$THREAD_KEY/comments?limit=$COMMENTS"
curl -sf "$THREAD_URL" >"$WORK/thread.json"
published=$(grep -o '"published":[0-9]*' "$WORK/thread.json" | head -1 | cut -d: -f2)
[ "$published" = "$COMMENTS" ] || { echo "expected $COMMENTS published comments, got $published" >&2; exit 1; }

# nginx serving the same bytes as a static file.
mkdir -p "$WORK/www"
chmod 755 "$WORK" "$WORK/www"  # nginx workers run as www-data
install -m 644 "$WORK/thread.json" "$WORK/www/thread.json"
NGINX_PORT=$(nginx_free_port)
nginx_start "$WORK/nginx" "$NGINX_PORT" auto "$WORK/pids" thread.json \
  "root $WORK/www; default_type application/json;"
run() { wrk_run "$WORK/wrk.log" "$@"; }

bytes=$(wc -c <"$WORK/thread.json")
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
get=$(run "$THREAD_URL")
static=$(run "http://127.0.0.1:$NGINX_PORT/thread.json")
post=$(run -s "$ROOT/bench/http/post.lua" "$URL/api/v1/threads/$THREAD_KEY/comments")
# The same POST with a pause before each request (PACE_MS): a bounded load
# (about 2,000/s with 32 connections) instead of as much as the server takes.
paced=$(PACE_MS=${PACE_MS:-12} run -s "$ROOT/bench/http/post_paced.lua" \
  "$URL/api/v1/threads/$THREAD_KEY/comments")
health=$(run "$URL/healthz")
rows=$(curl -sf "$URL/api/v1/threads/$THREAD_KEY/comments?limit=1" | grep -o '"published":[0-9]*' | head -1 | cut -d: -f2)

echo
echo "machine: $(nproc) cores, $(lscpu | grep 'Model name' | sed 's/Model name: *//'), $(date -u +%Y-%m-%d)"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, loopback; thread JSON $bytes bytes ($COMMENTS comments); engine: ${MODELS:-rules only}; serve flags: ${SERVE_FLAGS:-none}"
echo "load average before/after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)"
echo "published comments in the thread afterwards: $rows (the POST runs added $((rows - COMMENTS)))"
echo
echo "| request | req/s | p50 | p99 | non-2xx |"
echo "|---|---:|---:|---:|---:|"
printf '| commentd GET thread of %d comments | %s | %s | %s | %s |\n' "$COMMENTS" $get
printf '| nginx GET same JSON as a static file | %s | %s | %s | %s |\n' $static
printf '| commentd POST comment (moderated, stored) | %s | %s | %s | %s |\n' $post
printf '| commentd POST, paced (%s ms between requests per connection) | %s | %s | %s | %s |\n' \
  "${PACE_MS:-12}" $paced
printf '| commentd GET /healthz | %s | %s | %s | %s |\n' $health
