#!/bin/sh
# Install the Debian 12 packages svccert needs, and nothing already there.
#   scripts/deps.sh          to build and run svccert
#   scripts/deps.sh --test   also the daemons and tools the tests drive
set -eu

build="gcc pkg-config meson ninja-build openssl ca-certificates
	libssl-dev libjansson-dev libsqlite3-dev libidn2-dev libevent-dev
	libcurl4-openssl-dev libcrypt-dev"
test="libcmocka-dev python3 exim4-daemon-light dovecot-imapd
	dovecot-pop3d pure-ftpd iproute2 procps"
# Browser tests: Debian's Chromium, driven by playwright-core from npm.
# Debian's node only where none is on PATH: the CI image may have its own.
test="$test chromium"
command -v node >/dev/null 2>&1 || test="$test nodejs npm"

want=$build
[ "${1:-}" = "--test" ] && want="$build $test"

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "svccert: run as root to install:$missing" >&2
	exit 1
fi
echo "svccert: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Daemons must not start on their own ports: the tests start their own
# instances on loopback.  policy-rc.d keeps apt from starting them.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
