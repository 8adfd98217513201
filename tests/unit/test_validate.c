/*
 * test_validate.c - the installer's checks, one finding code at a time.
 *
 * Every chain is minted at test time: a root and an intermediate shared
 * by the whole run, and fresh leaves per test.  Only the fixture root is
 * trusted (no_system_trust plus a trust file in a temporary directory).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "fixture.h"
#include "input.h"
#include "material.h"
#include "util.h"
#include "validate.h"

#define HOST "mail.example.com"
#define DAY 86400

static const char *const host_sans[] = { HOST, "example.com", NULL };

static struct fixture_pair root;
static struct fixture_pair inter;
static char *trust_dir;
static char *trust_path;

/* One validation: what was read, what was found, what would be served. */
struct result {
	struct input in;
	struct findings findings;
	struct material out;
	bool ok;
};

static int group_setup(void **state)
{
	struct fixture_options root_options = {
		.cn = "svccert Test Root CA", .org = "svccert tests",
		.ca = true, .not_after_days = 3650,
	};
	struct fixture_options inter_options = {
		.cn = "svccert Test Intermediate CA", .org = "svccert tests",
		.ca = true, .not_after_days = 1825, .issuer = &root,
	};
	char *pem;

	(void)state;
	fixture_make(&root, &root_options);
	fixture_make(&inter, &inter_options);
	trust_dir = fixture_temp_dir();
	pem = fixture_cert_pem(root.cert);
	trust_path = fixture_write_file(trust_dir, "roots.pem", pem);
	free(pem);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fixture_pair_free(&inter);
	fixture_pair_free(&root);
	free(trust_path);
	free(trust_dir);
	fixture_cleanup_dirs();
	return 0;
}

static struct validate_options default_options(void)
{
	struct validate_options options = {
		.hostname = HOST, .trust_file = trust_path,
		.no_system_trust = true, .require_key = true,
	};

	return options;
}

/* A leaf under the shared intermediate; EC keeps the run fast. */
static void make_leaf(struct fixture_pair *leaf, struct fixture_options o)
{
	if (o.cn == NULL)
		o.cn = HOST;
	if (o.key_type == NULL)
		o.key_type = "ecdsa-p256";
	if (o.not_after_days == 0)
		o.not_after_days = 90;
	if (o.issuer == NULL)
		o.issuer = &inter;
	fixture_make(leaf, &o);
}

static void make_default_leaf(struct fixture_pair *leaf)
{
	make_leaf(leaf, (struct fixture_options){ .sans = host_sans });
}

static void result_init(struct result *r)
{
	input_init(&r->in);
	findings_init(&r->findings);
	material_init(&r->out);
	r->ok = false;
}

static void result_free(struct result *r)
{
	material_free(&r->out);
	findings_free(&r->findings);
	input_free(&r->in);
}

static void add_text(struct result *r, enum input_origin origin,
    const char *text)
{
	input_read_buffer(&r->in, text, strlen(text), origin, "the test input",
	    NULL, &r->findings);
}

static void add_cert(struct result *r, enum input_origin origin, X509 *cert)
{
	char *pem = fixture_cert_pem(cert);

	add_text(r, origin, pem);
	free(pem);
}

static void add_key(struct result *r, EVP_PKEY *key)
{
	char *pem = fixture_key_pem(key);

	add_text(r, INPUT_FROM_KEY, pem);
	free(pem);
}

/* The usual three sources: --cert, --key, --cabundle. */
static void add_pair(struct result *r, const struct fixture_pair *leaf)
{
	add_cert(r, INPUT_FROM_CERT, leaf->cert);
	add_key(r, leaf->key);
}

static void run(struct result *r, const struct validate_options *options)
{
	r->ok = validate_input(&r->in, options, &r->out, &r->findings);
}

static void print_findings(const struct findings *f)
{
	for (size_t i = 0; i < f->count; i++)
		print_message("  %s %s: %s\n",
		    f->items[i].severity == FINDING_ERROR ? "error" : "warning",
		    f->items[i].code, f->items[i].message);
}

static bool code_listed(const char *codes, const char *code)
{
	size_t length = strlen(code);

	for (const char *p = codes; (p = strstr(p, code)) != NULL; p++)
		if ((p == codes || p[-1] == ' ') &&
		    (p[length] == ' ' || p[length] == '\0'))
			return true;
	return false;
}

/* Exactly these codes (space-separated) are found, each at least once. */
static void expect_codes(const struct result *r, const char *codes)
{
	char *copy = strdup(codes);
	bool ok = true;

	for (size_t i = 0; i < r->findings.count; i++)
		if (!code_listed(codes, r->findings.items[i].code))
			ok = false;
	for (char *c = strtok(copy, " "); c != NULL; c = strtok(NULL, " "))
		if (findings_find(&r->findings, c) == NULL)
			ok = false;
	free(copy);
	if (!ok) {
		print_findings(&r->findings);
		fail_msg("expected exactly: %s", codes[0] ? codes : "(none)");
	}
}

static const char *message_of(const struct result *r, const char *code)
{
	const struct finding *f = findings_find(&r->findings, code);

	assert_non_null(f);
	return f->message;
}

static void expect_message_has(const struct result *r, const char *code,
    const char *text)
{
	const char *message = message_of(r, code);

	if (strstr(message, text) == NULL)
		fail_msg("%s: \"%s\" lacks \"%s\"", code, message, text);
	assert_null(strchr(message, '\n'));
}

static void expect_severity(const struct result *r, const char *code,
    enum finding_severity severity)
{
	assert_int_equal(findings_find(&r->findings, code)->severity,
	    severity);
}

static void expect_chain(const struct result *r, X509 *const *certs,
    int count)
{
	assert_non_null(r->out.chain);
	assert_int_equal(sk_X509_num(r->out.chain), count);
	for (int i = 0; i < count; i++)
		assert_int_equal(X509_cmp(sk_X509_value(r->out.chain, i),
		    certs[i]), 0);
}

static void expect_failed(const struct result *r)
{
	assert_false(r->ok);
	assert_true(findings_has_errors(&r->findings));
	assert_null(r->out.leaf);
	assert_null(r->out.key);
}

static void test_good_chain(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_default_leaf(&leaf);
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	run(&r, &options);

	expect_codes(&r, "");
	assert_true(r.ok);
	assert_int_equal(X509_cmp(r.out.leaf, leaf.cert), 0);
	assert_int_equal(EVP_PKEY_eq(r.out.key, leaf.key), 1);
	expect_chain(&r, (X509 *[]){ inter.cert }, 1);
	result_free(&r);
	fixture_pair_free(&leaf);
}

/* The system store is read too (its content does not matter here). */
static void test_system_trust_and_trust_file(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_default_leaf(&leaf);
	options.no_system_trust = false;
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	run(&r, &options);

	assert_true(r.ok);
	expect_codes(&r, "");
	expect_chain(&r, (X509 *[]){ inter.cert }, 1);
	result_free(&r);
	fixture_pair_free(&leaf);
}

static void test_no_certificate(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_default_leaf(&leaf);
	result_init(&r);
	add_key(&r, leaf.key);
	run(&r, &options);

	expect_failed(&r);
	expect_codes(&r, "no-certificate");
	result_free(&r);
	fixture_pair_free(&leaf);
}

static void test_malformed_input_kept(void **state)
{
	struct validate_options options = default_options();
	const char *broken = "-----BEGIN CERTIFICATE-----\nnot base64 at all"
	    "\n-----END CERTIFICATE-----\n";
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_default_leaf(&leaf);
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	add_text(&r, INPUT_FROM_BUNDLE, broken);
	assert_non_null(findings_find(&r.findings, "malformed-input"));
	run(&r, &options);

	/* The good parts are judged, but nothing is handed out. */
	expect_failed(&r);
	expect_codes(&r, "malformed-input");
	result_free(&r);
	fixture_pair_free(&leaf);
}

static char *encrypted_key_pem(EVP_PKEY *key)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *pem;
	long length;

	assert_non_null(bio);
	assert_int_equal(PEM_write_bio_PKCS8PrivateKey(bio, key,
	    EVP_aes_256_cbc(), NULL, 0, NULL, "secret"), 1);
	length = BIO_get_mem_data(bio, &data);
	pem = strndup(data, (size_t)length);
	BIO_free(bio);
	return pem;
}

static void test_encrypted_key(void **state)
{
	struct validate_options options = default_options();
	struct findings separate;
	struct fixture_pair leaf;
	struct result r;
	char *pem;

	(void)state;
	make_default_leaf(&leaf);
	result_init(&r);
	add_cert(&r, INPUT_FROM_CERT, leaf.cert);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	pem = encrypted_key_pem(leaf.key);
	add_text(&r, INPUT_FROM_KEY, pem);
	run(&r, &options);

	/* Not also no-key: the key was given, it just cannot be opened. */
	expect_failed(&r);
	expect_codes(&r, "encrypted-key");

	/* Findings read elsewhere still stop the install. */
	findings_init(&separate);
	assert_false(validate_input(&r.in, &options, &r.out, &separate));
	assert_non_null(findings_find(&separate, "encrypted-key"));
	assert_null(findings_find(&separate, "no-key"));
	assert_null(r.out.leaf);
	findings_free(&separate);
	free(pem);
	result_free(&r);
	fixture_pair_free(&leaf);
}

static void test_several_keys(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf, other;
	struct result r;

	(void)state;
	make_default_leaf(&leaf);
	make_default_leaf(&other);
	result_init(&r);
	add_pair(&r, &leaf);
	add_key(&r, other.key);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	run(&r, &options);

	expect_failed(&r);
	expect_codes(&r, "several-keys");
	result_free(&r);
	fixture_pair_free(&leaf);
	fixture_pair_free(&other);
}

static void test_no_key(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_default_leaf(&leaf);
	result_init(&r);
	add_cert(&r, INPUT_FROM_CERT, leaf.cert);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	run(&r, &options);
	expect_failed(&r);
	expect_codes(&r, "no-key");
	expect_message_has(&r, "no-key", "--key");

	/* Checking a certificate alone needs no key. */
	findings_free(&r.findings);
	options.require_key = false;
	run(&r, &options);
	assert_true(r.ok);
	expect_codes(&r, "");
	assert_int_equal(X509_cmp(r.out.leaf, leaf.cert), 0);
	assert_null(r.out.key);
	expect_chain(&r, (X509 *[]){ inter.cert }, 1);
	result_free(&r);
	fixture_pair_free(&leaf);
}

static void test_key_mismatch(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf, other;
	struct result r;

	(void)state;
	make_default_leaf(&leaf);
	make_default_leaf(&other);
	result_init(&r);
	add_cert(&r, INPUT_FROM_CERT, leaf.cert);
	add_key(&r, other.key);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	run(&r, &options);

	expect_failed(&r);
	expect_codes(&r, "key-mismatch");
	expect_message_has(&r, "key-mismatch", HOST);
	expect_message_has(&r, "key-mismatch", "request");
	result_free(&r);
	fixture_pair_free(&leaf);
	fixture_pair_free(&other);
}

/* Only the intermediate and a key: the intermediate is what is blamed,
 * and still checked (here: no chain above it is missing, but a CA's
 * keyUsage is not a server's). */
static void test_key_matches_nothing(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_default_leaf(&leaf);
	result_init(&r);
	add_cert(&r, INPUT_FROM_CERT, inter.cert);
	add_key(&r, leaf.key);
	run(&r, &options);

	expect_failed(&r);
	expect_codes(&r, "key-mismatch no-san hostname-not-covered "
	    "not-for-servers");
	expect_message_has(&r, "key-mismatch", "svccert Test Intermediate CA");
	result_free(&r);
	fixture_pair_free(&leaf);
}

static void test_weak_key(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_leaf(&leaf, (struct fixture_options){
		.sans = host_sans, .key_type = "rsa-1024",
	});
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	run(&r, &options);

	expect_failed(&r);
	expect_codes(&r, "weak-key");
	expect_message_has(&r, "weak-key", "1024");
	result_free(&r);
	fixture_pair_free(&leaf);
}

static void test_weak_signature_leaf(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_leaf(&leaf, (struct fixture_options){
		.sans = host_sans, .digest = "sha1",
	});
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	run(&r, &options);

	expect_failed(&r);
	expect_codes(&r, "weak-signature");
	expect_message_has(&r, "weak-signature", "SHA-1");
	expect_message_has(&r, "weak-signature", HOST);
	result_free(&r);
	fixture_pair_free(&leaf);
}

static void test_weak_signature_intermediate(void **state)
{
	struct fixture_options weak_options = {
		.cn = "Weak Intermediate CA", .ca = true, .digest = "md5",
		.not_after_days = 365, .issuer = &root,
	};
	struct validate_options options = default_options();
	struct fixture_pair weak, leaf;
	struct result r;

	(void)state;
	fixture_make(&weak, &weak_options);
	make_leaf(&leaf, (struct fixture_options){
		.sans = host_sans, .issuer = &weak,
	});
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, weak.cert);
	run(&r, &options);

	expect_failed(&r);
	expect_codes(&r, "weak-signature");
	expect_message_has(&r, "weak-signature", "Weak Intermediate CA");
	expect_message_has(&r, "weak-signature", "MD5");
	result_free(&r);
	fixture_pair_free(&leaf);
	fixture_pair_free(&weak);
}

/* A root is trusted as a stored copy; its own signature does not count. */
static void test_sha1_root_not_judged(void **state)
{
	struct fixture_options old_root_options = {
		.cn = "Old SHA-1 Root", .ca = true, .digest = "sha1",
		.not_after_days = 3650, .key_type = "ecdsa-p256",
	};
	struct fixture_options ca_options = {
		.cn = "Modern Intermediate CA", .ca = true,
		.not_after_days = 365, .key_type = "ecdsa-p256",
	};
	struct validate_options options = default_options();
	struct fixture_pair old_root, ca, leaf;
	struct result r;
	char *pem;

	(void)state;
	fixture_make(&old_root, &old_root_options);
	ca_options.issuer = &old_root;
	fixture_make(&ca, &ca_options);
	make_leaf(&leaf, (struct fixture_options){
		.sans = host_sans, .issuer = &ca,
	});
	pem = fixture_cert_pem(old_root.cert);
	options.trust_file = fixture_write_file(trust_dir, "sha1-root.pem",
	    pem);
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, ca.cert);
	add_cert(&r, INPUT_FROM_BUNDLE, old_root.cert);
	run(&r, &options);

	assert_true(r.ok);
	expect_codes(&r, "bundle-root-removed");
	expect_chain(&r, (X509 *[]){ ca.cert }, 1);
	free((char *)options.trust_file);
	free(pem);
	result_free(&r);
	fixture_pair_free(&leaf);
	fixture_pair_free(&ca);
	fixture_pair_free(&old_root);
}

static void test_expired(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_leaf(&leaf, (struct fixture_options){
		.sans = host_sans, .not_before_days = -90,
		.not_after_days = -2,
	});
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	run(&r, &options);

	expect_failed(&r);
	expect_codes(&r, "expired");
	expect_message_has(&r, "expired", HOST);
	expect_message_has(&r, "expired", " UTC");
	result_free(&r);
	fixture_pair_free(&leaf);
}

static void test_expired_by_time_travel(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_default_leaf(&leaf);
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);

	options.now = time(NULL) + 80 * DAY;
	run(&r, &options);
	assert_true(r.ok);
	expect_codes(&r, "expires-soon");
	material_free(&r.out);
	material_init(&r.out);
	findings_free(&r.findings);

	options.now = time(NULL) + 100 * DAY;
	run(&r, &options);
	expect_failed(&r);
	expect_codes(&r, "expired");
	result_free(&r);
	fixture_pair_free(&leaf);
}

static void test_expired_intermediate(void **state)
{
	struct fixture_options old_options = {
		.cn = "Expired Intermediate CA", .ca = true,
		.not_before_days = -400, .not_after_days = -3,
		.key_type = "ecdsa-p256", .issuer = &root,
	};
	struct validate_options options = default_options();
	struct fixture_pair old, leaf;
	struct result r;

	(void)state;
	fixture_make(&old, &old_options);
	make_leaf(&leaf, (struct fixture_options){
		.sans = host_sans, .issuer = &old,
	});
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, old.cert);
	run(&r, &options);

	expect_failed(&r);
	expect_codes(&r, "expired");
	expect_message_has(&r, "expired", "Expired Intermediate CA");
	result_free(&r);
	fixture_pair_free(&leaf);
	fixture_pair_free(&old);
}

static void test_not_yet_valid(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_leaf(&leaf, (struct fixture_options){
		.sans = host_sans, .not_before_days = 2,
	});
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	run(&r, &options);

	expect_failed(&r);
	expect_codes(&r, "not-yet-valid");
	expect_message_has(&r, "not-yet-valid", HOST);
	expect_message_has(&r, "not-yet-valid", "clock");
	result_free(&r);
	fixture_pair_free(&leaf);
}

static void test_chain_incomplete(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_default_leaf(&leaf);
	result_init(&r);
	add_pair(&r, &leaf);
	run(&r, &options);

	expect_failed(&r);
	expect_codes(&r, "chain-incomplete");
	expect_message_has(&r, "chain-incomplete",
	    "CN=svccert Test Intermediate CA");
	expect_message_has(&r, "chain-incomplete", "CA bundle");
	result_free(&r);
	fixture_pair_free(&leaf);
}

/* An intermediate alone in the trust store is no anchor: a partial chain
 * would pass here and fail at every client that lacks it. */
static void test_intermediate_alone_in_store(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;
	char *pem = fixture_cert_pem(inter.cert);
	char *path = fixture_write_file(trust_dir, "inter.pem", pem);

	(void)state;
	make_default_leaf(&leaf);
	options.trust_file = path;
	result_init(&r);
	add_pair(&r, &leaf);
	run(&r, &options);

	expect_failed(&r);
	expect_codes(&r, "chain-incomplete");
	expect_message_has(&r, "chain-incomplete", "CN=svccert Test Root CA");
	result_free(&r);
	fixture_pair_free(&leaf);
	free(path);
	free(pem);
}

/* The intermediate completes the chain from the store, and is served
 * because clients do not have it. */
static void test_store_with_intermediate_and_root(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;
	char *root_pem = fixture_cert_pem(root.cert);
	char *inter_pem = fixture_cert_pem(inter.cert);
	char *both = fixture_concat(root_pem, inter_pem, NULL);
	char *path = fixture_write_file(trust_dir, "both.pem", both);

	(void)state;
	make_default_leaf(&leaf);
	options.trust_file = path;
	result_init(&r);
	add_pair(&r, &leaf);
	run(&r, &options);

	assert_true(r.ok);
	expect_codes(&r, "");
	expect_chain(&r, (X509 *[]){ inter.cert }, 1);
	result_free(&r);
	fixture_pair_free(&leaf);
	free(path);
	free(both);
	free(inter_pem);
	free(root_pem);
}

static void test_untrusted_root(void **state)
{
	struct fixture_options other_options = {
		.cn = "Private Root CA", .ca = true, .not_after_days = 3650,
		.key_type = "ecdsa-p256",
	};
	struct fixture_options ca_options = {
		.cn = "Private Intermediate CA", .ca = true,
		.not_after_days = 365, .key_type = "ecdsa-p256",
	};
	struct validate_options options = default_options();
	struct fixture_pair other, ca, leaf;
	struct result r;

	(void)state;
	fixture_make(&other, &other_options);
	ca_options.issuer = &other;
	fixture_make(&ca, &ca_options);
	make_leaf(&leaf, (struct fixture_options){
		.sans = host_sans, .issuer = &ca,
	});
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, ca.cert);
	add_cert(&r, INPUT_FROM_BUNDLE, other.cert);
	run(&r, &options);

	expect_failed(&r);
	expect_codes(&r, "untrusted-root bundle-root-removed");
	expect_message_has(&r, "untrusted-root", "Private Root CA");
	expect_severity(&r, "bundle-root-removed", FINDING_WARNING);
	result_free(&r);
	fixture_pair_free(&leaf);
	fixture_pair_free(&ca);
	fixture_pair_free(&other);
}

static void test_self_signed(void **state)
{
	struct fixture_options self_options = {
		.cn = HOST, .sans = host_sans, .key_type = "ecdsa-p256",
		.not_after_days = 365,
	};
	struct validate_options options = default_options();
	struct fixture_pair self;
	struct result r;

	(void)state;
	fixture_make(&self, &self_options);
	result_init(&r);
	add_pair(&r, &self);
	run(&r, &options);

	assert_true(r.ok);
	expect_codes(&r, "self-signed");
	expect_severity(&r, "self-signed", FINDING_WARNING);
	expect_message_has(&r, "self-signed", "certificate authority");
	expect_chain(&r, NULL, 0);
	result_free(&r);
	fixture_pair_free(&self);
}

static void test_expires_soon(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_leaf(&leaf, (struct fixture_options){
		.sans = host_sans, .not_after_days = 10,
	});
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	/* Half a day on, so the count of whole days left is certain. */
	options.now = time(NULL) + DAY / 2;
	run(&r, &options);
	assert_true(r.ok);
	expect_codes(&r, "expires-soon");
	expect_severity(&r, "expires-soon", FINDING_WARNING);
	expect_message_has(&r, "expires-soon", "9 days left");

	/* Below the administrator's threshold: nothing to say. */
	material_free(&r.out);
	material_init(&r.out);
	findings_free(&r.findings);
	options.warn_days = 7;
	run(&r, &options);
	assert_true(r.ok);
	expect_codes(&r, "");
	result_free(&r);
	fixture_pair_free(&leaf);
}

static void test_hostname_not_covered(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_default_leaf(&leaf);
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	options.hostname = "ftp.example.org";
	run(&r, &options);

	assert_true(r.ok);
	expect_codes(&r, "hostname-not-covered");
	expect_message_has(&r, "hostname-not-covered", "ftp.example.org");
	expect_message_has(&r, "hostname-not-covered",
	    HOST ", example.com");
	result_free(&r);
	fixture_pair_free(&leaf);
}

static void test_no_san(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_leaf(&leaf, (struct fixture_options){ .sans = NULL });
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	run(&r, &options);

	assert_true(r.ok);
	expect_codes(&r, "no-san");
	expect_message_has(&r, "no-san", "CN");
	result_free(&r);
	fixture_pair_free(&leaf);
}

/* root -> inter -> second -> leaf, the bundle given root-side first. */
static void test_bundle_reordered(void **state)
{
	struct fixture_options second_options = {
		.cn = "svccert Test Issuing CA", .ca = true,
		.not_after_days = 365, .key_type = "ecdsa-p256",
		.issuer = &inter,
	};
	struct validate_options options = default_options();
	struct fixture_pair second, leaf;
	struct result r;

	(void)state;
	fixture_make(&second, &second_options);
	make_leaf(&leaf, (struct fixture_options){
		.sans = host_sans, .issuer = &second,
	});
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	add_cert(&r, INPUT_FROM_BUNDLE, second.cert);
	run(&r, &options);

	assert_true(r.ok);
	expect_codes(&r, "bundle-reordered");
	expect_chain(&r, (X509 *[]){ second.cert, inter.cert }, 2);
	result_free(&r);

	/* In order: no warning, same chain. */
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, second.cert);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	run(&r, &options);
	assert_true(r.ok);
	expect_codes(&r, "");
	expect_chain(&r, (X509 *[]){ second.cert, inter.cert }, 2);
	result_free(&r);
	fixture_pair_free(&leaf);
	fixture_pair_free(&second);
}

/* A bundle pasted root first is reversed even though the root is dropped. */
static void test_bundle_reversed_with_root(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_default_leaf(&leaf);
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, root.cert);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	run(&r, &options);
	assert_true(r.ok);
	expect_codes(&r, "bundle-reordered bundle-root-removed");
	expect_chain(&r, (X509 *[]){ inter.cert }, 1);
	result_free(&r);

	/* Intermediate then root: in order, only the root is dropped. */
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	add_cert(&r, INPUT_FROM_BUNDLE, root.cert);
	run(&r, &options);
	assert_true(r.ok);
	expect_codes(&r, "bundle-root-removed");
	result_free(&r);
	fixture_pair_free(&leaf);
}

static void test_bundle_leaf_removed(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_default_leaf(&leaf);
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, leaf.cert);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	run(&r, &options);

	assert_true(r.ok);
	expect_codes(&r, "bundle-leaf-removed");
	expect_chain(&r, (X509 *[]){ inter.cert }, 1);
	result_free(&r);
	fixture_pair_free(&leaf);
}

static void test_bundle_root_removed(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_default_leaf(&leaf);
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	add_cert(&r, INPUT_FROM_BUNDLE, root.cert);
	run(&r, &options);

	assert_true(r.ok);
	expect_codes(&r, "bundle-root-removed");
	expect_message_has(&r, "bundle-root-removed", "svccert Test Root CA");
	expect_chain(&r, (X509 *[]){ inter.cert }, 1);
	result_free(&r);
	fixture_pair_free(&leaf);
}

/* The root's subject and key, certified by an older root, long expired:
 * what the Let's Encrypt DST cross-sign looks like today. */
static X509 *make_cross_sign(const struct fixture_pair *old_root)
{
	X509 *cross = X509_dup(root.cert);
	int index;

	assert_non_null(cross);
	assert_int_equal(X509_set_issuer_name(cross,
	    X509_get_subject_name(old_root->cert)), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(cross),
	    -400L * DAY));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(cross),
	    -10L * DAY));
	index = X509_get_ext_by_NID(cross, NID_authority_key_identifier, -1);
	if (index >= 0)
		X509_EXTENSION_free(X509_delete_ext(cross, index));
	assert_true(X509_sign(cross, old_root->key, EVP_sha256()) > 0);
	return cross;
}

static void test_cross_sign_trimmed(void **state)
{
	struct fixture_options old_options = {
		.cn = "Old Root CA", .ca = true, .not_after_days = 3650,
		.not_before_days = -3000, .key_type = "ecdsa-p256",
	};
	struct validate_options options = default_options();
	struct fixture_pair old_root, leaf;
	struct result r;
	X509 *cross;

	(void)state;
	fixture_make(&old_root, &old_options);
	cross = make_cross_sign(&old_root);
	make_default_leaf(&leaf);
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	add_cert(&r, INPUT_FROM_BUNDLE, cross);
	run(&r, &options);

	assert_true(r.ok);
	expect_codes(&r, "cross-sign-trimmed");
	expect_message_has(&r, "cross-sign-trimmed", "svccert Test Root CA");
	expect_chain(&r, (X509 *[]){ inter.cert }, 1);
	result_free(&r);
	X509_free(cross);
	fixture_pair_free(&leaf);
	fixture_pair_free(&old_root);
}

static void test_bundle_unrelated_removed(void **state)
{
	struct fixture_options stranger_options = {
		.cn = "Some Other CA", .ca = true, .not_after_days = 365,
		.key_type = "ecdsa-p256", .issuer = &root,
	};
	struct validate_options options = default_options();
	struct fixture_pair stranger, leaf;
	struct result r;

	(void)state;
	fixture_make(&stranger, &stranger_options);
	make_default_leaf(&leaf);
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, stranger.cert);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	run(&r, &options);

	assert_true(r.ok);
	expect_codes(&r, "bundle-unrelated-removed");
	expect_message_has(&r, "bundle-unrelated-removed", "Some Other CA");
	expect_chain(&r, (X509 *[]){ inter.cert }, 1);
	result_free(&r);
	fixture_pair_free(&leaf);
	fixture_pair_free(&stranger);
}

static void test_ed25519_key(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_leaf(&leaf, (struct fixture_options){
		.sans = host_sans, .key_type = "ed25519",
	});
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	run(&r, &options);

	assert_true(r.ok);
	expect_codes(&r, "ed25519-key");
	expect_severity(&r, "ed25519-key", FINDING_WARNING);
	result_free(&r);
	fixture_pair_free(&leaf);
}

/*
 * A leaf the fixture cannot make: base with another key (NULL: its own)
 * and extension nid set to value (NULL: removed), signed again by
 * signer, or by itself when signer is NULL.
 */
static void make_custom(struct fixture_pair *leaf,
    const struct fixture_pair *base, EVP_PKEY *key, int nid,
    const char *value, const struct fixture_pair *signer)
{
	X509_EXTENSION *ext;
	X509V3_CTX ctx;
	int index;

	leaf->cert = X509_dup(base->cert);
	leaf->key = key != NULL ? key : base->key;
	assert_non_null(leaf->cert);
	assert_int_equal(EVP_PKEY_up_ref(leaf->key), 1);
	assert_int_equal(X509_set_pubkey(leaf->cert, leaf->key), 1);

	while (nid != NID_undef &&
	    (index = X509_get_ext_by_NID(leaf->cert, nid, -1)) >= 0)
		X509_EXTENSION_free(X509_delete_ext(leaf->cert, index));
	if (nid != NID_undef && value != NULL) {
		X509V3_set_ctx(&ctx, signer ? signer->cert : leaf->cert,
		    leaf->cert, NULL, NULL, 0);
		ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
		assert_non_null(ext);
		assert_int_equal(X509_add_ext(leaf->cert, ext, -1), 1);
		X509_EXTENSION_free(ext);
	}
	assert_true(X509_sign(leaf->cert, signer ? signer->key : leaf->key,
	    EVP_sha256()) > 0);
}

/* The default leaf under the shared intermediate, changed so. */
static void make_custom_leaf(struct fixture_pair *leaf, EVP_PKEY *key,
    int nid, const char *value)
{
	struct fixture_pair base;

	make_default_leaf(&base);
	make_custom(leaf, &base, key, nid, value, &inter);
	fixture_pair_free(&base);
}

/*
 * Validate leaf with the intermediate: with code NULL it passes without
 * findings, else it fails with exactly code, whose message names the
 * leaf and has text.
 */
static void check_leaf(const struct fixture_pair *leaf, const char *code,
    const char *text)
{
	struct validate_options options = default_options();
	struct result r;

	result_init(&r);
	add_pair(&r, leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	run(&r, &options);

	if (code == NULL) {
		assert_true(r.ok);
		expect_codes(&r, "");
	} else {
		expect_failed(&r);
		expect_codes(&r, code);
		expect_message_has(&r, code, "\"" HOST "\"");
		expect_message_has(&r, code, text);
	}
	result_free(&r);
}

static void check_usage(int nid, const char *value, const char *code,
    const char *text)
{
	struct fixture_pair leaf;

	make_custom_leaf(&leaf, NULL, nid, value);
	check_leaf(&leaf, code, text);
	fixture_pair_free(&leaf);
}

static void test_not_for_servers(void **state)
{
	(void)state;
	check_usage(NID_ext_key_usage, "clientAuth", "not-for-servers",
	    "TLS Web Server Authentication");
	check_usage(NID_ext_key_usage, "emailProtection,codeSigning",
	    "not-for-servers", "request a server");
	/* OpenSSL, and so its clients, refuse anyExtendedKeyUsage alone. */
	check_usage(NID_ext_key_usage, "anyExtendedKeyUsage",
	    "not-for-servers", "extendedKeyUsage");
	check_usage(NID_ext_key_usage, "clientAuth,serverAuth", NULL, NULL);
	check_usage(NID_ext_key_usage, "serverAuth,anyExtendedKeyUsage",
	    NULL, NULL);
	check_usage(NID_ext_key_usage, NULL, NULL, NULL);
	check_usage(NID_netscape_cert_type, "client", "not-for-servers",
	    "Netscape");
	check_usage(NID_netscape_cert_type, "server", NULL, NULL);
}

static void test_not_for_servers_key_usage(void **state)
{
	struct fixture_pair leaf;
	EVP_PKEY *rsa;

	(void)state;
	/* The default leaf is ECDSA: it can only sign. */
	check_usage(NID_key_usage, "critical,keyEncipherment",
	    "not-for-servers", "Digital Signature");
	check_usage(NID_key_usage, "critical,keyAgreement",
	    "not-for-servers", "Digital Signature");
	check_usage(NID_key_usage, "critical,keyCertSign,cRLSign",
	    "not-for-servers", "keyUsage");
	check_usage(NID_key_usage, "critical,digitalSignature", NULL, NULL);
	check_usage(NID_key_usage, NULL, NULL, NULL);

	/* RSA may encipher the key exchange instead. */
	rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	assert_non_null(rsa);
	make_custom_leaf(&leaf, rsa, NID_key_usage,
	    "critical,keyEncipherment");
	check_leaf(&leaf, NULL, NULL);
	fixture_pair_free(&leaf);
	make_custom_leaf(&leaf, rsa, NID_key_usage, "critical,nonRepudiation");
	check_leaf(&leaf, "not-for-servers", "Key Encipherment");
	fixture_pair_free(&leaf);
	EVP_PKEY_free(rsa);
}

/* No chain is checked for a self-signed leaf; its purpose still is. */
static void test_not_for_servers_self_signed(void **state)
{
	struct fixture_options base_options = {
		.cn = HOST, .sans = host_sans, .key_type = "ecdsa-p256",
	};
	struct validate_options options = default_options();
	struct fixture_pair base, leaf;
	struct result r;

	(void)state;
	fixture_make(&base, &base_options);
	make_custom(&leaf, &base, NULL, NID_ext_key_usage, "clientAuth", NULL);
	result_init(&r);
	add_pair(&r, &leaf);
	run(&r, &options);

	expect_failed(&r);
	expect_codes(&r, "not-for-servers self-signed");
	result_free(&r);
	fixture_pair_free(&leaf);
	fixture_pair_free(&base);
}

static EVP_PKEY *make_dsa_key(int bits)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "DSA", NULL);
	EVP_PKEY *params = NULL, *key = NULL;

	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_paramgen_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_dsa_paramgen_bits(ctx, bits), 1);
	assert_int_equal(EVP_PKEY_paramgen(ctx, &params), 1);
	EVP_PKEY_CTX_free(ctx);

	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL);
	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
	assert_int_equal(EVP_PKEY_keygen(ctx, &key), 1);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(params);
	return key;
}

/* key in the default leaf: code NULL when it is served as it is. */
static void check_key(EVP_PKEY *key, const char *code, const char *text)
{
	struct fixture_pair leaf;

	assert_non_null(key);
	make_custom_leaf(&leaf, key, NID_undef, NULL);
	check_leaf(&leaf, code, text);
	fixture_pair_free(&leaf);
	EVP_PKEY_free(key);
}

static void test_unsupported_key(void **state)
{
	(void)state;
	check_key(make_dsa_key(2048), "unsupported-key", "a DSA key");
	check_key(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "brainpoolP256r1"),
	    "unsupported-key", "brainpoolP256r1");
	check_key(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp256k1"),
	    "unsupported-key", "secp256k1");
	check_key(EVP_PKEY_Q_keygen(NULL, NULL, "ED448"), "unsupported-key",
	    "Ed448");

	check_key(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), NULL, NULL);
	check_key(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384"), NULL, NULL);
	check_key(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521"), NULL, NULL);
}

static void test_chain_invalid(void **state)
{
	struct fixture_options not_ca_options = {
		.cn = "Not A CA", .ca = false, .not_after_days = 365,
		.key_type = "ecdsa-p256", .issuer = &root,
	};
	struct validate_options options = default_options();
	struct fixture_pair not_ca, leaf;
	struct result r;

	(void)state;
	fixture_make(&not_ca, &not_ca_options);
	make_leaf(&leaf, (struct fixture_options){
		.sans = host_sans, .issuer = &not_ca,
	});
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, not_ca.cert);
	run(&r, &options);

	expect_failed(&r);
	expect_codes(&r, "chain-invalid");
	result_free(&r);
	fixture_pair_free(&leaf);
	fixture_pair_free(&not_ca);
}

static void test_trust_file_missing(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct result r;

	(void)state;
	make_default_leaf(&leaf);
	options.trust_file = "/nonexistent/svccert/roots.pem";
	result_init(&r);
	add_pair(&r, &leaf);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	run(&r, &options);

	expect_failed(&r);
	expect_codes(&r, "trust-store-unreadable");
	expect_message_has(&r, "trust-store-unreadable", options.trust_file);
	result_free(&r);
	fixture_pair_free(&leaf);
}

/* Key, leaf and chain pasted into the one certificate field. */
static void check_combined(const char *order, const char *codes)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf;
	struct strbuf paste;
	struct result r;
	char *pem;

	make_default_leaf(&leaf);
	strbuf_init(&paste);
	for (const char *c = order; *c != '\0'; c++) {
		if (*c == 'k')
			pem = fixture_key_pem(leaf.key);
		else
			pem = fixture_cert_pem(*c == 'l' ? leaf.cert :
			    inter.cert);
		strbuf_append(&paste, pem, strlen(pem));
		strbuf_append(&paste, "\r\n", 2);
		free(pem);
	}
	result_init(&r);
	add_text(&r, INPUT_FROM_CERT, paste.data);
	run(&r, &options);

	assert_true(r.ok);
	expect_codes(&r, codes);
	assert_int_equal(X509_cmp(r.out.leaf, leaf.cert), 0);
	assert_int_equal(EVP_PKEY_eq(r.out.key, leaf.key), 1);
	expect_chain(&r, (X509 *[]){ inter.cert }, 1);
	result_free(&r);
	strbuf_free(&paste);
	fixture_pair_free(&leaf);
}

static void test_combined_paste(void **state)
{
	(void)state;
	check_combined("kli", "");
	check_combined("lik", "");
	check_combined("kil", "bundle-reordered");
	check_combined("ilk", "bundle-reordered");
}

static void check_host(X509 *cert, EVP_PKEY *key, const char *host,
    bool covered)
{
	struct validate_options options = default_options();
	struct result r;

	result_init(&r);
	add_cert(&r, INPUT_FROM_CERT, cert);
	add_key(&r, key);
	add_cert(&r, INPUT_FROM_BUNDLE, inter.cert);
	options.hostname = host;
	run(&r, &options);
	assert_true(r.ok);
	expect_codes(&r, covered ? "" : "hostname-not-covered");
	result_free(&r);
}

static void test_wildcard_and_idn(void **state)
{
	const char *const sans[] = {
		"*.example.com", "xn--bcher-kva.example", NULL,
	};
	struct fixture_pair leaf;

	(void)state;
	make_leaf(&leaf, (struct fixture_options){
		.cn = "*.example.com", .sans = sans,
	});
	check_host(leaf.cert, leaf.key, "mail.example.com", true);
	check_host(leaf.cert, leaf.key, "MAIL.Example.COM", true);
	check_host(leaf.cert, leaf.key, "b\xc3\xbc" "cher.example", true);
	check_host(leaf.cert, leaf.key, "xn--bcher-kva.example", true);
	check_host(leaf.cert, leaf.key, "example.com", false);
	check_host(leaf.cert, leaf.key, "a.b.example.com", false);
	check_host(leaf.cert, leaf.key, "mail.example.org", false);
	fixture_pair_free(&leaf);
}

static void test_several_errors(void **state)
{
	struct validate_options options = default_options();
	struct fixture_pair leaf, other;
	struct result r;

	(void)state;
	make_leaf(&leaf, (struct fixture_options){
		.sans = host_sans, .key_type = "rsa-1024", .digest = "sha1",
		.not_before_days = -90, .not_after_days = -1,
	});
	make_default_leaf(&other);
	result_init(&r);
	add_cert(&r, INPUT_FROM_CERT, leaf.cert);
	add_key(&r, other.key);
	run(&r, &options);

	expect_failed(&r);
	expect_codes(&r, "key-mismatch weak-key weak-signature expired "
	    "chain-incomplete");
	assert_true(findings_count(&r.findings, FINDING_ERROR) >= 5);
	result_free(&r);
	fixture_pair_free(&leaf);
	fixture_pair_free(&other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_chain),
		cmocka_unit_test(test_system_trust_and_trust_file),
		cmocka_unit_test(test_no_certificate),
		cmocka_unit_test(test_malformed_input_kept),
		cmocka_unit_test(test_encrypted_key),
		cmocka_unit_test(test_several_keys),
		cmocka_unit_test(test_no_key),
		cmocka_unit_test(test_key_mismatch),
		cmocka_unit_test(test_key_matches_nothing),
		cmocka_unit_test(test_weak_key),
		cmocka_unit_test(test_weak_signature_leaf),
		cmocka_unit_test(test_weak_signature_intermediate),
		cmocka_unit_test(test_sha1_root_not_judged),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_expired_by_time_travel),
		cmocka_unit_test(test_expired_intermediate),
		cmocka_unit_test(test_not_yet_valid),
		cmocka_unit_test(test_chain_incomplete),
		cmocka_unit_test(test_intermediate_alone_in_store),
		cmocka_unit_test(test_store_with_intermediate_and_root),
		cmocka_unit_test(test_untrusted_root),
		cmocka_unit_test(test_self_signed),
		cmocka_unit_test(test_expires_soon),
		cmocka_unit_test(test_hostname_not_covered),
		cmocka_unit_test(test_no_san),
		cmocka_unit_test(test_bundle_reordered),
		cmocka_unit_test(test_bundle_reversed_with_root),
		cmocka_unit_test(test_bundle_leaf_removed),
		cmocka_unit_test(test_bundle_root_removed),
		cmocka_unit_test(test_cross_sign_trimmed),
		cmocka_unit_test(test_bundle_unrelated_removed),
		cmocka_unit_test(test_ed25519_key),
		cmocka_unit_test(test_not_for_servers),
		cmocka_unit_test(test_not_for_servers_key_usage),
		cmocka_unit_test(test_not_for_servers_self_signed),
		cmocka_unit_test(test_unsupported_key),
		cmocka_unit_test(test_chain_invalid),
		cmocka_unit_test(test_trust_file_missing),
		cmocka_unit_test(test_combined_paste),
		cmocka_unit_test(test_wildcard_and_idn),
		cmocka_unit_test(test_several_errors),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
