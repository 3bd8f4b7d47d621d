#!/bin/sh
# Installs the pinned local servers (dynalite) from package-lock.json, only when needed:
# skipped while node_modules/.package-lock.json is at least as new as package-lock.json.
set -eu
cd "$(dirname "$0")"
if [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "install.sh: npm not found; Node 20+ with npm is needed for the DynamoDB-API test server (dynalite)" >&2
  exit 1
fi
# npm ci installs exactly what package-lock.json pins, and nothing else.
npm ci --no-audit --no-fund
