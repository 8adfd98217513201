/*
 * test_certinfo.c - the fields shown for RSA, ECDSA and Ed25519 certificates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certinfo.h"
#include "fixture.h"

static struct fixture_pki pki;

static int setup(void **state)
{
	const char *sans[] = { "mail.example.com", "xn--bcher-kva.example",
	    NULL };

	fixture_pki_make(&pki, "mail.example.com", sans);
	return 0;
}

static int teardown(void **state)
{
	fixture_pki_free(&pki);
	return 0;
}

static void make(struct fixture_pair *pair, const char *cn,
    const char *key_type, const char *const *sans)
{
	struct fixture_options o = { .cn = cn, .key_type = key_type,
	    .sans = sans, .issuer = &pki.intermediate };

	fixture_make(pair, &o);
}

static void expect_near(time_t got, time_t want)
{
	assert_true(got > want - 120 && got < want + 120);
}

static void test_certinfo_rsa_leaf(void **state)
{
	struct certinfo info;
	char fp[FINGERPRINT_SIZE];
	time_t now = time(NULL);

	assert_true(certinfo_from_x509(&info, pki.leaf.cert));
	assert_int_equal(info.domain_count, 2);
	assert_true(info.has_san);
	assert_string_equal(info.domains[0], "mail.example.com");
	assert_string_equal(info.domains_unicode[0], "mail.example.com");
	assert_string_equal(info.domains[1], "xn--bcher-kva.example");
	assert_string_equal(info.domains_unicode[1], "bücher.example");
	assert_string_equal(info.subject, "CN=mail.example.com");
	assert_string_equal(info.subject_cn, "mail.example.com");
	assert_string_equal(info.issuer,
	    "CN=svccert Test Intermediate CA,O=svccert tests");
	assert_string_equal(info.issuer_cn, "svccert Test Intermediate CA");
	assert_string_equal(info.issuer_org, "svccert tests");
	assert_false(info.self_signed);
	assert_string_equal(info.key_type, "RSA 2048");
	assert_string_equal(info.key_algorithm, "rsaEncryption");
	assert_int_equal(info.key_bits, 2048);
	assert_null(info.curve_name);
	expect_near(info.not_before, now - 86400);
	expect_near(info.not_after, now + 30 * 86400);
	material_fingerprint(pki.leaf.cert, fp, sizeof(fp));
	assert_string_equal(info.fingerprint, fp);
	assert_string_equal(info.signature_algorithm,
	    "sha256WithRSAEncryption");
	assert_string_equal(certinfo_label(&info), "mail.example.com");
	certinfo_free(&info);
}

static void test_certinfo_root_self_signed(void **state)
{
	struct certinfo info;

	assert_true(certinfo_from_x509(&info, pki.root.cert));
	assert_true(info.self_signed);
	assert_string_equal(info.subject, info.issuer);
	certinfo_free(&info);

	assert_true(certinfo_from_x509(&info, pki.intermediate.cert));
	assert_false(info.self_signed);
	certinfo_free(&info);
}

/* Same name as its issuer is not enough to count as self-signed. */
static void test_certinfo_same_name_not_self_signed(void **state)
{
	struct fixture_options o = { .cn = "svccert Test Intermediate CA",
	    .org = "svccert tests", .key_type = "ecdsa-p256",
	    .issuer = &pki.intermediate };
	struct fixture_pair pair;
	struct certinfo info;

	fixture_make(&pair, &o);
	assert_true(certinfo_from_x509(&info, pair.cert));
	assert_string_equal(info.subject, info.issuer);
	assert_false(info.self_signed);
	certinfo_free(&info);
	fixture_pair_free(&pair);
}

static void test_certinfo_ecdsa(void **state)
{
	const char *sans[] = { "ec.example.com", NULL };
	struct fixture_pair p256, p384;
	struct certinfo info;

	make(&p256, "ec.example.com", "ecdsa-p256", sans);
	assert_true(certinfo_from_x509(&info, p256.cert));
	assert_string_equal(info.key_type, "ECDSA P-256");
	assert_string_equal(info.key_algorithm, "id-ecPublicKey");
	assert_string_equal(info.curve_name, "prime256v1");
	assert_int_equal(info.key_bits, 256);
	/* The signature is the issuer's: an RSA intermediate. */
	assert_string_equal(info.signature_algorithm,
	    "sha256WithRSAEncryption");
	certinfo_free(&info);

	make(&p384, "ec.example.com", "ecdsa-p384", sans);
	assert_true(certinfo_from_x509(&info, p384.cert));
	assert_string_equal(info.key_type, "ECDSA P-384");
	assert_string_equal(info.curve_name, "secp384r1");
	assert_int_equal(info.key_bits, 384);
	certinfo_free(&info);

	fixture_pair_free(&p256);
	fixture_pair_free(&p384);
}

static void test_certinfo_ecdsa_self_signed(void **state)
{
	struct fixture_options o = { .cn = "ec.example.com",
	    .key_type = "ecdsa-p384", .digest = "sha384" };
	struct fixture_pair pair;
	struct certinfo info;

	fixture_make(&pair, &o);
	assert_true(certinfo_from_x509(&info, pair.cert));
	assert_true(info.self_signed);
	assert_string_equal(info.signature_algorithm, "ecdsa-with-SHA384");
	certinfo_free(&info);
	fixture_pair_free(&pair);
}

static void test_certinfo_ed25519(void **state)
{
	const char *sans[] = { "ed.example.com", NULL };
	struct fixture_options o = { .cn = "ed.example.com",
	    .key_type = "ed25519", .sans = sans };
	struct fixture_pair pair;
	struct certinfo info;

	fixture_make(&pair, &o);
	assert_true(certinfo_from_x509(&info, pair.cert));
	assert_string_equal(info.key_type, "Ed25519");
	assert_string_equal(info.key_algorithm, "ED25519");
	assert_true(info.key_bits > 0);
	assert_null(info.curve_name);
	assert_string_equal(info.signature_algorithm, "ED25519");
	assert_true(info.self_signed);
	certinfo_free(&info);
	fixture_pair_free(&pair);
}

static void test_certinfo_weak_signature_name(void **state)
{
	struct fixture_options o = { .cn = "old.example.com",
	    .key_type = "ecdsa-p256", .digest = "sha1",
	    .issuer = &pki.intermediate };
	struct fixture_pair pair;
	struct certinfo info;

	fixture_make(&pair, &o);
	assert_true(certinfo_from_x509(&info, pair.cert));
	assert_string_equal(info.signature_algorithm, "sha1WithRSAEncryption");
	certinfo_free(&info);
	fixture_pair_free(&pair);
}

static void test_certinfo_cn_without_san(void **state)
{
	struct fixture_pair pair;
	struct certinfo info;

	make(&pair, "legacy.example.com", "ecdsa-p256", NULL);
	assert_true(certinfo_from_x509(&info, pair.cert));
	assert_false(info.has_san);
	assert_int_equal(info.domain_count, 1);
	assert_string_equal(info.domains[0], "legacy.example.com");
	certinfo_free(&info);
	fixture_pair_free(&pair);
}

/* With a SAN extension the CN is a label, not one of the domains. */
static void test_certinfo_cn_not_a_domain_with_san(void **state)
{
	const char *sans[] = { "mail.example.com", NULL };
	struct fixture_pair pair;
	struct certinfo info;

	make(&pair, "Mail server", "ecdsa-p256", sans);
	assert_true(certinfo_from_x509(&info, pair.cert));
	assert_true(info.has_san);
	assert_int_equal(info.domain_count, 1);
	assert_string_equal(info.domains[0], "mail.example.com");
	assert_string_equal(certinfo_label(&info), "Mail server");
	certinfo_free(&info);
	fixture_pair_free(&pair);
}

static void test_certinfo_labels(void **state)
{
	const char *sans[] = { "only-san.example.com", NULL };
	struct fixture_options o = { .org = "Müller GmbH",
	    .key_type = "ecdsa-p256" };
	struct fixture_pair pair;
	struct certinfo info;
	char *name;

	/* No CN: the first domain. */
	make(&pair, NULL, "ecdsa-p256", sans);
	assert_true(certinfo_from_x509(&info, pair.cert));
	assert_null(info.subject_cn);
	assert_string_equal(certinfo_label(&info), "only-san.example.com");
	name = certinfo_name_of(pair.cert);
	assert_string_equal(name, "only-san.example.com");
	free(name);
	certinfo_free(&info);
	fixture_pair_free(&pair);

	/* Neither: the subject, UTF-8 kept readable. */
	fixture_make(&pair, &o);
	assert_true(certinfo_from_x509(&info, pair.cert));
	assert_int_equal(info.domain_count, 0);
	assert_string_equal(certinfo_label(&info), "O=Müller GmbH");
	assert_null(info.issuer_cn);
	assert_string_equal(info.issuer_org, "Müller GmbH");
	name = certinfo_name_of(pair.cert);
	assert_string_equal(name, "O=Müller GmbH");
	free(name);
	certinfo_free(&info);
	fixture_pair_free(&pair);

	name = certinfo_name_of(pki.root.cert);
	assert_string_equal(name, "svccert Test Root CA");
	free(name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_certinfo_rsa_leaf),
		cmocka_unit_test(test_certinfo_root_self_signed),
		cmocka_unit_test(test_certinfo_same_name_not_self_signed),
		cmocka_unit_test(test_certinfo_ecdsa),
		cmocka_unit_test(test_certinfo_ecdsa_self_signed),
		cmocka_unit_test(test_certinfo_ed25519),
		cmocka_unit_test(test_certinfo_weak_signature_name),
		cmocka_unit_test(test_certinfo_cn_without_san),
		cmocka_unit_test(test_certinfo_cn_not_a_domain_with_san),
		cmocka_unit_test(test_certinfo_labels),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
