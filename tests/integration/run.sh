#!/usr/bin/env bash
# run.sh - svccert against real Exim, Dovecot and Pure-FTPd on 127.0.0.1.
#
#   bash tests/integration/run.sh [SCENARIO...]     (as root)
#
# Every check that matters is made on the wire: the SHA-256 of the
# certificate each daemon serves, read with openssl s_client, against the
# files svccert wrote.  SVCCERT names the binary (default build/svccert);
# IT_KEEP=1 keeps the sandbox for a look afterwards; IT_VERBOSE=1 shows
# what svccert printed in passing scenarios too.
#
# Scenarios run in order and share one sandbox and one set of daemons;
# each sets up what it needs itself, so any subset can be run.

IT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$IT_DIR/../.." && pwd)

# shellcheck source=lib.sh
. "$IT_DIR/lib.sh"
SVCCERT=$(it_program "${SVCCERT:-$REPO/build/svccert}")

# ---------------------------------------------------------------------
# Helpers the scenarios share

# it_pair_matches CERTFILE KEYFILE: the key belongs to the certificate
it_pair_matches() {
	local cert key

	cert=$(openssl x509 -in "$1" -noout -pubkey 2>/dev/null)
	key=$(openssl pkey -in "$2" -pubout 2>/dev/null)
	[ -n "$cert" ] && [ "$cert" = "$key" ]
}

it_expect_pair_matches() {
	local cert key

	cert=$(it_svc_cert "$1")
	key=$(it_svc_key "$1")
	it_pair_matches "$cert" "$key" ||
	    it_fail "$1: ${cert#"$R"} and ${key#"$R"} do not match each other"
}

# it_cert_name FILE subject|issuer
it_cert_name() {
	openssl x509 -in "$1" -noout "-$2" -nameopt RFC2253 | sed 's/^[a-z]*=//'
}

# it_expect_mode FILE OWNER:GROUP MODE
it_expect_mode() {
	local got

	got=$(stat -c '%U:%G %a' "$1")
	[ "$got" = "$2 $3" ] ||
	    it_fail "${1#"$R"} is $got, expected $2 $3"
}

# The leaf (a or b) a service does not have now, so a change shows.
it_other_leaf() {
	local fp

	fp=$(it_file_fp "$(it_svc_cert "$1")")
	if [ "$fp" = "$(it_file_fp "$P/b.crt")" ]; then
		echo a
	else
		echo b
	fi
}

# it_install_leaf NAME SERVICES [EXTRA...]: key, leaf and intermediate
it_install_leaf() {
	local leaf=$1 services=$2
	shift 2

	it_sc "$@" install --service "$services" --cert "$P/$leaf.crt" \
	    --key "$P/$leaf.key" --cabundle "$P/int.crt"
}

# ---------------------------------------------------------------------
# Scenarios

scenario_1() {
	local svc fp

	# the harness alone: each daemon serves the file it was started with
	it_daemons_start || it_fail "a daemon did not start"
	for svc in $IT_SERVICES; do
		fp=$(it_file_fp "$(it_svc_cert "$svc")")
		it_expect_served "$svc" "$fp" 1
	done

	it_have_svccert || return
	it_sc list
	it_expect_exit 0 "list"
	for svc in $IT_SERVICES; do
		grep -q -- "$svc" "$W/sc.out" ||
		    it_fail "list does not show $svc"
	done

	it_sc --json list
	it_expect_exit 0 "--json list"
	if ! it_json names "$W/sc.out" >"$W/names" 2>&1; then
		it_fail "--json list: $(cat "$W/names")"
		return
	fi
	for svc in $IT_SERVICES; do
		grep -qx -- "$svc" "$W/names" ||
		    it_fail "--json list has no service named $svc"
	done
}

scenario_2() {
	local svc cert old subject issuer

	it_have_svccert || return
	old=$(it_file_fp "$(it_svc_cert exim)")
	it_sc reset exim dovecot pure-ftpd
	it_expect_exit 0 "reset exim dovecot pure-ftpd"

	for svc in $IT_SERVICES; do
		cert=$(it_svc_cert "$svc")
		subject=$(it_cert_name "$cert" subject)
		issuer=$(it_cert_name "$cert" issuer)
		[ "$subject" = "$issuer" ] ||
		    it_fail "$svc: reset certificate is issued by '$issuer'," \
		    "not self-signed"
		openssl x509 -in "$cert" -noout -checkhost mail.test |
		    grep -q 'does match' ||
		    it_fail "$svc: reset certificate does not cover mail.test"
		it_expect_pair_matches "$svc"
		it_expect_serves_files "$svc"
	done
	[ "$(it_file_fp "$(it_svc_cert exim)")" != "$old" ] ||
	    it_fail "exim: reset left the same certificate in place"

	it_sc --json history exim
	it_expect_exit 0 "--json history exim"
	it_json history "$W/sc.out" | grep -q " exim $old\$" ||
	    it_fail "history exim has no entry with the replaced" \
	    "fingerprint $old"
}

scenario_3() {
	local a

	it_have_svccert || return
	a=$(it_file_fp "$P/a.crt")

	# intermediate, key, root, leaf: one paste on standard input
	it_sc install --service exim,dovecot,pure-ftpd --cert - \
	    <"$P/a.shuffled.pem"
	it_expect_exit 0 "install of a shuffled paste"
	it_expect_served exim "$a" 2
	it_expect_served dovecot "$a" 2
	it_expect_served pure-ftpd "$a" 2

	it_expect_mode "$R/etc/exim4/exim.key" root:Debian-exim 640
	it_expect_mode "$R/etc/exim4/exim.crt" root:Debian-exim 644
	it_expect_mode "$R/etc/dovecot/dovecot.key" root:root 600
	it_expect_mode "$R/etc/dovecot/dovecot.crt" root:root 644
	it_expect_mode "$R/etc/pure-ftpd/pure-ftpd.pem" root:root 600
}

scenario_4() {
	local b

	it_have_svccert || return
	b=$(it_file_fp "$P/b.crt")
	it_sc --json install --service exim --cert "$P/b.crt" \
	    --key "$P/b.key" --cabundle "$P/bundle.reversed.pem"
	it_expect_exit 0 "install with a reversed --cabundle"
	it_json warnings "$W/sc.out" 2>/dev/null | grep -qx bundle-reordered ||
	    it_fail "no bundle-reordered warning in the JSON findings"
	it_expect_served exim "$b" 2
	it_expect_pair_matches exim
}

scenario_5() {
	local fp

	it_have_svccert || return

	# so that the apply has something to change
	if [ "$(it_file_fp "$(it_svc_cert exim)")" = \
	    "$(it_file_fp "$(it_svc_cert dovecot)")" ]; then
		it_install_leaf "$(it_other_leaf exim)" exim
		it_expect_exit 0 "preparing exim"
	fi
	fp=$(it_file_fp "$(it_svc_cert exim)")

	it_sc apply --from exim --to dovecot,pure-ftpd
	it_expect_exit 0 "apply --from exim --to dovecot,pure-ftpd"
	it_expect_served exim "$fp"
	it_expect_served dovecot "$fp"
	it_expect_served pure-ftpd "$fp"
	it_expect_pair_matches dovecot
	it_expect_pair_matches pure-ftpd
	! grep -q "PRIVATE KEY" "$W/sc.out" "$W/sc.err" ||
	    it_fail "apply printed private key material"
}

scenario_6() {
	local current id fp a

	it_have_svccert || return
	current=$(it_file_fp "$(it_svc_cert exim)")
	a=$(it_file_fp "$P/a.crt")

	# an earlier certificate to go back to
	it_sc --json history exim
	it_expect_exit 0 "--json history exim"
	it_json history "$W/sc.out" >"$W/history" 2>&1 ||
	    { it_fail "history: $(cat "$W/history")"; return; }
	if [ "$(grep -c " exim " "$W/history")" -lt 1 ]; then
		it_install_leaf "$(it_other_leaf exim)" exim
		it_sc --json history exim
		it_json history "$W/sc.out" >"$W/history" 2>&1
	fi
	read -r id fp < <(awk -v a="$a" -v cur="$current" \
	    '$2 == "exim" && $3 != "-" && $3 != cur {
	    if ($3 == a) { print $1, $3; found = 1; exit }
	    if (!any) any = $1 " " $3 }
	    END { if (!found && any) print any }' "$W/history")
	[ -n "$id" ] ||
	    { it_fail "history exim has no entry other than the current"; \
	    return; }

	it_sc restore exim "$id"
	it_expect_exit 0 "restore exim $id"
	it_expect_served exim "$fp"
	[ "$(it_file_fp "$(it_svc_cert exim)")" = "$fp" ] ||
	    it_fail "exim's file does not hold history entry $id"
	it_expect_pair_matches exim
}

# it_bad_case NAME CODE ARGS...: refused with CODE, nothing touched
it_bad_case() {
	local name=$1 code=$2
	shift 2

	it_sc --json install --service exim,dovecot,pure-ftpd "$@"
	it_expect_exit 1 "$name"
	it_expect_code "$code" "$name"
	it_expect_snapshot before "$name"
	it_expect_served_all before "$name"
}

scenario_7() {
	it_have_svccert || return
	it_snapshot before
	it_served_all before

	it_bad_case "mismatched key" key-mismatch --cert "$P/a.crt" \
	    --key "$P/b.key" --cabundle "$P/int.crt"
	it_bad_case "RSA-1024 leaf" weak-key --cert "$P/weak.crt" \
	    --key "$P/weak.key" --cabundle "$P/int.crt"
	it_bad_case "garbage certificate" malformed-input \
	    --cert "$P/garbage.pem" --key "$P/a.key"
	it_bad_case "expired leaf" expired --cert "$P/expired.crt" \
	    --key "$P/expired.key" --cabundle "$P/int.crt"
}

scenario_8() {
	it_have_svccert || return
	it_snapshot before
	it_served_all before

	touch "$R/fail-check"
	it_install_leaf "$(it_other_leaf exim)" exim --json
	rm -f "$R/fail-check"
	it_expect_exit 3 "install while the check fails"
	it_expect_code command-failed "install while the check fails"
	it_expect_output_has "(configuration|config) (test|check)|check command" \
	    "install while the check fails"
	it_expect_snapshot before "after the failed check"
	it_expect_served_all before "after the failed check"
	it_expect_pair_matches exim
}

# A definition whose files the daemon does not read: the install must be
# caught on the wire.  The files start as copies of what Exim serves, so
# the rollback can be verified as well.
scenario_9() {
	local wrong_before

	it_have_svccert || return
	mkdir -p "$R/etc/exim-wrong"
	cp -p "$R/etc/exim4/exim.crt" "$R/etc/exim4/exim.key" \
	    "$R/etc/exim-wrong/"
	it_define_exim exim-wrong /etc/exim-wrong
	IT_ENDPOINTS["exim-wrong"]=${IT_ENDPOINTS[exim]}
	wrong_before=$(sha256sum "$R"/etc/exim-wrong/*)
	it_snapshot before
	it_served_all before

	it_install_leaf "$(it_other_leaf exim)" exim-wrong --json
	it_expect_exit 3 "install to exim-wrong"
	it_expect_code not-served "install to exim-wrong"
	it_expect_output_has "\\bserv(e|es|ed|ing)\\b" "install to exim-wrong"
	[ "$(sha256sum "$R"/etc/exim-wrong/*)" = "$wrong_before" ] ||
	    it_fail "exim-wrong's files were not put back"
	it_expect_snapshot before "after the failed install"
	it_expect_served_all before "after the failed install"

	rm -f "$R/etc/svccert/services.d/exim-wrong.json"
}

scenario_10() {
	local old leaf undone

	it_have_svccert || return
	old=$(it_file_fp "$(it_svc_cert exim)")
	leaf=$(it_other_leaf exim)

	# in a subshell, so that bash's own "Killed" notice stays out of TAP
	(
		SVCCERT_CRASH_AT=after-first-file timeout 120 "$SVCCERT" \
		    --root "$R" install --service exim --cert "$P/$leaf.crt" \
		    --key "$P/$leaf.key" --cabundle "$P/int.crt" \
		    >"$W/sc.out" 2>"$W/sc.err"
		exit $?
	) 2>/dev/null
	IT_RC=$?
	it_transcript "install ... (SVCCERT_CRASH_AT=after-first-file)" \
	    "$W/sc.out" "$W/sc.err" "$IT_RC"
	it_expect_exit 137 "install that kills itself after the first file"

	it_sc list
	it_expect_exit 0 "list after the crash"
	undone="interrupt|undo|undid|unfinished|recover|put .*back"
	if ! grep -Eiq "$undone" "$W/sc.err" || ! grep -q exim "$W/sc.err"; then
		it_fail "list did not say on stderr that it undid exim's change"
	fi
	it_expect_pair_matches exim
	[ "$(it_file_fp "$(it_svc_cert exim)")" = "$old" ] ||
	    it_fail "exim's file does not hold the old certificate"
	it_expect_served exim "$old"
}

scenario_11() {
	local a b rc_a rc_b fp

	it_have_svccert || return
	a=$(it_file_fp "$P/a.crt")
	b=$(it_file_fp "$P/b.crt")

	timeout 120 "$SVCCERT" --root "$R" install --service exim \
	    --cert "$P/a.fullchain.pem" --key "$P/a.key" \
	    >"$W/a.out" 2>"$W/a.err" &
	local pid_a=$!
	timeout 120 "$SVCCERT" --root "$R" install --service exim \
	    --cert "$P/b.crt" --key "$P/b.key" --cabundle "$P/int.crt" \
	    >"$W/b.out" 2>"$W/b.err" &
	local pid_b=$!
	wait "$pid_a"
	rc_a=$?
	wait "$pid_b"
	rc_b=$?
	it_transcript "install A to exim (in parallel)" "$W/a.out" \
	    "$W/a.err" "$rc_a"
	it_transcript "install B to exim (in parallel)" "$W/b.out" \
	    "$W/b.err" "$rc_b"

	[ "$rc_a" = 0 ] || it_fail "install A: exit $rc_a, expected 0"
	[ "$rc_b" = 0 ] || it_fail "install B: exit $rc_b, expected 0"
	fp=$(it_file_fp "$(it_svc_cert exim)")
	[ "$fp" = "$a" ] || [ "$fp" = "$b" ] ||
	    it_fail "exim's file holds $fp, neither A nor B"
	it_expect_pair_matches exim
	it_expect_served exim "$fp"
}

# --root must keep svccert (and the daemons run here) out of the
# machine's own configuration.
scenario_12() {
	local changed

	changed=$(find /etc/exim4 /etc/dovecot /etc/ssl \
	    \( -newer "$IT_TOP/started" -o -cnewer "$IT_TOP/started" \) \
	    -print 2>/dev/null)
	[ -z "$changed" ] ||
	    it_fail "changed outside the sandbox: $(echo "$changed" | tr "\n" " ")"
}

IT_NAMES=(
	""
	"daemons start and serve their files; list"
	"reset makes self-signed certificates that are served"
	"install of a shuffled key+chain paste from stdin"
	"install with a reversed --cabundle"
	"apply --from exim --to dovecot,pure-ftpd"
	"restore an earlier certificate from history"
	"bad input is refused and changes nothing"
	"failing check is rolled back"
	"certificate not served is rolled back"
	"an interrupted install is undone by the next run"
	"two installs at the same time"
	"nothing changed in /etc/exim4, /etc/dovecot, /etc/ssl"
)

# ---------------------------------------------------------------------

main() {
	local n selected=("$@")

	[ ${#selected[@]} -gt 0 ] || selected=(1 2 3 4 5 6 7 8 9 10 11 12)
	for n in "${selected[@]}"; do
		if ! [[ $n =~ ^[0-9]+$ ]] || [ "$n" -lt 1 ] || [ "$n" -gt 12 ]; then
			it_bail "no scenario '$n' (there are 1 to 12)"
		fi
	done

	IT_SUMMARY_FILE=$REPO/tests/artifacts/integration-summary.txt
	mkdir -p "${IT_SUMMARY_FILE%/*}"
	rm -f "$IT_SUMMARY_FILE"
	it_require_tools
	it_require_ports_free
	trap it_cleanup EXIT
	trap 'exit 130' INT TERM
	it_sandbox_make || it_bail "could not make the sandbox"
	echo "# sandbox $IT_TOP, svccert $SVCCERT"

	# scenario 1 starts the daemons itself and says how that went
	if [ "${selected[0]}" != 1 ] && ! it_daemons_start; then
		it_logs_tail
		it_bail "the daemons did not start"
	fi
	for n in "${selected[@]}"; do
		it_scenario "$n" "${IT_NAMES[$n]}" "scenario_$n"
	done
	it_summary
}

main "$@"
