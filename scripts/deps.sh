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
# playwright-core (tests/browser/package-lock.json) needs node >= 20, and
# Debian 12's nodejs is 18.  A node that new on PATH (the CI image has its
# own) is used as it is; otherwise Debian's npm fetches node NODE_VERSION
# from the npm registry (the node-linux-ARCH package, checked against the
# integrity below) into /usr/local/bin.
NODE_MIN=20
NODE_VERSION=20.20.2
NODE_SHA512_x64=PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==
NODE_SHA512_arm64=LCXJnNTFiyGuYBw2gZSI5OBFMbkjAPt8sqD/NKrWoE2QmDgSubTqFng6GaNJ9EJ8HpxBMGcWWpbbcs4Vo+CnGg==
test="$test chromium"

node_ok() {  # node_ok [NODE]: NODE (default: node on PATH) is >= NODE_MIN
	"${1:-node}" -e "process.exit(parseInt(process.versions.node) >= $NODE_MIN ? 0 : 1)" \
	    >/dev/null 2>&1
}

want=$build
node_fetch=""
if [ "${1:-}" = "--test" ]; then
	want="$build $test"
	if ! node_ok; then
		node_fetch=1
		command -v npm >/dev/null 2>&1 || want="$want nodejs npm"
	fi
fi

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && [ -z "$node_fetch" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	[ -z "$node_fetch" ] || missing="$missing node>=$NODE_MIN"
	echo "svccert: run as root to install:$missing" >&2
	exit 1
fi

policy="" tmp=""
cleanup() {
	[ -z "$policy" ] || rm -f /usr/sbin/policy-rc.d
	[ -z "$tmp" ] || rm -rf "$tmp"
}
trap cleanup EXIT

if [ -n "$missing" ]; then
	echo "svccert: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# Daemons must not start on their own ports: the tests start their
	# own instances on loopback.  policy-rc.d keeps apt from starting
	# them.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		policy=1
	fi
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

[ -n "$node_fetch" ] || exit 0
case $(dpkg --print-architecture) in
amd64) arch=x64; sha512=$NODE_SHA512_x64 ;;
arm64) arch=arm64; sha512=$NODE_SHA512_arm64 ;;
*)	echo "svccert: the browser tests need node >= $NODE_MIN;" \
	    "install one for $(dpkg --print-architecture) on PATH" >&2
	exit 1 ;;
esac
pkg=node-linux-$arch
echo "svccert: installing: node $NODE_VERSION ($pkg from npm, into /usr/local)"
tmp=$(mktemp -d)
(cd "$tmp" && npm pack --silent --loglevel=error "$pkg@$NODE_VERSION" \
    >/dev/null) || { echo "svccert: npm pack $pkg@$NODE_VERSION failed" >&2
    exit 1; }
tgz=$tmp/$pkg-$NODE_VERSION.tgz
got=$(openssl dgst -sha512 -binary "$tgz" | openssl base64 -A)
if [ "$got" != "$sha512" ]; then
	echo "svccert: $pkg-$NODE_VERSION.tgz: sha512-$got, expected" \
	    "sha512-$sha512" >&2
	exit 1
fi
npm install -g --prefix /usr/local --no-audit --no-fund --loglevel=error \
    "$tgz" >/dev/null
node_ok /usr/local/bin/node || { echo "svccert: /usr/local/bin/node" \
    "does not run as node >= $NODE_MIN" >&2; exit 1; }
hash -r  # the shell may still remember the old node's place
node_ok || { echo "svccert: node $NODE_VERSION is in /usr/local/bin," \
    "but PATH finds $(command -v node) first" >&2; exit 1; }
