#!/usr/bin/env bash
# The API beside its floor (the bare stack it is built on) and PostgreSQL's own ceiling, in one run.
#
#   src/ops/bench/benchmark.sh                  # the tables of docs/performance.md (about 20 minutes)
#   QUICK=1 src/ops/bench/benchmark.sh          # floor and API only (about 8 minutes)
#   LAYERS=1 src/ops/bench/benchmark.sh         # the API's CPU per request with each layer off in turn
#   PROFILE=1 src/ops/bench/benchmark.sh        # + async-profiler flame graphs of get and list
#   ROUTES='trivial' PROFILE=1 QUICK=1 ...      # some of the routes (get list trivial) only, profiled
#   GATLING=1 src/ops/bench/benchmark.sh        # Gatling's SPA mix: 1,000 people thinking (cold, then warm), 1,000 closed
#   AOT=1 src/ops/bench/benchmark.sh            # warm-up with and without a JDK AOT cache trained on requests
#   CITUS=1 src/ops/bench/benchmark.sh          # list and create on the single PostgreSQL, then on a three-node
#                                               # Citus cluster (src/ops/citus.sh, as root; builds it the first time)
#   BENCH_JAVA=/usr/lib/jvm/java-17-openjdk-amd64/bin/java src/ops/bench/benchmark.sh   # another JDK
#   BENCH_ENV='DATABASE_POOL_SIZE=10' BENCH_JAVA_OPTS='-XX:+UseSerialGC' QUICK=1 ...    # a candidate
#
# Starts a throw-away PostgreSQL (Debian's) on 127.0.0.1, loads users and tasks with SQL, then, on
# the same JVM, the same rows and the same PostgreSQL, measures the bare stack (src/ops/bench/bare:
# WebFlux.fn and R2DBC, nothing else) and the API, route by route after the same warm-up, with wrk.
# CPU per request is the Java process's user + system time over the requests served: what a
# request costs, whatever else the shared machine is doing. Judge by the ratios, from one run.
# Installs what it uses (wrk, PostgreSQL, pgbench) with apt-get and stops everything it started.
# The tables go to standard output and to target/bench/results.md.
set -euo pipefail

cd "$(dirname "$0")/../../.."
ROOT=$PWD
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-60}
# QUICK keeps the full warm-up: after 20 s the API is still JIT-compiling (its CPU per get was
# twice the figure after 60 s), so a shorter one measures the compiler, not the request.
[ -n "${QUICK:-}" ] && WARMUP=${QUICK_WARMUP:-60}
PG_PORT=${BENCH_PG_PORT:-18950}
APP_PORT=${BENCH_APP_PORT:-18951}
HEAP=${BENCH_HEAP:-256m}
JAVA=${BENCH_JAVA:-$( [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && echo /usr/lib/jvm/temurin-25-jdk-amd64/bin/java || command -v java )}
SECRET=benchmark-secret-$(openssl rand -hex 16)
ROUTES=${ROUTES:-get list trivial}
READERS=1000      # users with 50 tasks each, read by the get and list routes
OUT=$ROOT/target/bench
WORK=$(mktemp -d /tmp/todo-bench.XXXXXX)
mkdir -p "$OUT"
BASE=http://127.0.0.1:$APP_PORT
rm -f "$OUT/profile.md" "$OUT"/profile-*.collapsed

log() { printf '\n== %s\n' "$*" >&2; }

# --- set-up ---------------------------------------------------------------------------------
# shellcheck source=src/ops/bench/common.sh
. src/ops/bench/common.sh
if command -v wrk >/dev/null; then postgres_install; else postgres_install wrk; fi
JAR=$(ls target/todo-api-*.jar 2>/dev/null | head -1 || true)
if [ -z "$JAR" ]; then
	log "Building the API's jar"
	./mvnw -B -q package -DskipTests
	JAR=$(ls target/todo-api-*.jar | head -1)
fi
BARE_JAR=src/ops/bench/bare/target/bare-stack-0.1.0-SNAPSHOT.jar
if [ ! -f "$BARE_JAR" ]; then
	log "Building the bare stack's jar"
	./mvnw -B -q -f src/ops/bench/bare/pom.xml package
fi
if [ -n "${PROFILE:-}" ]; then
	PROFILER_JAR=$HOME/.m2/repository/tools/profiler/async-profiler/4.2/async-profiler-4.2.jar
	[ -f "$PROFILER_JAR" ] || ./mvnw -B -q dependency:get -Dartifact=tools.profiler:async-profiler:4.2
	unzip -qo "$PROFILER_JAR" 'linux-*/libasyncProfiler.so' -d "$WORK/profiler"
	PROFILER=$WORK/profiler/linux-$( [ "$(uname -m)" = aarch64 ] && echo arm64 || echo x64 )/libasyncProfiler.so
	[ -d "$OUT/stackvis/node_modules/stackvis" ] ||
		npm install --silent --no-audit --no-fund --prefix "$OUT/stackvis" stackvis@0.5.0 >/dev/null 2>&1
	STACKVIS=$OUT/stackvis/node_modules/stackvis/cmd/stackvis
fi
# profiler "start,..." | "stop,...": async-profiler, loaded into the running API (jcmd wants the options quoted)
profiler() { "$(dirname "$JAVA")/jcmd" "$APP_PID" JVMTI.agent_load "$PROFILER" "\"$1\"" >/dev/null; }
ulimit -n 65536 2>/dev/null || true

APP_PID=
CITUS_STARTED=
cleanup() {
	stop_app
	postgres_stop "$WORK"
	[ -z "$CITUS_STARTED" ] || "$ROOT/src/ops/citus.sh" stop >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT
trap "exit 143" INT TERM

postgres_start "$WORK" "$PG_PORT" -c max_connections=300 -c shared_buffers=512MB
PSQL=(psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U todo)
"${PSQL[@]}" -d postgres -c 'CREATE DATABASE todo' -c 'CREATE DATABASE pgbench'

# --- the applications -------------------------------------------------------------------------
# start_app api|bare [extra java options...]: started and ready, PID in APP_PID
start_app() {
	local kind=$1 jar
	shift
	jar=$( [ "$kind" = api ] && echo "$JAR" || echo "$BARE_JAR" )
	# Rate limits on, as in production, but high enough that wrk's few users are never refused
	local settings=(DATABASE_URL="${API_DATABASE_URL:-postgresql://todo@127.0.0.1:$PG_PORT/todo}" BETTER_AUTH_SECRET="$SECRET" PORT=$APP_PORT
		RATE_LIMIT_USER_RATE=1000000 RATE_LIMIT_USER_BURST=1000000)
	[ "$kind" = bare ] && settings=(SPRING_R2DBC_URL="r2dbc:postgresql://127.0.0.1:$PG_PORT/todo" SPRING_R2DBC_USERNAME=todo
		SERVER_PORT=$APP_PORT)
	# shellcheck disable=SC2086
	env "${settings[@]}" ${BENCH_ENV:-} "$JAVA" -Xmx"$HEAP" -Xlog:gc:file="$OUT/gc-$kind.log" ${BENCH_JAVA_OPTS:-} "$@" \
		-jar "$jar" >"$OUT/$kind.log" 2>&1 &
	APP_PID=$!
	STARTED_AT=$(date +%s.%N)
	local ready=$( [ "$kind" = api ] && echo /readyz || echo /hello )
	for _ in $(seq 1 600); do
		curl -sf "$BASE$ready" >/dev/null 2>&1 && return 0
		kill -0 "$APP_PID" 2>/dev/null || { tail -20 "$OUT/$kind.log" >&2; exit 1; }
		sleep 0.1
	done
	echo "The $kind did not become ready" >&2
	exit 1
}
seconds_since_start() { awk -v a="$STARTED_AT" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}'; }
peak_rss_mb() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$APP_PID/status"; }
peak_heap_mb() { grep -o '[0-9]*M->[0-9]*M' "$OUT/gc-api.log" | cut -dM -f1 | sort -n | tail -1; }
stop_app() {
	stop_process "$APP_PID"
	APP_PID=
}

# --- data -----------------------------------------------------------------------------------
# The API's schema: started once, it migrates the empty database
log "Creating the schema"
start_app api
stop_app

# Tasks of about 300 bytes of JSON each, so that a page of 50 is about 15 KB.
insert_tasks() { # user-prefix users tasks-per-user [database: todo, or a URL]
	"${PSQL[@]}" -d "${4:-todo}" <<-SQL
	INSERT INTO users (id) SELECT '$1' || u FROM generate_series(1, $2) u;
	INSERT INTO tasks (user_id, title, description, priority, due_date, tags, completed, completed_at)
	SELECT '$1' || u, 'Task ' || t || ' of a benchmark user, with a realistic title',
	       'A description of moderate length, as people write them: a sentence or two about what is to be done.',
	       (t % 3)::smallint, now() + (t % 30) * interval '1 day', ARRAY['work', 'tag' || (t % 7)],
	       t % 4 = 0, CASE WHEN t % 4 = 0 THEN now() END
	FROM generate_series(1, $2) u, generate_series(1, $3) t;
	SQL
}
log "Loading $READERS users × 50 tasks, and users with 10, 1,000 and 100,000 tasks"
insert_tasks reader- "$READERS" 50
insert_tasks ten- 1 10
insert_tasks thousand- 1 1000
insert_tasks big- 1 100000
"${PSQL[@]}" -d todo -c 'VACUUM ANALYZE'

tokens() { # "subject [rest]" lines in, "token subject [rest]" lines out
	"$JAVA" "$ROOT/src/ops/bench/Tokens.java" "$SECRET"
}
log "Signing tokens"
# One line per reader: its token, its id and the id of one of its tasks
"${PSQL[@]}" -d todo -At -F ' ' -c "SELECT user_id, min(id) FROM tasks WHERE user_id LIKE 'reader-%' GROUP BY user_id" |
	tokens >"$WORK/readers.txt"
seq 1 200 | sed 's/^/writer-/; s/$/ 0/' | tokens >"$WORK/writers.txt"

cat >"$WORK/bench.lua" <<'LUA'
-- Spreads requests over many users: every line of the file is "<token> <user> <task id>". The API
-- reads the token, the bare stack the X-User header: both get both.
local kind, prefix, users = os.getenv("BENCH_KIND"), os.getenv("BENCH_PREFIX"), {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do
	local token, user, id = line:match("(%S+) (%S+) (%S+)")
	users[#users + 1] = { { Authorization = "Bearer " .. token, ["X-User"] = user }, id }
end
local body = '{"title": "Written by wrk", "description": "A task of about the usual size, with tags and a due date",'
	.. ' "priority": "high", "due_date": "2026-12-24", "tags": ["bench", "load"]}'
math.randomseed(os.time())
request = function()
	local user = users[math.random(#users)]
	if kind == "get" then
		return wrk.format("GET", prefix .. "/tasks/" .. user[2], user[1])
	elseif kind == "list" then
		return wrk.format("GET", prefix .. "/tasks", user[1])
	elseif kind == "trivial" then
		-- As a probe calls it: no token
		return wrk.format("GET", os.getenv("BENCH_TRIVIAL"))
	else
		local headers = { Authorization = user[1].Authorization, ["Content-Type"] = "application/json" }
		return wrk.format("POST", prefix .. "/tasks", headers, body)
	end
end
done = function(summary, latency, requests)
	local errors = summary.errors.connect + summary.errors.read + summary.errors.write
		+ summary.errors.status + summary.errors.timeout
	io.stderr:write(string.format("RESULT %d %.1f %.2f %.2f %d\n", summary.requests,
		summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
LUA

cpu_ticks() { awk '{print $14 + $15}' "/proc/$APP_PID/stat"; }

# wrk_run app kind connections seconds [tokens] -> "requests rps p50ms p99ms errors cpu_ms_per_request"
wrk_run() {
	local app=$1 kind=$2 conns=$3 seconds=$4 tokens=${5:-$WORK/readers.txt} threads=2 before after result prefix trivial
	[ "$conns" -lt 2 ] && threads=1
	prefix=$( [ "$app" = api ] && echo /api || echo "" )
	trivial=$( [ "$app" = api ] && echo /livez || echo /hello )
	before=$(cpu_ticks)
	result=$(BENCH_KIND=$kind BENCH_PREFIX=$prefix BENCH_TRIVIAL=$trivial BENCH_TOKENS=$tokens \
		wrk -t$threads -c"$conns" -d"${seconds}s" --timeout 10s -s "$WORK/bench.lua" "$BASE" 2>&1 >/dev/null |
		awk '/^RESULT/ {print $2, $3, $4, $5, $6}')
	after=$(cpu_ticks)
	awk -v r="$result" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" \
		'BEGIN {split(r, a, " "); printf "%s %s %s %s %s %.4f\n", a[1], a[2], a[3], a[4], a[5], (a[1] ? t / hz / a[1] * 1000 : 0)}'
}

RESULTS=$WORK/results.txt
: >"$RESULTS"
measure() { # label app kind connections [tokens]
	local line
	line=$(wrk_run "$2" "$3" "$4" "$DURATION" "${5:-}")
	printf '%s|%s\n' "$1" "$line" >>"$RESULTS"
	printf '  %-34s %s\n' "$1" "$line" >&2
}
field() { # label field(1 requests, 2 rps, 3 p50, 4 p99, 5 errors, 6 cpu ms/request)
	grep -F "$1|" "$RESULTS" | tail -1 | cut -d'|' -f2 | awk -v f="$2" '{print $f}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0) ? "%.2f" : "-", a / b}'; }
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

pgbench_tps() { # clients
	"$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U todo -S -M prepared -c "$1" -j 2 -T "$DURATION" -n pgbench 2>/dev/null |
		awk '/^tps/ {print $3; exit}'
}

# routes_of app: warms each route for WARMUP seconds, then measures it at 16 and 64 connections
routes_of() {
	local app=$1 kind
	for kind in $ROUTES; do
		log "$app: $kind, warming up for ${WARMUP}s"
		wrk_run "$app" "$kind" 32 "$WARMUP" >/dev/null
		measure "$app $kind 16" "$app" "$kind" 16
		measure "$app $kind 64" "$app" "$kind" 64
	done
}

# --- measurements ---------------------------------------------------------------------------
log "Ceiling: pgbench -S -M prepared"
"$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U todo -i -s 10 -q pgbench >/dev/null 2>&1
for c in 16 64; do
	tps=$(pgbench_tps $c)
	printf 'pgbench %s|0 %s 0 0 0 0\n' "$c" "$tps" >>"$RESULTS"
	printf '  %-34s %s tps\n' "pgbench $c" "$tps" >&2
done

# steady file: "seconds requests/s": the slice after which every later one is within 10% of the
# last minute's median, and that median
steady() {
	local last m
	last=$(awk '{print $1}' "$1" | tail -1)
	m=$(awk -v l="$last" '$1 > l - 60 {print $2}' "$1" | median)
	awk -v m="$m" '{t[NR] = $1; r[NR] = $2} END {
		k = NR; while (k > 1 && r[k - 1] >= 0.9 * m) k--
		printf "%d %.0f", t[k] - 5, m}' "$1"
}
# curve file: gets/s and CPU per request at 16 connections, 5 s at a time from a fresh start
curve() {
	local i
	: >"$1"
	for i in $(seq 5 5 "${WARMUP_CURVE:-120}"); do
		wrk_run api get 16 5 | awk -v t="$i" '{print t, $2, $6}' >>"$1"
	done
}

if [ -n "${AOT:-}" ]; then
	# Warm-up with and without a JDK AOT cache (JDK 25) trained on requests. The cache holds the
	# classes of the class path only, so the jar runs extracted, as in the image.
	"$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$WORK/extracted" >/dev/null
	JAR=$WORK/extracted/$(basename "$JAR")
	log "Warm-up without an AOT cache"
	start_app api
	READY_NONE=$(seconds_since_start)
	curve "$WORK/curve-none.txt"
	stop_app
	log "Training run: ${AOT_TRAINING:-20}s each of gets and lists, 10s of creates; the cache is written at exit"
	start_app api -XX:AOTCacheOutput="$WORK/app.aot"
	for kind in get list; do wrk_run api $kind 16 "${AOT_TRAINING:-20}" >/dev/null; done
	wrk_run api create 16 10 "$WORK/writers.txt" >/dev/null
	stop_app
	log "Warm-up with the AOT cache ($(du -m "$WORK/app.aot" | cut -f1) MB)"
	start_app api -XX:AOTCache="$WORK/app.aot"
	READY_AOT=$(seconds_since_start)
	curve "$WORK/curve-aot.txt"
	stop_app
	{
		echo "Warm-up of a new process, gets/s at 16 connections, 5 s at a time ($("$JAVA" -version 2>&1 | head -1), -Xmx$HEAP, $(date -u +%F)):"
		echo
		echo "| seconds of load | $(awk '{printf "%s | ", $1}' "$WORK/curve-none.txt")"
		echo "|---|$(awk '{printf "---:|"}' "$WORK/curve-none.txt")"
		echo "| no AOT cache (ready in ${READY_NONE}s) | $(awk '{printf "%.0f | ", $2}' "$WORK/curve-none.txt")"
		echo "| AOT cache trained on requests (ready in ${READY_AOT}s) | $(awk '{printf "%.0f | ", $2}' "$WORK/curve-aot.txt")"
		echo
		read -r s1 r1 <<<"$(steady "$WORK/curve-none.txt")"
		read -r s2 r2 <<<"$(steady "$WORK/curve-aot.txt")"
		echo "Steady state (every later slice within 10% of the last minute's median): without the cache after ${s1}s of load ($r1 requests/s), with it after ${s2}s ($r2 requests/s)."
	} | tee "$OUT/warmup.md"
	exit 0
fi

if [ -n "${GATLING:-}" ]; then
	# The issue's target: an open model of 1,000 people signed in at once, each pausing about 2 s
	# between requests (about 500 requests/s), with the API's heap capped; then the closed stress run.
	log "API for Gatling (-Xmx$HEAP)"
	start_app api
	: >"$OUT/gatling.md"
	run=0
	# The think model twice: from a cold start (the process's first minute), then warm
	for model in think think closed; do
		log "Gatling: $model model, ${GATLING_USERS:-1000} users, ${GATLING_DURATION:-60}s"
		run=$((run + 1))
		state=$( [ $run = 1 ] && echo "from a cold start" || echo warm)
		before=$(cpu_ticks)
		BETTER_AUTH_SECRET=$SECRET ./mvnw -B -Pgatling gatling:test -DbaseUrl="$BASE" -Dmodel=$model \
			-Dusers="${GATLING_USERS:-1000}" -Dduration="${GATLING_DURATION:-60}" >"$OUT/gatling-$run.log" 2>&1 || true
		after=$(cpu_ticks)
		{
			echo "Gatling, $model model, ${GATLING_USERS:-1000} users, ${GATLING_DURATION:-60}s, $state (API: $("$JAVA" -version 2>&1 | head -1), -Xmx$HEAP," \
				"$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f", t / hz}') CPU seconds):"
			echo
			echo '```'
			sed -n '/Global Information/,/^=====/p' "$OUT/gatling-$run.log" | grep -v '^=' | sed '/^$/d'
			grep -E ': (true|false)$|BUILD (SUCCESS|FAILURE)' "$OUT/gatling-$run.log" | sed 's/^\[[A-Z]*\] //'
			echo '```'
			echo
		} | tee -a "$OUT/gatling.md"
	done
	echo "Memory: the API's peak RSS $(peak_rss_mb) MB;" \
		"peak heap $(peak_heap_mb) MB of -Xmx$HEAP." | tee -a "$OUT/gatling.md"
	exit 0
fi

if [ -n "${LAYERS:-}" ]; then
	# Each layer of the API switched off in turn, with switches that exist for operators: the
	# cost of a layer is the difference to the API with everything on.
	while IFS='|' read -r label options; do
		[ -z "$label" ] && continue
		log "API, $label"
		# shellcheck disable=SC2086
		start_app api $options
		for kind in get list; do
			wrk_run api "$kind" 32 "$WARMUP" >/dev/null
			measure "layers $label $kind" api "$kind" 16
		done
		stop_app
	done <"$ROOT/src/ops/bench/layers.txt"
	{
		echo "CPU per request of the API at 16 connections, with one layer switched off at a time" \
			"($("$JAVA" -version 2>&1 | head -1), -Xmx$HEAP, ${WARMUP}s of warm-up per route and ${DURATION}s measured, $(date -u +%F)):"
		echo
		echo "| the API with | get: CPU ms / request | vs all on | list: CPU ms / request | vs all on |"
		echo "|---|---:|---:|---:|---:|"
		while IFS='|' read -r label options; do
			[ -z "$label" ] && continue
			printf '| %s | %.3f | %s | %.3f | %s |\n' "$label" "$(field "layers $label get" 6)" \
				"$(ratio "$(field "layers $label get" 6)" "$(field "layers everything on get" 6)")" \
				"$(field "layers $label list" 6)" \
				"$(ratio "$(field "layers $label list" 6)" "$(field "layers everything on list" 6)")"
		done <"$ROOT/src/ops/bench/layers.txt"
	} | tee "$OUT/layers.md"
	exit 0
fi

if [ -n "${CITUS:-}" ]; then
	# The same API, list and create, on the single PostgreSQL above and then on a coordinator
	# and two workers on this same machine, with the same rows and the same PostgreSQL settings
	citus_routes() { # label
		local kind
		for kind in list create; do
			tokens_file=$( [ $kind = create ] && echo "$WORK/writers.txt" || echo "$READERS_FILE" )
			log "$1: $kind, warming up for ${WARMUP}s"
			wrk_run api $kind 32 "$WARMUP" "$tokens_file" >/dev/null
			measure "$1 $kind 16" api $kind 16 "$tokens_file"
			measure "$1 $kind 64" api $kind 64 "$tokens_file"
		done
	}
	log "The API on the single PostgreSQL"
	READERS_FILE=$WORK/readers.txt
	start_app api
	citus_routes single
	stop_app
	log "A three-node Citus cluster (src/ops/citus.sh)"
	"$ROOT/src/ops/citus.sh" clean >/dev/null
	CITUS_STARTED=1
	API_DATABASE_URL=$(CITUS_SETTINGS="shared_buffers = 512MB" "$ROOT/src/ops/citus.sh" start | sed -n 's/^DATABASE_URL=//p')
	[ -n "$API_DATABASE_URL" ] || { echo "The Citus cluster did not start" >&2; exit 1; }
	log "Creating the schema on the cluster, loading the same $READERS readers"
	start_app api
	stop_app
	insert_tasks reader- "$READERS" 50 "$API_DATABASE_URL"
	"${PSQL[@]}" -d "$API_DATABASE_URL" -c 'VACUUM ANALYZE'
	"${PSQL[@]}" -d "$API_DATABASE_URL" -At -F ' ' -c "SELECT user_id, min(id) FROM tasks WHERE user_id LIKE 'reader-%' GROUP BY user_id" |
		tokens >"$WORK/citus-readers.txt"
	READERS_FILE=$WORK/citus-readers.txt
	start_app api
	citus_routes citus
	stop_app
	{
		echo "The API on one PostgreSQL and on a three-node Citus cluster (coordinator and two workers on the same machine)," \
			"$READERS readers × 50 tasks ($("$JAVA" -version 2>&1 | head -1), -Xmx$HEAP, ${WARMUP}s of warm-up per route and ${DURATION}s measured, $(date -u +%F)):"
		echo
		echo "| route, connections | one PostgreSQL: requests/s | p50 ms | p99 ms | Citus: requests/s | p50 ms | p99 ms | Citus / one |"
		echo "|---|---:|---:|---:|---:|---:|---:|---:|"
		for row in "list 16" "list 64" "create 16" "create 64"; do
			printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$row" \
				"$(field "single $row" 2)" "$(field "single $row" 3)" "$(field "single $row" 4)" \
				"$(field "citus $row" 2)" "$(field "citus $row" 3)" "$(field "citus $row" 4)" \
				"$(ratio "$(field "citus $row" 2)" "$(field "single $row" 2)")"
		done
	} | tee "$OUT/citus.md"
	exit 0
fi

log "The floor: the bare stack ($("$JAVA" -version 2>&1 | head -1), -Xmx$HEAP)"
start_app bare
routes_of bare
BARE_RSS=$(peak_rss_mb)
stop_app

log "The API"
start_app api
routes_of api
if [ -n "${PROFILE:-}" ]; then
	for kind in $ROUTES; do
		log "Profiling $kind"
		profiler "start,event=itimer,interval=1ms"
		wrk_run api "$kind" 16 "$DURATION" >/dev/null
		profiler "stop,file=$OUT/profile-$kind.collapsed,collapsed"
		# stackvis (npm) draws the SVG that async-profiler 3 and later no longer write
		# without the stacks under 0.05% of the samples, which no one can read and which make it 15 MB
		awk -v total="$(awk '{s += $NF} END {print s}' "$OUT/profile-$kind.collapsed")" '$NF >= total / 2000' \
			"$OUT/profile-$kind.collapsed" | node "$STACKVIS" collapsed flamegraph-svg >"$OUT/flamegraph-$kind.svg"
	done
	if [ -f "$OUT/profile-get.collapsed" ] && [ -f "$OUT/profile-list.collapsed" ]; then
		{
			echo "Where the API's CPU goes at 16 connections, from async-profiler's samples (each sample to the innermost layer on its stack):"
			echo
			echo "| layer | get: share of CPU | get: CPU ms / request | list: share of CPU | list: CPU ms / request |"
			echo "|---|---:|---:|---:|---:|"
			join -t'|' <(awk -f "$ROOT/src/ops/bench/attribute.awk" "$OUT/profile-get.collapsed" | sort) \
				<(awk -f "$ROOT/src/ops/bench/attribute.awk" "$OUT/profile-list.collapsed" | sort) |
				awk -F'|' -v g="$(field "api get 16" 6)" -v l="$(field "api list 16" 6)" \
					'{printf "| %s | %.1f%% | %.3f | %.1f%% | %.3f |\n", $1, $2, $2 * g / 100, $3, $3 * l / 100}' | sort -t'|' -k3 -rn
		} >"$OUT/profile.md"
	fi
fi
if [ -z "${QUICK:-}" ]; then
	log "The API at more connections, and writes"
	for c in 256 1000; do measure "api get $c" api get $c; done
	measure "api list 1000" api list 1000
	measure "api create 64" api create 64 "$WORK/writers.txt"

	log "List latency against the user's and the table's size"
	BASE_ROWS=$("${PSQL[@]}" -d todo -At -c 'SELECT count(*) FROM tasks')
	for who in ten thousand big; do
		echo "${who}-1 0" | tokens >"$WORK/$who.txt"
		measure "list of $who" api list 4 "$WORK/$who.txt"
	done
fi
API_RSS=$(peak_rss_mb)
HEAP_PEAK=$(peak_heap_mb)
"$(dirname "$JAVA")/jcmd" "$APP_PID" GC.run >/dev/null 2>&1 || true
HEAP_USED=$("$(dirname "$JAVA")/jcmd" "$APP_PID" GC.heap_info 2>/dev/null |
	awk '/heap/ {for (i = 1; i <= NF; i++) if ($i == "used") {sub(/K,?/, "", $(i + 1)); printf "%.0f", $(i + 1) / 1024; exit}}' || true)
stop_app

if [ -z "${QUICK:-}" ]; then
	log "Growing the table to 1,000,000 rows"
	rows=$("${PSQL[@]}" -d todo -At -c 'SELECT count(*) FROM tasks')
	fill=$(( (1000000 - rows) / 1000 ))
	[ "$fill" -gt 0 ] && insert_tasks filler- 1000 "$fill"
	"${PSQL[@]}" -d todo -c 'VACUUM ANALYZE'
	TABLE_ROWS=$("${PSQL[@]}" -d todo -At -c 'SELECT count(*) FROM tasks')

	# Warm-up: a new process under continuous load, in slices of 5 s
	log "Warm-up: gets at 16 connections from a fresh start, 5 s at a time for ${WARMUP_CURVE:-120}s"
	start_app api
	READY_SECONDS=$(seconds_since_start)
	curve "$WORK/curve.txt"
	measure "list of ten, 1M rows" api list 4 "$WORK/ten.txt"
	stop_app
	STEADY=$(steady "$WORK/curve.txt")
fi

# --- report ---------------------------------------------------------------------------------
{
	echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -r);" \
		"$("$PG_BIN/postgres" --version); $("$JAVA" -version 2>&1 | head -1), -Xmx$HEAP ${BENCH_JAVA_OPTS:-};" \
		"wrk, application and PostgreSQL on the same machine; ${WARMUP}s of warm-up per route, then ${DURATION}s" \
		"at 16 and ${DURATION}s at 64 connections; $(date -u +%F)."
	echo
	echo "| route | connections | bare: requests/s | bare: CPU ms / request | API: requests/s | API: CPU ms / request | API / bare (CPU per request) | API vs pgbench -S |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	for c in 16 64; do
		printf '| pgbench -S -M prepared | %s | | | | | | %.0f tps |\n' "$c" "$(field "pgbench $c" 2)"
	done
	for kind in $ROUTES; do
		name=$(case $kind in get) echo 'GET one task by id' ;; list) echo 'GET a page of 50' ;; trivial) echo '`/hello` vs `/livez`' ;; esac)
		for c in 16 64; do
			printf '| %s | %s | %.0f | %.3f | %.0f | %.3f | **×%s** | %s |\n' "$name" "$c" \
				"$(field "bare $kind $c" 2)" "$(field "bare $kind $c" 6)" "$(field "api $kind $c" 2)" "$(field "api $kind $c" 6)" \
				"$(ratio "$(field "api $kind $c" 6)" "$(field "bare $kind $c" 6)")" \
				"$( [ "$kind" = trivial ] && echo "" || echo "$(ratio "$(field "api $kind $c" 2)" "$(field "pgbench $c" 2)")")"
		done
	done
	echo
	echo "Errors (non-2xx, timeouts, resets) in every run above: $(cut -d'|' -f2 "$RESULTS" | awk '{s += $5} END {print s + 0}')."
	if [ -z "${QUICK:-}" ]; then
		echo
		echo "The API at steady state, \`GET /api/tasks/{id}\`, and writes:"
		echo
		echo "| route | connections | requests/s | p50 ms | p99 ms | errors | CPU ms / request |"
		echo "|---|---:|---:|---:|---:|---:|---:|"
		for row in "api get 16|GET /api/tasks/{id}|16" "api get 64|GET /api/tasks/{id}|64" "api get 256|GET /api/tasks/{id}|256" \
			"api get 1000|GET /api/tasks/{id}|1000" "api list 1000|GET /api/tasks|1000" "api create 64|POST /api/tasks|64"; do
			IFS='|' read -r key name c <<<"$row"
			printf '| %s | %s | %.0f | %s | %s | %s | %.3f |\n' "$name" "$c" "$(field "$key" 2)" "$(field "$key" 3)" \
				"$(field "$key" 4)" "$(field "$key" 5)" "$(field "$key" 6)"
		done
		echo
		echo "Warm-up of a new process: ready ${READY_SECONDS}s after \`java\` started; gets/s at 16 connections, 5 s at a time:"
		echo
		echo "| seconds of load | $(awk '{printf "%s | ", $1}' "$WORK/curve.txt")"
		echo "|---|$(awk '{printf "---:|"}' "$WORK/curve.txt")"
		echo "| requests/s | $(awk '{printf "%.0f | ", $2}' "$WORK/curve.txt")"
		echo "| CPU ms / request | $(awk '{printf "%.2f | ", $3}' "$WORK/curve.txt")"
		echo
		read -r steady rate <<<"$STEADY"
		echo "Steady state (every later slice within 10% of the last minute's median, $rate requests/s) after ${steady}s of load."
		echo
		echo "List latency (first page of 50, 4 connections) against the size of the user's list and of the table:"
		echo
		echo "| the user's tasks | rows in the table | p50 ms | p99 ms | p50 vs 10 tasks |"
		echo "|---:|---:|---:|---:|---:|"
		for who in "ten|10|$BASE_ROWS" "thousand|1,000|$BASE_ROWS" "big|100,000|$BASE_ROWS" "ten, 1M rows|10|$TABLE_ROWS"; do
			IFS='|' read -r key n rowsn <<<"$who"
			printf '| %s | %s | %s | %s | %s |\n' "$n" "$rowsn" "$(field "list of $key" 3)" "$(field "list of $key" 4)" \
				"$(ratio "$(field "list of $key" 3)" "$(field "list of ten" 3)")"
		done
	fi
	echo
	echo "Memory: the API's peak RSS ${API_RSS} MB (the bare stack's ${BARE_RSS} MB); the API's peak heap ${HEAP_PEAK:-?} MB," \
		"${HEAP_USED:-?} MB in use after a full GC at the end (of -Xmx$HEAP)."
	if [ -f "$OUT/profile.md" ]; then
		echo
		cat "$OUT/profile.md"
	fi
} | tee "$OUT/results.md"
