#!/usr/bin/env bash
# Builds the Dockerfile with podman as localhost/todo-api:<version>, on the base images that
# src/ops/base-images.sh provides (pulled, or made here where no registry answers).
#   src/ops/build-image.sh              # as root; the image tests run it
# Host networking, for Maven Central; --pull=never, for the local base images; and this
# machine's extra CA certificates (/usr/local/share/ca-certificates), for a network that
# inspects TLS on the way to Maven Central.
set -euo pipefail
cd "$(dirname "$0")/../.."
src/ops/base-images.sh
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
extra_ca=$(cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true)
# Also under the name Docker gives todo-api:<version>, which is what compose.yaml asks podman's
# Docker-compatible API for
podman build --network host --pull=never --build-arg EXTRA_CA_CERTIFICATES="$extra_ca" \
  -t "localhost/todo-api:$version" -t "docker.io/library/todo-api:$version" . >&2
echo "localhost/todo-api:$version"
