#!/usr/bin/env bash
# The compose topology without containers: PostgreSQL, three API processes and HAProxy with
# compose's balancer configuration (src/ops/haproxy.cfg), all on 127.0.0.1.
#
#   src/ops/topology.sh                # run until Ctrl-C or TOPOLOGY_TIMEOUT
#   src/ops/topology.sh some-command   # run the command against it, then stop; its exit status
#
# Installs haproxy and postgresql from Debian when they are missing (as root). Builds the jar
# when target/ has none. Everything it starts is stopped when it exits, however it exits.
# The command sees TOPOLOGY_URL (the balancer), API_1_URL..API_3_URL (the replicas directly),
# API_1_PID..API_3_PID, DATABASE_URL, BETTER_AUTH_SECRET, TOPOLOGY_DIR, and (a bash command)
# can start a replica it stopped again with the exported function: start_replica N.
#
# Settings: TOPOLOGY_PORT_BASE (18500: PostgreSQL on +1, replicas on +11..+13 and their
# management ports on +21..+23, HTTPS on +43, balancer statistics on +44), TOPOLOGY_TIMEOUT
# (seconds, 900), TODO_JAR, JAVA_HOME, JAVA_OPTS. The API's own variables (BETTER_AUTH_SECRET,
# BETTER_AUTH_URL, CORS_ALLOWED_ORIGINS, DATABASE_POOL_SIZE...) pass through as in compose;
# BETTER_AUTH_SECRET is made up when unset.
# One block, read whole before it runs: editing the file during a run cannot change the run
{
set -euo pipefail

ops=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$ops/../.." && pwd)
base=${TOPOLOGY_PORT_BASE:-18500}
timeout_s=${TOPOLOGY_TIMEOUT:-900}
deadline=$((SECONDS + timeout_s))

log() { printf 'topology: %s\n' "$*" >&2; }

# --- what it needs -------------------------------------------------------------------------
install_missing() {
  local missing=()
  command -v haproxy >/dev/null || missing+=(haproxy)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  command -v psql >/dev/null || missing+=(postgresql-client)
  command -v curl >/dev/null || missing+=(curl)
  command -v openssl >/dev/null || missing+=(openssl)
  if ((${#missing[@]})); then
    ((EUID == 0)) || { log "missing ${missing[*]}: apt-get install -y ${missing[*]} (as root)"; exit 1; }
    log "installing ${missing[*]} from Debian"
    apt-get install -y -q "${missing[@]}" >/dev/null
  fi
}
install_missing
pg_bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
jar=${TODO_JAR:-$(ls "$root"/target/todo-api-*.jar 2>/dev/null | grep -v -- '-plain\|\.original' | head -1 || true)}
if [[ -z $jar ]]; then
  log "no jar in target/: building it"
  (cd "$root" && ./mvnw -B -q package -DskipTests)
  jar=$(ls "$root"/target/todo-api-*.jar | head -1)
fi

# --- state and clean-up --------------------------------------------------------------------
export TOPOLOGY_DIR=${TOPOLOGY_DIR:-$(mktemp -d /tmp/todo-topology.XXXXXX)}
mkdir -p "$TOPOLOGY_DIR"
run_as_postgres() { if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi; }

stop_all() {
  local status=$?
  trap - EXIT INT TERM
  log "stopping everything it started"
  local f pid
  for f in "$TOPOLOGY_DIR"/api-*.pid "$TOPOLOGY_DIR"/haproxy.pid; do
    [[ -f $f ]] || continue
    pid=$(cat "$f")
    kill -TERM "$pid" 2>/dev/null || true
  done
  for f in "$TOPOLOGY_DIR"/api-*.pid "$TOPOLOGY_DIR"/haproxy.pid; do
    [[ -f $f ]] || continue
    pid=$(cat "$f")
    # The API's graceful shutdown is bounded; do not wait for more
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$f"
  done
  if [[ -f $TOPOLOGY_DIR/postgres/data/postmaster.pid ]]; then
    run_as_postgres "$pg_bin/pg_ctl" -D "$TOPOLOGY_DIR/postgres/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      kill -KILL "$(head -1 "$TOPOLOGY_DIR/postgres/data/postmaster.pid")" 2>/dev/null || true
  fi
  if ((status == 0)) && [[ -z ${TOPOLOGY_KEEP:-} ]]; then
    rm -rf "$TOPOLOGY_DIR"
  else
    log "logs kept in $TOPOLOGY_DIR"
  fi
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_for() { # description, command...
  local what=$1; shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { log "gave up waiting for $what"; return 1; }
    sleep 0.5
  done
}

# --- PostgreSQL ------------------------------------------------------------------------------
pg_port=$((base + 1))
db_password=$(openssl rand -hex 16)
pg=$TOPOLOGY_DIR/postgres # PostgreSQL's own: it runs as the postgres user when this runs as root
mkdir -p "$pg"
printf '%s\n' "$db_password" >"$pg/password"
if ((EUID == 0)); then chown -R postgres: "$pg"; chmod 711 "$TOPOLOGY_DIR"; fi
log "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"
run_as_postgres "$pg_bin/initdb" -D "$pg/data" -U todo --pwfile="$pg/password" \
  --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$TOPOLOGY_DIR/initdb.log" 2>&1
rm -f "$pg/password"
run_as_postgres "$pg_bin/pg_ctl" -D "$pg/data" -l "$pg/postgres.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories= -c max_connections=100" start >/dev/null
PGPASSWORD=$db_password "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U todo -d postgres -c 'CREATE DATABASE todo'
# The same variables compose gives every replica
export DATABASE_URL="postgresql://todo:$db_password@127.0.0.1:$pg_port/todo"
export BETTER_AUTH_SECRET=${BETTER_AUTH_SECRET:-$(openssl rand -base64 48)}
# The balancer connects from loopback: its X-Forwarded-For names the client
export TRUSTED_PROXIES=${TRUSTED_PROXIES:-127.0.0.1}

# A copy, so that a build during the run does not pull the jar from under the replicas
cp "$jar" "$TOPOLOGY_DIR/todo-api.jar"
jar=$TOPOLOGY_DIR/todo-api.jar

# --- three replicas --------------------------------------------------------------------------
export TOPOLOGY_BASE=$base TOPOLOGY_JAVA=$java TOPOLOGY_JAR=$jar TOPOLOGY_JAVA_OPTS=${JAVA_OPTS:--Xmx256m -XX:+ExitOnOutOfMemoryError}
start_replica() { # N: starts replica N (again), on its own ports, with the environment above
  local n=$1 port=$((TOPOLOGY_BASE + 10 + $1)) mport=$((TOPOLOGY_BASE + 20 + $1))
  (
    export PORT=$port
    # Unset unless the operator sets it; then each replica needs its own here, where compose
    # gives every container the same one
    if [[ -n ${MANAGEMENT_SERVER_PORT:-} ]]; then export MANAGEMENT_SERVER_PORT=$mport; fi
    # shellcheck disable=SC2086
    exec "$TOPOLOGY_JAVA" $TOPOLOGY_JAVA_OPTS -jar "$TOPOLOGY_JAR" >>"$TOPOLOGY_DIR/api-$n.log" 2>&1
  ) &
  echo $! >"$TOPOLOGY_DIR/api-$n.pid"
  export "API_${n}_PID=$!" "API_${n}_URL=http://127.0.0.1:$port" "API_${n}=127.0.0.1:$port"
  echo "topology: replica $n (pid $!) on 127.0.0.1:$port, log $TOPOLOGY_DIR/api-$n.log" >&2
}
export -f start_replica
wait_ready() { # N
  local n=$1 pid_var="API_${1}_PID" url_var="API_${1}_URL"
  wait_for "replica $n" bash -c "kill -0 ${!pid_var} || exit 0; curl -fsS --max-time 2 ${!url_var}/readyz" || return 1
  kill -0 "${!pid_var}" 2>/dev/null || { log "replica $n exited:"; tail -20 "$TOPOLOGY_DIR/api-$n.log" >&2; return 1; }
}
# One replica migrates the schema first, so that three do not race for Liquibase's lock
start_replica 1
wait_ready 1
start_replica 2
start_replica 3
wait_ready 2
wait_ready 3

# --- the balancer ----------------------------------------------------------------------------
tls_pem=${BALANCER_CERTIFICATE:-$TOPOLOGY_DIR/tls.pem}
"$ops/tls-certificate.sh" "$tls_pem" >/dev/null
export BALANCER_BIND=127.0.0.1:$((base + 43)) BALANCER_STATS_BIND=127.0.0.1:$((base + 44)) BALANCER_CERTIFICATE=$tls_pem
haproxy -f "$ops/haproxy.cfg" -db >"$TOPOLOGY_DIR/haproxy.log" 2>&1 &
echo $! >"$TOPOLOGY_DIR/haproxy.pid"
export TOPOLOGY_URL=https://127.0.0.1:$((base + 43)) TOPOLOGY_STATS_URL=http://127.0.0.1:$((base + 44))/stats
balancer_ready() { kill -0 "$(cat "$TOPOLOGY_DIR/haproxy.pid")" || return 0; curl -fsSk --max-time 2 "$TOPOLOGY_URL/readyz"; }
wait_for "the balancer" balancer_ready
kill -0 "$(cat "$TOPOLOGY_DIR/haproxy.pid")" 2>/dev/null || { log "haproxy exited:"; tail -5 "$TOPOLOGY_DIR/haproxy.log" >&2; exit 1; }
log "ready: $TOPOLOGY_URL (HTTP/2 and HTTP/1.1, self-signed unless BALANCER_CERTIFICATE), statistics $TOPOLOGY_STATS_URL"

remaining=$((deadline - SECONDS))
if (($#)); then
  status=0
  timeout -k 10 "$remaining" "$@" || status=$?
  ((status != 124)) || log "the command ran out of time (TOPOLOGY_TIMEOUT=${timeout_s}s)"
  exit "$status"
else
  log "running for at most ${remaining}s; Ctrl-C stops it"
  sleep "$remaining" &
  wait $!
fi
exit
}
