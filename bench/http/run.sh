#!/usr/bin/env bash
# HTTP load benchmark: wrk on loopback against `commentd serve`, and nginx
# serving the same thread JSON as a static file, in the same run.
#   bench/http/run.sh                # uses build-http-release/src/cli/commentd
#   COMMENTD_BIN=path/to/commentd DURATION=10s CONNECTIONS=32 bench/http/run.sh
# Prints a Markdown table (for docs/benchmarks.md). Needs wrk and nginx
# (Debian wrk, nginx-light; ./dev installs both).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BIN=${COMMENTD_BIN:-$ROOT/build-http-release/src/cli/commentd}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${WRK_THREADS:-2}
THREAD_KEY=bench-thread
COMMENTS=100

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "missing $tool" >&2; exit 2; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$BIN" ] || { echo "commentd binary not found: $BIN (set COMMENTD_BIN)" >&2; exit 2; }

WORK=$(mktemp -d)
SERVER_PID=""
NGINX_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# commentd on a free port; its first stdout line names the address.
mkfifo "$WORK/out"
# Run from $WORK so the engine is rules-only unless MODELS=dir names the
# trained classifiers (./models would be picked up from the project root).
(cd "$WORK" && exec "$BIN" serve --listen 127.0.0.1:0 --db "$WORK/bench.db" --rate-limit=off \
  ${MODELS:+--models "$MODELS"} >"$WORK/out" 2>"$WORK/server.log") &
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
NGINX_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/www" "$WORK/nginx"
chmod 755 "$WORK" "$WORK/www"  # nginx workers run as www-data
install -m 644 "$WORK/thread.json" "$WORK/www/thread.json"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx; proxy_temp_path $WORK/nginx;
  fastcgi_temp_path $WORK/nginx; uwsgi_temp_path $WORK/nginx; scgi_temp_path $WORK/nginx;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { root $WORK/www; default_type application/json; }
  }
}
CONF
"$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NGINX_PID=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/thread.json" && break; sleep 0.1; done

# run NAME ARGS...: wrk with latency percentiles; prints "req/s p50 p99 errors".
run() {
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@")
  echo "$out" >>"$WORK/wrk.log"
  local rps p50 p99 errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  echo "$rps ${p50:-?} ${p99:-?} ${errors:-0}"
}

bytes=$(wc -c <"$WORK/thread.json")
get=$(run "$THREAD_URL")
static=$(run "http://127.0.0.1:$NGINX_PORT/thread.json")
post=$(run -s "$ROOT/bench/http/post.lua" "$URL/api/v1/threads/$THREAD_KEY/comments")
health=$(run "$URL/healthz")

echo
echo "machine: $(nproc) cores, $(lscpu | grep 'Model name' | sed 's/Model name: *//'), $(date -u +%Y-%m-%d)"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, loopback; thread JSON $bytes bytes ($COMMENTS comments); engine: ${MODELS:-rules only}"
echo
echo "| request | req/s | p50 | p99 | non-2xx |"
echo "|---|---:|---:|---:|---:|"
printf '| commentd GET thread of %d comments | %s | %s | %s | %s |\n' "$COMMENTS" $get
printf '| nginx GET same JSON as a static file | %s | %s | %s | %s |\n' $static
printf '| commentd POST comment (moderated, stored) | %s | %s | %s | %s |\n' $post
printf '| commentd GET /healthz | %s | %s | %s | %s |\n' $health
