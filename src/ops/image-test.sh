#!/usr/bin/env bash
# The image, built and run as an operator would, with podman: the Dockerfile as it is, against
# PostgreSQL in a container of its own. Checks that
#  1. without DATABASE_URL the container stops at once, naming it (no embedded database);
#  2. it becomes ready (/readyz) and reports its start-up time, with the AOT cache and without;
#  3. a user signs up and a task goes the whole round (create, read, list, edit, delete);
#  4. health details and the build's version are on the management port, not the public one;
#  5. the process runs as the unprivileged user todo (uid 10001), not root;
#  6. SIGTERM with a request in flight: the request completes, the process exits with 143;
# and prints the image's size. Installs podman and the base images first (src/ops/base-images.sh),
# as root. Skips, saying so, only where no container engine can be installed.
#   src/ops/image-test.sh                 # STARTUP_RUNS=5 for a median of 5 starts each way
# Settings: IMAGE_TEST_PORT (18600: it uses that port and the next, on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/../.."

started=$(date +%s)
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
pass() { printf 'ok: %s\n' "$*"; }
skip() { printf 'SKIPPED: the image test: %s\n' "$*"; exit 0; }

# --- A container engine -----------------------------------------------------------------------
if ! command -v podman >/dev/null; then
  [[ $(id -u) -eq 0 ]] || skip "podman is not installed and this is not root, so it cannot be"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman >/dev/null 2>&1; }; }; then
    skip "no container engine: podman cannot be installed from this machine's package sources"
  fi
fi
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
port=${IMAGE_TEST_PORT:-18600}
management_port=$((port + 1))
run=image-test-$$
secret=$(head -c 32 /dev/urandom | base64)
logs=$(mktemp -d)
cleanup() {
  local status=$?
  ((status == 0)) || for log in "$logs"/*.log; do [[ -s $log ]] && { echo "--- $log"; tail -40 "$log"; }; done
  podman rm -f -v -t 0 "$run-api" "$run-postgres" >/dev/null 2>&1 || true
  podman network rm -f "$run" >/dev/null 2>&1 || true
  rm -rf "$logs"
}
trap cleanup EXIT

# --- Build (the base images first) ----------------------------------------------------------------
t0=$(date +%s)
image=$(src/ops/build-image.sh 2>"$logs/build.log") || fail "the build (log above)"
size=$(podman image inspect --format '{{.Size}}' "$image")
pass "built $image in $(($(date +%s) - t0)) s: $((size / 1000000)) MB"
podman run --rm --entrypoint sh "$image" -c 'ls /app/lib' | grep zonky >/dev/null &&
  fail "the image holds the embedded PostgreSQL"
aot_size=$(podman run --rm --entrypoint sh "$image" -c 'stat -c %s /app/app.aot')
pass "no embedded PostgreSQL in the image; AOT cache $((aot_size / 1000000)) MB"

# --- 1. No database, no start -------------------------------------------------------------------
if podman run --rm -e BETTER_AUTH_SECRET="$secret" "$image" >"$logs/no-database.log" 2>&1; then
  fail "the image started without DATABASE_URL"
fi
grep -q 'DATABASE_URL is not set' "$logs/no-database.log" || fail "no start-up error naming DATABASE_URL"
pass "without DATABASE_URL the container stops with: $(grep -m1 -o 'DATABASE_URL is not set.*' "$logs/no-database.log")"

# --- PostgreSQL -------------------------------------------------------------------------------
# (aardvark-dns, the network's DNS, says on stderr that it finds no syslog here)
podman network create "$run" >/dev/null
podman run -d --name "$run-postgres" --network "$run" --network-alias postgres \
  -e POSTGRES_DB=todo -e POSTGRES_USER=todo -e POSTGRES_PASSWORD=todo postgres:17 >/dev/null 2>"$logs/postgres-run.log"
for i in $(seq 120); do
  podman exec "$run-postgres" pg_isready -q -U todo -d todo 2>/dev/null && break
  ((i < 120)) || fail "PostgreSQL did not start"
  sleep 1
done

api_env=(-e DATABASE_URL=postgresql://todo:todo@postgres:5432/todo -e BETTER_AUTH_SECRET="$secret"
  -e MANAGEMENT_SERVER_PORT=9090 -e LOG_FORMAT=ecs -e SHUTDOWN_TIMEOUT=20s)
start_api() { # extra podman run arguments...; then the image and its arguments
  podman run -d --name "$run-api" --network "$run" -p "127.0.0.1:$port:8080" -p "127.0.0.1:$management_port:9090" \
    --memory 640m "${api_env[@]}" "$@" >/dev/null
}
ready_ms() { # waits for /readyz: milliseconds since $1 (date +%s%N)
  for i in $(seq 3000); do
    if curl -fs --max-time 1 -o /dev/null "http://127.0.0.1:$port/readyz"; then
      echo $((($(date +%s%N) - $1) / 1000000))
      return 0
    fi
    [[ $(podman inspect --format '{{.State.Running}}' "$run-api") == true ]] ||
      { podman logs "$run-api" >"$logs/api.log" 2>&1; fail "the API exited before it was ready"; }
    sleep 0.1
  done
  fail "the API was not ready within 5 minutes"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# --- 2. Start-up, with the AOT cache and without (alternated, so that load falls on both) ----------
# With the cache the JVM is told to fail rather than start without it (AOTMode=on)
with=() without=()
for i in $(seq "${STARTUP_RUNS:-1}"); do
  t0=$(date +%s%N); start_api -e JAVA_TOOL_OPTIONS=-XX:AOTMode=on "$image"; with+=("$(ready_ms "$t0")")
  podman rm -f -t 30 "$run-api" >/dev/null
  t0=$(date +%s%N)
  start_api --entrypoint java "$image" -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -jar app.jar
  without+=("$(ready_ms "$t0")")
  podman rm -f -t 30 "$run-api" >/dev/null
done
m1=$(printf '%s\n' "${with[@]}" | median) m0=$(printf '%s\n' "${without[@]}" | median)
pass "start to ready, median of ${#with[@]}: with the AOT cache $m1 ms, without $m0 ms (${with[*]} / ${without[*]})"

# The image as it is, for the rest
t0=$(date +%s%N)
start_api "$image"
pass "ready in $(ready_ms "$t0") ms"
[[ $(curl -s "http://127.0.0.1:$port/readyz") == '{"status":"UP"}' ]] || fail "/readyz is not a bare UP"

# --- 3. Sign-up and a task's round trip ------------------------------------------------------------
api=http://127.0.0.1:$port
call() { # method path [body] -> "status body"
  local args=()
  [[ -n ${3:-} ]] && args=(-H 'Content-Type: application/json' --data-binary "$3")
  curl -sS --max-time 30 -X "$1" ${token:+-H "Authorization: Bearer $token"} "${args[@]}" -w '\n%{http_code}' "$api$2" |
    { body=$(cat); printf '%s %s\n' "${body##*$'\n'}" "${body%$'\n'*}"; }
}
expect() { [[ ${2%% *} == "$1" ]] || fail "$3: expected $1, got ${2:0:300}"; }
token=
email="image-$(date +%s)@example.com"
reply=$(call POST /api/auth/sign-up "{\"email\":\"$email\",\"password\":\"image test password\",\"name\":\"Image\"}")
expect 201 "$reply" "sign-up"
token=$(grep -o '"token":"[^"]*"' <<<"$reply" | cut -d'"' -f4)
[[ -n $token ]] || fail "sign-up gave no token"
reply=$(call POST /api/tasks '{"title":"Ship the image","priority":"high"}')
expect 201 "$reply" "create"
id=$(grep -o '"id":[0-9]*' <<<"$reply" | head -1 | cut -d: -f2)
expect 200 "$(call GET "/api/tasks/$id")" "read"
[[ $(call GET /api/tasks) == *'"title":"Ship the image"'* ]] || fail "the list lacks the task"
reply=$(call PATCH "/api/tasks/$id" '{"title":"Shipped the image"}')
expect 200 "$reply" "edit"
[[ $reply == *'"title":"Shipped the image"'* ]] || fail "the edit did not stick"
expect 204 "$(call DELETE "/api/tasks/$id")" "delete"
expect 404 "$(call GET "/api/tasks/$id")" "read after delete"
pass "sign-up, then a task created, read, listed, edited and deleted"

# --- 4. What is where -----------------------------------------------------------------------------------
health=$(curl -s "http://127.0.0.1:$management_port/actuator/health")
[[ $health == *'"r2dbc":{'*'"database":"PostgreSQL"'* && $health == *'"readinessState":{"status":"UP"}'* ]] || fail "no health details on the management port: $health"
info=$(curl -s "http://127.0.0.1:$management_port/actuator/info")
[[ $info == *"\"version\":\"$version\""* ]] || fail "/actuator/info lacks the version: $info"
# grep without -q reads the whole page: -q's early exit would fail curl (SIGPIPE) under pipefail
curl -s "http://127.0.0.1:$management_port/actuator/prometheus" | grep '^http_server_requests_seconds_bucket{' >/dev/null ||
  fail "no latency histogram in the metrics"
[[ $(curl -s -o /dev/null -w '%{http_code}' "$api/actuator/info") == 404 ]] || fail "/actuator/info on the public port"
[[ $(curl -s "$api/actuator/health") != *components* ]] || fail "health details on the public port"
pass "health details, the version ($version) and histograms on the management port only"

# --- 5. Not root ------------------------------------------------------------------------------------------
user=$(podman top "$run-api" user,comm | awk '$2 == "java" { print $1 }')
[[ $user == todo ]] || fail "java runs as '$user', not todo"
[[ $(podman exec "$run-api" id -u) == 10001 ]] || fail "the container's user is not uid 10001"
pass "java runs as todo (uid 10001)"

# --- 6. SIGTERM drains ------------------------------------------------------------------------------------
# A task titled slow... takes 3 s to insert, so that a request is surely in flight at SIGTERM
podman exec -i "$run-postgres" psql -q -U todo -d todo >/dev/null <<'SQL'
CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.title LIKE 'slow%' THEN PERFORM pg_sleep(3); END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER slow_insert BEFORE INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION slow_insert();
SQL
call POST /api/tasks '{"title":"slow, in flight at SIGTERM"}' >"$logs/in-flight" &
in_flight=$!
sleep 1
t0=$(date +%s%N)
podman kill --signal TERM "$run-api" >/dev/null
wait "$in_flight"
expect 201 "$(cat "$logs/in-flight")" "the request in flight at SIGTERM"
exit_code=$(podman wait "$run-api")
stopped_ms=$((($(date +%s%N) - t0) / 1000000))
podman logs "$run-api" >"$logs/api.log" 2>&1
[[ $exit_code == 143 ]] || fail "exit code $exit_code after SIGTERM, not 143"
grep -q 'REFUSING_TRAFFIC' "$logs/api.log" || fail "readiness did not go down on SIGTERM"
pass "SIGTERM: the request in flight answered 201, readiness went down, exit 143 after $stopped_ms ms"

echo "image: $image, $((size / 1000000)) MB; image test done in $(($(date +%s) - started)) s"
