#!/usr/bin/env bash
# The API behind PgBouncer in transaction mode, as behind Neon's pooled URL: two instances whose
# requests (DATABASE_URL) and migrations go through PgBouncer, with its pool smaller than
# theirs, and whose listeners for live updates (DATABASE_LISTEN_URL) connect straight to
# PostgreSQL. PostgreSQL 17 (the postgres:17 image) and PgBouncer from Debian trixie's archive
# (a small image made here on the trixie base) run with podman on the host's network. Checks that
#  1. PgBouncer is at least 1.21 (protocol-level prepared statements, max_prepared_statements);
#  2. migrations ran through the pooler; the pooler refused DATABASE_STATEMENT_TIMEOUT and
#     each instance connected without it, warning once; sign-up, sign-in, create, read, list,
#     edit with If-Match (a stale one is 412), delete, on either instance;
#  3. 200 creates, 20 at a time over both instances, all 201, while PgBouncer serves the
#     instances' client connections with fewer server connections, and its statistics show
#     the named prepared statements (Parse) that r2dbc-postgresql sends, prepared again on
#     whichever server connection a transaction gets;
#  4. a stream (GET /api/events) on instance A receives task.created, task.updated and
#     task.deleted for writes made through instance B, each within a few seconds; another
#     user's stream receives none of them;
#  5. each instance's listener (todo-api-listener) is a direct connection held by its own java
#     process, not one of PgBouncer's server connections;
#  6. after the listeners' connections are killed (pg_terminate_backend), a change made before
#     they reconnect still reaches the stream.
# As root (podman); makes the base images when missing (src/ops/base-images.sh) and builds the
# jar when target/ has none newer than the sources. Stops and removes everything it started,
# however it ends. About two minutes once the images exist.
#   src/ops/pgbouncer-test.sh
# Settings: PGBOUNCER_TEST_PORT (18300: the instances on it and the next, PostgreSQL on +2,
# PgBouncer on +3, all on 127.0.0.1), PGBOUNCER_TEST_POOL (3: PgBouncer's default_pool_size),
# PGBOUNCER_TEST_PREPARED (200: its max_prepared_statements; 0 shows the test failing),
# PGBOUNCER_TEST_TIMEOUT (600: seconds for the test once the images and the jar are there),
# PGBOUNCER_TEST_REBUILD (1: make the PgBouncer image anew), TODO_JAR, JAVA_HOME.
# One block, read whole before it runs: editing the file during a run cannot change the run
{
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
pass() { printf 'ok: %s\n' "$*"; }
image=localhost/todo-test/pgbouncer:trixie

# --- What it needs: tools, images, the jar (before the time bound: from nothing, the base
# images take a quarter of an hour) ------------------------------------------------------------
if [[ -z ${PGBOUNCER_TEST_BOUNDED:-} ]]; then
  started=$(date +%s)
  [[ $(id -u) -eq 0 ]] || fail "run it as root (podman)"
  missing=()
  command -v psql >/dev/null || missing+=(postgresql-client)
  command -v ss >/dev/null || missing+=(iproute2)
  command -v curl >/dev/null || missing+=(curl)
  command -v openssl >/dev/null || missing+=(openssl)
  if ((${#missing[@]})); then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; }
  fi
  # As the image test does, where no container engine can be had
  if ! command -v podman >/dev/null && ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman >/dev/null 2>&1; }; }; then
    echo "SKIPPED: the PgBouncer test: podman cannot be installed from this machine's package sources"
    exit 0
  fi
  log=$(mktemp /tmp/todo-pgbouncer-test-build.XXXXXX) context=$(mktemp -d)
  src/ops/base-images.sh 2>"$log" || { cat "$log"; rm -f "$log"; fail "the base images (src/ops/base-images.sh)"; }
  if ! podman image exists "$image" || [[ -n ${PGBOUNCER_TEST_REBUILD:-} ]]; then
    # Plain http to Debian's archive, as the base images are made
    podman build -q --network host --pull=never -t "$image" -f - "$context" >"$log" 2>&1 <<'EOF' ||
FROM localhost/todo-standin/debian:trixie
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends pgbouncer \
 && apt-get clean && rm -rf /var/lib/apt/lists/* && pgbouncer --version
USER postgres
ENTRYPOINT ["pgbouncer"]
EOF
      { tail -30 "$log"; rm -f "$log"; fail "building the PgBouncer image"; }
  fi
  jar=${TODO_JAR:-$(ls target/todo-api-*.jar 2>/dev/null | grep -v -- '-plain\|\.original' | head -1 || true)}
  if [[ -z ${TODO_JAR:-} ]] && { [[ -z $jar ]] || [[ -n $(find src/main pom.xml -newer "$jar" -type f | head -1) ]]; }; then
    ./mvnw -B -q -DskipTests package >"$log" 2>&1 || { tail -30 "$log"; rm -f "$log"; fail "building the jar"; }
    jar=$(ls target/todo-api-*.jar | grep -v -- '-plain\|\.original' | head -1)
  fi
  rm -rf "$log" "$context"
  # The test itself is bounded in time: timeout stops it when late, and its clean-up runs
  TODO_JAR=$jar PGBOUNCER_TEST_STARTED=$started PGBOUNCER_TEST_BOUNDED=1 \
    exec timeout -k 60 "${PGBOUNCER_TEST_TIMEOUT:-600}" "$PWD/src/ops/pgbouncer-test.sh" "$@"
fi
started=$PGBOUNCER_TEST_STARTED

base=${PGBOUNCER_TEST_PORT:-18300}
port_a=$base port_b=$((base + 1)) pg_port=$((base + 2)) bouncer_port=$((base + 3))
pool=${PGBOUNCER_TEST_POOL:-3}
prepared=${PGBOUNCER_TEST_PREPARED:-200}
run=pgbouncer-test-$$
password=$(openssl rand -hex 16) admin_password=$(openssl rand -hex 16)
work=$(mktemp -d /tmp/todo-pgbouncer-test.XXXXXX)
pids=()

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if ((status != 0)); then
    for log in "$work"/*.log; do [[ -s $log ]] && { echo "--- $log"; tail -30 "$log"; }; done
    podman logs --tail 30 "$run-pgbouncer" 2>&1 | sed 's/^/pgbouncer: /' || true
  fi
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  podman rm -f -v -t 5 "$run-pgbouncer" "$run-postgres" >/dev/null 2>&1 || true
  rm -rf "$work"
  ((status != 124)) || echo "FAIL: out of time (PGBOUNCER_TEST_TIMEOUT=${PGBOUNCER_TEST_TIMEOUT:-600} s)" >&2
  exit "$status"
}
trap cleanup EXIT
trap 'exit 124' TERM
trap 'exit 130' INT

# --- PgBouncer's version, the jar ---------------------------------------------------------------
bouncer_version=$(podman run --rm --network host "$image" --version | awk 'NR == 1 { print $NF }')
IFS=. read -r major minor _ <<<"$bouncer_version"
((major > 1 || (major == 1 && minor >= 21))) ||
  fail "PgBouncer $bouncer_version: max_prepared_statements needs 1.21 or later"
pass "PgBouncer $bouncer_version from Debian trixie"

java=${JAVA_HOME:+$JAVA_HOME/bin/}java
# A copy, so that a build meanwhile does not pull the jar from under the instances
cp "$TODO_JAR" "$work/todo-api.jar"

# --- PostgreSQL and PgBouncer ----------------------------------------------------------------
podman run -d --name "$run-postgres" --network host -e POSTGRES_DB=todo -e POSTGRES_USER=todo \
  -e POSTGRES_PASSWORD="$password" docker.io/library/postgres:17 postgres -c listen_addresses=127.0.0.1 \
  -c port="$pg_port" -c max_connections=100 >/dev/null 2>"$work/postgres-run.log" || fail "starting PostgreSQL"
direct() { # SQL on a direct connection: unaligned rows
  PGPASSWORD=$password PGCONNECT_TIMEOUT=5 psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U todo -d todo -c "$1"
}
for i in $(seq 120); do
  direct 'SELECT 1' >/dev/null 2>&1 && break
  ((i < 120)) || { podman logs "$run-postgres" >"$work/postgres.log" 2>&1; fail "PostgreSQL did not start"; }
  sleep 1
done
pg_version=$(direct 'SHOW server_version')

mkdir -m 755 "$work/pgbouncer"
cat >"$work/pgbouncer/pgbouncer.ini" <<EOF
[databases]
todo = host=127.0.0.1 port=$pg_port dbname=todo

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = /etc/pgbouncer-test/userlist.txt
admin_users = bouncer
pool_mode = transaction
; Protocol-level named prepared statements (r2dbc-postgresql's, and pgjdbc's after 5 uses) are
; prepared again on whichever server connection a transaction gets
max_prepared_statements = $prepared
default_pool_size = $pool
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 200
; pgjdbc (the migrations) sends extra_float_digits, refused unless ignored, as Neon's pooler
; ignores it; statement_timeout (the API's DATABASE_STATEMENT_TIMEOUT) stays refused, as there
ignore_startup_parameters = extra_float_digits
EOF
printf '"todo" "%s"\n"bouncer" "%s"\n' "$password" "$admin_password" >"$work/pgbouncer/userlist.txt"
chmod 644 "$work/pgbouncer/"*
podman run -d --name "$run-pgbouncer" --network host -v "$work/pgbouncer:/etc/pgbouncer-test:ro" \
  "$image" /etc/pgbouncer-test/pgbouncer.ini >/dev/null 2>"$work/pgbouncer-run.log" || fail "starting PgBouncer"
bouncer() { # a command of PgBouncer's admin console: CSV with a header
  PGPASSWORD=$admin_password PGCONNECT_TIMEOUT=5 psql -X -q --csv -h 127.0.0.1 -p "$bouncer_port" -U bouncer -d pgbouncer -c "$1"
}
bouncer_stat() { # a column of SHOW STATS for the database todo
  bouncer 'SHOW STATS' | awk -F, -v name="$1" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == name) c = i; if ($i == "database") d = i }; next }
    $d == "todo" { print $c }'
}
for i in $(seq 60); do
  bouncer 'SHOW VERSION' >/dev/null 2>&1 && break
  ((i < 60)) || { podman logs "$run-pgbouncer" >"$work/pgbouncer.log" 2>&1; fail "PgBouncer did not start"; }
  sleep 0.5
done
pass "PostgreSQL $pg_version on 127.0.0.1:$pg_port; PgBouncer on 127.0.0.1:$bouncer_port: pool_mode=transaction, max_prepared_statements=$prepared, default_pool_size=$pool"

# --- Two instances -----------------------------------------------------------------------------
start_api() { # name port
  PORT=$2 \
    DATABASE_URL="postgresql://todo:$password@127.0.0.1:$bouncer_port/todo" \
    DATABASE_LISTEN_URL="postgresql://todo:$password@127.0.0.1:$pg_port/todo" \
    RATE_LIMIT_USER_RATE=10000 RATE_LIMIT_USER_BURST=10000 RATE_LIMIT_ADDRESS_RATE=10000 RATE_LIMIT_ADDRESS_BURST=10000 \
    "$java" -Xmx256m -XX:+ExitOnOutOfMemoryError -jar "$work/todo-api.jar" >"$work/api-$1.log" 2>&1 &
  pids+=($!)
  eval "pid_$1=$!"
}
wait_ready() { # name port
  local pid_var=pid_$1
  for i in $(seq 1200); do
    curl -fs --max-time 1 -o /dev/null "http://127.0.0.1:$2/readyz" && return 0
    kill -0 "${!pid_var}" 2>/dev/null || fail "instance $1 exited before it was ready"
    ((i < 1200)) || fail "instance $1 was not ready within 4 minutes"
    sleep 0.2
  done
}
# A migrates the schema first (through PgBouncer), B finds it done
t0=$(date +%s)
start_api a "$port_a"
wait_ready a "$port_a"
start_api b "$port_b"
wait_ready b "$port_b"
changesets=$(direct 'SELECT count(*) FROM databasechangelog')
((changesets > 0)) || fail "no changeset in databasechangelog"
transactions=$(bouncer_stat total_xact_count)
((transactions > 0)) || fail "PgBouncer saw no transaction: the migrations did not go through it"
# PgBouncer refuses statement_timeout as a startup parameter: the pool connects without it, and
# each instance says so once (see StatementTimeoutFallback)
for name in a b; do
  warnings=$(grep -c 'refused statement_timeout as a connection parameter' "$work/api-$name.log" || true)
  ((warnings == 1)) || fail "instance $name logged $warnings warnings about the refused statement_timeout, not 1"
done
pass "instances A (:$port_a) and B (:$port_b) ready in $(($(date +%s) - t0)) s; $changesets changesets migrated through PgBouncer; each warned once that the pooler refuses statement_timeout"

# --- The contract through the pooler -------------------------------------------------------------
url_a=http://127.0.0.1:$port_a url_b=http://127.0.0.1:$port_b
call() { # method url [body [extra header]] -> "status body", with $token's bearer
  local args=()
  [[ -n ${3:-} ]] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  [[ -n ${4:-} ]] && args+=(-H "$4")
  curl -sS --max-time 30 -X "$1" ${token:+-H "Authorization: Bearer $token"} "${args[@]}" -w '\n%{http_code}' "$2" |
    { body=$(cat); printf '%s %s\n' "${body##*$'\n'}" "${body%$'\n'*}"; }
}
expect() { [[ ${2%% *} == "$1" ]] || fail "$3: expected $1, got ${2:0:300}"; }
# (sed, not head: head's early exit would fail grep, SIGPIPE, under pipefail)
json() { grep -o "\"$1\":\"[^\"]*\"" | sed -n '1s/.*:"\(.*\)"/\1/p'; }
json_id() { grep -o '"id":[0-9]*' | sed -n '1s/.*://p'; }
sign_up() { # name -> token
  local token= reply email="pgbouncer-$1-$(openssl rand -hex 4)@example.com"
  reply=$(call POST "$url_a/api/auth/sign-up" "{\"email\":\"$email\",\"password\":\"pgbouncer test password\",\"name\":\"$1\"}")
  expect 201 "$reply" "sign-up of $1 on A"
  reply=$(call POST "$url_b/api/auth/sign-in" "{\"email\":\"$email\",\"password\":\"pgbouncer test password\"}")
  expect 200 "$reply" "sign-in of $1 on B"
  json token <<<"$reply"
}
token=
alice=$(sign_up alice)
bob=$(sign_up bob)
loader=$(sign_up loader)
[[ -n $alice && -n $bob && -n $loader ]] || fail "sign-in gave no token"
token=$alice
reply=$(call POST "$url_a/api/tasks" '{"title":"through the pooler","priority":"high"}')
expect 201 "$reply" "create on A"
id=$(json_id <<<"$reply")
expect 200 "$(call GET "$url_b/api/tasks/$id")" "read on B"
[[ $(call GET "$url_b/api/tasks") == *"\"id\":$id,"* ]] || fail "B's list lacks task $id"
reply=$(call PATCH "$url_b/api/tasks/$id" '{"title":"edited through the pooler"}' 'If-Match: "1"')
expect 200 "$reply" "edit on B with If-Match: \"1\""
[[ $reply == *'"version":2'* ]] || fail "the edit did not make version 2: $reply"
expect 412 "$(call PATCH "$url_a/api/tasks/$id" '{"title":"stale"}' 'If-Match: "1"')" "edit on A with a stale If-Match"
expect 204 "$(call DELETE "$url_a/api/tasks/$id" '' 'If-Match: "2"')" "delete on A with If-Match: \"2\""
expect 404 "$(call GET "$url_b/api/tasks/$id")" "read on B after the delete"
pass "sign-up, sign-in, create, read, list, edit with If-Match (stale: 412) and delete across A and B"

# --- Many at once through a small pool ------------------------------------------------------------
parses_before=$(bouncer_stat total_client_parse_count)
t0=$(date +%s%N)
for i in $(seq 200); do ((i % 2)) && echo "$url_a/api/tasks" || echo "$url_b/api/tasks"; done |
  xargs -P 20 -n 1 curl -sS --max-time 60 -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $loader" \
    -H 'Content-Type: application/json' --data-binary '{"title":"many at once","tags":["pgbouncer"]}' \
    >"$work/load" 2>>"$work/load-errors.log" || true
load_ms=$((($(date +%s%N) - t0) / 1000000))
created=$(grep -c '^201$' "$work/load" || true)
((created == 200)) || fail "200 concurrent creates: $created answered 201; others: $(sort "$work/load" | uniq -c | grep -v ' 201$' | tr '\n' ' ')"
stored=$(direct "SELECT count(*) FROM tasks WHERE title = 'many at once'")
((stored == 200)) || fail "200 creates answered 201, but $stored are stored"
bouncer 'SHOW CLIENTS' >"$work/clients.csv"
bouncer 'SHOW SERVERS' >"$work/servers.csv"
count_rows() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "database") d = i; next } $d == "todo"' "$1" | wc -l; }
client_connections=$(count_rows "$work/clients.csv") server_connections=$(count_rows "$work/servers.csv")
((server_connections <= pool)) || fail "PgBouncer holds $server_connections server connections, more than its pool of $pool"
((client_connections > pool)) ||
  fail "the instances hold $client_connections connections to PgBouncer: no more than its pool of $pool, so nothing was shared"
backends=$(direct "SELECT count(*) FROM pg_stat_activity WHERE datname = 'todo' AND backend_type = 'client backend'
  AND application_name <> 'todo-api-listener' AND pid <> pg_backend_pid()")
((backends <= pool)) || fail "PostgreSQL has $backends connections besides the listeners: more than PgBouncer's pool of $pool"
client_parses=$(bouncer_stat total_client_parse_count) server_parses=$(bouncer_stat total_server_parse_count)
binds=$(bouncer_stat total_bind_count) waited_us=$(bouncer_stat total_wait_time)
((client_parses > parses_before)) || fail "PgBouncer counted no Parse: no named prepared statements went through it"
((server_parses > 0 && binds >= 200)) || fail "PgBouncer prepared $server_parses statements on servers and bound $binds"
pass "200 creates, 20 at a time over A and B, all 201 and stored, in $load_ms ms: $client_connections client connections to PgBouncer on $server_connections server connections (pool $pool, $backends backends besides the listeners); prepared statements: $client_parses Parse from clients, $server_parses on servers, $binds Bind; clients waited $((waited_us / 1000)) ms in all for a server connection"

# --- Events across instances ---------------------------------------------------------------------
stream() { # name token: GET /api/events on A in the background, to $work/stream-NAME
  curl -sS -N --max-time 300 -D "$work/stream-$1.headers" -H "Authorization: Bearer $2" \
    "$url_a/api/events" >"$work/stream-$1" 2>"$work/stream-$1.log" &
  pids+=($!)
}
stream alice "$alice"
stream bob "$bob"
for name in alice bob; do
  for i in $(seq 100); do
    grep '^HTTP/1.1 200' "$work/stream-$name.headers" >/dev/null 2>&1 && break
    ((i < 100)) || fail "$name's stream on A did not open: $(cat "$work/stream-$name.headers" "$work/stream-$name.log" 2>/dev/null)"
    sleep 0.1
  done
done
received() { # file event id: whether the stream has that event for that task
  awk -v event="$2" -v pattern="\"id\":$3[,}]" '
    /^event:/ { name = $0; sub(/^event: ?/, "", name) }
    /^data:/ && name == event && $0 ~ pattern { found = 1 }
    /^$/ { name = "" }
    END { exit !found }' "$1"
}
wait_event() { # event id since (date +%s%N): the delay in ms, or failure after 5 s
  for i in $(seq 250); do
    if received "$work/stream-alice" "$1" "$2"; then
      echo $((($(date +%s%N) - $3) / 1000000))
      return 0
    fi
    sleep 0.02
  done
  fail "$1 of task $2, written through B, did not reach alice's stream on A within 5 s: $(tail -c 600 "$work/stream-alice")"
}
token=$alice
t0=$(date +%s%N)
reply=$(call POST "$url_b/api/tasks" '{"title":"announced across instances"}')
expect 201 "$reply" "create on B"
id=$(json_id <<<"$reply")
created_ms=$(wait_event task.created "$id" "$t0")
t0=$(date +%s%N)
expect 200 "$(call PATCH "$url_b/api/tasks/$id" '{"completed":true}' 'If-Match: "1"')" "edit on B"
updated_ms=$(wait_event task.updated "$id" "$t0")
t0=$(date +%s%N)
expect 204 "$(call DELETE "$url_b/api/tasks/$id")" "delete on B"
deleted_ms=$(wait_event task.deleted "$id" "$t0")
pass "alice's stream on A received task.created ($created_ms ms), task.updated ($updated_ms ms) and task.deleted ($deleted_ms ms) for writes through B"

# --- The listeners connect directly --------------------------------------------------------------
direct "SELECT pid, client_port FROM pg_stat_activity WHERE application_name = 'todo-api-listener'" >"$work/listeners"
(($(wc -l <"$work/listeners") == 2)) || fail "PostgreSQL has $(wc -l <"$work/listeners") listener connections, not 2: $(cat "$work/listeners")"
bouncer 'SHOW SERVERS' >"$work/servers.csv"
server_pids=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "remote_pid") r = i; next } { print $r }' "$work/servers.csv")
owners=()
while IFS='|' read -r backend client_port; do
  ! grep -qx "$backend" <<<"$server_pids" || fail "listener backend $backend is one of PgBouncer's server connections"
  # The process that holds the client end of the connection
  owner=$(ss -tnpH state established "( sport = :$client_port and dport = :$pg_port )" | sed -n '1s/.*pid=\([0-9]*\).*/\1/p')
  [[ $owner == "$pid_a" || $owner == "$pid_b" ]] ||
    fail "listener backend $backend (client port $client_port) is held by process '${owner:-none}', not by instance A ($pid_a) or B ($pid_b)"
  owners+=("$owner")
done <"$work/listeners"
[[ ${owners[0]} != "${owners[1]}" ]] || fail "both listener connections belong to one instance"
bouncer 'SHOW CLIENTS' >"$work/clients.csv"
! grep todo-api-listener "$work/clients.csv" >/dev/null || fail "a listener connected through PgBouncer"
pass "one direct listener connection per instance (held by java pids ${owners[*]}), none through PgBouncer"

# --- A lost listener misses nothing ------------------------------------------------------------------
direct "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'todo-api-listener'" >/dev/null
t0=$(date +%s%N)
reply=$(call POST "$url_b/api/tasks" '{"title":"made while nobody listened"}')
expect 201 "$reply" "create on B after the listeners were killed"
id=$(json_id <<<"$reply")
lost_ms=$(wait_event task.created "$id" "$t0")
for i in $(seq 50); do
  (($(direct "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'todo-api-listener'") == 2)) && break
  ((i < 50)) || fail "the listeners did not reconnect within 10 s"
  sleep 0.2
done
pass "after pg_terminate_backend of both listeners, a create made at once reached the stream in $lost_ms ms; both listen again"

# --- Nothing for the other user ------------------------------------------------------------------------
! grep '^event:' "$work/stream-bob" >/dev/null || fail "bob's stream received alice's events: $(grep '^event:' "$work/stream-bob" | head -3)"
pass "bob's stream on A received none of alice's events"

echo "PgBouncer $bouncer_version (transaction mode) in front of PostgreSQL $pg_version: test done in $(($(date +%s) - started)) s"
exit
}
