#!/bin/sh
# Install what is missing, build, and run the panel daemon svccertd for
# this machine's services, in the foreground (Ctrl-C stops it).  Run as
# root from the top of the tree.
#
#   scripts/run.sh                 svccertd on https://127.0.0.1:2087/
#   scripts/run.sh --listen ADDR:PORT ...   options go to svccertd
#   scripts/run.sh svccert list    any svccert command instead
set -eu
cd "$(dirname "$0")/.."

scripts/deps.sh
if [ -d build ]; then
	meson setup --reconfigure build >/dev/null
else
	meson setup build >/dev/null
fi
ninja -C build >/dev/null

if [ "${1:-}" = svccert ]; then
	shift
	exec build/svccert "$@"
fi
echo "svccert: starting the panel; on its first start it prints how to" \
    "log in (once)" >&2
exec build/svccertd "$@"
