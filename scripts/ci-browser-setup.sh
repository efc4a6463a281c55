#!/usr/bin/env bash
# Install what the browser suite (npm run test:browser) needs on a fresh Debian machine: Debian's
# Chromium (never a test tool's own browser download). Idempotent; run as root or with sudo.
set -euo pipefail

CHROMIUM="${VIGIL_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  echo "chromium present: $("$CHROMIUM" --version 2>/dev/null | head -1)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "chromium installed: $("$CHROMIUM" --version 2>/dev/null | head -1)"
