#!/bin/sh
# Makes the balancer's certificate when none is there: a self-signed P-256 certificate for
# localhost, valid 30 days, written with its key as the one PEM file HAProxy reads.
# Usage: tls-certificate.sh <pem file>. A file that exists is kept, so a real certificate
# mounted in its place wins. POSIX sh: it also runs in compose's Alpine one-shot service.
set -eu
pem=${1:?usage: tls-certificate.sh <pem file>}
if [ -s "$pem" ]; then
  echo "tls-certificate: keeping $pem"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj /CN=localhost -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
mkdir -p "$(dirname "$pem")"
cat "$work/cert.pem" "$work/key.pem" > "$work/tls.pem"
# HAProxy's image reads it as its own unprivileged user
chmod 644 "$work/tls.pem"
mv "$work/tls.pem" "$pem"
echo "tls-certificate: made a self-signed certificate for localhost in $pem"
