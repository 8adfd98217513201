#!/bin/sh
# Install what is missing, build, and run svccert on this machine's
# services.  Run as root from the top of the tree.  Extra arguments are
# passed to svccert (default: list).
set -eu
cd "$(dirname "$0")/.."

scripts/deps.sh
if [ -d build ]; then
	meson setup --reconfigure build >/dev/null
else
	meson setup build >/dev/null
fi
ninja -C build >/dev/null
[ $# -gt 0 ] || set -- list
exec build/svccert "$@"
