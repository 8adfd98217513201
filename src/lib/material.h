/*
 * material.h - what a service needs: leaf, private key, ordered chain.
 *
 * Also how that material is written out in each file layout a daemon
 * reads (certificate alone, chain alone, leaf plus chain, key, key plus
 * leaf plus chain).  Files svccert writes are clean PEM with LF endings.
 */
#ifndef SVCCERT_MATERIAL_H
#define SVCCERT_MATERIAL_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "error.h"
#include "input.h"

struct material {
	X509 *leaf;
	EVP_PKEY *key;              /* may be NULL when only certs are known */
	STACK_OF(X509) *chain;      /* issuer of leaf first; never the leaf */
};

enum material_part {
	MATERIAL_CERT,            /* the leaf alone */
	MATERIAL_CHAIN,           /* the chain alone (may be empty) */
	MATERIAL_FULLCHAIN,       /* leaf, then chain */
	MATERIAL_KEY,             /* the private key alone (PKCS#8) */
	MATERIAL_KEY_FULLCHAIN,   /* key, leaf, chain: one combined file */
};

void material_init(struct material *mat);
void material_free(struct material *mat);
/* Deep copy (reference counts) of src into dst. */
void material_copy(struct material *dst, const struct material *src);

/*
 * Pick the leaf and order the rest, without judging them:
 * the leaf is the certificate whose public key matches the key; without a
 * key, the one certificate that issued no other.  The chain is built from
 * the leaf by issuer, then any certificate left over is appended in the
 * order read.  Fails (code no-certificate, or no-leaf) when nothing fits.
 */
bool material_from_input(struct material *mat, const struct input *in,
    struct error *err);

/* Render one part as PEM; the caller frees with util_free_secret. */
char *material_render(const struct material *mat, enum material_part part,
    size_t *length);

/* The leaf's SHA-256 fingerprint as "AA:BB:..." (96 bytes suffice). */
void material_fingerprint(X509 *cert, char *out, size_t size);
#define FINGERPRINT_SIZE 96

#endif
