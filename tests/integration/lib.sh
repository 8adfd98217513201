# lib.sh - sandbox, throwaway PKI and real daemons for svccert's
# integration tests.  Sourced by run.sh.
#
# Everything lives under one temporary folder $IT_TOP:
#   $IT_TOP/root   the --root given to svccert ($R); the daemons' own
#                  configuration points at the same files by absolute path
#   $IT_TOP/pki    certificates and keys made here with the openssl CLI
#   $IT_TOP/work   svccert output, snapshots, the syslog capture
# Nothing outside it is touched except /dev/log, which is created (and
# removed again) only when the machine has none, so that Pure-FTPd's
# errors are not lost.

IT_PORTS="2525 4465 1143 1993 1110 1995 2121"
IT_SERVICES="exim dovecot pure-ftpd"

declare -A IT_ENDPOINTS=(
	[exim]="2525:smtp 4465:tls"
	[dovecot]="1143:imap 1993:tls 1110:pop3 1995:tls"
	[pure-ftpd]="2121:ftp"
)

# it_program PATH: PATH made absolute (callers may name build/svccert)
it_program() {
	case $1 in
	/*) echo "$1" ;;
	*) echo "$PWD/$1" ;;
	esac
}

it_bail() {
	echo "Bail out! $*"
	exit 2
}

it_note() {
	echo "# $*"
}

# ---------------------------------------------------------------------
# Preconditions

it_require_tools() {
	local tool

	[ "$(id -u)" = 0 ] || it_bail "must run as root (the daemons bind" \
	    "ports and Exim needs its Debian-exim user)"
	for tool in exim4 dovecot doveadm doveconf pure-ftpd openssl \
	    python3 ss timeout sha256sum stat; do
		command -v "$tool" >/dev/null ||
		    it_bail "$tool not found; install exim4-daemon-light" \
		    "dovecot-imapd dovecot-pop3d pure-ftpd openssl python3"
	done
}

# A port already taken would make a daemon fail to start, or worse, make
# the tests probe somebody else's server.
it_port_listening() {
	ss -ltnH "sport = :$1" 2>/dev/null | grep -q .
}

it_require_ports_free() {
	local port busy=""

	for port in $IT_PORTS; do
		it_port_listening "$port" && busy="$busy $port"
	done
	[ -z "$busy" ] || it_bail "ports already in use:$busy; stop" \
	    "whatever listens there (ss -ltnp) and run again"
}

# ---------------------------------------------------------------------
# Test PKI: root CA -> intermediate CA -> leaves, made fresh every run

it_pki_config() {
	cat >"$P/pki.cnf" <<-EOF
	[ req ]
	distinguished_name = dn
	[ dn ]
	[ v3_root ]
	basicConstraints = critical,CA:TRUE
	keyUsage = critical,keyCertSign,cRLSign
	subjectKeyIdentifier = hash
	[ v3_int ]
	basicConstraints = critical,CA:TRUE,pathlen:0
	keyUsage = critical,keyCertSign,cRLSign
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid:always
	[ v3_leaf ]
	basicConstraints = CA:FALSE
	keyUsage = critical,digitalSignature,keyEncipherment
	extendedKeyUsage = serverAuth
	subjectAltName = DNS:mail.test,DNS:localhost
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid
	[ v3_self ]
	basicConstraints = CA:FALSE
	subjectAltName = DNS:mail.test,DNS:localhost

	# openssl ca, only for the expired leaf: x509 -req cannot backdate
	[ ca ]
	default_ca = it_ca
	[ it_ca ]
	database = $P/ca/index.txt
	new_certs_dir = $P/ca
	serial = $P/ca/serial
	default_md = sha256
	policy = it_policy
	unique_subject = no
	[ it_policy ]
	commonName = supplied
	EOF
	mkdir -p "$P/ca"
	: >"$P/ca/index.txt"
	echo 1000 >"$P/ca/serial"
}

# it_pki_leaf NAME KEYSPEC: NAME.key, NAME.crt signed by the intermediate,
# valid long enough not to draw an expires-soon warning
it_pki_leaf() {
	openssl req -new -newkey "$2" -nodes -config "$P/pki.cnf" \
	    -keyout "$P/$1.key" -out "$P/$1.csr" \
	    -subj "/CN=mail-$1.test" 2>/dev/null &&
	openssl x509 -req -in "$P/$1.csr" -CA "$P/int.crt" \
	    -CAkey "$P/int.key" -CAcreateserial -days 90 \
	    -extfile "$P/pki.cnf" -extensions v3_leaf \
	    -out "$P/$1.crt" 2>/dev/null
}

it_pki_make() {
	mkdir -p "$P"
	it_pki_config

	# the CAs
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -config "$P/pki.cnf" -extensions v3_root -days 365 \
	    -keyout "$P/root.key" -out "$P/root.crt" \
	    -subj "/CN=svccert Test Root CA" 2>/dev/null || return 1
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -config "$P/pki.cnf" -keyout "$P/int.key" -out "$P/int.csr" \
	    -subj "/CN=svccert Test Intermediate CA" 2>/dev/null || return 1
	openssl x509 -req -in "$P/int.csr" -CA "$P/root.crt" \
	    -CAkey "$P/root.key" -CAcreateserial -days 365 \
	    -extfile "$P/pki.cnf" -extensions v3_int \
	    -out "$P/int.crt" 2>/dev/null || return 1

	# good pairs A and B, and a weak one
	it_pki_leaf a rsa:2048 || return 1
	it_pki_leaf b rsa:2048 || return 1
	it_pki_leaf weak rsa:1024 || return 1

	# an expired leaf (January 2020), otherwise like A and B
	it_pki_leaf expired rsa:2048 || return 1
	openssl ca -batch -config "$P/pki.cnf" -cert "$P/int.crt" \
	    -keyfile "$P/int.key" -in "$P/expired.csr" -notext \
	    -startdate 20200101000000Z -enddate 20200201000000Z \
	    -extfile "$P/pki.cnf" -extensions v3_leaf \
	    -out "$P/expired.crt" >/dev/null 2>&1 || return 1

	# bundles as administrators paste them
	cat "$P/a.crt" "$P/int.crt" >"$P/a.fullchain.pem"
	cat "$P/int.crt" "$P/a.key" "$P/root.crt" "$P/a.crt" \
	    >"$P/a.shuffled.pem"
	cat "$P/root.crt" "$P/int.crt" >"$P/bundle.reversed.pem"
	head -c 3000 /dev/urandom | base64 >"$P/garbage.pem"
}

# it_selfsigned DIR NAME: DIR/NAME.crt and DIR/NAME.key, to start with
it_selfsigned() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 90 \
	    -config "$P/pki.cnf" -extensions v3_self \
	    -keyout "$1/$2.key" -out "$1/$2.crt" \
	    -subj "/CN=initial-$2.test" 2>/dev/null
}

# ---------------------------------------------------------------------
# Certificates in files and on the wire

it_file_fp() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 2>/dev/null |
	    sed 's/.*=//'
}

# it_served PORT PROTOCOL: sets IT_SERVED_FP and IT_SERVED_COUNT (the
# number of certificates in the served chain); empty FP means no TLS.
it_served_once() {
	local starttls=() out

	[ "$2" = tls ] || starttls=(-starttls "$2")
	out=$(echo | timeout 10 openssl s_client -connect "127.0.0.1:$1" \
	    "${starttls[@]}" -servername mail.test -showcerts 2>/dev/null)
	IT_SERVED_FP=$(printf '%s\n' "$out" |
	    openssl x509 -noout -fingerprint -sha256 2>/dev/null |
	    sed 's/.*=//')
	IT_SERVED_COUNT=$(printf '%s\n' "$out" | grep -c 'BEGIN CERTIFICATE')
}

# A daemon being restarted may refuse a connection for a moment; a
# wrong certificate is never retried away.
it_served() {
	local i

	for ((i = 0; i < 5; i++)); do
		it_served_once "$1" "$2"
		[ -n "$IT_SERVED_FP" ] && return 0
		sleep 0.2
	done
	return 1
}

# it_wait_served PORT PROTOCOL FP: for daemons the harness starts itself
it_wait_served() {
	local i

	for ((i = 0; i < 100; i++)); do
		it_served_once "$1" "$2"
		[ "$IT_SERVED_FP" = "$3" ] && return 0
		sleep 0.05
	done
	return 1
}

# ---------------------------------------------------------------------
# The sandbox root

it_svc_cert() {
	case $1 in
	exim) echo "$R/etc/exim4/exim.crt" ;;
	dovecot) echo "$R/etc/dovecot/dovecot.crt" ;;
	pure-ftpd) echo "$R/etc/pure-ftpd/pure-ftpd.pem" ;;
	exim-wrong) echo "$R/etc/exim-wrong/exim.crt" ;;
	esac
}

it_svc_key() {
	case $1 in
	exim) echo "$R/etc/exim4/exim.key" ;;
	dovecot) echo "$R/etc/dovecot/dovecot.key" ;;
	pure-ftpd) echo "$R/etc/pure-ftpd/pure-ftpd.pem" ;;
	exim-wrong) echo "$R/etc/exim-wrong/exim.key" ;;
	esac
}

it_svc_files() {
	local cert key

	cert=$(it_svc_cert "$1")
	key=$(it_svc_key "$1")
	if [ "$cert" = "$key" ]; then
		echo "$cert"
	else
		echo "$cert $key"
	fi
}

it_sandbox_svccert() {
	mkdir -p "$R/etc/svccert/services.d"
	cp "$P/root.crt" "$R/etc/svccert/test-roots.pem"
	cat >"$R/etc/svccert/svccert.conf" <<-'EOF'
	{"hostname": "mail.test", "trust_file": "/etc/svccert/test-roots.pem",
	 "probe_timeout": 10}
	EOF
	it_define_exim exim /etc/exim4
	cat >"$R/etc/svccert/services.d/dovecot.json" <<-'EOF'
	{ "label": "Dovecot (IMAP, POP3)",
	  "files": [
	    {"path": "/etc/dovecot/dovecot.crt", "holds": "fullchain",
	     "owner": "root", "group": "root", "mode": "0644"},
	    {"path": "/etc/dovecot/dovecot.key", "holds": "key",
	     "owner": "root", "group": "root", "mode": "0600"} ],
	  "check": "doveconf -c \"$SVCCERT_ROOT/etc/dovecot/dovecot.conf\" -x ssl_key >/dev/null",
	  "reload": {"method": "command",
	    "command": "doveadm -c \"$SVCCERT_ROOT/etc/dovecot/dovecot.conf\" reload"},
	  "endpoints": [
	    {"host": "127.0.0.1", "port": 1143, "protocol": "imap"},
	    {"host": "127.0.0.1", "port": 1993, "protocol": "tls"},
	    {"host": "127.0.0.1", "port": 1110, "protocol": "pop3"},
	    {"host": "127.0.0.1", "port": 1995, "protocol": "tls"} ] }
	EOF
	cat >"$R/etc/svccert/services.d/pure-ftpd.json" <<-'EOF'
	{ "label": "Pure-FTPd (FTPS)",
	  "files": [
	    {"path": "/etc/pure-ftpd/pure-ftpd.pem", "holds": "key+fullchain",
	     "owner": "root", "group": "root", "mode": "0600"} ],
	  "reload": {"method": "restart",
	    "command": "/bin/sh \"$SVCCERT_ROOT/etc/pure-ftpd/restart.sh\""},
	  "endpoints": [
	    {"host": "127.0.0.1", "port": 2121, "protocol": "ftp"} ] }
	EOF
}

# it_define_exim NAME DIR: an Exim service whose files live in DIR (under
# the root).  "exim" is the real one; scenario 9 defines "exim-wrong"
# with files the daemon never reads.  The check fails while $R/fail-check
# exists, so that scenario 8 can make it fail on purpose.
it_define_exim() {
	cat >"$R/etc/svccert/services.d/$1.json" <<-EOF
	{ "label": "Exim (SMTP)",
	  "files": [
	    {"path": "$2/exim.crt", "holds": "fullchain",
	     "owner": "root", "group": "Debian-exim", "mode": "0644"},
	    {"path": "$2/exim.key", "holds": "key",
	     "owner": "root", "group": "Debian-exim", "mode": "0640"} ],
	  "check": "test ! -e \"\$SVCCERT_ROOT/fail-check\" && exim4 -C \"\$SVCCERT_ROOT/etc/exim4/exim.conf\" -bV >/dev/null",
	  "reload": {"method": "signal", "signal": "HUP",
	    "pidfile": "/run/exim/exim.pid"},
	  "endpoints": [
	    {"host": "127.0.0.1", "port": 2525, "protocol": "smtp"},
	    {"host": "127.0.0.1", "port": 4465, "protocol": "tls"} ] }
	EOF
}

it_sandbox_exim() {
	mkdir -p "$R/etc/exim4" "$R/var/spool/exim4" "$R/var/log/exim4" \
	    "$R/run/exim"
	chown Debian-exim:Debian-exim "$R/var/spool/exim4" \
	    "$R/var/log/exim4" "$R/run/exim"

	# Exim refuses a -C file that is not root's and not 0644-ish
	cat >"$R/etc/exim4/exim.conf" <<-EOF
	keep_environment =
	primary_hostname = mail.test
	daemon_smtp_ports = 2525 : 4465
	tls_on_connect_ports = 4465
	local_interfaces = 127.0.0.1
	tls_advertise_hosts = *
	tls_certificate = $R/etc/exim4/exim.crt
	tls_privatekey = $R/etc/exim4/exim.key
	log_file_path = $R/var/log/exim4/%slog
	spool_directory = $R/var/spool/exim4
	pid_file_path = $R/run/exim/exim.pid
	exim_user = Debian-exim
	exim_group = Debian-exim
	acl_smtp_rcpt = acl_check_rcpt
	begin acl
	acl_check_rcpt:
	  deny
	EOF
	chmod 644 "$R/etc/exim4/exim.conf"

	# the daemon reads its files as Debian-exim
	it_selfsigned "$R/etc/exim4" exim || return 1
	chown root:Debian-exim "$R/etc/exim4/exim.crt" "$R/etc/exim4/exim.key"
	chmod 644 "$R/etc/exim4/exim.crt"
	chmod 640 "$R/etc/exim4/exim.key"
}

it_sandbox_dovecot() {
	mkdir -p "$R/etc/dovecot" "$R/run/dovecot" "$R/var/lib/dovecot" \
	    "$R/var/mail"
	cat >"$R/etc/dovecot/dovecot.conf" <<-EOF
	protocols = imap pop3
	listen = 127.0.0.1
	base_dir = $R/run/dovecot
	state_dir = $R/var/lib/dovecot
	instance_name = svccert-it
	log_path = $R/var/log/dovecot.log
	ssl = yes
	ssl_cert = <$R/etc/dovecot/dovecot.crt
	ssl_key = <$R/etc/dovecot/dovecot.key
	auth_mechanisms = plain
	mail_location = maildir:$R/var/mail/%u
	passdb {
	  driver = static
	  args = password=secret
	}
	userdb {
	  driver = static
	  args = uid=nobody gid=nogroup home=$R/var/mail/%u
	}
	service imap-login {
	  inet_listener imap {
	    port = 1143
	  }
	  inet_listener imaps {
	    port = 1993
	    ssl = yes
	  }
	}
	service pop3-login {
	  inet_listener pop3 {
	    port = 1110
	  }
	  inet_listener pop3s {
	    port = 1995
	    ssl = yes
	  }
	}
	EOF
	it_selfsigned "$R/etc/dovecot" dovecot || return 1
	chmod 600 "$R/etc/dovecot/dovecot.key"
}

# Pure-FTPd has no reload and dies on SIGHUP, so svccert restarts it with
# this script.  svccert runs it through /bin/sh -c and reads its output
# until the pipe closes, so the daemon must not inherit that pipe.
it_sandbox_pureftpd() {
	mkdir -p "$R/etc/pure-ftpd" "$R/run/pure-ftpd"
	cat >"$R/etc/pure-ftpd/restart.sh" <<-EOF
	#!/bin/sh
	# Restart Pure-FTPd so that it loads its certificate again.
	PATH=/usr/sbin:/usr/bin:/sbin:/bin
	root=\${SVCCERT_ROOT:-$R}
	pidfile=\$root/run/pure-ftpd/pure-ftpd.pid
	port=2121

	listening() {
	    ss -ltnH "sport = :\$port" | grep -q .
	}

	# A dead daemon stays a zombie for a while and still passes kill -0,
	# so wait for its port to close instead.
	if [ -s "\$pidfile" ]; then
	    kill -TERM "\$(cat "\$pidfile")" 2>/dev/null
	fi
	i=0
	while listening; do
	    i=\$((i + 1))
	    if [ \$i -ge 250 ]; then
	        echo "pure-ftpd did not stop: port \$port still open" >&2
	        exit 1
	    fi
	    sleep 0.02
	done
	rm -f "\$pidfile"

	pure-ftpd -S 127.0.0.1,\$port -Y 1 -4 -p 30000:30100 -B \\
	    -2 "\$root/etc/pure-ftpd/pure-ftpd.pem" -g "\$pidfile" \\
	    </dev/null >/dev/null 2>&1
	status=\$?
	if [ \$status -ne 0 ]; then
	    echo "pure-ftpd exited with status \$status" >&2
	    exit \$status
	fi

	# -B returns before the certificate is even read: a bad one only
	# shows as a daemon that never listens (the reason goes to syslog).
	i=0
	until listening; do
	    i=\$((i + 1))
	    if [ \$i -ge 250 ]; then
	        echo "pure-ftpd did not start listening on port \$port;" \\
	            "see syslog" >&2
	        exit 1
	    fi
	    sleep 0.02
	done
	exit 0
	EOF
	chmod 755 "$R/etc/pure-ftpd/restart.sh"

	it_selfsigned "$P" pure-ftpd || return 1
	cat "$P/pure-ftpd.key" "$P/pure-ftpd.crt" \
	    >"$R/etc/pure-ftpd/pure-ftpd.pem"
	chmod 600 "$R/etc/pure-ftpd/pure-ftpd.pem"
}

it_sandbox_make() {
	IT_TOP=$(mktemp -d "${TMPDIR:-/tmp}/svccert-it.XXXXXX") || return 1
	R=$IT_TOP/root
	P=$IT_TOP/pki
	W=$IT_TOP/work
	mkdir -p "$R" "$P" "$W" "$R/var/log"
	touch "$IT_TOP/started"

	# Exim runs as Debian-exim and must reach its files
	chmod 755 "$IT_TOP" "$R"

	it_pki_make || { it_note "making the test PKI failed"; return 1; }
	it_sandbox_svccert
	it_sandbox_exim || return 1
	it_sandbox_dovecot || return 1
	it_sandbox_pureftpd || return 1
	IT_SYSLOG=$W/syslog
	: >"$IT_SYSLOG"
}

# ---------------------------------------------------------------------
# /dev/log: Pure-FTPd logs nowhere else, and this machine has no syslog

IT_SYSLOG_PID=""

it_syslog_start() {
	local i

	[ -e /dev/log ] && return 0
	python3 - "$IT_SYSLOG" <<-'EOF' >/dev/null 2>&1 &
	import os, socket, sys
	s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
	s.bind("/dev/log")
	os.chmod("/dev/log", 0o666)
	out = open(sys.argv[1], "a", buffering=1)
	while True:
	    line = s.recv(65536).decode(errors="replace").rstrip("\0\n")
	    out.write(line + "\n")
	EOF
	IT_SYSLOG_PID=$!
	for ((i = 0; i < 100; i++)); do
		[ -S /dev/log ] && return 0
		sleep 0.02
	done
	it_note "could not listen on /dev/log; Pure-FTPd errors will be lost"
}

it_syslog_stop() {
	[ -n "$IT_SYSLOG_PID" ] || return 0
	kill "$IT_SYSLOG_PID" 2>/dev/null
	wait "$IT_SYSLOG_PID" 2>/dev/null
	rm -f /dev/log
	IT_SYSLOG_PID=""
}

# ---------------------------------------------------------------------
# Daemons

# it_wait_port PORT [closed]
it_wait_port() {
	local i

	for ((i = 0; i < 250; i++)); do
		if [ "$2" = closed ]; then
			it_port_listening "$1" || return 0
		else
			it_port_listening "$1" && return 0
		fi
		sleep 0.02
	done
	return 1
}

it_exim_start() {
	exim4 -C "$R/etc/exim4/exim.conf" -bd -q30m ||
	    { it_note "exim4 -bd failed"; return 1; }
	it_wait_port 2525 && it_wait_port 4465
}

it_dovecot_start() {
	dovecot -c "$R/etc/dovecot/dovecot.conf" ||
	    { it_note "dovecot failed to start"; return 1; }
	it_wait_port 1143 && it_wait_port 1993 && it_wait_port 1110 &&
	    it_wait_port 1995
}

it_pureftpd_start() {
	SVCCERT_ROOT=$R sh "$R/etc/pure-ftpd/restart.sh"
}

# Once per run: later calls give the first call's answer.
it_daemons_start() {
	if [ -z "$IT_DAEMONS_STARTED" ]; then
		it_syslog_start
		IT_DAEMONS_STARTED=1
		it_exim_start && it_dovecot_start && it_pureftpd_start
		IT_DAEMONS_STATUS=$?
	fi
	return "$IT_DAEMONS_STATUS"
}

# it_kill_pidfile FILE PORT...: TERM the PID, then wait for the ports
it_kill_pidfile() {
	local file=$1 port
	shift

	[ -s "$file" ] && kill -TERM "$(cat "$file")" 2>/dev/null
	for port in "$@"; do
		it_wait_port "$port" closed ||
		    it_note "port $port still open after stopping"
	done
}

it_daemons_stop() {
	[ -n "$IT_DAEMONS_STARTED" ] || return 0
	it_kill_pidfile "$R/run/exim/exim.pid" 2525 4465
	doveadm -c "$R/etc/dovecot/dovecot.conf" stop 2>/dev/null
	it_wait_port 1143 closed
	it_kill_pidfile "$R/run/pure-ftpd/pure-ftpd.pid" 2121
	it_syslog_stop
	IT_DAEMONS_STARTED=""
}

it_cleanup() {
	it_daemons_stop
	if [ -n "$IT_TOP" ] && [ -z "$IT_KEEP" ]; then
		rm -rf "$IT_TOP"
	elif [ -n "$IT_TOP" ]; then
		echo "# kept the sandbox in $IT_TOP"
	fi
}

# Lines every probe or start leaves, which say nothing about a failure.
IT_LOG_NOISE='lost privilege for using -C|queue run: pid=|Connection closed \(no auth attempts|\[INFO\] (New connection|SNI:|TLS: Enabled|Logout)'

it_logs_tail() {
	local f

	for f in "$R/var/log/exim4/mainlog" "$R/var/log/exim4/paniclog" \
	    "$R/var/log/dovecot.log" "$IT_SYSLOG"; do
		[ -s "$f" ] || continue
		grep -Ev "$IT_LOG_NOISE" "$f" | tail -n 12 >"$W/tail"
		[ -s "$W/tail" ] || continue
		echo "# --- last lines of ${f#"$IT_TOP"/}"
		sed 's/^/#   /' "$W/tail"
	done
}

# ---------------------------------------------------------------------
# Running svccert

# it_sc ARGS...: svccert --root $R ARGS, output in $W/sc.out and
# $W/sc.err, exit status in IT_RC; everything is kept in the scenario's
# transcript, shown when the scenario fails.
it_sc() {
	timeout 120 "$SVCCERT" --root "$R" "$@" >"$W/sc.out" 2>"$W/sc.err"
	IT_RC=$?
	it_transcript "$*" "$W/sc.out" "$W/sc.err" "$IT_RC"
	return 0
}

# it_transcript COMMAND OUTFILE ERRFILE STATUS
it_transcript() {
	{
		echo "\$ svccert --root \$R $1"
		sed 's/^/  out: /' "$2"
		sed 's/^/  err: /' "$3"
		echo "  [exit $4]"
	} >>"$W/transcript"
}

it_json() {
	python3 "$IT_DIR/jsonq.py" "$@"
}

# ---------------------------------------------------------------------
# The harness: one function per scenario, each failure one "# " line

IT_NUMBER=0
IT_PASSED=0
IT_FAILED=0

it_fail() {
	IT_SCENARIO_FAILED=1
	echo "#   FAIL: $*"
}

# it_expect_exit WANT WHAT
it_expect_exit() {
	[ "$IT_RC" = "$1" ] ||
	    it_fail "$2: exit $IT_RC, expected $1"
}

# it_expect_served SERVICE FP [CHAIN-LENGTH]: on every endpoint
it_expect_served() {
	local ep port proto

	for ep in ${IT_ENDPOINTS[$1]}; do
		port=${ep%%:*}
		proto=${ep#*:}
		if ! it_served "$port" "$proto"; then
			it_fail "$1 $port/$proto: no TLS handshake"
			continue
		fi
		[ "$IT_SERVED_FP" = "$2" ] ||
		    it_fail "$1 $port/$proto serves $IT_SERVED_FP," \
		    "expected $2"
		[ -z "$3" ] || [ "$IT_SERVED_COUNT" = "$3" ] ||
		    it_fail "$1 $port/$proto serves $IT_SERVED_COUNT" \
		    "certificates, expected $3"
	done
}

# The certificate each service's files hold now, and that it is served.
it_expect_serves_files() {
	local svc fp

	for svc in "$@"; do
		fp=$(it_file_fp "$(it_svc_cert "$svc")")
		[ -n "$fp" ] || { it_fail "$svc: no certificate in its file"; \
		    continue; }
		it_expect_served "$svc" "$fp"
	done
}

# it_snapshot NAME: checksums and owner/mode of every service's files
it_snapshot() {
	local svc f

	for svc in $IT_SERVICES; do
		for f in $(it_svc_files "$svc"); do
			printf '%s %s\n' "$(sha256sum <"$f" | cut -c1-64)" \
			    "$(stat -c '%U:%G %a %n' "$f")"
		done
	done >"$W/snapshot.$1"
}

it_expect_snapshot() {
	it_snapshot now
	cmp -s "$W/snapshot.$1" "$W/snapshot.now" && return 0
	it_fail "$2: service files changed:"
	diff "$W/snapshot.$1" "$W/snapshot.now" | sed 's/^/#     /'
}

# Served fingerprints of every endpoint, to compare before and after.
it_served_all() {
	local svc ep

	for svc in $IT_SERVICES; do
		for ep in ${IT_ENDPOINTS[$svc]}; do
			it_served "${ep%%:*}" "${ep#*:}"
			echo "$svc $ep $IT_SERVED_FP"
		done
	done >"$W/served.$1"
}

it_expect_served_all() {
	it_served_all now
	cmp -s "$W/served.$1" "$W/served.now" && return 0
	it_fail "$2: served certificates changed:"
	diff "$W/served.$1" "$W/served.now" | sed 's/^/#     /'
}

# it_expect_output_has REGEX WHAT: in the last svccert's stdout+stderr
it_expect_output_has() {
	cat "$W/sc.out" "$W/sc.err" | grep -Eiq -- "$1" ||
	    it_fail "$2: output does not match /$1/"
}

# it_expect_code CODE WHAT: a finding or result code in --json output
it_expect_code() {
	it_json codes "$W/sc.out" 2>/dev/null | grep -qx -- "$1" ||
	    it_fail "$2: code $1 not in the JSON output" \
	    "(codes: $(it_json codes "$W/sc.out" 2>&1 | tr '\n' ' '))"
}

it_have_svccert() {
	[ -x "$SVCCERT" ] && return 0
	it_fail "svccert not found at $SVCCERT (build it, or set SVCCERT=)"
	return 1
}

# it_scenario NUMBER NAME FUNCTION
it_scenario() {
	IT_NUMBER=$((IT_NUMBER + 1))
	IT_SCENARIO_FAILED=""
	: >"$W/transcript"
	echo "# scenario $1: $2"
	"$3"
	if [ -n "$IT_VERBOSE" ] && [ -s "$W/transcript" ]; then
		sed 's/^/#   /' "$W/transcript"
	fi
	if [ -z "$IT_SCENARIO_FAILED" ]; then
		IT_PASSED=$((IT_PASSED + 1))
		echo "ok $1 - $2"
		return 0
	fi
	IT_FAILED=$((IT_FAILED + 1))
	if [ -s "$W/transcript" ]; then
		echo "# --- svccert during this scenario"
		sed 's/^/#   /' "$W/transcript"
	fi
	it_logs_tail
	echo "not ok $1 - $2"
}

# scripts/test.sh adds "PASSED FAILED" from IT_SUMMARY_FILE to its total;
# a run that bails out leaves no file, which it counts as a failure.
it_summary() {
	echo "$IT_PASSED passed, $IT_FAILED failed"
	echo "$IT_PASSED $IT_FAILED" >"$IT_SUMMARY_FILE"
	[ "$IT_FAILED" = 0 ]
}
