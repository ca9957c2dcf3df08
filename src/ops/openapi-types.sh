#!/usr/bin/env bash
# Generates the TypeScript types of the committed OpenAPI document (docs/openapi.json) with
# openapi-typescript, as a SPA would, and compiles a small client module against them with
# tsc --strict: a document that does not generate clean types fails here. Run by .ci/run; the
# versions are pinned, so a new release of either cannot change the answer. Needs Node.js 18+
# with npm (installed from Debian when missing and root); about 20 s with a warm npm cache.
set -euo pipefail
cd "$(dirname "$0")/../.."

OPENAPI_TYPESCRIPT=openapi-typescript@7.9.1
TYPESCRIPT=typescript@5.9.3

fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

if ! command -v npx >/dev/null; then
  [[ $(id -u) -eq 0 ]] || fail "npx (Node.js and npm) is not installed: install Node.js 18 or newer"
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm >/dev/null 2>&1; }; } ||
    fail "npx is missing and nodejs/npm cannot be installed from this machine's package sources"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# --default-non-nullable=false: a member with a default (completed, priority...) stays optional
# in a request body, as the API reads it; without it, openapi-typescript 7 makes it required
npx --yes "$OPENAPI_TYPESCRIPT" docs/openapi.json --default-non-nullable=false -o "$work/api.d.ts" >"$work/generate.log" 2>&1 ||
  { cat "$work/generate.log" >&2; fail "openapi-typescript could not generate types from docs/openapi.json"; }

# What a client does with the types: a list is Task[], a sync page holds tasks and tombstones
cat >"$work/client.ts" <<'TS'
import type { components, paths } from "./api";

type Task = components["schemas"]["Task"];
type ListAnswer = paths["/api/tasks"]["get"]["responses"]["200"]["content"]["application/json"];
type SyncAnswer = paths["/api/tasks/changes"]["get"]["responses"]["200"]["content"]["application/json"];
type NewTask = NonNullable<paths["/api/tasks"]["post"]["requestBody"]>["content"]["application/json"];

export function titles(page: ListAnswer): string[] {
  const tasks: Task[] = page;
  return tasks.map((task) => task.title);
}

export function apply(local: Map<number, Task>, page: SyncAnswer): void {
  for (const change of page) {
    if ("deleted" in change && change.deleted) local.delete(change.id);
    else if ("title" in change) local.set(change.id, change);
  }
}

export const draft: NewTask = { title: "Buy milk", priority: "high", tags: ["home"] };
TS
npx --yes -p "$TYPESCRIPT" tsc --noEmit --strict --target es2022 --module es2022 --moduleResolution bundler \
  "$work/client.ts" >"$work/tsc.log" 2>&1 ||
  { cat "$work/tsc.log" >&2; fail "the generated types do not compile (tsc --strict)"; }
printf 'ok: docs/openapi.json generates TypeScript types (%s) that compile with %s --strict\n' \
  "$OPENAPI_TYPESCRIPT" "$TYPESCRIPT"
