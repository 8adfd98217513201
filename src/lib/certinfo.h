/*
 * certinfo.h - what is shown for every certificate.
 */
#ifndef SVCCERT_CERTINFO_H
#define SVCCERT_CERTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "material.h"

struct certinfo {
	char **domains;          /* as in the certificate (A-labels) */
	char **domains_unicode;  /* same order; U-label form, or a copy */
	size_t domain_count;
	bool has_san;            /* false: domains came from the CN */
	char *subject;           /* one line, RFC 2253 */
	char *subject_cn;        /* NULL when absent */
	char *issuer;            /* one line */
	char *issuer_cn;         /* NULL when absent */
	char *issuer_org;        /* NULL when absent */
	bool self_signed;        /* issuer is subject, signature checks */
	char key_type[32];       /* "RSA 2048", "ECDSA P-256", "Ed25519" */
	const char *key_algorithm; /* "rsaEncryption", "id-ecPublicKey", ... */
	int key_bits;
	const char *curve_name;  /* "prime256v1", "secp384r1" or NULL */
	time_t not_before;
	time_t not_after;
	char fingerprint[FINGERPRINT_SIZE]; /* SHA-256, "AA:BB:..." */
	char *signature_algorithm;          /* e.g. "sha256WithRSAEncryption" */
};

bool certinfo_from_x509(struct certinfo *info, X509 *cert);
void certinfo_free(struct certinfo *info);

/* Shortest useful name for messages: CN, else first domain, else subject. */
const char *certinfo_label(const struct certinfo *info);

/* The cert's subject/CN label without building a whole certinfo. */
char *certinfo_name_of(X509 *cert);

#endif
