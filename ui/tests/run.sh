#!/usr/bin/env bash
# Browser tests of the pages in ui/: headless Debian Chromium driven by playwright-core, IPC mocked.
# Installs chromium (apt) and the npm packages when they are missing. Screenshots go to target/ui-screenshots/.
set -euo pipefail
cd "$(dirname "$0")"

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "ui tests: installing chromium" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends chromium >/dev/null; then
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends chromium >/dev/null
  fi
fi

if [ ! -d node_modules/playwright-core ]; then
  echo "ui tests: npm ci" >&2
  npm ci --no-audit --no-fund --silent
fi

# One test file at a time: the machine is small and each file starts its own browser.
exec node --test --test-concurrency=1 ./*.test.mjs
