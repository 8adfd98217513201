#!/usr/bin/env bash
# run.sh - svccertd's web page in Debian's headless Chromium, against a
# real svccertd driving real Exim, Dovecot and Pure-FTPd on 127.0.0.1.
#
#   bash tests/browser/run.sh        (as root; README: top of test.js)
#
# The whole run happens in a network namespace of its own, so the
# sandbox's fixed ports (2525, 1143, 2121, ...) and svccertd's 2187 never
# meet another test run on the same machine.  SVCCERTD and SVCCERT name
# the binaries (default build/svccertd, build/svccert); BROWSER_KEEP=1
# keeps the sandbox.  Prints "ok N - name" lines and one closing
# "N passed, M failed", also written as "N M" to
# tests/artifacts/browser-summary.txt for scripts/test.sh.

BT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BT_DIR/../.." && pwd)
ARTIFACTS=$REPO/tests/artifacts
SUMMARY=$ARTIFACTS/browser-summary.txt

bt_bail() {
	echo "Bail out! $*"
	echo "0 passed, 1 failed"
	echo "0 1" >"$SUMMARY"
	exit 2
}

# Outside the namespace: the npm registry is reachable only from here.
bt_prepare() {
	local need

	mkdir -p "$ARTIFACTS"
	rm -f "$SUMMARY" "$ARTIFACTS"/browser-*.png
	[ "$(id -u)" = 0 ] || bt_bail "must run as root (network namespace," \
	    "and the daemons bind ports)"
	command -v node >/dev/null || bt_bail "node not found;" \
	    "run scripts/deps.sh --test"
	[ -x /usr/bin/chromium ] || bt_bail "/usr/bin/chromium not found;" \
	    "run scripts/deps.sh --test"
	[ -x "$SVCCERTD" ] || bt_bail "svccertd not found at $SVCCERTD" \
	    "(build it, or set SVCCERTD=)"
	(cd "$BT_DIR" && npm ci --no-audit --no-fund --loglevel=error \
	    >"$ARTIFACTS/browser-npm.log" 2>&1) ||
	    bt_bail "npm ci failed in tests/browser; see" \
	    "tests/artifacts/browser-npm.log"
	# playwright-core refuses an older node only once test.js runs
	need=$(node -e 'const e = require(process.argv[1]).engines.node,
	    m = /^>=\s*(\d+)/.exec(e);
	    if (m && parseInt(process.versions.node) < +m[1]) console.log(e);' \
	    "$BT_DIR/node_modules/playwright-core/package.json") ||
	    bt_bail "could not read playwright-core's package.json"
	[ -z "$need" ] || bt_bail "playwright-core needs node $need, and" \
	    "$(command -v node) is $(node --version); run scripts/deps.sh --test"
}

# ---------------------------------------------------------------------
# Inside the namespace

# it_sandbox_make and friends
# shellcheck source=../integration/lib.sh
. "$REPO/tests/integration/lib.sh"

# /dev/log is not in the network namespace but in the file system every
# run shares: listening there could take it from a concurrent run.  Only
# Pure-FTPd's start errors are lost, and the tests read the wire anyway.
it_syslog_start() {
	:
}

# svccertd's own certificate, in the built-in definition's files, and
# the port it listens on here, so that its row reads like the others.
bt_sandbox_svccertd() {
	it_selfsigned "$R/etc/svccert" svccertd || return 1
	chmod 600 "$R/etc/svccert/svccertd.key"
	cat >"$R/etc/svccert/services.d/svccertd.json" <<-'EOF'
	{ "endpoints": [
	    {"host": "127.0.0.1", "port": 2187, "protocol": "tls"} ] }
	EOF
}

# Two services no daemon reads, for the table's colours: "stale" holds
# the sandbox's expired leaf, "soon" one that expires in 10 days.
bt_sandbox_expiring() {
	local name

	openssl x509 -req -in "$P/a.csr" -CA "$P/int.crt" -CAkey "$P/int.key" \
	    -CAcreateserial -days 10 -extfile "$P/pki.cnf" \
	    -extensions v3_leaf -out "$P/soon.crt" 2>/dev/null || return 1
	cp "$P/a.key" "$P/soon.key"
	for name in stale soon; do
		mkdir -p "$R/srv/$name"
		cat "$P/${name/stale/expired}.crt" "$P/int.crt" \
		    >"$R/srv/$name/$name.crt"
		cp "$P/${name/stale/expired}.key" "$R/srv/$name/$name.key"
		chmod 600 "$R/srv/$name/$name.key"
		cat >"$R/etc/svccert/services.d/$name.json" <<-EOF
		{ "label": "Legacy ($name)",
		  "files": [
		    {"path": "/srv/$name/$name.crt", "holds": "fullchain",
		     "owner": "root", "group": "root", "mode": "0644"},
		    {"path": "/srv/$name/$name.key", "holds": "key",
		     "owner": "root", "group": "root", "mode": "0600"} ],
		  "reload": {"method": "none"} }
		EOF
	done
}

# An administrator to log in with, and a reseller without the
# service-ssl privilege, who must see why and nothing else.
bt_users_make() {
	BT_PASSWORD=pw-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')
	printf '%s\n' "$BT_PASSWORD" >"$W/password"
	chmod 600 "$W/password"
	if ! "$SVCCERT" --root "$R" user add admin \
	    --password-file "$W/password" >"$W/users.out" 2>&1 ||
	    ! "$SVCCERT" --root "$R" user add reseller --reseller \
	    --password-file "$W/password" >>"$W/users.out" 2>&1; then
		sed 's/^/# svccert: /' "$W/users.out"
		return 1
	fi
	export BT_USER=admin BT_RESELLER=reseller BT_PASSWORD
}

BT_DAEMON_PID=""

bt_daemon_start() {
	local i

	# the page under test is this tree's, whatever is installed
	"$SVCCERTD" --root "$R" --listen 127.0.0.1:2187 \
	    --redirect-listen 127.0.0.1:2186 --web-dir "$REPO/src/web" \
	    </dev/null >"$W/svccertd.out" 2>"$W/svccertd.err" &
	BT_DAEMON_PID=$!
	# an ASan build starts slowly
	for ((i = 0; i < 750; i++)); do
		it_port_listening 2187 && break
		kill -0 "$BT_DAEMON_PID" 2>/dev/null || break
		sleep 0.02
	done
	if ! it_port_listening 2187; then
		sed 's/^/# svccertd: /' "$W/svccertd.err"
		return 1
	fi

	# resetting svccertd's own row reloads it by SIGHUP to this PID
	[ -s "$R/run/svccertd.pid" ] || {
		mkdir -p "$R/run"
		echo "$BT_DAEMON_PID" >"$R/run/svccertd.pid"
	}
}

bt_daemon_stop() {
	[ -n "$BT_DAEMON_PID" ] || return 0
	kill -TERM "$BT_DAEMON_PID" 2>/dev/null
	wait "$BT_DAEMON_PID" 2>/dev/null
	BT_DAEMON_PID=""
}

bt_cleanup() {
	bt_daemon_stop
	IT_KEEP=$BROWSER_KEEP it_cleanup
}

bt_inside() {
	ip link set lo up || bt_bail "could not bring up lo in the namespace"
	it_require_tools
	it_require_ports_free
	trap bt_cleanup EXIT
	it_sandbox_make && bt_sandbox_svccertd && bt_sandbox_expiring ||
	    bt_bail "could not make the sandbox"
	it_daemons_start || { it_logs_tail; bt_bail "the daemons did not" \
	    "start"; }
	bt_users_make || bt_bail "svccert user add failed"
	bt_daemon_start || bt_bail "svccertd did not listen on 2187"

	BT_URL=https://127.0.0.1:2187 BT_ROOT=$R BT_PKI=$P BT_WORK=$W \
	    BT_ARTIFACTS=$ARTIFACTS BT_SUMMARY=$SUMMARY \
	    node "$BT_DIR/test.js"
	BT_STATUS=$?
	[ -s "$SUMMARY" ] || bt_bail "test.js ended without a summary"
	return "$BT_STATUS"
}

SVCCERTD=$(it_program "${SVCCERTD:-$REPO/build/svccertd}")
SVCCERT=$(it_program "${SVCCERT:-$REPO/build/svccert}")
export SVCCERTD SVCCERT BROWSER_KEEP

if [ "${1:-}" = --inside ]; then
	bt_inside
	exit $?
fi
bt_prepare
exec unshare --net --fork bash "${BASH_SOURCE[0]}" --inside
