#!/usr/bin/env bash
# Install what Vigil's integration tests need on a fresh Debian machine, idempotently:
#   - Debian's prometheus package (prometheus + promtool) for the Prometheus test server;
#   - Debian's postgresql package (initdb + postgres) for the PostgreSQL test server;
#   - the Maven artifacts of the OpenSearch test launcher (tests/servers/opensearch), compiled once;
#   - Debian's prometheus-alertmanager for the notification suites (tests/notify/);
#   - Debian's poppler-utils (pdftoppm, pdftotext) to render and read report PDFs in tests/report/;
#   - schemathesis from PyPI (pinned) in a project-local virtualenv, .cache/venv-ci, for the schema-driven fuzz run
#     of the API (tests/service/schemathesis.e2e.test.ts).
# Prometheus' remote-write receiver (the remote write suite) is part of the prometheus package: the test starts it
# with --web.enable-remote-write-receiver.
# Java 17 and Maven are expected on the machine.
# Usage: bash scripts/ci-setup.sh [prometheus|postgres|opensearch|alertmanager|poppler|schemathesis|all]
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "ci-setup: need root to run: $*" >&2; exit 1; fi
}

if [ "$what" = all ] || [ "$what" = prometheus ]; then
  if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
    echo "ci-setup: prometheus already installed ($(prometheus --version 2>&1 | head -1))"
  else
    echo "ci-setup: installing Debian's prometheus package"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends prometheus >/dev/null
    # The package may start a system service on :9090; the tests run their own instance on a free port.
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
      as_root systemctl stop prometheus || true
    fi
    echo "ci-setup: $(prometheus --version 2>&1 | head -1)"
  fi
fi

if [ "$what" = all ] || [ "$what" = postgres ]; then
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/postgres" ]; then
    echo "ci-setup: postgresql already installed ($("$pg_bin/postgres" --version))"
  else
    echo "ci-setup: installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    # The package may start a cluster on :5432; the tests run their own on a free port.
    if command -v pg_ctlcluster >/dev/null 2>&1; then
      as_root bash -c 'for d in /etc/postgresql/*/*; do [ -d "$d" ] || continue; v=$(basename "$(dirname "$d")"); n=$(basename "$d"); pg_ctlcluster "$v" "$n" stop 2>/dev/null || true; done'
    fi
    pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
    echo "ci-setup: $("$pg_bin/postgres" --version)"
  fi
fi

if [ "$what" = all ] || [ "$what" = opensearch ]; then
  for cmd in java mvn; do
    command -v "$cmd" >/dev/null 2>&1 || { echo "ci-setup: $cmd is required for the OpenSearch test server" >&2; exit 1; }
  done
  echo "ci-setup: fetching OpenSearch runner artifacts into ~/.m2 and compiling the launcher"
  (cd tests/servers/opensearch && timeout 900 mvn -q -B compile dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt)
  echo "ci-setup: OpenSearch launcher ready"
fi

# Debian packages installed only when their command is missing: apt_install <command> <package> <what for>
apt_install() {
  if command -v "$1" >/dev/null 2>&1; then
    echo "ci-setup: $2 already installed"
    return
  fi
  echo "ci-setup: installing Debian's $2 ($3)"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}

if [ "$what" = all ] || [ "$what" = alertmanager ]; then
  apt_install prometheus-alertmanager prometheus-alertmanager "the Alertmanager test server"
  # The package may start a system service on :9093; the tests run their own instance on a free port.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus-alertmanager 2>/dev/null; then
    as_root systemctl stop prometheus-alertmanager || true
  fi
  echo "ci-setup: $(prometheus-alertmanager --version 2>&1 | head -1)"
fi

if [ "$what" = all ] || [ "$what" = poppler ]; then
  apt_install pdftoppm poppler-utils "rendering report PDFs in tests"
fi

# schemathesis (PyPI) in .cache/venv-ci, pinned; reinstalled only when the pinned version is missing
SCHEMATHESIS_VERSION=4.32.5
if [ "$what" = all ] || [ "$what" = schemathesis ]; then
  venv=.cache/venv-ci
  if [ -x "$venv/bin/schemathesis" ] && "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "version $SCHEMATHESIS_VERSION\$"; then
    echo "ci-setup: schemathesis $SCHEMATHESIS_VERSION already installed ($venv)"
  else
    command -v python3 >/dev/null 2>&1 || apt_install python3 python3 "Python for schemathesis"
    echo "ci-setup: installing schemathesis $SCHEMATHESIS_VERSION from PyPI into $venv"
    rm -rf "$venv"
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
      # Debian's python3 makes virtualenvs only with python3-venv (ensurepip)
      rm -rf "$venv"
      echo "ci-setup: installing Debian's python3-venv"
      export DEBIAN_FRONTEND=noninteractive
      as_root apt-get update -qq
      as_root apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
      python3 -m venv "$venv"
    fi
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
    echo "ci-setup: $("$venv/bin/schemathesis" --version)"
  fi
fi
