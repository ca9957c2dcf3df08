#!/usr/bin/env bash
# Start-up time to readiness of the extracted jar on a JDK 25, with and without the AOT cache
# that the Dockerfile's training run makes: the image's layout and flags, without a container.
#   src/ops/topology.sh src/ops/measure-startup.sh      # against the topology's PostgreSQL
# Settings: RUNS (5), MEASURE_JAVA (Temurin 25), MEASURE_PORT (TOPOLOGY_PORT_BASE + 30).
set -euo pipefail
: "${DATABASE_URL:?run it through src/ops/topology.sh, or set DATABASE_URL and BETTER_AUTH_SECRET}"
runs=${RUNS:-5}
java=${MEASURE_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
port=${MEASURE_PORT:-$((${TOPOLOGY_PORT_BASE:-18500} + 30))}
jar=${TOPOLOGY_JAR:-$(ls target/todo-api-*.jar | head -1)}
work=$(mktemp -d "${TOPOLOGY_DIR:-/tmp}/startup.XXXXXX")
pid=
trap '[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null; rm -rf "$work"' EXIT

# The image's layout: app.jar and lib/, without the embedded database's layer
"$java" -Djarmode=tools -jar "$jar" extract --layers --application-filename app.jar --destination "$work/layers" >/dev/null
mkdir -p "$work/app"
for layer in dependencies spring-boot-loader snapshot-dependencies application; do
  [[ -d $work/layers/$layer ]] && cp -r "$work/layers/$layer/." "$work/app/"
done
cd "$work/app"
flags=(-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError)

# The Dockerfile's training run, word for word
DATABASE_URL=postgresql://training@127.0.0.1:9/training BETTER_AUTH_SECRET=training-only-secret-of-at-least-32-bytes \
  "$java" -XX:AOTCacheOutput=app.aot -Dspring.context.exit=onRefresh -Dspring.liquibase.enabled=false \
  -jar app.jar >"$work/training.log" 2>&1 || { tail -20 "$work/training.log"; exit 1; }
echo "AOT cache: $(du -h app.aot | cut -f1)"

start_once() { # extra JVM flags...: prints milliseconds from launch to readiness
  local t0 t1
  t0=$(date +%s%N)
  PORT=$port "$java" "${flags[@]}" "$@" -jar app.jar >"$work/run.log" 2>&1 &
  pid=$!
  until curl -fs --max-time 1 "http://127.0.0.1:$port/readyz" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { tail -20 "$work/run.log" >&2; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s%N)
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=
  echo $(((t1 - t0) / 1000000))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

without=() with=()
for i in $(seq 1 "$runs"); do
  # Alternated, so that the machine's changing load falls on both alike
  without+=("$(start_once)")
  with+=("$(start_once -XX:AOTCache=app.aot)")
  echo "run $i: without ${without[-1]} ms, with ${with[-1]} ms"
done
m0=$(printf '%s\n' "${without[@]}" | median)
m1=$(printf '%s\n' "${with[@]}" | median)
echo "median of $runs to readiness: without the AOT cache $m0 ms, with it $m1 ms ($(((m0 - m1) * 100 / m0))% less)"
