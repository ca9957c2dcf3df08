#!/usr/bin/env bash
# A three-node Citus cluster on this machine: a coordinator and two workers, PostgreSQL 17 from
# Debian trixie's archive with Citus 13.2.2 built from its source tarball, all in a debootstrap
# chroot (no container engine needed), listening on 127.0.0.1 only.
#
#   src/ops/citus.sh build           # the chroot, PostgreSQL 17 and Citus in it (once: reused after)
#   src/ops/citus.sh start           # builds when needed, starts the three nodes, prints DATABASE_URL
#   src/ops/citus.sh status          # each node, and the workers the coordinator knows
#   src/ops/citus.sh url             # the DATABASE_URL of the coordinator
#   src/ops/citus.sh psql [NODE] ... # psql on database todo of coordinator (or worker-1, worker-2)
#   src/ops/citus.sh stop            # stops the nodes (their data stays: start again reuses it)
#   src/ops/citus.sh clean           # stops them and removes their data
#   src/ops/citus.sh run CMD...      # a fresh cluster, CMD with DATABASE_URL set, then stops it
#                                    # (an already running cluster is used as it is and left running)
#
# As root (debootstrap, chroot). The first build takes 10-20 minutes: debootstrap, about 100 MB
# of packages, Citus's compile; later runs find everything in the cache folder and start in
# seconds. Each node is an initdb'ed PostgreSQL with shared_preload_libraries=citus (and
# pg_stat_statements), database todo with the citus extension; the workers are registered on
# the coordinator (citus_set_coordinator_host, citus_add_node). Authentication: the superuser
# todo with a password (SCRAM) made up at initdb and kept in the cache folder; the nodes reach
# each other with it through pg_dist_authinfo. The contrib extensions the migrations create
# (unaccent, btree_gin) come with Debian's postgresql-17. Only loopback: a test cluster, not a
# deployment (no TLS, no replication, fsync as PostgreSQL's default).
#
# Settings: CITUS_DIR (${XDG_CACHE_HOME:-~/.cache}/todo-citus: the chroot, logs), CITUS_TARBALL
# (../shared/citus/citus-13.2.2.tar.gz beside the repository; downloaded from the release when
# missing and the network allows), CITUS_PORT (19110: the coordinator; the workers on +1, +2),
# CITUS_TIMEOUT (seconds for the command of `run`, 1800), CITUS_SETTINGS (more postgresql.conf
# lines for every node, such as 'shared_buffers = 512MB', taken when a node is made),
# DEBIAN_MIRROR (http://deb.debian.org/debian).
# One block, read whole before it runs: editing the file during a run cannot change the run
{
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
version=13.2.2
dir=${CITUS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/todo-citus}
root=$dir/root
tarball=$(realpath -m "${CITUS_TARBALL:-$repo/../shared/citus/citus-$version.tar.gz}")
release_url=https://github.com/citusdata/citus/archive/refs/tags/v$version.tar.gz
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
port=${CITUS_PORT:-19110}
nodes=(coordinator worker-1 worker-2)
pg=/usr/lib/postgresql/17/bin
data=/var/lib/postgresql/todo-citus # inside the chroot
packages=(postgresql-17 postgresql-server-dev-17 gcc make flex bison libc6-dev liblz4-dev libzstd-dev
  libkrb5-dev libssl-dev libicu-dev libreadline-dev libselinux1-dev libxslt1-dev libpam0g-dev zlib1g-dev)

log() { printf 'citus: %s\n' "$*" >&2; }
fail() { log "$*"; exit 1; }

node_port() { # node name
  local i
  for i in "${!nodes[@]}"; do [[ ${nodes[$i]} == "$1" ]] && { echo $((port + i)); return; }; done
  fail "no node $1 (one of ${nodes[*]})"
}

# --- the chroot and Citus --------------------------------------------------------------------
mounted=()
unmount_all() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}" 2>/dev/null || true
  done
  mounted=()
}
mount_for_build() { # what apt and make need: /proc, /dev, /dev/pts
  local target
  for target in proc dev dev/pts; do
    mountpoint -q "$root/$target" && continue
    mkdir -p "$root/$target"
    if [[ $target == proc ]]; then mount -t proc proc "$root/proc"; else mount --bind "/$target" "$root/$target"; fi
    mounted+=("$root/$target")
  done
}
in_root() { chroot "$root" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

make_root() {
  [[ -x $root/usr/bin/apt-get ]] && return 0
  command -v debootstrap >/dev/null || {
    log "installing debootstrap from Debian's packages"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null; }
  }
  log "debootstrap --variant=minbase trixie into $root (a few minutes)"
  rm -rf "$root.tmp"
  mkdir -p "$dir"
  timeout 1800 debootstrap --variant=minbase trixie "$root.tmp" "$mirror" >"$dir/debootstrap.log" 2>&1 ||
    { tail -20 "$dir/debootstrap.log" >&2; fail "debootstrap failed (log $dir/debootstrap.log)"; }
  mv "$root.tmp" "$root"
}

install_packages() {
  local stamp=$root/etc/todo-citus-packages
  [[ -f $stamp && $(cat "$stamp") == "${packages[*]}" ]] && return 0
  log "installing PostgreSQL 17 and Citus's build dependencies in the chroot"
  # No service starts in the chroot, and no cluster of Debian's own: the nodes are made here
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  local apt_options=()
  if [[ $mirror == https:* ]]; then
    # The machine's own certificate authorities, for a mirror behind an intercepting proxy
    cat /etc/ssl/certs/ca-certificates.crt /usr/local/share/ca-certificates/*.crt >"$root/etc/todo-citus-ca.crt" 2>/dev/null || true
    apt_options=(-o Acquire::https::CAInfo=/etc/todo-citus-ca.crt)
  fi
  mount_for_build
  local apt_log=$dir/apt.log
  {
    in_root timeout 900 apt-get "${apt_options[@]}" update -q &&
      in_root env DEBIAN_FRONTEND=noninteractive timeout 900 apt-get "${apt_options[@]}" install -y -q \
        --no-install-recommends postgresql-common &&
      sed -ri 's/^#?\s*create_main_cluster\s*=.*$/create_main_cluster = false/' "$root/etc/postgresql-common/createcluster.conf" &&
      in_root env DEBIAN_FRONTEND=noninteractive timeout 1800 apt-get "${apt_options[@]}" install -y -q \
        --no-install-recommends "${packages[@]}" &&
      in_root apt-get clean
  } >"$apt_log" 2>&1 || { tail -20 "$apt_log" >&2; fail "apt-get in the chroot failed (log $apt_log)"; }
  unmount_all
  printf '%s\n' "${packages[*]}" >"$stamp"
}

fetch_tarball() {
  [[ -f $tarball ]] && return 0
  local download=$dir/citus-$version.tar.gz
  if [[ ! -f $download ]]; then
    log "no $tarball: downloading $release_url"
    curl -fsSL --max-time 300 -o "$download.part" "$release_url" ||
      fail "cannot download $release_url: set CITUS_TARBALL to a copy of Citus $version's source tarball"
    mv "$download.part" "$download"
  fi
  tarball=$download
}

build_citus() {
  fetch_tarball
  local stamp=$root/etc/todo-citus-build sum
  sum=$(sha256sum "$tarball" | cut -d' ' -f1)
  [[ -f $stamp && $(cat "$stamp") == "$sum" && -f $root/usr/lib/postgresql/17/lib/citus.so ]] && return 0
  log "building Citus $version from $tarball (configure, make -j2: several minutes)"
  rm -rf "$root/usr/src/citus"
  mkdir -p "$root/usr/src/citus"
  tar -xzf "$tarball" -C "$root/usr/src/citus" --strip-components=1
  [[ -x $root/usr/src/citus/configure ]] || fail "$tarball holds no Citus source with a configure script"
  mount_for_build
  # Without libcurl: it only serves Citus's anonymous statistics, which a test cluster must
  # not send; without LLVM bitcode for PostgreSQL's JIT, which halves the compile
  in_root bash -c 'cd /usr/src/citus && timeout 600 ./configure --without-libcurl PG_CONFIG=/usr/lib/postgresql/17/bin/pg_config \
      && timeout 3600 make -j2 with_llvm=no && make install with_llvm=no' >"$dir/build.log" 2>&1 ||
    { tail -30 "$dir/build.log" >&2; fail "building Citus failed (log $dir/build.log)"; }
  unmount_all
  echo "$sum" >"$stamp"
  log "Citus $version installed in the chroot"
}

build() {
  ((EUID == 0)) || fail "run it as root (debootstrap, chroot)"
  trap unmount_all EXIT
  make_root
  install_packages
  build_citus
  unmount_all
  trap - EXIT
}

# --- the nodes -------------------------------------------------------------------------------
password_file=$root$data/password
# The chroot's own postgres user, by number: the host may have another one, or none
postgres_id() { awk -F: '$1 == "postgres" { print $3 ":" $4 }' "$root/etc/passwd"; }
as_postgres() { chroot --userspec="$(postgres_id)" "$root" env -i HOME=/var/lib/postgresql LANG=C.UTF-8 "$@"; }
running() { # node
  [[ -f $root$data/$1/postmaster.pid ]] && kill -0 "$(head -1 "$root$data/$1/postmaster.pid")" 2>/dev/null
}
sql() { # node database statement: one value or rows, unaligned
  as_postgres env PGPASSWORD="$(cat "$password_file")" PGCONNECT_TIMEOUT=10 "$pg/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$(node_port "$1")" -U todo -d "$2" -tAc "$3"
}
url() { echo "postgresql://todo:$(cat "$password_file")@127.0.0.1:$port/todo"; }

start() {
  [[ -f $root/usr/lib/postgresql/17/lib/citus.so && -f $root/etc/todo-citus-build ]] || build
  ((EUID == 0)) || fail "run it as root (chroot)"
  mkdir -p "$root$data"
  chown "$(postgres_id)" "$root$data"
  chmod 700 "$root$data"
  if [[ ! -f $password_file ]]; then
    openssl rand -hex 16 >"$password_file.tmp" 2>/dev/null || od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$password_file.tmp"
    mv "$password_file.tmp" "$password_file"
    chmod 600 "$password_file"
    chown "$(postgres_id)" "$password_file"
  fi
  local node node_port
  for node in "${nodes[@]}"; do
    node_port=$(node_port "$node")
    if [[ ! -f $root$data/$node/PG_VERSION ]]; then
      rm -rf "${root:?}$data/$node"
      as_postgres "$pg/initdb" -D "$data/$node" -U todo --pwfile="$data/password" --auth-local=peer \
        --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$root$data/$node.initdb.log" 2>&1 ||
        { cat "$root$data/$node.initdb.log" >&2; fail "initdb of $node failed"; }
      # Loopback only, no Unix socket (the chroot's /run is no tmpfs), Citus preloaded
      cat >>"$root$data/$node/postgresql.conf" <<EOF

# src/ops/citus.sh
listen_addresses = '127.0.0.1'
port = $node_port
unix_socket_directories = ''
shared_preload_libraries = 'citus,pg_stat_statements'
max_connections = 200
citus.stat_statements_track = 'all'
${CITUS_SETTINGS:-}
EOF
    fi
    if running "$node"; then
      log "$node already running on 127.0.0.1:$node_port"
      continue
    fi
    as_postgres "$pg/pg_ctl" -D "$data/$node" -l "$data/$node.log" -w -t 60 start >/dev/null ||
      { tail -20 "$root$data/$node.log" >&2; fail "$node did not start (log $root$data/$node.log)"; }
    log "$node on 127.0.0.1:$node_port"
  done
  local password
  password=$(cat "$password_file")
  for node in "${nodes[@]}"; do
    # Once per node: a worker refuses changes to Citus's catalogs once the coordinator synced them
    [[ $(sql "$node" postgres "SELECT count(*) FROM pg_database WHERE datname = 'todo'") == 0 ]] || continue
    sql "$node" postgres 'CREATE DATABASE todo' >/dev/null
    # Citus's per-statement counts (citus_stat_statements, which CitusPlanTests reads) need it
    sql "$node" todo 'CREATE EXTENSION citus; CREATE EXTENSION pg_stat_statements' >/dev/null
    # How each node authenticates to the others: the same role and password everywhere
    sql "$node" todo "INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES (0, 'todo', 'password=$password')" >/dev/null
  done
  [[ $(sql coordinator todo "SELECT count(*) FROM pg_dist_node WHERE groupid = 0") == 1 ]] ||
    sql coordinator todo "SELECT citus_set_coordinator_host('127.0.0.1', $port)" >/dev/null
  for node in "${nodes[@]:1}"; do
    [[ $(sql coordinator todo "SELECT count(*) FROM pg_dist_node WHERE nodeport = $(node_port "$node")") == 1 ]] ||
      sql coordinator todo "SELECT citus_add_node('127.0.0.1', $(node_port "$node"))" >/dev/null
  done
  log "Citus $(sql coordinator todo 'SELECT citus_version()' | awk '{print $2}'), workers:" \
    "$(sql coordinator todo "SELECT string_agg(node_name || ':' || node_port, ' ') FROM citus_get_active_worker_nodes()")"
  echo "DATABASE_URL=$(url)"
}

stop() {
  local node status=0
  for node in "${nodes[@]}"; do
    [[ -f $root$data/$node/postmaster.pid ]] || continue
    if running "$node"; then
      as_postgres "$pg/pg_ctl" -D "$data/$node" -m fast -w -t 60 stop >/dev/null ||
        { kill -KILL "$(head -1 "$root$data/$node/postmaster.pid")" 2>/dev/null || status=1; }
      log "$node stopped"
    fi
  done
  # Anything left mounted by a build that was killed
  local target
  for target in dev/pts dev proc; do
    if mountpoint -q "$root/$target" 2>/dev/null; then umount "$root/$target" || umount -l "$root/$target" || true; fi
  done
  return "$status"
}

status() {
  local node status=0
  for node in "${nodes[@]}"; do
    if running "$node"; then
      echo "$node: running on 127.0.0.1:$(node_port "$node"), pid $(head -1 "$root$data/$node/postmaster.pid")"
    else
      echo "$node: stopped"
      status=3
    fi
  done
  if running coordinator; then
    echo "Citus: $(sql coordinator todo 'SELECT citus_version()')"
    echo "active workers: $(sql coordinator todo "SELECT string_agg(node_name || ':' || node_port, ' ') FROM citus_get_active_worker_nodes()")"
    echo "DATABASE_URL=$(url)"
  fi
  return "$status"
}

command=${1:-}
(($#)) && shift
case $command in
  build) build ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  url) [[ -f $password_file ]] || fail "no cluster made yet: src/ops/citus.sh start"; url ;;
  clean)
    stop
    rm -rf "${root:?}$data"
    log "removed the nodes' data"
    ;;
  psql)
    node=coordinator
    if (($#)) && [[ $1 != -* ]]; then node=$1; shift; fi
    running "$node" || fail "$node is not running: src/ops/citus.sh start"
    exec chroot --userspec="$(postgres_id)" "$root" env -i HOME=/var/lib/postgresql LANG=C.UTF-8 TERM="${TERM:-dumb}" \
      PGPASSWORD="$(cat "$password_file")" "$pg/psql" -X -h 127.0.0.1 -p "$(node_port "$node")" -U todo -d todo "$@"
    ;;
  run)
    (($#)) || fail "usage: src/ops/citus.sh run COMMAND..."
    if running coordinator; then
      log "using the running cluster (left running)"
      export DATABASE_URL
      DATABASE_URL=$(url)
      exec "$@"
    fi
    build
    # A fresh cluster, stopped however the command ends (its data stays until the next run)
    stop >/dev/null 2>&1 || true
    rm -rf "${root:?}$data"
    trap 'status=$?; trap - EXIT; stop || true; exit $status' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    export DATABASE_URL
    DATABASE_URL=$(start | sed -n 's/^DATABASE_URL=//p')
    [[ -n $DATABASE_URL ]] || fail "the cluster did not start"
    status=0
    timeout -k 10 "${CITUS_TIMEOUT:-1800}" "$@" || status=$?
    ((status != 124)) || log "the command ran out of time (CITUS_TIMEOUT=${CITUS_TIMEOUT:-1800}s)"
    exit "$status"
    ;;
  *)
    sed -n '2,/^# One block/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
exit
}
