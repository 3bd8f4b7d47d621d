#!/bin/sh
# Starts dynalite, a DynamoDB-API server, on loopback for running statelock locally on the
# dynamodb store. PORT (default 8000) picks the port; DYNALITE_PATH=DIR persists to DIR
# (in memory otherwise). Extra arguments are passed to dynalite.
#
#   deploy/local/dynalite.sh
#   quarkus.dynamodb.endpoint-override=http://127.0.0.1:8000
set -eu
cd "$(dirname "$0")"
if [ ! -d node_modules/dynalite ]; then
  npm ci --no-audit --no-fund
fi
# --createTableMs/--deleteTableMs 0: tables are ACTIVE at once; with the default 500 ms the
# SDK's table waiter sleeps ~20 s.
set -- --host 127.0.0.1 --port "${PORT:-8000}" --createTableMs 0 --deleteTableMs 0 "$@"
if [ -n "${DYNALITE_PATH:-}" ]; then
  mkdir -p "$DYNALITE_PATH"
  set -- "$@" --path "$DYNALITE_PATH"
fi
exec node node_modules/dynalite/cli.js "$@"
