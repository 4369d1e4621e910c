#!/usr/bin/env bash
# Builds the admin UI (admin-ui/ -> admin-ui/dist) for the server to embed (docs/admin-ui.md):
# `npm ci` when node_modules is older than package-lock.json, then `npm run build`; nothing when
# dist/index.html is newer than every source of the UI. `make ui` runs this; `make build`, `make
# run` and `make test` run it before building the server. Skipped (exit 0) while admin-ui/ has no
# package.json. FORCE=1 rebuilds anyway.
set -euo pipefail
cd "$(dirname "$0")/../admin-ui" 2>/dev/null || { echo "ui: no admin-ui/ directory, skipped"; exit 0; }

if [[ ! -f package.json ]]; then
  echo "ui: admin-ui/package.json does not exist yet, skipped"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "ui: npm is missing (scripts/install-deps.sh installs Node.js)" >&2
  exit 1
fi

# The inputs of the build: sources, static files, the page, the package and tool configuration.
inputs=()
for f in src public index.html package.json package-lock.json vite.config.ts vite.config.js vite.config.mjs \
         tsconfig.json tsconfig.app.json tsconfig.node.json; do
  [[ -e "$f" ]] && inputs+=("$f")
done

if [[ -z "${FORCE:-}" && -f dist/index.html ]] &&
   [[ -z "$(find "${inputs[@]}" -newer dist/index.html -print -quit)" ]]; then
  echo "ui: admin-ui/dist is up to date"
  exit 0
fi

if [[ ! -f node_modules/.package-lock.json || ( -f package-lock.json && package-lock.json -nt node_modules/.package-lock.json ) ]]; then
  if [[ -f package-lock.json ]]; then
    npm ci --no-audit --no-fund
  else
    npm install --no-audit --no-fund
  fi
fi
npm run build
# vite build may keep the old index.html's time when its content did not change: mark it built.
touch dist/index.html
