#!/bin/sh
# report_browser.sh - the HTML report rendered in headless Chromium
# (tests/browser/report.test.js, playwright-core): not blank, no console
# errors, no network, figures present. Installs playwright-core from the
# committed lock when missing (as browser_serve.sh does).
# usage: sh report_browser.sh EVIDENT_BIN WORKDIR   (cwd = source dir)
set -u
if [ ! -d tests/browser/node_modules/playwright-core ]; then
    npm ci --prefix tests/browser --no-audit --no-fund >/dev/null 2>&1 ||
        { echo "FAIL npm ci --prefix tests/browser (playwright-core) did not work"; exit 1; }
fi
[ -x /usr/bin/chromium ] || { echo "FAIL /usr/bin/chromium is missing (make deps)"; exit 1; }
exec node tests/browser/report.test.js "$1" "$2"
