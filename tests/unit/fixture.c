/*
 * fixture.c - a throwaway PKI made at test time.
 *
 * Every certificate the unit tests need is minted here, with fresh keys
 * and random serials, so nothing in the tree can expire and no test
 * depends on another's leftovers.  Any failure aborts: a fixture that
 * cannot be built is a broken test, not a user error.
 */
#include "fixture.h"

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "util.h"

static char **fixture_dirs;
static size_t fixture_dir_count;

static void fixture_fail(const char *what)
{
	fprintf(stderr, "fixture: %s failed\n", what);
	ERR_print_errors_fp(stderr);
	abort();
}

static EVP_PKEY *fixture_make_key(const char *type)
{
	EVP_PKEY *key = NULL;

	if (type == NULL || strcmp(type, "rsa-2048") == 0)
		key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	else if (strcmp(type, "rsa-1024") == 0)
		key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	else if (strcmp(type, "rsa-4096") == 0)
		key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096);
	else if (strcmp(type, "ecdsa-p256") == 0)
		key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else if (strcmp(type, "ecdsa-p384") == 0)
		key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	else if (strcmp(type, "ed25519") == 0)
		key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	else
		fixture_fail(type);
	if (key == NULL)
		fixture_fail("key generation");
	return key;
}

/* Random serials: two fixtures of one run must never look like the same
 * certificate to code that compares issuer and serial. */
static void fixture_set_serial(X509 *cert)
{
	BIGNUM *bn = BN_new();

	if (bn == NULL || !BN_rand(bn, 63, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY))
		fixture_fail("serial");
	if (BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) == NULL)
		fixture_fail("serial");
	BN_free(bn);
}

static void fixture_set_subject(X509 *cert, const struct fixture_options *o)
{
	X509_NAME *name = X509_get_subject_name(cert);

	if (o->org != NULL && !X509_NAME_add_entry_by_txt(name, "O",
	    MBSTRING_UTF8, (const unsigned char *)o->org, -1, -1, 0))
		fixture_fail("subject O");
	if (o->cn != NULL && !X509_NAME_add_entry_by_txt(name, "CN",
	    MBSTRING_UTF8, (const unsigned char *)o->cn, -1, -1, 0))
		fixture_fail("subject CN");
}

static void fixture_set_validity(X509 *cert, const struct fixture_options *o)
{
	long before = o->not_before_days ? o->not_before_days : -1;
	long after = o->not_after_days ? o->not_after_days : 30;

	if (!X509_gmtime_adj(X509_getm_notBefore(cert), before * 86400) ||
	    !X509_gmtime_adj(X509_getm_notAfter(cert), after * 86400))
		fixture_fail("validity");
}

static void fixture_add_ext(X509 *cert, X509V3_CTX *ctx, int nid,
    const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);

	if (ext == NULL || !X509_add_ext(cert, ext, -1))
		fixture_fail(value);
	X509_EXTENSION_free(ext);
}

static void fixture_add_sans(X509 *cert, X509V3_CTX *ctx,
    const char *const *sans)
{
	struct strbuf list;

	if (sans == NULL)
		return;
	strbuf_init(&list);
	for (size_t i = 0; sans[i] != NULL; i++)
		strbuf_appendf(&list, "%sDNS:%s", i ? "," : "", sans[i]);
	/* An empty list still adds the extension, for "SAN but no DNS". */
	if (list.length == 0)
		strbuf_append(&list, "email:nobody@invalid", 20);
	fixture_add_ext(cert, ctx, NID_subject_alt_name, list.data);
	strbuf_free(&list);
}

/* Extensions as a public CA would set them, so validation code sees
 * realistic certificates. */
static void fixture_add_extensions(X509 *cert, X509 *issuer,
    const struct fixture_options *o, EVP_PKEY *key)
{
	X509V3_CTX ctx;
	bool rsa = EVP_PKEY_is_a(key, "RSA");

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	if (o->ca) {
		fixture_add_ext(cert, &ctx, NID_basic_constraints,
		    "critical,CA:TRUE");
		fixture_add_ext(cert, &ctx, NID_key_usage,
		    "critical,keyCertSign,cRLSign");
	} else {
		fixture_add_ext(cert, &ctx, NID_basic_constraints,
		    "critical,CA:FALSE");
		fixture_add_ext(cert, &ctx, NID_key_usage, rsa ?
		    "critical,digitalSignature,keyEncipherment" :
		    "critical,digitalSignature");
		fixture_add_ext(cert, &ctx, NID_ext_key_usage, "serverAuth");
	}
	fixture_add_ext(cert, &ctx, NID_subject_key_identifier, "hash");
	fixture_add_ext(cert, &ctx, NID_authority_key_identifier,
	    "keyid:always");
	fixture_add_sans(cert, &ctx, o->sans);
}

/* EdDSA signs the message itself, so it takes no digest. */
static const EVP_MD *fixture_digest(EVP_PKEY *signer, const char *name)
{
	const EVP_MD *md;

	if (EVP_PKEY_is_a(signer, "ED25519") || EVP_PKEY_is_a(signer, "ED448"))
		return NULL;
	md = EVP_get_digestbyname(name ? name : "sha256");
	if (md == NULL)
		fixture_fail(name);
	return md;
}

void fixture_make(struct fixture_pair *out, const struct fixture_options *o)
{
	X509 *cert = X509_new();
	X509 *issuer_cert;
	EVP_PKEY *key = fixture_make_key(o->key_type);
	EVP_PKEY *signer;

	/* Identity and lifetime. */
	if (cert == NULL || !X509_set_version(cert, X509_VERSION_3))
		fixture_fail("X509_new");
	fixture_set_serial(cert);
	fixture_set_subject(cert, o);
	issuer_cert = o->issuer ? o->issuer->cert : cert;
	signer = o->issuer ? o->issuer->key : key;
	if (!X509_set_issuer_name(cert, X509_get_subject_name(issuer_cert)))
		fixture_fail("issuer name");
	fixture_set_validity(cert, o);

	/* The key must be in place before the key identifiers are hashed. */
	if (!X509_set_pubkey(cert, key))
		fixture_fail("public key");
	fixture_add_extensions(cert, issuer_cert, o, key);

	if (X509_sign(cert, signer, fixture_digest(signer, o->digest)) <= 0)
		fixture_fail("signature");
	out->cert = cert;
	out->key = key;
}

void fixture_pair_free(struct fixture_pair *pair)
{
	X509_free(pair->cert);
	EVP_PKEY_free(pair->key);
	pair->cert = NULL;
	pair->key = NULL;
}

void fixture_pki_make(struct fixture_pki *pki, const char *leaf_cn,
    const char *const *sans)
{
	struct fixture_options root = {
		.cn = "svccert Test Root CA", .org = "svccert tests",
		.ca = true, .not_after_days = 3650,
	};
	struct fixture_options intermediate = {
		.cn = "svccert Test Intermediate CA", .org = "svccert tests",
		.ca = true, .not_after_days = 1825,
	};
	struct fixture_options leaf = {
		.cn = leaf_cn, .sans = sans,
	};

	fixture_make(&pki->root, &root);
	intermediate.issuer = &pki->root;
	fixture_make(&pki->intermediate, &intermediate);
	leaf.issuer = &pki->intermediate;
	fixture_make(&pki->leaf, &leaf);
}

void fixture_pki_free(struct fixture_pki *pki)
{
	fixture_pair_free(&pki->leaf);
	fixture_pair_free(&pki->intermediate);
	fixture_pair_free(&pki->root);
}

static char *fixture_bio_text(BIO *bio)
{
	char *data;
	long length = BIO_get_mem_data(bio, &data);
	char *text = length > 0 ? xstrndup(data, (size_t)length)
	    : xstrdup("");

	BIO_free(bio);
	return text;
}

char *fixture_cert_pem(X509 *cert)
{
	BIO *bio = BIO_new(BIO_s_mem());

	if (bio == NULL || !PEM_write_bio_X509(bio, cert))
		fixture_fail("PEM_write_bio_X509");
	return fixture_bio_text(bio);
}

char *fixture_key_pem(EVP_PKEY *key)
{
	BIO *bio = BIO_new(BIO_s_secmem());

	if (bio == NULL || !PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0,
	    NULL, NULL))
		fixture_fail("PEM_write_bio_PrivateKey");
	return fixture_bio_text(bio);
}

char *fixture_concat(const char *first, ...)
{
	struct strbuf buf;
	va_list ap;

	strbuf_init(&buf);
	va_start(ap, first);
	for (const char *s = first; s != NULL; s = va_arg(ap, const char *))
		strbuf_append(&buf, s, strlen(s));
	va_end(ap);
	return strbuf_release(&buf);
}

char *fixture_temp_dir(void)
{
	char *dir = xstrdup("/tmp/svccert-test-XXXXXX");

	if (mkdtemp(dir) == NULL)
		fixture_fail("mkdtemp");
	fixture_dirs = xrealloc(fixture_dirs,
	    (fixture_dir_count + 1) * sizeof(*fixture_dirs));
	fixture_dirs[fixture_dir_count++] = xstrdup(dir);
	return dir;
}

char *fixture_write_file(const char *dir, const char *name,
    const char *data)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	if (f == NULL)
		fixture_fail(path);
	if (fwrite(data, 1, strlen(data), f) != strlen(data) || fclose(f) != 0)
		fixture_fail(path);
	return path;
}

static int fixture_remove_entry(const char *path, const struct stat *st,
    int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void fixture_cleanup_dirs(void)
{
	for (size_t i = 0; i < fixture_dir_count; i++) {
		/* FTW_PHYS: a test may leave symlinks; never follow them out
		 * of the temporary tree. */
		nftw(fixture_dirs[i], fixture_remove_entry, 16,
		    FTW_DEPTH | FTW_PHYS);
		free(fixture_dirs[i]);
	}
	free(fixture_dirs);
	fixture_dirs = NULL;
	fixture_dir_count = 0;
}
