#!/usr/bin/env bash
# Live updates under load (GET /api/events), on one instance with the heap capped:
#
#   src/ops/bench/events.sh        # about 5 minutes; the figures of docs/live-updates.md
#
# 1. 10,000 concurrent idle streams (one per user): heap in use after a full GC and the process's
#    RSS, before and while they are held, and the CPU the instance spends holding them.
# 2. 1,000 subscribers, then tasks created at a steady rate for random ones of them: the delay
#    from sending the write to receiving its event, p50 and p99 (client, API and PostgreSQL on
#    the same machine, so the client's own work is in the figures).
# Starts a throw-away PostgreSQL (Debian's) on 127.0.0.1, builds the jar, installs what it uses
# with apt-get, and stops everything it started. Results go to standard output and to
# target/bench/events.md.
set -euo pipefail

cd "$(dirname "$0")/../../.."
ROOT=$PWD
PG_PORT=${BENCH_PG_PORT:-19100}
APP_PORT=${BENCH_APP_PORT:-19101}
HEAP=${BENCH_HEAP:-256m}
IDLE_STREAMS=${IDLE_STREAMS:-10000}
HOLD=${HOLD:-60}
# The streams must outlast the 35 s that the figures below are measured in
((HOLD >= 45)) || HOLD=45
SUBSCRIBERS=${SUBSCRIBERS:-1000}
WRITES=${WRITES:-3000}
RATE=${RATE:-100}
JAVA=${BENCH_JAVA:-$( [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && echo /usr/lib/jvm/temurin-25-jdk-amd64/bin/java || command -v java )}
SECRET=benchmark-secret-$(openssl rand -hex 16)
OUT=$ROOT/target/bench
WORK=$(mktemp -d /tmp/todo-events-bench.XXXXXX)
mkdir -p "$OUT"
BASE=http://127.0.0.1:$APP_PORT

log() { printf '\n== %s\n' "$*" >&2; }

# shellcheck source=src/ops/bench/common.sh
. src/ops/bench/common.sh
postgres_install
JAR=$(ls target/todo-api-*.jar 2>/dev/null | head -1 || true)
# Built again unless it is newer than every source
if [ -z "$JAR" ] || [ -n "$(find src/main pom.xml -newer "$JAR" -type f | head -1)" ]; then
	log "Building the API's jar"
	./mvnw -B -q package -DskipTests
	JAR=$(ls target/todo-api-*.jar | head -1)
fi
ulimit -n 65536 2>/dev/null || true

APP_PID=
cleanup() {
	stop_process "$APP_PID"
	postgres_stop "$WORK"
	rm -rf "$WORK"
}
trap cleanup EXIT
trap "exit 143" INT TERM

postgres_start "$WORK" "$PG_PORT" -c max_connections=100
psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U todo -d postgres -c 'CREATE DATABASE todo'

log "The API, -Xmx$HEAP"
env DATABASE_URL="postgresql://todo@127.0.0.1:$PG_PORT/todo" BETTER_AUTH_SECRET="$SECRET" PORT=$APP_PORT \
	RATE_LIMIT_USER_RATE=1000000 RATE_LIMIT_USER_BURST=1000000 RATE_LIMIT_ADDRESS_RATE=1000000 \
	RATE_LIMIT_ADDRESS_BURST=1000000 EVENTS_MAX_STREAMS=$((IDLE_STREAMS + 100)) HTTP_MAX_CONNECTIONS=$((IDLE_STREAMS + 1000)) \
	${BENCH_ENV:-} "$JAVA" -Xmx"$HEAP" ${BENCH_JAVA_OPTS:-} -jar "$JAR" >"$OUT/events-api.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 600); do
	curl -sf "$BASE/readyz" >/dev/null 2>&1 && break
	kill -0 "$APP_PID" 2>/dev/null || { tail -20 "$OUT/events-api.log" >&2; exit 1; }
	sleep 0.1
done

seq -f 'events-user-%g' 1 "$IDLE_STREAMS" | "$JAVA" "$ROOT/src/ops/bench/Tokens.java" "$SECRET" >"$WORK/tokens"
heap_mb() { # heap in use after a full GC
	"$(dirname "$JAVA")/jcmd" "$APP_PID" GC.run >/dev/null
	"$(dirname "$JAVA")/jcmd" "$APP_PID" GC.heap_info | awk '/used/ {for (i = 1; i <= NF; i++) if ($i == "used") {sub("K,?", "", $(i + 1)); print int($(i + 1) / 1024); exit}}'
}
rss_mb() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$APP_PID/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$APP_PID/stat"; }
threads() { awk '/Threads/ {print $2}' "/proc/$APP_PID/status"; }

# Warm the routes a little, so that the figures are not those of a cold JVM
head -50 "$WORK/tokens" >"$WORK/warm"
"$JAVA" -Xmx512m "$ROOT/src/ops/bench/EventsLoad.java" delay "$BASE" "$WORK/warm" 50 500 100 >/dev/null

HEAP_BEFORE=$(heap_mb)
RSS_BEFORE=$(rss_mb)
log "$IDLE_STREAMS idle streams, held ${HOLD}s"
"$JAVA" -Xmx1g "$ROOT/src/ops/bench/EventsLoad.java" idle "$BASE" "$WORK/tokens" "$IDLE_STREAMS" "$HOLD" >"$WORK/idle.out" 2>&1 &
LOAD_PID=$!
for _ in $(seq 1 1800); do
	grep -q '^streams open' "$WORK/idle.out" && break
	kill -0 "$LOAD_PID" 2>/dev/null || break
	sleep 0.1
done
cat "$WORK/idle.out" >&2
sleep 5
TICKS_START=$(cpu_ticks)
sleep 30
TICKS_END=$(cpu_ticks)
HEAP_IDLE=$(heap_mb)
# What the streams hold: the class histogram of live objects
"$(dirname "$JAVA")/jcmd" "$APP_PID" GC.class_histogram >"$OUT/events-histogram.txt"
RSS_IDLE=$(rss_mb)
THREADS_IDLE=$(threads)
wait "$LOAD_PID" || true
cat "$WORK/idle.out" >&2
IDLE_CPU=$(awk -v t=$((TICKS_END - TICKS_START)) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", 100 * t / hz / 30}')
sleep 5

log "$SUBSCRIBERS subscribers, $WRITES writes at $RATE/s"
"$JAVA" -Xmx1g "$ROOT/src/ops/bench/EventsLoad.java" delay "$BASE" "$WORK/tokens" "$SUBSCRIBERS" "$WRITES" "$RATE" \
	>"$WORK/delay.out" 2>&1 || true
cat "$WORK/delay.out" >&2

{
	echo "Live updates, one instance (-Xmx$HEAP, $("$JAVA" -version 2>&1 | head -1), $("$PG_BIN/postgres" --version), $(nproc) cores shared by client, API and PostgreSQL, $(date -u +%F)):"
	echo
	echo "| | |"
	echo "|---|---|"
	echo "| idle streams | $(grep '^streams open' "$WORK/idle.out" | head -1 | sed 's/streams open: //') |"
	echo "| still open after ${HOLD}s | $(grep '^streams still open' "$WORK/idle.out" | sed 's/.*: //') |"
	echo "| heap in use after a full GC | ${HEAP_BEFORE} MB without streams, ${HEAP_IDLE} MB with them |"
	echo "| resident memory (RSS) | ${RSS_BEFORE} MB without streams, ${RSS_IDLE} MB with them |"
	echo "| threads while holding them | ${THREADS_IDLE} |"
	echo "| CPU while holding them (heartbeats) | ${IDLE_CPU}% of one core |"
	echo "| write → event, $SUBSCRIBERS subscribers | $(grep '^writes' "$WORK/delay.out" | sed 's/.*received: //') |"
	echo "| events received | $(grep '^writes' "$WORK/delay.out" | sed 's/;.*//') |"
} | tee "$OUT/events.md"
