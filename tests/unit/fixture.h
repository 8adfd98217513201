/*
 * fixture.h - a throwaway PKI made at test time.
 *
 * No certificate is committed, so none can expire in the tree.
 */
#ifndef SVCCERT_FIXTURE_H
#define SVCCERT_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct fixture_pair {
	X509 *cert;
	EVP_PKEY *key;
};

struct fixture_options {
	const char *cn;                 /* subject CN (NULL: none) */
	const char *org;                /* subject O (NULL: none) */
	const char *const *sans;        /* NULL-terminated DNS names; NULL:
	                                   no subjectAltName extension */
	const char *key_type;           /* "rsa-2048" (default), "rsa-1024",
	                                   "rsa-4096", "ecdsa-p256",
	                                   "ecdsa-p384", "ed25519" */
	int not_before_days;            /* offset from now; default -1 */
	int not_after_days;             /* offset from now; 0 means 30 */
	bool ca;                        /* basicConstraints CA:TRUE */
	const char *digest;             /* "sha256" (default), "sha1", "md5" */
	const struct fixture_pair *issuer; /* NULL: self-signed */
};

/* Aborts on failure: fixtures are preconditions, not user input. */
void fixture_make(struct fixture_pair *out, const struct fixture_options *o);
void fixture_pair_free(struct fixture_pair *pair);

/* root CA -> intermediate CA -> leaf (RSA 2048, SAN = sans, 30 days). */
struct fixture_pki {
	struct fixture_pair root;
	struct fixture_pair intermediate;
	struct fixture_pair leaf;
};
void fixture_pki_make(struct fixture_pki *pki, const char *leaf_cn,
    const char *const *sans);
void fixture_pki_free(struct fixture_pki *pki);

/* PEM text, malloc'd. */
char *fixture_cert_pem(X509 *cert);
char *fixture_key_pem(EVP_PKEY *key);      /* PKCS#8, unencrypted */
char *fixture_concat(const char *first, ...);  /* NULL-terminated list */

/* A fresh temporary directory (removed by fixture_cleanup_dirs). */
char *fixture_temp_dir(void);
/* Write data to dir/name and return the path (malloc'd). */
char *fixture_write_file(const char *dir, const char *name,
    const char *data);
void fixture_cleanup_dirs(void);

#endif
