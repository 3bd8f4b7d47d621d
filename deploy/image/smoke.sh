#!/bin/sh
# Starts the service from the image the way a container runtime would, without one: unpacks the
# OCI image (umoci), then in a private mount namespace makes the image's root filesystem read-only,
# gives it tmpfs at /tmp and /data, and runs the image's entrypoint as the image's user (uid
# 10001) with the image's environment. Passes when /q/health/live and /q/health/ready answer UP
# and a write to the root filesystem fails. Needs root, umoci, unshare, chroot and curl.
#
#   sh deploy/image/smoke.sh [OCI-IMAGE]      (default target/image/oci:statelock)
set -eu
cd "$(dirname "$0")/../.."
IMAGE=${1:-target/image/oci:statelock}
WORK=$(mktemp -d)
PORT=${PORT:-18080}
cleanup() {
  # unshare waits for its child: stop the service (its child) and then unshare returns.
  if [ -n "${PID:-}" ]; then
    for child in $(ps -o pid= --ppid "$PID" 2>/dev/null); do kill -TERM "$child" 2>/dev/null || true; done
    wait "$PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

umoci unpack --image "$IMAGE" "$WORK/bundle" >/dev/null
R=$WORK/bundle/rootfs
CONFIG=$WORK/bundle/config.json
# The runtime spec umoci derived from the image config: user, args and env.
USERSPEC=$(python3 -c 'import json,sys; u=json.load(open(sys.argv[1]))["process"]["user"]; print("%d:%d" % (u["uid"], u["gid"]))' "$CONFIG")
python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["process"]; print("\n".join(p["env"])); ' "$CONFIG" >"$WORK/env"
python3 -c 'import json,sys,shlex; p=json.load(open(sys.argv[1]))["process"]; print(" ".join(shlex.quote(a) for a in p["args"]))' "$CONFIG" >"$WORK/args"
echo "smoke: user $USERSPEC, entrypoint $(cat "$WORK/args")"
[ "$USERSPEC" != "0:0" ] || { echo "smoke: FAIL the image runs as root" >&2; exit 1; }
mkdir -p "$R/data"   # a mount point, as a runtime creates for a volume

unshare --mount --pid --fork --kill-child=SIGTERM sh -c '
  set -eu
  R=$1; USERSPEC=$2; WORK=$3; PORT=$4
  mount --make-rprivate /
  mount --bind "$R" "$R"
  mount -o remount,bind,ro "$R"
  mount -t tmpfs -o size=64m,mode=1777 tmpfs "$R/tmp"
  mount -t tmpfs -o size=64m,uid=10001,gid=10001 tmpfs "$R/data"
  mount -t proc proc "$R/proc"
  mount --rbind /dev "$R/dev"
  if chroot --userspec="$USERSPEC" "$R" /bin/sh -c "echo x > /deployments/written" 2>/dev/null; then
    echo "smoke: FAIL the root filesystem is writable" >&2; exit 1
  fi
  echo "smoke: the root filesystem is read-only for the service"
  eval "set -- $(cat "$WORK/args")"
  exec env -i $(cat "$WORK/env") QUARKUS_HTTP_PORT="$PORT" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_LOG_CONSOLE_JSON_ENABLED=true \
    chroot --userspec="$USERSPEC" "$R" "$@"
' smoke "$R" "$USERSPEC" "$WORK" "$PORT" >"$WORK/service.log" 2>&1 &
PID=$!

for i in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$PORT/q/health/ready" >"$WORK/ready" 2>/dev/null; then break; fi
  if ! kill -0 "$PID" 2>/dev/null; then cat "$WORK/service.log" >&2; echo "smoke: FAIL the service exited" >&2; exit 1; fi
  sleep 1
done
LIVE=$(curl -fsS "http://127.0.0.1:$PORT/q/health/live" || true)
echo "smoke: live  $LIVE"
echo "smoke: ready $(cat "$WORK/ready" 2>/dev/null)"
sed -n '1,5p' "$WORK/service.log"
echo "$LIVE" | grep -q '"UP"' && grep -q '"UP"' "$WORK/ready" || { cat "$WORK/service.log" >&2; echo "smoke: FAIL health" >&2; exit 1; }
# Deployments log one JSON object per line.
grep -v '^smoke:' "$WORK/service.log" | head -1 | python3 -c 'import json,sys; r=json.loads(sys.stdin.readline()); print("smoke: JSON log line:", r.get("level"), r.get("loggerName"), r.get("message"))' \
  || { echo "smoke: FAIL the log is not JSON" >&2; exit 1; }
echo "smoke: OK"
