#!/usr/bin/env bash
# Makes sure that podman has every base image that the Dockerfile and compose.yaml name, under
# exactly those names. Where a registry answers, they are pulled as usual; where none does (this
# project's machines reach Debian's archive but no container registry), each missing one is
# made here as a stand-in from Debian trixie's packages: a debootstrap --variant=minbase root
# imported into podman, and on it, with `podman build`, the same software the real image has.
# Idempotent: an image that is there already is kept (BASE_IMAGES_REBUILD=1 makes them anew).
#   src/ops/base-images.sh            # as root; installs podman and debootstrap when missing
# A stand-in is no copy of the real image: it has the same program, major version, paths,
# environment, user and entry point that this project relies on, nothing more.
set -euo pipefail

suite=trixie
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
base=localhost/todo-standin/debian:$suite
# name, and what the stand-in has (Debian package and the version the tag promises)
images=(
  docker.io/library/eclipse-temurin:25-jdk
  docker.io/library/eclipse-temurin:25-jre
  docker.io/library/postgres:17
  docker.io/library/haproxy:3.0
  docker.io/prom/prometheus:v2.53
)

log() { echo "base-images: $*" >&2; }

[[ $(id -u) -eq 0 ]] || { log "run it as root (podman, debootstrap)"; exit 1; }

# cgroup v1, or v1 and v2 side by side (hybrid): crun, podman's default, refuses hybrid
# hierarchies with a controller on v2, where runc works
hybrid_cgroups() {
  [[ $(stat -fc %T /sys/fs/cgroup) != cgroup2fs ]]
}

install_tools() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  if hybrid_cgroups && ! command -v runc >/dev/null; then missing+=(runc); fi
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]} from Debian's packages"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || {
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
  }
}

# Sets a key of containers.conf once, under its [section], unless the file sets it already
containers_conf() { # section key value
  local conf=/etc/containers/containers.conf
  if [[ -f $conf ]] && grep -Eq "^[[:space:]]*$2[[:space:]]*=" "$conf"; then
    return 0
  fi
  log "setting $2 = $3 under [$1] in $conf"
  mkdir -p "$(dirname "$conf")"
  if [[ -f $conf ]] && grep -q "^\[$1\]" "$conf"; then
    sed -i "/^\[$1\]/a $2 = $3" "$conf"
  else
    printf '[%s]\n%s = %s\n' "$1" "$2" "$3" >>"$conf"
  fi
}

configure_podman() {
  # The sandbox these machines run in may not let a runtime raise rlimits, which podman's
  # packaged default asks for
  containers_conf containers default_ulimits '[]'
  if hybrid_cgroups; then
    containers_conf engine runtime '"runc"'
  fi
}

pull() { # name: true when a registry gave it
  timeout 300 podman pull -q "$1" >/dev/null 2>&1
}

# Debian trixie, minbase, as an image of its own that the stand-ins build on
make_base() {
  podman image exists "$base" && [[ -z ${BASE_IMAGES_REBUILD:-} ]] && return 0
  local root
  root=$(mktemp -d /var/tmp/standin-root.XXXXXX)
  log "debootstrap --variant=minbase $suite (a few minutes)"
  if ! debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.log" 2>&1; then
    tail -20 "$root.log" >&2
    exit 1
  fi
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root.log"
  tar -C "$root" -c . | podman import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' - "$base" >/dev/null
  rm -rf "$root"
}

# Each stand-in: a Containerfile on the base, built with host networking to reach the archive
build() { # name, Containerfile (stdin); files for COPY in $context
  log "building the stand-in $1"
  podman build -q --network host --pull=never -t "$1" -f - "$context" >/dev/null
}

apt_install='apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends'
apt_clean='apt-get clean && rm -rf /var/lib/apt/lists/*'

standin() { # name
  case $1 in
    */eclipse-temurin:25-jdk | */eclipse-temurin:25-jre)
      local package=openjdk-25-jdk-headless command=jshell
      [[ $1 == *jre ]] && package=openjdk-25-jre-headless command=bash
      # Temurin's layout: the JDK in /opt/java/openjdk, JAVA_HOME and PATH set; Ubuntu's
      # useradd and groupadd (passwd) come with minbase
      build "$1" <<EOF
FROM $base
RUN $apt_install $package ca-certificates && $apt_clean \\
 && mkdir -p /opt/java && ln -s "\$(dirname "\$(dirname "\$(readlink -f /usr/bin/java)")")" /opt/java/openjdk \\
 && java -version >/dev/null 2>&1
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["$command"]
EOF
      ;;
    */postgres:17)
      # The official image's contract: POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB make
      # the cluster in PGDATA on first start, password (SCRAM) logins from any address,
      # pg_isready on PATH, postgres as PID 1 without root, SIGINT for a fast shutdown
      cat >"$context/docker-entrypoint.sh" <<'EOF'
#!/bin/bash
set -euo pipefail
if [[ ${1:-} != postgres ]]; then exec "$@"; fi
if [[ $(id -u) -eq 0 ]]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [[ ! -s $PGDATA/PG_VERSION ]]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}"
  user=${POSTGRES_USER:-postgres} db=${POSTGRES_DB:-${POSTGRES_USER:-postgres}}
  initdb -D "$PGDATA" -U "$user" --auth-local=trust --auth-host=scram-sha-256 \
    --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") >/dev/null
  printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  printf "listen_addresses = '*'\n" >>"$PGDATA/postgresql.auto.conf"
  if [[ $db != postgres ]]; then
    postgres --single -D "$PGDATA" -c listen_addresses='' postgres <<<"CREATE DATABASE \"$db\" OWNER \"$user\";" >/dev/null
  fi
  echo "docker-entrypoint: made the cluster in $PGDATA, database $db, user $user"
fi
exec "$@"
EOF
      chmod 755 "$context/docker-entrypoint.sh"
      build "$1" <<EOF
FROM $base
RUN $apt_install postgresql-common \\
 && sed -ri 's/#?(create_main_cluster) .*\$/\1 = false/' /etc/postgresql-common/createcluster.conf \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql-17 && $apt_clean \\
 && command -v openssl
COPY docker-entrypoint.sh /usr/local/bin/
ENV PATH=/usr/lib/postgresql/17/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin PGDATA=/var/lib/postgresql/data
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
EOF
      ;;
    */haproxy:3.0)
      # The official image: the configuration in /usr/local/etc/haproxy, run as haproxy in
      # the foreground in master-worker mode; SIGUSR1 stops it softly
      build "$1" <<EOF
FROM $base
RUN $apt_install haproxy && $apt_clean \\
 && haproxy -v | grep -q 'version 3\.0\.' && mkdir -p /usr/local/etc/haproxy
USER haproxy
STOPSIGNAL SIGUSR1
CMD ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]
EOF
      ;;
    */prom/prometheus:v2.53)
      # The official image: /bin/prometheus as nobody, configuration and data where it keeps them
      build "$1" <<EOF
FROM $base
RUN $apt_install prometheus && $apt_clean \\
 && prometheus --version 2>&1 | grep -q 'version 2\.53\.' \\
 && test -x /bin/prometheus && mkdir -p /etc/prometheus /prometheus && chown nobody:nogroup /prometheus
USER nobody
WORKDIR /prometheus
VOLUME /prometheus
EXPOSE 9090
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
EOF
      ;;
    *) log "no stand-in for $1"; exit 1 ;;
  esac
}

install_tools
configure_podman
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
for image in "${images[@]}"; do
  if podman image exists "$image" && [[ -z ${BASE_IMAGES_REBUILD:-} ]]; then
    continue
  fi
  if [[ -z ${BASE_IMAGES_LOCAL:-} ]] && pull "$image"; then
    log "pulled $image"
    continue
  fi
  # Without a registry the first pull says so; the others need not ask again
  BASE_IMAGES_LOCAL=1
  make_base
  standin "$image"
done
log "ready: ${images[*]}"
