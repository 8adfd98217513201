#!/usr/bin/env bash
# run.sh - svccertd's JSON API, tested against the real daemon on the
# integration sandbox (real Exim, Dovecot and Pure-FTPd on 127.0.0.1).
#
#   bash tests/api/run.sh [TEST...]     (as root; TEST picks tests by name)
#
# SVCCERTD names the daemon (default build/svccertd), SVCCERT the CLI
# (default build/svccert); API_KEEP=1 keeps the sandbox afterwards.
#
# Everything runs in a network namespace of its own: other integration
# runs on this machine use the same ports, and a test that probed their
# daemons would prove nothing.  The suite ends with "N passed, M failed";
# tests/artifacts/api-summary.txt gets "N M" for scripts/test.sh.

API_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$API_DIR/../.." && pwd)
API_SUMMARY_FILE=$REPO/tests/artifacts/api-summary.txt
API_PORT=2187
API_REDIRECT_PORT=2186

# A bail-out counts as one failure, so that a run that never started
# cannot pass.
api_bail() {
	echo "Bail out! $*"
	echo "0 passed, 1 failed"
	echo "0 1" >"$API_SUMMARY_FILE"
	exit 2
}

IT_DIR=$REPO/tests/integration
# shellcheck source=../integration/lib.sh
. "$IT_DIR/lib.sh"

if [ -z "$API_IN_NETNS" ]; then
	SVCCERT=$(it_program "${SVCCERT:-$REPO/build/svccert}")
	SVCCERTD=$(it_program "${SVCCERTD:-$REPO/build/svccertd}")
	export SVCCERT SVCCERTD API_IN_NETNS=1
	mkdir -p "${API_SUMMARY_FILE%/*}"
	rm -f "$API_SUMMARY_FILE"
	[ "$(id -u)" = 0 ] || api_bail "must run as root (network namespace," \
	    "daemons binding ports)"
	exec unshare --net --fork bash -c \
	    'ip link set lo up && exec bash "$0" "$@"' "${BASH_SOURCE[0]}" "$@"
	api_bail "unshare --net failed"
fi

# lib.sh's preconditions bail out too; count that as a failure here
it_bail() {
	api_bail "$@"
}

# /dev/log is not in the network namespace but in the file system every
# run shares: listening there could take it from a concurrent run.  Only
# Pure-FTPd's start errors are lost, and the tests read the wire anyway.
it_syslog_start() {
	:
}

# ---------------------------------------------------------------------
# What the API tests add to the integration sandbox

# An EC leaf, for key_algorithm and ecdsa_curve_name.
api_pki_extra() {
	openssl ecparam -name prime256v1 -out "$P/p256.pem" 2>/dev/null &&
	    it_pki_leaf ec "ec:$P/p256.pem"
}

# api_define NAME [CHECK]: a service with files under /srv/NAME and no
# daemon behind it, so that a change to it is quick and harms nothing.
api_define() {
	local check=""

	[ -z "$2" ] || check="\"check\": \"$2\","
	cat >"$R/etc/svccert/services.d/$1.json" <<-EOF
	{ "label": "$1 (API tests)",
	  "files": [
	    {"path": "/srv/$1/$1.crt", "holds": "fullchain",
	     "owner": "root", "group": "root", "mode": "0644"},
	    {"path": "/srv/$1/$1.key", "holds": "key",
	     "owner": "root", "group": "root", "mode": "0600"} ],
	  $check
	  "reload": {"method": "none"} }
	EOF
}

api_sandbox() {
	api_pki_extra || return 1

	# svccertd's own certificate (the built-in definition's files) and
	# the port it listens on here
	it_selfsigned "$R/etc/svccert" svccertd || return 1
	chmod 600 "$R/etc/svccert/svccertd.key"
	cat >"$R/etc/svccert/services.d/svccertd.json" <<-EOF
	{ "endpoints": [
	    {"host": "127.0.0.1", "port": $API_PORT, "protocol": "tls"} ] }
	EOF

	# quick changes; slow holds the lock for 4 seconds in its check;
	# stale has an expired certificate; nocert has none
	api_define quick
	api_define slow "sleep 4"
	api_define stale
	api_define nocert
	mkdir -p "$R/srv/quick" "$R/srv/slow" "$R/srv/stale"
	it_selfsigned "$R/srv/quick" quick || return 1
	it_selfsigned "$R/srv/slow" slow || return 1
	cat "$P/expired.crt" "$P/int.crt" >"$R/srv/stale/stale.crt"
	cp "$P/expired.key" "$R/srv/stale/stale.key"
	chmod 600 "$R"/srv/*/*.key
}

# root's password, made here so that the tests can log in.
api_root_password() {
	API_ROOT_PASSWORD_FILE=$W/password.root
	printf 'root-%s' "$(head -c 12 /dev/urandom | od -An -tx1 |
	    tr -d ' \n')" >"$API_ROOT_PASSWORD_FILE"
	chmod 600 "$API_ROOT_PASSWORD_FILE"
	"$SVCCERT" --root "$R" user add root \
	    --password-file "$API_ROOT_PASSWORD_FILE" >"$W/user.out" 2>&1 ||
	    "$SVCCERT" --root "$R" user passwd root \
	    --password-file "$API_ROOT_PASSWORD_FILE" >>"$W/user.out" 2>&1
}

# ---------------------------------------------------------------------
# svccertd

# The daemon runs under a subshell that writes its exit status, so that
# the SIGTERM test can read it.
api_daemon_start() {
	local i pid

	(
		"$SVCCERTD" --root "$R" --listen "127.0.0.1:$API_PORT" \
		    --redirect-listen "127.0.0.1:$API_REDIRECT_PORT" \
		    </dev/null >"$W/svccertd.log" 2>&1 &
		echo $! >"$W/svccertd.pid"
		wait $!
		echo $? >"$W/svccertd.exit"
	) &
	API_WRAPPER=$!

	# ASan builds start slowly: give it 15 seconds
	for ((i = 0; i < 750; i++)); do
		it_port_listening "$API_PORT" &&
		    it_port_listening "$API_REDIRECT_PORT" && break
		[ -s "$W/svccertd.exit" ] && return 1
		sleep 0.02
	done
	it_port_listening "$API_PORT" || return 1

	# The svccertd service reloads by SIGHUP to the PID in its pidfile.
	pid=$(cat "$W/svccertd.pid")
	if [ ! -s "$R/run/svccertd.pid" ]; then
		it_note "svccertd wrote no $R/run/svccertd.pid; writing it"
		mkdir -p "$R/run"
		echo "$pid" >"$R/run/svccertd.pid"
	elif [ "$(cat "$R/run/svccertd.pid")" != "$pid" ]; then
		it_note "svccertd's pidfile holds $(cat "$R/run/svccertd.pid")," \
		    "not the started PID $pid"
	fi
}

api_daemon_stop() {
	local pid i

	[ -n "$API_WRAPPER" ] || return 0
	pid=$(cat "$W/svccertd.pid" 2>/dev/null)
	if [ -n "$pid" ] && [ ! -s "$W/svccertd.exit" ]; then
		kill -TERM "$pid" 2>/dev/null
		for ((i = 0; i < 250; i++)); do
			[ -s "$W/svccertd.exit" ] && break
			sleep 0.02
		done
		[ -s "$W/svccertd.exit" ] || kill -KILL "$pid" 2>/dev/null
	fi
	wait "$API_WRAPPER" 2>/dev/null
	API_WRAPPER=""
}

api_cleanup() {
	api_daemon_stop
	IT_KEEP=$API_KEEP it_cleanup
}

# ---------------------------------------------------------------------

main() {
	it_require_tools
	[ -x "$SVCCERT" ] || api_bail "no svccert at $SVCCERT (build it, or" \
	    "set SVCCERT=)"
	[ -x "$SVCCERTD" ] || api_bail "no svccertd at $SVCCERTD (build it," \
	    "or set SVCCERTD=)"
	trap api_cleanup EXIT
	trap 'exit 130' INT TERM

	it_sandbox_make || api_bail "could not make the sandbox"
	api_sandbox || api_bail "could not add the API tests' services"
	api_root_password || { cat "$W/user.out"; api_bail "could not set" \
	    "root's password with svccert user add/passwd"; }
	echo "# sandbox $IT_TOP, svccertd $SVCCERTD"
	if ! it_daemons_start; then
		it_logs_tail
		api_bail "the mail and FTP daemons did not start"
	fi
	if ! api_daemon_start; then
		sed 's/^/#   /' "$W/svccertd.log" | tail -n 30
		api_bail "svccertd did not listen on 127.0.0.1:$API_PORT and" \
		    ":$API_REDIRECT_PORT"
	fi

	API_ROOT=$R API_PKI=$P API_WORK=$W API_PORT=$API_PORT \
	    API_REDIRECT_PORT=$API_REDIRECT_PORT \
	    API_PID_FILE=$W/svccertd.pid API_EXIT_FILE=$W/svccertd.exit \
	    API_DAEMON_LOG=$W/svccertd.log \
	    API_ROOT_PASSWORD_FILE=$API_ROOT_PASSWORD_FILE \
	    API_SUMMARY_FILE=$API_SUMMARY_FILE \
	    python3 -B "$API_DIR/test_api.py" "$@"
	status=$?
	if [ ! -s "$API_SUMMARY_FILE" ]; then
		echo "0 1" >"$API_SUMMARY_FILE"
		echo "0 passed, 1 failed"
	fi
	return "$status"
}

main "$@"
