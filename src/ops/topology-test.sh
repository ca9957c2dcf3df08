#!/usr/bin/env bash
# Drives the no-container topology (src/ops/topology.sh) through the balancer's HTTPS port and
# the replicas directly:
#  1. the balancer speaks HTTP/2 (ALPN) and HTTP/1.1 over TLS;
#  2. a task created through one replica is read, listed, updated and deleted through the
#     others and through the balancer: nothing a request needs lives in one replica;
#  3. under a stream of writes through the balancer, one replica is killed (SIGKILL) and
#     another stopped (SIGTERM); afterwards every write acknowledged with 2xx is in the
#     database, with its title and owner, and the balancer kept serving on the last replica;
#  4. the killed replica is started again and the balancer sends it requests once more.
# Exits non-zero on the first broken expectation. Takes a few minutes on a busy 2-core machine.
#   src/ops/topology-test.sh
# One block, read whole before it runs: editing the file during a run cannot change the run
{
set -euo pipefail

if [[ -z ${TOPOLOGY_URL:-} ]]; then
  # Six JVM starts in all: slow on a busy machine
  TOPOLOGY_TIMEOUT=${TOPOLOGY_TIMEOUT:-1800} exec "$(dirname "$0")/topology.sh" "$0" "$@"
fi

fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
pass() { printf 'ok: %s\n' "$*"; }
work=$(mktemp -d "$TOPOLOGY_DIR/test.XXXXXX")
# Writers and restarted replicas end with the test, however it ends (topology.sh stops the rest)
trap 'touch "$work/stop"; kill $(jobs -p) 2>/dev/null || true' EXIT

# An HS256 token as Better Auth signs it with BETTER_AUTH_SECRET, valid 15 minutes
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
token() { # subject
  local header payload now=$(date +%s)
  header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
  payload=$(printf '{"sub":"%s","iat":%d,"exp":%d}' "$1" "$now" $((now + 900)) | b64url)
  printf '%s.%s.%s' "$header" "$payload" \
    "$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$BETTER_AUTH_SECRET" -binary | b64url)"
}
user="topology-$(openssl rand -hex 4)"
auth="Authorization: Bearer $(token "$user")"
lb=$TOPOLOGY_URL
# The balancer's certificate is self-signed: trust exactly it rather than switch checks off
ca=(--cacert "$BALANCER_CERTIFICATE")

call() { # method url [body [content type]] -> "status body" on stdout
  local method=$1 url=$2 body=${3:-} type=${4:-application/json} args=()
  [[ -n $body ]] && args=(-H "Content-Type: $type" --data-binary "$body")
  curl -sS --max-time 15 "${ca[@]}" -X "$method" -H "$auth" "${args[@]}" -w '\n%{http_code}' "$url" |
    { body=$(cat); printf '%s %s\n' "${body##*$'\n'}" "${body%$'\n'*}"; }
}
expect() { # status "status body" description
  [[ ${2%% *} == "$1" ]] || fail "$3: expected $1, got ${2:0:300}"
}
json_id() { grep -o '"id":[0-9]*' | head -1 | cut -d: -f2; }

# --- 1. TLS and HTTP/2 -----------------------------------------------------------------------
version=$(curl -sS "${ca[@]}" --http2 -o /dev/null -w '%{http_version}' "$lb/readyz")
[[ $version == 2 ]] || fail "the balancer answered HTTP/$version to a client offering h2"
version=$(curl -sS "${ca[@]}" --http1.1 -o /dev/null -w '%{http_version}' "$lb/readyz")
[[ $version == 1.1 ]] || fail "the balancer answered HTTP/$version to an HTTP/1.1 client"
pass "TLS with a certificate for localhost, HTTP/2 and HTTP/1.1 through the balancer"

# --- 2. one task through every replica -------------------------------------------------------
r=$(call POST "$API_1_URL/api/tasks" '{"title":"made on replica 1","tags":["topology"]}')
expect 201 "$r" "create on replica 1"
id=$(json_id <<<"$r")
r=$(call GET "$API_2_URL/api/tasks/$id"); expect 200 "$r" "read on replica 2"
[[ $r == *'"made on replica 1"'* ]] || fail "replica 2 read another task: $r"
r=$(call GET "$API_3_URL/api/tasks?limit=10"); expect 200 "$r" "list on replica 3"
[[ $r == *"\"id\":$id,"* ]] || fail "replica 3's list lacks task $id: $r"
r=$(call PATCH "$API_3_URL/api/tasks/$id" '{"title":"edited on replica 3"}' application/merge-patch+json)
expect 200 "$r" "update on replica 3"
r=$(call PATCH "$API_2_URL/api/tasks/$id/complete"); expect 200 "$r" "complete on replica 2"
r=$(call GET "$API_1_URL/api/tasks/$id"); expect 200 "$r" "read back on replica 1"
[[ $r == *'"edited on replica 3"'* && $r == *'"completed":true'* ]] || fail "replica 1 missed the changes: $r"
r=$(call GET "$lb/api/tasks/$id"); expect 200 "$r" "read through the balancer"
r=$(call DELETE "$API_2_URL/api/tasks/$id"); expect 204 "$r" "delete on replica 2"
for n in 1 2 3; do
  url_var=API_${n}_URL
  r=$(call GET "${!url_var}/api/tasks/$id"); expect 404 "$r" "read after delete on replica $n"
done
r=$(call GET "$lb/api/tasks/$id"); expect 404 "$r" "read after delete through the balancer"
# Paging: a cursor made by one replica is followed on another
for i in 1 2 3; do expect 201 "$(call POST "$lb/api/tasks" "{\"title\":\"page $i\"}")" "create page $i"; done
link=$(curl -sS "${ca[@]}" -D - -o /dev/null -H "$auth" "$API_1_URL/api/tasks?limit=2" | tr -d '\r' | grep -i '^link:' || true)
next=$(sed -n 's/.*<\([^>]*\)>; *rel="next".*/\1/p' <<<"$link")
[[ -n $next ]] || fail "no next page from replica 1: $link"
next=${next#http*://*/}
r=$(call GET "$API_3_URL/${next#/}"); expect 200 "$r" "next page on replica 3"
[[ $r == *'"page 1"'* ]] || fail "replica 3's second page lacks the oldest task: $r"
pass "a task made on replica 1 is read, listed, updated, completed and deleted on the others; cursors cross replicas"

# --- 3. writes while replicas go away --------------------------------------------------------
writers=4
writer() { # n: writes until told to stop; one line per answer: status id title
  local n=$1 i=0 out
  while [[ ! -e $work/stop ]]; do
    i=$((i + 1))
    out=$(curl -sS --max-time 20 "${ca[@]}" -X POST -H "$auth" -H 'Content-Type: application/json' \
      --data-binary "{\"title\":\"w$n-$i\"}" -w '\n%{http_code}' "$lb/api/tasks" 2>/dev/null) || out=$'\n000'
    printf '%s %s w%s-%s\n' "${out##*$'\n'}" "$(json_id <<<"${out%$'\n'*}")" "$n" "$i" >>"$work/writes-$n"
  done
}
for n in $(seq 1 $writers); do writer "$n" & done
acknowledged() { cat "$work"/writes-* 2>/dev/null | grep -c '^2' || true; }
wait_writes() { # count: until that many more acknowledged writes
  local target=$(($(acknowledged) + $1)) until=$((SECONDS + 120))
  while (($(acknowledged) < target)); do
    ((SECONDS < until)) || { touch "$work/stop"; fail "writes stalled at $(acknowledged) acknowledged"; }
    sleep 0.2
  done
}
wait_writes 40
kill -KILL "$API_3_PID"
echo "  killed replica 3 (SIGKILL) after $(acknowledged) acknowledged writes"
wait_writes 40
kill -TERM "$API_2_PID"
echo "  stopped replica 2 (SIGTERM) after $(acknowledged) acknowledged writes"
for _ in $(seq 1 120); do kill -0 "$API_2_PID" 2>/dev/null || break; sleep 0.5; done
! kill -0 "$API_2_PID" 2>/dev/null || fail "replica 2 did not exit within 60 s of SIGTERM"
before_last=$(acknowledged)
wait_writes 40
touch "$work/stop"
wait
total=$(cat "$work"/writes-* | wc -l)
acked=$(acknowledged)
cat "$work"/writes-* | grep '^2' | awk '{print $2 " " $3}' | sort >"$work/acked"
failed=$(cat "$work"/writes-* | grep -v '^2' | awk '{print $1}' | sort | uniq -c | tr '\n' ' ' || true)
echo "  $total writes, $acked acknowledged, $((acked - before_last)) of them on replica 1 alone; others: ${failed:-none}"
# Every acknowledged write, exactly as acknowledged, is in the database
PGCONNECT_TIMEOUT=5 psql -q -At "$DATABASE_URL" -F ' ' \
  -c "SELECT id, title FROM tasks WHERE user_id = '$user' AND title LIKE 'w%' " | sort >"$work/stored"
missing=$(comm -23 "$work/acked" "$work/stored" | head -5)
[[ -z $missing ]] || fail "acknowledged writes missing from the database: $missing"
[[ $(awk '{print $1}' "$work/acked" | sort | uniq -d | head -1) == "" ]] || fail "one id acknowledged twice"
pass "$acked acknowledged writes, all in the database, while one replica was killed and another stopped"

# --- 4. back in rotation -----------------------------------------------------------------------
start_replica 3
stats() { curl -fsS --max-time 2 "$TOPOLOGY_STATS_URL;csv"; }
# Until the balancer counts it as up again (the test's own time bound ends a wait that never does)
until stats | grep '^api,api3,.*,UP,' >/dev/null; do sleep 1; done
before=$(stats | awk -F, '$2 == "api3" {print $8}')
for i in $(seq 1 6); do expect 200 "$(call GET "$lb/api/tasks?limit=1")" "read $i after the restart"; done
after=$(stats | awk -F, '$2 == "api3" {print $8}')
((after > before)) || fail "the balancer sent nothing to the restarted replica 3"
pass "the restarted replica is back in the balancer's rotation"
exit
}
