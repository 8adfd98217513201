#!/usr/bin/env bash
# sandbox.sh - the integration tests' sandbox, kept running for a person.
#
#   bash tests/integration/sandbox.sh start    (as root)
#   bash tests/integration/sandbox.sh stop DIR
#
# start makes a throwaway CA, a --root folder with service definitions for
# Exim, Dovecot and Pure-FTPd, and starts the three daemons on 127.0.0.1
# (the ports run.sh uses), then prints how to drive them with svccert.

IT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$IT_DIR/../.." && pwd)
# shellcheck source=lib.sh
. "$IT_DIR/lib.sh"

start() {
	[ -x "$REPO/build/svccert" ] || it_bail "build svccert first:" \
	    "scripts/run.sh (or scripts/test.sh)"
	it_require_tools
	it_require_ports_free
	it_sandbox_make || it_bail "could not make the sandbox"
	it_daemons_start || { it_logs_tail; it_daemons_stop;
	    it_bail "the daemons did not start"; }
	echo "$IT_SYSLOG_PID" >"$IT_TOP/syslog.pid"
	cat <<-EOF
	sandbox ready in $IT_TOP
	  R=$R
	  $REPO/build/svccert --root \$R list
	  $REPO/build/svccert --root \$R reset exim dovecot pure-ftpd
	  $REPO/build/svccert --root \$R install --service exim,dovecot \\
	      --cert $P/a.crt --key $P/a.key --cabundle $P/int.crt
	  openssl s_client -connect 127.0.0.1:2525 -starttls smtp </dev/null
	test CA: $P/root.crt (trusted through \$R/etc/svccert/test-roots.pem)
	stop with: bash $IT_DIR/sandbox.sh stop $IT_TOP
	EOF
}

stop() {
	[ -f "$1/started" ] || it_bail "$1 is not a sandbox made by start"
	IT_TOP=$1 R=$1/root IT_DAEMONS_STARTED=1
	IT_SYSLOG_PID=$(cat "$IT_TOP/syslog.pid" 2>/dev/null)
	it_daemons_stop
	rm -rf "$IT_TOP"
	echo "stopped and removed $IT_TOP"
}

case ${1:-} in
start) start ;;
stop) [ -n "${2:-}" ] || it_bail "usage: sandbox.sh stop DIR"; stop "$2" ;;
*) echo "usage: sandbox.sh start | stop DIR" >&2; exit 2 ;;
esac
