#!/usr/bin/env bash
# compose.yaml run for real with podman: its Docker-compatible API on a private socket and
# Debian's docker-compose, on the image and base images this project builds (src/ops/build-image.sh).
# Brings up PostgreSQL, three API replicas, the TLS balancer and (profile prometheus) Prometheus,
# then checks that
#  1. the balancer answers HTTPS with HTTP/2 once every replica is ready, with all three in rotation;
#  2. variables reach the replicas (ACCOUNTS_TOKEN_LIFETIME=30m gives 30-minute tokens), and
#     compose.yaml passes every variable of the configuration table (docs/operators.md);
#  3. under load through the balancer, no replica is killed or restarted, and each one's peak
#     memory (VmHWM) stays under its limit;
#  4. writers go on through the balancer while one replica is stopped (SIGTERM) and started
#     again: no request fails beyond those in flight on it, every acknowledged write is stored,
#     and the replica serves again once it is back;
#  5. Prometheus scrapes all three replicas and computes a p99 from their histograms;
# then stops and removes everything it started, volumes included. As root; a few minutes.
#   src/ops/compose-test.sh
# Settings: COMPOSE_TEST_PORT (18740: it uses that port and the next two, on this machine),
# COMPOSE_TEST_LOAD (30: seconds of load for the memory measurement) and COMPOSE_TEST_CONNECTIONS
# (32: wrk's connections through the balancer), COMPOSE_TEST_KEEP (1:
# leave it all running at the end, for a look).
set -euo pipefail
cd "$(dirname "$0")/../.."

started=$(date +%s)
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
pass() { printf 'ok: %s\n' "$*"; }
[[ $(id -u) -eq 0 ]] || fail "run it as root (podman)"

version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
project=todocompose
port=${COMPOSE_TEST_PORT:-18740}
export BALANCER_PORT=$port BALANCER_STATS_PORT=$((port + 1)) PROMETHEUS_PORT=$((port + 2))
export POSTGRES_PASSWORD=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
export BETTER_AUTH_SECRET=$(head -c 32 /dev/urandom | base64)
# Passed through to the replicas, as an operator's would be: a token lifetime the test can see,
# and rate limits that the test's few users do not hit
export ACCOUNTS_TOKEN_LIFETIME=30m RATE_LIMIT_USER_RATE=1000 RATE_LIMIT_USER_BURST=1000

# --- Tools, base images and the image ---------------------------------------------------------
missing=()
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v wrk >/dev/null || missing+=(wrk)
if ((${#missing[@]})); then
  # Without recommends: docker-compose recommends Docker's own engine
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
fi
src/ops/base-images.sh
podman image exists "docker.io/library/todo-api:$version" || src/ops/build-image.sh >/dev/null

work=$(mktemp -d)
service= ticker=
cleanup() {
  local status=$?
  touch "$work/stop"
  ((status == 0)) || { docker-compose -p "$project" --profile prometheus logs --no-color --tail 30 2>/dev/null | tail -150 || true; }
  if [[ -n ${COMPOSE_TEST_KEEP:-} ]]; then
    echo "kept: DOCKER_HOST=unix://$work/podman.sock docker-compose -p $project ... (stop the podman service, pid $service, when done)"
    return
  fi
  docker-compose -p "$project" --profile prometheus down -v -t 40 >/dev/null 2>&1 || true
  [[ -n $ticker ]] && kill "$ticker" 2>/dev/null
  [[ -n $service ]] && kill "$service" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

podman system service --time=0 "unix://$work/podman.sock" 2>"$work/podman-service.log" &
service=$!
export DOCKER_HOST=unix://$work/podman.sock
for i in $(seq 50); do [[ -S $work/podman.sock ]] && break; sleep 0.1; done
compose() { docker-compose -p "$project" --profile prometheus "$@"; }

# Podman runs health checks from systemd timers; where there is no systemd (as on this project's
# machines), this loop runs them, as often as the shortest interval in compose.yaml
if [[ ! -S /run/systemd/private ]]; then
  while [[ ! -e $work/stop ]]; do
    for name in $(podman ps --filter "label=com.docker.compose.project=$project" --format '{{.Names}}'); do
      podman healthcheck run "$name" >/dev/null 2>&1 || true
    done
    sleep 2
  done &
  ticker=$!
fi

# --- 1. Up, ready, in rotation ------------------------------------------------------------------
t0=$(date +%s)
compose up -d >"$work/up.log" 2>&1 || { cat "$work/up.log"; fail "docker-compose up"; }
pass "up in $(($(date +%s) - t0)) s: postgres, 3 replicas healthy on /readyz, then the balancer and prometheus"
replicas=("${project}_api_1" "${project}_api_2" "${project}_api_3")
podman exec "${project}_balancer_1" cat /etc/haproxy/tls/tls.pem >"$work/tls.pem"
lb=https://localhost:$port
tls=(--cacert "$work/tls.pem" --resolve "localhost:$port:127.0.0.1")
in_rotation() { # servers of the api backend that the balancer counts as UP
  curl -s "http://127.0.0.1:$BALANCER_STATS_PORT/stats;csv" | awk -F, '$1 == "api" && $2 != "BACKEND" && $18 == "UP"' | wc -l
}
for i in $(seq 60); do
  (($(in_rotation) == 3)) && break
  ((i < 60)) || fail "the balancer has $(in_rotation) replicas in rotation, not 3"
  sleep 1
done
[[ $(curl -sS "${tls[@]}" --http2 -o /dev/null -w '%{http_version} %{http_code}' "$lb/readyz") == "2 200" ]] ||
  fail "no HTTP/2 200 from $lb/readyz"
pass "HTTPS and HTTP/2 through the balancer, 3 replicas in rotation"

# --- 2. The variables ---------------------------------------------------------------------------
reply=$(curl -sS "${tls[@]}" -H 'Content-Type: application/json' \
  --data-binary "{\"email\":\"compose-$(date +%s)@example.com\",\"password\":\"compose test password\",\"name\":\"Compose\"}" "$lb/api/auth/sign-up")
token=$(grep -o '"token":"[^"]*"' <<<"$reply" | cut -d'"' -f4)
[[ -n $token ]] || fail "sign-up through the balancer: $reply"
claims=$(cut -d. -f2 <<<"$token" | tr '_-' '/+')
while ((${#claims} % 4)); do claims+='='; done
claims=$(base64 -d <<<"$claims")
lifetime=$(($(grep -o '"exp":[0-9]*' <<<"$claims" | cut -d: -f2) - $(grep -o '"iat":[0-9]*' <<<"$claims" | cut -d: -f2)))
((lifetime == 1800)) || fail "ACCOUNTS_TOKEN_LIFETIME=30m did not reach the replicas: tokens last $lifetime s"
variables=$(sed -n '/^## Configuration/,/^## /p' docs/operators.md | grep -o '^| `[A-Z_]*`\(, `[A-Z_]*`\)*' | grep -o '[A-Z_][A-Z_]*')
for variable in $variables; do
  grep -Eq "^  - $variable(=|$)" compose.yaml || fail "compose.yaml does not pass $variable to the replicas"
done
pass "ACCOUNTS_TOKEN_LIFETIME=30m reached the replicas; compose.yaml passes all $(wc -w <<<"$variables") variables of the configuration table"
auth="Authorization: Bearer $token"

# --- 3. Memory under load -------------------------------------------------------------------------
load=${COMPOSE_TEST_LOAD:-30}
for i in $(seq 20); do
  curl -sS "${tls[@]}" -o /dev/null -H "$auth" -H 'Content-Type: application/json' --data-binary "{\"title\":\"list filler $i\"}" "$lb/api/tasks"
done
cat >"$work/mix.lua" <<'EOF'
-- Three lists of the first page for every create, as a single-page app sends them; counts
-- the answers by status
local n = 0
local post = {}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status) statuses[status] = (statuses[status] or 0) + 1 end
function done()
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + count end
  end
  for status, count in pairs(total) do io.write(string.format("status %d: %d\n", status, count)) end
end
request = function()
  n = n + 1
  if n % 4 == 0 then
    for name, value in pairs(wrk.headers) do post[name] = value end
    post["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/tasks", post, '{"title":"wrk ' .. n .. '"}')
  end
  return wrk.format("GET", "/api/tasks?limit=50")
end
EOF
restarts_before=$(podman inspect --format '{{.RestartCount}}' "${replicas[@]}" | tr '\n' ' ')
wrk -t 2 -c "${COMPOSE_TEST_CONNECTIONS:-32}" -d "${load}s" -s "$work/mix.lua" -H "$auth" "https://127.0.0.1:$port" >"$work/wrk.log" 2>&1 ||
  { cat "$work/wrk.log"; fail "wrk"; }
limit=$(podman inspect --format '{{.HostConfig.Memory}}' "${replicas[0]}")
peaks=()
for replica in "${replicas[@]}"; do
  state=$(podman inspect --format 'OOMKilled={{.State.OOMKilled}} exit={{.State.ExitCode}}' "$replica")
  [[ $state == 'OOMKilled=false exit=0' ]] || { cat "$work/wrk.log"; fail "$replica under load: $state"; }
  kb=$(podman exec "$replica" sh -c "awk '/^VmHWM/ { print \$2 }' /proc/1/status")
  peaks+=("$((kb / 1024))")
  ((kb * 1024 < limit)) || fail "$replica peaked at $((kb / 1024)) MB, over its limit"
done
[[ $(podman inspect --format '{{.RestartCount}}' "${replicas[@]}" | tr '\n' ' ') == "$restarts_before" ]] ||
  fail "a replica restarted under load"
requests=$(awk '/requests in/ { print $1 }' "$work/wrk.log")
# Reported, not judged: on a machine whose cores are taken by other work, replicas answer 503
# (the pool's 5 s wait) and the balancer's checks time out; the writers below are the judge
statuses=$(grep '^status ' "$work/wrk.log" | sort | tr '\n' ' ')
pass "load: $requests requests in ${load}s (${COMPOSE_TEST_CONNECTIONS:-32} connections, lists and creates: $statuses); peak RSS per replica ${peaks[*]} MB, limit $((limit / 1048576)) MB; restarts before it (at start-up): $restarts_before"

# --- 4. A replica stopped and started under writes ---------------------------------------------------
writers=4
writer() { # number: creates tasks through the balancer until told to stop; one line per request
  local i=0 code
  while [[ ! -e $work/stop-writers ]]; do
    i=$((i + 1))
    code=$(curl -s "${tls[@]}" -o /dev/null -w '%{http_code}' --max-time 30 -H "$auth" -H 'Content-Type: application/json' \
      --data-binary "{\"title\":\"writer $1 task $i\"}" "$lb/api/tasks") || true
    echo "writer $1 task $i ${code:-000}" >>"$work/writes"
  done
}
for w in $(seq "$writers"); do writer "$w" & done
sleep 5
victim=${replicas[1]}
t0=$(date +%s%N)
podman stop -t 40 "$victim" >/dev/null 2>>"$work/podman.log"
stopped_ms=$((($(date +%s%N) - t0) / 1000000))
[[ $(podman inspect --format '{{.State.ExitCode}}' "$victim") == 143 ]] || fail "$victim did not exit with 143 on SIGTERM"
sleep 5
during=$(wc -l <"$work/writes")
since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
podman start "$victim" >/dev/null 2>>"$work/podman.log"
for i in $(seq 300); do
  (($(in_rotation) == 3)) && podman logs --since "$since" "$victim" 2>&1 | grep '"app.todo.access"' >/dev/null && break
  ((i < 300)) || fail "$victim did not come back into rotation"
  sleep 1
done
back=$(podman logs --since "$since" "$victim" 2>&1 | grep -c '"app.todo.access"')
sleep 3
touch "$work/stop-writers"
wait $(jobs -p | grep -v -e "^$ticker\$" -e "^$service\$") 2>/dev/null || true
total=$(wc -l <"$work/writes")
failed=$(awk '$5 !~ /^2/' "$work/writes" | wc -l)
((total > 0)) || fail "no writes went through"
((failed <= writers)) || { awk '$5 !~ /^2/' "$work/writes" | head; fail "$failed writes failed, more than the $writers that can be in flight"; }
# Every acknowledged write is there, with its title, exactly once
awk '$5 ~ /^2/ { print $1 " " $2 " " $3 " " $4 }' "$work/writes" | sort >"$work/acknowledged"
podman exec "${project}_postgres_1" psql -At -U todo -d todo -c "SELECT title FROM tasks WHERE title LIKE 'writer %'" |
  sort >"$work/stored"
missing_writes=$(comm -23 "$work/acknowledged" "$work/stored" | wc -l)
((missing_writes == 0)) || fail "$missing_writes acknowledged writes are not in the database"
pass "writes through the balancer: $total, $failed failed; $victim stopped (SIGTERM, exit 143) in $stopped_ms ms with $during written by then; every acknowledged write stored; back in rotation, it served $back requests"

# --- 5. Prometheus -----------------------------------------------------------------------------------------
prometheus=http://127.0.0.1:$PROMETHEUS_PORT
query() { # PromQL: the first sample's value
  curl -s "$prometheus/api/v1/query" --data-urlencode "query=$1" | sed -n 's/^[^]]*"value":\[[^,]*,"\([^"]*\)"\].*/\1/p'
}
for i in $(seq 90); do
  up=$(query 'sum(up{job="todo-api"})')
  [[ $up == 3 ]] && break
  ((i < 90)) || fail "Prometheus scrapes ${up:-no} replicas, not 3"
  sleep 1
done
p99=$(query 'histogram_quantile(0.99, sum by (le) (rate(http_server_requests_seconds_bucket{uri="/api/tasks"}[5m])))')
[[ $p99 =~ ^[0-9.e+-]+$ ]] || fail "no p99 from the replicas' histograms"
heap=$(query 'max(max_over_time(sum by (instance) (jvm_memory_used_bytes{area="heap"})[10m:5s]))')
pass "Prometheus scrapes the 3 replicas; p99 of /api/tasks over the last 5 minutes $(awk -v s="$p99" 'BEGIN { printf "%.0f ms", s * 1000 }'), most heap in use on a replica $(awk -v b="${heap:-0}" 'BEGIN { printf "%.0f MB", b / 1048576 }')"

echo "compose test done in $(($(date +%s) - started)) s"
