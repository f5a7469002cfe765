#!/usr/bin/env bash
# Installs Debian's Chromium for @lec/backend-tfjs's browser tests (run as root; CI calls it
# before `pnpm test`). Never `npx playwright install`: playwright-core drives /usr/bin/chromium.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "chromium present: $(chromium --version 2>/dev/null || true)"
  exit 0
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
chromium --version
