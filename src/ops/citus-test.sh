#!/usr/bin/env bash
# The HTTP contract tests against the API on a three-node Citus cluster: builds Citus when
# needed and starts a fresh coordinator and two workers (src/ops/citus.sh), runs every test of
# the shared API context (tag api: the subclasses of ApiTestSupport, Maven profile citus) with
# the coordinator as their database (-Dtest.database.url), and stops the cluster however it
# ends. Among them CitusPlanTests, which checks on the cluster that each of a user's
# statements runs on one shard (it skips itself on a plain PostgreSQL).
#
#   src/ops/citus-test.sh                        # as root; about 10 minutes once Citus is built
#   src/ops/citus-test.sh -Dtest=CitusPlanTests  # more Maven arguments, such as some tests only
#
# Settings: those of src/ops/citus.sh (CITUS_PORT, CITUS_DIR, CITUS_TARBALL, CITUS_TIMEOUT: the
# seconds the tests may take, 1800), JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/../.."

src/ops/citus.sh build
# shellcheck disable=SC2016 # expanded by the inner shell, once the cluster has given it
exec src/ops/citus.sh run bash -c '
  set -euo pipefail
  src/ops/citus.sh psql -Atc "SELECT citus_version()"
  ./mvnw -B -Pcitus test -Dtest.database.url="$DATABASE_URL" "$@"' citus-test "$@"
