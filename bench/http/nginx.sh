# Shared by bench/http/run.sh and tests/postgres/bench_http.sh (source it
# from the project root, where both scripts cd first): the commentd binary
# and load settings both run with, nginx on a loopback port, configured the
# same way for both benchmarks, and the wrk runner whose figures go into
# docs/benchmarks.md.
#   ROOT BIN DURATION CONNECTIONS THREADS    set here; the environment's
#       COMMENTD_BIN, DURATION, CONNECTIONS and WRK_THREADS override them
#   nginx_free_port                          prints an unused loopback port
#   nginx_start DIR PORT WORKERS PIDS PROBE LOCATION [HTTP]
#       writes DIR/nginx.conf (`listen 127.0.0.1:PORT`, `worker_processes
#       WORKERS`, no access log, temp files in DIR, `location / { LOCATION }`,
#       extra http-level directives HTTP), starts nginx in the foreground in
#       the background, appends its pid to the file PIDS (the caller's
#       cleanup kills them) and waits until http://127.0.0.1:PORT/PROBE answers.
#   wrk_run LOG ARGS...                      wrk -t$THREADS -c$CONNECTIONS -d$DURATION
#       --latency ARGS; appends wrk's output to LOG and prints
#       "req/s p50 p99 non-2xx".
# Needs nginx (Debian nginx-light), wrk, curl and python3.

ROOT=$(pwd)
BIN=${COMMENTD_BIN:-$ROOT/build-perf-rel/src/cli/commentd}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${WRK_THREADS:-2}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

nginx_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

nginx_start() {
  local dir=$1 port=$2 workers=$3 pids=$4 probe=$5 location=$6 http_extra=${7:-}
  [ -x "$NGINX" ] || { echo "missing nginx" >&2; return 2; }
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<CONF
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir; proxy_temp_path $dir;
  fastcgi_temp_path $dir; uwsgi_temp_path $dir; scgi_temp_path $dir;
$http_extra
  server {
    listen 127.0.0.1:$port;
    location / { $location }
  }
}
CONF
  "$NGINX" -c "$dir/nginx.conf" -p "$dir" >/dev/null 2>&1 &
  echo $! >>"$pids"
  local _
  for _ in $(seq 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/$probe" && return 0
    sleep 0.1
  done
  echo "nginx did not answer on port $port:" >&2
  cat "$dir/error.log" >&2 2>/dev/null || true
  return 1
}

wrk_run() {
  local log=$1
  shift
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@")
  echo "$out" >>"$log"
  local rps p50 p99 errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  echo "$rps ${p50:-?} ${p99:-?} ${errors:-0}"
}
