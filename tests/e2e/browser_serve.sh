#!/bin/sh
# browser_serve.sh - runs the browser test (tests/browser/serve.test.js:
# Debian chromium, headless, driven by playwright-core) against the built
# evident. Installs playwright-core from the committed lock when missing.
# usage: sh browser_serve.sh EVIDENT_BIN WORKDIR   (cwd = source dir)
set -u
if [ ! -d tests/browser/node_modules/playwright-core ]; then
    npm ci --prefix tests/browser --no-audit --no-fund >/dev/null 2>&1 ||
        { echo "FAIL npm ci --prefix tests/browser (playwright-core) did not work"; exit 1; }
fi
[ -x /usr/bin/chromium ] || { echo "FAIL /usr/bin/chromium is missing (make deps)"; exit 1; }
exec node tests/browser/serve.test.js "$1" "$2"
