#!/usr/bin/env bash
# Soak: `commentd serve` with a small connection cap while soak_client holds
# twice the cap of idle connections open (reopening any the server closes) and
# a trickle of GET /healthz and thread pages runs from another loopback
# address. Reports whether /healthz answered throughout (count, failures,
# latency). Loopback only; about 2 x SECONDS in all.
#   bench/http/soak.sh                   # uses build/src/cli/commentd, build/bench/soak_client
#   CAP=64 PER_ADDRESS=16 SECONDS_EACH=45 bench/http/soak.sh
# Two runs: the held connections from one address (a client hoarding
# sockets: the promise of docs/security.md, and the exit status), then spread
# over HOLD/PER_ADDRESS addresses, each within its per-address cap and
# together twice the overall cap (a distributed hold, outside the promise:
# shown to measure where the caps stop helping).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BIN=${COMMENTD_BIN:-$ROOT/build/src/cli/commentd}
CLIENT=${SOAK_CLIENT:-$ROOT/build/bench/soak_client}
CAP=${CAP:-64}
PER_ADDRESS=${PER_ADDRESS:-16}
SECONDS_EACH=${SECONDS_EACH:-45}
HOLD=$((2 * CAP))
THREAD_KEY=soak-thread
for f in "$BIN" "$CLIENT"; do
  [ -x "$f" ] || { echo "not built: $f (cmake --build build --target commentd soak_client)" >&2; exit 2; }
done

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

mkfifo "$WORK/out"
(cd "$WORK" && exec "$BIN" serve --listen 127.0.0.1:0 --db "$WORK/soak.db" --rate-limit=off \
  --max-connections "$CAP" --max-connections-per-address "$PER_ADDRESS" ${SERVE_FLAGS:-} \
  >"$WORK/out" 2>"$WORK/server.log") &
SERVER_PID=$!
exec 3<"$WORK/out"
read -r -t 60 line <&3 || { echo "commentd did not start:" >&2; cat "$WORK/server.log" >&2; exit 1; }
URL=${line#commentd listening on }
PORT=${URL##*:}
for i in $(seq 20); do
  curl -sf -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"author\":\"Reader $i\",\"text\":\"Comment $i on the article: thanks for the detailed reporting on the factory.\"}" \
    "$URL/api/v1/threads/$THREAD_KEY/comments"
done

echo "commentd $(git -C "$ROOT" rev-parse --short HEAD), cap $CAP connections, $PER_ADDRESS per address," \
  "holding $HOLD, ${SECONDS_EACH}s each run, $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
echo "--- held from 1 address"
"$CLIENT" --port "$PORT" --hold "$HOLD" --sources 1 --seconds "$SECONDS_EACH" \
  --thread "$THREAD_KEY" || status=1
echo "--- held from $((HOLD / PER_ADDRESS)) addresses (outside the promise)"
"$CLIENT" --port "$PORT" --hold "$HOLD" --sources $((HOLD / PER_ADDRESS)) \
  --seconds "$SECONDS_EACH" --thread "$THREAD_KEY" || true
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
