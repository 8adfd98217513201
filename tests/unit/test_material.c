/*
 * test_material.c - leaf and key pick, chain order, rendering.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "input.h"
#include "material.h"
#include "util.h"

static struct fixture_pki pki;
static struct fixture_pair other_ca, other_leaf;
static char *leaf_pem, *inter_pem, *root_pem, *key_pem, *other_ca_pem;
static char *other_leaf_pem;

static int setup(void **state)
{
	const char *sans[] = { "mail.example.com", NULL };
	struct fixture_options ca = { .cn = "Other Root", .ca = true,
	    .key_type = "ecdsa-p256" };
	struct fixture_options leaf = { .cn = "other.example.com",
	    .key_type = "ecdsa-p256" };

	fixture_pki_make(&pki, "mail.example.com", sans);
	fixture_make(&other_ca, &ca);
	fixture_make(&other_leaf, &leaf);
	leaf_pem = fixture_cert_pem(pki.leaf.cert);
	inter_pem = fixture_cert_pem(pki.intermediate.cert);
	root_pem = fixture_cert_pem(pki.root.cert);
	key_pem = fixture_key_pem(pki.leaf.key);
	other_ca_pem = fixture_cert_pem(other_ca.cert);
	other_leaf_pem = fixture_cert_pem(other_leaf.cert);
	return 0;
}

static int teardown(void **state)
{
	free(leaf_pem);
	free(inter_pem);
	free(root_pem);
	free(key_pem);
	free(other_ca_pem);
	free(other_leaf_pem);
	fixture_pair_free(&other_ca);
	fixture_pair_free(&other_leaf);
	fixture_pki_free(&pki);
	return 0;
}

static void read_into(struct input *in, const char *text,
    enum input_origin origin)
{
	struct findings findings;

	findings_init(&findings);
	assert_true(input_read_buffer(in, text, strlen(text), origin,
	    "the test paste", NULL, &findings));
	assert_int_equal(findings.count, 0);
	findings_free(&findings);
}

/* Build material from one paste; the material must already be inited. */
static bool material_of(struct material *mat, const char *text,
    struct error *err)
{
	struct input in;
	bool ok;

	input_init(&in);
	read_into(&in, text, INPUT_FROM_CERT);
	error_clear(err);
	ok = material_from_input(mat, &in, err);
	input_free(&in);
	return ok;
}

static void expect_chain(const struct material *mat, X509 *const *certs,
    int count)
{
	assert_int_equal(sk_X509_num(mat->chain), count);
	for (int i = 0; i < count; i++)
		assert_int_equal(X509_cmp(sk_X509_value(mat->chain, i),
		    certs[i]), 0);
}

static void test_material_any_order(void **state)
{
	X509 *const want[] = { pki.intermediate.cert, pki.root.cert };
	const char *orders[][4] = {
		{ leaf_pem, inter_pem, root_pem, key_pem },
		{ key_pem, root_pem, inter_pem, leaf_pem },
		{ inter_pem, key_pem, leaf_pem, root_pem },
		{ root_pem, leaf_pem, key_pem, inter_pem },
	};

	for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		char *text = fixture_concat(orders[i][0], orders[i][1],
		    orders[i][2], orders[i][3], NULL);
		struct material mat;
		struct error err;

		material_init(&mat);
		assert_true(material_of(&mat, text, &err));
		assert_int_equal(X509_cmp(mat.leaf, pki.leaf.cert), 0);
		assert_int_equal(EVP_PKEY_eq(mat.key, pki.leaf.key), 1);
		expect_chain(&mat, want, 2);
		material_free(&mat);
		free(text);
	}
}

static void test_material_no_key(void **state)
{
	X509 *const want[] = { pki.intermediate.cert, pki.root.cert };
	char *text = fixture_concat(root_pem, inter_pem, leaf_pem, NULL);
	struct material mat;
	struct error err;

	material_init(&mat);
	assert_true(material_of(&mat, text, &err));
	assert_int_equal(X509_cmp(mat.leaf, pki.leaf.cert), 0);
	assert_null(mat.key);
	expect_chain(&mat, want, 2);
	material_free(&mat);
	free(text);
}

/* Without a key, an unrelated root issued nothing either: the non-CA
 * certificate is still the leaf. */
static void test_material_no_key_prefers_non_ca(void **state)
{
	X509 *const want[] = { pki.intermediate.cert, other_ca.cert };
	char *text = fixture_concat(other_ca_pem, inter_pem, leaf_pem, NULL);
	struct material mat;
	struct error err;

	material_init(&mat);
	assert_true(material_of(&mat, text, &err));
	assert_int_equal(X509_cmp(mat.leaf, pki.leaf.cert), 0);
	/* The issuer comes first, the leftover after it. */
	expect_chain(&mat, want, 2);
	material_free(&mat);
	free(text);
}

/* A bundle given apart (--cabundle) never provides the leaf. */
static void test_material_bundle_origin(void **state)
{
	char *bundle = fixture_concat(other_leaf_pem, inter_pem, NULL);
	struct input in;
	struct material mat;
	struct error err;

	input_init(&in);
	read_into(&in, bundle, INPUT_FROM_BUNDLE);
	read_into(&in, leaf_pem, INPUT_FROM_CERT);
	material_init(&mat);
	assert_true(material_from_input(&mat, &in, &err));
	assert_int_equal(X509_cmp(mat.leaf, pki.leaf.cert), 0);
	assert_int_equal(X509_cmp(sk_X509_value(mat.chain, 0),
	    pki.intermediate.cert), 0);
	assert_int_equal(X509_cmp(sk_X509_value(mat.chain, 1),
	    other_leaf.cert), 0);
	material_free(&mat);
	input_free(&in);
	free(bundle);
}

static void test_material_leftovers_in_read_order(void **state)
{
	X509 *const want[] = { pki.intermediate.cert, pki.root.cert,
	    other_leaf.cert, other_ca.cert };
	char *text = fixture_concat(other_leaf_pem, root_pem, other_ca_pem,
	    key_pem, inter_pem, leaf_pem, NULL);
	struct material mat;
	struct error err;

	material_init(&mat);
	assert_true(material_of(&mat, text, &err));
	assert_int_equal(X509_cmp(mat.leaf, pki.leaf.cert), 0);
	expect_chain(&mat, want, 4);
	material_free(&mat);
	free(text);
}

static void test_material_duplicates_once(void **state)
{
	X509 *const want[] = { pki.intermediate.cert, pki.root.cert };
	char *text = fixture_concat(leaf_pem, inter_pem, leaf_pem, inter_pem,
	    root_pem, inter_pem, key_pem, NULL);
	struct material mat;
	struct error err;

	material_init(&mat);
	assert_true(material_of(&mat, text, &err));
	expect_chain(&mat, want, 2);
	material_free(&mat);
	free(text);
}

static void test_material_errors(void **state)
{
	char *other_key = fixture_key_pem(other_leaf.key);
	char *text = fixture_concat(leaf_pem, inter_pem, root_pem,
	    other_key, NULL);
	struct material mat;
	struct error err;

	material_init(&mat);
	assert_false(material_of(&mat, text, &err));
	assert_string_equal(err.code, "no-leaf");
	assert_non_null(strstr(err.message,
	    "none of the 3 certificates matches the private key"));
	assert_null(mat.leaf);

	assert_false(material_of(&mat, other_key, &err));
	assert_string_equal(err.code, "no-certificate");
	material_free(&mat);
	free(text);
	free(other_key);
}

/* A second fill replaces what the material held. */
static void test_material_refill(void **state)
{
	char *first = fixture_concat(leaf_pem, key_pem, NULL);
	struct material mat;
	struct error err;

	material_init(&mat);
	assert_true(material_of(&mat, first, &err));
	assert_true(material_of(&mat, other_leaf_pem, &err));
	assert_int_equal(X509_cmp(mat.leaf, other_leaf.cert), 0);
	assert_null(mat.key);
	assert_int_equal(sk_X509_num(mat.chain), 0);
	material_free(&mat);
	free(first);
}

static void test_material_render(void **state)
{
	char *text = fixture_concat(root_pem, key_pem, leaf_pem, inter_pem,
	    NULL);
	char *fullchain = fixture_concat(leaf_pem, inter_pem, root_pem, NULL);
	char *combined = fixture_concat(key_pem, fullchain, NULL);
	struct material mat;
	struct error err;
	char *out;
	size_t length;

	material_init(&mat);
	assert_true(material_of(&mat, text, &err));

	out = material_render(&mat, MATERIAL_CERT, &length);
	assert_string_equal(out, leaf_pem);
	assert_int_equal(length, strlen(leaf_pem));
	util_free_secret(out, length);
	out = material_render(&mat, MATERIAL_CHAIN, &length);
	assert_true(strlen(out) > 0);
	assert_string_equal(out, fullchain + strlen(leaf_pem));
	util_free_secret(out, length);
	out = material_render(&mat, MATERIAL_FULLCHAIN, &length);
	assert_string_equal(out, fullchain);
	util_free_secret(out, length);
	out = material_render(&mat, MATERIAL_KEY, &length);
	assert_string_equal(out, key_pem);
	assert_non_null(strstr(out, "-----BEGIN PRIVATE KEY-----\n"));
	util_free_secret(out, length);
	out = material_render(&mat, MATERIAL_KEY_FULLCHAIN, &length);
	assert_string_equal(out, combined);
	assert_null(strchr(out, '\r'));
	util_free_secret(out, length);

	material_free(&mat);
	free(text);
	free(fullchain);
	free(combined);
}

static void test_material_render_round_trip(void **state)
{
	char *text = fixture_concat(inter_pem, key_pem, root_pem, leaf_pem,
	    NULL);
	X509 *const want[] = { pki.intermediate.cert, pki.root.cert };
	struct material mat, again;
	struct error err;
	char *out;
	size_t length;

	material_init(&mat);
	material_init(&again);
	assert_true(material_of(&mat, text, &err));
	out = material_render(&mat, MATERIAL_KEY_FULLCHAIN, &length);
	assert_true(material_of(&again, out, &err));
	assert_int_equal(X509_cmp(again.leaf, pki.leaf.cert), 0);
	assert_int_equal(EVP_PKEY_eq(again.key, pki.leaf.key), 1);
	expect_chain(&again, want, 2);
	util_free_secret(out, length);

	/* A leaf without chain renders an empty chain file. */
	assert_true(material_of(&again, leaf_pem, &err));
	out = material_render(&again, MATERIAL_CHAIN, &length);
	assert_string_equal(out, "");
	assert_int_equal(length, 0);
	util_free_secret(out, length);
	material_free(&again);
	material_free(&mat);
	free(text);
}

static void test_material_fingerprint(void **state)
{
	unsigned char md[32];
	unsigned int md_length;
	char fp[FINGERPRINT_SIZE], small[9], expect[4];

	material_fingerprint(pki.leaf.cert, fp, sizeof(fp));
	assert_int_equal(strlen(fp), 95);
	assert_true(X509_digest(pki.leaf.cert, EVP_sha256(), md, &md_length));
	for (unsigned int i = 0; i < md_length; i++) {
		snprintf(expect, sizeof(expect), "%02X", md[i]);
		assert_memory_equal(fp + i * 3, expect, 2);
		if (i + 1 < md_length)
			assert_int_equal(fp[i * 3 + 2], ':');
	}
	for (size_t i = 0; fp[i] != '\0'; i++)
		assert_false(islower((unsigned char)fp[i]));

	/* Too small a buffer is cut, never overrun. */
	material_fingerprint(pki.leaf.cert, small, sizeof(small));
	assert_int_equal(strlen(small), 8);
	assert_memory_equal(small, fp, 8);
}

static void test_material_copy(void **state)
{
	char *text = fixture_concat(leaf_pem, inter_pem, key_pem, NULL);
	struct material mat, copy;
	struct error err;

	material_init(&mat);
	material_init(&copy);
	assert_true(material_of(&mat, text, &err));
	material_copy(&copy, &mat);
	material_free(&mat);
	assert_int_equal(X509_cmp(copy.leaf, pki.leaf.cert), 0);
	assert_int_equal(EVP_PKEY_eq(copy.key, pki.leaf.key), 1);
	assert_int_equal(sk_X509_num(copy.chain), 1);

	/* Copying onto itself keeps everything. */
	material_copy(&copy, &copy);
	assert_int_equal(X509_cmp(copy.leaf, pki.leaf.cert), 0);
	assert_int_equal(sk_X509_num(copy.chain), 1);
	material_free(&copy);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_material_any_order),
		cmocka_unit_test(test_material_no_key),
		cmocka_unit_test(test_material_no_key_prefers_non_ca),
		cmocka_unit_test(test_material_bundle_origin),
		cmocka_unit_test(test_material_leftovers_in_read_order),
		cmocka_unit_test(test_material_duplicates_once),
		cmocka_unit_test(test_material_errors),
		cmocka_unit_test(test_material_refill),
		cmocka_unit_test(test_material_render),
		cmocka_unit_test(test_material_render_round_trip),
		cmocka_unit_test(test_material_fingerprint),
		cmocka_unit_test(test_material_copy),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
