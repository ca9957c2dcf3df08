#!/usr/bin/env bash
# The Next.js + Better Auth guide (docs/nextjs-better-auth.md) against a real Better Auth: starts
# better-auth (pinned, from npm, in memory, with jwt()) and this API (./mvnw spring-boot:run), both
# with a trailing slash in BETTER_AUTH_URL, then signs up, takes a token from authClient.token()
# and from getSession's set-auth-jwt header, and calls the API with each (and with the session
# token, which must be refused). Needs Node.js 18+ and npm; ports BETTER_AUTH_PORT (18201) and
# PORT (18200) on 127.0.0.1. Not part of .ci/run: it downloads better-auth.
set -euo pipefail
cd "$(dirname "$0")/../.."
BETTER_AUTH=better-auth@1.7.25
export BETTER_AUTH_PORT=${BETTER_AUTH_PORT:-18201} PORT=${PORT:-18200}
export API_URL=http://127.0.0.1:$PORT
work=$(mktemp -d)
pids=()
# Each in a session of its own, so that its whole group goes (spring-boot:run forks the API's JVM)
cleanup() { for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || true; done; sleep 2; rm -rf "$work"; }
trap cleanup EXIT
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

cp src/ops/better-auth/*.mjs "$work"
(cd "$work" && printf '{"type":"module"}\n' >package.json && npm install --no-audit --no-fund -q "$BETTER_AUTH" >/dev/null)
BETTER_AUTH_URL=http://127.0.0.1:$BETTER_AUTH_PORT/ BETTER_AUTH_SECRET=$(head -c 32 /dev/urandom | base64) \
  setsid node "$work/server.mjs" >"$work/better-auth.log" 2>&1 &
pids+=($!)
BETTER_AUTH_URL=http://127.0.0.1:$BETTER_AUTH_PORT/ EMBEDDED_DATABASE_DIR=$work/postgres \
  setsid ./mvnw -B -q spring-boot:run >"$work/api.log" 2>&1 &
pids+=($!)
for _ in $(seq 180); do
  curl -fs "$API_URL/readyz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fs "$API_URL/readyz" >/dev/null || { tail -20 "$work/api.log" >&2; fail "the API did not become ready"; }
output=$(cd "$work" && node client.mjs) || { echo "$output" >&2; fail "the client run failed"; }
echo "$output"
grep -q '^API /api/me with jwt() via token(): 200' <<<"$output" || fail "the jwt() token from authClient.token() was refused"
grep -q '^API /api/me with jwt() via set-auth-jwt: 200' <<<"$output" || fail "the set-auth-jwt token was refused"
grep -q '^API /api/me with session token: 401' <<<"$output" || fail "the opaque session token was not refused"
printf 'ok: %s tokens accepted with a trailing slash in BETTER_AUTH_URL, the session token refused\n' "$BETTER_AUTH"
