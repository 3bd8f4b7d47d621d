#!/bin/sh
# Installs the pinned validators for the deployment files (package-lock.json), only when needed:
# skipped while node_modules/.package-lock.json is at least as new as package-lock.json.
set -eu
cd "$(dirname "$0")"
if [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "install.sh: npm not found; Node 20+ with npm is needed for the deployment checks" >&2
  exit 1
fi
npm ci --no-audit --no-fund
