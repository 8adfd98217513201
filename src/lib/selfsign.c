/*
 * selfsign.c - fresh self-signed certificates for "reset".
 *
 * A daemon must never be left without a certificate to serve: when an
 * administrator resets a service, it gets a new key and a self-signed
 * certificate that clients can at least pin or accept once.  The
 * certificate looks like what a public CA issues for a server (SAN for
 * every name, serverAuth, CA:FALSE), so daemons and clients that check
 * those fields accept it.
 */
#include "selfsign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "names.h"
#include "util.h"

#define SELFSIGN_ORG "svccert self-signed"
#define SELFSIGN_KEY_TYPES "rsa-2048, rsa-4096, ecdsa-p256 or ecdsa-p384"
/* ub-common-name (RFC 5280): a longer first name stays in the SAN only. */
#define SELFSIGN_CN_MAX 64
/* Clients a few minutes behind must not see a certificate from the
 * future. */
#define SELFSIGN_BACKDATE_SECONDS (5 * 60)
/* Beyond a century X509_time_adj_ex and some clients misbehave. */
#define SELFSIGN_DAYS_MAX 36500

bool selfsign_key_type_valid(const char *key_type)
{
	return key_type != NULL && (strcmp(key_type, "rsa-2048") == 0 ||
	    strcmp(key_type, "rsa-4096") == 0 ||
	    strcmp(key_type, "ecdsa-p256") == 0 ||
	    strcmp(key_type, "ecdsa-p384") == 0);
}

static EVP_PKEY *selfsign_make_key(const char *key_type)
{
	if (strcmp(key_type, "rsa-2048") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (strcmp(key_type, "rsa-4096") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096);
	if (strcmp(key_type, "ecdsa-p256") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
}

/* A random 128-bit serial: two resets of one host must never produce
 * certificates that clients confuse by issuer and serial. */
static bool selfsign_set_serial(X509 *cert)
{
	BIGNUM *bn = BN_new();
	bool ok = false;

	if (bn == NULL)
		abort();
	if (!BN_rand(bn, 128, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY))
		goto out;
	if (BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) == NULL)
		goto out;
	ok = true;
out:
	BN_free(bn);
	return ok;
}

static bool selfsign_set_names(X509 *cert, const char *cn)
{
	X509_NAME *name = X509_get_subject_name(cert);

	if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
	    (const unsigned char *)SELFSIGN_ORG, -1, -1, 0))
		return false;

	if (strlen(cn) <= SELFSIGN_CN_MAX && !X509_NAME_add_entry_by_txt(name,
	    "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0))
		return false;

	/* Self-signed: the issuer is the subject. */
	return X509_set_issuer_name(cert, name) == 1;
}

static bool selfsign_set_validity(X509 *cert, int days)
{
	if (X509_gmtime_adj(X509_getm_notBefore(cert),
	    -SELFSIGN_BACKDATE_SECONDS) == NULL)
		return false;
	return X509_time_adj_ex(X509_getm_notAfter(cert), days, 0,
	    NULL) != NULL;
}

static bool selfsign_add_ext(X509 *cert, X509V3_CTX *ctx, int nid,
    const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	bool ok;

	if (ext == NULL)
		return false;
	ok = X509_add_ext(cert, ext, -1) == 1;
	X509_EXTENSION_free(ext);
	return ok;
}

/* One SAN entry: an IP address when the name parses as one, because
 * clients that connect by address compare against iPAddress only. */
static GENERAL_NAME *selfsign_general_name(const char *name)
{
	GENERAL_NAME *gen = GENERAL_NAME_new();
	ASN1_OCTET_STRING *ip = a2i_IPADDRESS(name);
	ASN1_IA5STRING *dns;

	if (gen == NULL)
		abort();
	if (ip != NULL) {
		GENERAL_NAME_set0_value(gen, GEN_IPADD, ip);
		return gen;
	}

	dns = ASN1_IA5STRING_new();
	if (dns == NULL || !ASN1_STRING_set(dns, name, -1))
		abort();
	GENERAL_NAME_set0_value(gen, GEN_DNS, dns);
	return gen;
}

static bool selfsign_add_san(X509 *cert, char *const *names,
    size_t name_count)
{
	GENERAL_NAMES *gens = GENERAL_NAMES_new();
	bool ok;

	if (gens == NULL)
		abort();
	for (size_t i = 0; i < name_count; i++)
		if (!sk_GENERAL_NAME_push(gens,
		    selfsign_general_name(names[i])))
			abort();
	ok = X509_add1_ext_i2d(cert, NID_subject_alt_name, gens, 0,
	    X509V3_ADD_DEFAULT) == 1;
	GENERAL_NAMES_free(gens);
	return ok;
}

static bool selfsign_add_extensions(X509 *cert, EVP_PKEY *key,
    char *const *names, size_t name_count)
{
	X509V3_CTX ctx;
	/* keyEncipherment is RSA key transport; an EC key cannot do it. */
	const char *usage = EVP_PKEY_is_a(key, "RSA") ?
	    "critical,digitalSignature,keyEncipherment" :
	    "critical,digitalSignature";

	X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
	return selfsign_add_ext(cert, &ctx, NID_basic_constraints,
	    "critical,CA:FALSE") &&
	    selfsign_add_ext(cert, &ctx, NID_key_usage, usage) &&
	    selfsign_add_ext(cert, &ctx, NID_ext_key_usage, "serverAuth") &&
	    selfsign_add_ext(cert, &ctx, NID_subject_key_identifier,
	    "hash") &&
	    selfsign_add_san(cert, names, name_count);
}

static void selfsign_free_names(char **names, size_t count)
{
	if (names == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

/* Certificates carry A-labels only.  An IP address is kept as given; a
 * wildcard label is not a name IDNA knows, so only the rest is converted. */
static char *selfsign_ascii_name(const char *name)
{
	ASN1_OCTET_STRING *ip = a2i_IPADDRESS(name);
	char *rest, *ascii;

	ERR_clear_error();
	if (ip != NULL) {
		ASN1_OCTET_STRING_free(ip);
		return xstrdup(name);
	}
	if (strncmp(name, "*.", 2) != 0)
		return names_to_ascii(name);

	if ((rest = names_to_ascii(name + 2)) == NULL)
		return NULL;
	ascii = xasprintf("*.%s", rest);
	free(rest);
	return ascii;
}

static char **selfsign_ascii_names(const char *const *names,
    size_t name_count, struct error *err)
{
	char **ascii = xcalloc(name_count, sizeof(*ascii));

	for (size_t i = 0; i < name_count; i++) {
		if ((ascii[i] = selfsign_ascii_name(names[i])) == NULL) {
			error_set(err, "bad-name", "\"%s\" is not a valid host "
			    "name; give names such as mail.example.com",
			    names[i]);
			selfsign_free_names(ascii, name_count);
			return NULL;
		}
	}
	return ascii;
}

static bool selfsign_check_arguments(const char *key_type,
    size_t name_count, int days, struct error *err)
{
	if (!selfsign_key_type_valid(key_type)) {
		error_set(err, "bad-key-type", "unknown key type \"%s\"; use "
		    SELFSIGN_KEY_TYPES, key_type ? key_type : "");
		return false;
	}
	if (name_count == 0) {
		error_set(err, "no-name", "a self-signed certificate needs at "
		    "least one host name; give the name clients connect to");
		return false;
	}
	if (days < 1 || days > SELFSIGN_DAYS_MAX) {
		error_set(err, "bad-days", "a self-signed certificate cannot "
		    "be valid for %d days; give 1 to %d days", days,
		    SELFSIGN_DAYS_MAX);
		return false;
	}
	return true;
}

static X509 *selfsign_build(EVP_PKEY *key, char *const *names,
    size_t name_count, int days)
{
	X509 *cert = X509_new();
	bool ok = false;

	if (cert == NULL)
		abort();
	if (!X509_set_version(cert, X509_VERSION_3) ||
	    !selfsign_set_serial(cert) ||
	    !selfsign_set_names(cert, names[0]) ||
	    !selfsign_set_validity(cert, days))
		goto out;

	/* The key must be set before its identifier can be hashed. */
	if (!X509_set_pubkey(cert, key) ||
	    !selfsign_add_extensions(cert, key, names, name_count))
		goto out;

	if (X509_sign(cert, key, EVP_sha256()) <= 0)
		goto out;
	ok = true;
out:
	if (!ok) {
		X509_free(cert);
		cert = NULL;
	}
	return cert;
}

bool selfsign_make(struct material *out, const char *key_type,
    const char *const *names, size_t name_count, int days,
    struct error *err)
{
	char **ascii = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	bool ok = false;

	if (!selfsign_check_arguments(key_type, name_count, days, err))
		goto out;
	if ((ascii = selfsign_ascii_names(names, name_count, err)) == NULL)
		goto out;

	if ((key = selfsign_make_key(key_type)) == NULL) {
		error_set(err, "selfsign-failed", "cannot make a %s key for "
		    "%s", key_type, ascii[0]);
		error_append_openssl(err);
		goto out;
	}
	if ((cert = selfsign_build(key, ascii, name_count, days)) == NULL) {
		error_set(err, "selfsign-failed", "cannot make a self-signed "
		    "certificate for %s", ascii[0]);
		error_append_openssl(err);
		goto out;
	}

	/* Hand over only a complete result: out stays as it was on error. */
	material_free(out);
	material_init(out);
	out->leaf = cert;
	out->key = key;
	if (out->chain == NULL && (out->chain = sk_X509_new_null()) == NULL)
		abort();
	cert = NULL;
	key = NULL;
	ok = true;
out:
	X509_free(cert);
	EVP_PKEY_free(key);
	selfsign_free_names(ascii, name_count);
	return ok;
}
