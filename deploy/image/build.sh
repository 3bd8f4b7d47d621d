#!/bin/sh
# Builds the statelock container image without a Docker engine or a container registry:
#   1. a minimal Debian bookworm root filesystem with OpenJDK 17 (JRE, headless), made by
#      debootstrap from the Debian mirror apt already uses — the base image;
#   2. the packaged service (service/target/quarkus-app) added on top as two layers (dependencies, then
#      the application) with umoci, configured to run as uid 10001 from a read-only root;
#   3. written as a `docker load`-able archive (skopeo) and kept as an OCI layout.
#
#   deploy/image/build.sh            # -> target/image/statelock-image.tar (+ target/image/oci)
#   deploy/image/build.sh --smoke    # then start it from the image, non-root on a read-only root, and probe it
#
# Needs root and Debian's debootstrap, umoci and skopeo (installed with apt-get when missing).
# The base (target/image/rootfs) is reused until `rm -rf target/image`. MIRROR=URL overrides the
# mirror; TAG (default statelock:<project version>) names the image.
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
OUT=$ROOT/target/image
SUITE=bookworm
UID_GID=10001:10001
SMOKE=false
[ "${1:-}" = "--smoke" ] && SMOKE=true

log() { printf '%s build.sh: %s\n' "$(date +%T)" "$*" >&2; }

[ "$(id -u)" = 0 ] || { echo "build.sh: run as root (debootstrap and file ownership in the image need it)" >&2; exit 1; }
missing=""
for tool in debootstrap umoci skopeo; do command -v $tool >/dev/null 2>&1 || missing="$missing $tool"; done
if [ -n "$missing" ]; then
  log "installing$missing"
  apt-get update -qq && apt-get install -y -qq $missing >/dev/null
fi

VERSION=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
TAG=${TAG:-statelock:$VERSION}

if [ ! -f service/target/quarkus-app/quarkus-run.jar ]; then
  log "packaging the service"
  ./mvnw -B -q package -DskipTests -pl service -am
fi

# --- 1. the base: Debian minbase + JRE 17 ---------------------------------------------------------
if [ -z "${MIRROR:-}" ]; then
  # The Debian mirror apt is configured with (deb822 or one-line sources).
  MIRROR=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ {print $2}' | grep -E '/debian/?$' | head -1)
  [ -n "$MIRROR" ] || MIRROR=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; break}}' | grep -E '/debian/?$' | head -1)
fi
[ -n "${MIRROR:-}" ] || { echo "build.sh: no Debian mirror found in apt's sources; set MIRROR" >&2; exit 1; }

mkdir -p "$OUT"
if [ ! -f "$OUT/rootfs/.statelock-base" ]; then
  rm -rf "$OUT/rootfs"
  log "debootstrap $SUITE (minbase + openjdk-17-jre-headless)"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates \
    "$SUITE" "$OUT/rootfs" "$MIRROR" >"$OUT/debootstrap.log" 2>&1 \
    || { tail -20 "$OUT/debootstrap.log" >&2; exit 1; }
  # Smaller and quieter: no package caches, docs or man pages in the image.
  rm -rf "$OUT/rootfs/var/cache/apt/"* "$OUT/rootfs/var/lib/apt/lists/"* "$OUT/rootfs/usr/share/doc" \
    "$OUT/rootfs/usr/share/man" "$OUT/rootfs/usr/share/info" "$OUT/rootfs/var/log/"*
  # The service's user; no home, no shell.
  echo "statelock:x:10001:10001:statelock:/nonexistent:/usr/sbin/nologin" >>"$OUT/rootfs/etc/passwd"
  echo "statelock:x:10001:" >>"$OUT/rootfs/etc/group"
  echo "statelock:!:19000::::::" >>"$OUT/rootfs/etc/shadow"
  : >"$OUT/rootfs/etc/resolv.conf"; : >"$OUT/rootfs/etc/hostname"
  touch "$OUT/rootfs/.statelock-base"
fi

# --- 2. the image: base layer + dependencies + application ----------------------------------------
rm -rf "$OUT/oci" "$OUT/layers"
mkdir -p "$OUT/layers"
log "base layer"
tar --numeric-owner --exclude=./.statelock-base --exclude=./proc/* --exclude=./sys/* --exclude=./dev/* \
  -C "$OUT/rootfs" -cf "$OUT/layers/base.tar" .
umoci init --layout "$OUT/oci"
umoci new --image "$OUT/oci:statelock"
umoci raw add-layer --image "$OUT/oci:statelock" --history.created_by "debootstrap --variant=minbase $SUITE + openjdk-17-jre-headless" "$OUT/layers/base.tar"

# Layers as Quarkus lays the fast-jar out: dependencies change rarely, the application often.
log "application layers"
mkdir -p "$OUT/layers/deps/deployments" "$OUT/layers/app/deployments"
cp -a service/target/quarkus-app/lib "$OUT/layers/deps/deployments/"
for f in service/target/quarkus-app/*; do [ "$(basename "$f")" = lib ] || cp -a "$f" "$OUT/layers/app/deployments/"; done
for layer in deps app; do
  tar --numeric-owner --owner=0 --group=0 --mode=a+rX,go-w -C "$OUT/layers/$layer" -cf "$OUT/layers/$layer.tar" .
  umoci raw add-layer --image "$OUT/oci:statelock" --history.created_by "service/target/quarkus-app ($layer)" "$OUT/layers/$layer.tar"
done

# The entrypoint is deploy/image/Dockerfile's, option for option (the reason for each is given there).
umoci config --image "$OUT/oci:statelock" \
  --os linux --architecture amd64 \
  --config.user "$UID_GID" \
  --config.workingdir /deployments \
  --config.exposedports 8080/tcp \
  --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --config.env LANG=C.UTF-8 \
  --config.env HOME=/tmp \
  --config.env JAVA_OPTS_APPEND= \
  --config.env QUARKUS_HTTP_HOST=0.0.0.0 \
  --config.env STATELOCK_EMBEDDED_DATA_DIR=/data \
  --config.entrypoint java \
  --config.entrypoint -XX:MaxRAMPercentage=25 \
  --config.entrypoint -XX:+UseSerialGC \
  --config.entrypoint -XX:TrimNativeHeapInterval=5000 \
  --config.entrypoint -XX:-UsePerfData \
  --config.entrypoint -Djava.io.tmpdir=/tmp \
  --config.entrypoint -jar \
  --config.entrypoint /deployments/quarkus-run.jar \
  --config.label org.opencontainers.image.title=statelock \
  --config.label "org.opencontainers.image.version=$VERSION" \
  --config.label org.opencontainers.image.base.name=debian:bookworm-minbase+openjdk-17-jre-headless \
  --history.created_by "umoci config: user $UID_GID, entrypoint java -jar /deployments/quarkus-run.jar"
umoci gc --layout "$OUT/oci"
rm -rf "$OUT/layers"

# --- 3. a docker-archive tarball ---------------------------------------------------------------------
rm -f "$OUT/statelock-image.tar"
skopeo copy -q "oci:$OUT/oci:statelock" "docker-archive:$OUT/statelock-image.tar:$TAG"
log "image $TAG: $OUT/statelock-image.tar ($(du -h "$OUT/statelock-image.tar" | cut -f1)); load it with: docker load -i target/image/statelock-image.tar"

# --- optional: run it from the image, as its user, on a read-only root ---------------------------------
if $SMOKE; then
  exec sh deploy/image/smoke.sh "$OUT/oci:statelock"
fi
