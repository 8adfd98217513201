/*
 * test_input.c - every way an administrator pastes certificates and keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/encoder.h>
#include <openssl/pem.h>

#include "fixture.h"
#include "input.h"
#include "util.h"

#define PASSPHRASE "correct horse"

static struct fixture_pki pki;
static struct fixture_pair ec256;
static char *leaf_pem, *inter_pem, *root_pem, *key_pem;

static int setup(void **state)
{
	const char *sans[] = { "mail.example.com", NULL };
	struct fixture_options ec = { .cn = "ec.example.com",
	    .key_type = "ecdsa-p256" };

	fixture_pki_make(&pki, "mail.example.com", sans);
	fixture_make(&ec256, &ec);
	leaf_pem = fixture_cert_pem(pki.leaf.cert);
	inter_pem = fixture_cert_pem(pki.intermediate.cert);
	root_pem = fixture_cert_pem(pki.root.cert);
	key_pem = fixture_key_pem(pki.leaf.key);
	return 0;
}

static int teardown(void **state)
{
	free(leaf_pem);
	free(inter_pem);
	free(root_pem);
	free(key_pem);
	fixture_pair_free(&ec256);
	fixture_pki_free(&pki);
	fixture_cleanup_dirs();
	return 0;
}

/* Every occurrence of from replaced by to. */
static char *replace_all(const char *s, const char *from, const char *to)
{
	struct strbuf out;
	const char *hit;

	strbuf_init(&out);
	while ((hit = strstr(s, from)) != NULL) {
		strbuf_append(&out, s, (size_t)(hit - s));
		strbuf_append(&out, to, strlen(to));
		s = hit + strlen(from);
	}
	strbuf_append(&out, s, strlen(s));
	return strbuf_release(&out);
}

/* The key through OSSL_ENCODER: "PEM" or "DER", "type-specific" (PKCS#1,
 * SEC1) or "PrivateKeyInfo" (PKCS#8), encrypted when cipher is given. */
static unsigned char *encode_key(EVP_PKEY *key, const char *format,
    const char *structure, const char *cipher, size_t *length)
{
	OSSL_ENCODER_CTX *ctx;
	unsigned char *data = NULL, *copy;

	ctx = OSSL_ENCODER_CTX_new_for_pkey(key, EVP_PKEY_KEYPAIR, format,
	    structure, NULL);
	assert_non_null(ctx);
	if (cipher != NULL) {
		assert_true(OSSL_ENCODER_CTX_set_cipher(ctx, cipher, NULL));
		assert_true(OSSL_ENCODER_CTX_set_passphrase(ctx,
		    (const unsigned char *)PASSPHRASE, strlen(PASSPHRASE)));
	}
	assert_true(OSSL_ENCODER_to_data(ctx, &data, length));
	OSSL_ENCODER_CTX_free(ctx);

	/* NUL-terminated, so PEM output can be used as a string. */
	copy = xmalloc(*length + 1);
	memcpy(copy, data, *length);
	copy[*length] = '\0';
	OPENSSL_free(data);
	return copy;
}

static char *encode_key_pem(EVP_PKEY *key, const char *structure,
    const char *cipher)
{
	size_t length;

	return (char *)encode_key(key, "PEM", structure, cipher, &length);
}

static bool read_text(struct input *in, const char *text,
    const char *passphrase, struct findings *findings)
{
	return input_read_buffer(in, text, strlen(text), INPUT_FROM_CERT,
	    "the Certificate field", passphrase, findings);
}

/* Shown when an assertion fails, so the cause is in the test log. */
static void print_findings(const struct findings *findings)
{
	for (size_t i = 0; i < findings->count; i++)
		fprintf(stderr, "finding %s: %s\n", findings->items[i].code,
		    findings->items[i].message);
}

/* Read text and expect the leaf, its key and no finding at all. */
static void expect_leaf_and_key(const char *text, const char *passphrase)
{
	struct input in;
	struct findings findings;
	bool ok;

	input_init(&in);
	findings_init(&findings);
	ok = read_text(&in, text, passphrase, &findings);
	print_findings(&findings);
	assert_true(ok);
	assert_int_equal(findings.count, 0);
	assert_int_equal(in.cert_count, 1);
	assert_int_equal(X509_cmp(in.certs[0].cert, pki.leaf.cert), 0);
	assert_int_equal(in.certs[0].origin, INPUT_FROM_CERT);
	assert_non_null(in.key);
	assert_int_equal(EVP_PKEY_eq(in.key, pki.leaf.key), 1);
	assert_int_equal(in.key_count, 1);
	assert_false(in.key_encrypted);
	findings_free(&findings);
	input_free(&in);
}

/* Read text and expect exactly one error finding with this code. */
static void expect_error(const char *text, size_t length,
    const char *passphrase, const char *code, const char *words)
{
	struct input in;
	struct findings findings;
	const struct finding *f;

	input_init(&in);
	findings_init(&findings);
	assert_false(input_read_buffer(&in, text, length, INPUT_FROM_CERT,
	    "the Certificate field", passphrase, &findings));
	assert_int_equal(findings_count(&findings, FINDING_ERROR), 1);
	f = findings_find(&findings, code);
	assert_non_null(f);
	assert_non_null(strstr(f->message, words));
	findings_free(&findings);
	input_free(&in);
}

static void test_input_plain_pem(void **state)
{
	char *text = fixture_concat(leaf_pem, key_pem, NULL);

	expect_leaf_and_key(text, NULL);
	free(text);

	/* Key first works too. */
	text = fixture_concat(key_pem, leaf_pem, NULL);
	expect_leaf_and_key(text, NULL);
	free(text);
}

static void test_input_crlf_and_blanks(void **state)
{
	char *joined = fixture_concat(leaf_pem, key_pem, NULL);
	char *crlf = replace_all(joined, "\n", "\r\n");
	char *blanks = replace_all(joined, "\n", "  \t\n");
	char *indented = replace_all(joined, "\n", "\n    ");
	char *bare_cr = replace_all(joined, "\n", "\r");
	char *double_spaced = replace_all(joined, "\n", "\n\n");

	expect_leaf_and_key(crlf, NULL);
	expect_leaf_and_key(blanks, NULL);
	expect_leaf_and_key(indented, NULL);
	expect_leaf_and_key(bare_cr, NULL);
	expect_leaf_and_key(double_spaced, NULL);
	free(double_spaced);
	free(joined);
	free(crlf);
	free(blanks);
	free(indented);
	free(bare_cr);
}

static void test_input_export_headers(void **state)
{
	char *text = fixture_concat(
	    "Bag Attributes\n"
	    "    localKeyID: 01 00 00 00\n"
	    "    friendlyName: mail.example.com\n"
	    "subject=CN = mail.example.com\n\n"
	    "issuer=O = svccert tests, CN = svccert Test Intermediate CA\n",
	    leaf_pem,
	    "\nKey Attributes: <No Attributes>\n",
	    key_pem,
	    "\nThanks for your order!\n", NULL);

	expect_leaf_and_key(text, NULL);
	free(text);
}

static void test_input_no_final_newline(void **state)
{
	char *text = fixture_concat(leaf_pem, key_pem, NULL);

	text[strlen(text) - 1] = '\0';
	expect_leaf_and_key(text, NULL);
	free(text);
}

static void test_input_glued_blocks(void **state)
{
	char *joined = fixture_concat(leaf_pem, key_pem, NULL);
	char *glued = replace_all(joined, "-----\n-----BEGIN",
	    "----------BEGIN");
	char *chain = fixture_concat(leaf_pem, inter_pem, root_pem, NULL);
	char *glued_chain = replace_all(chain, "-----\n-----BEGIN",
	    "----------BEGIN");
	struct input in;
	struct findings findings;

	assert_null(strstr(glued, "-----\n-----BEGIN"));
	expect_leaf_and_key(glued, NULL);

	input_init(&in);
	findings_init(&findings);
	assert_true(read_text(&in, glued_chain, NULL, &findings));
	assert_int_equal(in.cert_count, 3);
	assert_int_equal(X509_cmp(in.certs[2].cert, pki.root.cert), 0);
	findings_free(&findings);
	input_free(&in);
	free(joined);
	free(glued);
	free(chain);
	free(glued_chain);
}

static void test_input_order_kept(void **state)
{
	char *text = fixture_concat(root_pem, leaf_pem, inter_pem, NULL);
	struct input in;
	struct findings findings;

	input_init(&in);
	findings_init(&findings);
	assert_true(input_read_buffer(&in, text, strlen(text),
	    INPUT_FROM_BUNDLE, "--cabundle ca.pem", NULL, &findings));
	assert_int_equal(in.cert_count, 3);
	assert_int_equal(X509_cmp(in.certs[0].cert, pki.root.cert), 0);
	assert_int_equal(X509_cmp(in.certs[1].cert, pki.leaf.cert), 0);
	assert_int_equal(X509_cmp(in.certs[2].cert, pki.intermediate.cert), 0);
	assert_int_equal(in.certs[1].origin, INPUT_FROM_BUNDLE);
	assert_null(in.key);
	assert_int_equal(in.key_count, 0);
	findings_free(&findings);
	input_free(&in);
	free(text);
}

static void test_input_der_cert(void **state)
{
	unsigned char *der = NULL;
	int length = i2d_X509(pki.leaf.cert, &der);
	struct input in;
	struct findings findings;

	assert_true(length > 0);
	input_init(&in);
	findings_init(&findings);
	assert_true(input_read_buffer(&in, (char *)der, (size_t)length,
	    INPUT_FROM_CERT, "--cert mail.der", NULL, &findings));
	assert_int_equal(findings.count, 0);
	assert_int_equal(in.cert_count, 1);
	assert_int_equal(X509_cmp(in.certs[0].cert, pki.leaf.cert), 0);
	findings_free(&findings);
	input_free(&in);
	OPENSSL_free(der);
}

static void expect_der_key(EVP_PKEY *key, const unsigned char *der,
    size_t length, const char *passphrase)
{
	struct input in;
	struct findings findings;

	input_init(&in);
	findings_init(&findings);
	assert_true(input_read_buffer(&in, (const char *)der, length,
	    INPUT_FROM_KEY, "--key mail.key", passphrase, &findings));
	assert_int_equal(findings.count, 0);
	assert_int_equal(in.cert_count, 0);
	assert_non_null(in.key);
	assert_int_equal(EVP_PKEY_eq(in.key, key), 1);
	findings_free(&findings);
	input_free(&in);
}

static void test_input_der_keys(void **state)
{
	unsigned char *der = NULL;
	size_t length;
	int n;

	/* i2d_PrivateKey writes the type-specific form: PKCS#1, SEC1. */
	n = i2d_PrivateKey(pki.leaf.key, &der);
	assert_true(n > 0);
	expect_der_key(pki.leaf.key, der, (size_t)n, NULL);
	OPENSSL_free(der);
	der = NULL;
	n = i2d_PrivateKey(ec256.key, &der);
	assert_true(n > 0);
	expect_der_key(ec256.key, der, (size_t)n, NULL);
	OPENSSL_free(der);

	der = encode_key(pki.leaf.key, "DER", "PrivateKeyInfo", NULL, &length);
	expect_der_key(pki.leaf.key, der, length, NULL);
	util_free_secret(der, length);
	der = encode_key(ec256.key, "DER", "PrivateKeyInfo", NULL, &length);
	expect_der_key(ec256.key, der, length, NULL);
	util_free_secret(der, length);
}

static void test_input_der_encrypted_key(void **state)
{
	size_t length;
	unsigned char *der = encode_key(pki.leaf.key, "DER",
	    "EncryptedPrivateKeyInfo", "AES-256-CBC", &length);

	expect_der_key(pki.leaf.key, der, length, PASSPHRASE);
	expect_error((const char *)der, length, NULL, "encrypted-key",
	    "--passphrase-file");
	expect_error((const char *)der, length, "wrong", "encrypted-key",
	    "passphrase does not open");
	util_free_secret(der, length);
}

static void test_input_pkcs1_pem(void **state)
{
	char *key = encode_key_pem(pki.leaf.key, "type-specific", NULL);
	char *text = fixture_concat(leaf_pem, key, NULL);

	assert_non_null(strstr(key, "-----BEGIN RSA PRIVATE KEY-----"));
	expect_leaf_and_key(text, NULL);
	free(text);
	free(key);
}

static void test_input_sec1_with_parameters(void **state)
{
	char *key = encode_key_pem(ec256.key, "type-specific", NULL);
	char *cert = fixture_cert_pem(ec256.cert);
	char *text = fixture_concat(
	    "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n"
	    "-----END EC PARAMETERS-----\n", key, cert, NULL);
	struct input in;
	struct findings findings;

	assert_non_null(strstr(key, "-----BEGIN EC PRIVATE KEY-----"));
	input_init(&in);
	findings_init(&findings);
	assert_true(read_text(&in, text, NULL, &findings));
	assert_int_equal(findings.count, 0);
	assert_int_equal(in.cert_count, 1);
	assert_int_equal(EVP_PKEY_eq(in.key, ec256.key), 1);
	findings_free(&findings);
	input_free(&in);
	free(text);
	free(cert);
	free(key);
}

static void test_input_encrypted_pkcs8(void **state)
{
	char *key = encode_key_pem(pki.leaf.key, "EncryptedPrivateKeyInfo",
	    "AES-256-CBC");
	char *text = fixture_concat(leaf_pem, key, NULL);
	struct input in;
	struct findings findings;

	assert_non_null(strstr(key, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
	expect_leaf_and_key(text, PASSPHRASE);
	expect_error(text, strlen(text), "wrong", "encrypted-key",
	    "passphrase does not open the private key in the Certificate");

	/* No passphrase: the certificate is still read, the key is not. */
	input_init(&in);
	findings_init(&findings);
	assert_false(read_text(&in, text, NULL, &findings));
	assert_non_null(findings_find(&findings, "encrypted-key"));
	assert_non_null(strstr(findings.items[0].message,
	    "openssl pkey"));
	assert_int_equal(in.cert_count, 1);
	assert_null(in.key);
	assert_true(in.key_encrypted);
	assert_int_equal(in.key_count, 1);
	findings_free(&findings);
	input_free(&in);
	free(text);
	free(key);
}

static void test_input_encrypted_legacy(void **state)
{
	char *key = encode_key_pem(pki.leaf.key, "type-specific",
	    "AES-128-CBC");
	char *text = fixture_concat(leaf_pem, key, NULL);
	char *crlf = replace_all(text, "\n", "\r\n");

	assert_non_null(strstr(key, "Proc-Type: 4,ENCRYPTED"));
	expect_leaf_and_key(text, PASSPHRASE);
	expect_leaf_and_key(crlf, PASSPHRASE);
	expect_error(text, strlen(text), NULL, "encrypted-key",
	    "is encrypted");
	expect_error(text, strlen(text), "wrong", "encrypted-key",
	    "passphrase does not open");
	free(crlf);
	free(text);
	free(key);
}

static void test_input_unknown_block(void **state)
{
	char *text = fixture_concat("-----BEGIN CERTIFICATE REQUEST-----\n"
	    "MIIBAA==\n-----END CERTIFICATE REQUEST-----\n", leaf_pem,
	    key_pem, NULL);
	struct input in;
	struct findings findings;
	const struct finding *f;

	input_init(&in);
	findings_init(&findings);
	assert_true(read_text(&in, text, NULL, &findings));
	assert_int_equal(findings.count, 1);
	f = findings_find(&findings, "ignored-block");
	assert_non_null(f);
	assert_int_equal(f->severity, FINDING_WARNING);
	assert_non_null(strstr(f->message, "CERTIFICATE REQUEST"));
	assert_int_equal(in.cert_count, 1);
	assert_non_null(in.key);
	findings_free(&findings);
	input_free(&in);
	free(text);
}

static void test_input_malformed_block(void **state)
{
	char *text = fixture_concat(key_pem, leaf_pem, NULL);
	char *body = strstr(text, "-----BEGIN CERTIFICATE-----\n") + 28;
	char *cut;

	/* A damaged certificate body: block 2 is named in the message. */
	memcpy(body + 40, "!!!!", 4);
	expect_error(text, strlen(text), NULL, "malformed-input",
	    "block 2 (CERTIFICATE)");
	expect_error(text, strlen(text), NULL, "malformed-input",
	    "-----BEGIN to -----END");
	free(text);

	/* Cut short: no END line. */
	text = fixture_concat(leaf_pem, NULL);
	cut = strstr(text, "-----END");
	*cut = '\0';
	expect_error(text, strlen(text), NULL, "malformed-input",
	    "has no -----END line");
	free(text);

	/* Valid base64 that is not a certificate. */
	text = xstrdup("-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n"
	    "-----END CERTIFICATE-----\n");
	expect_error(text, strlen(text), NULL, "malformed-input",
	    "block 1 (CERTIFICATE) in the Certificate field is not a valid");
	free(text);
}

static void test_input_not_pem_nor_der(void **state)
{
	const char *text = "hello, here is my certificate\n";

	expect_error(text, strlen(text), NULL, "malformed-input",
	    "contains no PEM block and is not DER");
	expect_error("\x30\x03\x02\x01", 4, NULL, "malformed-input",
	    "is not DER");
}

static void test_input_blank(void **state)
{
	struct input in;
	struct findings findings;

	input_init(&in);
	findings_init(&findings);
	assert_true(read_text(&in, "", NULL, &findings));
	assert_true(read_text(&in, " \r\n\t\n  ", NULL, &findings));
	assert_int_equal(findings.count, 0);
	assert_int_equal(in.cert_count, 0);
	assert_null(in.key);
	findings_free(&findings);
	input_free(&in);
}

static void test_input_several_keys(void **state)
{
	char *ec_key = fixture_key_pem(ec256.key);
	char *two = fixture_concat(leaf_pem, key_pem, ec_key, NULL);
	char *same = fixture_concat(key_pem, leaf_pem, key_pem, NULL);
	struct input in;
	struct findings findings;

	expect_error(two, strlen(two), NULL, "several-keys", "second");

	/* The same key twice is one key. */
	expect_leaf_and_key(same, NULL);

	/* Also across calls: --cert with a key, then another --key. */
	input_init(&in);
	findings_init(&findings);
	assert_true(read_text(&in, same, NULL, &findings));
	assert_false(input_read_buffer(&in, ec_key, strlen(ec_key),
	    INPUT_FROM_KEY, "--key other.key", NULL, &findings));
	assert_non_null(strstr(findings_find(&findings,
	    "several-keys")->message, "--key other.key"));
	assert_int_equal(EVP_PKEY_eq(in.key, pki.leaf.key), 1);
	assert_int_equal(in.key_count, 2);
	findings_free(&findings);
	input_free(&in);
	free(ec_key);
	free(two);
	free(same);
}

static void test_input_file(void **state)
{
	char *dir = fixture_temp_dir();
	char *text = fixture_concat(leaf_pem, inter_pem, NULL);
	char *path = fixture_write_file(dir, "chain.pem", text);
	char *missing = xasprintf("%s/missing.pem", dir);
	struct input in;
	struct findings findings;

	input_init(&in);
	findings_init(&findings);
	assert_true(input_read_file(&in, path, INPUT_FROM_CERT, NULL,
	    &findings));
	assert_int_equal(in.cert_count, 2);
	assert_false(input_read_file(&in, missing, INPUT_FROM_CERT, NULL,
	    &findings));
	assert_non_null(strstr(findings_find(&findings,
	    "file-unreadable")->message, "missing.pem"));
	findings_free(&findings);
	input_free(&in);

	/* Errors name the file. */
	text[100] = '*';
	free(path);
	path = fixture_write_file(dir, "bad.pem", text);
	input_init(&in);
	findings_init(&findings);
	assert_false(input_read_file(&in, path, INPUT_FROM_CERT, NULL,
	    &findings));
	assert_non_null(strstr(findings.items[0].message, path));
	findings_free(&findings);
	input_free(&in);
	free(missing);
	free(path);
	free(text);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_input_plain_pem),
		cmocka_unit_test(test_input_crlf_and_blanks),
		cmocka_unit_test(test_input_export_headers),
		cmocka_unit_test(test_input_no_final_newline),
		cmocka_unit_test(test_input_glued_blocks),
		cmocka_unit_test(test_input_order_kept),
		cmocka_unit_test(test_input_der_cert),
		cmocka_unit_test(test_input_der_keys),
		cmocka_unit_test(test_input_der_encrypted_key),
		cmocka_unit_test(test_input_pkcs1_pem),
		cmocka_unit_test(test_input_sec1_with_parameters),
		cmocka_unit_test(test_input_encrypted_pkcs8),
		cmocka_unit_test(test_input_encrypted_legacy),
		cmocka_unit_test(test_input_unknown_block),
		cmocka_unit_test(test_input_malformed_block),
		cmocka_unit_test(test_input_not_pem_nor_der),
		cmocka_unit_test(test_input_blank),
		cmocka_unit_test(test_input_several_keys),
		cmocka_unit_test(test_input_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
