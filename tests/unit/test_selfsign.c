/*
 * test_selfsign.c - self-signed certificates made by "reset".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "fixture.h"
#include "input.h"
#include "material.h"
#include "selfsign.h"
#include "validate.h"

static const char *const one_name[] = { "mail.example.com" };

static void make(struct material *mat, const char *key_type,
    const char *const *names, size_t count, int days)
{
	struct error err;

	error_clear(&err);
	material_init(mat);
	if (!selfsign_make(mat, key_type, names, count, days, &err))
		fail_msg("selfsign_make: %s: %s", err.code, err.message);
	assert_non_null(mat->leaf);
	assert_non_null(mat->key);
}

static time_t asn1_to_time(const ASN1_TIME *t)
{
	struct tm tm;

	assert_int_equal(ASN1_TIME_to_tm(t, &tm), 1);
	return timegm(&tm);
}

static char *subject_entry(X509 *cert, int nid)
{
	char buf[256];

	if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), nid, buf,
	    sizeof(buf)) < 0)
		return NULL;
	return strdup(buf);
}

/* Every common property; key-type specific parts are checked by the
 * callers. */
static void check_common(const struct material *mat, int days)
{
	X509 *cert = mat->leaf;
	time_t now = time(NULL);
	time_t before = asn1_to_time(X509_get0_notBefore(cert));
	time_t after = asn1_to_time(X509_get0_notAfter(cert));
	int mdnid = NID_undef;
	BIGNUM *serial;

	assert_int_equal(X509_get_version(cert), X509_VERSION_3);
	assert_int_equal(X509_check_private_key(cert, mat->key), 1);
	assert_int_equal(X509_verify(cert, mat->key), 1);
	assert_int_equal(X509_self_signed(cert, 1), 1);
	assert_non_null(mat->chain);
	assert_int_equal(sk_X509_num(mat->chain), 0);

	/* Backdated five minutes for clients with a slow clock. */
	assert_true(before <= now - 300 + 5 && before >= now - 300 - 60);
	assert_true(after >= now + (time_t)days * 86400 - 60);
	assert_true(after <= now + (time_t)days * 86400 + 5);

	assert_int_equal(X509_get_signature_info(cert, &mdnid, NULL, NULL,
	    NULL), 1);
	assert_int_equal(mdnid, NID_sha256);

	serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	assert_non_null(serial);
	assert_int_equal(BN_num_bits(serial), 128);
	BN_free(serial);

	/* CA:FALSE, critical; serverAuth; a key identifier. */
	assert_true(X509_get_extension_flags(cert) & EXFLAG_BCONS);
	assert_false(X509_get_extension_flags(cert) & EXFLAG_CA);
	assert_int_equal(X509_check_ca(cert), 0);
	assert_int_equal(X509_EXTENSION_get_critical(X509_get_ext(cert,
	    X509_get_ext_by_NID(cert, NID_basic_constraints, -1))), 1);
	assert_true(X509_get_extension_flags(cert) & EXFLAG_XKUSAGE);
	assert_int_equal(X509_get_extended_key_usage(cert), XKU_SSL_SERVER);
	assert_non_null(X509_get0_subject_key_id(cert));
}

static void check_subject(X509 *cert, const char *cn)
{
	char *got_cn = subject_entry(cert, NID_commonName);
	char *got_org = subject_entry(cert, NID_organizationName);

	if (cn == NULL)
		assert_null(got_cn);
	else
		assert_string_equal(got_cn, cn);
	assert_string_equal(got_org, "svccert self-signed");
	free(got_cn);
	free(got_org);
}

static void test_rsa_2048(void **state)
{
	struct material mat;

	(void)state;
	make(&mat, "rsa-2048", one_name, 1, 365);
	check_common(&mat, 365);
	check_subject(mat.leaf, "mail.example.com");
	assert_true(EVP_PKEY_is_a(mat.key, "RSA"));
	assert_int_equal(EVP_PKEY_get_bits(mat.key), 2048);
	assert_int_equal(X509_get_key_usage(mat.leaf),
	    KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT);
	material_free(&mat);
}

static void test_rsa_4096(void **state)
{
	struct material mat;

	(void)state;
	make(&mat, "rsa-4096", one_name, 1, 30);
	check_common(&mat, 30);
	assert_true(EVP_PKEY_is_a(mat.key, "RSA"));
	assert_int_equal(EVP_PKEY_get_bits(mat.key), 4096);
	assert_int_equal(X509_get_key_usage(mat.leaf),
	    KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT);
	material_free(&mat);
}

static void check_ec(const char *key_type, const char *group, int bits)
{
	struct material mat;
	char name[64];

	make(&mat, key_type, one_name, 1, 90);
	check_common(&mat, 90);
	assert_true(EVP_PKEY_is_a(mat.key, "EC"));
	assert_int_equal(EVP_PKEY_get_bits(mat.key), bits);
	assert_int_equal(EVP_PKEY_get_group_name(mat.key, name, sizeof(name),
	    NULL), 1);
	assert_string_equal(name, group);
	/* No keyEncipherment: EC keys cannot do RSA key transport. */
	assert_int_equal(X509_get_key_usage(mat.leaf), KU_DIGITAL_SIGNATURE);
	material_free(&mat);
}

static void test_ecdsa_p256(void **state)
{
	(void)state;
	check_ec("ecdsa-p256", "prime256v1", 256);
}

static void test_ecdsa_p384(void **state)
{
	(void)state;
	check_ec("ecdsa-p384", "secp384r1", 384);
}

static void test_bad_key_type(void **state)
{
	const char *bad[] = { "rsa-1024", "ed25519", "", "RSA-2048" };
	struct material mat;
	struct error err;

	(void)state;
	assert_false(selfsign_key_type_valid(NULL));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(selfsign_key_type_valid(bad[i]));
		material_init(&mat);
		error_clear(&err);
		assert_false(selfsign_make(&mat, bad[i], one_name, 1, 30,
		    &err));
		assert_string_equal(err.code, "bad-key-type");
		assert_non_null(strstr(err.message, "rsa-2048"));
		assert_non_null(strstr(err.message, "ecdsa-p384"));
		assert_null(mat.leaf);
		assert_null(mat.key);
		material_free(&mat);
	}
	assert_true(selfsign_key_type_valid("rsa-2048"));
	assert_true(selfsign_key_type_valid("ecdsa-p256"));
}

static void test_bad_arguments(void **state)
{
	const char *const bad_name[] = { "mail.example.com", "bad name!" };
	struct material mat;
	struct error err;

	(void)state;
	material_init(&mat);
	error_clear(&err);
	assert_false(selfsign_make(&mat, "ecdsa-p256", one_name, 0, 30, &err));
	assert_string_equal(err.code, "no-name");

	error_clear(&err);
	assert_false(selfsign_make(&mat, "ecdsa-p256", one_name, 1, 0, &err));
	assert_string_equal(err.code, "bad-days");

	error_clear(&err);
	assert_false(selfsign_make(&mat, "ecdsa-p256", bad_name, 2, 30, &err));
	assert_string_equal(err.code, "bad-name");
	assert_non_null(strstr(err.message, "bad name!"));
	assert_null(mat.leaf);
	material_free(&mat);
}

/* The SAN as "DNS:x" / "IP:y" strings, in order. */
static char *san_text(X509 *cert)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(cert, NID_subject_alt_name,
	    NULL, NULL);
	char text[1024] = "";

	assert_non_null(gens);
	for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		GENERAL_NAME *gen = sk_GENERAL_NAME_value(gens, i);
		size_t used = strlen(text);

		if (gen->type == GEN_DNS)
			snprintf(text + used, sizeof(text) - used, "%sDNS:%s",
			    i ? "," : "",
			    ASN1_STRING_get0_data(gen->d.dNSName));
		else if (gen->type == GEN_IPADD) {
			int length = ASN1_STRING_length(gen->d.iPAddress);
			char ip[INET6_ADDRSTRLEN];

			assert_non_null(inet_ntop(length == 4 ? AF_INET :
			    AF_INET6, ASN1_STRING_get0_data(gen->d.iPAddress),
			    ip, sizeof(ip)));
			snprintf(text + used, sizeof(text) - used, "%sIP:%s",
			    i ? "," : "", ip);
		} else
			fail_msg("unexpected SAN type %d", gen->type);
	}
	GENERAL_NAMES_free(gens);
	return strdup(text);
}

static void test_san_list(void **state)
{
	const char *const names[] = {
		"mail.example.com", "*.example.com", "b\xc3\xbc" "cher.example",
		"192.0.2.7", "2001:db8::1",
	};
	struct material mat;
	char *san;

	(void)state;
	make(&mat, "ecdsa-p256", names, 5, 30);
	check_common(&mat, 30);
	check_subject(mat.leaf, "mail.example.com");
	san = san_text(mat.leaf);
	assert_string_equal(san, "DNS:mail.example.com,DNS:*.example.com,"
	    "DNS:xn--bcher-kva.example,IP:192.0.2.7,IP:2001:db8::1");
	free(san);
	material_free(&mat);
}

static void test_unicode_first_name(void **state)
{
	const char *const names[] = { "b\xc3\xbc" "cher.example" };
	struct material mat;

	(void)state;
	make(&mat, "ecdsa-p256", names, 1, 30);
	check_subject(mat.leaf, "xn--bcher-kva.example");
	material_free(&mat);
}

/* A CN holds at most 64 characters; the name then lives in the SAN only. */
static void test_long_name(void **state)
{
	const char *const names[] = {
		"a-very-long-label-for-a-mail-server-of-some-hosting-company."
		"example.com",
	};
	struct material mat;
	char *san;

	(void)state;
	make(&mat, "ecdsa-p256", names, 1, 30);
	check_common(&mat, 30);
	check_subject(mat.leaf, NULL);
	san = san_text(mat.leaf);
	assert_non_null(strstr(san, names[0]));
	free(san);
	material_free(&mat);
}

static void test_serials_differ(void **state)
{
	struct material a, b;

	(void)state;
	make(&a, "ecdsa-p256", one_name, 1, 30);
	make(&b, "ecdsa-p256", one_name, 1, 30);
	assert_int_not_equal(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.leaf),
	    X509_get0_serialNumber(b.leaf)), 0);
	material_free(&a);
	material_free(&b);
}

/* What "reset" installs must pass the installer's own checks, with the
 * one warning a self-signed certificate deserves. */
static void check_validates(const char *key_type, const char *host)
{
	const char *const names[] = {
		"mail.example.com", "b\xc3\xbc" "cher.example",
	};
	struct validate_options options = {
		.hostname = host, .no_system_trust = true, .require_key = true,
	};
	struct findings findings;
	struct material mat, out;
	struct input in;
	char *cert_pem, *key_pem, *paste;

	make(&mat, key_type, names, 2, 365);
	cert_pem = fixture_cert_pem(mat.leaf);
	key_pem = fixture_key_pem(mat.key);
	paste = fixture_concat(key_pem, cert_pem, NULL);
	input_init(&in);
	findings_init(&findings);
	material_init(&out);
	assert_true(input_read_buffer(&in, paste, strlen(paste),
	    INPUT_FROM_CERT, "the Certificate field", NULL, &findings));

	assert_true(validate_input(&in, &options, &out, &findings));
	assert_int_equal(findings.count, 1);
	assert_string_equal(findings.items[0].code, "self-signed");
	assert_int_equal(findings.items[0].severity, FINDING_WARNING);
	assert_int_equal(X509_cmp(out.leaf, mat.leaf), 0);
	assert_int_equal(EVP_PKEY_eq(out.key, mat.key), 1);
	assert_int_equal(sk_X509_num(out.chain), 0);

	material_free(&out);
	findings_free(&findings);
	input_free(&in);
	free(paste);
	free(cert_pem);
	free(key_pem);
	material_free(&mat);
}

static void test_validates_rsa(void **state)
{
	(void)state;
	check_validates("rsa-2048", "mail.example.com");
}

static void test_validates_ec_idn(void **state)
{
	(void)state;
	check_validates("ecdsa-p384", "b\xc3\xbc" "cher.example");
	check_validates("ecdsa-p256", "xn--bcher-kva.example");
}

static void test_replaces_output(void **state)
{
	struct material mat;
	struct error err;

	(void)state;
	make(&mat, "ecdsa-p256", one_name, 1, 30);
	error_clear(&err);
	/* A second call replaces the first result without leaking it. */
	assert_true(selfsign_make(&mat, "ecdsa-p256", one_name, 1, 60, &err));
	check_common(&mat, 60);
	material_free(&mat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsa_2048),
		cmocka_unit_test(test_rsa_4096),
		cmocka_unit_test(test_ecdsa_p256),
		cmocka_unit_test(test_ecdsa_p384),
		cmocka_unit_test(test_bad_key_type),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_san_list),
		cmocka_unit_test(test_unicode_first_name),
		cmocka_unit_test(test_long_name),
		cmocka_unit_test(test_serials_differ),
		cmocka_unit_test(test_validates_rsa),
		cmocka_unit_test(test_validates_ec_idn),
		cmocka_unit_test(test_replaces_output),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	fixture_cleanup_dirs();
	return failed;
}
