/*
 * test_names.c - IDN spellings and what a certificate covers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "names.h"

/* ECDSA keys: cheap to make, and the key type plays no part here. */
static X509 *make_cert(const char *cn, const char *const *sans)
{
	struct fixture_options o = { .cn = cn, .sans = sans,
	    .key_type = "ecdsa-p256" };
	struct fixture_pair pair;

	fixture_make(&pair, &o);
	EVP_PKEY_free(pair.key);
	return pair.cert;
}

static void expect_unicode(const char *in, const char *want)
{
	char *out = names_to_unicode(in);

	assert_string_equal(out, want);
	free(out);
}

static void expect_ascii(const char *in, const char *want)
{
	char *out = names_to_ascii(in);

	if (want == NULL) {
		assert_null(out);
		return;
	}
	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

static void test_names_spellings(void **state)
{
	expect_unicode("xn--bcher-kva.example", "bücher.example");
	expect_unicode("*.xn--bcher-kva.example", "*.bücher.example");
	expect_unicode("mail.example.com", "mail.example.com");
	expect_unicode("bücher.example", "bücher.example");
	/* Punycode for a character IDNA2008 forbids (U+2488) stays as is. */
	expect_unicode("xn--a-ecp.example", "xn--a-ecp.example");

	expect_ascii("bücher.example", "xn--bcher-kva.example");
	expect_ascii("xn--bcher-kva.example", "xn--bcher-kva.example");
	expect_ascii("*.bücher.example", "*.xn--bcher-kva.example");
	expect_ascii("MAIL.Example.COM", "mail.example.com");
	/* Non-transitional: ß is kept, not folded to "ss". */
	expect_ascii("faß.de", "xn--fa-hia.de");
	expect_ascii("mail.example.com.", "mail.example.com");
}

/* Not host names: refused, never trimmed into something else. */
static void test_names_invalid(void **state)
{
	char long_label[80];

	memset(long_label, 'a', 64);
	strcpy(long_label + 64, ".example");
	expect_ascii("", NULL);
	expect_ascii("\xff\xfe.example", NULL);
	expect_ascii("bad name!", NULL);
	expect_ascii("foo_bar.example", NULL);
	expect_ascii("-mail.example.com", NULL);
	expect_ascii("mail-.example.com", NULL);
	expect_ascii("a..example.com", NULL);
	expect_ascii("*.*.example.com", NULL);
	expect_ascii("mail*.example.com", NULL);
	expect_ascii(long_label, NULL);
	long_label[1] = '.';
	expect_ascii(long_label, long_label);
}

static void test_names_idn_cover(void **state)
{
	const char *sans[] = { "xn--bcher-kva.example",
	    "*.xn--caf-dma.example", NULL };
	X509 *cert = make_cert("xn--bcher-kva.example", sans);

	assert_true(names_cert_covers(cert, "bücher.example"));
	assert_true(names_cert_covers(cert, "xn--bcher-kva.example"));
	assert_true(names_cert_covers(cert, "XN--BCHER-KVA.example"));
	assert_true(names_cert_covers(cert, "shop.café.example"));
	assert_true(names_cert_covers(cert, "shop.xn--caf-dma.example"));
	assert_false(names_cert_covers(cert, "bucher.example"));
	assert_false(names_cert_covers(cert, "café.example"));
	X509_free(cert);
}

static void test_names_wildcard_one_label(void **state)
{
	const char *sans[] = { "*.example.com", NULL };
	X509 *cert = make_cert("*.example.com", sans);

	assert_true(names_cert_covers(cert, "mail.example.com"));
	assert_true(names_cert_covers(cert, "MAIL.Example.Com"));
	assert_true(names_cert_covers(cert, "mail.example.com."));
	assert_false(names_cert_covers(cert, "example.com"));
	assert_false(names_cert_covers(cert, "a.b.example.com"));
	assert_false(names_cert_covers(cert, "mail.example.org"));
	assert_false(names_cert_covers(cert, ""));
	X509_free(cert);
}

static void test_names_partial_wildcard(void **state)
{
	const char *sans[] = { "mail*.example.com", NULL };
	X509 *cert = make_cert(NULL, sans);

	assert_false(names_cert_covers(cert, "mail1.example.com"));
	assert_false(names_cert_covers(cert, "mail.example.com"));
	X509_free(cert);
}

static void test_names_cn_ignored_with_san(void **state)
{
	const char *sans[] = { "mail.example.com", "smtp.example.com", NULL };
	X509 *cert = make_cert("panel.example.com", sans);

	assert_true(names_cert_covers(cert, "mail.example.com"));
	assert_true(names_cert_covers(cert, "smtp.example.com"));
	assert_false(names_cert_covers(cert, "panel.example.com"));
	X509_free(cert);
}

static void test_names_cn_without_san(void **state)
{
	X509 *cert = make_cert("legacy.example.com", NULL);

	assert_true(names_cert_covers(cert, "legacy.example.com"));
	assert_true(names_cert_covers(cert, "LEGACY.example.com"));
	assert_false(names_cert_covers(cert, "www.legacy.example.com"));
	X509_free(cert);

	cert = make_cert(NULL, NULL);
	assert_false(names_cert_covers(cert, "legacy.example.com"));
	X509_free(cert);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_spellings),
		cmocka_unit_test(test_names_invalid),
		cmocka_unit_test(test_names_idn_cover),
		cmocka_unit_test(test_names_wildcard_one_label),
		cmocka_unit_test(test_names_partial_wildcard),
		cmocka_unit_test(test_names_cn_ignored_with_san),
		cmocka_unit_test(test_names_cn_without_san),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
