#!/bin/sh
# Debian's Chromium and its driver, for the dashboard's browser tests (service, io.statelock.ui): never a browser
# a test tool downloads. Skipped when both are installed. Installing needs root and apt-get (CI's machines);
# elsewhere it says what to install, and the browser tests skip (under CI=true they fail instead).
set -eu
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium.sh: the dashboard's browser tests need Debian's chromium and chromium-driver:" \
    "apt-get install chromium chromium-driver" >&2
  exit 0
fi
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium chromium-driver
