# Sourced by the benchmark scripts. A throw-away PostgreSQL, Debian's, on 127.0.0.1, owned by
# the user todo with trust authentication:
#   postgres_install [more Debian packages...]  sets PG_BIN; installs PostgreSQL (and more) when missing
#   postgres_start DIR PORT [-c option=value...]  a new cluster in DIR, started
#   postgres_stop DIR                              stops it, if it runs
# And:
#   stop_process PID                               TERM, then KILL after 20 s (a JVM out of heap may never exit)

postgres_install() {
	local need=("$@")
	PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
	[ -n "$PG_BIN" ] && [ -x "$PG_BIN/pgbench" ] || need+=(postgresql postgresql-contrib)
	command -v psql >/dev/null || need+=(postgresql-client)
	if [ ${#need[@]} -gt 0 ]; then
		echo "== Installing ${need[*]}" >&2
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
		PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
	fi
}

postgres_start() {
	local dir=$1 port=$2
	shift 2
	echo "== PostgreSQL ($("$PG_BIN/postgres" --version)) on 127.0.0.1:$port" >&2
	mkdir -p "$dir"
	chown postgres "$dir"
	runuser -u postgres -- "$PG_BIN/initdb" -D "$dir/pg" -A trust -U todo >/dev/null
	runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w start -o \
		"-p $port -k $dir -c listen_addresses=127.0.0.1 $*" >/dev/null
}

postgres_stop() {
	[ -f "$1/pg/postmaster.pid" ] || return 0
	runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$1/pg" -m immediate stop >/dev/null 2>&1 || true
}

stop_process() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null || return 0
	for _ in $(seq 1 200); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}
