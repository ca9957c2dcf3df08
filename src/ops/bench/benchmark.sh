#!/usr/bin/env bash
# The API beside PostgreSQL's own ceiling, on this machine, in one run.
#
#   src/ops/bench/benchmark.sh            # REPEATS=3 DURATION=10 by default
#   REPEATS=5 DURATION=20 src/ops/bench/benchmark.sh
#   QUICK=1 BENCH_ENV='DATABASE_POOL_SIZE=10' BENCH_JAVA_OPTS='-XX:+UseSerialGC' src/ops/bench/benchmark.sh
#                                          # a tuning candidate: only the 64-connection rows
#
# Starts a throw-away PostgreSQL (Debian's) and the API's jar on 127.0.0.1, loads users and tasks
# with SQL, then measures with wrk and pgbench, repeating every measurement and keeping medians,
# because the machine is shared and noisy: judge by the ratios, which come from the same run.
# Installs what it uses (wrk, PostgreSQL, pgbench) with apt-get and stops every process it
# started. The table goes to standard output and to target/bench/results.md.
set -euo pipefail

cd "$(dirname "$0")/../../.."
ROOT=$PWD
REPEATS=${REPEATS:-3}
DURATION=${DURATION:-10}
PG_PORT=${BENCH_PG_PORT:-18950}
API_PORT=${BENCH_API_PORT:-18951}
HEAP=${BENCH_HEAP:-256m}
JAVA=${BENCH_JAVA:-$( [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && echo /usr/lib/jvm/temurin-25-jdk-amd64/bin/java || echo java )}
SECRET=benchmark-secret-$(openssl rand -hex 16)
READERS=1000      # users with 50 tasks each, read by GET /api/tasks and GET /api/tasks/{id}
OUT=$ROOT/target/bench
WORK=$(mktemp -d /tmp/todo-bench.XXXXXX)
mkdir -p "$OUT"

log() { printf '\n== %s\n' "$*" >&2; }

# --- set-up ---------------------------------------------------------------------------------
need=()
command -v wrk >/dev/null || need+=(wrk)
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/pgbench" ] || need+=(postgresql postgresql-contrib)
command -v psql >/dev/null || need+=(postgresql-client)
if [ ${#need[@]} -gt 0 ]; then
	log "Installing ${need[*]}"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
	PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
JAR=$(ls target/todo-api-*.jar 2>/dev/null | grep -v plain | head -1 || true)
if [ -z "$JAR" ]; then
	log "Building the jar"
	./mvnw -B -q package -DskipTests
	JAR=$(ls target/todo-api-*.jar | head -1)
fi
ulimit -n 65536 2>/dev/null || true

API_PID=
cleanup() {
	[ -n "$API_PID" ] && kill "$API_PID" 2>/dev/null && wait "$API_PID" 2>/dev/null || true
	[ -f "$WORK/pg/postmaster.pid" ] && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT
trap "exit 143" INT TERM

log "PostgreSQL ($("$PG_BIN/postgres" --version)) on 127.0.0.1:$PG_PORT"
chown postgres "$WORK"
runuser -u postgres -- "$PG_BIN/initdb" -D "$WORK/pg" -A trust -U todo >/dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w start -o \
	"-p $PG_PORT -k $WORK -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=512MB" >/dev/null
PSQL=(psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U todo)
"${PSQL[@]}" -d postgres -c 'CREATE DATABASE todo' -c 'CREATE DATABASE pgbench'

log "API ($("$JAVA" -version 2>&1 | head -1), -Xmx$HEAP) on 127.0.0.1:$API_PORT"
env DATABASE_URL="postgresql://todo@127.0.0.1:$PG_PORT/todo" BETTER_AUTH_SECRET="$SECRET" PORT=$API_PORT \
	RATE_LIMIT_ENABLED=false ${BENCH_ENV:-} "$JAVA" -Xmx"$HEAP" -Xlog:gc:file="$OUT/gc.log" ${BENCH_JAVA_OPTS:-} -jar "$JAR" >"$OUT/api.log" 2>&1 &
API_PID=$!
for _ in $(seq 1 120); do
	curl -sf "http://127.0.0.1:$API_PORT/actuator/health/readiness" >/dev/null && break
	kill -0 "$API_PID" 2>/dev/null || { tail -20 "$OUT/api.log"; exit 1; }
	sleep 1
done
BASE=http://127.0.0.1:$API_PORT

# --- data -----------------------------------------------------------------------------------
# Tasks of about 300 bytes of JSON each, so that a page of 50 is about 15 KB.
insert_tasks() { # user-prefix users tasks-per-user
	"${PSQL[@]}" -d todo <<-SQL
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

tokens() { # "subject [rest]" lines in, "token [rest]" lines out
	"$JAVA" "$ROOT/src/ops/bench/Tokens.java" "$SECRET"
}
log "Signing tokens"
# One line per reader: its token and the id of one of its tasks
"${PSQL[@]}" -d todo -At -F ' ' -c "SELECT user_id, min(id) FROM tasks WHERE user_id LIKE 'reader-%' GROUP BY user_id" |
	tokens >"$WORK/readers.txt"
seq 1 200 | sed 's/^/writer-/; s/$/ 0/' | tokens >"$WORK/writers.txt"

cat >"$WORK/bench.lua" <<'LUA'
-- Spreads requests over many users: every line of the file is "<token> <task id>".
local path, users = os.getenv("BENCH_KIND"), {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do
	local token, id = line:match("(%S+) (%S+)")
	users[#users + 1] = { "Bearer " .. token, id }
end
local body = '{"title": "Written by wrk", "description": "A task of about the usual size, with tags and a due date",'
	.. ' "priority": "high", "due_date": "2026-12-24", "tags": ["bench", "load"]}'
math.randomseed(os.time())
request = function()
	local user = users[math.random(#users)]
	if path == "byid" then
		return wrk.format("GET", "/api/tasks/" .. user[2], { Authorization = user[1] })
	elseif path == "list" then
		return wrk.format("GET", "/api/tasks", { Authorization = user[1] })
	else
		return wrk.format("POST", "/api/tasks", { Authorization = user[1], ["Content-Type"] = "application/json" }, body)
	end
end
done = function(summary, latency, requests)
	local errors = summary.errors.connect + summary.errors.read + summary.errors.write
		+ summary.errors.status + summary.errors.timeout
	io.stderr:write(string.format("RESULT %d %.1f %.2f %.2f %d\n", summary.requests,
		summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
LUA

cpu_ticks() { awk '{print $14 + $15}' "/proc/$API_PID/stat"; }

# wrk_run kind connections [token file] -> "requests rps p50ms p99ms errors cpu_s_per_1000"
wrk_run() {
	local kind=$1 conns=$2 tokens=${3:-$WORK/readers.txt} threads=2 before after result
	[ "$conns" -lt 2 ] && threads=1
	before=$(cpu_ticks)
	result=$(BENCH_KIND=$kind BENCH_TOKENS=$tokens wrk -t$threads -c"$conns" -d"${DURATION}s" --timeout 10s \
		-s "$WORK/bench.lua" "$BASE" 2>&1 >/dev/null | awk '/^RESULT/ {print $2, $3, $4, $5, $6}')
	after=$(cpu_ticks)
	awk -v r="$result" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" \
		'BEGIN {split(r, a, " "); printf "%s %s %s %s %s %.3f\n", a[1], a[2], a[3], a[4], a[5], (a[1] ? t / hz / a[1] * 1000 : 0)}'
}

# median of field N over REPEATS runs of a command's output lines
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

RESULTS=$WORK/results.txt
: >"$RESULTS"
measure() { # label kind connections [tokens]
	local i line
	for i in $(seq 1 "$REPEATS"); do
		line=$(wrk_run "$2" "$3" "${4:-}")
		printf '%s|%s\n' "$1" "$line" >>"$RESULTS"
		printf '  %-28s run %d: %s\n' "$1" "$i" "$line" >&2
	done
}
med() { # label field(1 requests, 2 rps, 3 p50, 4 p99, 5 errors, 6 cpu) -> median
	grep -F "$1|" "$RESULTS" | cut -d'|' -f2 | awk -v f="$2" '{print $f}' | median
}
errors() { grep -F "$1|" "$RESULTS" | cut -d'|' -f2 | awk '{s += $5} END {print s + 0}'; }

pgbench_tps() { # clients
	"$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U todo -S -M prepared -c "$1" -j 2 -T "$DURATION" -n pgbench 2>/dev/null |
		awk '/^tps/ {print $3; exit}'
}

# --- measurements ---------------------------------------------------------------------------
log "Warming up"
DURATION=5 wrk_run byid 64 >/dev/null
DURATION=5 wrk_run list 64 >/dev/null
DURATION=5 wrk_run create 64 "$WORK/writers.txt" >/dev/null

log "Ceiling: pgbench -S -M prepared"
"$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U todo -i -s 10 -q pgbench >/dev/null 2>&1
for i in $(seq 1 "$REPEATS"); do
	tps=$(pgbench_tps 64)
	printf 'pgbench 64|0 %s 0 0 0 0\n' "$tps" >>"$RESULTS"
	printf '  %-28s run %d: %s tps\n' "pgbench 64" "$i" "$tps" >&2
done

CONNECTIONS="64 1000"
[ -n "${QUICK:-}" ] && CONNECTIONS=64
log "API at $CONNECTIONS connections"
for c in $CONNECTIONS; do
	measure "GET /api/tasks/{id} $c" byid $c
	measure "GET /api/tasks $c" list $c
	measure "POST /api/tasks $c" create $c "$WORK/writers.txt"
done

if [ -z "${QUICK:-}" ]; then
	log "Scaling of GET /api/tasks/{id}"
	for c in 1 16 256; do measure "GET /api/tasks/{id} $c" byid $c; done

	log "List latency against the user's and the table's size"
	BASE_ROWS=$("${PSQL[@]}" -d todo -At -c 'SELECT count(*) FROM tasks')
	for who in ten thousand big; do
		echo "${who}-1 0" | tokens >"$WORK/$who.txt"
		measure "list of $who" list 4 "$WORK/$who.txt"
	done
	log "Growing the table to 1,000,000 rows"
	rows=$("${PSQL[@]}" -d todo -At -c 'SELECT count(*) FROM tasks')
	fill=$(( (1000000 - rows) / 1000 ))
	[ "$fill" -gt 0 ] && insert_tasks filler- 1000 "$fill"
	"${PSQL[@]}" -d todo -c 'VACUUM ANALYZE'
	measure "list of ten, 1M rows" list 4 "$WORK/ten.txt"
	TABLE_ROWS=$("${PSQL[@]}" -d todo -At -c 'SELECT count(*) FROM tasks')
fi

RSS_PEAK=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$API_PID/status")
# The heap's high-water mark, from the GC log's "before->after(size)" figures
HEAP_PEAK=$(grep -o '[0-9]*M->[0-9]*M' "$OUT/gc.log" | cut -dM -f1 | sort -n | tail -1)
# Heap in use after a full collection: what the data set and caches really hold
"$(dirname "$JAVA")/jcmd" "$API_PID" GC.run >/dev/null 2>&1 || true
HEAP_USED=$("$(dirname "$JAVA")/jcmd" "$API_PID" GC.heap_info 2>/dev/null |
	awk '/heap/ {for (i = 1; i <= NF; i++) if ($i == "used") {sub(/K,?/, "", $(i + 1)); printf "%.0f", $(i + 1) / 1024; exit}}' || true)

# --- report ---------------------------------------------------------------------------------
PG_TPS=$(med "pgbench 64" 2)
{
	echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -r);" \
		"$("$PG_BIN/postgres" --version); $("$JAVA" -version 2>&1 | head -1), -Xmx$HEAP; wrk, API and PostgreSQL on the same machine;" \
		"medians of $REPEATS runs of ${DURATION}s; $(date -u +%F)."
	echo
	echo "| measurement | connections | requests/s | p50 ms | p99 ms | errors | CPU s / 1,000 req | vs pgbench -S |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	printf '| pgbench -S -M prepared | 64 | %.0f | | | | | 1.00 |\n' "$PG_TPS"
	for label in "GET /api/tasks/{id}" "GET /api/tasks" "POST /api/tasks"; do
		for c in $CONNECTIONS; do
			printf '| %s | %s | %.0f | %s | %s | %s | %s | %.2f |\n' "$label" "$c" "$(med "$label $c" 2)" \
				"$(med "$label $c" 3)" "$(med "$label $c" 4)" "$(errors "$label $c")" "$(med "$label $c" 6)" \
				"$(awk -v a="$(med "$label $c" 2)" -v b="$PG_TPS" 'BEGIN {print a / b}')"
		done
	done
	if [ -z "${QUICK:-}" ]; then
		echo
		echo "Scaling, \`GET /api/tasks/{id}\`:"
		echo
		echo "| connections | requests/s | p50 ms | p99 ms | errors |"
		echo "|---:|---:|---:|---:|---:|"
		for c in 1 16 64 256 1000; do
			printf '| %s | %.0f | %s | %s | %s |\n' "$c" "$(med "GET /api/tasks/{id} $c" 2)" \
				"$(med "GET /api/tasks/{id} $c" 3)" "$(med "GET /api/tasks/{id} $c" 4)" "$(errors "GET /api/tasks/{id} $c")"
		done
		echo
		echo "List latency (first page of 50, 4 connections) against the size of the user's list and of the table:"
		echo
		echo "| the user's tasks | rows in the table | p50 ms | p99 ms | p50 vs 10 tasks |"
		echo "|---:|---:|---:|---:|---:|"
		base=$(med "list of ten" 3)
		for who in "ten|10|$BASE_ROWS" "thousand|1,000|$BASE_ROWS" "big|100,000|$BASE_ROWS" \
			"ten, 1M rows|10|$TABLE_ROWS"; do
			IFS='|' read -r key n rowsn <<<"$who"
			printf '| %s | %s | %s | %s | %.2f |\n' "$n" "$rowsn" "$(med "list of $key" 3)" "$(med "list of $key" 4)" \
				"$(awk -v a="$(med "list of $key" 3)" -v b="$base" 'BEGIN {print a / b}')"
		done
	fi
	echo
	echo "API process: peak RSS ${RSS_PEAK} MB; peak heap ${HEAP_PEAK:-?} MB; heap in use after a full GC at the end ${HEAP_USED:-?} MB (of -Xmx$HEAP)."
} | tee "$OUT/results.md"
