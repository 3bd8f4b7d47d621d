#!/bin/sh
# Starts s3proxy, an S3-API server, on loopback for running statelock locally on the S3 blob
# store. The pinned jar (org.gaul:s3proxy:4.1.0, jar-with-dependencies) comes from Maven Central
# through the project's Maven wrapper the first time.
#
#   PORT (default 9090)            the port, on 127.0.0.1
#   S3PROXY_DIR (default ./s3-data) where objects persist (filesystem provider); one folder per bucket
#   BUCKET (default statelock-state) created if missing
#   S3PROXY_PROVIDER=transient     in memory instead (supports bucket versioning; lost on exit)
#   identity/credential: local / local (set quarkus.s3.aws.credentials.static-provider.* to match)
#
#   deploy/local/s3proxy.sh
#   quarkus.s3.endpoint-override=http://127.0.0.1:9090  quarkus.s3.path-style-access=true
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VERSION=4.1.0
JAR=$HERE/.s3proxy/s3proxy-$VERSION-jar-with-dependencies.jar
PORT=${PORT:-9090}
PROVIDER=${S3PROXY_PROVIDER:-filesystem}
DATA=${S3PROXY_DIR:-$(pwd)/s3-data}
BUCKET=${BUCKET:-statelock-state}

if [ ! -f "$JAR" ]; then
  "$ROOT/mvnw" -B -q -N -f "$ROOT/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact=org.gaul:s3proxy:$VERSION:jar:jar-with-dependencies -DoutputDirectory="$HERE/.s3proxy" >&2
fi

CONF=$(mktemp)
trap 'rm -f "$CONF"' EXIT
{
  echo "s3proxy.endpoint=http://127.0.0.1:$PORT"
  echo "s3proxy.authorization=aws-v2-or-v4"
  echo "s3proxy.identity=local"
  echo "s3proxy.credential=local"
  echo "jclouds.provider=$PROVIDER"
  echo "jclouds.identity=local"
  echo "jclouds.credential=local"
} >"$CONF"
if [ "$PROVIDER" = filesystem ]; then
  # A bucket of the filesystem provider is a folder under the base directory.
  mkdir -p "$DATA/$BUCKET"
  echo "jclouds.filesystem.basedir=$DATA" >>"$CONF"
  echo "s3proxy.sh: objects persist under $DATA (bucket $BUCKET)" >&2
fi
echo "s3proxy.sh: S3 API on http://127.0.0.1:$PORT (identity local, credential local)" >&2
java -jar "$JAR" --properties "$CONF" &
PID=$!
trap 'kill "$PID" 2>/dev/null; rm -f "$CONF"' EXIT INT TERM
wait "$PID"
