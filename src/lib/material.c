/*
 * material.c - pick the leaf, order the chain, write the files daemons read.
 *
 * Pastes arrive in any order, often with the chain reversed or the same
 * intermediate twice.  This module only sorts: the leaf first, then its
 * issuers as the certificates themselves say, then whatever is left.
 * Whether the leftovers belong in a served chain is validate.c's call.
 */
#include "material.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "util.h"

void material_init(struct material *mat)
{
	mat->leaf = NULL;
	mat->key = NULL;
	/* Never NULL, so callers can count and walk it without a check. */
	if ((mat->chain = sk_X509_new_null()) == NULL)
		abort();
}

void material_free(struct material *mat)
{
	X509_free(mat->leaf);
	EVP_PKEY_free(mat->key);
	sk_X509_pop_free(mat->chain, X509_free);
	mat->leaf = NULL;
	mat->key = NULL;
	mat->chain = NULL;
}

void material_copy(struct material *dst, const struct material *src)
{
	X509 *leaf = src->leaf;
	EVP_PKEY *key = src->key;
	STACK_OF(X509) *chain = src->chain != NULL ?
	    X509_chain_up_ref(src->chain) : sk_X509_new_null();

	if (chain == NULL)
		abort();
	if (leaf != NULL)
		X509_up_ref(leaf);
	if (key != NULL)
		EVP_PKEY_up_ref(key);

	/* dst may be src itself: hold the references before freeing. */
	material_free(dst);
	dst->leaf = leaf;
	dst->key = key;
	dst->chain = chain;
}

static bool material_same_cert(X509 *a, X509 *b)
{
	unsigned char da[EVP_MAX_MD_SIZE], db[EVP_MAX_MD_SIZE];
	unsigned int la = 0, lb = 0;

	if (!X509_digest(a, EVP_sha256(), da, &la) ||
	    !X509_digest(b, EVP_sha256(), db, &lb))
		abort();
	return la == lb && memcmp(da, db, la) == 0;
}

/* The input's certificates in read order, each one once. */
struct material_pool {
	X509 **certs;
	enum input_origin *origins;
	bool *used;
	size_t count;
};

static void material_pool_make(struct material_pool *pool,
    const struct input *in)
{
	pool->certs = xcalloc(in->cert_count, sizeof(*pool->certs));
	pool->origins = xcalloc(in->cert_count, sizeof(*pool->origins));
	pool->used = xcalloc(in->cert_count, sizeof(*pool->used));
	pool->count = 0;

	for (size_t i = 0; i < in->cert_count; i++) {
		X509 *cert = in->certs[i].cert;
		bool seen = false;

		for (size_t j = 0; j < pool->count && !seen; j++)
			seen = material_same_cert(pool->certs[j], cert);
		if (seen)
			continue;
		pool->certs[pool->count] = cert;
		pool->origins[pool->count] = in->certs[i].origin;
		pool->count++;
	}
}

static void material_pool_free(struct material_pool *pool)
{
	free(pool->certs);
	free(pool->origins);
	free(pool->used);
}

/* Did pool->certs[i] issue any other certificate of the pool? */
static bool material_is_issuer(const struct material_pool *pool, size_t i)
{
	for (size_t j = 0; j < pool->count; j++)
		if (j != i && X509_check_issued(pool->certs[i],
		    pool->certs[j]) == X509_V_OK)
			return true;
	return false;
}

/*
 * How much a certificate looks like the leaf: one that issued nothing
 * else, pasted as the certificate rather than in the CA bundle, and not
 * a CA.  -1: cannot be the leaf.
 */
static int material_leaf_rank(const struct material_pool *pool, size_t i)
{
	int rank = 0;

	if (material_is_issuer(pool, i))
		return -1;
	if (pool->origins[i] != INPUT_FROM_BUNDLE)
		rank += 2;
	if (X509_check_ca(pool->certs[i]) == 0)
		rank += 1;
	return rank;
}

static bool material_matches_key(X509 *cert, EVP_PKEY *key)
{
	bool match = X509_check_private_key(cert, key) == 1;

	/* A mismatch is an answer here, not an error to report later. */
	ERR_clear_error();
	return match;
}

/*
 * The index of the leaf, or -1.  With a key, only certificates for that
 * key qualify (a renewed and an old certificate may share it); then the
 * best rank wins and ties go to the first read.
 */
static int material_pick_leaf(const struct material_pool *pool,
    EVP_PKEY *key)
{
	int best = -1, best_rank = -2;

	for (size_t i = 0; i < pool->count; i++) {
		int rank;

		if (key != NULL && !material_matches_key(pool->certs[i], key))
			continue;
		/* With the key matching, even a CA may be what is meant. */
		rank = material_leaf_rank(pool, i);
		if (key == NULL && rank < 0)
			continue;
		if (rank > best_rank) {
			best = (int)i;
			best_rank = rank;
		}
	}
	return best;
}

static void material_push(STACK_OF(X509) *chain, X509 *cert)
{
	X509_up_ref(cert);
	if (!sk_X509_push(chain, cert))
		abort();
}

/* Follow issuers from the leaf, then append the rest in read order. */
static void material_order_chain(struct material_pool *pool, size_t leaf,
    STACK_OF(X509) *chain)
{
	X509 *current = pool->certs[leaf];
	bool found = true;

	pool->used[leaf] = true;
	while (found && X509_check_issued(current, current) != X509_V_OK) {
		found = false;
		for (size_t i = 0; i < pool->count && !found; i++) {
			if (pool->used[i] || X509_check_issued(pool->certs[i],
			    current) != X509_V_OK)
				continue;
			pool->used[i] = found = true;
			current = pool->certs[i];
			material_push(chain, current);
		}
	}

	for (size_t i = 0; i < pool->count; i++)
		if (!pool->used[i])
			material_push(chain, pool->certs[i]);
}

bool material_from_input(struct material *mat, const struct input *in,
    struct error *err)
{
	struct material_pool pool;
	STACK_OF(X509) *chain;
	int leaf;
	bool ok = false;

	if (in->cert_count == 0) {
		error_set(err, "no-certificate", "no certificate was given; "
		    "paste the certificate from -----BEGIN CERTIFICATE----- "
		    "to -----END CERTIFICATE-----");
		return false;
	}

	material_pool_make(&pool, in);
	if ((leaf = material_pick_leaf(&pool, in->key)) < 0) {
		if (in->key != NULL)
			error_set(err, "no-leaf", "none of the %zu "
			    "certificates matches the private key; give the "
			    "certificate that was issued for this key",
			    pool.count);
		else
			error_set(err, "no-leaf", "none of the %zu "
			    "certificates can be the server certificate: each "
			    "one issued another; add the server certificate",
			    pool.count);
		goto out;
	}

	/* Replace mat only now that the result is complete. */
	if ((chain = sk_X509_new_null()) == NULL)
		abort();
	material_order_chain(&pool, (size_t)leaf, chain);
	material_free(mat);
	mat->chain = chain;
	mat->leaf = pool.certs[leaf];
	X509_up_ref(mat->leaf);
	if ((mat->key = in->key) != NULL)
		EVP_PKEY_up_ref(mat->key);
	ok = true;
out:
	material_pool_free(&pool);
	return ok;
}

static void material_write_cert(BIO *bio, X509 *cert)
{
	if (cert == NULL || !PEM_write_bio_X509(bio, cert))
		abort();
}

static void material_write_chain(BIO *bio, const struct material *mat)
{
	for (int i = 0; mat->chain != NULL && i < sk_X509_num(mat->chain); i++)
		material_write_cert(bio, sk_X509_value(mat->chain, i));
}

/* Unencrypted PKCS#8: every daemon reads it, and the file mode is what
 * protects it (a passphrase would stop unattended restarts). */
static void material_write_key(BIO *bio, const struct material *mat)
{
	if (mat->key == NULL || !PEM_write_bio_PrivateKey(bio, mat->key,
	    NULL, NULL, 0, NULL, NULL))
		abort();
}

char *material_render(const struct material *mat, enum material_part part,
    size_t *length)
{
	BIO *bio = BIO_new(BIO_s_secmem());
	char *data, *copy;
	long n;

	if (bio == NULL)
		abort();

	/* A combined file is key, leaf, chain: the order daemons expect. */
	switch (part) {
	case MATERIAL_KEY_FULLCHAIN:
		material_write_key(bio, mat);
		/* FALLTHROUGH */
	case MATERIAL_FULLCHAIN:
		material_write_cert(bio, mat->leaf);
		material_write_chain(bio, mat);
		break;
	case MATERIAL_CERT:
		material_write_cert(bio, mat->leaf);
		break;
	case MATERIAL_CHAIN:
		material_write_chain(bio, mat);
		break;
	case MATERIAL_KEY:
		material_write_key(bio, mat);
		break;
	}

	/* A secure-heap BIO wipes its buffer when freed.  An empty chain
	 * leaves it without any buffer at all. */
	n = BIO_get_mem_data(bio, &data);
	copy = xmalloc((size_t)n + 1);
	if (n > 0)
		memcpy(copy, data, (size_t)n);
	copy[n] = '\0';
	BIO_free(bio);
	if (length != NULL)
		*length = (size_t)n;
	return copy;
}

void material_fingerprint(X509 *cert, char *out, size_t size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_length = 0;
	char hex[EVP_MAX_MD_SIZE * 3 + 1] = "";

	if (cert == NULL || !X509_digest(cert, EVP_sha256(), md, &md_length))
		md_length = 0;
	for (unsigned int i = 0; i < md_length; i++)
		snprintf(hex + i * 3, sizeof(hex) - i * 3, "%02X:", md[i]);
	if (md_length > 0)
		hex[md_length * 3 - 1] = '\0';
	if (size > 0)
		snprintf(out, size, "%s", hex);
}
