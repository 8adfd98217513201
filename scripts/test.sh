#!/bin/sh
# Install what is missing, build, and run every test:
#   unit tests (plain and under AddressSanitizer + UBSan), then the
#   integration tests against real Exim, Dovecot and Pure-FTPd, then
#   svccertd's JSON API and the web page in headless Chromium against
#   svccertd and the same daemons.
# Run as root from the top of the tree.  .ci/run calls this.
set -eu
cd "$(dirname "$0")/.."

scripts/deps.sh --test

setup() {  # setup DIR [meson options...]
	dir=$1; shift
	if [ -d "$dir" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
	ninja -C "$dir"
}

setup build
setup build-asan -Db_sanitize=address,undefined -Db_lundef=false

status=0
echo "== unit tests"
meson test -C build --print-errorlogs || status=1
echo "== unit tests under AddressSanitizer and UBSan"
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-asan --print-errorlogs || status=1
echo "== integration tests (real daemons on 127.0.0.1)"
SVCCERT="$PWD/build/svccert" bash tests/integration/run.sh || status=1
echo "== API tests (svccertd's JSON API, against the same daemons)"
SVCCERTD="$PWD/build/svccertd" SVCCERT="$PWD/build/svccert" \
    bash tests/api/run.sh || status=1
echo "== browser tests (the web page in headless Chromium)"
SVCCERTD="$PWD/build/svccertd" SVCCERT="$PWD/build/svccert" \
    bash tests/browser/run.sh || status=1

# One closing line for the whole run, counted from both test logs.
python3 - build/meson-logs/testlog.json build-asan/meson-logs/testlog.json \
    tests/artifacts/integration-summary.txt \
    tests/artifacts/api-summary.txt \
    tests/artifacts/browser-summary.txt <<'PY'
import json, sys
passed = failed = 0
for path in sys.argv[1:3]:
    for line in open(path):
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"): passed += 1
        elif r != "SKIP": failed += 1
for path in sys.argv[3:]:
    try:
        p, f = open(path).read().split()
        passed += int(p); failed += int(f)
    except (OSError, ValueError):
        failed += 1
print(f"{passed} passed, {failed} failed")
PY
exit $status
