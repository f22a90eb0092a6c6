#!/usr/bin/env bash
# The nock transport tests on nock 15 (the peer range admits 14 and 15; the repository's own
# dependency is 14). nock@15.0.0 goes into a temp dir; vitest.nock15.config.ts points every `nock`
# import there. Later 15.x releases need Node 22 (their @mswjs/interceptors uses
# Promise.withResolvers); set NOCK_VERSION to try one.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
npm install --prefix "$dir" --no-audit --no-fund --no-save "nock@${NOCK_VERSION:-15.0.0}" >/dev/null
GDPR_FANOUT_NOCK_DIR="$dir/node_modules/nock" npx vitest run --config vitest.nock15.config.ts
