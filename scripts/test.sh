#!/usr/bin/env bash
# Install what the tests need (Debian's Chromium for the browser tests, Java 17 for the Spark parity
# tests, the test-only reference libraries) and run the whole test suite. Exit status is pytest's.
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
if ! command -v java >/dev/null 2>&1; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
export PROMO_REQUIRE_SPARK=1  # Java is installed above, so a Spark test that cannot start Spark fails, never skips
source "$(dirname "$0")/_venv.sh" requirements-test.txt
.venv/bin/python -m pip install -q --no-deps -r requirements-test-nodeps.txt  # (why: the file's header)
# Both cores: two worker processes; the Spark tests share one worker (one Spark session per run) and
# the browser tests another (one app server, one Chromium): tests/conftest.py groups them.
exec .venv/bin/python -m pytest -n "${PROMO_TEST_WORKERS:-2}" --dist loadgroup "$@"
