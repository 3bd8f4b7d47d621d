#!/bin/sh
# statelock benchmark: starts the packaged service (embedded store, then DynamoDB on dynalite) and
# etcd on loopback, runs every scenario and writes a Markdown report with PNG charts to
# clients/bench/results/. Options: --quick (about 2-3 minutes), --no-etcd, --stores embedded,dynamodb,
# --service HOST:PORT[,HOST:PORT] [--service-pid PID[,PID]] [--dynamodb URL] to measure running services instead
# (several side by side: an A/B), --scenarios uncontended,handoff,waiting,keepalive, --clients 1,4,16,64,
# --leases 1000,100000, --store-latency-ms 2.5 (the latency proxy before dynalite; 0 for none). The full run takes
# about 20 minutes, most of it 100k leases renewed over a whole 100 s period on each store.
# The service JVM runs as in its container under a 512 MiB limit (-XX:MaxRAM=512m -XX:MaxRAMPercentage=25
# -XX:+UseSerialGC: 128 MiB heap; -XX:TrimNativeHeapInterval=5000); STATELOCK_BENCH_SERVICE_OPTS replaces those options.
# Needs: JDK 17+, Node.js 20+ with npm (dynalite), etcd (Debian: apt-get install etcd-server).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
if [ ! -f "$repo/service/target/quarkus-app/quarkus-run.jar" ] || [ ! -f "$here/target/statelock-bench.jar" ] \
    || [ "${STATELOCK_BENCH_BUILD:-0}" = 1 ]; then
  (cd "$repo" && ./mvnw -B -q package -DskipTests -pl service,clients/bench -am)
fi
cd "$repo"
exec java -Xmx1g -jar "$here/target/statelock-bench.jar" --repo "$repo" \
  --command "${STATELOCK_BENCH_SERVICE_OPTS:+STATELOCK_BENCH_SERVICE_OPTS='$STATELOCK_BENCH_SERVICE_OPTS' }clients/bench/run.sh${*:+ $*}" "$@"
